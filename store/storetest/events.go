package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
)

// events reads every event since from, sorted by id.
func events(t *testing.T, st Store, from time.Time) []bot.Event {
	t.Helper()
	var out []bot.Event
	if err := st.Events(ctx, from, func(ev bot.Event) error { out = append(out, ev); return nil }); err != nil {
		t.Fatalf("Events: %v", err)
	}
	slices.SortFunc(out, func(a, b bot.Event) int { return a.At.Compare(b.At) })
	return out
}

func event(kind string, at time.Time) bot.Event {
	ev := bot.NewEvent(kind, at.Truncate(time.Millisecond))
	ev.Flow, ev.Step = "f", "age"
	return ev
}

// A pending check-in keeps the session past the session TTL, until a day
// after the check-in falls due.
func sessionKeptForCheckIn(t *testing.T, open Open) {
	st := open(t, Options{SessionTTL: 300 * time.Millisecond})
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Session = sess("+1", "a")
	tr.Session.FollowAt = time.Now().Add(time.Hour).UnixMilli()
	commit(t, st, tr)
	time.Sleep(600 * time.Millisecond)
	if s, _ := st.Session(ctx, "sms:+1"); s == nil || s.FollowAt == 0 {
		t.Fatalf("a session with a pending check-in expired: %+v", s)
	}
}

// A turn's events are kept with it, readable by time under the person's
// pseudonymous id (never their address); events made outside a turn
// (claims, outcomes) join them.
func eventsKept(t *testing.T, open Open) {
	st := open(t, Options{Salt: "0123456789abcdef"})
	now := time.Now()
	old := event(bot.EventStart, now.Add(-72*time.Hour))
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Session = sess("+1", "a")
	tr.Events = []bot.Event{old, event(bot.EventStep, now)}
	commit(t, st, tr)
	tr = begin(t, st, msg("+2", "1", "hi"))
	tr.Session = sess("+2", "a")
	tr.Events = []bot.Event{event(bot.EventStart, now)}
	commit(t, st, tr)

	all := events(t, st, now.Add(-96*time.Hour))
	if len(all) != 3 {
		t.Fatalf("got %d events, want 3: %+v", len(all), all)
	}
	if all[0].ID != old.ID || !all[0].At.Equal(old.At) || all[0].Flow != "f" || all[0].Step != "age" {
		t.Fatalf("first event %+v, want %+v", all[0], old)
	}
	p1 := all[0].Person // the old start event is +1's
	var p2 string
	for _, ev := range all[1:] {
		if ev.Kind == bot.EventStart {
			p2 = ev.Person
		} else if ev.Person != p1 {
			t.Fatalf("+1's step event has person %q, want %q", ev.Person, p1)
		}
	}
	if p1 == "" || p2 == "" || p1 == p2 {
		t.Fatalf("pseudonymous ids wrong: +1 %q, +2 %q", p1, p2)
	}
	for _, ev := range all {
		if ev.Person == "+1" || ev.Person == "+2" || ev.Person == "sms:+1" {
			t.Fatalf("an address as the person id: %+v", ev)
		}
	}
	if recent := events(t, st, now.Add(-time.Hour)); len(recent) != 2 {
		t.Fatalf("events since an hour ago = %d, want 2", len(recent))
	}

	claim := event(bot.EventClaim, now)
	claim.Ref, claim.Seconds = "r-"+p1+"-1", 60
	if err := st.Record(ctx, p1, claim); err != nil {
		t.Fatal(err)
	}
	all = events(t, st, now.Add(-96*time.Hour))
	if len(all) != 4 || !slices.ContainsFunc(all, func(ev bot.Event) bool {
		return ev.ID == claim.ID && ev.Person == p1 && ev.Seconds == 60
	}) {
		t.Fatalf("recorded claim missing: %+v", all)
	}

	// The conversation expiring (Forget) keeps its events: they are
	// anonymous and have their own retention.
	tr = begin(t, st, msg("+2", "2", "timer"))
	tr.Forget = true
	tr.Events = []bot.Event{event(bot.EventDropOff, now)}
	commit(t, st, tr)
	if n := len(events(t, st, now.Add(-96*time.Hour))); n != 5 {
		t.Fatalf("after an expiry: %d events, want 5", n)
	}
}

// DELETE removes the person's events (their turn's own events too), and
// nobody else's.
func eraseRemovesEvents(t *testing.T, open Open) {
	st := open(t, Options{Salt: "0123456789abcdef"})
	now := time.Now()
	for _, addr := range []string{"+1", "+2"} {
		tr := begin(t, st, msg(addr, "1", "hi"))
		tr.Session = sess(addr, "a")
		tr.Events = []bot.Event{event(bot.EventStart, now.Add(-48*time.Hour)), event(bot.EventReferral, now)}
		commit(t, st, tr)
	}
	all := events(t, st, now.Add(-72*time.Hour))
	if len(all) != 4 {
		t.Fatalf("got %d events, want 4", len(all))
	}
	tr := begin(t, st, msg("+1", "2", "DELETE"))
	tr.Erase = true
	tr.Events = []bot.Event{event(bot.EventStep, now)}
	commit(t, st, tr)
	left := events(t, st, now.Add(-72*time.Hour))
	if len(left) != 2 || left[0].Person != left[1].Person {
		t.Fatalf("after DELETE of one person: %+v", left)
	}
	for _, ev := range all {
		if ev.Kind == bot.EventStart && ev.Person == left[0].Person {
			return
		}
	}
	t.Fatalf("DELETE removed the wrong person's events: %+v", left)
}
