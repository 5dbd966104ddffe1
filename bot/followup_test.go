package bot_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/store/memory"
)

const referFlow = `flow: refer
version: 1
start: age
report: [age, support, happy, situation, follow_up]
follow_up: {flow: checkin, after_weeks: 8, if: "follow_up"}
steps:
  age:
    ask: "How old are you?"
    answer: {type: number, min: 5, max: 99}
    save: age
    next: name
  name:
    ask: "Your name?"
    answer: text
    save: name
    next: support
  support:
    ask: "Help with?"
    answer:
      type: choices
      options:
        - {id: money, text: "Money"}
        - {id: work, text: "Work"}
        - {id: lonely, text: "Feeling lonely"}
    save: support
    next: happy
  happy:
    ask: "How happy did you feel yesterday, 0 to 10?"
    answer: {type: number, min: 0, max: 10, optional: true}
    save: happy
    next: situation
  situation:
    ask: "Right now?"
    answer:
      type: choice
      options:
        - {id: school, text: "School"}
        - {id: neet, text: "Not in work, school or training"}
    save: situation
    next: follow_up
  follow_up:
    ask: "Can we check in later?"
    answer: yes_no
    save: follow_up
    next: done
  done:
    say: "Thanks {{name}}."
    handoff: true
`

const checkinFlow = `flow: checkin
version: 1
start: hello
report: [happy, situation]
steps:
  hello:
    ask: "Hi, it's Signpost checking in. OK to ask 2 questions?"
    answer: yes_no
    next: {yes: happy, no: bye}
  happy:
    ask: "How happy did you feel yesterday, 0 to 10?"
    answer: {type: number, min: 0, max: 10, optional: true}
    save: happy
    next: situation
  situation:
    ask: "Right now?"
    answer:
      type: choice
      options:
        - {id: school, text: "School"}
        - {id: neet, text: "Not in work, school or training"}
    save: situation
    next: thanks
  thanks: {say: "Thank you for checking in.", end: true}
  bye: {say: "No problem.", end: true}
`

// clock is a test clock the engine and the store share.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
func newClock(at string) *clock      { t, _ := time.Parse(time.RFC3339, at); return &clock{now: t} }
func (c *clock) Set(at time.Time)    { c.mu.Lock(); c.now = at; c.mu.Unlock() }

type checkRig struct {
	t   *testing.T
	clk *clock
	st  *memory.Store
	eng *bot.Engine
}

func newCheckRig(t *testing.T) *checkRig {
	clk := newClock("2026-09-01T14:30:00Z")
	st := memory.New(memory.Options{Now: clk.Now, Salt: "salt"})
	eng := bot.New(bot.Options{Flows: parseFlows(t, referFlow, checkinFlow), Store: st, Screener: safeguard.Default(),
		StartFlow: "refer", StopConfirmation: true, Now: clk.Now, Salt: "salt", Location: time.UTC,
		SessionTTL: 7 * 24 * time.Hour, ReminderAfter: 24 * time.Hour})
	return &checkRig{t: t, clk: clk, st: st, eng: eng}
}

func (r *checkRig) send(addr, text string) string {
	r.t.Helper()
	outs, err := r.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS, Address: addr, Text: text, At: r.clk.Now()})
	if err != nil {
		r.t.Fatalf("Handle(%q): %v", text, err)
	}
	var parts []string
	for _, o := range outs {
		parts = append(parts, o.Plain())
	}
	return strings.Join(parts, "\n")
}

// fire fires every timer due now and returns the replies they made.
func (r *checkRig) fire() string {
	r.t.Helper()
	due, err := r.st.ClaimDue(context.Background(), r.clk.Now(), 100)
	if err != nil {
		r.t.Fatal(err)
	}
	var parts []string
	for _, in := range due {
		outs, err := r.eng.Handle(context.Background(), in)
		if err != nil {
			r.t.Fatal(err)
		}
		for _, o := range outs {
			parts = append(parts, o.Plain())
		}
	}
	return strings.Join(parts, "\n")
}

func (r *checkRig) events() []bot.Event {
	r.t.Helper()
	var out []bot.Event
	err := r.st.Events(context.Background(), time.Time{}, func(ev bot.Event) error { out = append(out, ev); return nil })
	if err != nil {
		r.t.Fatal(err)
	}
	slices.SortStableFunc(out, func(a, b bot.Event) int { return a.At.Compare(b.At) })
	return out
}

