package safeguard

import "unicode"

// foldGroups lists the letters that fold to plain ASCII: each rune of from
// folds to to. Lower-case forms only; runes are lower-cased before lookup.
var foldGroups = [...]struct{ from, to string }{
	{"àáâãäåāăąǎǟǡǻȁȃȧạảấầẩẫậắằẳẵặⱥɐ", "a"},
	{"ƀɓḃḅḇ", "b"},
	{"çćĉċčƈȼḉ", "c"},
	{"ďđɗḋḍḏḑḓð", "d"},
	{"èéêëēĕėęěȅȇȩẹẻẽếềểễệḕḗɇ", "e"},
	{"ƒḟ", "f"},
	{"ĝğġģǥǧǵɠḡ", "g"},
	{"ĥħȟḣḥḧḩḫẖ", "h"},
	{"ìíîïĩīĭįıǐȉȋỉịḭḯɨ", "i"},
	{"ĵǰɉ", "j"},
	{"ķƙǩḱḳḵ", "k"},
	{"ĺļľŀłƚḷḹḻḽ", "l"},
	{"ḿṁṃ", "m"},
	{"ñńņňŉǹɲṅṇṉṋ", "n"},
	{"òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱọỏốồổỗộớờởỡợṍṏṑṓ", "o"},
	{"ƥṕṗ", "p"},
	{"ɋ", "q"},
	{"ŕŗřȑȓɍṙṛṝṟ", "r"},
	{"śŝşšșſṡṣṥṧṩ", "s"},
	{"ţťŧƫƭțȶṫṭṯṱẗ", "t"},
	{"ùúûüũūŭůűųưǔǖǘǚǜȕȗʉụủứừửữựṳṵṷṹṻ", "u"},
	{"ʋṽṿ", "v"},
	{"ŵẁẃẅẇẉẘ", "w"},
	{"ẋẍ", "x"},
	{"ýÿŷƴȳɏẏỳỵỷỹẙ", "y"},
	{"źżžƶȥẑẓẕ", "z"},
	{"ß", "ss"},
	{"æǣǽ", "ae"},
	{"œ", "oe"},
	{"þ", "th"},
	{"ĳ", "ij"},
	// Greek and Cyrillic letters that look like Latin ones, as typed to
	// dodge filters or pasted from "fancy text" sites.
	{"αаɑ", "a"}, {"вь", "b"}, {"сϲ", "c"}, {"εеѐё", "e"}, {"һ", "h"},
	{"ιіїɩ", "i"}, {"ј", "j"}, {"κк", "k"}, {"м", "m"}, {"ηп", "n"},
	{"οσо", "o"}, {"ρр", "p"}, {"ѕ", "s"}, {"τт", "t"}, {"υμ", "u"},
	{"ν", "v"}, {"ωш", "w"}, {"χх", "x"}, {"γу", "y"},
}

// foldMap is foldGroups as a lookup table: a folded letter is one or two
// runes, the second zero when unused.
var foldMap = func() map[rune][2]rune {
	m := make(map[rune][2]rune)
	for _, g := range foldGroups {
		var to [2]rune
		copy(to[:], []rune(g.to))
		for _, r := range g.from {
			m[r] = to
		}
	}
	return m
}()

// foldRune lower-cases r and folds it to plain ASCII where that is simple:
// accented Latin letters (é→e, ß→ss), fullwidth forms, the "fancy text"
// mathematical letters and digits (𝐤𝐢𝐥𝐥) and circled letters. Other
// letters are only lower-cased. It returns one or two runes; r2 is zero
// when there is only one.
func foldRune(r rune) (r1, r2 rune) {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A', 0
		}
		return r, 0
	}
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // fullwidth ASCII
		return foldRune(r - 0xFEE0)
	case r >= 0x1D400 && r <= 0x1D6A3: // mathematical alphanumeric letters
		return 'a' + (r-0x1D400)%52%26, 0
	case r >= 0x1D7CE && r <= 0x1D7FF: // mathematical digits
		return '0' + (r-0x1D7CE)%10, 0
	case r >= 0x24B6 && r <= 0x24E9: // circled letters Ⓐ–ⓩ
		return 'a' + (r-0x24B6)%26, 0
	}
	r = unicode.ToLower(r)
	if to, ok := foldMap[r]; ok {
		return to[0], to[1]
	}
	return r, 0
}

// Rune kinds for the scanner.
const (
	kindSep    = iota // ends a word: space, punctuation, emoji
	kindLetter        // any letter, after folding
	kindDigit         // 0-9: leetspeak inside a word, a number on its own
	kindLeet          // $ and @: s and a in a word that has a letter
	kindInner         // ! and *: i and nothing, but only inside a word
	kindDrop          // apostrophes, combining marks, format characters: removed
	kindAmp           // &: the word "and"
)

// runeKind classifies a folded rune.
func runeKind(r rune) int {
	if r < 0x80 {
		switch {
		case 'a' <= r && r <= 'z':
			return kindLetter
		case '0' <= r && r <= '9':
			return kindDigit
		}
		switch r {
		case '$', '@':
			return kindLeet
		case '!', '*':
			return kindInner
		case '\'', '`':
			return kindDrop
		case '&':
			return kindAmp
		}
		return kindSep
	}
	switch r {
	case '\u2018', '\u2019', '\u02bc', '\u00b4', '\u2032', '\u02b9':
		return kindDrop
	case '\uff06', '\ufe60':
		return kindAmp
	}
	switch {
	case unicode.IsLetter(r):
		return kindLetter
	case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Cf, r):
		return kindDrop
	}
	return kindSep
}

// asciiKind is runeKind of each folded ASCII byte, and asciiLower its
// folded (lower-case) form: the scanner's fast path.
var asciiKind, asciiLower = func() (k, l [128]uint8) {
	for c := range 128 {
		r, _ := foldRune(rune(c))
		k[c], l[c] = uint8(runeKind(r)), uint8(r)
	}
	return k, l
}()
