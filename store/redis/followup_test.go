package redis_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
)

// testClock is a clock several processes share.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// referWithCheckIn walks the built-in flow to a referral whose young
// person answered the wellbeing questions and agreed to a check-in.
func referWithCheckIn(t *testing.T, p *proc, addr string) {
	t.Helper()
	for _, a := range []string{"hi", "yes", "16", "yes", "Sam", "1", "I want a job", "8", "neet",
		"1", "after 4pm", "skip", "yes", "3", "4", "5", "6", "yes"} {
		p.send(t, addr, a)
	}
	p.expect(t, addr, "yes, send it", "Thank you, Sam")
}

// The check-in falls due 8 weeks on: two processes sweeping at once start
// it once; nobody who opted out gets one; the answers land in the events
// against the referral.
func TestCheckInsFireOnceAcrossTwoProcesses(t *testing.T) {
	clk := &testClock{now: time.Date(2026, 9, 1, 13, 0, 0, 0, time.UTC)}
	s := newSetup()
	s.now, s.sessionTTL, s.storeSessionTTL = clk.Now, 30*24*time.Hour, 30*24*time.Hour
	a, b := s.proc(t, "a", nil), s.proc(t, "b", nil)
	people := []string{"+447700900101", "+447700900102", "+447700900103"}
	for _, p := range people {
		referWithCheckIn(t, a, p)
	}
	b.expect(t, people[2], "STOP")

	clk.Set(clk.Now().Add(8*7*24*time.Hour + time.Minute))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var sent []string
	for _, p := range []*proc{a, b} {
		wg.Go(func() {
			due, err := p.st.ClaimDue(ctx, clk.Now(), 100)
			if err != nil {
				t.Error(err)
				return
			}
			for _, in := range due {
				outs, err := p.eng.Handle(ctx, in)
				if err != nil {
					t.Error(err)
				}
				for _, o := range outs {
					if strings.Contains(o.Text, "check in") {
						mu.Lock()
						sent = append(sent, o.Address)
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	if len(sent) != 2 || strings.Contains(strings.Join(sent, " "), people[2]) {
		t.Fatalf("check-ins went to %v; want once each to the two who did not opt out", sent)
	}
	for _, ans := range []string{"yes", "7", "6", "7", "3", "work", "work"} {
		a.send(t, people[0], ans)
	}
	var followed, answers int
	ref := ""
	err := a.st.Events(ctx, time.Time{}, func(ev bot.Event) error {
		switch {
		case ev.Kind == bot.EventReferral && ev.Person == bot.HashID(s.salt, "sms:"+people[0]):
			ref = ev.Ref
		case ev.Kind == bot.EventFollowUp:
			followed++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = a.st.Events(ctx, time.Time{}, func(ev bot.Event) error {
		if ev.Kind == bot.EventAnswer && ev.Ref == ref && ref != "" {
			answers++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if followed != 3 || answers != 6 {
		t.Fatalf("follow-up events %d (want 3: two sent, one opted out), check-in answers %d (want 6)", followed, answers)
	}
}
