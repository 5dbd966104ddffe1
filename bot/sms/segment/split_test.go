package segment

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []string
	}{
		{"empty", "", 10, nil},
		{"fits, unchanged", "  Hello there.  ", 20, []string{"  Hello there.  "}},
		{"exactly max", "abcde", 5, []string{"abcde"}},
		{"sentence boundary", "One two. Three four. Five six.", 20,
			[]string{"One two. Three four.", "Five six."}},
		{"later sentence beats later word", "One two three. Four five six", 20,
			[]string{"One two three.", "Four five six"}},
		{"sentence in first half loses to a word", "Hi. Here is a long sentence that goes on", 20,
			[]string{"Hi. Here is a long", "sentence that goes", "on"}},
		{"question and exclamation", "Are you OK? Yes! Good to hear", 17,
			[]string{"Are you OK? Yes!", "Good to hear"}},
		{"closing quote stays with its sentence", `He said "stop." Then he left the room.`, 20,
			[]string{`He said "stop."`, "Then he left the", "room."}},
		{"line break beats sentence", "Choose one:\n1. Yes. Sure.\n2. No", 26,
			[]string{"Choose one:\n1. Yes. Sure.", "2. No"}},
		{"paragraph beats line", "First part here.\n\nSecond line\nThird line", 30,
			[]string{"First part here.", "Second line\nThird line"}},
		{"word boundary", "aaa bbb ccc ddd", 8, []string{"aaa bbb", "ccc ddd"}},
		{"space exactly after max", "aaaa bbbb", 4, []string{"aaaa", "bbbb"}},
		{"hard cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"hard cut counts runes", "😀😀😀😀😀", 2, []string{"😀😀", "😀😀", "😀"}},
		{"long word after short one", "a bcdefghij", 4, []string{"a", "bcde", "fghi", "j"}},
		{"whitespace only", strings.Repeat(" ", 10), 3, nil},
		{"runs of spaces dropped at cut", "aaa     bbb", 5, []string{"aaa", "bbb"}},
		{"max 1", "ab c", 1, []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.in, tt.max)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q, %d)\n got %q\nwant %q", tt.in, tt.max, got, tt.want)
			}
			checkSplit(t, tt.in, tt.max, got)
		})
	}
}

func TestSplitDefaultMax(t *testing.T) {
	sentence := "This is a sentence of exactly fifty characters ok. "
	long := strings.TrimSpace(strings.Repeat(sentence, 70)) // about 3,500 characters
	parts := Split(long, 0)
	if len(parts) != 3 {
		t.Fatalf("got %d parts, want 3", len(parts))
	}
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > MaxBody {
			t.Errorf("part %d has %d runes", i, n)
		}
		if !strings.HasSuffix(p, "ok.") {
			t.Errorf("part %d does not end at a sentence: ...%q", i, p[len(p)-10:])
		}
	}
	checkSplit(t, long, 0, parts)
}

// checkSplit asserts Split's contract: every body is non-empty and at most
// max runes, and the bodies, in order, are s with only whitespace between,
// before and after them. A body that fits comes back unchanged.
func checkSplit(t *testing.T, s string, max int, parts []string) {
	t.Helper()
	if max < 1 {
		max = MaxBody
	}
	if s != "" && utf8.RuneCountInString(s) <= max {
		if len(parts) != 1 || parts[0] != s {
			t.Fatalf("%q fits in %d but came back as %q", s, max, parts)
		}
		return
	}
	for i, p := range parts {
		if p == "" {
			t.Fatalf("part %d is empty", i)
		}
		if n := utf8.RuneCountInString(p); n > max {
			t.Fatalf("part %d has %d runes, max %d: %q", i, n, max, p)
		}
	}
	// Only whitespace is dropped at the cuts: without whitespace, the parts
	// joined are the input. (Comparing byte prefixes instead can be fooled
	// by invalid UTF-8 inside a space's encoding.)
	noSpace := func(x string) string {
		var b strings.Builder
		for len(x) > 0 {
			r, size := utf8.DecodeRuneInString(x)
			if !unicode.IsSpace(r) {
				b.WriteString(x[:size]) // invalid bytes kept as they are
			}
			x = x[size:]
		}
		return b.String()
	}
	var joined strings.Builder
	for _, p := range parts {
		joined.WriteString(noSpace(p)) // each message on its own: bytes do not merge across parts
	}
	if got, want := joined.String(), noSpace(s); got != want {
		t.Fatalf("parts %q do not rebuild %q", parts, s)
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("One two. Three four. Five six.", 20)
	f.Add("😀😀😀 ç ça\u00a0va", 2)
	f.Add("  lead and trail  ", 3)
	f.Add("a\n\nb\nc. d", 1)
	f.Fuzz(func(t *testing.T, s string, max int) {
		// Keep max small enough to cut often, and let it be ≤ 0 sometimes.
		m := int(uint(max)%300) - 5
		checkSplit(t, s, m, Split(s, m))
	})
}

func BenchmarkCount(b *testing.B) {
	gsm := strings.Repeat("Hi, I'm Signpost. I can put you in touch with a link worker {ok}. ", 24)
	ucs := strings.Repeat("Ça va? ç 😀 ", 140)
	b.Run("GSM7-1600", func(b *testing.B) {
		b.SetBytes(int64(len(gsm)))
		for b.Loop() {
			Count(gsm)
		}
	})
	b.Run("UCS2-1600", func(b *testing.B) {
		b.SetBytes(int64(len(ucs)))
		for b.Loop() {
			Count(ucs)
		}
	})
	short := "How old are you?"
	b.Run("GSM7-short", func(b *testing.B) {
		for b.Loop() {
			Count(short)
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	text := strings.Repeat("This is a sentence of exactly fifty characters ok. ", 200) // 10,000 characters
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Split(text, MaxBody)
	}
}

func BenchmarkGSMSafe(b *testing.B) {
	ascii := strings.Repeat("Thanks, a link worker will contact you within 2 working days. ", 10)
	curly := strings.Repeat("Thanks – it’s “done”… ", 25)
	b.Run("ascii", func(b *testing.B) {
		for b.Loop() {
			GSMSafe(ascii)
		}
	})
	b.Run("typographic", func(b *testing.B) {
		for b.Loop() {
			GSMSafe(curly)
		}
	})
}
