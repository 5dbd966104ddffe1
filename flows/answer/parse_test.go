package answer

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testNow is the clock for every test: Wednesday 20 May 2026, 15:00 UTC.
var testNow = time.Date(2026, time.May, 20, 15, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	Now = func() time.Time { return testNow }
	os.Exit(m.Run())
}

type parseCase struct {
	name   string
	spec   Spec
	in     string
	want   Value  // when reason is ""
	reason Reason // the expected refusal
}

func runCases(t *testing.T, cases []parseCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Errorf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.spec, c.in)
			if c.reason != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %+v, want refusal %s", c.in, got, c.reason)
				}
				if r := ReasonOf(err); r != c.reason {
					t.Fatalf("Parse(%q) refused with %q (%v), want %s", c.in, r, err, c.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v, want %+v", c.in, err, c.want)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Parse(%q) = %#v, want %#v", c.in, got, c.want)
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

var (
	long10k = strings.Repeat("a", 10000)
	emojis  = "😀😀😀"
)

func TestParseText(t *testing.T) {
	spec := Spec{Type: Text}
	opt := Spec{Type: Text, Optional: true}
	short := Spec{Type: Text, MaxLength: 10}
	text := func(s string) Value { return Value{Type: Text, Text: s} }
	runCases(t, []parseCase{
		{name: "plain", spec: spec, in: "I feel a bit low", want: text("I feel a bit low")},
		{name: "trimmed", spec: spec, in: "  hi there \t ", want: text("hi there")},
		{name: "new lines kept", spec: spec, in: "line one\nline two", want: text("line one\nline two")},
		{name: "crlf unified", spec: spec, in: "a\r\nb\rc", want: text("a\nb\nc")},
		{name: "tab is a space", spec: spec, in: "a\tb", want: text("a b")},
		{name: "control characters removed", spec: spec, in: "he\x00llo\x07\x1b", want: text("hello")},
		{name: "invalid utf-8 dropped", spec: spec, in: "caf\xe9 \xff\xfeok", want: text("caf ok")},
		{name: "zero-width space removed", spec: spec, in: "hi\u200b\ufeff", want: text("hi")},
		{name: "emoji only", spec: spec, in: emojis, want: text(emojis)},
		{name: "emoji family kept whole", spec: spec, in: "👨‍👩‍👧", want: text("👨‍👩‍👧")},
		{name: "numbers in words stay text", spec: spec, in: "fifteen", want: text("fifteen")},
		{name: "skip word is text when required", spec: spec, in: "skip", want: text("skip")},
		{name: "exactly the cap in runes", spec: short, in: "éééééééééé", want: text("éééééééééé")},
		{name: "one over the cap", spec: short, in: "ééééééééééé", reason: ReasonTooLong},
		{name: "default cap allows 1000", spec: spec, in: strings.Repeat("b", 1000), want: text(strings.Repeat("b", 1000))},
		{name: "10000 characters", spec: spec, in: long10k, reason: ReasonTooLong},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace only", spec: spec, in: " \t\n\r\n ", reason: ReasonEmpty},
		{name: "control characters only", spec: spec, in: "\x00\x01\x7f", reason: ReasonEmpty},
		{name: "invalid bytes only", spec: spec, in: "\xff\xfe\xfd", reason: ReasonEmpty},
		{name: "optional skip", spec: opt, in: "Skip!", want: Value{Type: Text, Skipped: true}},
		{name: "optional rather not say", spec: opt, in: "I'd rather not say", want: Value{Type: Text, Skipped: true}},
		{name: "optional no thanks", spec: opt, in: "no thanks x", want: Value{Type: Text, Skipped: true}},
		{name: "optional real text", spec: opt, in: "my mum", want: text("my mum")},
		{name: "optional empty is still empty", spec: opt, in: "  ", reason: ReasonEmpty},
	})
}

func TestParseYesNo(t *testing.T) {
	spec := Spec{Type: YesNo}
	opt := Spec{Type: YesNo, Optional: true}
	yes := Value{Type: YesNo, Bool: true}
	no := Value{Type: YesNo}
	runCases(t, []parseCase{
		{name: "yes", spec: spec, in: "yes", want: yes},
		{name: "Yes!", spec: spec, in: "Yes!", want: yes},
		{name: "YES shouted", spec: spec, in: "  YES  ", want: yes},
		{name: "y", spec: spec, in: "y", want: yes},
		{name: "yesss", spec: spec, in: "yesss", want: yes},
		{name: "yeahhh", spec: spec, in: "yeahhh!!", want: yes},
		{name: "yh", spec: spec, in: "yh", want: yes},
		{name: "yes please", spec: spec, in: "yes please", want: yes},
		{name: "ok", spec: spec, in: "OK.", want: yes},
		{name: "of course", spec: spec, in: "of course", want: yes},
		{name: "filler around", spec: spec, in: "um yeah sure thanks x", want: yes},
		{name: "yes i am", spec: spec, in: "yes I am", want: yes},
		{name: "i think so", spec: spec, in: "i think so", want: yes},
		{name: "no problem is yes", spec: spec, in: "no problem", want: yes},
		{name: "thumbs up", spec: spec, in: "👍", want: yes},
		{name: "thumbs up with skin tone and selector", spec: spec, in: "👍🏽\ufe0f", want: yes},
		{name: "curly apostrophe", spec: spec, in: "that’s right", want: yes},
		{name: "other emoji are filler", spec: spec, in: "yes 😊🙏", want: yes},
		{name: "no with sad face", spec: spec, in: "no 😢", want: no},
		{name: "welsh ie", spec: spec, in: "Ie", want: yes},
		{name: "welsh oes", spec: spec, in: "oes", want: yes},
		{name: "no", spec: spec, in: "no", want: no},
		{name: "n", spec: spec, in: "N", want: no},
		{name: "noooo", spec: spec, in: "noooo", want: no},
		{name: "nope", spec: spec, in: "nope.", want: no},
		{name: "nah", spec: spec, in: "nah", want: no},
		{name: "no thanks", spec: spec, in: "no thanks", want: no},
		{name: "not really", spec: spec, in: "Not really", want: no},
		{name: "no i dont", spec: spec, in: "no I don't", want: no},
		{name: "thumbs down", spec: spec, in: "👎", want: no},
		{name: "welsh na", spec: spec, in: "na", want: no},
		{name: "welsh nac oes", spec: spec, in: "Nac oes", want: no},
		{name: "yes and no", spec: spec, in: "yes and no", reason: ReasonNotYesNo},
		{name: "yes no", spec: spec, in: "yes no", reason: ReasonNotYesNo},
		{name: "maybe", spec: spec, in: "maybe", reason: ReasonNotYesNo},
		{name: "yes with more to say", spec: spec, in: "yes but only on weekdays", reason: ReasonNotYesNo},
		{name: "number", spec: spec, in: "15", reason: ReasonNotYesNo},
		{name: "emoji only", spec: spec, in: emojis, reason: ReasonNotYesNo},
		{name: "filler only", spec: spec, in: "um thanks", reason: ReasonNotYesNo},
		{name: "punctuation only", spec: spec, in: "?!", reason: ReasonNotYesNo},
		{name: "yes hidden in a word", spec: spec, in: "yesterday", reason: ReasonNotYesNo},
		{name: "control characters", spec: spec, in: "y\x00e\x01s", want: yes},
		{name: "invalid utf-8", spec: spec, in: "\xffno\xfe", want: no},
		{name: "10000 characters", spec: spec, in: long10k, reason: ReasonNotYesNo},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace", spec: spec, in: "   ", reason: ReasonEmpty},
		{name: "skip when required", spec: spec, in: "skip", reason: ReasonNotYesNo},
		{name: "optional skip", spec: opt, in: "skip", want: Value{Type: YesNo, Skipped: true}},
		{name: "optional dont know", spec: opt, in: "I don't know", want: Value{Type: YesNo, Skipped: true}},
		{name: "optional no is still no", spec: opt, in: "no", want: no},
		{name: "optional no thanks is no", spec: opt, in: "no thanks", want: no},
		{name: "optional yes", spec: opt, in: "yep", want: yes},
	})
}

func TestParseNumber(t *testing.T) {
	spec := Spec{Type: Number}
	age := Spec{Type: Number, Min: ptr(11), Max: ptr(25)}
	opt := Spec{Type: Number, Optional: true}
	num := func(f float64) Value { return Value{Type: Number, Number: f} }
	runCases(t, []parseCase{
		{name: "digits", spec: spec, in: "15", want: num(15)},
		{name: "padded", spec: spec, in: " 15 ", want: num(15)},
		{name: "decimal", spec: spec, in: "15.5", want: num(15.5)},
		{name: "full stop after", spec: spec, in: "15.", want: num(15)},
		{name: "im 15", spec: spec, in: "I'm 15", want: num(15)},
		{name: "15 years old", spec: spec, in: "15 years old", want: num(15)},
		{name: "age 15", spec: spec, in: "age 15", want: num(15)},
		{name: "15yo", spec: spec, in: "15yo", want: num(15)},
		{name: "thousands comma", spec: spec, in: "1,000", want: num(1000)},
		{name: "negative", spec: spec, in: "-3", want: num(-3)},
		{name: "zero", spec: spec, in: "0", want: num(0)},
		{name: "minus zero", spec: spec, in: "-0", want: num(0)},
		{name: "fifteen", spec: spec, in: "fifteen", want: num(15)},
		{name: "Fifteen.", spec: spec, in: "Fifteen.", want: num(15)},
		{name: "twenty one", spec: spec, in: "twenty one", want: num(21)},
		{name: "twenty-one", spec: spec, in: "twenty-one", want: num(21)},
		{name: "twentyone", spec: spec, in: "twentyone", want: num(21)},
		{name: "im seventeen", spec: spec, in: "im seventeen x", want: num(17)},
		{name: "a hundred and five", spec: spec, in: "a hundred and five", want: num(105)},
		{name: "two thousand and ten", spec: spec, in: "two thousand and ten", want: num(2010)},
		{name: "zero in words", spec: spec, in: "zero", want: num(0)},
		{name: "same number twice", spec: spec, in: "15, fifteen", want: num(15)},
		{name: "two numbers", spec: spec, in: "15 or 16", reason: ReasonNotNumber},
		{name: "range", spec: spec, in: "12-15", reason: ReasonNotNumber},
		{name: "two numbers in words", spec: spec, in: "one two", reason: ReasonNotNumber},
		{name: "decimal comma", spec: spec, in: "15,5", reason: ReasonNotNumber},
		{name: "no number", spec: spec, in: "dunno", reason: ReasonNotNumber},
		{name: "a on its own", spec: spec, in: "a lot", reason: ReasonNotNumber},
		{name: "huge", spec: spec, in: strings.Repeat("9", 400), reason: ReasonNotNumber},
		{name: "emoji only", spec: spec, in: emojis, reason: ReasonNotNumber},
		{name: "control characters", spec: spec, in: "1\x005", want: num(15)},
		{name: "invalid utf-8", spec: spec, in: "\xff15\xfe", want: num(15)},
		{name: "10000 characters", spec: spec, in: long10k, reason: ReasonNotNumber},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace", spec: spec, in: "\t \n", reason: ReasonEmpty},
		{name: "at min", spec: age, in: "11", want: num(11)},
		{name: "at max", spec: age, in: "twenty five", want: num(25)},
		{name: "below min", spec: age, in: "10", reason: ReasonTooSmall},
		{name: "above max", spec: age, in: "26", reason: ReasonTooBig},
		{name: "above max decimal", spec: age, in: "25.01", reason: ReasonTooBig},
		{name: "optional skip", spec: opt, in: "rather not say", want: Value{Type: Number, Skipped: true}},
		{name: "optional no", spec: opt, in: "no", want: Value{Type: Number, Skipped: true}},
		{name: "optional number", spec: opt, in: "3", want: num(3)},
		{name: "skip when required", spec: spec, in: "skip", reason: ReasonNotNumber},
	})
}

var testOptions = []Option{
	{ID: "money", Labels: []string{"Money worries", "Poeni am arian"}},
	{ID: "school", Labels: []string{"School or college", "Ysgol neu goleg"}},
	{ID: "friends_family", Labels: []string{"Friends & family", "Ffrindiau a theulu"}},
	{ID: "health", Labels: []string{"My health", "Fy iechyd"}},
	{ID: "other", Labels: []string{"Something else", "Rhywbeth arall"}},
}

func TestParseChoice(t *testing.T) {
	spec := Spec{Type: Choice, Options: testOptions}
	opt := Spec{Type: Choice, Options: testOptions, Optional: true}
	pick := func(id string) Value { return Value{Type: Choice, Text: id} }
	yesNoOpts := Spec{Type: Choice, Options: []Option{{ID: "yes", Labels: []string{"Yes"}}, {ID: "no", Labels: []string{"No"}}}, Optional: true}
	bands := Spec{Type: Choice, Options: []Option{{ID: "a", Labels: []string{"11-15"}}, {ID: "b", Labels: []string{"16-18"}}, {ID: "c", Labels: []string{"19-25"}}}}
	runCases(t, []parseCase{
		{name: "number", spec: spec, in: "2", want: pick("school")},
		{name: "number with full stop", spec: spec, in: "2.", want: pick("school")},
		{name: "option 2", spec: spec, in: "Option 2", want: pick("school")},
		{name: "hash 2", spec: spec, in: "#2", want: pick("school")},
		{name: "no. 2", spec: spec, in: "no. 2", want: pick("school")},
		{name: "bracketed", spec: spec, in: "(3)", want: pick("friends_family")},
		{name: "keycap emoji", spec: spec, in: "3️⃣", want: pick("friends_family")},
		{name: "number in words", spec: spec, in: "three", want: pick("friends_family")},
		{name: "ordinal", spec: spec, in: "the second one", want: pick("school")},
		{name: "ordinal digits", spec: spec, in: "4th", want: pick("health")},
		{name: "id", spec: spec, in: "money", want: pick("money")},
		{name: "id with dash", spec: spec, in: "Friends-Family", want: pick("friends_family")},
		{name: "id without spaces", spec: spec, in: "friendsfamily", want: pick("friends_family")},
		{name: "label", spec: spec, in: "money worries!", want: pick("money")},
		{name: "label with and for &", spec: spec, in: "friends and family", want: pick("friends_family")},
		{name: "welsh label", spec: spec, in: "Fy iechyd", want: pick("health")},
		{name: "start of label", spec: spec, in: "health", want: pick("health")},
		{name: "word in label", spec: spec, in: "college", want: pick("school")},
		{name: "word of a welsh label", spec: spec, in: "arian", want: pick("money")},
		{name: "label with filler", spec: spec, in: "school please", want: pick("school")},
		{name: "too short to be part of a label", spec: spec, in: "my", reason: ReasonNotChoice},
		{name: "in two labels", spec: Spec{Type: Choice, Options: []Option{{ID: "a", Labels: []string{"School work"}}, {ID: "b", Labels: []string{"School friends"}}}}, in: "school", reason: ReasonNotChoice},
		{name: "two picks", spec: spec, in: "1 and 3", reason: ReasonOneChoice},
		{name: "two picks by comma", spec: spec, in: "1,3", reason: ReasonOneChoice},
		{name: "either", spec: spec, in: "money or school", reason: ReasonOneChoice},
		{name: "all", spec: spec, in: "all of them", reason: ReasonOneChoice},
		{name: "same pick twice", spec: spec, in: "2, school", want: pick("school")},
		{name: "out of range", spec: spec, in: "6", reason: ReasonNotChoice},
		{name: "zero", spec: spec, in: "0", reason: ReasonNotChoice},
		{name: "unknown", spec: spec, in: "banana", reason: ReasonNotChoice},
		{name: "label beats number", spec: bands, in: "16-18", want: Value{Type: Choice, Text: "b"}},
		{name: "number when labels are numbers", spec: bands, in: "2", want: Value{Type: Choice, Text: "b"}},
		{name: "option labelled no", spec: yesNoOpts, in: "no", want: Value{Type: Choice, Text: "no"}},
		{name: "emoji only", spec: spec, in: emojis, reason: ReasonNotChoice},
		{name: "control characters", spec: spec, in: "\x002\x07", want: pick("school")},
		{name: "invalid utf-8", spec: spec, in: "\xff2\xfe", want: pick("school")},
		{name: "10000 characters", spec: spec, in: long10k, reason: ReasonNotChoice},
		{name: "10000 digits and commas", spec: spec, in: strings.Repeat("1,", 5000), reason: ReasonNotChoice},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace", spec: spec, in: " ", reason: ReasonEmpty},
		{name: "no options", spec: Spec{Type: Choice}, in: "1", reason: ReasonNotChoice},
		{name: "optional skip", spec: opt, in: "skip", want: Value{Type: Choice, Skipped: true}},
		{name: "optional none", spec: opt, in: "none", want: Value{Type: Choice, Skipped: true}},
		{name: "optional pick", spec: opt, in: "1", want: pick("money")},
		{name: "skip when required", spec: spec, in: "skip", reason: ReasonNotChoice},
	})
}

func TestParseChoices(t *testing.T) {
	spec := Spec{Type: Choices, Options: testOptions}
	opt := Spec{Type: Choices, Options: testOptions, Optional: true}
	two := Spec{Type: Choices, Options: testOptions[:2]}
	ids := func(s ...string) Value { return Value{Type: Choices, IDs: s} }
	runCases(t, []parseCase{
		{name: "one", spec: spec, in: "2", want: ids("school")},
		{name: "comma space", spec: spec, in: "1, 3", want: ids("money", "friends_family")},
		{name: "comma", spec: spec, in: "1,3", want: ids("money", "friends_family")},
		{name: "and", spec: spec, in: "1 and 3", want: ids("money", "friends_family")},
		{name: "space", spec: spec, in: "1 3", want: ids("money", "friends_family")},
		{name: "ampersand", spec: spec, in: "1&3", want: ids("money", "friends_family")},
		{name: "spaced ampersand", spec: spec, in: "2 & 5", want: ids("school", "other")},
		{name: "semicolons and new lines", spec: spec, in: "1;\n2", want: ids("money", "school")},
		{name: "option order", spec: spec, in: "5, 1", want: ids("money", "other")},
		{name: "dedupe", spec: spec, in: "1, 1, money", want: ids("money")},
		{name: "ids", spec: spec, in: "health, money", want: ids("money", "health")},
		{name: "labels", spec: spec, in: "money worries and friends & family", want: ids("money", "friends_family")},
		{name: "label containing and", spec: spec, in: "friends and family", want: ids("friends_family")},
		{name: "mix", spec: spec, in: "1, school and Fy iechyd", want: ids("money", "school", "health")},
		{name: "partial labels", spec: spec, in: "money and college", want: ids("money", "school")},
		{name: "filler", spec: spec, in: "options 2 and 4 please", want: ids("school", "health")},
		{name: "range", spec: spec, in: "1-3", want: ids("money", "school", "friends_family")},
		{name: "range with to", spec: spec, in: "2 to 4", want: ids("school", "friends_family", "health")},
		{name: "range too far", spec: spec, in: "1-9", reason: ReasonNotChoice},
		{name: "all", spec: spec, in: "all", want: ids("money", "school", "friends_family", "health", "other")},
		{name: "all of them", spec: spec, in: "All of them!", want: ids("money", "school", "friends_family", "health", "other")},
		{name: "both of two", spec: two, in: "both", want: ids("money", "school")},
		{name: "both of five", spec: spec, in: "both", reason: ReasonNotChoice},
		{name: "both as filler", spec: spec, in: "both 1 and 2", want: ids("money", "school")},
		{name: "unknown part", spec: spec, in: "1, 3, banana", reason: ReasonNotChoice},
		{name: "out of range part", spec: spec, in: "1, 7", reason: ReasonNotChoice},
		{name: "separators only", spec: spec, in: ", , and", reason: ReasonNotChoice},
		{name: "emoji only", spec: spec, in: emojis, reason: ReasonNotChoice},
		{name: "control characters", spec: spec, in: "1\x00,\x073", want: ids("money", "friends_family")},
		{name: "invalid utf-8", spec: spec, in: "1\xff,3", want: ids("money", "friends_family")},
		{name: "10000 characters", spec: spec, in: long10k, reason: ReasonNotChoice},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace", spec: spec, in: "\n", reason: ReasonEmpty},
		{name: "numbers in words", spec: spec, in: "one and three", want: ids("money", "friends_family")},
		{name: "optional none", spec: opt, in: "none", want: Value{Type: Choices, Skipped: true}},
		{name: "optional picks", spec: opt, in: "2 4", want: ids("school", "health")},
		{name: "emoji between picks", spec: spec, in: "1 😊 3", want: ids("money", "friends_family")},
		{name: "optional emoji only", spec: opt, in: "🤷", reason: ReasonNotChoice},
		{name: "none when required", spec: spec, in: "none", reason: ReasonNotChoice},
		{name: "optional none of them", spec: opt, in: "None of them.", want: Value{Type: Choices, Skipped: true}},
		{name: "unknown words are not dropped", spec: spec, in: "1 and 3 but not 2", reason: ReasonNotChoice},
		{name: "option called all of the above", spec: Spec{Type: Choices, Options: append(testOptions[:2:2], Option{ID: "every", Labels: []string{"All of the above"}})}, in: "all of the above", want: ids("every")},
	})
}

func TestParseDate(t *testing.T) {
	spec := Spec{Type: Date}
	opt := Spec{Type: Date, Optional: true}
	date := func(s string) Value { return Value{Type: Date, Text: s} }
	runCases(t, []parseCase{
		{name: "slashes", spec: spec, in: "12/03/2010", want: date("2010-03-12")},
		{name: "dashes short", spec: spec, in: "12-3-10", want: date("2010-03-12")},
		{name: "dots", spec: spec, in: "12.03.2010", want: date("2010-03-12")},
		{name: "two digit year in the 1900s", spec: spec, in: "1/1/99", want: date("1999-01-01")},
		{name: "month name", spec: spec, in: "12 March 2010", want: date("2010-03-12")},
		{name: "ordinal", spec: spec, in: "12th March 2010", want: date("2010-03-12")},
		{name: "the 12th of march", spec: spec, in: "the 12th of March, 2010", want: date("2010-03-12")},
		{name: "month first", spec: spec, in: "March 12 2010", want: date("2010-03-12")},
		{name: "month first with comma", spec: spec, in: "March 12th, 2010", want: date("2010-03-12")},
		{name: "abbreviated month", spec: spec, in: "1 Sept 2009", want: date("2009-09-01")},
		{name: "welsh month", spec: spec, in: "5 Mehefin 2011", want: date("2011-06-05")},
		{name: "iso", spec: spec, in: "2010-03-12", want: date("2010-03-12")},
		{name: "weekday ignored", spec: spec, in: "Friday 12 March 2010", want: date("2010-03-12")},
		{name: "leap day", spec: spec, in: "29/02/2012", want: date("2012-02-29")},
		{name: "no year, earlier this year", spec: spec, in: "12 March", want: date("2026-03-12")},
		{name: "no year, today", spec: spec, in: "20/5", want: date("2026-05-20")},
		{name: "no year, later in the year", spec: spec, in: "25 December", want: date("2025-12-25")},
		{name: "no year, leap day", spec: spec, in: "29 Feb", want: date("2024-02-29")},
		{name: "today", spec: spec, in: "Today", want: date("2026-05-20")},
		{name: "tomorrow", spec: spec, in: "tomorrow!", want: date("2026-05-21")},
		{name: "yesterday", spec: spec, in: "yesterday", want: date("2026-05-19")},
		{name: "31 february", spec: spec, in: "31/02/2010", reason: ReasonNotDate},
		{name: "29 february not leap", spec: spec, in: "29/02/2010", reason: ReasonNotDate},
		{name: "31 february no year", spec: spec, in: "31 Feb", reason: ReasonNotDate},
		{name: "us order", spec: spec, in: "03/25/2010", reason: ReasonNotDate},
		{name: "month and year only", spec: spec, in: "March 2010", reason: ReasonNotDate},
		{name: "three digit year", spec: spec, in: "1/1/201", reason: ReasonNotDate},
		{name: "year too early", spec: spec, in: "1/1/1066", reason: ReasonNotDate},
		{name: "words", spec: spec, in: "last week", reason: ReasonNotDate},
		{name: "numbers in words", spec: spec, in: "twelfth of march", reason: ReasonNotDate},
		{name: "emoji only", spec: spec, in: emojis, reason: ReasonNotDate},
		{name: "control characters", spec: spec, in: "12/03\x00/2010", want: date("2010-03-12")},
		{name: "invalid utf-8", spec: spec, in: "12/03/2010\xff", want: date("2010-03-12")},
		{name: "10000 characters", spec: spec, in: long10k, reason: ReasonNotDate},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace", spec: spec, in: "  ", reason: ReasonEmpty},
		{name: "optional skip", spec: opt, in: "don't know", want: Value{Type: Date, Skipped: true}},
	})
}

func TestParseDateYearBoundary(t *testing.T) {
	old := Now
	defer func() { Now = old }()
	Now = func() time.Time { return time.Date(2027, time.January, 1, 0, 30, 0, 0, time.UTC) }
	runCases(t, []parseCase{
		{name: "new year's eve", spec: Spec{Type: Date}, in: "31 December", want: Value{Type: Date, Text: "2026-12-31"}},
		{name: "new year's day", spec: Spec{Type: Date}, in: "1/1", want: Value{Type: Date, Text: "2027-01-01"}},
		{name: "tomorrow", spec: Spec{Type: Date}, in: "tomorrow", want: Value{Type: Date, Text: "2027-01-02"}},
		{name: "yesterday", spec: Spec{Type: Date}, in: "yesterday", want: Value{Type: Date, Text: "2026-12-31"}},
	})
}

func TestParsePostcode(t *testing.T) {
	spec := Spec{Type: Postcode}
	opt := Spec{Type: Postcode, Optional: true}
	pc := func(s string) Value { return Value{Type: Postcode, Text: s} }
	runCases(t, []parseCase{
		{name: "full lower case", spec: spec, in: "sw1a 1aa", want: pc("SW1A 1AA")},
		{name: "full no space", spec: spec, in: "SW1A1AA", want: pc("SW1A 1AA")},
		{name: "full many spaces", spec: spec, in: "  sw1a   1aa ", want: pc("SW1A 1AA")},
		{name: "A9 9AA", spec: spec, in: "M1 1AE", want: pc("M1 1AE")},
		{name: "A9 9AA no space", spec: spec, in: "m11ae", want: pc("M1 1AE")},
		{name: "A99 9AA", spec: spec, in: "B33 8TH", want: pc("B33 8TH")},
		{name: "AA9 9AA", spec: spec, in: "CR2 6XH", want: pc("CR2 6XH")},
		{name: "AA99 9AA", spec: spec, in: "DN55 1PT", want: pc("DN55 1PT")},
		{name: "A9A 9AA", spec: spec, in: "W1A 0AX", want: pc("W1A 0AX")},
		{name: "AA9A 9AA", spec: spec, in: "EC1A 1BB", want: pc("EC1A 1BB")},
		{name: "welsh", spec: spec, in: "CF10 1EP", want: pc("CF10 1EP")},
		{name: "girobank", spec: spec, in: "GIR 0AA", want: pc("GIR 0AA")},
		{name: "trailing full stop", spec: spec, in: "SW1A 1AA.", want: pc("SW1A 1AA")},
		{name: "district", spec: spec, in: "SW1A", want: pc("SW1A")},
		{name: "district lower case", spec: spec, in: "m1", want: pc("M1")},
		{name: "district two digits", spec: spec, in: "B33", want: pc("B33")},
		{name: "district cardiff", spec: spec, in: "cf10", want: pc("CF10")},
		{name: "q first", spec: spec, in: "QA1 1AA", reason: ReasonNotPostcode},
		{name: "c in inward code", spec: spec, in: "SW1A 1CA", reason: ReasonNotPostcode},
		{name: "inward code alone", spec: spec, in: "1AA", reason: ReasonNotPostcode},
		{name: "too long", spec: spec, in: "SW1A 1AAA", reason: ReasonNotPostcode},
		{name: "sentence", spec: spec, in: "I live in SW1A", reason: ReasonNotPostcode},
		{name: "gir wrong", spec: spec, in: "GIR 1AA", reason: ReasonNotPostcode},
		{name: "word", spec: spec, in: "London", reason: ReasonNotPostcode},
		{name: "emoji only", spec: spec, in: emojis, reason: ReasonNotPostcode},
		{name: "control characters", spec: spec, in: "SW1A\x00 1AA", want: pc("SW1A 1AA")},
		{name: "invalid utf-8", spec: spec, in: "\xffSW1A 1AA", want: pc("SW1A 1AA")},
		{name: "10000 characters", spec: spec, in: long10k, reason: ReasonNotPostcode},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace", spec: spec, in: " \t", reason: ReasonEmpty},
		{name: "numbers in words", spec: spec, in: "sw one a", reason: ReasonNotPostcode},
		{name: "optional skip", spec: opt, in: "rather not say", want: Value{Type: Postcode, Skipped: true}},
	})
}

func TestParsePhone(t *testing.T) {
	spec := Spec{Type: Phone}
	opt := Spec{Type: Phone, Optional: true}
	ph := func(s string) Value { return Value{Type: Phone, Text: s} }
	runCases(t, []parseCase{
		{name: "mobile", spec: spec, in: "07700 900123", want: ph("+447700900123")},
		{name: "mobile no spaces", spec: spec, in: "07700900123", want: ph("+447700900123")},
		{name: "plus 44", spec: spec, in: "+44 7700 900123", want: ph("+447700900123")},
		{name: "plus 44 with trunk zero", spec: spec, in: "+44 (0)7700 900123", want: ph("+447700900123")},
		{name: "0044", spec: spec, in: "0044 7700900123", want: ph("+447700900123")},
		{name: "44 without plus", spec: spec, in: "447700900123", want: ph("+447700900123")},
		{name: "london brackets", spec: spec, in: "(020) 7946 0018", want: ph("+442079460018")},
		{name: "dashes", spec: spec, in: "0161-496-0000", want: ph("+441614960000")},
		{name: "dots", spec: spec, in: "0117.496.0123", want: ph("+441174960123")},
		{name: "freephone", spec: spec, in: "0808 157 0000", want: ph("+448081570000")},
		{name: "03 number", spec: spec, in: "0300 123 1234", want: ph("+443001231234")},
		{name: "too short", spec: spec, in: "07700 90012", reason: ReasonNotPhone},
		{name: "too long", spec: spec, in: "07700 9001234", reason: ReasonNotPhone},
		{name: "premium rate", spec: spec, in: "0909 879 0000", reason: ReasonNotPhone},
		{name: "no trunk zero", spec: spec, in: "7700 900123", reason: ReasonNotPhone},
		{name: "another country", spec: spec, in: "+33 1 23 45 67 89", reason: ReasonNotPhone},
		{name: "00 another country", spec: spec, in: "007700900123", reason: ReasonNotPhone},
		{name: "plus in the middle", spec: spec, in: "07700+900123", reason: ReasonNotPhone},
		{name: "letters", spec: spec, in: "07700 CALL ME", reason: ReasonNotPhone},
		{name: "numbers in words", spec: spec, in: "oh seven seven double oh", reason: ReasonNotPhone},
		{name: "emoji only", spec: spec, in: emojis, reason: ReasonNotPhone},
		{name: "control characters", spec: spec, in: "07700\x00900123", want: ph("+447700900123")},
		{name: "invalid utf-8", spec: spec, in: "07700\xff900123", want: ph("+447700900123")},
		{name: "10000 characters", spec: spec, in: long10k, reason: ReasonNotPhone},
		{name: "10000 digits", spec: spec, in: strings.Repeat("0", 10000), reason: ReasonNotPhone},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace", spec: spec, in: "   ", reason: ReasonEmpty},
		{name: "optional no", spec: opt, in: "no thanks", want: Value{Type: Phone, Skipped: true}},
	})
}

func TestParseEmail(t *testing.T) {
	spec := Spec{Type: Email}
	opt := Spec{Type: Email, Optional: true}
	em := func(s string) Value { return Value{Type: Email, Text: s} }
	runCases(t, []parseCase{
		{name: "plain", spec: spec, in: "sam@example.com", want: em("sam@example.com")},
		{name: "padded", spec: spec, in: "  sam@example.com  ", want: em("sam@example.com")},
		{name: "domain lower-cased", spec: spec, in: "Sam.Jones@Example.CO.UK", want: em("Sam.Jones@example.co.uk")},
		{name: "plus tag", spec: spec, in: "sam+youth@example.org", want: em("sam+youth@example.org")},
		{name: "trailing full stop", spec: spec, in: "sam@example.com.", want: em("sam@example.com")},
		{name: "hyphen domain", spec: spec, in: "a@my-school.sch.uk", want: em("a@my-school.sch.uk")},
		{name: "display name", spec: spec, in: "Sam <sam@example.com>", reason: ReasonNotEmail},
		{name: "angle brackets", spec: spec, in: "<sam@example.com>", reason: ReasonNotEmail},
		{name: "no dot in domain", spec: spec, in: "sam@localhost", reason: ReasonNotEmail},
		{name: "no at", spec: spec, in: "sam.example.com", reason: ReasonNotEmail},
		{name: "two ats", spec: spec, in: "sam@@example.com", reason: ReasonNotEmail},
		{name: "empty label", spec: spec, in: "sam@example..com", reason: ReasonNotEmail},
		{name: "ip literal", spec: spec, in: "sam@[192.168.0.1]", reason: ReasonNotEmail},
		{name: "numeric top level", spec: spec, in: "sam@192.168.0.1", reason: ReasonNotEmail},
		{name: "space inside", spec: spec, in: "sam jones@example.com", reason: ReasonNotEmail},
		{name: "quoted local part", spec: spec, in: `"sam jones"@example.com`, reason: ReasonNotEmail},
		{name: "two addresses", spec: spec, in: "a@example.com, b@example.com", reason: ReasonNotEmail},
		{name: "sentence", spec: spec, in: "its sam@example.com", reason: ReasonNotEmail},
		{name: "numbers in words", spec: spec, in: "sam at example dot com", reason: ReasonNotEmail},
		{name: "emoji only", spec: spec, in: emojis, reason: ReasonNotEmail},
		{name: "control characters", spec: spec, in: "sam@exa\x00mple.com", want: em("sam@example.com")},
		{name: "invalid utf-8", spec: spec, in: "sam@example.com\xff", want: em("sam@example.com")},
		{name: "10000 characters", spec: spec, in: long10k + "@example.com", reason: ReasonNotEmail},
		{name: "empty", spec: spec, in: "", reason: ReasonEmpty},
		{name: "whitespace", spec: spec, in: "\n\n", reason: ReasonEmpty},
		{name: "optional skip", spec: opt, in: "skip", want: Value{Type: Email, Skipped: true}},
	})
}

func TestParseUnknownType(t *testing.T) {
	_, err := Parse(Spec{Type: "colour"}, "red")
	if err == nil {
		t.Fatal("no error for an unknown type")
	}
	var e *Error
	if errors.As(err, &e) {
		t.Fatalf("unknown type gave a reply refusal %v; want a spec error", err)
	}
}

func TestOutcomes(t *testing.T) {
	for _, c := range []struct {
		spec Spec
		in   string
		want string
	}{
		{Spec{Type: YesNo}, "yeah", OutcomeYes},
		{Spec{Type: YesNo}, "nah", OutcomeNo},
		{Spec{Type: YesNo, Optional: true}, "skip", OutcomeSkipped},
		{Spec{Type: Choice, Options: testOptions}, "2", "school"},
		{Spec{Type: Number}, "12", OutcomeAnswered},
	} {
		v, err := Parse(c.spec, c.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.in, err)
		}
		if got := v.Outcome(); got != c.want {
			t.Errorf("Parse(%q).Outcome() = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDefaultMessage(t *testing.T) {
	for _, r := range allReasons {
		for _, typ := range Types {
			m := DefaultMessage(r, "en", Spec{Type: typ, Min: ptr(11), Max: ptr(25)})
			if m == "" || strings.Contains(m, "{{") {
				t.Errorf("DefaultMessage(%s, en, %s) = %q", r, typ, m)
			}
		}
	}
	for _, c := range []struct {
		r    Reason
		lang string
		spec Spec
		want string
	}{
		{ReasonNotNumber, "en", Spec{Type: Number}, "Please reply with a number, like 15."},
		{ReasonTooLong, "en", Spec{Type: Text}, "That's a lot to read by text! Could you say it in under 1000 characters?"},
		{ReasonTooLong, "en", Spec{Type: Text, MaxLength: 160}, "That's a lot to read by text! Could you say it in under 160 characters?"},
		{ReasonTooSmall, "en", Spec{Type: Number, Min: ptr(11)}, "That number looks too small. Please reply with a number of 11 or more."},
		{ReasonTooBig, "en", Spec{Type: Number, Max: ptr(25.5)}, "That number looks too big. Please reply with a number of 25.5 or less."},
		{ReasonNotChoice, "en", Spec{Type: Choice}, "Sorry, I didn't recognise that. Please reply with the number of one of the options."},
		{ReasonNotChoice, "en", Spec{Type: Choices}, "Sorry, I didn't recognise all of that. Please reply with the numbers of the options you want, like 1, 3."},
		{ReasonNotYesNo, "cy", Spec{Type: YesNo}, "Sorry, I didn't get that. Please reply yes or no."},
		{ReasonNotYesNo, "en-GB", Spec{Type: YesNo}, "Sorry, I didn't get that. Please reply yes or no."},
		{ReasonNotYesNo, "", Spec{Type: YesNo}, "Sorry, I didn't get that. Please reply yes or no."},
		{"no_such_reason", "en", Spec{}, "Sorry, I didn't understand that. Could you try again?"},
	} {
		if got := DefaultMessage(c.r, c.lang, c.spec); got != c.want {
			t.Errorf("DefaultMessage(%s, %q) = %q, want %q", c.r, c.lang, got, c.want)
		}
	}
}

func TestWordsChecked(t *testing.T) {
	for _, c := range []struct {
		name, yaml, want string
	}{
		{"yes and no", "en:\n  yes: [yes]\n  no: [yesss]\n", "already means"},
		{"unknown list", "en:\n  yess: [yes]\n", "not found"},
		{"bad month", "en:\n  months: {smarch: 13}\n", "not 1–12"},
		{"no en", "cy:\n  yes: [ie]\n", "no en section"},
		{"missing message", "en:\n  yes: [yes]\n", "no message for"},
		{"number too big", "en:\n  numbers: {lots: 500}\n", "not 0–99"},
		{"two words", "en:\n  ordinals: {very first: 1}\n", "not one word"},
	} {
		_, err := loadWords([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: loadWords error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestClean(t *testing.T) {
	for _, c := range []struct{ in, lines, flat string }{
		{"a\r\nb", "a\nb", "a b"},
		{"\u00a0x\u2028y\u00a0", "x\ny", "x y"},
		{"a\u200bb\u00adc", "abc", "abc"},
		{"\x1b[31mred", "[31mred", "[31mred"},
	} {
		if got := clean(c.in, true); got != c.lines {
			t.Errorf("clean(%q, true) = %q, want %q", c.in, got, c.lines)
		}
		if got := clean(c.in, false); got != c.flat {
			t.Errorf("clean(%q, false) = %q, want %q", c.in, got, c.flat)
		}
	}
}

// BenchmarkParse times typical replies to yes_no, number and choice
// questions.
func BenchmarkParse(b *testing.B) {
	for _, c := range []struct {
		name string
		spec Spec
		in   string
	}{
		{"yes_no", Spec{Type: YesNo}, "Yeah sure thanks!"},
		{"number/digits", Spec{Type: Number, Min: ptr(11), Max: ptr(25)}, "I'm 15"},
		{"number/words", Spec{Type: Number}, "twenty-one"},
		{"choice/number", Spec{Type: Choice, Options: testOptions}, "2"},
		{"choice/label", Spec{Type: Choice, Options: testOptions}, "friends and family"},
		{"choices/list", Spec{Type: Choices, Options: testOptions}, "1, 3 and money worries"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(c.spec, c.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
