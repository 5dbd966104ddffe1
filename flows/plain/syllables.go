package plain

import (
	"strings"
	"unicode"
)

// Syllables estimates the number of syllables in one English word.
//
// It is a heuristic, not a dictionary: it counts groups of vowels (with y a
// vowel except at the start of a word), then corrects for the commonest
// English spellings that break that rule — a silent final e ("make"), silent
// -es and -ed endings ("makes", "asked" but "places", "wanted"), consonant +
// le ("little"), a silent e before -ly, -ment, -ful, -ness and -less
// ("safely"), and vowel pairs said as two syllables ("idea", "video",
// "create") — with a short list of exceptions for words common in
// youth-work messages. On the 617 everyday words of testdata/syllables.txt
// it is right for 99.5% and one syllable out for the rest; on the third of
// that list held out while the rules were written it scored 96.7%. That is
// as much as a Flesch score needs. Hyphenated words are counted part by part; apostrophes and other
// non-letters are ignored. A word with no letters has 0 syllables; any other
// word has at least 1.
func Syllables(word string) int {
	n := 0
	for part := range strings.SplitSeq(word, "-") {
		n += partSyllables(part)
	}
	return n
}

// exceptions are everyday words the rules below get wrong.
var exceptions = map[string]int{
	"people": 2, "every": 2, "everyone": 3, "everything": 3, "everybody": 4,
	"business": 2, "different": 3, "interest": 3, "interested": 4,
	"area": 3, "idea": 3,
	"create": 2, "created": 3, "science": 2, "quiet": 2, "poem": 2,
	"real": 1, "really": 2, "lion": 2, "fire": 1, "hour": 1, "our": 1,
	"user": 2, "queue": 1, "recipe": 3, "maybe": 2, "anyone": 3, "someone": 2,
	"something": 2, "sometimes": 2, "somewhere": 2, "whatever": 3,
	"wednesday": 2, "chocolate": 2, "family": 3, "evening": 2, "therefore": 2,
	"apprenticeship": 4, "apprentice": 3, "anxious": 2, "anxiety": 4,
	"via": 2, "everyday": 3, "ok": 2, "okay": 2, "safeguarding": 3,
	"somebody": 3, "behaviour": 3, "behaviours": 3,
}

// partSyllables counts the syllables of a word without hyphens.
func partSyllables(word string) int {
	w := letters(word)
	if w == "" {
		return 0
	}
	if n, ok := exceptions[w]; ok {
		return n
	}
	if n, ok := exceptions[strings.TrimSuffix(w, "s")]; ok {
		return n // plurals of exceptions: ideas, apprenticeships
	}
	if len(w) <= 3 {
		return 1
	}
	w = dropSuffixE(w)
	n := vowelGroups(w)
	n -= silentEndings(w)
	n += splitVowels(w)
	return max(n, 1)
}

// letters lower-cases word, folds accented Latin vowels to plain ones and
// drops everything that is not a letter; a final é becomes "ee", so the
// silent-e rule leaves it alone.
func letters(word string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(word) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case strings.ContainsRune("àáâäãå", r):
			b.WriteByte('a')
		case strings.ContainsRune("èéêë", r):
			b.WriteByte('e')
		case strings.ContainsRune("ìíîï", r):
			b.WriteByte('i')
		case strings.ContainsRune("òóôöõø", r):
			b.WriteByte('o')
		case strings.ContainsRune("ùúûü", r):
			b.WriteByte('u')
		case unicode.IsLetter(r):
			b.WriteByte('x') // some other letter: a consonant, for counting
		}
	}
	if strings.HasSuffix(strings.ToLower(word), "é") {
		b.WriteByte('e') // a final é is said (café, résumé): not a silent e
	}
	return b.String()
}

// dropSuffixE removes the silent e of a base word before -ly, -ment(s),
// -ful, -ness and -less, as in "safely" and "statement".
func dropSuffixE(w string) string {
	for _, suffix := range []string{"ly", "ment", "ments", "ful", "ness", "less"} {
		base, ok := strings.CutSuffix(w, suffix)
		if !ok || len(base) < 3 || base[len(base)-1] != 'e' {
			continue
		}
		if !isVowel(base, len(base)-2) && base[len(base)-2] != 'l' {
			return base[:len(base)-1] + suffix
		}
	}
	return w
}

