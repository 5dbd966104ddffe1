package memory

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
)

var _ outbox.Store = (*Store)(nil)

// olease is a person's outbox lease.
type olease struct {
	token string
	until time.Time
}

// queueReplies saves a turn's replies in the person's outbox when their channel
// is delivered from the outbox. m.mu is held.
func (m *Store) queueReplies(key string, t *bot.Turn, now time.Time) {
	if t.Erase {
		delete(m.outbox, key)
	}
	n := 0
	for _, o := range t.Outbound {
		if !slices.Contains(m.o.Outbox, o.Channel) {
			continue
		}
		if o.Urgent { // crisis signposting goes before anything queued
			m.outbox[key] = append([]bot.Outbound{o}, m.outbox[key]...)
		} else {
			m.outbox[key] = append(m.outbox[key], o)
		}
		n++
	}
	if n > 0 {
		m.outq[key] = float64(now.UnixMilli())
	}
}

// Due implements outbox.Store.
func (m *Store) Due(_ context.Context, now time.Time, n int) ([]outbox.Hint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var hints []outbox.Hint
	for p, score := range m.outq {
		if score <= float64(now.UnixMilli()) {
			hints = append(hints, outbox.Hint{Person: p, Score: score})
		}
	}
	sort.Slice(hints, func(i, j int) bool { return hints[i].Score < hints[j].Score })
	if len(hints) > n {
		hints = hints[:n]
	}
	return hints, nil
}

// Lease implements outbox.Store.
func (m *Store) Lease(_ context.Context, h outbox.Hint, now time.Time, lease time.Duration) (*outbox.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.oleases[h.Person]; ok && now.Before(l.until) {
		return nil, nil
	}
	q := m.outbox[h.Person]
	if len(q) == 0 {
		if m.outq[h.Person] == h.Score {
			delete(m.outq, h.Person)
		}
		return nil, nil
	}
	m.tokens++
	until := now.Add(lease)
	it := &outbox.Item{Hint: h, Token: strconv.FormatUint(m.tokens, 36), Until: float64(until.UnixMilli()),
		Msg: q[0], OptedOut: m.optouts[m.hash(h.Person)]}
	m.oleases[h.Person] = olease{token: it.Token, until: until}
	if m.outq[h.Person] == h.Score {
		m.outq[h.Person] = it.Until
	}
	return it, nil
}

// Finish implements outbox.Store.
func (m *Store) Finish(_ context.Context, it *outbox.Item, o outbox.Outcome, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := it.Person
	if l, ok := m.oleases[p]; !ok || l.token != it.Token {
		return nil // the lease expired and someone else has the message now
	}
	delete(m.oleases, p)
	q := m.outbox[p]
	i := slices.IndexFunc(q, func(x bot.Outbound) bool { return x.ID == it.Msg.ID })
	switch o {
	case outbox.Sent, outbox.Drop:
		if i >= 0 {
			q = slices.Delete(q, i, i+1)
		}
	case outbox.Retry:
		if i >= 0 {
			q[i].Attempts++
		}
	case outbox.OptOut:
		q = nil
		m.optouts[m.hash(p)] = true
	}
	if len(q) == 0 {
		delete(m.outbox, p)
	} else {
		m.outbox[p] = q
	}
	switch {
	case (o == outbox.Retry || o == outbox.Defer) && len(q) > 0:
		m.outq[p] = float64(at.UnixMilli())
	case len(q) > 0:
		m.outq[p] = float64(m.o.Now().UnixMilli())
	case m.outq[p] == it.Until:
		delete(m.outq, p)
	}
	return nil
}

// Pending returns the messages waiting in a person's outbox (for tests).
func (m *Store) Pending(_ context.Context, key string) ([]bot.Outbound, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.outbox[key]), nil
}
