package answer

import (
	"regexp"
	"strconv"
	"strings"
)

// maxChoiceWords caps the words read of a reply to a choice question.
const maxChoiceWords = 64

// optionKeys are the forms of one option a reply is matched against.
type optionKeys struct {
	compact []string // id and labels without spaces: exact matches
	spaced  []string // id and labels, words separated by a space: partial matches
}

// chooser matches replies against a question's options.
type chooser struct {
	opts    []optionKeys
	maxSpan int // the most words one pick may take
}

func newChooser(options []Option) *chooser {
	c := &chooser{opts: make([]optionKeys, len(options)), maxSpan: 4}
	for i, o := range options {
		for _, s := range append([]string{o.ID}, o.Labels...) {
			toks := tokens(s, false)
			if len(toks) == 0 {
				continue
			}
			c.opts[i].compact = append(c.opts[i].compact, strings.Join(toks, ""))
			c.opts[i].spaced = append(c.opts[i].spaced, strings.Join(toks, " "))
			c.maxSpan = max(c.maxSpan, len(toks)+1)
		}
	}
	return c
}

// optionRange is a range of option numbers: "1-3", "2 to 4".
var optionRange = regexp.MustCompile(`\b([0-9]{1,3}) *(?:-|–|—|\bto\b) *([0-9]{1,3})\b`)

// parseChoice reads a reply to a choice or choices question.
func parseChoice(spec Spec, s string) (Value, error) {
	c := spec.chooser
	if c == nil {
		c = newChooser(spec.Options)
	}
	toks := tokens(s, true)
	var picks []bool
	ok := false
	if i := c.whole(toks); i >= 0 {
		picks, ok = make([]bool, len(spec.Options)), true
		picks[i] = true
	} else {
		// "1-3" is options 1 to 3 (unless an option is called "1-3",
		// which the whole reply would have matched).
		expanded := optionRange.ReplaceAllStringFunc(s, func(m string) string {
			sub := optionRange.FindStringSubmatch(m)
			a, _ := strconv.Atoi(sub[1])
			b, _ := strconv.Atoi(sub[2])
			if a < 1 || a >= b || b > len(spec.Options) {
				return m
			}
			var parts []string
			for i := a; i <= b; i++ {
				parts = append(parts, strconv.Itoa(i))
			}
			return strings.Join(parts, ",")
		})
		if expanded != s {
			toks = tokens(expanded, true)
		}
		picks, ok = c.read(toks)
	}
	if !ok {
		if spec.Optional && isSkip(s) {
			return skipped(spec), nil
		}
		return Value{}, refuse(ReasonNotChoice)
	}
	var ids []string
	for i, picked := range picks {
		if picked {
			ids = append(ids, spec.Options[i].ID)
		}
	}
	if spec.Type == Choices {
		return Value{Type: Choices, IDs: ids}, nil
	}
	if len(ids) > 1 {
		return Value{}, refuse(ReasonOneChoice)
	}
	return Value{Type: Choice, Text: ids[0]}, nil
}

// whole returns the option the whole reply names, or -1.
func (c *chooser) whole(toks []string) int {
	var content []string
	for _, t := range toks {
		if t != sep {
			content = append(content, t)
		}
	}
	if len(content) == 0 || len(content) > maxChoiceWords {
		return -1
	}
	return c.match(content)
}

