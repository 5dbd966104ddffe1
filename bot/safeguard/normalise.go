package safeguard

import (
	"strings"
	"unicode/utf8"
)

// leet maps the leetspeak characters of a word that has a letter in it.
// Zero means the byte is dropped; a byte not listed is kept.
var leet = [128]byte{
	'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't',
	'$': 's', '@': 'a', '!': 'i', '*': 0,
}

// scanner splits text into normalised words without allocating: each call
// to next writes one word into a buffer the caller owns.
type scanner struct {
	s string
	i int
}

// next appends the next normalised word to dst[:0] and returns it, or
// reports false at the end of the text. See Normalise for the rules.
func (sc *scanner) next(dst []byte) ([]byte, bool) {
	for sc.i < len(sc.s) {
		dst = dst[:0]
		letters, in := false, false
		for sc.i < len(sc.s) {
			var r1, r2 rune
			var k, size int
			if c := sc.s[sc.i]; c < utf8.RuneSelf {
				r1, k, size = rune(asciiLower[c]), int(asciiKind[c]), 1
			} else {
				var r rune
				r, size = utf8.DecodeRuneInString(sc.s[sc.i:])
				r1, r2 = foldRune(r)
				k = runeKind(r1)
			}
			if k == kindAmp {
				if in {
					break // end this word; the & is the next one
				}
				sc.i += size
				return append(dst, "and"...), true
			}
			sc.i += size
			if k == kindSep || (k == kindInner && !in) {
				if in {
					break
				}
				continue
			}
			switch k {
			case kindDrop:
				continue // removed, and neither starts nor ends a word
			case kindLetter:
				letters = true
				if r1 < utf8.RuneSelf && r2 == 0 {
					dst = append(dst, byte(r1))
					break
				}
				dst = utf8.AppendRune(dst, r1)
				if r2 != 0 {
					dst = utf8.AppendRune(dst, r2)
				}
			default:
				dst = append(dst, byte(r1))
			}
			in = true
		}
		if w := finish(dst, letters); len(w) > 0 {
			return w, true
		}
	}
	return dst[:0], false
}

// finish turns the raw characters of one word into its normalised form in
// place: trailing ! and * go; in a word with a letter, leetspeak is mapped
// and runs of the same character collapse to one; a word without a letter
// keeps only its digits (a number).
func finish(w []byte, letters bool) []byte {
	for len(w) > 0 && (w[len(w)-1] == '!' || w[len(w)-1] == '*') {
		w = w[:len(w)-1]
	}
	n := 0
	if !letters {
		for _, c := range w {
			if '0' <= c && c <= '9' {
				w[n] = c
				n++
			}
		}
		return w[:n]
	}
	var prev rune = -1
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			i++
			if m := leet[c]; m != 0 {
				c = m
			} else if c == '*' {
				continue
			}
			if rune(c) != prev {
				w[n] = c
				n++
				prev = rune(c)
			}
			continue
		}
		r, size := utf8.DecodeRune(w[i:])
		if r != prev {
			n += copy(w[n:], w[i:i+size])
			prev = r
		}
		i += size
	}
	return w[:n]
}

// words returns the normalised words of text, before misspellings are
// mapped. It allocates; the matcher uses scanner directly.
func words(text string) []string {
	var out []string
	var buf [64]byte
	sc := scanner{s: text}
	for {
		w, ok := sc.next(buf[:0])
		if !ok {
			return out
		}
		out = append(out, string(w))
	}
}

// Normalise returns text the way the default Matcher sees it: words of
// lower-case letters or digits separated by single spaces.
//
//   - Letters are lower-cased and folded to ASCII where simple (é→e, ß→ss,
//     fullwidth and "fancy text" letters); other scripts are only lower-cased.
//   - In a word with a letter, leetspeak is read as letters: 0→o 1→i 3→e
//     4→a 5→s 7→t @→a $→s, and ! inside a word →i; * inside a word is
//     dropped (f*ck→fck). A word with no letter is a number and keeps its
//     digits ("15").
//   - Apostrophes are removed (don't→dont); & is the word "and"; all other
//     punctuation, symbols and emoji separate words.
//   - Runs of the same letter collapse to one (kiiiilll→kil, really→realy),
//     here and in the phrase list alike, so stretched words still meet.
//   - Each word that is a key of the list's misspellings is replaced by its
//     value (sucide→suicide, im→i am, wanna→want to, u→you, kms→kil myself).
func Normalise(text string) string {
	return Default().normalise(text)
}

// normalise is Normalise with m's misspellings.
func (m *Matcher) normalise(text string) string {
	var b strings.Builder
	var buf [64]byte
	sc := scanner{s: text}
	for {
		w, ok := sc.next(buf[:0])
		if !ok {
			return b.String()
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if v, ok := m.misspell[string(w)]; ok {
			b.WriteString(v)
		} else {
			b.Write(w)
		}
	}
}
