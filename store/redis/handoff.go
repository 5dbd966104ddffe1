package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
)

// The handoff queue is a Redis Stream (<prefix>handoffs) read by the
// consumer group "notifiers": every serve process is a consumer. An entry
// is added in the commit pipeline just before the commit script, so a
// committed referral always has its entry; an entry whose record is not
// there yet is retried, and dead-lettered if the record never appears (its
// turn failed to commit). Entries that fail go to <prefix>handoffs:dead.
// Referral records live with the person ({h}:refs, see keys.go) and are
// found from the id, which carries the person hash.

const handoffGroup = "notifiers"

var (
	_ handoff.Queue   = (*Store)(nil)
	_ handoff.Records = (*Store)(nil)
)

func (s *Store) streamKey() string       { return s.o.Prefix + "handoffs" }
func (s *Store) deadKey() string         { return s.o.Prefix + "handoffs:dead" }
func (s *Store) linkKey(r string) string { return s.o.Prefix + "link:" + r }

// enqueueHandoffs adds the turn's handoffs to the stream (in the commit pipeline).
func (s *Store) enqueueHandoffs(ctx context.Context, pipe goredis.Pipeliner, hs []bot.Handoff) {
	for _, h := range hs {
		pipe.XAdd(ctx, &goredis.XAddArgs{Stream: s.streamKey(), Values: []any{"id", h.ID, "kind", h.Kind}})
	}
}

// EnsureGroup creates the consumer group (and the stream) if missing.
func (s *Store) EnsureGroup(ctx context.Context) error {
	err := s.c.XGroupCreateMkStream(ctx, s.streamKey(), handoffGroup, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("creating the handoff consumer group: %w", err)
	}
	return nil
}

func entries(msgs []goredis.XMessage, deliveries map[string]int64) []handoff.Entry {
	out := make([]handoff.Entry, 0, len(msgs))
	for _, m := range msgs {
		id, _ := m.Values["id"].(string)
		kind, _ := m.Values["kind"].(string)
		d := int(deliveries[m.ID])
		if d == 0 {
			d = 1
		}
		out = append(out, handoff.Entry{StreamID: m.ID, ID: id, Kind: kind, Deliveries: d})
	}
	return out
}

// Read implements handoff.Queue. block is always bounded (go-redis Block 0
// would wait for ever).
func (s *Store) Read(ctx context.Context, consumer string, n int, block time.Duration) ([]handoff.Entry, error) {
	block = max(block, time.Millisecond)
	args := &goredis.XReadGroupArgs{Group: handoffGroup, Consumer: consumer,
		Streams: []string{s.streamKey(), ">"}, Count: int64(n), Block: block}
	res, err := s.c.XReadGroup(ctx, args).Result()
	if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
		// First use: the group reads the stream from its start.
		if err := s.EnsureGroup(ctx); err != nil {
			return nil, err
		}
		res, err = s.c.XReadGroup(ctx, args).Result()
	}
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading handoffs: %w", err)
	}
	var out []handoff.Entry
	for _, st := range res {
		out = append(out, entries(st.Messages, nil)...)
	}
	return out, nil
}

// Stale implements handoff.Queue with XAUTOCLAIM, then XPENDING for the
// delivery counts.
func (s *Store) Stale(ctx context.Context, consumer string, minIdle time.Duration, n int) ([]handoff.Entry, error) {
	msgs, _, err := s.c.XAutoClaim(ctx, &goredis.XAutoClaimArgs{Stream: s.streamKey(), Group: handoffGroup,
		Consumer: consumer, MinIdle: minIdle, Start: "0-0", Count: int64(n)}).Result()
	if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
		return nil, s.EnsureGroup(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("claiming stale handoffs: %w", err)
	}
	if len(msgs) == 0 {
		return nil, nil
	}
	counts := map[string]int64{}
	pend, err := s.c.XPendingExt(ctx, &goredis.XPendingExtArgs{Stream: s.streamKey(), Group: handoffGroup,
		Start: msgs[0].ID, End: msgs[len(msgs)-1].ID, Count: int64(len(msgs)) + 100, Consumer: consumer}).Result()
	if err != nil {
		return nil, fmt.Errorf("reading handoff delivery counts: %w", err)
	}
	for _, p := range pend {
		counts[p.ID] = p.RetryCount
	}
	return entries(msgs, counts), nil
}

// Ack implements handoff.Queue: acknowledged and removed from the stream.
func (s *Store) Ack(ctx context.Context, e handoff.Entry) error {
	pipe := s.c.Pipeline()
	pipe.XAck(ctx, s.streamKey(), handoffGroup, e.StreamID)
	pipe.XDel(ctx, s.streamKey(), e.StreamID)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("acknowledging a handoff: %w", err)
	}
	return nil
}

