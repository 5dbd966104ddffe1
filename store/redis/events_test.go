package redis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
)

// After DELETE nothing in Redis holds the person's pseudonymous id: not a
// key name (only {h}:optout would, when opted out) and not the event day
// index, while another person's entries stay.
func TestDeleteLeavesNoPseudonymousID(t *testing.T) {
	c := srv.Client(t)
	prefix := redistest.NewPrefix()
	st := redis.New(c, redis.Options{Prefix: prefix, Salt: "s"})
	now := time.Now()
	for _, addr := range []string{"+447700900001", "+447700900002"} {
		tr, err := st.Begin(ctx, bot.Inbound{Channel: "sms", Address: addr, ID: "1", Text: "hi", At: now})
		if err != nil {
			t.Fatal(err)
		}
		tr.Session = &bot.Session{Channel: "sms", Address: addr, Flow: "f", Step: "a", Status: bot.StatusActive}
		tr.Events = []bot.Event{bot.NewEvent(bot.EventStart, now.Add(-50*time.Hour)), bot.NewEvent(bot.EventStep, now)}
		if _, err := st.Commit(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	h1, h2 := bot.HashID("s", "sms:+447700900001"), bot.HashID("s", "sms:+447700900002")
	if err := st.Record(ctx, h1, bot.NewEvent(bot.EventClaim, now.Add(-24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if days := dayIndexesHolding(t, c, prefix, h1); days != 3 {
		t.Fatalf("person 1 is in %d day indexes, want 3", days)
	}

	tr, err := st.Begin(ctx, bot.Inbound{Channel: "sms", Address: "+447700900001", ID: "2", Text: "DELETE", At: now})
	if err != nil {
		t.Fatal(err)
	}
	tr.Erase = true
	if _, err := st.Commit(ctx, tr); err != nil {
		t.Fatal(err)
	}
	if days := dayIndexesHolding(t, c, prefix, h1); days != 0 {
		t.Fatalf("after DELETE person 1 is still in %d day indexes", days)
	}
	for _, k := range scanKeys(t, c, prefix+"*") {
		if strings.Contains(k, h1) {
			t.Errorf("after DELETE key %s remains", k)
		}
	}
	if days := dayIndexesHolding(t, c, prefix, h2); days != 2 {
		t.Fatalf("person 2 is in %d day indexes, want 2", days)
	}
}

func dayIndexesHolding(t *testing.T, c goredis.UniversalClient, prefix, h string) int {
	t.Helper()
	n := 0
	for _, k := range scanKeys(t, c, prefix+"events:*") {
		if ok, err := c.SIsMember(context.Background(), k, h).Result(); err != nil {
			t.Fatal(err)
		} else if ok {
			n++
		}
	}
	return n
}
