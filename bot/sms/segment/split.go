package segment

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

// Split splits s into message bodies of at most max characters (runes) each,
// so that a long reply can be sent as several messages. A body that fits is
// returned whole and unchanged. Otherwise each cut goes at the strongest
// boundary found in the latter half of the room left: a blank line, then a
// line break, then the end of a sentence; failing those, after the last
// word that fits; failing that (a single word longer than max), at max
// characters. The whitespace at each cut is dropped; nothing else is
// changed, so the bodies joined with the dropped whitespace are s again.
//
// max below 1 means MaxBody. An empty s gives no bodies. A hard cut may split
// a sequence of characters drawn as one, such as a flag emoji.
func Split(s string, max int) []string {
	if max < 1 {
		max = MaxBody
	}
	var out []string
	rest := s
	for {
		cut, fits := cutAt(rest, max)
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

// cutAt reports whether s fits in max runes, and if not, the byte offset at
// which to end the next body. The offset is always after at least one rune.
func cutAt(s string, max int) (cut int, fits bool) {
	half := max / 2
	late, lateKind := -1, -1 // the best cut at or after half
	early := -1              // the last cut before half
	hard := len(s)           // just after the first max runes
	runes := 0
	prev := rune(-1) // the rune before i
	for i, r := range s {
		if runes == max {
			hard = i
		}
		if runes > max {
			break
		}
		// A run of whitespace after a non-space rune, with max or fewer
		// runes before it, can end a body; the whitespace is dropped.
		if unicode.IsSpace(r) && prev != -1 && !unicode.IsSpace(prev) {
			switch kind := boundary(s, i); {
			case runes < half:
				early = i
			case kind >= lateKind:
				late, lateKind = i, kind
			}
		}
		prev = r
		runes++
	}
	switch {
	case runes <= max:
		return len(s), true
	case late > 0:
		return late, false
	case early > 0:
		return early, false
	}
	return hard, false
}

// boundary classifies the cut at byte offset i of s, where a run of
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
