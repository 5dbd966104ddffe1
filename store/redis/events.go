package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot"
)

// Monitoring events live with the person ({h}:events, a zset of JSON by
// time), so DELETE removes them with everything else in the commit script.
// A day index (events:<day>, a set of person hashes) lets the figures find
// everyone active in a period without SCAN; an entry left by a person who
// was since erased or expired is harmless (their zset is empty), and DELETE
// removes its entries anyway.

var _ bot.EventLog = (*Store)(nil)

func (s *Store) dayKey(t time.Time) string {
	return s.o.Prefix + "events:" + t.UTC().Format(time.DateOnly)
}

// eventArgs encodes a turn's events as score, JSON pairs for the commit script.
func (s *Store) eventArgs(t *bot.Turn) ([]any, error) {
	if t.Erase || len(t.Events) == 0 {
		return nil, nil
	}
	args := make([]any, 0, 2*len(t.Events))
	for _, ev := range t.Events {
		b, err := json.Marshal(ev)
		if err != nil {
			return nil, fmt.Errorf("encoding event: %w", err)
		}
		args = append(args, ev.At.UnixMilli(), b)
	}
	return args, nil
}

// indexEvents adds person h to the day index of each day it has events on.
func (s *Store) indexEvents(ctx context.Context, pipe goredis.Pipeliner, h string, evs []bot.Event) {
	seen := map[string]bool{}
	for _, ev := range evs {
		day := s.dayKey(ev.At)
		if seen[day] {
			continue
		}
		seen[day] = true
		pipe.SAdd(ctx, day, h)
		// A day's index lives a little longer than its newest event.
		pipe.ExpireAt(ctx, day, ev.At.UTC().Truncate(24*time.Hour).Add(s.o.EventTTL+48*time.Hour))
	}
}

// erasable lists what DELETE must take out of the global indexes: the
// person's referral ids and the day keys their events are indexed under.
func (s *Store) erasable(ctx context.Context, k keys) (refs, days []string, err error) {
	pipe := s.c.Pipeline()
	refsCmd := pipe.HKeys(ctx, k.refs)
	evCmd := pipe.ZRangeWithScores(ctx, k.events, 0, -1)
	if _, err := pipe.Exec(ctx); err != nil && err != goredis.Nil {
		return nil, nil, fmt.Errorf("reading what to erase: %w", err)
	}
	seen := map[string]bool{}
	for _, z := range evCmd.Val() {
		day := s.dayKey(time.UnixMilli(int64(z.Score)))
		if !seen[day] {
			seen[day] = true
			days = append(days, day)
		}
	}
	return refsCmd.Val(), days, nil
}

// Record implements bot.EventLog: events made outside a turn, about the
// person whose hash is person.
func (s *Store) Record(ctx context.Context, person string, evs ...bot.Event) error {
	if len(evs) == 0 {
		return nil
	}
	now := s.o.Now()
	args := []any{ms(s.o.EventTTL), now.UnixMilli()}
	for _, ev := range evs {
		b, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("encoding event: %w", err)
		}
		args = append(args, ev.At.UnixMilli(), b)
	}
	pipe := s.c.Pipeline()
	// EVAL, not EVALSHA: a pipeline cannot fall back on NOSCRIPT, and claims
	// and outcomes are rare.
	recordScript.Eval(ctx, pipe, []string{s.hashKeys(person).events}, args...)
	s.indexEvents(ctx, pipe, person, evs)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("recording events: %w", err)
	}
	return nil
}

// eventBatch is how many people's events one pipeline reads.
const eventBatch = 200

// Events implements bot.EventLog: it reads the day index from from to now,
// then every indexed person's events since from, a batch of people per
// round trip.
func (s *Store) Events(ctx context.Context, from time.Time, fn func(bot.Event) error) error {
	now := s.o.Now()
	pipe := s.c.Pipeline()
	var days []*goredis.StringSliceCmd
	for d := from.UTC().Truncate(24 * time.Hour); !d.After(now); d = d.Add(24 * time.Hour) {
		days = append(days, pipe.SMembers(ctx, s.dayKey(d)))
	}
	if _, err := pipe.Exec(ctx); err != nil && err != goredis.Nil {
		return fmt.Errorf("reading the event index: %w", err)
	}
	var people []string
	seen := map[string]bool{}
	for _, c := range days {
		for _, h := range c.Val() {
			if !seen[h] {
				seen[h] = true
				people = append(people, h)
			}
		}
	}
	since := strconv.FormatInt(from.UnixMilli(), 10)
	for len(people) > 0 {
		batch := people[:min(eventBatch, len(people))]
		people = people[len(batch):]
		pipe := s.c.Pipeline()
		cmds := make([]*goredis.StringSliceCmd, len(batch))
		for i, h := range batch {
			cmds[i] = pipe.ZRangeByScore(ctx, s.hashKeys(h).events, &goredis.ZRangeBy{Min: since, Max: "+inf"})
		}
		if _, err := pipe.Exec(ctx); err != nil && err != goredis.Nil {
			return fmt.Errorf("reading events: %w", err)
		}
		for i, c := range cmds {
			for _, raw := range c.Val() {
				var ev bot.Event
				if err := json.Unmarshal([]byte(raw), &ev); err != nil {
					return fmt.Errorf("decoding an event: %w", err)
				}
				ev.Person = batch[i]
				if err := fn(ev); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
