package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
)

// referral commits a turn for addr that makes one referral and returns it.
func referral(t *testing.T, st Store, addr, id string) bot.Handoff {
	t.Helper()
	h := bot.Handoff{ID: id, Kind: bot.KindReferral, Channel: "sms", Address: addr, Status: bot.StatusNew, Summary: "s", Created: time.Now()}
	tr := begin(t, st, msg(addr, "m-"+id, "done"))
	tr.Session = sess(addr, "done")
	tr.Handoffs = []bot.Handoff{h}
	commit(t, st, tr)
	return h
}

// refID makes a handoff id carrying the store's person hash for addr.
func refID(salt, addr, suffix string) string {
	return "r-" + bot.HashID(salt, bot.ConversationKey("sms", addr)) + "-" + suffix
}

func handoffQueue(t *testing.T, open Open) {
	const salt = "0123456789abcdef"
	st := open(t, Options{Salt: salt})
	h := referral(t, st, "+1", refID(salt, "+1", "a1"))
	got, err := st.Read(ctx, "c1", 10, 100*time.Millisecond)
	if err != nil || len(got) != 1 || got[0].ID != h.ID || got[0].Kind != bot.KindReferral || got[0].Deliveries != 1 {
		t.Fatalf("read %+v %v", got, err)
	}
	if again, _ := st.Read(ctx, "c2", 10, 50*time.Millisecond); len(again) != 0 {
		t.Fatalf("an entry read by c1 was given to c2 as new: %+v", again)
	}
	// c1 dies without acknowledging: after minIdle, c2 claims it.
	if stale, _ := st.Stale(ctx, "c2", time.Hour, 10); len(stale) != 0 {
		t.Fatalf("claimed before minIdle: %+v", stale)
	}
	time.Sleep(150 * time.Millisecond)
	stale, err := st.Stale(ctx, "c2", 100*time.Millisecond, 10)
	if err != nil || len(stale) != 1 || stale[0].ID != h.ID || stale[0].Deliveries != 2 {
		t.Fatalf("stale %+v %v", stale, err)
	}
	if err := st.Ack(ctx, stale[0]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if stale, _ := st.Stale(ctx, "c3", 100*time.Millisecond, 10); len(stale) != 0 {
		t.Fatalf("acknowledged entry came back: %+v", stale)
	}
	// Enqueue (escalations) and dead letters.
	if err := st.Enqueue(ctx, handoff.Entry{ID: h.ID, Kind: handoff.KindEscalation}); err != nil {
		t.Fatal(err)
	}
	got, _ = st.Read(ctx, "c1", 10, 100*time.Millisecond)
	if len(got) != 1 || got[0].Kind != handoff.KindEscalation {
		t.Fatalf("escalation entry %+v", got)
	}
	if err := st.DeadLetter(ctx, got[0], "webhook down"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if stale, _ := st.Stale(ctx, "c3", 100*time.Millisecond, 10); len(stale) != 0 {
		t.Fatalf("dead-lettered entry came back: %+v", stale)
	}
}

func handoffRecords(t *testing.T, open Open) {
	const salt = "0123456789abcdef"
	st := open(t, Options{Salt: salt})
	h := referral(t, st, "+1", refID(salt, "+1", "b1"))
	got, err := st.Referral(ctx, h.ID)
	if err != nil || got == nil || got.ID != h.ID || got.Status != bot.StatusNew {
		t.Fatalf("referral %+v %v", got, err)
	}
	if none, err := st.Referral(ctx, refID(salt, "+2", "zz")); none != nil || err != nil {
		t.Fatalf("unknown referral: %+v %v", none, err)
	}
	if none, _ := st.Referral(ctx, "garbage"); none != nil {
		t.Fatalf("garbage id: %+v", none)
	}
	// Ten link workers press Claim at once: exactly one wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, won, err := st.Claim(ctx, h.ID, fmt.Sprintf("worker%d", i), time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			if won {
				wins.Add(1)
			}
			if rec.Assignee == "" || rec.Status != bot.StatusClaimed {
				t.Errorf("after a claim: %+v", rec)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claims won", wins.Load())
	}
	rec, err := st.Update(ctx, h.ID, func(x *bot.Handoff) error {
		if x.Delivered == nil {
			x.Delivered = map[string]string{}
		}
		x.Delivered["telegram"] = "42"
		x.Outcome = "connected"
		return nil
	})
	if err != nil || rec.Delivered["telegram"] != "42" {
		t.Fatalf("update %+v %v", rec, err)
	}
	if again, _ := st.Referral(ctx, h.ID); again.Outcome != "connected" || again.Delivered["telegram"] != "42" {
		t.Fatalf("update not stored: %+v", again)
	}
	if _, err := st.Update(ctx, refID(salt, "+9", "nn"), func(*bot.Handoff) error { return nil }); err == nil {
		t.Fatal("update of an unknown referral succeeded")
	}
	if err := st.Link(ctx, "tg:-100:42", h.ID); err != nil {
		t.Fatal(err)
	}
	if id, _ := st.Linked(ctx, "tg:-100:42"); id != h.ID {
		t.Fatalf("linked %q", id)
	}
	if id, _ := st.Linked(ctx, "tg:-100:43"); id != "" {
		t.Fatalf("unlinked ref gave %q", id)
	}
}
