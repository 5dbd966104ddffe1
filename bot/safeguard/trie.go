package safeguard

import (
	"cmp"
	"slices"
)

// trie holds phrases as paths of word ids. Node 0 is the root; first maps
// a word id straight to the node after it, the hot lookup of every check.
type trie struct {
	first []int32 // by word id: the node after that first word, or 0
	nodes []node
}

// node is a trie node: the phrases that end here and the words that go on.
type node struct {
	next []edge  // sorted by word
	ends []int32 // phrase indexes, in list order
}

type edge struct{ word, node int32 }

// newTrie returns a trie of the phrases words[i], each ending with value i;
// word ids are below nwords.
func newTrie(words [][]int32, nwords int) *trie {
	t := &trie{nodes: make([]node, 1)}
	for i, ws := range words {
		n := int32(0)
		for _, w := range ws {
			c := t.nodes[n].child(w)
			if c == 0 {
				c = int32(len(t.nodes))
				t.nodes = append(t.nodes, node{})
				e := edge{w, c}
				next := t.nodes[n].next
				at, _ := slices.BinarySearchFunc(next, w, func(e edge, w int32) int { return cmp.Compare(e.word, w) })
				t.nodes[n].next = slices.Insert(next, at, e)
			}
			n = c
		}
		t.nodes[n].ends = append(t.nodes[n].ends, int32(i))
	}
	t.first = make([]int32, nwords)
	for _, e := range t.nodes[0].next {
		t.first[e.word] = e.node
	}
	return t
}

// child returns the node after word, or 0.
func (n *node) child(word int32) int32 {
	lo, hi := 0, len(n.next)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch e := n.next[mid]; {
		case e.word == word:
			return e.node
		case e.word < word:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0
}
