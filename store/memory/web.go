package memory

import (
	"context"
	"slices"
	"sort"

	"github.com/signpost-app/signpost/bot"
)

// AppendWeb implements web.Transcript (the last 200 replies are kept).
func (m *Store) AppendWeb(_ context.Context, address string, o bot.Outbound) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := bot.ConversationKey(bot.ChannelWeb, address)
	m.webseq[key]++
	t := append(m.web[key], bot.WebMessage{Seq: m.webseq[key], Out: o})
	if len(t) > 200 {
		t = t[len(t)-200:]
	}
	m.web[key] = t
	return nil
}

// WebSince implements web.Transcript.
func (m *Store) WebSince(_ context.Context, address string, after int64) ([]bot.WebMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []bot.WebMessage
	for _, msg := range m.web[bot.ConversationKey(bot.ChannelWeb, address)] {
		if msg.Seq > after {
			out = append(out, msg)
		}
	}
	return out, nil
}

// ListReferrals implements inbox.Referrals: newest first.
func (m *Store) ListReferrals(_ context.Context, n int) ([]*bot.Handoff, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*bot.Handoff
	for i := range m.handoffs {
		h := m.handoffs[i]
		if h.Kind == bot.KindReferral || h.Kind == bot.KindAlert {
			h.Delivered = cloneMap(h.Delivered)
			out = append(out, &h)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// PersonRecords implements inbox.Referrals.
func (m *Store) PersonRecords(_ context.Context, id string) ([]*bot.Handoff, error) {
	person, ok := bot.Person(id)
	if !ok {
		return nil, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*bot.Handoff
	for i := range m.handoffs {
		if p, _ := bot.Person(m.handoffs[i].ID); p == person {
			h := m.handoffs[i]
			h.Delivered = cloneMap(h.Delivered)
			out = append(out, &h)
		}
	}
	return slices.Clip(out), nil
}
