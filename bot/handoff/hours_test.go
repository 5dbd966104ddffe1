package handoff_test

import (
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/handoff"
)

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

// uk is a wall-clock time in London.
func uk(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, london) }

func defaultHours(t *testing.T) handoff.OfficeHours {
	t.Helper()
	o, err := handoff.ParseOfficeHours(handoff.DefaultOfficeHours)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestParseOfficeHours(t *testing.T) {
	for _, tc := range []struct {
		in   string
		days string // open days, Sunday first
		ok   bool
	}{
		{"Mon-Fri 09:00-17:00 Europe/London", "-MTWTF-", true},
		{"Mon,Wed,Fri 10:00-16:30", "-M-W-F-", true},
		{"fri-mon 8:00-20:00 UTC", "SM---FS", true},
		{"Sat 00:00-24:00", "------S", true},
		{"always", "", true},
		{"Mon-Fri", "", false},
		{"Mon-Foo 09:00-17:00", "", false},
		{"Mon-Fri 17:00-09:00", "", false},
		{"Mon-Fri 09:00-25:00", "", false},
		{"Mon-Fri 0900-1700", "", false},
		{"Mon-Fri 09:00-17:00 Mars/Olympus", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			o, err := handoff.ParseOfficeHours(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok %v", err, tc.ok)
			}
			if !tc.ok || tc.days == "" {
				return
			}
			got := []byte("-------")
			for d, open := range o.Days {
				if open {
					got[d] = "SMTWTFS"[d]
				}
			}
			if string(got) != tc.days {
				t.Errorf("days %s, want %s", got, tc.days)
			}
		})
	}
}

func TestOfficeHoursOpenAndNextOpen(t *testing.T) {
	o := defaultHours(t)
	for _, tc := range []struct {
		name string
		at   time.Time
		open bool
		next time.Time
	}{
		{"monday before opening", uk(2025, 6, 2, 8, 59), false, uk(2025, 6, 2, 9, 0)},
		{"monday at opening", uk(2025, 6, 2, 9, 0), true, uk(2025, 6, 2, 9, 0)},
		{"monday before closing", uk(2025, 6, 2, 16, 59), true, uk(2025, 6, 2, 16, 59)},
		{"monday at closing", uk(2025, 6, 2, 17, 0), false, uk(2025, 6, 3, 9, 0)},
		{"friday evening", uk(2025, 6, 6, 17, 30), false, uk(2025, 6, 9, 9, 0)},
		{"saturday", uk(2025, 6, 7, 12, 0), false, uk(2025, 6, 9, 9, 0)},
		{"the saturday before the clocks go back", uk(2025, 10, 25, 12, 0), false, uk(2025, 10, 27, 9, 0)},
		{"the first monday of summer time", uk(2025, 3, 31, 9, 30), true, uk(2025, 3, 31, 9, 30)},
		{"in UTC, an hour before 09:00 BST", time.Date(2025, 7, 1, 7, 0, 0, 0, time.UTC), false, uk(2025, 7, 1, 9, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := o.Open(tc.at); got != tc.open {
				t.Errorf("Open = %v", got)
			}
			if got := o.NextOpen(tc.at); !got.Equal(tc.next) {
				t.Errorf("NextOpen = %v, want %v", got, tc.next)
			}
		})
	}
}

func TestOfficeHoursAdd(t *testing.T) {
	o := defaultHours(t)
	sundays, err := handoff.ParseOfficeHours("Sun 09:00-17:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		hours handoff.OfficeHours
		from  time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within a day", o, uk(2025, 6, 2, 10, 0), 2 * time.Hour, uk(2025, 6, 2, 12, 0)},
		{"over the evening", o, uk(2025, 6, 2, 16, 0), 2 * time.Hour, uk(2025, 6, 3, 10, 0)},
		{"over the weekend", o, uk(2025, 6, 6, 16, 0), 2 * time.Hour, uk(2025, 6, 9, 10, 0)},
		{"from a saturday", o, uk(2025, 6, 7, 12, 0), 2 * time.Hour, uk(2025, 6, 9, 11, 0)},
		{"from before opening", o, uk(2025, 6, 2, 7, 0), 2 * time.Hour, uk(2025, 6, 2, 11, 0)},
		{"from closing time", o, uk(2025, 6, 2, 17, 0), 15 * time.Minute, uk(2025, 6, 3, 9, 15)},
		{"nothing, when closed", o, uk(2025, 6, 7, 12, 0), 0, uk(2025, 6, 9, 9, 0)},
		{"a working week", o, uk(2025, 6, 2, 9, 0), 40 * time.Hour, uk(2025, 6, 6, 17, 0)},
		{"into summer time", o, uk(2025, 3, 28, 16, 30), 2 * time.Hour, uk(2025, 3, 31, 10, 30)},
		{"out of summer time", o, uk(2025, 10, 24, 16, 0), 2 * time.Hour, uk(2025, 10, 27, 10, 0)},
		{"on the day the clocks go forward", sundays, uk(2025, 3, 29, 12, 0), time.Hour, uk(2025, 3, 30, 10, 0)},
		{"on the day the clocks go back", sundays, uk(2025, 10, 25, 12, 0), 8 * time.Hour, uk(2025, 10, 26, 17, 0)},
		{"always open", handoff.OfficeHours{}, uk(2025, 6, 7, 23, 0), 2 * time.Hour, uk(2025, 6, 8, 1, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.hours.Add(tc.from, tc.d); !got.Equal(tc.want) {
				t.Errorf("Add(%v, %v) = %v, want %v", tc.from, tc.d, got.In(london), tc.want)
			}
		})
	}
}

func TestOfficeHoursReopens(t *testing.T) {
	o := defaultHours(t)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{uk(2025, 6, 2, 7, 0), "today at 9:00"},
		{uk(2025, 6, 3, 18, 0), "at 9:00 tomorrow"},
		{uk(2025, 6, 6, 17, 30), "at 9:00 on Monday"},
		{uk(2025, 6, 3, 11, 0), "today at 11:00"}, // open now
	} {
		if got := o.Reopens(tc.at); got != tc.want {
			t.Errorf("Reopens(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
}
