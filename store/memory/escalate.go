package memory

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/signpost-app/signpost/bot/handoff"
)

// Escalations is the escalation schedule of a memory store: a map of
// handoff ids to when they are next escalated, in this process only.
type Escalations struct {
	mu    sync.Mutex
	due   map[string]time.Time
	lease time.Duration
}

var _ handoff.Escalations = (*Escalations)(nil)

// EscalationLease is how long a claimed escalation stays away before it
// comes back, if its caller neither schedules it again nor cancels it.
const EscalationLease = time.Minute

// schedules holds each store's schedule (a Store has no field for it):
// *Store → *Escalations.
var schedules sync.Map

// Escalations returns the store's escalation schedule; every call on one
// store returns the same schedule.
func (m *Store) Escalations() *Escalations {
	e, _ := schedules.LoadOrStore(m, &Escalations{due: map[string]time.Time{}, lease: EscalationLease})
	return e.(*Escalations)
}

// Schedule implements handoff.Escalations.
func (e *Escalations) Schedule(_ context.Context, id string, at time.Time) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.due[id] = at
	return nil
}

// Cancel implements handoff.Escalations.
func (e *Escalations) Cancel(_ context.Context, id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.due, id)
	return nil
}

// ClaimDue implements handoff.Escalations: up to n due ids, earliest
// first, each moved a lease into the future.
func (e *Escalations) ClaimDue(_ context.Context, now time.Time, n int) ([]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []string
	for id, at := range e.due {
		if !at.After(now) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return e.due[a].Compare(e.due[b]) })
	if len(ids) > n {
		ids = ids[:max(n, 0)]
	}
	for _, id := range ids {
		e.due[id] = now.Add(e.lease)
	}
	return ids, nil
}
