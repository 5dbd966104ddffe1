package safeguard

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

// lines returns the non-blank, non-comment lines of a testdata file.
func lines(t testing.TB, name string) []string {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func categories(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Category)
	}
	return out
}

func TestRisky(t *testing.T) {
	m := Default()
	cases := lines(t, "risky.txt")
	if len(cases) < 80 {
		t.Fatalf("risky.txt has %d cases, want at least 80", len(cases))
	}
	for _, l := range cases {
		want, text, ok := strings.Cut(l, "\t")
		if !ok {
			t.Errorf("risky.txt: %q: want category<TAB>text", l)
			continue
		}
		hit, found := m.Check(text)
		all := m.CheckAll(text)
		switch {
		case !found:
			t.Errorf("missed %q (normalised %q)", text, Normalise(text))
		case all[0] != hit:
			t.Errorf("%q: Check = %v but CheckAll[0] = %v", text, hit, all[0])
		case want != "*" && !slices.Contains(categories(all), want):
			t.Errorf("%q: got %v, want category %s", text, all, want)
		}
	}
}

func TestOrdinary(t *testing.T) {
	m := Default()
	cases := lines(t, "ordinary.txt")
	if len(cases) < 80 {
		t.Fatalf("ordinary.txt has %d cases, want at least 80", len(cases))
	}
	for _, text := range cases {
		if hits := m.CheckAll(text); hits != nil {
			t.Errorf("false alarm on %q (normalised %q): %v", text, Normalise(text), hits)
		}
		if hit, ok := m.Check(text); ok {
			t.Errorf("Check(%q) = %v, CheckAll found nothing", text, hit)
		}
	}
}

// TestHardCases pins the decisions documented on the package.
func TestHardCases(t *testing.T) {
	m := Default()
	for _, c := range []struct {
		text, want string // want "" for no hit, else the first hit's category
	}{
		{"this homework is killing me", ""},
		{"this homework is killing me, i want to kill myself", "suicide"},
		{"killing it! kill myself", "suicide"},
		{"I'm dead 💀 I want to kill myself", "suicide"},
		{"I'm not suicidal", "suicide"},
		{"I would never kill myself", "suicide"},
		{"I'm not going to hurt myself", "self_harm"},
		{"i was killing myself laughing", ""},
		{"skill myself", ""},
		{"i cut my hair myself", ""},
		{"cut the grass", ""},
		{"i cut the grass and then i cut myself", "self_harm"},
		{"my brother beat me at fifa", ""},
		{"my brother beat me at fifa then he beat me up", "abuse"},
		{"i got kicked out of class", ""},
		{"my dad kicked me out", "unsafe_home"}, // abuse's "dad kicked me" is excepted
		{"i want to die my hair", ""},
		{"i want to die", "suicide"},
		{"i want to die for real", "suicide"},
		{"that cake is to die for", ""},
		{"i want to kill time", ""},
		{"i want to go home and kill myself", "suicide"},
	} {
		hit, ok := m.Check(c.text)
		if got := hit.Category; got != c.want || ok != (c.want != "") {
			t.Errorf("Check(%q) = %v, %v; want category %q", c.text, hit, ok, c.want)
		}
	}
}

func TestCheckAllDistinct(t *testing.T) {
	hits := Default().CheckAll("kill myself. KILL MYSELF. i want to die and kill myself")
	want := []Hit{{"suicide", "kill myself"}, {"suicide", "want to die"}}
	if !slices.Equal(hits, want) {
		t.Errorf("CheckAll = %v, want %v", hits, want)
	}
}

func TestCheckNoAlloc(t *testing.T) {
	m := Default()
	msg := "Hi, I'm 15 and my teacher said I should text you. I like football and drawing, and I'd like to meet new people after school on Tuesdays."
	if n := testing.AllocsPerRun(100, func() { m.Check(msg) }); n != 0 {
		t.Errorf("Check allocates %v times for an ordinary message, want 0", n)
	}
}
