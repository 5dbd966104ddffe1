// Package plain checks that flow messages are written in plain language, so
// that `signpost flows validate` can warn when a message is probably too hard
// for the young people it is meant for.
//
// It uses the Flesch reading-ease score and the Flesch–Kincaid grade level,
// computed from counts of words, sentences and syllables. Syllables are
// estimated by an English heuristic (see Syllables), so scores are a guide
// for the people writing flows, not a measurement: they warn, never fail.
//
// The formulas need enough text to mean anything: a short message of a few
// common words can score oddly either way. Check therefore never complains
// about a text of fewer than MinWords words.
package plain

import (
	"regexp"
	"strings"
	"unicode"
)

// MinWords is the fewest words a text needs before Check will call it hard
// to read. Questions and replies in a flow are often shorter ("How old are
// you?"), and one long word in them would swing the score wildly.
const MinWords = 8

// Stats are the counts the readability formulas use.
type Stats struct {
	// Words counts words with at least one letter; template tags, URLs,
	// email addresses, numbers and phone numbers are not words.
	Words int
	// Sentences counts runs of words ended by . ! ? … or a line break.
	Sentences int
	// Syllables is the estimated total over all words.
	Syllables int
}

// templateTag matches a {{template}} reference to a saved answer.
var templateTag = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// abbreviations end in a full stop that does not end the sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true,
	"e.g": true, "i.e": true, "vs": true, "approx": true,
}

// topLevel are the domain endings that make "name.tld" a web address.
var topLevel = []string{".uk", ".com", ".org", ".net", ".io", ".gov", ".nhs", ".info", ".co"}

// Count returns the words, sentences and syllables of text, after taking
// out {{template}} tags, URLs, email addresses, numbers and phone numbers.
func Count(text string) Stats {
	var s Stats
	text = templateTag.ReplaceAllString(text, " ")
	for line := range strings.SplitSeq(text, "\n") {
		open := false // a sentence has words but no end yet
		for _, field := range strings.Fields(line) {
			if !isLink(field) && hasLetter(field) {
				s.Words++
				s.Syllables += Syllables(field)
				open = true
			}
			if open && endsSentence(field) {
				s.Sentences++
				open = false
			}
		}
		if open {
			s.Sentences++ // a line break ends a sentence, as in a list
		}
	}
	return s
}

// isLink reports whether field is a URL, a web address like
// childline.org.uk or www.example.org, or an email address.
func isLink(field string) bool {
	f := strings.ToLower(strings.Trim(field, `"'()[]<>.,;:!?‘’“”`))
	if strings.Contains(f, "://") || strings.HasPrefix(f, "www.") {
		return true
	}
	if at := strings.IndexByte(f, '@'); at > 0 && strings.Contains(f[at:], ".") {
		return true
	}
	host, _, _ := strings.Cut(f, "/")
	for _, tld := range topLevel {
		if strings.HasSuffix(host, tld) && len(host) > len(tld) {
			return true
		}
	}
	return false
}

// hasLetter reports whether field has a letter, so "0800", "1111", "+44"
// and "£5" are not words.
func hasLetter(field string) bool {
	return strings.IndexFunc(field, unicode.IsLetter) >= 0
}

// endsSentence reports whether field ends with sentence punctuation, with
// any closing quotes or brackets after it, and is not an abbreviation.
func endsSentence(field string) bool {
	f := strings.TrimRight(field, `"')]}’”»`)
	if f == "" {
		return false
	}
	switch f[len(f)-1] {
	case '!', '?':
		return true
	case '.':
		return !abbreviations[strings.ToLower(strings.Trim(f, `.("'[‘“`))]
	}
	return strings.HasSuffix(f, "…")
}

// ReadingEase is the Flesch reading-ease score of text:
// 206.835 − 1.015 × words/sentences − 84.6 × syllables/words. Higher is
// easier: 90–100 is easy for an 11-year-old, 60–70 is plain English for a
// 13–15-year-old, below 30 is for graduates. A text with no words scores
// 100.
func ReadingEase(text string) float64 {
	s := Count(text)
	if s.Words == 0 {
		return 100
	}
	w, sen, syl := float64(s.Words), float64(s.Sentences), float64(s.Syllables)
	return 206.835 - 1.015*w/sen - 84.6*syl/w
}

// ReadingAge is the approximate UK reading age, in years, of text: its
// Flesch–Kincaid grade level (0.39 × words/sentences + 11.8 ×
// syllables/words − 15.59) plus 5, since a US grade-1 reader is about six. It
// is not clamped, so very easy text can score below 5. A text with no words
// scores 0.
func ReadingAge(text string) float64 {
	s := Count(text)
	if s.Words == 0 {
		return 0
	}
	return gradeAge(s)
}

// gradeAge turns counts into a reading age.
func gradeAge(s Stats) float64 {
	w, sen, syl := float64(s.Words), float64(s.Sentences), float64(s.Syllables)
	return 0.39*w/sen + 11.8*syl/w - 15.59 + 5
}

// Check returns the reading age of text and whether it is at or below
// targetAge. A text of fewer than MinWords words is always ok, whatever its
// score, because the formulas say little about so few words.
func Check(text string, targetAge float64) (age float64, ok bool) {
	s := Count(text)
	if s.Words == 0 {
		return 0, true
	}
	age = gradeAge(s)
	return age, s.Words < MinWords || age <= targetAge
}
