package answer

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

//go:embed words.yaml
var wordsYAML []byte

// langWords is one language's section of words.yaml; see the comment at
// the top of that file for what each list means.
type langWords struct {
	Yes          []string          `yaml:"yes"`
	No           []string          `yaml:"no"`
	Skip         []string          `yaml:"skip"`
	Decline      []string          `yaml:"decline"`
	Filler       []string          `yaml:"filler"`
	All          []string          `yaml:"all"`
	Both         []string          `yaml:"both"`
	ChoicePrefix []string          `yaml:"choice_prefix"`
	ChoiceFiller []string          `yaml:"choice_filler"`
	Numbers      map[string]int    `yaml:"numbers"`
	Multipliers  map[string]int    `yaml:"multipliers"`
	NumberAnd    []string          `yaml:"number_and"`
	NumberA      []string          `yaml:"number_a"`
	Ordinals     map[string]int    `yaml:"ordinals"`
	Months       map[string]int    `yaml:"months"`
	Today        []string          `yaml:"today"`
	Tomorrow     []string          `yaml:"tomorrow"`
	Yesterday    []string          `yaml:"yesterday"`
	DateFiller   []string          `yaml:"date_filler"`
	Messages     map[string]string `yaml:"messages"`
}

// category is what a phrase means in a phraseTable.
type category uint8

const (
	catOther category = iota // not in the table
	catYes
	catNo
	catSkip
	catFiller
)

// phraseTable finds known phrases, of one or more words, in a reply.
type phraseTable struct {
	cat     map[string]category // key, squeezed when squeezed is set
	maxLen  int                 // longest phrase, in tokens
	squeeze bool
}

func newPhraseTable(squeezed bool) *phraseTable {
	return &phraseTable{cat: map[string]category{}, squeeze: squeezed}
}

// add adds phrases with category c; a phrase already there with another
// category is an error.
func (t *phraseTable) add(name string, c category, phrases []string) error {
	for _, p := range phrases {
		toks := tokens(p, false)
		if len(toks) == 0 {
			return fmt.Errorf("%s: %q has no words", name, p)
		}
		k := strings.Join(toks, " ")
		if t.squeeze {
			k = squeeze(k)
		}
		if old, ok := t.cat[k]; ok && old != c {
			return fmt.Errorf("%s: %q already means something else", name, p)
		}
		t.cat[k] = c
		t.maxLen = max(t.maxLen, len(toks))
	}
	return nil
}

// at returns the category and length in tokens of the longest phrase at the
// start of toks. An emoji or other symbol that is not in the table is
// filler ("yes 😊"); any other word is catOther.
func (t *phraseTable) at(toks []string) (category, int) {
	for n := min(t.maxLen, len(toks)); n > 0; n-- {
		k := strings.Join(toks[:n], " ")
		if t.squeeze {
			k = squeeze(k)
		}
		if c, ok := t.cat[k]; ok {
			return c, n
		}
	}
	if symbol(toks[0]) {
		return catFiller, 1
	}
	return catOther, 1
}

// symbol reports whether tok is a symbol token, such as an emoji.
func symbol(tok string) bool {
	r, size := utf8.DecodeRuneInString(tok)
	return size == len(tok) && (unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r))
}

// only reports whether toks consist of phrases of category c and filler,
// with at least one phrase of category c.
func (t *phraseTable) only(toks []string, c category) bool {
	seen := false
	for i := 0; i < len(toks); {
		got, n := t.at(toks[i:])
		switch got {
		case c:
			seen = true
		case catFiller:
		default:
			return false
		}
		i += n
	}
	return seen
}

// numKind is the grammatical role of a number word.
type numKind uint8

const (
	numNone     numKind = iota
	numUnit             // 0–9
	numTeen             // 10–19
	numTens             // 20, 30 … 90
	numCompound         // 21–99 other than tens: "twentyone"
	numHundred          // multiplier 100
	numThousand         // multiplier 1000
	numAnd              // "and" inside a number
	numA                // "a" before a multiplier
)

// numWord is a number word.
type numWord struct {
	value int
	kind  numKind
}

// lexicon is every language's words merged, ready for matching.
type lexicon struct {
	yesNo        *phraseTable // yes, no and filler
	skip         *phraseTable // skip (as catSkip) and filler
	skipDecline  *phraseTable // skip and decline (as catSkip) and filler
	choiceFiller *phraseTable // choice_filler (as catFiller)
	all, both    map[string]bool
	choicePrefix map[string]bool
	numbers      map[string]numWord
	ordinals     map[string]int
	months       map[string]int
	relDays      map[string]int // key → days from today
	dateFiller   map[string]bool
	messages     map[string]map[string]string // lang → key → text
}

