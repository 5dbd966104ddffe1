// Package storetest is the contract every store keeps: one suite, run
// against the memory store and the Redis store alike.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/outbox"
)

// Store is a store under test: the engine's interfaces plus inspection.
type Store interface {
	bot.Store
	bot.TimerStore
	bot.Orphans
	outbox.Store
	handoff.Queue
	handoff.Records
	bot.EventLog
	// The web chat transcript (bot/web.Transcript) and the inbox list
	// (bot/inbox.Referrals), spelled out so this suite does not depend on
	// those packages.
	AppendWeb(ctx context.Context, address string, o bot.Outbound) error
	WebSince(ctx context.Context, address string, after int64) ([]bot.WebMessage, error)
	ListReferrals(ctx context.Context, n int) ([]*bot.Handoff, error)
	PersonRecords(ctx context.Context, id string) ([]*bot.Handoff, error)
	Session(ctx context.Context, key string) (*bot.Session, error)
	OptedOut(ctx context.Context, key string) (bool, error)
	Referrals(ctx context.Context, key string) ([]bot.Handoff, error)
}

// Options are the settings a test opens its store with.
type Options struct {
	SessionTTL, DedupeTTL, LockTTL time.Duration
	Salt                           string
	Outbox                         []string // channels kept in the outbox
}

// Open returns a fresh, empty store for one test.
type Open func(t *testing.T, o Options) Store

// Run runs the whole contract against stores made by open.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(*testing.T, Open)
	}{
		{"RoundTrip", roundTrip},
		{"Dedupe", dedupe},
		{"QueuedInOrderUnderOneLock", queuedInOrder},
		{"ConcurrentBeginsHandOutEachMessageOnce", concurrentBegins},
		{"DeadHolderLockExpiresAndOrphansResume", deadHolder},
		{"EraseKeepsOptOut", eraseKeepsOptOut},
		{"SessionsExpire", sessionsExpire},
		{"SessionKeptForACheckIn", sessionKeptForCheckIn},
		{"EventsKeptWithTheTurn", eventsKept},
		{"EraseRemovesEvents", eraseRemovesEvents},
		{"Timers", timers},
		{"TimersClaimedOnceAcrossCallers", timersOnce},
		{"OutboxOrderOneLeaseAtATime", outboxOrder},
		{"OutboxRetryAndLeaseExpiry", outboxRetryAndLeaseExpiry},
		{"OutboxOptOutAndErase", outboxOptOutAndErase},
		{"OutboxNoLostHint", outboxNoLostHint},
		{"OutboxUrgentFirst", outboxUrgentFirst},
		{"HandoffQueue", handoffQueue},
		{"HandoffRecords", handoffRecords},
		{"WebTranscript", webTranscript},
		{"ReferralList", referralList},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

var ctx = context.Background()

func msg(addr, id, text string) bot.Inbound {
	return bot.Inbound{Channel: "sms", Address: addr, ID: id, Text: text, At: time.Now().UTC().Truncate(time.Millisecond)}
}

func sess(addr, step string) *bot.Session {
	return &bot.Session{Channel: "sms", Address: addr, Flow: "f", Version: 1, Step: step, Status: bot.StatusActive,
		Answers: []bot.SavedAnswer{{Name: "name", Step: "name", Raw: "Sam"}}}
}

func begin(t *testing.T, st Store, in bot.Inbound) *bot.Turn {
	t.Helper()
	tr, err := st.Begin(ctx, in)
	if err != nil {
		t.Fatalf("Begin(%s): %v", in.ID, err)
	}
	return tr
}

func commit(t *testing.T, st Store, tr *bot.Turn) *bot.Turn {
	t.Helper()
	next, err := st.Commit(ctx, tr)
	if err != nil {
		t.Fatalf("Commit(%s): %v", tr.Msg.ID, err)
	}
	return next
}

func roundTrip(t *testing.T, open Open) {
	st := open(t, Options{})
	in := msg("+1", "m1", "hello")
	tr := begin(t, st, in)
	if tr.Session != nil || tr.OptedOut || tr.Msg.Text != "hello" || !tr.Msg.At.Equal(in.At) {
		t.Fatalf("first turn = %+v", tr)
	}
	tr.Session = sess("+1", "age")
	tr.Handoffs = []bot.Handoff{{ID: "r_1", Kind: bot.KindReferral, Channel: "sms", Address: "+1", Summary: "s"}}
	if next := commit(t, st, tr); next != nil {
		t.Fatalf("unexpected next turn %+v", next)
	}
	tr = begin(t, st, msg("+1", "m2", "again"))
	if tr.Session == nil || tr.Session.Step != "age" || tr.Session.Answer("name").Raw != "Sam" {
		t.Fatalf("loaded %+v", tr.Session)
	}
	commit(t, st, tr)
	refs, err := st.Referrals(ctx, "sms:+1")
	if err != nil || len(refs) != 1 || refs[0].ID != "r_1" {
		t.Fatalf("referrals %+v %v", refs, err)
	}
}

func dedupe(t *testing.T, open Open) {
	st := open(t, Options{})
	commit(t, st, begin(t, st, msg("+1", "SM1", "hi")))
	if _, err := st.Begin(ctx, msg("+1", "SM1", "hi")); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("repeat: %v", err)
	}
	commit(t, st, begin(t, st, msg("+2", "SM2", "hi")))
	// No id: never deduplicated.
	commit(t, st, begin(t, st, msg("+1", "", "a")))
	commit(t, st, begin(t, st, msg("+1", "", "a")))
}

