package bot

import (
	"context"
	"strings"
	"time"
)

// followUpRetry is how long a check-in waits when it falls due in the
// middle of another conversation.
const followUpRetry = 24 * time.Hour

// scheduleFollowUp sets the check-in timer when a referral is made in a
// flow with a `follow_up:` whose condition holds.
func (ts *turnState) scheduleFollowUp() {
	fu := ts.f.FollowUp
	if fu == nil {
		return
	}
	ok, err := fu.Due(ts.fullEnv())
	if err != nil {
		// A condition that fails at run time: no check-in, and the flow's
		// author hears about it in the log; the referral is unaffected.
		ts.e.log.Error("follow_up condition", "flow", ts.s.Flow, "version", ts.s.Version, "error", err)
		return
	}
	if ok {
		ts.s.FollowAt = daytime(ts.e.o.Now().Add(fu.After), ts.e.o.Location).UnixMilli()
		ts.s.FollowUp = fu.Flow + "|" + ts.s.Referral
	}
}

// followUp starts the check-in flow on the person's own channel, weeks after
// their referral: never to a person who opted out (the check-in is
// dropped), and not in the middle of another conversation (it waits a day).
func (ts *turnState) followUp(ctx context.Context) {
	e, s, now := ts.e, ts.s, ts.e.o.Now()
	flow, ref, _ := strings.Cut(s.FollowUp, "|")
	ev := ts.event(EventFollowUp)
	ev.Ref = ref
	switch {
	case ts.t.OptedOut:
		s.FollowAt, s.FollowUp = 0, ""
		ev.Value = FollowUpOptedOut
		e.o.Metrics.turn("followup_opted_out")
		return
	case s.Status == StatusActive:
		s.FollowAt = now.Add(followUpRetry).UnixMilli()
		ev.Value = FollowUpBusy
		e.o.Metrics.turn("followup_busy")
		return
	}
	s.FollowAt, s.FollowUp = 0, ""
	f := e.CurrentFlows().Latest(flow)
	if f == nil {
		ev.Value = FollowUpMissing
		e.log.Error("follow-up flow missing", "flow", flow)
		e.o.Metrics.turn("followup_missing")
		return
	}
	ev.Value, ev.Flow, ev.Version = FollowUpSent, f.ID, f.Version
	// A fresh conversation in the check-in flow that remembers which
	// referral it follows (its answers are recorded against it); at its
	// end the person is back in quiet mode with their link worker.
	n := &Session{Channel: s.Channel, Address: s.Address, Flow: f.ID, Version: f.Version, Step: f.Start,
		Status: StatusActive, Source: s.Source, Referral: ref, Worker: s.Worker, Turn: s.Turn,
		Risks: s.Risks, Started: now, Updated: now}
	n.Language = pickLanguage(f, s.Language)
	ev.Conv = n.Started.UnixMilli()
	ts.s, ts.f, ts.lang = n, f, n.Language
	st := ts.event(EventStart)
	st.Channel, st.Source, st.Ref = n.Channel, n.Source, n.Referral
	ts.enter(ctx, f.Step(f.Start), 0)
	ts.schedule()
	e.o.Metrics.turn("followup_sent")
}

// daytime moves t into 10:00–19:00 local time, so a check-in never wakes
// anyone at night: an evening time moves to 10:00 the next day.
func daytime(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.Local
	}
	l := t.In(loc)
	y, m, d := l.Date()
	switch {
	case l.Hour() < 10:
		return time.Date(y, m, d, 10, 0, 0, 0, loc)
	case l.Hour() >= 19:
		return time.Date(y, m, d+1, 10, 0, 0, 0, loc)
	}
	return t
}
