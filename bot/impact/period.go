package impact

import (
	"errors"
	"fmt"
	"time"
)

// ErrBadPeriod is wrapped by Period's errors; their messages are safe to
// show to the person who asked.
var ErrBadPeriod = errors.New("bad period")

// defaultWeeks is the period when none is asked for: the last 12 full
// weeks, about a quarter.
const defaultWeeks = 12

// maxPeriodYears bounds a period: longer than events are kept anyway, and a
// guard against reading the whole log by mistake.
const maxPeriodYears = 3

// Period returns Options for the days from and to ("2006-01-02", both
// included, in loc): From is 00:00 on from, To 00:00 the day after to, and
// Now returns now. With neither, the period is the last 12 full weeks
// (Monday to Sunday) before this week; with only from, it ends today; with
// only to, it is the 12 weeks ending on to.
func Period(from, to string, loc *time.Location, now time.Time) (Options, error) {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	o := Options{Now: func() time.Time { return now }}
	var err error
	switch {
	case from == "" && to == "":
		o.To = monday(now, loc)
		o.From = o.To.AddDate(0, 0, -7*defaultWeeks)
		return o, nil
	case to == "":
		y, m, d := now.Date()
		o.To = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	default:
		if o.To, err = day("to", to, loc); err != nil {
			return o, err
		}
		o.To = o.To.AddDate(0, 0, 1)
	}
	if from == "" {
		o.From = o.To.AddDate(0, 0, -7*defaultWeeks)
	} else if o.From, err = day("from", from, loc); err != nil {
		return o, err
	}
	switch {
	case !o.From.Before(o.To):
		return o, fmt.Errorf("%w: from (%s) is after to (%s)", ErrBadPeriod, o.From.Format(time.DateOnly),
			o.To.AddDate(0, 0, -1).Format(time.DateOnly))
	case o.From.AddDate(maxPeriodYears, 0, 0).Before(o.To):
		return o, fmt.Errorf("%w: the period is longer than %d years; ask for a shorter one", ErrBadPeriod, maxPeriodYears)
	}
	return o, nil
}

// day reads a date in loc. The message does not repeat what was sent.
func day(name, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return t, fmt.Errorf("%w: %s must be a date like 2026-09-01", ErrBadPeriod, name)
	}
	return t, nil
}
