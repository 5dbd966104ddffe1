package segment

import (
	"strings"
	"testing"
)

func TestCount(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	c := func(n int) string { return strings.Repeat("ç", n) } // not GSM-7: forces UCS-2
	e := func(n int) string { return strings.Repeat("😀", n) } // two UTF-16 units each
	tests := []struct {
		name     string
		in       string
		segments int
		enc      Encoding
	}{
		{"empty", "", 0, GSM7},
		{"one letter", "a", 1, GSM7},
		{"160 GSM fits one", a(160), 1, GSM7},
		{"161 GSM needs two", a(161), 2, GSM7},
		{"306 GSM is two parts of 153", a(306), 2, GSM7},
		{"307 GSM needs three", a(307), 3, GSM7},
		{"459 GSM is three", a(459), 3, GSM7},
		{"460 GSM needs four", a(460), 4, GSM7},
		{"euro and 158 letters is 160 septets", "€" + a(158), 1, GSM7},
		{"euro and 159 letters is 161 septets", "€" + a(159), 2, GSM7},
		{"80 braces are 160 septets", strings.Repeat("{", 80), 1, GSM7},
		{"81 braces are 162 septets", strings.Repeat("{", 81), 2, GSM7},
		{"escape not split across parts", a(152) + "€" + a(152), 3, GSM7}, // 306 septets, but € cannot straddle
		{"escape fits at end of part", a(151) + "€" + a(153), 2, GSM7},
		{"newline and CR are basic", strings.Repeat("\r\n", 80), 1, GSM7},
		{"capital C cedilla is GSM-7", "Ça va", 1, GSM7},
		{"small c cedilla is not", "ça va", 1, UCS2},
		{"grave accent is not", "`", 1, UCS2},
		{"tab is not", "a\tb", 1, UCS2},
		{"a acute is not", "á", 1, UCS2},
		{"70 UCS-2 fits one", c(70), 1, UCS2},
		{"71 UCS-2 needs two", c(71), 2, UCS2},
		{"134 UCS-2 is two parts of 67", c(134), 2, UCS2},
		{"135 UCS-2 needs three", c(135), 3, UCS2},
		{"one GSM letter and a c cedilla", a(69) + "ç", 1, UCS2},
		{"35 emoji are 70 units", e(35), 1, UCS2},
		{"36 emoji are 72 units", e(36), 2, UCS2},
		{"emoji and 68 letters is 70 units", "😀" + a(68), 1, UCS2},
		{"emoji and 69 letters is 71 units", "😀" + a(69), 2, UCS2},
		{"surrogate pair not split across parts", c(66) + "😀" + c(66), 3, UCS2}, // 134 units, but the pair cannot straddle
		{"surrogate pair fits at end of part", c(65) + "😀" + c(67), 2, UCS2},
		{"67 emoji", e(67), 3, UCS2}, // 33 per part
		{"invalid UTF-8 is UCS-2", "\xff", 1, UCS2},
		{"ESC itself is not a character", "\x1b", 1, UCS2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, enc := Count(tt.in)
			if n != tt.segments || enc != tt.enc {
				t.Errorf("Count = %d %s, want %d %s", n, enc, tt.segments, tt.enc)
			}
		})
	}
}

func TestCharacterSets(t *testing.T) {
	// The default alphabet has 128 positions; ESC is left out.
	if n := len([]rune(gsmBasic)); n != 127 {
		t.Fatalf("gsmBasic has %d characters, want 127", n)
	}
	for _, r := range gsmBasic {
		if septets(r) != 1 {
			t.Errorf("%q: %d septets, want 1", r, septets(r))
		}
	}
	for _, r := range "^{}\\[~]|€\f" {
		if septets(r) != 2 {
			t.Errorf("extension %q: %d septets, want 2", r, septets(r))
		}
		if n, _ := Count(strings.Repeat(string(r), 80)); n != 1 {
			t.Errorf("80 × %q: %d segments, want 1", r, n)
		}
		if n, _ := Count(strings.Repeat(string(r), 81)); n != 2 {
			t.Errorf("81 × %q: %d segments, want 2", r, n)
		}
	}
	// Printable ASCII is all GSM-7 except the grave accent.
	for r := rune(' '); r <= '~'; r++ {
		if got := septets(r) > 0; got != (r != '`') {
			t.Errorf("%q in GSM-7 = %v", r, got)
		}
	}
	for _, r := range "çÁáÒêÊœŒ‘’“”–—…\u00a0😀" {
		if septets(r) != 0 {
			t.Errorf("%q should not be GSM-7", r)
		}
	}
	for _, r := range "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà" {
		if septets(r) != 1 {
			t.Errorf("%q should be GSM-7", r)
		}
	}
	if !IsGSM7("Hi Ça £5 {ok}") || IsGSM7("café ç") {
		t.Error("IsGSM7 disagrees with the table")
	}
	if GSM7.String() != "GSM-7" || UCS2.String() != "UCS-2" {
		t.Error("Encoding.String")
	}
}

func TestGSMSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text stays", "plain text stays"},
		{"It’s ‘fine’", "It's 'fine'"},
		{"“Hello”", "\"Hello\""},
		{"9–5 — or not", "9-5 - or not"},
		{"Wait…", "Wait..."},
		{"£5\u00a0each", "£5 each"},
		{"soft\u00adhyphen\u200b", "softhyphen"},
		{"• one\n• two", "- one\n- two"},
		{"tab\there", "tab here"},
		{"café ç 😀", "café ç 😀"}, // letters and emoji are left alone
		{"«oui»", "\"oui\""},
	}
	for _, tt := range tests {
		if got := GSMSafe(tt.in); got != tt.want {
			t.Errorf("GSMSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for i := 0; i < len(safeReplacements); i += 2 {
		from, to := safeReplacements[i], safeReplacements[i+1]
		if IsGSM7(from) {
			t.Errorf("%q is already GSM-7: no need to replace it", from)
		}
		if !IsGSM7(to) {
			t.Errorf("%q replaces %q but is not GSM-7", to, from)
		}
	}
	in := "Hi {{name}}, it’s Signpost – a link worker will text you…"
	if n, enc := Count(GSMSafe(in)); enc != GSM7 || n != 1 {
		t.Errorf("after GSMSafe: %d %s, want 1 GSM-7", n, enc)
	}
}
