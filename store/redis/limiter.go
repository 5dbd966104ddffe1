package redis

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"github.com/signpost-app/signpost/bot/outbox"
)

// Limiter is a rate limiter shared by every process through Redis, on
// go-redis/redis_rate (GCRA, one Lua call per check).
type Limiter struct {
	l      *redis_rate.Limiter
	prefix string
}

var _ outbox.Limiter = (*Limiter)(nil)

// NewLimiter returns a Limiter on the store's Redis and key prefix.
func (s *Store) NewLimiter() outbox.Limiter {
	return &Limiter{l: redis_rate.NewLimiter(s.c), prefix: s.o.Prefix}
}

// Reserve implements outbox.Limiter. A cost above the per-second budget is
// charged as the whole budget, so a long message waits its turn instead of
// never fitting.
func (l *Limiter) Reserve(ctx context.Context, key string, perSecond, cost int) (time.Duration, error) {
	cost = max(1, min(cost, perSecond))
	res, err := l.l.AllowN(ctx, l.prefix+key, redis_rate.PerSecond(perSecond), cost)
	if err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", key, err)
	}
	if res.Allowed >= cost {
		return 0, nil
	}
	return max(res.RetryAfter, time.Millisecond), nil
}
