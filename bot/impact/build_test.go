package impact_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/impact"
)

// sample is six referrals and four other conversations in the period,
// with one of everything that can follow a referral, plus events outside
// the period and repeats that must not count.
func sample() []bot.Event {
	var s script
	s.referral(referral{person: "p1", ref: "r1", channel: bot.ChannelSMS, source: "st-marys", at: day(0, 0),
		attrs: attrs("age", "14-15", "support", "work,money", "situation", "neet",
			"life_satisfaction", "4", "worthwhile", "5", "happy", "4", "anxious", "7"),
		claimAfter: 30 * time.Minute, outcomes: []string{"employment_training"}, followUps: []string{bot.FollowUpSent},
		checkin: []string{"life_satisfaction", "6", "worthwhile", "6", "happy", "5", "anxious", "5",
			"situation", "work", "got_help", "work,money"}, checkinEnd: true})
	s.referral(referral{person: "p2", ref: "r2", channel: bot.ChannelTelegram, at: day(2, 0),
		attrs: attrs("age", "16-17", "support", "wellbeing", "situation", "school",
			"life_satisfaction", "6", "worthwhile", "6", "happy", "6", "anxious", "4"),
		claimAfter: 2 * time.Hour, outcomes: []string{"connected_activity", "money_advice"},
		followUps: []string{bot.FollowUpBusy, bot.FollowUpSent},
		checkin: []string{"life_satisfaction", "7", "worthwhile", "skipped", "happy", "7", "anxious", "3",
			"life_satisfaction", "8", "situation", "school", "got_help", "neither"}, checkinEnd: true})
	s.referral(referral{person: "p3", ref: "r3", channel: bot.ChannelWeb, source: "st-marys", at: day(7, 0),
		attrs:      attrs("age", "18-21", "support", "money", "situation", "neet", "life_satisfaction", "skipped"),
		claimAfter: 30 * time.Hour, followUps: []string{bot.FollowUpOptedOut}})
	s.referral(referral{person: "p4", ref: "r4", channel: bot.ChannelSMS, source: "st-marys", at: day(9, 0),
		attrs:      attrs("age", "skipped", "support", "skipped", "situation", "college"),
		claimAfter: 72 * time.Hour, outcomes: []string{"declined"}, followUps: []string{bot.FollowUpSent}})
	s.referral(referral{person: "p5", ref: "r5", channel: bot.ChannelSMS, at: day(21, 0),
		attrs: attrs("age", "22-25", "support", "work", "situation", "neet",
			"life_satisfaction", "3", "worthwhile", "3", "happy", "3", "anxious", "8"),
		followUps: []string{bot.FollowUpSent}, checkin: []string{"life_satisfaction", "4", "situation", "neet"}})
	s.referral(referral{person: "p6", ref: "r6", channel: bot.ChannelTelegram, source: "youth-club", at: day(23, 0),
		attrs:      attrs("age", "11-13", "support", "lonely,wellbeing", "situation", "other"),
		claimAfter: 10 * time.Hour, outcomes: []string{"no_contact"}})

	s.conversation("p7", selfReferral, day(3, 0), "welcome", "age", "support")
	c8 := s.conversation("p8", selfReferral, day(4, 0), "welcome", "age", "support")
	s.add(bot.Event{At: day(5, 0), Kind: bot.EventDropOff, Person: "p8", Conv: c8, Flow: selfReferral, Step: "support"})
	c9 := s.conversation("p9", selfReferral, day(5, 0), "welcome")
	s.add(bot.Event{At: day(5, 2*time.Minute), Kind: bot.EventEnd, Person: "p9", Conv: c9, Flow: selfReferral, Step: "goodbye"})
	s.conversation("p10", "quick-chat", day(6, 0), "hello")

	s.add(bot.Event{At: day(0, time.Minute), Kind: bot.EventRisk, Person: "p1", Value: "self_harm"})
	s.add(bot.Event{At: day(3, time.Minute), Kind: bot.EventRisk, Person: "p7", Value: "self_harm"})
	s.add(bot.Event{At: day(5, time.Minute), Kind: bot.EventRisk, Person: "p9", Value: "suicide"})

	// Outside the period: a referral just before (claimed within it), one
	// just after, and a risk after.
	s.referral(referral{person: "p11", ref: "r0", channel: bot.ChannelSMS, at: day(-1, 0), claimAfter: 30 * time.Hour})
	s.referral(referral{person: "p12", ref: "r7", channel: bot.ChannelSMS, at: day(28, 0)})
	s.add(bot.Event{At: day(28, time.Minute), Kind: bot.EventRisk, Person: "p12", Value: "abuse"})

	// Repeats of events already kept: the same id twice.
	for _, ev := range slices.Clone(s.evs) {
		if ev.Person == "p1" && ev.Kind != bot.EventOutcome || ev.Person == "p2" && ev.Kind == bot.EventOutcome {
			s.evs = append(s.evs, ev)
		}
	}
	return s.evs
}

