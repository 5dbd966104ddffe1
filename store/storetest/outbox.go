package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
)

func reply(text string) bot.Outbound {
	return bot.Outbound{ID: "o_" + text, Channel: "sms", Address: "+1", Text: text}
}

// sendAll leases and finishes (as sent) every due message, returning the
// texts in the order they were leased.
func sendAll(t *testing.T, st Store, now time.Time) []string {
	t.Helper()
	var got []string
	for range 100 {
		hints, err := st.Due(ctx, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		progress := false
		for _, h := range hints {
			it, err := st.Lease(ctx, h, now, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if it == nil {
				continue
			}
			progress = true
			got = append(got, it.Msg.Text)
			if err := st.Finish(ctx, it, outbox.Sent, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		if !progress {
			return got
		}
	}
	t.Fatal("outbox never drained")
	return nil
}

func outboxOrder(t *testing.T, open Open) {
	st := open(t, Options{Outbox: []string{"sms"}})
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Outbound = []bot.Outbound{reply("a"), reply("b"), {ID: "x", Channel: "chat", Address: "+1", Text: "not queued"}}
	tr.Session = sess("+1", "s")
	commit(t, st, tr)
	tr = begin(t, st, msg("+1", "2", "again"))
	tr.Outbound = []bot.Outbound{reply("c")}
	commit(t, st, tr)
	now := time.Now().Add(time.Second)
	// Only one lease per person at a time, so the order holds.
	hints, _ := st.Due(ctx, now, 10)
	if len(hints) != 1 {
		t.Fatalf("hints %+v", hints)
	}
	it, _ := st.Lease(ctx, hints[0], now, time.Minute)
	if it == nil || it.Msg.Text != "a" {
		t.Fatalf("first lease %+v", it)
	}
	if again, _ := st.Lease(ctx, hints[0], now, time.Minute); again != nil {
		t.Fatalf("second lease while the first holds: %+v", again)
	}
	if err := st.Finish(ctx, it, outbox.Sent, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(sendAll(t, st, now)); got != "[b c]" {
		t.Fatalf("order %s", got)
	}
	if hints, _ := st.Due(ctx, now.Add(time.Hour), 10); len(hints) != 0 {
		t.Fatalf("hints left after draining: %+v", hints)
	}
}

func outboxRetryAndLeaseExpiry(t *testing.T, open Open) {
	st := open(t, Options{Outbox: []string{"sms"}})
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Outbound = []bot.Outbound{reply("a"), reply("b")}
	commit(t, st, tr)
	now := time.Now().Add(time.Second)
	hints, _ := st.Due(ctx, now, 10)
	it, _ := st.Lease(ctx, hints[0], now, time.Minute)
	later := now.Add(30 * time.Second)
	if err := st.Finish(ctx, it, outbox.Retry, later); err != nil {
		t.Fatal(err)
	}
	if hints, _ := st.Due(ctx, now, 10); len(hints) != 0 {
		t.Fatalf("retry due early: %+v", hints)
	}
	hints, _ = st.Due(ctx, later, 10)
	it, _ = st.Lease(ctx, hints[0], later, 200*time.Millisecond)
	if it == nil || it.Msg.Text != "a" || it.Msg.Attempts != 1 {
		t.Fatalf("retried message %+v", it)
	}
	// The dispatcher dies holding the lease: after it expires the same
	// message is leased again (at least once), and the late finish of the
	// dead holder changes nothing.
	time.Sleep(300 * time.Millisecond)
	hints, _ = st.Due(ctx, later.Add(time.Minute), 10)
	if len(hints) != 1 {
		t.Fatalf("hint after lease expiry %+v", hints)
	}
	again, _ := st.Lease(ctx, hints[0], later.Add(time.Minute), time.Minute)
	if again == nil || again.Msg.Text != "a" {
		t.Fatalf("lease after expiry %+v", again)
	}
	if err := st.Finish(ctx, it, outbox.Sent, time.Time{}); err != nil {
		t.Fatal(err)
	}
	st.Finish(ctx, again, outbox.Sent, time.Time{})
	if got := fmt.Sprint(sendAll(t, st, later.Add(time.Minute))); got != "[b]" {
		t.Fatalf("after the expired lease: %s", got)
	}
}

func outboxOptOutAndErase(t *testing.T, open Open) {
	st := open(t, Options{Outbox: []string{"sms"}})
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Outbound = []bot.Outbound{reply("a"), reply("b")}
	commit(t, st, tr)
	now := time.Now().Add(time.Second)
	hints, _ := st.Due(ctx, now, 10)
	it, _ := st.Lease(ctx, hints[0], now, time.Minute)
	if err := st.Finish(ctx, it, outbox.OptOut, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if out, _ := st.OptedOut(ctx, "sms:+1"); !out {
		t.Fatal("provider opt-out not stored")
	}
	if got := sendAll(t, st, now); len(got) != 0 {
		t.Fatalf("sent after the provider's opt-out: %v", got)
	}
	// A message queued while opted out is leased with the flag set, so
	// the dispatcher can drop it.
	tr = begin(t, st, msg("+1", "2", "hi"))
	tr.Outbound = []bot.Outbound{reply("c")}
	commit(t, st, tr)
	hints, _ = st.Due(ctx, now.Add(time.Second), 10)
	it, _ = st.Lease(ctx, hints[0], now.Add(time.Second), time.Minute)
	if it == nil || !it.OptedOut {
		t.Fatalf("lease of an opted-out person's message: %+v", it)
	}
	st.Finish(ctx, it, outbox.Drop, time.Time{})
	// DELETE drops what was queued and keeps only its own confirmation.
	tr = begin(t, st, msg("+1", "3", "x"))
	tr.Outbound = []bot.Outbound{reply("d"), reply("e")}
	commit(t, st, tr)
	tr = begin(t, st, msg("+1", "4", "DELETE"))
	tr.Erase = true
	tr.Outbound = []bot.Outbound{reply("deleted")}
	commit(t, st, tr)
	if got := fmt.Sprint(sendAll(t, st, now.Add(2*time.Second))); got != "[deleted]" {
		t.Fatalf("after erase: %s", got)
	}
}

func outboxNoLostHint(t *testing.T, open Open) {
	st := open(t, Options{Outbox: []string{"sms"}})
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Outbound = []bot.Outbound{reply("a")}
	commit(t, st, tr)
	now := time.Now().Add(time.Second)
	hints, _ := st.Due(ctx, now, 10)
	it, _ := st.Lease(ctx, hints[0], now, time.Minute)
	// A turn queues a reply while the dispatcher is sending the last one.
	tr = begin(t, st, msg("+1", "2", "more"))
	tr.Outbound = []bot.Outbound{reply("b")}
	commit(t, st, tr)
	st.Finish(ctx, it, outbox.Sent, time.Time{})
	if got := fmt.Sprint(sendAll(t, st, now.Add(time.Second))); got != "[b]" {
		t.Fatalf("the reply queued during a send: %s", got)
	}
}

func outboxUrgentFirst(t *testing.T, open Open) {
	st := open(t, Options{Outbox: []string{"sms"}})
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Outbound = []bot.Outbound{reply("a"), reply("b")}
	commit(t, st, tr)
	now := time.Now().Add(time.Second)
	hints, _ := st.Due(ctx, now, 10)
	it, _ := st.Lease(ctx, hints[0], now, time.Minute)
	// While "a" is being sent, a turn queues crisis signposting.
	tr = begin(t, st, msg("+1", "2", "risk"))
	crisis := reply("crisis")
	crisis.Urgent = true
	tr.Outbound = []bot.Outbound{crisis, reply("c")}
	commit(t, st, tr)
	if err := st.Finish(ctx, it, outbox.Sent, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(sendAll(t, st, now.Add(time.Second))); got != "[crisis b c]" {
		t.Fatalf("order after an urgent reply: %s", got)
	}
}
