// Package textsplit splits a long reply into messages that fit a channel's
// limit (1,600 characters for an SMS body, 4,096 UTF-16 units for a
// Telegram message), cutting where a reader would: at a blank line, a line
// break, the end of a sentence, or between words.
package textsplit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cut strengths, weakest first: Split prefers the strongest kind of cut it
// can make in the second half of the room it has.
const (
	cutWord      = iota // after a word, before a space
	cutSentence         // after . ! ? or …, with any closing quote or bracket
	cutLine             // at a line break
	cutParagraph        // at a blank line
)

// Width measures a rune in a channel's units.
type Width func(r rune) int

// Runes counts every rune as 1 (SMS bodies).
func Runes(rune) int { return 1 }

// UTF16 counts a rune as its UTF-16 code units, as Telegram does.
func UTF16(r rune) int {
	if r >= 0x10000 {
		return 2 // a surrogate pair
	}
	return 1
}

// Split splits s into messages of at most max units (measured by width)
// each. A message that fits is returned whole and unchanged. Otherwise each
// cut goes at the strongest boundary found in the latter half of the room
// left: a blank line, then a line break, then the end of a sentence;
// failing those, after the last word that fits; failing that (a single word
// longer than max), after max units, between runes. The whitespace at each
// cut is dropped; nothing else is changed. An empty s gives no messages.
func Split(s string, max int, width Width) []string {
	if width == nil {
		width = Runes
	}
	var out []string
	rest := s
	for {
		cut, fits := cutAt(rest, max, width)
		if fits {
			break
		}
		if part := strings.TrimRightFunc(rest[:cut], unicode.IsSpace); part != "" {
			out = append(out, part)
		}
		rest = strings.TrimLeftFunc(rest[cut:], unicode.IsSpace)
	}
	if rest != "" {
		out = append(out, rest)
	}
	return out
}

// cutAt reports whether s fits in max units and, if not, the byte offset at
// which to end the next message (always after at least one rune).
func cutAt(s string, max int, width Width) (cut int, fits bool) {
	half := max / 2
	late, lateKind := -1, -1 // the strongest cut at or after half
	early := -1              // the last cut before half
	hard := -1               // after the last rune that fits
	units := 0
	prev := rune(-1)
	for i, r := range s {
		// A run of whitespace after a non-space rune can end a message
		// of the units before it (at most max); the whitespace is dropped.
		if unicode.IsSpace(r) && prev != -1 && !unicode.IsSpace(prev) {
			switch kind := boundary(s, i); {
			case units < half:
				early = i
			case kind >= lateKind:
				late, lateKind = i, kind
			}
		}
		w := width(r)
		if units+w > max {
			hard = i
			break
		}
		prev = r
		units += w
	}
	switch {
	case hard < 0:
		return len(s), true
	case late > 0:
		return late, false
	case early > 0:
		return early, false
	case hard == 0: // max below one rune's width: take the rune anyway
		_, size := utf8.DecodeRuneInString(s)
		return size, false
	}
	return hard, false
}

// boundary classifies a cut at byte offset i of s, where a run of
// whitespace starts after a non-space rune.
func boundary(s string, i int) int {
	ws := s[i:]
	if end := strings.IndexFunc(ws, func(r rune) bool { return !unicode.IsSpace(r) }); end >= 0 {
		ws = ws[:end]
	}
	switch strings.Count(ws, "\n") {
	case 0:
	case 1:
		return cutLine
	default:
		return cutParagraph
	}
	before := strings.TrimRight(s[:i], "\"')]}’”»")
	if last, _ := utf8.DecodeLastRuneInString(before); strings.ContainsRune(".!?…", last) {
		return cutSentence
	}
	return cutWord
}