// table writes a table compactly: "key=count ... | total".
func table(t impact.Table) string {
	var b strings.Builder
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "%s=%s ", r.Key, r.Count)
	}
	return b.String() + "| " + t.Total.String()
}

func funnel(f impact.Funnel) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s started=%s:", f.Flow, f.Started)
	for _, s := range f.Steps {
		fmt.Fprintf(&b, " %s(%s)=%s/%s/%s", s.Step, s.Label, s.Reached, s.StoppedAt, s.DroppedOff)
	}
	return b.String()
}

func measures(ms []impact.Measure) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%s n=%s %s→%s (%s); ", m.Name, m.Pairs, m.Before, m.After, m.Change)
	}
	return b.String()
}

func TestBuildEveryFigure(t *testing.T) {
	r := build(t, sample(), 1)
	c, fu, sc := r.ClaimTimes, r.FollowUps, r.Situation
	for _, tc := range []struct{ name, got, want string }{
		{"conversations: started in the period, check-ins not included", r.Conversations.String(), "10"},
		{"referrals", r.Referrals.String(), "6"},
		{"safeguarding", r.Safeguarding.String(), "3"},
		{"by week, Monday to Monday, empty weeks shown", table(r.ByWeek),
			"2026-09-07=2 2026-09-14=2 2026-09-21=0 2026-09-28=2 | 6"},
		{"by source, largest first", table(r.BySource), "st-marys=3 direct=2 youth-club=1 | 6"},
		{"by age: the usual bands always, skipped as not given", table(r.ByAge),
			"11-13=1 14-15=1 16-17=1 18-21=1 22-25=1 not_given=1 | 6"},
		{"by help: once in each help picked", table(r.ByHelp),
			"money=2 wellbeing=2 work=2 lonely=1 not_given=1 | 6"},
		{"by situation", table(r.BySituation),
			"school=1 college=1 work=0 apprenticeship=0 training=0 neet=3 other=1 | 6"},
		{"by channel", table(r.ByChannel), "sms=3 telegram=2 web=1 | 6"},
		{"risks in the period", table(r.RisksByKind), "self_harm=2 suicide=1 | 3"},
		{"outcomes: the last recorded wins", table(r.Outcomes),
			"connected_activity=0 employment_training=1 money_advice=1 other_service=0 declined=1 no_contact=1 awaiting=2 | 6"},
		{"funnels, one per flow", fmt.Sprint(len(r.Funnels)), "2"},
		{"funnel ordered by reach", funnel(r.Funnels[0]), "quick-chat started=1: hello(hello)=1/1/0"},
		{"funnel in the flow's order", funnel(r.Funnels[1]),
			"youth-self-referral started=9: welcome(Is it OK to ask?)=9/0/0 age(How old)=8/0/0 support(Help with)=8/2/1 situation(Right now)=6/0/0 postcode(Postcode)=0/0/0"},
		{"claimed", c.Claimed.String() + " of " + c.Unclaimed.String() + " unclaimed", "5 of 1 unclaimed"},
		{"claim times: nearest rank of 0.5, 2, 10, 30, 72 hours", c.MedianHours.String() + " " + c.P90Hours.String(), "10.0 72.0"},
		{"claim bands", table(c.Bands), "under_1h=1 1_4h=1 4_24h=1 1_2d=1 over_2d=1 | 5"},
		{"follow-ups", fmt.Sprint(fu.Due, fu.Sent, fu.OptedOut, fu.Answered, fu.Completed), "5 4 1 3 2"},
		{"got help, once per id", table(fu.GotHelp), "money=1 work=1 neither=1 | 2"},
		{"wellbeing, the last answer in the check-in", measures(r.Wellbeing),
			"life_satisfaction n=3 4.3→6.0 (+1.7); worthwhile n=1 5.0→6.0 (+1.0); happy n=2 5.0→6.0 (+1.0); anxious n=2 5.5→4.0 (-1.5); "},
		{"situation pairs", sc.Pairs.String(), "3"},
		{"NEET before and after", sc.NEETBefore.String() + " " + sc.NEETAfter.String(), "66.7% 33.3%"},
		{"into EET", sc.IntoEETFrom.String(), "1"},
		{"situation before", table(sc.Before), "school=1 college=0 work=0 apprenticeship=0 training=0 neet=2 other=0 | 3"},
		{"situation after", table(sc.After), "school=1 college=0 work=1 apprenticeship=0 training=0 neet=1 other=0 | 3"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, tc.got, tc.want)
		}
	}
	if got := r.BySource.Rows[0].Label + " / " + r.BySource.Rows[1].Label; got != "St Mary's School / No school or link code" {
		t.Errorf("source labels = %q", got)
	}
	if got := r.ByHelp.Rows[2].Label; got != "Work, training or an apprenticeship" {
		t.Errorf("a help label from Options.Labels = %q", got)
	}
	if got := r.ByWeek.Rows[1].Label; got != "w/c 14 Sep" {
		t.Errorf("week label = %q", got)
	}
}