func queuedInOrder(t *testing.T, open Open) {
	st := open(t, Options{})
	first := begin(t, st, msg("+1", "1", "one"))
	for _, id := range []string{"2", "3", "4"} {
		if _, err := st.Begin(ctx, msg("+1", id, id)); !errors.Is(err, bot.ErrQueued) {
			t.Fatalf("message %s while locked: %v", id, err)
		}
	}
	tr, step := first, 0
	var order []string
	for tr != nil {
		order = append(order, tr.Msg.ID)
		if step > 0 && (tr.Session == nil || tr.Session.Step != fmt.Sprint(step)) {
			t.Fatalf("turn %s sees session %+v, want step %d", tr.Msg.ID, tr.Session, step)
		}
		step++
		tr.Session = sess("+1", fmt.Sprint(step))
		tr = commit(t, st, tr)
	}
	if fmt.Sprint(order) != "[1 2 3 4]" {
		t.Fatalf("order %v", order)
	}
	if tr := begin(t, st, msg("+1", "5", "five")); tr.Session.Step != "4" {
		t.Fatalf("lock not released or session lost: %+v", tr.Session)
	}
}

func concurrentBegins(t *testing.T, open Open) {
	st := open(t, Options{})
	const n = 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	handled := map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr, err := st.Begin(ctx, msg("+1", fmt.Sprint(i), "x"))
			if errors.Is(err, bot.ErrQueued) {
				return
			}
			if err != nil {
				t.Error(err)
				return
			}
			for tr != nil {
				mu.Lock()
				handled[tr.Msg.ID]++
				mu.Unlock()
				tr.Session = sess("+1", "s")
				if tr, err = st.Commit(ctx, tr); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(handled) != n {
		t.Fatalf("%d of %d messages handled: %v", len(handled), n, handled)
	}
	for id, c := range handled {
		if c != 1 {
			t.Errorf("message %s handled %d times", id, c)
		}
	}
}

func deadHolder(t *testing.T, open Open) {
	st := open(t, Options{LockTTL: 300 * time.Millisecond})
	dead := begin(t, st, msg("+1", "1", "one")) // its holder dies without committing
	if _, err := st.Begin(ctx, msg("+1", "2", "two")); !errors.Is(err, bot.ErrQueued) {
		t.Fatal(err)
	}
	if turns, _ := st.Orphans(ctx); len(turns) != 0 {
		t.Fatalf("resumed a live lock: %+v", turns)
	}
	time.Sleep(450 * time.Millisecond)
	turns, err := st.Orphans(ctx)
	if err != nil || len(turns) != 1 || turns[0].Msg.ID != "1" {
		t.Fatalf("orphans %+v %v", turns, err)
	}
	if _, err := st.Commit(ctx, dead); !errors.Is(err, bot.ErrLockLost) {
		t.Fatalf("late commit of the dead holder: %v", err)
	}
	next := commit(t, st, turns[0])
	if next == nil || next.Msg.ID != "2" {
		t.Fatalf("after the resumed turn: %+v", next)
	}
	if commit(t, st, next) != nil {
		t.Fatal("inbox not empty")
	}
	if turns, _ := st.Orphans(ctx); len(turns) != 0 {
		t.Fatalf("nothing left to resume, got %+v", turns)
	}
}

func eraseKeepsOptOut(t *testing.T, open Open) {
	st := open(t, Options{Salt: "0123456789abcdef"})
	tr := begin(t, st, msg("+1", "1", "STOP"))
	tr.OptOut = bot.OptOut
	tr.Session = sess("+1", "a")
	tr.Handoffs = []bot.Handoff{{ID: "r_1", Channel: "sms", Address: "+1"}}
	tr.Timers = []bot.Timer{{Kind: bot.TimerExpiry, At: time.Now().Add(time.Hour)}}
	commit(t, st, tr)
	tr = begin(t, st, msg("+1", "2", "DELETE"))
	if !tr.OptedOut {
		t.Fatal("opt-out not loaded with the turn")
	}
	tr.Erase = true
	commit(t, st, tr)
	s, _ := st.Session(ctx, "sms:+1")
	refs, _ := st.Referrals(ctx, "sms:+1")
	if s != nil || len(refs) != 0 {
		t.Fatalf("erase left session %+v referrals %+v", s, refs)
	}
	if due, _ := st.ClaimDue(ctx, time.Now().Add(2*time.Hour), 10); len(due) != 0 {
		t.Fatalf("erase left timers %+v", due)
	}
	if out, _ := st.OptedOut(ctx, "sms:+1"); !out {
		t.Fatal("erase dropped the opt-out")
	}
	tr = begin(t, st, msg("+1", "3", "START"))
	tr.OptOut = bot.OptIn
	commit(t, st, tr)
	if out, _ := st.OptedOut(ctx, "sms:+1"); out {
		t.Fatal("opt-in not stored")
	}
}

func sessionsExpire(t *testing.T, open Open) {
	st := open(t, Options{SessionTTL: 400 * time.Millisecond})
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Session = sess("+1", "a")
	commit(t, st, tr)
	if s, _ := st.Session(ctx, "sms:+1"); s == nil {
		t.Fatal("expired at once")
	}
	time.Sleep(700 * time.Millisecond)
	if s, _ := st.Session(ctx, "sms:+1"); s != nil {
		t.Fatalf("session outlived its TTL: %+v", s)
	}
}

func timers(t *testing.T, open Open) {
	st := open(t, Options{})
	base := time.Now().Truncate(time.Millisecond)
	tr := begin(t, st, msg("+1", "1", "hi"))
	tr.Session = sess("+1", "a")
	tr.Timers = []bot.Timer{{Kind: bot.TimerReminder, At: base.Add(time.Hour)}, {Kind: bot.TimerExpiry, At: base.Add(2 * time.Hour)}}
	commit(t, st, tr)
	if due, _ := st.ClaimDue(ctx, base.Add(time.Minute), 10); len(due) != 0 {
		t.Fatalf("claimed early: %+v", due)
	}
	// A later turn moves the reminder: the old due time is gone.
	tr = begin(t, st, msg("+1", "2", "hi"))
	tr.Timers = []bot.Timer{{Kind: bot.TimerReminder, At: base.Add(3 * time.Hour)}, {Kind: bot.TimerExpiry, At: base.Add(2 * time.Hour)}}
	commit(t, st, tr)
	due, err := st.ClaimDue(ctx, base.Add(150*time.Minute), 10)
	if err != nil || len(due) != 1 || due[0].Timer != bot.TimerExpiry || due[0].Address != "+1" ||
		due[0].TimerAt != base.Add(2*time.Hour).UnixMilli() || due[0].ID == "" {
		t.Fatalf("due = %+v %v", due, err)
	}
	if again, _ := st.ClaimDue(ctx, base.Add(150*time.Minute), 10); len(again) != 0 {
		t.Fatalf("claimed twice: %+v", again)
	}
	// A turn without timers cancels them.
	tr = begin(t, st, msg("+1", "3", "hi"))
	commit(t, st, tr)
	if due, _ := st.ClaimDue(ctx, base.Add(24*time.Hour), 10); len(due) != 0 {
		t.Fatalf("cancelled timers fired: %+v", due)
	}
}

func timersOnce(t *testing.T, open Open) {
	st := open(t, Options{})
	now := time.Now()
	const people = 30
	for i := range people {
		tr := begin(t, st, msg(fmt.Sprint(i), "1", "hi"))
		tr.Timers = []bot.Timer{{Kind: bot.TimerReminder, At: now.Add(-time.Minute)}}
		commit(t, st, tr)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				due, err := st.ClaimDue(ctx, now, 7)
				if err != nil {
					t.Error(err)
					return
				}
				if len(due) == 0 {
					return
				}
				mu.Lock()
				for _, in := range due {
					seen[in.Address]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != people {
		t.Fatalf("%d of %d timers fired", len(seen), people)
	}
	for who, n := range seen {
		if n != 1 {
			t.Errorf("timer of %s fired %d times", who, n)
		}
	}
}
