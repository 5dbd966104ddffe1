package memory_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/store/memory"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func msg(id, text string) bot.Inbound {
	return bot.Inbound{Channel: "sms", Address: "+1", ID: id, Text: text}
}
func save(t *bot.Turn, step string) *bot.Turn {
	t.Session = &bot.Session{Channel: "sms", Address: "+1", Step: step}
	return t
}

func TestSessionsExpireAfterTheirTTL(t *testing.T) {
	c := &clock{time.Unix(1e9, 0)}
	st := memory.New(memory.Options{Now: c.now, SessionTTL: time.Hour})
	ctx := context.Background()
	tr, err := st.Begin(ctx, msg("", "hi"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(ctx, save(tr, "a")); err != nil {
		t.Fatal(err)
	}
	c.add(59 * time.Minute)
	if s, _ := st.Session(context.Background(), "sms:+1"); s == nil {
		t.Fatal("expired early")
	}
	c.add(2 * time.Minute)
	if s, _ := st.Session(context.Background(), "sms:+1"); s != nil {
		t.Fatal("session outlived its TTL")
	}
	tr, _ = st.Begin(ctx, msg("", "hi"))
	if tr.Session != nil {
		t.Fatal("expired session loaded")
	}
}

func TestDedupeMarksExpire(t *testing.T) {
	c := &clock{time.Unix(1e9, 0)}
	st := memory.New(memory.Options{Now: c.now, DedupeTTL: 48 * time.Hour})
	ctx := context.Background()
	tr, _ := st.Begin(ctx, msg("SM1", "hi"))
	st.Commit(ctx, tr)
	if _, err := st.Begin(ctx, msg("SM1", "hi")); !errors.Is(err, bot.ErrDuplicate) {
		t.Fatalf("repeat within 48 h: %v", err)
	}
	c.add(49 * time.Hour)
	if _, err := st.Begin(ctx, msg("SM1", "hi")); err != nil {
		t.Fatalf("after 48 h: %v", err)
	}
}

func TestQueuedMessagesAreHandedOutInOrderUnderOneLock(t *testing.T) {
	st := memory.New(memory.Options{})
	ctx := context.Background()
	first, err := st.Begin(ctx, msg("1", "one"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"2", "3"} {
		if _, err := st.Begin(ctx, msg(id, id)); !errors.Is(err, bot.ErrQueued) {
			t.Fatalf("second caller: %v", err)
		}
	}
	next, err := st.Commit(ctx, save(first, "s1"))
	if err != nil || next == nil || next.Msg.ID != "2" || next.Session == nil || next.Session.Step != "s1" {
		t.Fatalf("next = %+v, %v", next, err)
	}
	last, _ := st.Commit(ctx, save(next, "s2"))
	if last == nil || last.Msg.ID != "3" {
		t.Fatalf("last = %+v", last)
	}
	if done, _ := st.Commit(ctx, save(last, "s3")); done != nil {
		t.Fatalf("inbox should be empty, got %+v", done)
	}
	if tr, err := st.Begin(ctx, msg("4", "four")); err != nil || tr.Session.Step != "s3" {
		t.Fatalf("lock not released: %v", err)
	}
}

func TestALockWhoseHolderDiedExpiresAndTheMessageIsNotLost(t *testing.T) {
	c := &clock{time.Unix(1e9, 0)}
	st := memory.New(memory.Options{Now: c.now, LockTTL: 30 * time.Second})
	ctx := context.Background()
	dead, _ := st.Begin(ctx, msg("1", "one")) // the holder dies without committing
	if _, err := st.Begin(ctx, msg("2", "two")); !errors.Is(err, bot.ErrQueued) {
		t.Fatal(err)
	}
	c.add(31 * time.Second)
	tr, err := st.Begin(ctx, msg("3", "three"))
	if err != nil || tr.Msg.ID != "1" {
		t.Fatalf("after expiry the oldest message comes first: %+v %v", tr, err)
	}
	if _, err := st.Commit(ctx, dead); !errors.Is(err, bot.ErrLockLost) {
		t.Fatalf("the dead holder's late commit: %v", err)
	}
}

func TestEraseKeepsTheOptOut(t *testing.T) {
	st := memory.New(memory.Options{Salt: "s"})
	ctx := context.Background()
	tr, _ := st.Begin(ctx, msg("", "stop"))
	tr.OptOut = bot.OptOut
	tr.Handoffs = []bot.Handoff{{ID: "r1", Channel: "sms", Address: "+1"}}
	st.Commit(ctx, save(tr, "a"))
	tr, _ = st.Begin(ctx, msg("", "delete"))
	tr.Erase = true
	st.Commit(ctx, tr)
	s, _ := st.Session(ctx, "sms:+1")
	refs, _ := st.Referrals(ctx, "sms:+1")
	if s != nil || len(refs) != 0 {
		t.Fatal("erase left data")
	}
	if out, _ := st.OptedOut(ctx, "sms:+1"); !out {
		t.Fatal("erase dropped the opt-out")
	}
	tr, _ = st.Begin(ctx, msg("", "hi"))
	if !tr.OptedOut {
		t.Fatal("opt-out not loaded with the turn")
	}
}

func TestReferralRecordsExpire(t *testing.T) {
	c := &clock{time.Unix(1e9, 0)}
	st := memory.New(memory.Options{Now: c.now, ReferralTTL: 24 * time.Hour})
	ctx := context.Background()
	tr, _ := st.Begin(ctx, msg("1", "done"))
	tr.Handoffs = []bot.Handoff{{ID: "r-0123456789abcdef-aa", Kind: bot.KindReferral, Channel: "sms", Address: "+1", Created: c.now()}}
	st.Commit(ctx, save(tr, "done"))
	c.add(25 * time.Hour)
	for i := range 1100 { // the memory store sweeps every 1,024 operations
		tr, err := st.Begin(ctx, bot.Inbound{Channel: "sms", Address: "+9", ID: strconv.Itoa(i), Text: "x"})
		if err != nil {
			t.Fatal(err)
		}
		st.Commit(ctx, tr)
	}
	if refs, _ := st.Referrals(ctx, "sms:+1"); len(refs) != 0 {
		t.Fatalf("a referral outlived SIGNPOST_REFERRAL_TTL: %+v", refs)
	}
}
