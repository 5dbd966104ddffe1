package safeguard

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

const (
	defaultMaxGap = 2  // filler words allowed between two phrase words
	maxGapLimit   = 3  // the most max_gap may be
	maxWords      = 12 // the most words a phrase may have, after normalising
)

// compiler collects a phrase list as it is read, then builds the Matcher.
type compiler struct {
	maxGap   int
	misspell map[string]string // normalised word → normalised replacement
	groups   map[string][]string
	fillers  []string
	cats     []rawCategory
}

// rawCategory is one category as read, its phrases as normalised words.
type rawCategory struct {
	name            string
	phrases, except []rawPhrase
}

type rawPhrase struct {
	text  string   // source form, alternatives chosen
	words []string // normalised, misspellings mapped
}

// mapped returns the normalised words of s with misspellings replaced.
func (c *compiler) mapped(s string) []string {
	var out []string
	for _, w := range words(s) {
		if v, ok := c.misspell[w]; ok {
			out = append(out, strings.Fields(v)...)
		} else {
			out = append(out, w)
		}
	}
	return out
}

func (c *compiler) readMaxGap(n *yaml.Node) error {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < 0 || v > maxGapLimit {
		return lineError(n, "max_gap must be a whole number from 0 to %d", maxGapLimit)
	}
	c.maxGap = v
	return nil
}

func (c *compiler) readMisspellings(n *yaml.Node) error {
	pairs, err := mapping(n, "misspellings", nil)
	if err != nil {
		return err
	}
	var values []*yaml.Node // in file order, for a stable error
	for _, p := range pairs {
		key := words(p[0].Value)
		if len(key) != 1 {
			return lineError(p[0], "misspelling %q must be one word", p[0].Value)
		}
		s, err := scalar(p[1], "misspelling "+strconv.Quote(p[0].Value))
		if err != nil {
			return err
		}
		val := strings.Join(words(s), " ")
		if val == "" {
			return lineError(p[1], "misspelling %q has an empty replacement", p[0].Value)
		}
		if old, ok := c.misspell[key[0]]; ok && old != val {
			return lineError(p[0], "misspelling %q is %q once normalised, already mapped to %q", p[0].Value, key[0], old)
		}
		if val != key[0] {
			c.misspell[key[0]] = val
			values = append(values, p[1])
		}
	}
	// A replacement is not replaced again, so none may hold a misspelling.
	for _, n := range values {
		for _, w := range words(n.Value) {
			if _, ok := c.misspell[w]; ok {
				return lineError(n, "misspelling replacement %q holds %q, itself a misspelling", n.Value, w)
			}
		}
	}
	return nil
}

func (c *compiler) readGroups(n *yaml.Node) error {
	pairs, err := mapping(n, "groups", nil)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		name := p[0].Value
		if !nameRE.MatchString(name) {
			return lineError(p[0], "group name %q must be lower_snake_case", name)
		}
		entries, err := sequence(p[1], "group "+strconv.Quote(name))
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return lineError(p[1], "group %q is empty", name)
		}
		for _, e := range entries {
			if strings.TrimSpace(e.Value) == "" || strings.ContainsAny(e.Value, "()|<>") {
				return lineError(e, "group %q: entry %q must be plain words", name, e.Value)
			}
			c.groups[name] = append(c.groups[name], e.Value)
		}
	}
	return nil
}

func (c *compiler) readFillers(n *yaml.Node) error {
	entries, err := sequence(n, "fillers")
	if err != nil {
		return err
	}
	for _, e := range entries {
		w := c.mapped(e.Value)
		if len(w) != 1 {
			return lineError(e, "filler %q must be one word", e.Value)
		}
		c.fillers = append(c.fillers, w[0])
	}
	return nil
}

func (c *compiler) readCategories(n *yaml.Node) error {
	pairs, err := mapping(n, "categories", nil)
	if err != nil {
		return err
	}
	if len(pairs) == 0 {
		return lineError(n, "categories is empty")
	}
	for _, p := range pairs {
		cat := rawCategory{name: p[0].Value}
		if !nameRE.MatchString(cat.name) {
			return lineError(p[0], "category name %q must be lower_snake_case", cat.name)
		}
		what := "category " + strconv.Quote(cat.name)
		fields, err := mapping(p[1], what, []string{"phrases", "except"})
		if err != nil {
			return err
		}
		for _, f := range fields {
			list, err := c.readPhrases(f[1], what+" "+f[0].Value)
			if err != nil {
				return err
			}
			if f[0].Value == "phrases" {
				cat.phrases = list
			} else {
				cat.except = list
			}
		}
		if len(cat.phrases) == 0 {
			return lineError(p[0], "%s has no phrases", what)
		}
		c.cats = append(c.cats, cat)
	}
	return nil
}

// readPhrases reads a list of phrase entries, expanding alternatives.
func (c *compiler) readPhrases(n *yaml.Node, what string) ([]rawPhrase, error) {
	entries, err := sequence(n, what)
	if err != nil {
		return nil, err
	}
	var out []rawPhrase
	for _, e := range entries {
		s, _ := scalar(e, what)
		if strings.TrimSpace(s) == "" {
			return nil, lineError(e, "%s: empty phrase", what)
		}
		texts, err := expand(s, c.groups)
		if err != nil {
			return nil, lineError(e, "%s: phrase %q: %v", what, s, err)
		}
		for _, t := range texts {
			w := c.mapped(t)
			switch {
			case len(w) == 0 && t == "":
				return nil, lineError(e, "%s: phrase %q: empty phrase (a choice leaves no words)", what, s)
			case len(w) == 0:
				return nil, lineError(e, "%s: phrase %q: empty phrase (no letters or digits in %q)", what, s, t)
			case len(w) > maxWords:
				return nil, lineError(e, "%s: phrase %q: more than %d words", what, s, maxWords)
			}
			out = append(out, rawPhrase{text: t, words: w})
		}
	}
	return out, nil
}
