package impact_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/impact"
)

// eventSlice is an EventLog over a slice: the test's input, as a store
// would give it (every event at or after from, Person filled in).
type eventSlice []bot.Event

func (s eventSlice) Record(context.Context, string, ...bot.Event) error {
	return errors.New("eventSlice is read-only")
}

func (s eventSlice) Events(_ context.Context, from time.Time, fn func(bot.Event) error) error {
	for _, ev := range s {
		if !ev.At.Before(from) {
			if err := fn(ev); err != nil {
				return err
			}
		}
	}
	return nil
}

// The sample period: four weeks of September 2026, Monday to Monday.
var (
	periodFrom = time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC)
	periodTo   = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	reportNow  = time.Date(2026, 12, 14, 10, 0, 0, 0, time.UTC)
)

// day returns 10:00 on the day n days after the period starts, plus extra.
func day(n int, extra time.Duration) time.Time {
	return periodFrom.AddDate(0, 0, n).Add(10*time.Hour + extra)
}

// script writes events: conversations, referrals and what follows them.
type script struct {
	evs []bot.Event
	n   int
}

func (s *script) add(ev bot.Event) bot.Event {
	s.n++
	if ev.ID == "" {
		ev.ID = fmt.Sprintf("e%04d", s.n)
	}
	s.evs = append(s.evs, ev)
	return ev
}

// conversation starts a conversation of person in flow at at and reaches
// steps, a minute apart; it returns the conversation id.
func (s *script) conversation(person, flow string, at time.Time, steps ...string) int64 {
	c := at.UnixMilli()
	s.add(bot.Event{At: at, Kind: bot.EventStart, Person: person, Conv: c, Flow: flow, Channel: bot.ChannelSMS})
	for i, st := range steps {
		s.add(bot.Event{At: at.Add(time.Duration(i+1) * time.Minute), Kind: bot.EventStep, Person: person, Conv: c, Flow: flow, Step: st})
	}
	return c
}

// referral is one referral to script: its conversation and what followed.
type referral struct {
	person, ref, channel, source string
	at                           time.Time
	attrs                        map[string]string
	claimAfter                   time.Duration // 0: never claimed
	outcomes                     []string      // recorded in this order
	followUps                    []string      // follow-up results in this order; "sent" starts the check-in
	checkin                      []string      // the check-in's answers: name, value, name, value…
	checkinEnd                   bool
}

const selfReferral = "youth-self-referral"

// referral writes r: a conversation through the flow ending in the
// referral, then its claim, outcomes, follow-ups and check-in.
func (s *script) referral(r referral) {
	c := s.conversation(r.person, selfReferral, r.at, "welcome", "age", "support", "situation")
	at := r.at.Add(5 * time.Minute)
	s.add(bot.Event{At: at, Kind: bot.EventReferral, Person: r.person, Conv: c, Flow: selfReferral, Ref: r.ref,
		Channel: r.channel, Source: r.source, Attrs: r.attrs})
	if r.claimAfter > 0 {
		s.add(bot.Event{At: at.Add(r.claimAfter), Kind: bot.EventClaim, Person: r.person, Ref: r.ref, Seconds: int64(r.claimAfter / time.Second)})
	}
	for i, o := range r.outcomes {
		s.add(bot.Event{At: at.Add(time.Duration(i+1) * 72 * time.Hour), Kind: bot.EventOutcome, Person: r.person, Ref: r.ref, Value: o})
	}
	due := at.Add(8 * 7 * 24 * time.Hour)
	for i, f := range r.followUps {
		t := due.Add(time.Duration(i) * 24 * time.Hour)
		ev := bot.Event{At: t, Kind: bot.EventFollowUp, Person: r.person, Ref: r.ref, Flow: "check-in", Value: f}
		if f != bot.FollowUpSent {
			s.add(ev)
			continue
		}
		ev.Conv = t.UnixMilli()
		s.add(ev)
		s.add(bot.Event{At: t, Kind: bot.EventStart, Person: r.person, Conv: ev.Conv, Flow: "check-in", Ref: r.ref})
		for j := 0; j+1 < len(r.checkin); j += 2 {
			s.add(bot.Event{At: t.Add(time.Duration(j+1) * time.Minute), Kind: bot.EventAnswer, Person: r.person, Conv: ev.Conv,
				Flow: "check-in", Step: r.checkin[j], Name: r.checkin[j], Value: r.checkin[j+1], Ref: r.ref})
		}
		if r.checkinEnd {
			s.add(bot.Event{At: t.Add(time.Hour), Kind: bot.EventEnd, Person: r.person, Conv: ev.Conv, Flow: "check-in", Step: "thanks", Ref: r.ref})
		}
	}
}

// wellbeing returns referral attributes.
func attrs(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// steps is the youth self-referral flow's questions for Options.Steps.
func steps(flow string) []impact.StepInfo {
	if flow != selfReferral {
		return nil
	}
	return []impact.StepInfo{{ID: "welcome", Label: "Is it OK to ask?"}, {ID: "age", Label: "How old"},
		{ID: "support", Label: "Help with"}, {ID: "situation", Label: "Right now"}, {ID: "postcode", Label: "Postcode"}}
}

// labels gives words for a few option ids, as the flows would.
func labels(name, key string) string {
	switch name + "/" + key {
	case "support/work":
		return "Work, training or an apprenticeship"
	case "support/money":
		return "Money worries"
	case "source/st-marys":
		return "St Mary's School"
	}
	return ""
}

// build builds a report over evs for the sample period.
func build(t *testing.T, evs []bot.Event, below int) *impact.Report {
	t.Helper()
	r, err := buildAt(eventSlice(evs), below)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// buildAt builds the sample period's report from log.
func buildAt(log bot.EventLog, below int) (*impact.Report, error) {
	return impact.Build(context.Background(), log, impact.Options{From: periodFrom, To: periodTo,
		SuppressBelow: below, Now: func() time.Time { return reportNow }, Labels: labels, Steps: steps})
}
