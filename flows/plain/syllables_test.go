package plain

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestSyllables(t *testing.T) {
	tests := []struct {
		word string
		want int
	}{
		{"", 0}, {"1111", 0}, {"—", 0},
		{"a", 1}, {"the", 1}, {"cat", 1}, {"Signpost", 2}, {"worker", 2},
		{"make", 1}, {"free", 1}, {"goodbye", 2}, // silent final e, but not after a vowel
		{"little", 2}, {"table", 2}, {"tables", 2}, {"able", 2}, {"whole", 1}, // consonant + le
		{"makes", 1}, {"places", 2}, {"boxes", 2}, {"wishes", 2}, {"goes", 1}, // -es
		{"asked", 1}, {"called", 1}, {"wanted", 2}, {"troubled", 2}, {"hundred", 2}, {"played", 1}, // -ed
		{"safely", 2}, {"statement", 2}, {"careful", 2}, {"homeless", 2}, {"settlement", 3}, // e before a suffix
		{"media", 3}, {"social", 2}, {"radio", 3}, {"nation", 2}, {"video", 3}, {"usual", 3}, {"equal", 2},
		{"medium", 3}, {"happier", 3}, {"society", 4}, {"client", 2}, {"patient", 2}, {"create", 2},
		{"influence", 3}, {"being", 2}, {"saying", 2}, {"wellbeing", 3},
		{"young", 1}, {"happy", 2}, {"they", 1}, // y
		{"people", 2}, {"ideas", 3}, {"apprenticeships", 4}, // exceptions and their plurals
		{"self-harm", 2}, {"don't", 1}, {"I'm", 1}, {"Café", 2}, {"2nd", 1}, {"OK", 2},
	}
	for _, tt := range tests {
		if got := Syllables(tt.word); got != tt.want {
			t.Errorf("Syllables(%q) = %d, want %d", tt.word, got, tt.want)
		}
	}
}

// TestSyllablesAccuracy measures the heuristic on everyday words. About a
// third of the list was held out while the rules were written; the
// heuristic got 96.7% of those right, every miss by one syllable.
func TestSyllablesAccuracy(t *testing.T) {
	f, err := os.Open("testdata/syllables.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	total, right := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, num, _ := strings.Cut(line, " ")
		want, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("bad line %q", line)
		}
		total++
		got := Syllables(word)
		if got == want {
			right++
			continue
		}
		t.Logf("%s: got %d, want %d", word, got, want)
		if got < want-1 || got > want+1 {
			t.Errorf("%s: got %d, want %d: off by more than one", word, got, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if total < 500 {
		t.Fatalf("only %d words read", total)
	}
	if rate := float64(right) / float64(total); rate < 0.98 {
		t.Errorf("%d of %d right (%.1f%%), want at least 98%%", right, total, 100*rate)
	}
}

func BenchmarkSyllables(b *testing.B) {
	words := strings.Fields("Thanks for getting in touch please talk to an adult you trust or call Childline apprenticeship wellbeing")
	for b.Loop() {
		for _, w := range words {
			Syllables(w)
		}
	}
}