// words is the lexicon loaded from words.yaml.
var words = mustLoadWords(wordsYAML)

func mustLoadWords(data []byte) *lexicon {
	lx, err := loadWords(data)
	if err != nil {
		panic("answer: words.yaml: " + err.Error())
	}
	return lx
}

// loadWords parses and checks a words file.
func loadWords(data []byte) (*lexicon, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var file map[string]langWords
	if err := dec.Decode(&file); err != nil {
		return nil, err
	}
	if _, ok := file["en"]; !ok {
		return nil, fmt.Errorf("no en section")
	}
	lx := &lexicon{
		yesNo:        newPhraseTable(true),
		skip:         newPhraseTable(true),
		skipDecline:  newPhraseTable(true),
		choiceFiller: newPhraseTable(false),
		all:          map[string]bool{},
		both:         map[string]bool{},
		choicePrefix: map[string]bool{},
		numbers:      map[string]numWord{},
		ordinals:     map[string]int{},
		months:       map[string]int{},
		relDays:      map[string]int{},
		dateFiller:   map[string]bool{},
		messages:     map[string]map[string]string{},
	}
	langs := make([]string, 0, len(file))
	for lang := range file {
		langs = append(langs, lang)
	}
	sort.Strings(langs)
	for _, lang := range langs {
		if err := lx.addLang(file[lang]); err != nil {
			return nil, fmt.Errorf("%s: %w", lang, err)
		}
		if len(file[lang].Messages) > 0 {
			lx.messages[lang] = file[lang].Messages
		}
	}
	if err := lx.addCompounds(); err != nil {
		return nil, err
	}
	for _, r := range allReasons {
		if lx.messages["en"][string(r)] == "" {
			return nil, fmt.Errorf("en: no message for %s", r)
		}
	}
	return lx, nil
}

func (lx *lexicon) addLang(w langWords) error {
	steps := []struct {
		t       *phraseTable
		name    string
		c       category
		phrases []string
	}{
		{lx.yesNo, "yes", catYes, w.Yes},
		{lx.yesNo, "no", catNo, w.No},
		{lx.yesNo, "filler", catFiller, w.Filler},
		{lx.skip, "skip", catSkip, w.Skip},
		{lx.skip, "filler", catFiller, w.Filler},
		{lx.skipDecline, "skip", catSkip, w.Skip},
		{lx.skipDecline, "decline", catSkip, w.Decline},
		{lx.skipDecline, "filler", catFiller, w.Filler},
		{lx.choiceFiller, "choice_filler", catFiller, w.ChoiceFiller},
	}
	for _, s := range steps {
		if err := s.t.add(s.name, s.c, s.phrases); err != nil {
			return err
		}
	}
	addSet := func(set map[string]bool, list []string) {
		for _, p := range list {
			set[key(p)] = true
		}
	}
	addSet(lx.all, w.All)
	addSet(lx.both, w.Both)
	addSet(lx.choicePrefix, w.ChoicePrefix)
	addSet(lx.dateFiller, w.DateFiller)
	for days, list := range map[int][]string{0: w.Today, 1: w.Tomorrow, -1: w.Yesterday} {
		for _, p := range list {
			lx.relDays[key(p)] = days
		}
	}
	for _, p := range w.NumberAnd {
		if err := lx.addNumber("number_and", p, numWord{kind: numAnd}); err != nil {
			return err
		}
	}
	for _, p := range w.NumberA {
		if err := lx.addNumber("number_a", p, numWord{value: 1, kind: numA}); err != nil {
			return err
		}
	}
	for p, v := range w.Numbers {
		var k numKind
		switch {
		case v >= 0 && v < 10:
			k = numUnit
		case v >= 10 && v < 20:
			k = numTeen
		case v >= 20 && v < 100 && v%10 == 0:
			k = numTens
		case v > 20 && v < 100:
			k = numCompound
		default:
			return fmt.Errorf("numbers: %s: %d is not 0–99", p, v)
		}
		if err := lx.addNumber("numbers", p, numWord{value: v, kind: k}); err != nil {
			return err
		}
	}
	for p, v := range w.Multipliers {
		var k numKind
		switch v {
		case 100:
			k = numHundred
		case 1000:
			k = numThousand
		default:
			return fmt.Errorf("multipliers: %s: %d is not 100 or 1000", p, v)
		}
		if err := lx.addNumber("multipliers", p, numWord{value: v, kind: k}); err != nil {
			return err
		}
	}
	for p, v := range w.Ordinals {
		if v < 1 {
			return fmt.Errorf("ordinals: %s: %d is not 1 or more", p, v)
		}
		if err := addWord(lx.ordinals, "ordinals", p, v); err != nil {
			return err
		}
	}
	for p, v := range w.Months {
		if v < 1 || v > 12 {
			return fmt.Errorf("months: %s: %d is not 1–12", p, v)
		}
		if err := addWord(lx.months, "months", p, v); err != nil {
			return err
		}
	}
	return nil
}

