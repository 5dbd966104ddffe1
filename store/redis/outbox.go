package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
)

// The outbox. A turn's replies are pushed to the person's outbox list by the
// commit script, atomically with the session; then a hint is added to the
// global outq zset. Dispatchers read due hints, lease one person at a time
// (olease, so one sender per person keeps the order), send the oldest
// reply, and finish it under the lease. Hints are only an index: each
// update of a hint compares the score read, so a turn that queues a reply
// while a dispatcher finishes can never lose its hint.

var _ outbox.Store = (*Store)(nil)

// leaseScript leases a person's oldest reply.
//
// KEYS[1] outbox  KEYS[2] olease  KEYS[3] optout
// ARGV[1] lease token  ARGV[2] lease ms
// Returns {"busy"}, {"empty"} or {"ok", oldest reply JSON, opted out 0/1}.
var leaseScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {'busy'}
end
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  return {'empty'}
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {'ok', head, redis.call('EXISTS', KEYS[3])}
`)

// finishScript records what happened to a leased reply and ends the lease.
//
// KEYS[1] outbox  KEYS[2] olease  KEYS[3] optout
// ARGV[1] lease token
// ARGV[2] outcome: sent, drop, retry, optout, defer
// ARGV[3] the leased reply JSON (found by value: an urgent reply may have gone in front)
// ARGV[4] for retry: the reply JSON with its attempts counted
// ARGV[5] session TTL ms (the opt-out never expires; the outbox does)
// Returns the number of replies left, or -1 when the lease was lost.
var finishScript = goredis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return -1
end
redis.call('DEL', KEYS[2])
-- Usually the head, but an urgent reply queued meanwhile goes in front.
local at = redis.call('LPOS', KEYS[1], ARGV[3])
if ARGV[2] == 'sent' or ARGV[2] == 'drop' then
  if at then
    redis.call('LREM', KEYS[1], 1, ARGV[3])
  end
elseif ARGV[2] == 'retry' then
  if at then
    redis.call('LSET', KEYS[1], at, ARGV[4])
  end
elseif ARGV[2] == 'optout' then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[3], '1')
end
return redis.call('LLEN', KEYS[1])
`)

// hintScript changes a hint only if it still has the score the caller read.
//
// KEYS[1] outq   ARGV[1] person hash   ARGV[2] the score read
// ARGV[3] the new score, or "" to remove the hint
// Returns 1 when changed.
var hintScript = goredis.NewScript(`
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then
  return 0
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
`)

// Due implements outbox.Store.
func (s *Store) Due(ctx context.Context, now time.Time, n int) ([]outbox.Hint, error) {
	zs, err := s.c.ZRangeByScoreWithScores(ctx, s.outqKey(), &goredis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(n)}).Result()
	if err != nil {
		return nil, fmt.Errorf("reading the outbox index: %w", err)
	}
	hints := make([]outbox.Hint, 0, len(zs))
	for _, z := range zs {
		h, _ := z.Member.(string)
		hints = append(hints, outbox.Hint{Person: h, Score: z.Score})
	}
	return hints, nil
}

func (s *Store) hint(ctx context.Context, h string, read float64, next string) error {
	if err := hintScript.Run(ctx, s.c, []string{s.outqKey()}, h, strconv.FormatFloat(read, 'f', -1, 64), next).Err(); err != nil {
		return fmt.Errorf("updating the outbox index: %w", err)
	}
	return nil
}

// Lease implements outbox.Store.
func (s *Store) Lease(ctx context.Context, h outbox.Hint, now time.Time, lease time.Duration) (*outbox.Item, error) {
	k := s.hashKeys(h.Person)
	token := newToken()
	res, err := leaseScript.Run(ctx, s.c, []string{k.outbox, k.olease, k.optout}, token, lease.Milliseconds()).Slice()
	if err != nil {
		return nil, fmt.Errorf("leasing an outbox: %w", err)
	}
	switch res[0] {
	case "busy":
		return nil, nil
	case "empty":
		return nil, s.hint(ctx, h.Person, h.Score, "")
	}
	it := &outbox.Item{Hint: h, Token: token, Until: float64(now.Add(lease).UnixMilli())}
	raw, _ := res[1].(string)
	if err := json.Unmarshal([]byte(raw), &it.Msg); err != nil {
		return nil, fmt.Errorf("decoding a queued reply: %w", err)
	}
	n, _ := res[2].(int64)
	it.OptedOut = n == 1
	// Hide the hint while leased, so other dispatchers do not spin on it.
	return it, s.hint(ctx, h.Person, h.Score, strconv.FormatFloat(it.Until, 'f', -1, 64))
}

// Finish implements outbox.Store.
func (s *Store) Finish(ctx context.Context, it *outbox.Item, o outbox.Outcome, at time.Time) error {
	k := s.hashKeys(it.Person)
	head, err := json.Marshal(it.Msg)
	if err != nil {
		return fmt.Errorf("encoding a queued reply: %w", err)
	}
	var retried []byte
	outcome := map[outbox.Outcome]string{outbox.Sent: "sent", outbox.Drop: "drop", outbox.Retry: "retry",
		outbox.OptOut: "optout", outbox.Defer: "defer"}[o]
	if o == outbox.Retry {
		m := it.Msg
		m.Attempts++
		if retried, err = json.Marshal(m); err != nil {
			return fmt.Errorf("encoding a queued reply: %w", err)
		}
	}
	left, err := finishScript.Run(ctx, s.c, []string{k.outbox, k.olease, k.optout}, it.Token, outcome, head, retried,
		(s.o.SessionTTL + s.sessionGrace()).Milliseconds()).Int64()
	if err != nil {
		return fmt.Errorf("finishing an outbox send: %w", err)
	}
	switch {
	case left < 0:
		return nil // the lease expired; whoever has it now finishes
	case left > 0 && (o == outbox.Retry || o == outbox.Defer):
		return s.c.ZAdd(ctx, s.outqKey(), goredis.Z{Score: float64(at.UnixMilli()), Member: it.Person}).Err()
	case left > 0:
		return s.c.ZAdd(ctx, s.outqKey(), goredis.Z{Score: float64(s.o.Now().UnixMilli()), Member: it.Person}).Err()
	default:
		return s.hint(ctx, it.Person, it.Until, "")
	}
}

// Pending returns the replies waiting in a person's outbox (for tests).
func (s *Store) Pending(ctx context.Context, convKey string) ([]bot.Outbound, error) {
	vals, err := s.c.LRange(ctx, s.personKeys(convKey).outbox, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("reading an outbox: %w", err)
	}
	out := make([]bot.Outbound, len(vals))
	for i, v := range vals {
		if err := json.Unmarshal([]byte(v), &out[i]); err != nil {
			return nil, fmt.Errorf("decoding a queued reply: %w", err)
		}
	}
	return out, nil
}
