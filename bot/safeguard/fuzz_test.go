package safeguard

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// fuzzSeeds are added to the committed corpus in testdata/fuzz.
var fuzzSeeds = []string{
	"",
	"i want to kill myself",
	"this homework is killing me",
	"I'm gonna k1lll myself!!!",
	"my brother beat me at fifa then he beat me up",
	"𝐤𝐢𝐥𝐥 ＫＩＬＬ ⓚⓘⓛⓛ wαnt e\u0301 ki\u200bll",
	"$@!*&&&!!!",
	"\xff\xfe invalid utf8 \xc3",
	"really really really really want to die",
}

func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	m := Default()
	f.Fuzz(func(t *testing.T, text string) {
		hit, ok := m.Check(text)
		all := m.CheckAll(text)
		if ok != (len(all) > 0) {
			t.Fatalf("Check(%q) = %v, %v but CheckAll = %v", text, hit, ok, all)
		}
		if ok && all[0] != hit {
			t.Fatalf("Check(%q) = %v but CheckAll[0] = %v", text, hit, all[0])
		}
		seen := map[Hit]bool{}
		for _, h := range all {
			if seen[h] || h.Category == "" || h.Phrase == "" {
				t.Fatalf("CheckAll(%q) = %v: duplicate or empty hit", text, all)
			}
			seen[h] = true
		}
		// Appending ordinary words after a full stop never loses a hit.
		if ok {
			if _, still := m.Check(text + ". hello there"); !still {
				t.Fatalf("Check(%q) lost its hit when text was appended", text)
			}
		}
	})
}

func FuzzNormalise(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n := Normalise(text)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalise(%q) = %q: invalid UTF-8", text, n)
		}
		if n != strings.Join(strings.Fields(n), " ") {
			t.Fatalf("Normalise(%q) = %q: spacing", text, n)
		}
		for _, r := range n {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("Normalise(%q) = %q: contains %q", text, n, r)
			}
			if unicode.ToLower(r) != r {
				t.Fatalf("Normalise(%q) = %q: upper case %q", text, n, r)
			}
		}
		if again := Normalise(n); again != n {
			t.Fatalf("Normalise is not idempotent: %q → %q → %q", text, n, again)
		}
		// Check sees the same text as Normalise shows.
		h1, ok1 := Default().Check(text)
		h2, ok2 := Default().Check(n)
		if h1 != h2 || ok1 != ok2 {
			t.Fatalf("Check(%q) = %v, %v but Check(Normalise) = %v, %v", text, h1, ok1, h2, ok2)
		}
	})
}
