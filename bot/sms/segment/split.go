package segment

import "github.com/signpost-app/signpost/bot/textsplit"

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
	return textsplit.Split(s, max, textsplit.Runes)
}
