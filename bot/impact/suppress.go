package impact

import "math"

// Complementary suppression. Hiding a small count is not enough when the
// table's total is shown: with one row hidden, total minus the shown rows
// is that row. So in a table whose total is shown:
//
//   - where each referral is in exactly one row (the rows add up to the
//     total), the smallest other non-zero shown row is hidden too, then the
//     next smallest, for as long as a reader who knows this rule could still
//     work out a hidden small row exactly (for example a "<5" and a "[c]"
//     that together come to 6 with the rule saying "[c]" is 5 or more: the
//     "<5" must be 1);
//   - where rows overlap (several answers allowed), so that nothing can be
//     recovered by subtraction, the plain rule applies: when exactly one row
//     is hidden, the smallest other non-zero shown row is hidden too.
//
// If every non-zero row ends up hidden the table shows only its total.

// protectSplit applies complementary suppression to a table whose rows
// split its total.
func protectSplit(t *Table, below int) {
	if t.Total.hidden {
		return // every row is at most the total, so already hidden
	}
	for pinned(t.Rows, below) {
		i := smallestShown(t.Rows)
		if i < 0 {
			return
		}
		t.Rows[i].Count.hide()
	}
}

// protectOverlapping applies complementary suppression to a table whose
// rows may overlap.
func protectOverlapping(t *Table) {
	if t.Total.hidden {
		return
	}
	hidden := 0
	for _, r := range t.Rows {
		if r.Count.hidden {
			hidden++
		}
	}
	if hidden == 1 {
		if i := smallestShown(t.Rows); i >= 0 {
			t.Rows[i].Count.hide()
		}
	}
}

// smallestShown returns the index of the smallest non-zero shown row (the
// first of equals), or -1.
func smallestShown(rows []Row) int {
	at := -1
	for i, r := range rows {
		if !r.Count.hidden && r.Count.n > 0 && (at < 0 || r.Count.n < rows[at].Count.n) {
			at = i
		}
	}
	return at
}

// pinned reports whether a reader could work out a small hidden row of a
// table that splits its shown total. The reader knows the sum S of the
// hidden rows (total minus the shown rows), that each "<T" row is 1..T-1,
// and, from the rule, that each "[c]" row is at least T and at most the
// smallest non-zero row still shown. The rows being alike, one interval
// holds for every small row: S minus the most the others could be, up to S
// minus the least. A single possible value gives it away.
func pinned(rows []Row, below int) bool {
	var small, comp, sum int
	least := math.MaxInt // the smallest non-zero shown row
	for _, r := range rows {
		c := r.Count
		switch {
		case c.primary():
			small++
			sum += c.n
		case c.comp:
			comp++
			sum += c.n
		case c.n > 0:
			least = min(least, c.n)
		}
	}
	if small == 0 {
		return false
	}
	hi := min(below-1, sum-(small-1)-comp*below)
	lo := 1
	if comp == 0 || least < math.MaxInt {
		lo = max(1, sum-(small-1)*(below-1)-comp*least)
	}
	return lo >= hi
}
