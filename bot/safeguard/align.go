package safeguard

import "slices"

// search is the state of one Check or CheckAll: where each word of the
// current path matched, and what was found. (The message's word ids are
// passed separately so that they stay on the stack.)
type search struct {
	m      *Matcher
	pos    [maxWords]int
	best   int32 // Check: the first phrase in list order that matched; -1 none
	all    bool  // CheckAll: collect every phrase in found
	found  []int32
	sorted int // found[:sorted] are from earlier start positions
}

// walk follows the phrase trie from node n, whose path matched the words
// at pos[:k], looking for the next phrase word from position j on. Before
// each phrase word up to maxGap words may be skipped, if each is a filler
// or repeats the word before it ("really really", "to to").
func (s *search) walk(ids []int32, n int32, k, j int) {
	nd := &s.m.trie.nodes[n]
	for _, pi := range nd.ends {
		s.accept(ids, pi, s.pos[:k])
	}
	if len(nd.next) == 0 || k == maxWords {
		return
	}
	for gap := 0; j < len(ids); gap, j = gap+1, j+1 {
		if c := nd.child(ids[j]); c != 0 {
			s.pos[k] = j
			s.walk(ids, c, k+1, j+1)
		}
		if gap == s.m.maxGap || !s.m.skippable(ids, j) {
			return
		}
	}
}

// accept records phrase pi, matched at positions at, unless it is already
// recorded or an except phrase of its category covers it.
func (s *search) accept(ids []int32, pi int32, at []int) {
	if s.all {
		if slices.Contains(s.found, pi) {
			return
		}
	} else if s.best >= 0 && s.best <= pi {
		return
	}
	if s.m.covered(ids, s.m.except[s.m.phrases[pi].cat], at) {
		return
	}
	if s.all {
		s.found = append(s.found, pi)
	} else {
		s.best = pi
	}
}

// skippable reports whether the word at j (j > 0) may sit inside a phrase.
func (m *Matcher) skippable(ids []int32, j int) bool {
	id := ids[j]
	return id != 0 && (m.filler[id] || ids[j-1] == id)
}

// covered reports whether a phrase of the except trie t matches somewhere
// that shares a word with the hit at positions at.
func (m *Matcher) covered(ids []int32, t *trie, at []int) bool {
	if len(t.nodes) == 1 {
		return false
	}
	lo := max(at[0]-maxWords*(m.maxGap+1), 0)
	var pos [maxWords]int
	for s := lo; s <= at[len(at)-1]; s++ {
		if n := t.first[ids[s]]; n != 0 {
			pos[0] = s
			if m.coveredFrom(ids, t, n, 1, s+1, &pos, at) {
				return true
			}
		}
	}
	return false
}

// coveredFrom is covered's walk of t from node n; see search.walk.
func (m *Matcher) coveredFrom(ids []int32, t *trie, n int32, k, j int, pos *[maxWords]int, at []int) bool {
	nd := &t.nodes[n]
	if len(nd.ends) > 0 && shares(pos[:k], at) {
		return true
	}
	if len(nd.next) == 0 || k == maxWords {
		return false
	}
	for gap := 0; j < len(ids); gap, j = gap+1, j+1 {
		if c := nd.child(ids[j]); c != 0 {
			pos[k] = j
			if m.coveredFrom(ids, t, c, k+1, j+1, pos, at) {
				return true
			}
		}
		if gap == m.maxGap || !m.skippable(ids, j) {
			return false
		}
	}
	return false
}

// shares reports whether the ascending position lists a and b have one in
// common.
func shares(a, b []int) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}
