package handoff_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
)

func TestEscalationsSchedule(t *testing.T) {
	eachStore(t, func(t *testing.T, open func() backend) {
		e, ctx := open().esc, t.Context()
		now := time.Date(2025, 6, 3, 10, 0, 0, 0, time.UTC)
		for id, at := range map[string]time.Time{"a": now.Add(time.Minute), "b": now.Add(-time.Minute), "c": now.Add(10 * time.Minute)} {
			if err := e.Schedule(ctx, id, at); err != nil {
				t.Fatal(err)
			}
		}
		claim := func(at time.Time) []string {
			t.Helper()
			ids, err := e.ClaimDue(ctx, at, 10)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			return ids
		}
		if got := claim(now); !slices.Equal(got, []string{"b"}) {
			t.Fatalf("due now: %v", got)
		}
		if got := claim(now); len(got) != 0 {
			t.Fatalf("claimed twice: %v", got)
		}
		if err := e.Schedule(ctx, "a", now.Add(-2*time.Minute)); err != nil { // moved earlier
			t.Fatal(err)
		}
		if got := claim(now); !slices.Equal(got, []string{"a"}) {
			t.Fatalf("after moving a: %v", got)
		}
		if err := e.Cancel(ctx, "c"); err != nil {
			t.Fatal(err)
		}
		// Nobody scheduled a or b again (their caller died): back after the lease.
		if got := claim(now.Add(time.Hour)); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("after the lease: %v", got)
		}

		for _, id := range []string{"a", "b"} {
			if err := e.Cancel(ctx, id); err != nil {
				t.Fatal(err)
			}
		}

		// Many callers at once: each due id goes to exactly one.
		var want []string
		for i := range 60 {
			id := "x" + string(rune('A'+i%26)) + string(rune('a'+i/26))
			want = append(want, id)
			if err := e.Schedule(ctx, id, now.Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		var got []string
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					ids, err := e.ClaimDue(ctx, now.Add(2*time.Hour), 7)
					if err != nil || len(ids) == 0 {
						return
					}
					mu.Lock()
					got = append(got, ids...)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("claimed %d ids (%v), want each of %d once", len(got), got, len(want))
		}
	})
}

// clock is a settable clock.
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time      { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) set(d time.Duration) { c.off.Store(int64(d)) }
func (r *rig) escalator(c *clock, p handoff.EscalationPolicy) *handoff.Escalator {
	return &handoff.Escalator{Escalations: r.esc, Queue: r.st, Records: r.st, Policy: p, Now: c.now, Registry: r.reg}
}

func TestUnclaimedReferralEscalates(t *testing.T) {
	eachStore(t, func(t *testing.T, open func() backend) {
		r := newRig(t, open())
		policy := handoff.EscalationPolicy{After: time.Hour} // zero Hours: always open
		run(t, r.dispatcher("p1", func(d *handoff.Dispatcher) { d.Escalation = policy }))
		var c clock
		esc := r.escalator(&c, policy)
		h, post := r.delivered(t, "+447700900401")

		pass := func(at time.Duration) int {
			t.Helper()
			c.set(at)
			n, err := esc.Pass(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := pass(59 * time.Minute); n != 0 {
			t.Fatalf("escalated before the hour: %d", n)
		}
		if n := pass(61 * time.Minute); n != 1 {
			t.Fatalf("escalated %d after the hour", n)
		}
		var again int
		eventually(t, "the escalation post", func() bool {
			again = 0
			for _, m := range r.groupPosts() {
				if strings.HasPrefix(m.Text, "⏰ Still unclaimed") && strings.Contains(m.Text, h.ID) {
					again = m.MessageID
				}
			}
			return again != 0
		})
		eventually(t, "the duty phone texted", func() bool { return len(r.smsTo(dutyPhone, h.ID)) == 1 })
		eventually(t, "the escalation webhook", func() bool {
			for _, d := range r.hook.deliveries() {
				if d.Event == handoff.KindEscalation && d.Key == h.ID+":escalation:1" {
					return true
				}
			}
			return false
		})
		eventually(t, "the escalation marked", func() bool {
			rec := r.record(t, h.ID)
			return rec.Delivered["telegram:escalation:1"] != "" && rec.Delivered["sms:escalation:1"] != ""
		})
		if rec := r.record(t, h.ID); rec.Escalated != 1 || rec.Status != bot.StatusNotified {
			t.Errorf("record %+v", rec)
		}
		if n := pass(62 * time.Minute); n != 0 {
			t.Fatalf("escalated again at once: %d", n)
		}

		// Claimed through the API: both posts say so, and no more escalations.
		if status, body := r.apiCall(t, http.MethodPost, "/api/referrals/"+h.ID+"/claim", `{"worker":"Alex Brown"}`, apiToken); status != http.StatusOK {
			t.Fatalf("claim: %d %v", status, body)
		}
		edited := map[int]bool{}
		for _, e := range r.tg.TextEdits() {
			edited[e.MessageID] = true
		}
		if !edited[post] || !edited[again] {
			t.Errorf("edited %v, want posts %d and %d", edited, post, again)
		}
		posts := len(r.groupPosts())
		if n := pass(5 * time.Hour); n != 0 {
			t.Fatalf("a claimed referral escalated: %d", n)
		}
		time.Sleep(300 * time.Millisecond)
		if len(r.groupPosts()) != posts {
			t.Error("posted again after the claim")
		}
	})
}

// TestAlertIsUrgent: a safeguarding alert goes through the same pipeline
// to the duty phones as well, and escalates after 15 minutes at any hour.
func TestAlertIsUrgent(t *testing.T) {
	eachStore(t, func(t *testing.T, open func() backend) {
		r := newRig(t, open())
		var closed handoff.OfficeHours // open one day a week, never today
		closed.Days[(time.Now().Weekday()+3)%7] = true
		closed.Opens, closed.Closes = 9*time.Hour, 17*time.Hour
		policy := handoff.EscalationPolicy{Hours: closed}
		run(t, r.dispatcher("p1", func(d *handoff.Dispatcher) { d.Escalation = policy }))
		addr := "+447700900402"
		for i, text := range []string{"hi", "yes", "sometimes I want to kill myself"} {
			if _, err := r.eng.Handle(t.Context(), bot.Inbound{Channel: bot.ChannelSMS, Address: addr, Text: text,
				ID: "alert-" + string(rune('0'+i))}); err != nil {
				t.Fatal(err)
			}
		}
		a := r.handoff(t, bot.KindAlert)
		if a.Urgency != bot.UrgencyUrgent {
			t.Fatalf("alert urgency %q", a.Urgency)
		}
		eventually(t, "the alert delivered everywhere", func() bool {
			rec := r.record(t, a.ID)
			return rec.Delivered["telegram"] != "" && rec.Delivered["webhook"] != "" && rec.Delivered["sms"] != ""
		})
		if got := r.smsTo(dutyPhone, a.ID); len(got) != 1 || !strings.Contains(got[0], "URGENT") {
			t.Errorf("duty text %q", got)
		}
		var c clock
		esc := r.escalator(&c, policy)
		c.set(14 * time.Minute)
		if n, _ := esc.Pass(t.Context()); n != 0 {
			t.Fatalf("escalated after 14 min: %d", n)
		}
		c.set(16 * time.Minute)
		if n, err := esc.Pass(t.Context()); n != 1 || err != nil {
			t.Fatalf("escalated %d after 16 min (outside office hours): %v", n, err)
		}
		eventually(t, "the duty phone texted again", func() bool { return len(r.smsTo(dutyPhone, a.ID)) == 2 })
	})
}