// addWord adds a one-word entry to m.
func addWord(m map[string]int, name, p string, v int) error {
	toks := tokens(p, false)
	if len(toks) != 1 {
		return fmt.Errorf("%s: %q is not one word", name, p)
	}
	if old, ok := m[toks[0]]; ok && old != v {
		return fmt.Errorf("%s: %q has two values", name, p)
	}
	m[toks[0]] = v
	return nil
}

func (lx *lexicon) addNumber(name, p string, w numWord) error {
	toks := tokens(p, false)
	if len(toks) != 1 {
		return fmt.Errorf("%s: %q is not one word", name, p)
	}
	if old, ok := lx.numbers[toks[0]]; ok && old != w {
		return fmt.Errorf("%s: %q has two meanings", name, p)
	}
	lx.numbers[toks[0]] = w
	return nil
}

// addCompounds adds the one-word spellings of 21–99: "twentyone".
func (lx *lexicon) addCompounds() error {
	for tens, t := range lx.numbers {
		if t.kind != numTens {
			continue
		}
		for unit, u := range lx.numbers {
			if u.kind != numUnit || u.value == 0 {
				continue
			}
			w := numWord{value: t.value + u.value, kind: numCompound}
			if old, ok := lx.numbers[tens+unit]; ok && old != w {
				return fmt.Errorf("numbers: %q has two meanings", tens+unit)
			}
			lx.numbers[tens+unit] = w
		}
	}
	return nil
}

// allReasons lists every Reason; each needs an English message.
var allReasons = []Reason{
	ReasonEmpty, ReasonTooLong, ReasonNotYesNo, ReasonNotNumber, ReasonTooSmall,
	ReasonTooBig, ReasonNotChoice, ReasonOneChoice, ReasonNotDate,
	ReasonNotPostcode, ReasonNotPhone, ReasonNotEmail,
}

// DefaultMessage returns the default re-ask message for a refused reply, in
// lang ("cy", "en-GB" …) or else in English. The messages live in
// words.yaml; a message for "<reason>.<type>" (such as
// "not_choice.choices") is preferred over the one for the reason alone.
// The placeholders {{min}} and {{max}} are filled in from spec: the number
// bounds Min and Max, except that for ReasonTooLong {{max}} is the text cap
// (MaxLength, or DefaultMaxLength when that is 0). A bound that is not set
// is left empty.
func DefaultMessage(r Reason, lang string, spec Spec) string {
	msg := words.message(r, lang, spec.Type)
	lo, hi := "", ""
	if spec.Min != nil {
		lo = strconv.FormatFloat(*spec.Min, 'f', -1, 64)
	}
	if spec.Max != nil {
		hi = strconv.FormatFloat(*spec.Max, 'f', -1, 64)
	}
	if r == ReasonTooLong {
		hi = strconv.Itoa(maxLength(spec))
	}
	return strings.NewReplacer("{{min}}", lo, "{{max}}", hi).Replace(msg)
}

// message finds the message for r in lang, its base language or English.
func (lx *lexicon) message(r Reason, lang string, t Type) string {
	lang = strings.ToLower(lang)
	langs := []string{lang}
	if i := strings.IndexAny(lang, "-_"); i > 0 {
		langs = append(langs, lang[:i])
	}
	langs = append(langs, "en")
	for _, l := range langs {
		for _, k := range []string{string(r) + "." + string(t), string(r)} {
			if m := lx.messages[l][k]; m != "" {
				return m
			}
		}
	}
	for _, l := range langs {
		if m := lx.messages[l]["default"]; m != "" {
			return m
		}
	}
	return ""
}

// maxLength is the text cap of spec.
func maxLength(spec Spec) int {
	if spec.MaxLength > 0 {
		return spec.MaxLength
	}
	return DefaultMaxLength
}
