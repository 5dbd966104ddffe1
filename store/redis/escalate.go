package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot/handoff"
)

// Escalations is the escalation schedule in Redis: one sorted set,
//
//	<prefix>escalations   zset   handoff id scored by when it is next escalated (unix ms)
//
// A global key (no person in it): ids carry only the person's hash.
type Escalations struct {
	s     *Store
	lease time.Duration
}

var _ handoff.Escalations = (*Escalations)(nil)

// EscalationLease is how long a claimed escalation stays away before it
// comes back to another caller, if its caller neither schedules it again
// nor cancels it (it died).
const EscalationLease = time.Minute

// Escalations returns the store's escalation schedule.
func (s *Store) Escalations() *Escalations { return &Escalations{s: s, lease: EscalationLease} }

func (e *Escalations) key() string { return e.s.o.Prefix + "escalations" }

// Schedule implements handoff.Escalations (ZADD: sets or moves the time).
func (e *Escalations) Schedule(ctx context.Context, id string, at time.Time) error {
	if err := e.s.c.ZAdd(ctx, e.key(), goredis.Z{Score: float64(at.UnixMilli()), Member: id}).Err(); err != nil {
		return fmt.Errorf("scheduling an escalation: %w", err)
	}
	return nil
}

// Cancel implements handoff.Escalations.
func (e *Escalations) Cancel(ctx context.Context, id string) error {
	if err := e.s.c.ZRem(ctx, e.key(), id).Err(); err != nil {
		return fmt.Errorf("cancelling an escalation: %w", err)
	}
	return nil
}

// claimEscalationsScript takes up to n due escalations in one atomic step:
// it reads the ids due by now and moves each to the end of its lease, so
// a concurrent caller cannot see them as due (each is claimed exactly
// once per lease), and one whose caller dies comes back when the lease
// ends. A Schedule or Cancel after the claim wins, as it should.
//
// KEYS[1] escalations   ARGV[1] now (unix ms)   ARGV[2] n   ARGV[3] lease end (unix ms)
// Returns the claimed ids, earliest first.
var claimEscalationsScript = goredis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[3], id)
end
return ids
`)

// ClaimDue implements handoff.Escalations.
func (e *Escalations) ClaimDue(ctx context.Context, now time.Time, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	ids, err := claimEscalationsScript.Run(ctx, e.s.c, []string{e.key()},
		now.UnixMilli(), n, now.Add(e.lease).UnixMilli()).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claiming due escalations: %w", err)
	}
	return ids, nil
}
