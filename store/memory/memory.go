// Package memory is the in-memory store: the embedded default for trying
// Signpost out and for `signpost chat`. It keeps the same rules as the Redis
// store (per-person inbox and lock, dedupe marks, TTLs, erasure) inside one
// process; everything is lost when the process stops.
package memory

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/signpost-app/signpost/bot"
)

// Options configure a Store. Zero values take the defaults.
type Options struct {
	Now        func() time.Time
	Salt       string        // salts the opt-out hashes
	SessionTTL time.Duration // inactive sessions expire; default 30 days
	DedupeTTL  time.Duration // provider message ids are remembered; default 48 h
	LockTTL    time.Duration // a turn's lock expires if its holder dies; default 30 s
	Outbox     []string      // channels whose replies are kept in the outbox for a dispatcher
	// ReferralTTL drops referral records this long after they were made;
	// default 365 days.
	ReferralTTL time.Duration
	// EventTTL drops monitoring events this long after they happened;
	// default 400 days.
	EventTTL time.Duration
}

// Store is an in-memory bot.Store. It is safe for concurrent use.
type Store struct {
	o Options

	mu       sync.Mutex
	sessions map[string]entry
	dedupe   map[string]time.Time // dedupe key → expiry
	optouts  map[string]bool      // salted hash of the conversation key
	inbox    map[string][]bot.Inbound
	locks    map[string]lock
	handoffs []bot.Handoff
	timers   map[string]time.Time // bot.TimerMember → due time
	outbox   map[string][]bot.Outbound
	outq     map[string]float64 // person → when their outbox is due (unix ms)
	oleases  map[string]olease
	queue    []*qentry // the handoff queue
	dead     []map[string]any
	links    map[string]string
	web      map[string][]bot.WebMessage
	webseq   map[string]int64
	events   map[string][]bot.Event // person hash → their monitoring events, oldest first
	eventsGC time.Time              // when old events were last dropped
	seq      uint64
	tokens   uint64
	ops      int
}

type entry struct {
	s       *bot.Session
	expires time.Time
}

type lock struct {
	token   string
	expires time.Time
}

var (
	_ bot.Store      = (*Store)(nil)
	_ bot.TimerStore = (*Store)(nil)
	_ bot.Orphans    = (*Store)(nil)
)

// New returns an empty Store.
func New(o Options) *Store {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * 24 * time.Hour
	}
	if o.DedupeTTL <= 0 {
		o.DedupeTTL = 48 * time.Hour
	}
	if o.LockTTL <= 0 {
		o.LockTTL = 30 * time.Second
	}
	if o.ReferralTTL <= 0 {
		o.ReferralTTL = 365 * 24 * time.Hour
	}
	if o.EventTTL <= 0 {
		o.EventTTL = 400 * 24 * time.Hour
	}
	return &Store{o: o, sessions: map[string]entry{}, dedupe: map[string]time.Time{},
		optouts: map[string]bool{}, inbox: map[string][]bot.Inbound{}, locks: map[string]lock{},
		timers: map[string]time.Time{}, outbox: map[string][]bot.Outbound{}, outq: map[string]float64{},
		oleases: map[string]olease{}, links: map[string]string{},
		web: map[string][]bot.WebMessage{}, webseq: map[string]int64{}, events: map[string][]bot.Event{}}
}

// Ping reports the store healthy; it is always reachable.
func (m *Store) Ping(context.Context) error { return nil }

// Begin implements bot.Store.
func (m *Store) Begin(_ context.Context, in bot.Inbound) (*bot.Turn, error) {
	now := m.o.Now()
	key := in.Key()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gc(now)
	if in.ID != "" {
		dk := key + "|" + in.ID // per person, as in Redis
		if exp, ok := m.dedupe[dk]; ok && now.Before(exp) {
			return nil, bot.ErrDuplicate
		}
		m.dedupe[dk] = now.Add(m.o.DedupeTTL)
	}
	m.inbox[key] = append(m.inbox[key], in)
	if l, ok := m.locks[key]; ok && now.Before(l.expires) {
		return nil, bot.ErrQueued
	}
	m.tokens++
	token := strconv.FormatUint(m.tokens, 36)
	m.locks[key] = lock{token: token, expires: now.Add(m.o.LockTTL)}
	return m.turn(key, token, now), nil
}

// turn builds the Turn for the oldest message in key's inbox. m.mu is held.
func (m *Store) turn(key, token string, now time.Time) *bot.Turn {
	t := &bot.Turn{Msg: m.inbox[key][0], Token: token}
	if len(m.optouts) > 0 {
		t.OptedOut = m.optouts[m.hash(key)]
	}
	if e, ok := m.sessions[key]; ok && now.Before(e.expires) {
		t.Session = e.s.Clone()
	}
	return t
}