func (r *checkRig) refer(addr string, answers ...string) {
	r.t.Helper()
	r.send(addr, "hi")
	for _, a := range answers {
		r.send(addr, a)
	}
}

func kinds(evs []bot.Event, kind string) []bot.Event {
	var out []bot.Event
	for _, ev := range evs {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// A referral's events hold coded answers only: an age band, option ids,
// numbers; never the name typed in.
func TestReferralEventsAreCodedAndAnonymous(t *testing.T) {
	r := newCheckRig(t)
	r.refer("+447700900001", "15", "Samira Okafor", "money, work", "skip", "2", "yes")
	evs := r.events()
	refs := kinds(evs, bot.EventReferral)
	if len(refs) != 1 {
		t.Fatalf("referral events = %d, want 1: %+v", len(refs), evs)
	}
	want := map[string]string{"age": "14-15", "support": "money,work", "happy": "skipped", "situation": "neet", "follow_up": "yes"}
	if got := refs[0].Attrs; !mapsEqual(got, want) {
		t.Fatalf("referral attrs = %v, want %v", got, want)
	}
	if refs[0].Ref == "" || refs[0].Channel != bot.ChannelSMS || refs[0].Conv == 0 {
		t.Fatalf("referral event %+v", refs[0])
	}
	if n := len(kinds(evs, bot.EventStart)); n != 1 {
		t.Fatalf("start events = %d", n)
	}
	var steps []string
	for _, ev := range kinds(evs, bot.EventStep) {
		steps = append(steps, ev.Step)
	}
	if strings.Join(steps, ",") != "age,name,support,happy,situation,follow_up,done" {
		t.Fatalf("steps reached = %v", steps)
	}
	if n := len(kinds(evs, bot.EventAnswer)); n != 5 {
		t.Fatalf("answer events = %d, want 5 (the reported answers only)", n)
	}
	b, _ := json.Marshal(evs)
	for _, secret := range []string{"Samira", "Okafor", "447700900001", `"val":"15"`} {
		if strings.Contains(string(b), secret) {
			t.Fatalf("events hold %q: %s", secret, b)
		}
	}
	// After the referral the session keeps no answers (the referral record has them).
	s, _ := r.st.Session(context.Background(), "sms:+447700900001")
	if s == nil || len(s.Answers) != 0 || s.FollowAt == 0 {
		t.Fatalf("session after referral = %+v", s)
	}
}

// The check-in starts 8 weeks after the referral, in the daytime, once;
// its answers are recorded against the referral; the person is back in
// quiet mode after it.
func TestCheckInFiresOnceAndItsAnswersAreRecorded(t *testing.T) {
	r := newCheckRig(t)
	r.clk.Set(r.clk.Now().Add(8 * time.Hour)) // 22:30: a check-in due at night waits for the morning
	r.refer("+447700900001", "17", "Sam", "work", "3", "neet", "yes")
	s, _ := r.st.Session(context.Background(), "sms:+447700900001")
	due := time.UnixMilli(s.FollowAt).UTC()
	if want := time.Date(2026, 10, 28, 10, 0, 0, 0, time.UTC); !due.Equal(want) {
		t.Fatalf("check-in due %v, want %v (8 weeks on, moved out of the night)", due, want)
	}
	r.clk.Set(due.Add(-time.Minute))
	if got := r.fire(); got != "" {
		t.Fatalf("fired early: %q", got)
	}
	r.clk.Set(due)
	if got := r.fire(); !strings.Contains(got, "checking in") {
		t.Fatalf("check-in not sent: %q", got)
	}
	r.clk.Add(time.Minute)
	if got := r.fire(); got != "" {
		t.Fatalf("fired twice: %q", got)
	}
	r.send("+447700900001", "yes")
	r.send("+447700900001", "8")
	if got := r.send("+447700900001", "school"); !strings.Contains(got, "Thank you for checking in") {
		t.Fatalf("check-in end: %q", got)
	}
	evs := r.events()
	ref := kinds(evs, bot.EventReferral)[0].Ref
	fu := kinds(evs, bot.EventFollowUp)
	if len(fu) != 1 || fu[0].Value != bot.FollowUpSent || fu[0].Ref != ref || fu[0].Flow != "checkin" {
		t.Fatalf("follow-up events %+v", fu)
	}
	var after []string
	for _, ev := range kinds(evs, bot.EventAnswer) {
		if ev.Ref == ref {
			after = append(after, ev.Name+"="+ev.Value)
			if ev.Conv != fu[0].Conv {
				t.Fatalf("check-in answer in conversation %d, want %d", ev.Conv, fu[0].Conv)
			}
		}
	}
	if strings.Join(after, " ") != "happy=8 situation=school" {
		t.Fatalf("check-in answers = %v", after)
	}
	if got := r.send("+447700900001", "thanks"); !strings.Contains(strings.ToLower(got), "link worker") && got == "" {
		t.Fatalf("after the check-in: %q", got)
	}
	s, _ = r.st.Session(context.Background(), "sms:+447700900001")
	if s.Status != bot.StatusHandedOff || s.Referral != ref || s.FollowAt != 0 {
		t.Fatalf("session after check-in %+v", s)
	}
}

// Nobody who said no, or opted out, gets a check-in; a person in the
// middle of another conversation gets it a day later.
func TestCheckInNotSentToOptedOutOrUnwilling(t *testing.T) {
	r := newCheckRig(t)
	r.refer("+447700900001", "17", "Sam", "work", "3", "neet", "no") // said no
	if s, _ := r.st.Session(context.Background(), "sms:+447700900001"); s == nil || s.FollowAt != 0 {
		t.Fatalf("a person who said no has a check-in pending: %+v", s)
	}
	r.refer("+447700900002", "17", "Ali", "work", "3", "neet", "yes") // then STOP
	r.send("+447700900002", "STOP")
	r.refer("+447700900003", "17", "Jo", "work", "3", "neet", "yes") // then starts again
	r.clk.Add(8*7*24*time.Hour - time.Hour)
	r.send("+447700900003", "RESTART")
	r.clk.Add(2 * time.Hour)
	if got := r.fire(); strings.Contains(got, "checking in") {
		t.Fatalf("a check-in went out: %q", got)
	}
	fu := kinds(r.events(), bot.EventFollowUp)
	var results []string
	for _, ev := range fu {
		results = append(results, ev.Value)
	}
	slices.Sort(results)
	if strings.Join(results, ",") != "busy,opted_out" {
		t.Fatalf("follow-up results %v, want busy and opted_out", results)
	}
	s, _ := r.st.Session(context.Background(), "sms:+447700900003")
	if s == nil || s.Status != bot.StatusActive || time.UnixMilli(s.FollowAt).Sub(r.clk.Now()) < 22*time.Hour {
		t.Fatalf("the busy person's check-in was not put off a day: %+v", s)
	}
}

// DELETE removes the person's events, and their pending check-in.
func TestDeleteRemovesEventsAndCheckIn(t *testing.T) {
	r := newCheckRig(t)
	r.refer("+447700900001", "17", "Sam", "work", "3", "neet", "yes")
	r.refer("+447700900002", "16", "Ali", "money", "4", "school", "yes")
	if n := len(r.events()); n == 0 {
		t.Fatal("no events")
	}
	r.send("+447700900001", "DELETE")
	r.send("+447700900001", "yes")
	for _, ev := range r.events() {
		if ev.Person == bot.HashID("salt", "sms:+447700900001") {
			t.Fatalf("DELETE left event %+v", ev)
		}
	}
	if n := len(kinds(r.events(), bot.EventReferral)); n != 1 {
		t.Fatalf("referral events left = %d, want the other person's 1", n)
	}
	r.clk.Add(8*7*24*time.Hour + time.Hour)
	got := r.fire()
	if strings.Count(got, "checking in") != 1 {
		t.Fatalf("check-ins after DELETE of one of two: %q", got)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A conversation left unanswered until it expires is a drop-off at the
// step it stopped at; a safeguarding hit is recorded by category only.
func TestDropOffAndRiskEvents(t *testing.T) {
	r := newCheckRig(t)
	r.send("+447700900001", "hi")
	r.send("+447700900001", "15")
	r.send("+447700900001", "I want to kill myself")
	r.clk.Add(7*24*time.Hour + time.Minute)
	if got := r.fire(); got == "" {
		t.Fatal("no expiry notice")
	}
	evs := r.events()
	drops := kinds(evs, bot.EventDropOff)
	if len(drops) != 1 || drops[0].Step != "name" || drops[0].Flow != "refer" {
		t.Fatalf("drop-offs %+v", drops)
	}
	risks := kinds(evs, bot.EventRisk)
	if len(risks) != 1 || risks[0].Value == "" || risks[0].Step != "name" {
		t.Fatalf("risk events %+v", risks)
	}
	b, _ := json.Marshal(evs)
	if strings.Contains(string(b), "kill") {
		t.Fatalf("an event holds the message: %s", b)
	}
}
