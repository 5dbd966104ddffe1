package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// clean makes a raw reply safe to parse: invalid UTF-8 bytes are dropped,
// line endings become "\n", tabs and other spaces become " ", control
// characters and invisible formatting characters (zero-width space, byte
// order mark, direction marks) are removed, and the result is trimmed. When
// keepLines is false new lines become spaces too.
func clean(s string, keepLines bool) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			r = '\n'
		case '\u2028', '\u2029', '\u0085':
			r = '\n'
		}
		switch {
		case r == '\n':
			if keepLines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.IsControl(r), invisible(r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// invisible reports whether r is an invisible formatting character that a
// phone or copy-paste may slip into a reply. Zero-width joiners and tag
// characters are kept: emoji sequences and flags use them.
func invisible(r rune) bool {
	switch {
	case r == '\u00ad', r == '\u180e', r == '\u200b', r == '\u200e', r == '\u200f', r == '\ufeff':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2060' && r <= '\u2064', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// modifier reports whether r only changes how the rune before it looks:
// emoji variation selectors, skin tones, the zero-width joiner and the
// keycap mark ("2️⃣" reads as "2").
func modifier(r rune) bool {
	switch {
	case r == '\ufe0e', r == '\ufe0f', r == '\u200d', r == '\u200c', r == '\u20e3':
		return true
	case r >= 0x1f3fb && r <= 0x1f3ff: // skin tones
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tags
		return true
	}
	return false
}

// apostrophe reports whether r is an apostrophe or something typed for one.
func apostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '\u02bc', '`', '\u00b4':
		return true
	}
	return false
}

// sep is the token that stands for a list separator (",", ";", "/", "+", "|").
const sep = ","

// tokens splits s into lower-case words for matching. Letters, digits and
// combining marks make up words; apostrophes are dropped ("don't" → "dont");
// "&" is the word "and"; each emoji or other symbol is a word of its own
// (without variation selectors or skin tones); everything else separates
// words. With seps, the list separators , ; / + | are kept as the token sep.
func tokens(s string, seps bool) []string {
	var out []string
	var b []byte // the current word
	flush := func() {
		if len(b) > 0 {
			out = append(out, string(b))
			b = b[:0]
		}
	}
	for _, r := range s {
		switch {
		case modifier(r), apostrophe(r):
			continue
		case r == '&':
			flush()
			out = append(out, "and")
		case seps && (r == ',' || r == ';' || r == '/' || r == '+' || r == '|'):
			flush()
			out = append(out, sep)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b = utf8.AppendRune(b, unicode.ToLower(r))
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r):
			flush()
			out = append(out, string(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// key is the normal form of a phrase: its tokens joined by single spaces.
func key(s string) string { return strings.Join(tokens(s, false), " ") }

// squeeze collapses runs of the same character: "yesss" → "yes".
func squeeze(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	last := rune(-1)
	for _, r := range s {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// runeLen is the number of characters in s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
