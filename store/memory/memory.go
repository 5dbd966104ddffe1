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

var _ bot.Store = (*Store)(nil)

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
	return &Store{o: o, sessions: map[string]entry{}, dedupe: map[string]time.Time{},
		optouts: map[string]bool{}, inbox: map[string][]bot.Inbound{}, locks: map[string]lock{}}
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
		dk := in.Channel + ":" + in.ID
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
	if t.Erase {
		delete(m.sessions, key)
		m.handoffs = slices.DeleteFunc(m.handoffs, func(x bot.Handoff) bool { return x.Conversation() == key })
	} else if t.Session != nil {
		// The engine is done with the session: keep it without a copy; every
		// Turn handed out gets its own clone.
		m.sessions[key] = entry{s: t.Session, expires: now.Add(m.o.SessionTTL)}
	}
	m.handoffs = append(m.handoffs, t.Handoffs...)

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

// Session returns a copy of the saved session for a conversation key, or nil.
func (m *Store) Session(key string) *bot.Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.sessions[key]; ok && m.o.Now().Before(e.expires) {
		return e.s.Clone()
	}
	return nil
}

// OptedOut reports whether the person behind a conversation key opted out.
func (m *Store) OptedOut(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.optouts[m.hash(key)]
}

// Handoffs returns the referrals and alerts committed so far.
func (m *Store) Handoffs() []bot.Handoff {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.handoffs)
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
}