// read finds the options picked in a reply: ok is false when some part of
// the reply is not an option (or filler between options) or when nothing
// is picked at all.
//
// The reply is split into picks, separators and filler so that every word
// is used; among the ways to do that the one that leaves out the fewest
// words as filler, then has the fewest picks, wins. So an option called
// "Friends and family" is one pick, not "friends" and "family".
func (c *chooser) read(toks []string) (picks []bool, ok bool) {
	count := 0
	for _, t := range toks {
		if t != sep {
			count++
		}
	}
	if count == 0 || count > maxChoiceWords {
		return nil, false
	}
	type step struct {
		ok            bool
		skipped, cost int    // filler words left out, picks made (from here on)
		next          int    // where the rest starts
		pick          []bool // options picked by this step, nil for filler
	}
	n := len(toks)
	best := make([]step, n+1)
	best[n] = step{ok: true}
	better := func(i int, s step) {
		b := best[i]
		if !b.ok || s.skipped < b.skipped || s.skipped == b.skipped && s.cost < b.cost {
			best[i] = s
		}
	}
	for i := n - 1; i >= 0; i-- {
		if toks[i] == sep {
			if r := best[i+1]; r.ok {
				better(i, step{ok: true, skipped: r.skipped, cost: r.cost, next: i + 1})
			}
			continue
		}
		if cat, l := words.choiceFiller.at(toks[i:]); cat == catFiller {
			if r := best[i+l]; r.ok {
				better(i, step{ok: true, skipped: r.skipped + l, cost: r.cost, next: i + l})
			}
		}
		for j := i + 1; j <= n && j-i <= c.maxSpan && toks[j-1] != sep; j++ {
			r := best[j]
			if !r.ok {
				continue
			}
			if p := c.matchSpan(toks[i:j]); p != nil {
				better(i, step{ok: true, skipped: r.skipped, cost: r.cost + 1, next: j, pick: p})
			}
		}
	}
	if !best[0].ok {
		return nil, false
	}
	picks = make([]bool, len(c.opts))
	some := false
	for i := 0; i < n; i = best[i].next {
		for o, p := range best[i].pick {
			if p {
				picks[o] = true
				some = true
			}
		}
	}
	return picks, some
}

// matchSpan returns the options one pick names, or nil: one option, or,
// when no option is called that, all of them for "all" (or "both" when
// there are two).
func (c *chooser) matchSpan(span []string) []bool {
	if i := c.match(span); i >= 0 {
		p := make([]bool, len(c.opts))
		p[i] = true
		return p
	}
	k := strings.Join(span, " ")
	if len(c.opts) > 0 && (words.all[k] || words.both[k] && len(c.opts) == 2) {
		p := make([]bool, len(c.opts))
		for i := range p {
			p[i] = true
		}
		return p
	}
	return nil
}

// match returns the index of the one option span names, or -1: by its id
// or a label; by its number ("2", "option 2", "two", "2nd", "the second
// one"); or by the start of a word of a label, at least 4 characters long
// ("money" for "Money worries"), when only one option matches.
func (c *chooser) match(span []string) int {
	compact := strings.Join(span, "")
	found := -1
	for i, o := range c.opts {
		for _, k := range o.compact {
			if k == compact {
				if found >= 0 && found != i {
					return -1 // two options with the same name
				}
				found = i
			}
		}
	}
	if found >= 0 {
		return found
	}
	if n := c.number(span); n > 0 {
		return n - 1
	}
	spaced := strings.Join(span, " ")
	if runeLen(spaced) < 4 {
		return -1
	}
	for i, o := range c.opts {
		for _, k := range o.spaced {
			if strings.HasPrefix(k, spaced) || strings.Contains(k, " "+spaced) {
				if found >= 0 && found != i {
					return -1
				}
				found = i
			}
		}
	}
	return found
}

// number returns the option number span gives, or 0.
func (c *chooser) number(span []string) int {
	for len(span) > 1 && words.choicePrefix[span[0]] {
		span = span[1:]
	}
	if len(span) == 2 && span[1] == "one" && ordinal(span[0]) > 0 {
		span = span[:1] // "the second one"
	}
	n := 0
	if len(span) == 1 {
		n = ordinal(span[0])
		if n == 0 && allDigits(span[0]) && len(span[0]) <= 3 {
			n, _ = strconv.Atoi(span[0])
		}
	}
	if n == 0 {
		if v, used := words.speltAt(span); used == len(span) {
			n = v
		}
	}
	if n < 1 || n > len(c.opts) {
		return 0
	}
	return n
}

// ordinal reads "second" or "2nd" as 2; anything else is 0.
func ordinal(t string) int {
	if n, ok := words.ordinals[t]; ok {
		return n
	}
	if len(t) < 3 || len(t) > 5 {
		return 0
	}
	num, suffix := t[:len(t)-2], t[len(t)-2:]
	switch suffix {
	case "st", "nd", "rd", "th":
	default:
		return 0
	}
	if !allDigits(num) {
		return 0
	}
	n, _ := strconv.Atoi(num)
	return n
}

// allDigits reports whether s is made of ASCII digits only (and not empty).
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