// The same events in any order, and in a real store, give the same
// report.
func TestBuildIgnoresOrder(t *testing.T) {
	want := jsonOf(t, build(t, sample(), 1))
	evs := sample()
	slices.Reverse(evs)
	if got := jsonOf(t, build(t, evs, 1)); got != want {
		t.Errorf("reversed events give another report:\n%s", diff(want, got))
	}
}

func TestBuildSuppressed(t *testing.T) {
	r := build(t, sample(), 5)
	c := r.ClaimTimes
	for _, tc := range []struct{ name, got, want string }{
		{"a count of 5 or more is shown", r.Conversations.String(), "10"},
		{"a count under 5 is hidden", r.Safeguarding.String(), "<5"},
		{"rows under 5 hidden, 0 shown; total under 5 so no complement", table(r.RisksByKind), "self_harm=<5 suicide=<5 | <5"},
		{"a total of 5 or more with three small rows: none can be worked out", table(r.ByWeek),
			"2026-09-07=<5 2026-09-14=<5 2026-09-21=0 2026-09-28=<5 | 6"},
		{"a stat from fewer than 5 people", r.Wellbeing[0].Before.String() + " " + r.Wellbeing[0].Change.String(), "n<5 n<5"},
		{"a stat from 5 people is shown", c.MedianHours.String(), "10.0"},
		{"a percentage of fewer than 5 pairs", r.Situation.NEETBefore.String(), "n<5"},
		{"a stat from nobody", impact.Measure{}.Before.String(), "-"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, tc.got, tc.want)
		}
	}
}

func TestBuildWeeksInTheReportsTimeZone(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	var s script
	// 23:30 UTC on Sunday 18 October is 00:30 BST on Monday 19 October;
	// 23:30 UTC on Sunday 25 October, after the clocks went back, is
	// still that Sunday in London.
	s.referral(referral{person: "a", ref: "ra", channel: bot.ChannelSMS, at: time.Date(2026, 10, 18, 23, 30, 0, 0, time.UTC)})
	s.referral(referral{person: "b", ref: "rb", channel: bot.ChannelSMS, at: time.Date(2026, 10, 25, 23, 30, 0, 0, time.UTC)})
	s.referral(referral{person: "c", ref: "rc", channel: bot.ChannelSMS, at: time.Date(2026, 10, 18, 22, 30, 0, 0, time.UTC)})
	from := time.Date(2026, 10, 14, 0, 0, 0, 0, london) // a Wednesday: its week is the first row
	r, err := impact.Build(context.Background(), eventSlice(s.evs), impact.Options{From: from,
		To: time.Date(2026, 11, 2, 0, 0, 0, 0, london), SuppressBelow: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := table(r.ByWeek), "2026-10-12=1 2026-10-19=2 2026-10-26=0 | 3"; got != want {
		t.Errorf("weeks:\n got %s\nwant %s", got, want)
	}
}

func TestBuildRejectsAnEmptyPeriod(t *testing.T) {
	_, err := impact.Build(context.Background(), eventSlice(nil), impact.Options{From: periodTo, To: periodTo})
	if !errors.Is(err, impact.ErrEmptyPeriod) {
		t.Errorf("err = %v, want ErrEmptyPeriod", err)
	}
}

// failingLog fails to read, as a store that is down does.
type failingLog struct{ eventSlice }

func (failingLog) Events(context.Context, time.Time, func(bot.Event) error) error {
	return errors.New("connection refused")
}

func TestBuildReportsAStoreFailure(t *testing.T) {
	_, err := impact.Build(context.Background(), failingLog{}, impact.Options{From: periodFrom, To: periodTo})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err = %v", err)
	}
}

// The outcome rows are the outcomes a link worker can record, in order.
func TestOutcomeRowsMatchHandoff(t *testing.T) {
	r := build(t, nil, 1)
	var keys []string
	for _, row := range r.Outcomes.Rows {
		keys = append(keys, row.Key)
	}
	if want := append(slices.Clone(handoff.Outcomes), "awaiting"); !slices.Equal(keys, want) {
		t.Errorf("outcome rows %v, want %v", keys, want)
	}
}

// A check-in is a conversation of its own flow: it has a funnel, but it is
// not a conversation a young person started.
func TestCheckInsAreNotCountedAsConversations(t *testing.T) {
	var s script
	s.conversation("p1", selfReferral, day(1, 0), "welcome")
	s.add(bot.Event{At: day(2, 0), Kind: bot.EventStart, Person: "p1", Conv: day(2, 0).UnixMilli(), Flow: "check-in", Ref: "r0"})
	s.add(bot.Event{At: day(2, time.Minute), Kind: bot.EventStep, Person: "p1", Conv: day(2, 0).UnixMilli(), Flow: "check-in", Step: "hello"})
	r := build(t, s.evs, 1)
	if r.Conversations.String() != "1" || len(r.Funnels) != 2 {
		t.Fatalf("conversations %s, %d funnels; want 1 and 2", r.Conversations, len(r.Funnels))
	}
	if got, want := funnel(r.Funnels[0]), "check-in started=1: hello(hello)=1/1/0"; got != want {
		t.Errorf("check-in funnel:\n got %s\nwant %s", got, want)
	}
}