// DeadLetter implements handoff.Queue.
func (s *Store) DeadLetter(ctx context.Context, e handoff.Entry, reason string) error {
	pipe := s.c.TxPipeline()
	pipe.XAdd(ctx, &goredis.XAddArgs{Stream: s.deadKey(), Values: []any{"id", e.ID, "kind", e.Kind,
		"deliveries", e.Deliveries, "reason", reason, "at", time.Now().UTC().Format(time.RFC3339)}})
	pipe.XAck(ctx, s.streamKey(), handoffGroup, e.StreamID)
	pipe.XDel(ctx, s.streamKey(), e.StreamID)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("dead-lettering a handoff: %w", err)
	}
	return nil
}

// Enqueue implements handoff.Queue.
func (s *Store) Enqueue(ctx context.Context, e handoff.Entry) error {
	if err := s.c.XAdd(ctx, &goredis.XAddArgs{Stream: s.streamKey(), Values: []any{"id", e.ID, "kind", e.Kind}}).Err(); err != nil {
		return fmt.Errorf("enqueueing a handoff: %w", err)
	}
	return nil
}

// DeadLetters returns the dead-lettered entries (for operators and tests).
func (s *Store) DeadLetters(ctx context.Context) ([]map[string]any, error) {
	msgs, err := s.c.XRange(ctx, s.deadKey(), "-", "+").Result()
	if err != nil {
		return nil, fmt.Errorf("reading dead letters: %w", err)
	}
	out := make([]map[string]any, len(msgs))
	for i, m := range msgs {
		out[i] = m.Values
	}
	return out, nil
}

// refsKey is the records hash of the person a handoff id belongs to.
func (s *Store) refsKey(id string) (string, error) {
	h, ok := bot.Person(id)
	if !ok {
		return "", handoff.ErrNotFound
	}
	return s.hashKeys(h).refs, nil
}

// Referral implements handoff.Records.
func (s *Store) Referral(ctx context.Context, id string) (*bot.Handoff, error) {
	key, err := s.refsKey(id)
	if err != nil {
		return nil, nil
	}
	raw, err := s.c.HGet(ctx, key, id).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading a referral: %w", err)
	}
	var h bot.Handoff
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("decoding a referral: %w", err)
	}
	return &h, nil
}

// Update implements handoff.Records with optimistic locking (WATCH on the
// person's records): concurrent updates are applied one after the other.
func (s *Store) Update(ctx context.Context, id string, fn func(*bot.Handoff) error) (*bot.Handoff, error) {
	key, err := s.refsKey(id)
	if err != nil {
		return nil, err
	}
	var out *bot.Handoff
	for range 20 {
		err = s.c.Watch(ctx, func(tx *goredis.Tx) error {
			raw, err := tx.HGet(ctx, key, id).Bytes()
			if errors.Is(err, goredis.Nil) {
				return handoff.ErrNotFound
			}
			if err != nil {
				return err
			}
			var h bot.Handoff
			if err := json.Unmarshal(raw, &h); err != nil {
				return fmt.Errorf("decoding a referral: %w", err)
			}
			if err := fn(&h); err != nil {
				return err
			}
			b, err := json.Marshal(h)
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				p.HSet(ctx, key, id, b)
				return nil
			})
			out = &h
			return err
		}, key)
		if !errors.Is(err, goredis.TxFailedErr) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("updating a referral: %w", err)
	}
	return out, nil
}

// Claim implements handoff.Records: first claim wins.
func (s *Store) Claim(ctx context.Context, id, worker string, at time.Time) (*bot.Handoff, bool, error) {
	won := false
	h, err := s.Update(ctx, id, func(h *bot.Handoff) error {
		won = false
		if h.Assignee != "" {
			return nil
		}
		h.Assignee, h.Status, h.ClaimedAt, won = worker, bot.StatusClaimed, at, true
		return nil
	})
	return h, won, err
}

// Link implements handoff.Records.
func (s *Store) Link(ctx context.Context, ref, id string) error {
	if err := s.c.Set(ctx, s.linkKey(ref), id, s.o.ReferralTTL).Err(); err != nil {
		return fmt.Errorf("linking a message to a referral: %w", err)
	}
	return nil
}

// Linked implements handoff.Records.
func (s *Store) Linked(ctx context.Context, ref string) (string, error) {
	id, err := s.c.Get(ctx, s.linkKey(ref)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("finding a linked referral: %w", err)
	}
	return id, nil
}
