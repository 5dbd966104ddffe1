package safeguard

// lexicon maps a normalised word to its id (>0) or misspelling (<0). It is
// an open-addressing hash table, about three times faster than a Go map
// for the short keys of a message, and it looks up a []byte key without
// converting it.
type lexicon struct {
	slots []slot // len is a power of two, at most half full
	mask  uint64
}

type slot struct {
	key string
	val int32
}

// newLexicon returns a lexicon of m.
func newLexicon(m map[string]int32) *lexicon {
	n := 16
	for n < 2*len(m) {
		n *= 2
	}
	l := &lexicon{slots: make([]slot, n), mask: uint64(n - 1)}
	for k, v := range m {
		i := hashWord(k) & l.mask
		for l.slots[i].key != "" {
			i = (i + 1) & l.mask
		}
		l.slots[i] = slot{k, v}
	}
	return l
}

// get returns the value of word, or 0 when it is not in the lexicon.
func (l *lexicon) get(word []byte) int32 {
	if len(word) == 0 {
		return 0
	}
	for i := hashWord(word) & l.mask; ; i = (i + 1) & l.mask {
		s := &l.slots[i]
		if s.key == "" {
			return 0
		}
		if s.key == string(word) {
			return s.val
		}
	}
}

// hashWord is FNV-1a, 64-bit.
func hashWord[S string | []byte](w S) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		h ^= uint64(w[i])
		h *= 1099511628211
	}
	return h
}