// Commit implements bot.Store.
func (m *Store) Commit(_ context.Context, t *bot.Turn) (*bot.Turn, error) {
	now := m.o.Now()
	key := t.Msg.Key()
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.locks[key]; !ok || l.token != t.Token {
		return nil, bot.ErrLockLost
	}
	h := m.hash(key)
	switch t.OptOut {
	case bot.OptOut:
		m.optouts[h] = true
	case bot.OptIn:
		delete(m.optouts, h)
	}
	if t.Forget {
		delete(m.sessions, key)
	}
	if t.Erase {
		delete(m.web, key)
		delete(m.sessions, key)
		delete(m.events, h)
		m.handoffs = slices.DeleteFunc(m.handoffs, func(x bot.Handoff) bool { return x.Conversation() == key })
	} else if t.Session != nil && !t.Forget {
		// The engine is done with the session: keep it without a copy; every
		// Turn handed out gets its own clone.
		m.sessions[key] = entry{s: t.Session, expires: now.Add(t.Session.TTL(now, m.o.SessionTTL))}
	}
	if !t.Erase && len(t.Events) > 0 {
		m.events[h] = append(m.events[h], t.Events...)
	}
	m.handoffs = append(m.handoffs, t.Handoffs...)
	m.enqueue(t.Handoffs)
	m.queueReplies(key, t, now)
	for _, kind := range bot.TimerKinds {
		delete(m.timers, bot.TimerMember(kind, t.Msg.Channel, t.Msg.Address))
	}
	if !t.Erase {
		for _, tm := range t.Timers {
			m.timers[bot.TimerMember(tm.Kind, t.Msg.Channel, t.Msg.Address)] = tm.At
		}
	}

	q := m.inbox[key]
	if len(q) > 0 {
		q[0] = bot.Inbound{}
		q = q[1:]
	}
	if len(q) == 0 {
		delete(m.inbox, key)
		delete(m.locks, key)
		return nil, nil
	}
	m.inbox[key] = q
	m.locks[key] = lock{token: t.Token, expires: now.Add(m.o.LockTTL)}
	return m.turn(key, t.Token, now), nil
}

// ClaimDue implements bot.TimerStore.
func (m *Store) ClaimDue(_ context.Context, now time.Time, n int) ([]bot.Inbound, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var due []bot.Inbound
	for member, at := range m.timers {
		if len(due) == n {
			break
		}
		if at.After(now) {
			continue
		}
		delete(m.timers, member)
		if in, ok := bot.ParseTimerMember(member, at.UnixMilli()); ok {
			due = append(due, in)
		}
	}
	return due, nil
}

// Orphans implements bot.Orphans: inboxes whose lock expired.
func (m *Store) Orphans(_ context.Context) ([]*bot.Turn, error) {
	now := m.o.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	var turns []*bot.Turn
	for key, q := range m.inbox {
		if l, ok := m.locks[key]; len(q) == 0 || ok && now.Before(l.expires) {
			continue
		}
		m.tokens++
		token := strconv.FormatUint(m.tokens, 36)
		m.locks[key] = lock{token: token, expires: now.Add(m.o.LockTTL)}
		turns = append(turns, m.turn(key, token, now))
	}
	return turns, nil
}

// Unclaim implements bot.TimerStore.
func (m *Store) Unclaim(_ context.Context, in bot.Inbound) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	member := bot.TimerMember(in.Timer, in.Channel, in.Address)
	if _, ok := m.timers[member]; !ok {
		m.timers[member] = time.UnixMilli(in.TimerAt)
	}
	return nil
}

// Session returns a copy of the saved session for a conversation key, or nil.
func (m *Store) Session(_ context.Context, key string) (*bot.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.sessions[key]; ok && m.o.Now().Before(e.expires) {
		return e.s.Clone(), nil
	}
	return nil, nil
}

// OptedOut reports whether the person behind a conversation key opted out.
func (m *Store) OptedOut(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.optouts[m.hash(key)], nil
}

// Referrals returns the referral and alert records kept for a conversation.
func (m *Store) Referrals(_ context.Context, key string) ([]bot.Handoff, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []bot.Handoff
	for _, h := range m.handoffs {
		if h.Conversation() == key {
			out = append(out, h)
		}
	}
	return out, nil
}

func (m *Store) hash(key string) string { return bot.HashID(m.o.Salt, key) }

// gc drops expired entries now and then. m.mu is held.
func (m *Store) gc(now time.Time) {
	m.ops++
	if m.ops%1024 != 0 {
		return
	}
	for k, e := range m.sessions {
		if !now.Before(e.expires) {
			delete(m.sessions, k)
		}
	}
	for k, exp := range m.dedupe {
		if !now.Before(exp) {
			delete(m.dedupe, k)
		}
	}
	m.handoffs = slices.DeleteFunc(m.handoffs, func(h bot.Handoff) bool {
		return !h.Created.IsZero() && !now.Before(h.Created.Add(m.o.ReferralTTL))
	})
	m.gcEvents(now)
}
