package impact

import (
	"fmt"
	"math"
	"strconv"
)

// defaultSuppressBelow is the threshold when Options leave it unset.
const defaultSuppressBelow = 5

// complementaryMark is how a count hidden by complementary suppression
// prints: "[c]" (confidential) is the mark the Government Statistical
// Service uses. It is not "<5", which would be untrue: such a count is 5 or
// more, hidden only so that a small one next to it cannot be worked out.
const complementaryMark = "[c]"

// newCount returns n as it may be shown with threshold below: hidden when
// 1 <= n < below.
func newCount(n, below int) Count {
	return Count{n: n, below: below, hidden: n > 0 && n < below}
}

// String returns the count as shown: the number, "<5" when it is small, or
// "[c]" when it is hidden to protect a small count in the same table.
func (c Count) String() string {
	switch {
	case c.comp:
		return complementaryMark
	case c.hidden:
		return "<" + strconv.Itoa(c.below)
	}
	return strconv.Itoa(c.n)
}

// Hidden reports whether the count is suppressed.
func (c Count) Hidden() bool { return c.hidden }

// Value returns the count and true, or 0 and false when it is hidden.
func (c Count) Value() (int, bool) {
	if c.hidden {
		return 0, false
	}
	return c.n, true
}

// MarshalJSON writes a shown count as a number and a hidden one as its
// mark, a string ("<5" or "[c]").
func (c Count) MarshalJSON() ([]byte, error) {
	if c.hidden {
		return mark(c.String()), nil
	}
	return strconv.AppendInt(nil, int64(c.n), 10), nil
}

// mark is a suppression mark ("<5", "[c]", "n<5": plain ASCII, nothing to
// escape) as a JSON string.
func mark(s string) []byte { return []byte(`"` + s + `"`) }

// hide hides a count that is not small because a small one in the same
// table could otherwise be worked out from the total.
func (c *Count) hide() { c.hidden, c.comp = true, true }

// primary reports whether the count is hidden for being small itself.
func (c Count) primary() bool { return c.hidden && !c.comp }

// newStat returns v, worked out from base people, as it may be shown:
// hidden when base is under the threshold, and empty (nothing to show)
// when base is 0.
func newStat(v float64, base, below int) Stat {
	return Stat{v: v, below: below, set: base > 0, hidden: base > 0 && base < below}
}

// newPercent is newStat for part out of base, as a percentage.
func newPercent(part, base, below int) Stat {
	var v float64
	if base > 0 {
		v = 100 * float64(part) / float64(base)
	}
	s := newStat(v, base, below)
	s.percent = true
	return s
}

// rounded is the value to one decimal place, as shown (never "-0.0").
func (s Stat) rounded() float64 {
	r := math.Round(s.v*10) / 10
	if r == 0 {
		return 0
	}
	return r
}

// String returns the figure as shown: "5.3", "42.0%", "+0.5" for a change,
// "n<5" when too few people are behind it, "[c]" when it would give away a
// hidden count, or "-" when there is nobody behind it.
func (s Stat) String() string {
	switch {
	case !s.set:
		return "-"
	case s.comp:
		return complementaryMark
	case s.hidden:
		return "n<" + strconv.Itoa(s.below)
	case s.percent:
		return fmt.Sprintf("%.1f%%", s.rounded())
	case s.signed:
		return fmt.Sprintf("%+.1f", s.rounded())
	}
	return fmt.Sprintf("%.1f", s.rounded())
}

// hide hides a figure that would give away a hidden count (a percentage
// of a "<5" row times the shown number of pairs is that row).
func (s *Stat) hide() { s.hidden, s.comp = true, true }

// Hidden reports whether the figure is suppressed.
func (s Stat) Hidden() bool { return s.hidden }

// Value returns the figure and true, or 0 and false when it is hidden or
// there is nobody behind it.
func (s Stat) Value() (float64, bool) {
	if s.hidden || !s.set {
		return 0, false
	}
	return s.v, true
}

// MarshalJSON writes the figure as a number to one decimal place, the
// string "n<5" when hidden, or null when there is nobody behind it.
func (s Stat) MarshalJSON() ([]byte, error) {
	switch {
	case !s.set:
		return []byte("null"), nil
	case s.hidden:
		return mark(s.String()), nil
	}
	return strconv.AppendFloat(nil, s.rounded(), 'f', -1, 64), nil
}
