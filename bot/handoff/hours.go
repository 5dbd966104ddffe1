package handoff

import (
	"fmt"
	"strings"
	"time"
)

// OfficeHours are when link workers are at work, in their time zone: the
// days of the week, and one opening time and closing time for each of
// them (wall-clock times, so they stay right across daylight-saving
// changes). Bank holidays are not known.
//
// The zero value is "always open": Open is always true and Add is plain
// time.Time.Add.
type OfficeHours struct {
	Days   [7]bool        // indexed by time.Weekday: Days[time.Monday]…
	Opens  time.Duration  // wall-clock opening time, since midnight (9 h for 09:00)
	Closes time.Duration  // wall-clock closing time, since midnight; at most 24 h
	Loc    *time.Location // nil: UTC
}

// DefaultOfficeHours is "Mon-Fri 09:00-17:00 Europe/London".
const DefaultOfficeHours = "Mon-Fri 09:00-17:00 Europe/London"

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// ParseOfficeHours reads office hours written as days, times and an
// optional IANA time zone (default Europe/London): "Mon-Fri 09:00-17:00
// Europe/London", "Mon,Wed,Fri 10:00-16:30", "Sat-Sun 10:00-14:00 UTC",
// "Fri-Mon …" (a range may wrap past Sunday). "always" is the zero value.
func ParseOfficeHours(s string) (OfficeHours, error) {
	f := strings.Fields(s)
	if len(f) == 1 && strings.EqualFold(f[0], "always") {
		return OfficeHours{}, nil
	}
	if len(f) < 2 || len(f) > 3 {
		return OfficeHours{}, fmt.Errorf("office hours %q: want days, times and a time zone, like %q", s, DefaultOfficeHours)
	}
	var o OfficeHours
	for part := range strings.SplitSeq(f[0], ",") {
		from, to, isRange := strings.Cut(strings.ToLower(part), "-")
		a, ok1 := weekdays[from]
		b, ok2 := weekdays[to]
		if !isRange {
			b, ok2 = a, ok1
		}
		if !ok1 || !ok2 {
			return OfficeHours{}, fmt.Errorf("office hours %q: %q is not a day or a range of days like Mon-Fri", s, part)
		}
		for d := a; ; d = (d + 1) % 7 {
			o.Days[d] = true
			if d == b {
				break
			}
		}
	}
	open, close, _ := strings.Cut(f[1], "-")
	var err error
	if o.Opens, err = clockTime(open); err == nil {
		o.Closes, err = clockTime(close)
	}
	if err != nil {
		return OfficeHours{}, fmt.Errorf("office hours %q: %w", s, err)
	}
	if o.Opens >= o.Closes {
		return OfficeHours{}, fmt.Errorf("office hours %q: opening time must be before closing time", s)
	}
	zone := "Europe/London"
	if len(f) == 3 {
		zone = f[2]
	}
	if o.Loc, err = time.LoadLocation(zone); err != nil {
		return OfficeHours{}, fmt.Errorf("office hours %q: unknown time zone %q", s, zone)
	}
	return o, nil
}

// clockTime reads "09:00" or "9:00" (up to "24:00") as a time since midnight.
func clockTime(s string) (time.Duration, error) {
	var h, m int
	hh, mm, ok := strings.Cut(s, ":")
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); !ok || err != nil || n != 2 || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 ||
		h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("%q is not a time like 09:00", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// always reports whether o is the zero value (or has no open day).
func (o OfficeHours) always() bool { return o.Days == [7]bool{} || o.Opens >= o.Closes }

func (o OfficeHours) loc() *time.Location {
	if o.Loc == nil {
		return time.UTC
	}
	return o.Loc
}

// day returns the opening and closing instants of the day containing t
// (in o's zone), and whether that day is a working day.
func (o OfficeHours) day(t time.Time) (open, close time.Time, working bool) {
	t = t.In(o.loc())
	at := func(d time.Duration) time.Time {
		// Wall-clock time: 09:00 is 09:00 on the days the clocks change.
		return time.Date(t.Year(), t.Month(), t.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, o.loc())
	}
	return at(o.Opens), at(o.Closes), o.Days[t.Weekday()]
}

// Open reports whether t is within office hours.
func (o OfficeHours) Open(t time.Time) bool {
	if o.always() {
		return true
	}
	open, close, working := o.day(t)
	return working && !t.Before(open) && t.Before(close)
}

// NextOpen returns t when office hours are open at t, else when they
// next open.
func (o OfficeHours) NextOpen(t time.Time) time.Time {
	if o.Open(t) {
		return t
	}
	local := t.In(o.loc())
	for i := range 8 {
		// Noon avoids the hours a clock change skips or repeats.
		d := time.Date(local.Year(), local.Month(), local.Day()+i, 12, 0, 0, 0, o.loc())
		if open, _, working := o.day(d); working && open.After(t) {
			return open
		}
	}
	return t // not reached: some day is open
}

// Add returns the time d of working time after t: time outside office
// hours does not count. Add(Friday 16:00, 2h) is Monday 10:00 with the
// default hours.
func (o OfficeHours) Add(t time.Time, d time.Duration) time.Time {
	if o.always() {
		return t.Add(d)
	}
	// Each pass uses up one working day; the bound only stops a
	// nonsense duration (centuries) from spinning.
	for range 100000 {
		t = o.NextOpen(t)
		_, close, _ := o.day(t)
		left := close.Sub(t)
		if d < left {
			return t.Add(d)
		}
		d -= left
		t = close
		if d == 0 {
			return t
		}
	}
	return t.Add(d)
}

// Reopens says, for a young person, when the link team is next at work
// after t: "at 9:00 tomorrow", "at 9:00 on Monday", or "today at 9:00".
func (o OfficeHours) Reopens(t time.Time) string {
	next := o.NextOpen(t).In(o.loc())
	local := t.In(o.loc())
	clock := strings.TrimPrefix(next.Format("15:04"), "0")
	y1, m1, d1 := local.Date()
	y2, m2, d2 := next.Date()
	days := time.Date(y2, m2, d2, 12, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 12, 0, 0, 0, time.UTC)) / (24 * time.Hour)
	switch days {
	case 0:
		return "today at " + clock
	case 1:
		return "at " + clock + " tomorrow"
	}
	return "at " + clock + " on " + next.Weekday().String()
}
