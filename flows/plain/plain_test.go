package plain

import (
	"math"
	"testing"
)

func TestCount(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Stats
	}{
		{"empty", "", Stats{}},
		{"only a template", "{{name}}", Stats{}},
		{"simple", "The cat sat on the mat.", Stats{Words: 6, Sentences: 1, Syllables: 6}},
		{"template ignored, its full stop kept", "Thanks {{name}}. A link worker will contact you within 2 working days.",
			Stats{Words: 10, Sentences: 2, Syllables: 14}},
		{"numbers and phone numbers ignored", "Call Childline on 0800 1111 or Samaritans on 116 123.",
			Stats{Words: 6, Sentences: 1, Syllables: 10}},
		{"urls and emails ignored", "Visit https://example.org/help or www.shout.org.uk, childline.org.uk or email help@example.org today.",
			Stats{Words: 5, Sentences: 1, Syllables: 8}},
		{"lines end sentences", "Pick one:\n1. Yes\n2. No", Stats{Words: 4, Sentences: 3, Syllables: 4}},
		{"question and exclamation", "Hi! Is it OK? Great", Stats{Words: 5, Sentences: 3, Syllables: 6}},
		{"closing quote", `She said "stop." Then left.`, Stats{Words: 5, Sentences: 2, Syllables: 5}},
		{"abbreviation does not end a sentence", "Ask Dr. Patel, e.g. on Monday.", Stats{Words: 6, Sentences: 1, Syllables: 8}},
		{"ellipsis", "Well… maybe", Stats{Words: 2, Sentences: 2, Syllables: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Count(tt.text); got != tt.want {
				t.Errorf("Count(%q) = %+v, want %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestScores(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		ease, age  float64 // exact, to 0.01
		easeBounds [2]float64
		ageBounds  [2]float64
	}{
		{
			name: "very easy", text: "The cat sat on the mat.",
			// 206.835 − 1.015×6 − 84.6×1; 0.39×6 + 11.8×1 − 15.59 + 5
			ease: 116.145, age: 3.55,
		},
		{
			// The Flesch–Kincaid article's example: grade 13.1 (13 words,
			// 26 syllables).
			name: "textbook example", text: "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.",
			ease: 24.44, age: 18.08,
		},
		{
			name: "dense legal sentence",
			text: "Notwithstanding any provision hereinbefore contained, the processing of personal information " +
				"shall be undertaken exclusively in accordance with applicable statutory obligations.",
			easeBounds: [2]float64{-100, 0}, ageBounds: [2]float64{25, 40},
		},
		{
			name:       "the built-in too-young message",
			text:       "Thanks for getting in touch. Please talk to an adult you trust, or call Childline on 0800 1111.",
			easeBounds: [2]float64{80, 100}, ageBounds: [2]float64{5, 8},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ease, age := ReadingEase(tt.text), ReadingAge(tt.text)
			t.Logf("ease %.2f, age %.2f, %+v", ease, age, Count(tt.text))
			if tt.easeBounds == [2]float64{} {
				if math.Abs(ease-tt.ease) > 0.01 || math.Abs(age-tt.age) > 0.01 {
					t.Errorf("ease %.3f age %.3f, want %.3f and %.3f", ease, age, tt.ease, tt.age)
				}
				return
			}
			if ease < tt.easeBounds[0] || ease > tt.easeBounds[1] {
				t.Errorf("ease %.2f, want within %v", ease, tt.easeBounds)
			}
			if age < tt.ageBounds[0] || age > tt.ageBounds[1] {
				t.Errorf("age %.2f, want within %v", age, tt.ageBounds)
			}
		})
	}
	if ReadingEase("{{name}} 0800 1111") != 100 || ReadingAge("") != 0 {
		t.Error("a text with no words should score 100 ease and age 0")
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		target float64
		ok     bool
	}{
		{"empty", "", 11, true},
		{"short but hard words", "Notwithstanding hereinbefore-mentioned statutory obligations.", 11, true},
		{"seven words", "Please describe your circumstances, responsibilities and aspirations.", 11, true},
		{"question from the flow", "In your own words, what matters to you right now?", 11, true},
		{"welcome", "Hi, I'm Signpost. I can put you in touch with a link worker. Is it OK to ask you a few questions?", 11, true},
		{"invalid reply", "Please reply with your age as a number, like 15.", 11, true},
		{"legal text", "Notwithstanding any provision hereinbefore contained, the processing of personal information " +
			"shall be undertaken exclusively in accordance with applicable statutory obligations.", 11, false},
		{"plain for 16, not for 11", "Employment support includes apprenticeship applications, interview preparation and " +
			"qualifications. Financial difficulties are discussed confidentially.", 11, false},
		{"same text for a graduate reader", "Employment support includes apprenticeship applications, interview preparation and " +
			"qualifications. Financial difficulties are discussed confidentially.", 30, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			age, ok := Check(tt.text, tt.target)
			if ok != tt.ok {
				t.Errorf("Check = %.2f %v, want ok %v (%+v)", age, ok, tt.ok, Count(tt.text))
			}
			if want := ReadingAge(tt.text); age != want {
				t.Errorf("Check age %.2f, ReadingAge %.2f", age, want)
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	text := "Thanks {{name}}. A link worker will contact you within 2 working days. " +
		"If you need help now, call Childline on 0800 1111 or visit https://www.childline.org.uk."
	for b.Loop() {
		Check(text, 11)
	}
}
