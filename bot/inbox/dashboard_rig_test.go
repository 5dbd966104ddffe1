package inbox_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/bot/inbox"
)

// eventLog is a bot.EventLog kept in a slice.
type eventLog struct {
	mu  sync.Mutex
	evs []bot.Event
}

func (l *eventLog) Record(_ context.Context, person string, evs ...bot.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range evs {
		ev.Person = person
		l.evs = append(l.evs, ev)
	}
	return nil
}

func (l *eventLog) Events(_ context.Context, from time.Time, fn func(bot.Event) error) error {
	l.mu.Lock()
	evs := append([]bot.Event(nil), l.evs...)
	l.mu.Unlock()
	for _, ev := range evs {
		if !ev.At.Before(from) {
			if err := fn(ev); err != nil {
				return err
			}
		}
	}
	return nil
}

var _ bot.EventLog = (*eventLog)(nil)

// london is where the dashboard's dates are.
var london = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return loc
}()

// sampleEvents are twelve referrals in May 2025, by SMS, of young people
// not in work, education or training: ten from st-marys and two (too few
// to show) from youth-club; three safeguarding hits; six claimed within
// the hour and six after three hours; eight check-ins answered.
func sampleEvents(t *testing.T) *eventLog {
	l := &eventLog{}
	base := time.Date(2025, 5, 5, 10, 0, 0, 0, time.UTC)
	for i := range 12 {
		person := fmt.Sprintf("p%02d", i)
		at := base.Add(time.Duration(i) * 50 * time.Hour)
		src, age := "st-marys", "14-15"
		if i >= 10 {
			src = "youth-club"
		}
		if i%3 == 0 {
			age = "16-17"
		}
		ref := fmt.Sprintf("r-%02d", i)
		start := bot.Event{ID: "s" + ref, At: at, Kind: bot.EventStart, Conv: at.UnixMilli(), Flow: "youth-self-referral", Channel: bot.ChannelSMS, Source: src}
		made := bot.Event{ID: "m" + ref, At: at.Add(10 * time.Minute), Kind: bot.EventReferral, Ref: ref, Conv: at.UnixMilli(),
			Flow: "youth-self-referral", Channel: bot.ChannelSMS, Source: src,
			Attrs: map[string]string{"age": age, "support": "work,money", "situation": "neet"}}
		wait := int64(1800)
		if i%2 == 1 {
			wait = 3 * 3600
		}
		claim := bot.Event{ID: "c" + ref, At: made.At.Add(time.Duration(wait) * time.Second), Kind: bot.EventClaim, Ref: ref, Seconds: wait}
		evs := []bot.Event{start, made, claim}
		if i < 8 {
			// Eight answered a check-in four weeks on: two points happier,
			// two less anxious, and in work.
			made.Attrs["life_satisfaction"], made.Attrs["anxious"] = "4", "7"
			check := at.Add(28 * 24 * time.Hour)
			evs = append(evs, bot.Event{ID: "f" + ref, At: check, Kind: bot.EventFollowUp, Ref: ref, Flow: "check-in", Value: bot.FollowUpSent, Conv: check.UnixMilli()})
			for name, v := range map[string]string{"life_satisfaction": "6", "anxious": "5", "situation": "work"} {
				evs = append(evs, bot.Event{ID: "a" + name + ref, At: check.Add(time.Minute), Kind: bot.EventAnswer, Ref: ref, Flow: "check-in", Conv: check.UnixMilli(), Name: name, Value: v})
			}
		}
		if err := l.Record(t.Context(), person, evs...); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		at := base.Add(time.Duration(i) * 24 * time.Hour)
		if err := l.Record(t.Context(), fmt.Sprintf("q%d", i), bot.Event{ID: fmt.Sprintf("risk%d", i), At: at, Kind: bot.EventRisk, Value: "self_harm"}); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// asked is one call of Options.Report.
type asked struct{ from, to time.Time }

// dashboardRig is a rig whose inbox has a dashboard over log; every call
// of Report is sent on the returned channel.
func dashboardRig(t *testing.T, log bot.EventLog) (*rig, chan asked) {
	calls := make(chan asked, 20)
	r := newRig(t, func(o *inbox.Options) {
		o.Report = func(ctx context.Context, from, to time.Time) (*impact.Report, error) {
			calls <- asked{from, to}
			return impact.Build(ctx, log, impact.Options{From: from, To: to, Now: func() time.Time { return to }})
		}
	})
	return r, calls
}

// section is the HTML of the page's section with id.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `<section id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %s", id)
	}
	end := strings.Index(body[i:], "</section>")
	return body[i : i+end]
}