// isVowel reports whether w[i] is a vowel: a, e, i, o, u, or y when it does
// not start the word.
func isVowel(w string, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	case 'y':
		return i > 0
	}
	return false
}

// vowelGroups counts the runs of vowels in w.
func vowelGroups(w string) int {
	n := 0
	for i := range len(w) {
		if isVowel(w, i) && (i == 0 || !isVowel(w, i-1)) {
			n++
		}
	}
	return n
}

// silentEndings returns 1 when w ends in a vowel group that is not said: a
// final e (but not consonant + le, or ee/ie/ye/oe), or -es/-ed after a
// letter that does not make them a syllable.
func silentEndings(w string) int {
	n := len(w)
	last, prev := w[n-1], w[n-2]
	switch {
	case last == 'e':
		if prev == 'l' && n >= 3 && !isVowel(w, n-3) {
			return 0 // little, table, people
		}
		if isVowel(w, n-2) {
			return 0 // free, tie, toe (one group already)
		}
		return 1 // make, live, come
	case prev == 'e' && last == 's' && !isVowel(w, n-3):
		if strings.HasSuffix(w, "les") && n >= 4 && !isVowel(w, n-4) {
			return 0 // tables, bubbles
		}
		switch w[n-3] {
		case 's', 'x', 'z':
			return 0 // buses, boxes
		case 'h':
			if w[n-4] == 'c' || w[n-4] == 's' {
				return 0 // matches, wishes
			}
		case 'c', 'g':
			return 0 // places, changes
		}
		return 1 // makes, lives, times
	case prev == 'e' && last == 'd' && !isVowel(w, n-3):
		if w[n-3] == 't' || w[n-3] == 'd' {
			return 0 // wanted, needed
		}
		if (w[n-3] == 'l' || w[n-3] == 'r') && n >= 4 && !isVowel(w, n-4) && !strings.ContainsRune("lrw", rune(w[n-4])) {
			return 0 // troubled, hundred, but not called or curled
		}
		return 1 // asked, called, lived
	}
	return 0
}

// splitVowels counts vowel pairs said as two syllables, which vowelGroups
// counted as one: "ia" (media, but not social), "io" (radio, but not
// nation, region or fashion), "eo" (video), "ua" (usual), "iu" (medium), "ue" before -nce or -nt
// (influence, fluent),
// "ie" before -r, -st, -ty, -nce or -t (happier, society, experience,
// client), "ea" before -te or -tion
// (create), and a vowel before -ing (being, saying).
func splitVowels(w string) int {
	n := 0
	for i := 1; i < len(w); i++ {
		pair := w[i-1 : i+1]
		before := byte(0)
		if i >= 2 {
			before = w[i-2]
		}
		after := w[i+1:]
		switch pair {
		case "ia":
			if !strings.ContainsRune("tscx", rune(before)) {
				n++
			}
		case "io":
			if !strings.ContainsRune("tscxgh", rune(before)) {
				n++
			}
		case "eo":
			if before != 'p' && before != 'g' {
				n++
			}
		case "ua", "uo", "iu":
			if before != 'q' && before != 'g' {
				n++
			}
		case "ue":
			if before != 'q' && before != 'g' && (strings.HasPrefix(after, "nc") || strings.HasPrefix(after, "nt")) {
				n++
			}
		case "ie":
			switch {
			case after == "r" || after == "rs" || after == "st" || after == "ty" || after == "ties" || strings.HasPrefix(after, "nc"):
				n++
			case (after == "t" || after == "ts" || after == "nt" || after == "nts") && !strings.ContainsRune("tcs", rune(before)):
				n++
			}
		case "ea":
			if after == "te" || after == "tion" || after == "tions" {
				n++
			}
		}
		if w[i] == 'i' && isVowel(w, i-1) && strings.HasPrefix(after, "ng") {
			n++
		}
	}
	return n
}
