package memory

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
)

var (
	_ handoff.Queue   = (*Store)(nil)
	_ handoff.Records = (*Store)(nil)
)

// qentry is a handoff queue entry; taken is zero until a consumer reads it.
type qentry struct {
	e        handoff.Entry
	consumer string
	taken    time.Time
}

// enqueue adds entries for a turn's handoffs. m.mu is held.
func (m *Store) enqueue(hs []bot.Handoff) {
	for _, h := range hs {
		m.seq++
		m.queue = append(m.queue, &qentry{e: handoff.Entry{StreamID: strconv.FormatUint(m.seq, 10), ID: h.ID, Kind: h.Kind}})
	}
}

// Read implements handoff.Queue.
func (m *Store) Read(ctx context.Context, consumer string, n int, block time.Duration) ([]handoff.Entry, error) {
	deadline := time.Now().Add(block)
	for {
		m.mu.Lock()
		var out []handoff.Entry
		for _, q := range m.queue {
			if len(out) == n {
				break
			}
			if q.taken.IsZero() {
				q.taken, q.consumer = time.Now(), consumer
				q.e.Deliveries = 1
				out = append(out, q.e)
			}
		}
		m.mu.Unlock()
		if len(out) > 0 || !time.Now().Before(deadline) {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(min(20*time.Millisecond, time.Until(deadline))):
		}
	}
}

// Stale implements handoff.Queue.
func (m *Store) Stale(_ context.Context, consumer string, minIdle time.Duration, n int) ([]handoff.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []handoff.Entry
	for _, q := range m.queue {
		if len(out) == n {
			break
		}
		if !q.taken.IsZero() && time.Since(q.taken) >= minIdle {
			q.taken, q.consumer = time.Now(), consumer
			q.e.Deliveries++
			out = append(out, q.e)
		}
	}
	return out, nil
}

// Ack implements handoff.Queue.
func (m *Store) Ack(_ context.Context, e handoff.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queue = slices.DeleteFunc(m.queue, func(q *qentry) bool { return q.e.StreamID == e.StreamID })
	return nil
}

// DeadLetter implements handoff.Queue.
func (m *Store) DeadLetter(ctx context.Context, e handoff.Entry, reason string) error {
	m.mu.Lock()
	m.dead = append(m.dead, map[string]any{"id": e.ID, "kind": e.Kind, "reason": reason, "deliveries": e.Deliveries})
	m.mu.Unlock()
	return m.Ack(ctx, e)
}

// Enqueue implements handoff.Queue.
func (m *Store) Enqueue(_ context.Context, e handoff.Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	e.StreamID, e.Deliveries = strconv.FormatUint(m.seq, 10), 0
	m.queue = append(m.queue, &qentry{e: e})
	return nil
}

// DeadLetters returns the dead-lettered entries.
func (m *Store) DeadLetters(context.Context) ([]map[string]any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.dead), nil
}

// Referral implements handoff.Records.
func (m *Store) Referral(_ context.Context, id string) (*bot.Handoff, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.handoffs {
		if m.handoffs[i].ID == id {
			h := m.handoffs[i]
			h.Delivered = cloneMap(h.Delivered)
			return &h, nil
		}
	}
	return nil, nil
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Update implements handoff.Records.
func (m *Store) Update(_ context.Context, id string, fn func(*bot.Handoff) error) (*bot.Handoff, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.handoffs {
		if m.handoffs[i].ID != id {
			continue
		}
		h := m.handoffs[i]
		h.Delivered = cloneMap(h.Delivered)
		if err := fn(&h); err != nil {
			return nil, err
		}
		m.handoffs[i] = h
		out := h
		out.Delivered = cloneMap(h.Delivered)
		return &out, nil
	}
	return nil, handoff.ErrNotFound
}

// Claim implements handoff.Records.
func (m *Store) Claim(ctx context.Context, id, worker string, at time.Time) (*bot.Handoff, bool, error) {
	won := false
	h, err := m.Update(ctx, id, func(h *bot.Handoff) error {
		if h.Assignee == "" {
			h.Assignee, h.Status, h.ClaimedAt, won = worker, bot.StatusClaimed, at, true
		}
		return nil
	})
	return h, won, err
}

// Link implements handoff.Records.
func (m *Store) Link(_ context.Context, ref, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.links[ref] = id
	return nil
}

// Linked implements handoff.Records.
func (m *Store) Linked(_ context.Context, ref string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.links[ref], nil
}
