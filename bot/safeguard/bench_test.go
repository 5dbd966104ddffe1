package safeguard

import "testing"

// 160-character messages, the length of one SMS.
const (
	benchOrdinary = "Hi, I'm 15 and my teacher said to text you. I like football and drawing and want to meet new people. I'm free after school on Tuesdays, is it free to come along"
	benchRisky    = "Hi, I'm 15 and my teacher said to text you. School is hard and home is worse, my stepdad hits me when he's drunk. I'm free after school on Tuesdays if thats ok."
)

func BenchmarkCheck(b *testing.B) {
	m := Default()
	for _, c := range []struct {
		name, text string
		hit        bool
	}{
		{"ordinary", benchOrdinary, false},
		{"risky", benchRisky, true},
	} {
		if len(c.text) != 160 {
			b.Fatalf("%s message is %d characters, want 160", c.name, len(c.text))
		}
		if _, ok := m.Check(c.text); ok != c.hit {
			b.Fatalf("%s message: hit = %v", c.name, ok)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Check(c.text)
			}
		})
	}
}

func BenchmarkCheckAll(b *testing.B) {
	m := Default()
	b.ReportAllocs()
	for b.Loop() {
		m.CheckAll(benchRisky)
	}
}

func BenchmarkNormalise(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Normalise(benchOrdinary)
	}
}

func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(defaultList); err != nil {
			b.Fatal(err)
		}
	}
}
