package safeguard

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Hit is a risk found in a message.
type Hit struct {
	// Category is the phrase list's category: suicide, self_harm,
	// sexual_exploitation, abuse, unsafe_home or violence in the default list.
	Category string
	// Phrase is the list entry that matched, as written in the list; for an
	// entry with alternatives, the alternative that matched ("dad hits me"
	// for "<carer> (hits|beats) me").
	Phrase string
}

// Matcher finds risky phrases in messages. It is immutable once built and
// safe for concurrent use.
type Matcher struct {
	lex      *lexicon          // word → id (>0), or misspelling → -(index into exp)-1
	exp      [][]int32         // the word ids a misspelling stands for (0: not a phrase word)
	misspell map[string]string // misspelling → its replacement, for normalise
	filler   []bool            // by word id: may sit between phrase words
	phrases  []phrase
	trie     *trie   // the phrases
	except   []*trie // by category: its except phrases
	maxGap   int
}

// phrase is what a phrase trie path ending stands for.
type phrase struct {
	hit Hit
	cat int
}

//go:embed phrases.yaml
var defaultList []byte

var defaultMatcher = sync.OnceValue(func() *Matcher {
	m, err := Parse(defaultList)
	if err != nil {
		panic(fmt.Sprintf("safeguard: the embedded phrases.yaml is invalid: %v", err))
	}
	return m
})

// Default returns the Matcher for the phrase list shipped with the package
// (phrases.yaml). It is built once, on first use (tens of milliseconds:
// call it at start-up to keep that off the first message), and shared.
func Default() *Matcher { return defaultMatcher() }

// build gives every phrase word an id and builds the tries.
func (c *compiler) build() (*Matcher, error) {
	m := &Matcher{misspell: c.misspell, maxGap: c.maxGap}
	ids := map[string]int32{}
	toIDs := func(ws []string) []int32 {
		out := make([]int32, len(ws))
		for i, w := range ws {
			n, ok := ids[w]
			if !ok {
				n = int32(len(ids) + 1)
				ids[w] = n
			}
			out[i] = n
		}
		return out
	}
	var words [][]int32
	excepts := make([][][]int32, len(c.cats))
	for ci, cat := range c.cats {
		seen := map[string]bool{}
		for _, p := range cat.phrases {
			key := strings.Join(p.words, " ")
			if !seen[key] {
				seen[key] = true
				words = append(words, toIDs(p.words))
				m.phrases = append(m.phrases, phrase{hit: Hit{cat.name, p.text}, cat: ci})
			}
		}
		for _, p := range cat.except {
			excepts[ci] = append(excepts[ci], toIDs(p.words))
		}
	}
	toIDs(c.fillers)
	nwords := len(ids) + 1
	m.trie = newTrie(words, nwords)
	for _, e := range excepts {
		m.except = append(m.except, newTrie(e, nwords))
	}
	m.filler = make([]bool, nwords)
	for _, f := range c.fillers {
		m.filler[ids[f]] = true
	}
	lex := ids // the word ids, then the misspellings
	for k, v := range c.misspell {
		var e []int32
		for _, w := range strings.Fields(v) {
			e = append(e, ids[w]) // 0 when w is in no phrase
		}
		m.exp = append(m.exp, e)
		lex[k] = -int32(len(m.exp))
	}
	m.lex = newLexicon(lex)
	return m, nil
}

// Check returns the first risk in text: the phrase that starts earliest,
// and of those the first in the list. It does not allocate for an ordinary
// message (one with no hit and up to 128 words).
func (m *Matcher) Check(text string) (Hit, bool) {
	var buf [128]int32
	ids := m.appendIDs(buf[:0], text)
	s := search{m: m, best: -1}
	for i, id := range ids {
		if n := m.trie.first[id]; n != 0 {
			s.pos[0] = i
			s.walk(ids, n, 1, i+1)
			if s.best >= 0 {
				return m.phrases[s.best].hit, true
			}
		}
	}
	return Hit{}, false
}

// CheckAll returns every distinct phrase that matched text, in the order
// Check would find them; nil when there is none.
func (m *Matcher) CheckAll(text string) []Hit {
	var buf [128]int32
	ids := m.appendIDs(buf[:0], text)
	s := search{m: m, best: -1, all: true}
	for i, id := range ids {
		if n := m.trie.first[id]; n != 0 {
			s.pos[0] = i
			s.walk(ids, n, 1, i+1)
			slices.Sort(s.found[s.sorted:])
			s.sorted = len(s.found)
		}
	}
	var hits []Hit
	for _, pi := range s.found {
		hits = append(hits, m.phrases[pi].hit)
	}
	return hits
}

// appendIDs appends the word ids of text to ids: misspellings replaced, and
// each run of words that are in no phrase kept as one 0, which nothing
// matches and no gap may skip.
func (m *Matcher) appendIDs(ids []int32, text string) []int32 {
	var buf [64]byte
	sc := scanner{s: text}
	push := func(id int32) {
		if id != 0 || len(ids) == 0 || ids[len(ids)-1] != 0 {
			ids = append(ids, id)
		}
	}
	for {
		w, ok := sc.next(buf[:0])
		if !ok {
			return ids
		}
		n := m.lex.get(w)
		if n >= 0 {
			push(n)
			continue
		}
		for _, e := range m.exp[-n-1] {
			push(e)
		}
	}
}
