package impact

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// possible returns, for each small hidden row, the values a reader could
// find for it by trying every assignment of the hidden rows that fits
// what the table shows and what the rule says: "<T" rows are 1..T-1, "[c]"
// rows are T or more and at most the smallest non-zero row still shown,
// and the hidden rows add up to the total minus the shown ones.
func possible(rows []Row, below int) map[int]map[int]bool {
	sum, least := 0, 1<<30
	var hidden []int
	for i, r := range rows {
		switch {
		case r.Count.hidden:
			hidden = append(hidden, i)
			sum += r.Count.n
		case r.Count.n > 0:
			least = min(least, r.Count.n)
		}
	}
	out := map[int]map[int]bool{}
	vals := make([]int, len(rows))
	var try func(k, left int)
	try = func(k, left int) {
		if k == len(hidden) {
			if left == 0 {
				for _, i := range hidden {
					if rows[i].Count.primary() {
						if out[i] == nil {
							out[i] = map[int]bool{}
						}
						out[i][vals[i]] = true
					}
				}
			}
			return
		}
		i := hidden[k]
		lo, hi := 1, below-1
		if rows[i].Count.comp {
			lo, hi = below, min(least, sum)
		}
		for v := lo; v <= hi && v <= left; v++ {
			vals[i] = v
			try(k+1, left-v)
		}
	}
	try(0, sum)
	return out
}

// Random tables that split their total: after protectSplit no small row
// can be worked out, unless every non-zero row is already hidden (then
// nothing more can be done within the table).
func TestProtectSplitLeavesNothingToWorkOut(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 20000 {
		below := 2 + rng.IntN(5)
		rows := make([]Row, 1+rng.IntN(6))
		total := 0
		for i := range rows {
			v := rng.IntN(3 * below)
			if rng.IntN(3) == 0 {
				v = rng.IntN(below)
			}
			rows[i] = Row{Key: fmt.Sprint(i), Count: newCount(v, below)}
			total += v
		}
		tbl := Table{Rows: rows, Total: newCount(total, below)}
		protectSplit(&tbl, below)
		if tbl.Total.hidden {
			continue
		}
		allHidden := true
		for _, r := range tbl.Rows {
			if r.Count.n > 0 && !r.Count.hidden {
				allHidden = false
			}
		}
		for i, vals := range possible(tbl.Rows, below) {
			if len(vals) < 2 && !allHidden {
				t.Fatalf("table %d (threshold %d): row %d can be worked out: %s", n, below, i, dump(tbl))
			}
			if !vals[tbl.Rows[i].Count.n] {
				t.Fatalf("table %d: the reader's model misses the true value of row %d: %s", n, i, dump(tbl))
			}
		}
		if pinned(tbl.Rows, below) != anyPinned(possible(tbl.Rows, below)) {
			t.Fatalf("table %d: pinned says %v, trying every assignment disagrees: %s", n, pinned(tbl.Rows, below), dump(tbl))
		}
	}
}

func anyPinned(p map[int]map[int]bool) bool {
	for _, vals := range p {
		if len(vals) < 2 {
			return true
		}
	}
	return false
}

func dump(t Table) string {
	s := ""
	for _, r := range t.Rows {
		s += fmt.Sprintf("%d(%s) ", r.Count.n, r.Count)
	}
	return s + "| " + t.Total.String()
}

func TestCountAndStatAsShown(t *testing.T) {
	c := newCount(3, 5)
	big := newCount(12, 5)
	big.hide()
	pct := newPercent(1, 3, 1)
	change := newStat(-0.04, 6, 5)
	change.signed = true
	gone := newPercent(2, 8, 5)
	gone.hide()
	for _, tc := range []struct {
		name      string
		got, json string
		wantS     string
		wantJSON  string
	}{
		{"zero", newCount(0, 5).String(), js(newCount(0, 5)), "0", "0"},
		{"small", c.String(), js(c), "<5", `"<5"`},
		{"at the threshold", newCount(5, 5).String(), js(newCount(5, 5)), "5", "5"},
		{"threshold 10", newCount(9, 10).String(), js(newCount(9, 10)), "<10", `"<10"`},
		{"threshold 1 shows all", newCount(1, 1).String(), js(newCount(1, 1)), "1", "1"},
		{"complementary", big.String(), js(big), "[c]", `"[c]"`},
		{"mean", newStat(16.0/3, 5, 5).String(), js(newStat(16.0/3, 5, 5)), "5.3", "5.3"},
		{"few people", newStat(4, 4, 5).String(), js(newStat(4, 4, 5)), "n<5", `"n<5"`},
		{"nobody", newStat(0, 0, 5).String(), js(newStat(0, 0, 5)), "-", "null"},
		{"percentage", pct.String(), js(pct), "33.3%", "33.3"},
		{"a change rounds to +0.0, never -0.0", change.String(), js(change), "+0.0", "0"},
		{"a percentage that would give a count away", gone.String(), js(gone), "[c]", `"[c]"`},
	} {
		if tc.got != tc.wantS || tc.json != tc.wantJSON {
			t.Errorf("%s: %s %s, want %s %s", tc.name, tc.got, tc.json, tc.wantS, tc.wantJSON)
		}
	}
	if v, ok := c.Value(); ok || v != 0 || !c.Hidden() {
		t.Errorf("a small count's Value = %d, %v", v, ok)
	}
	if v, ok := big.Value(); ok || v != 0 {
		t.Errorf("a complementary count's Value = %d, %v", v, ok)
	}
	if v, ok := newCount(7, 5).Value(); !ok || v != 7 {
		t.Errorf("a shown count's Value = %d, %v", v, ok)
	}
	if _, ok := newStat(4, 4, 5).Value(); ok {
		t.Error("a hidden stat has a Value")
	}
}

func js(v interface{ MarshalJSON() ([]byte, error) }) string {
	b, err := v.MarshalJSON()
	if err != nil {
		return err.Error()
	}
	return string(b)
}
