package memory

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/signpost-app/signpost/bot/outbox"
)

// Limiter is an in-process rate limiter (golang.org/x/time/rate), for the
// embedded default where one process does all the sending.
type Limiter struct {
	mu sync.Mutex
	l  map[string]*rate.Limiter
}

var _ outbox.Limiter = (*Limiter)(nil)

// NewLimiter returns an empty Limiter.
func NewLimiter() *Limiter { return &Limiter{l: map[string]*rate.Limiter{}} }

// Reserve implements outbox.Limiter.
func (m *Limiter) Reserve(_ context.Context, key string, perSecond, cost int) (time.Duration, error) {
	cost = max(1, min(cost, perSecond))
	m.mu.Lock()
	l, ok := m.l[key]
	if !ok {
		l = rate.NewLimiter(rate.Limit(perSecond), perSecond)
		m.l[key] = l
	}
	m.mu.Unlock()
	r := l.ReserveN(time.Now(), cost)
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d, nil
	}
	return 0, nil
}

// NewLimiter returns the in-process rate limiter that goes with the store.
func (m *Store) NewLimiter() outbox.Limiter { return NewLimiter() }
