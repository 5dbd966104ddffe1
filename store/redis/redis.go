// Package redis is the Redis store: every piece of conversation state lives
// in Redis, so several identical Signpost processes can run behind a load
// balancer. It uses go-redis through redis.UniversalClient, so one node,
// Sentinel and Cluster work unchanged.
//
// A turn costs two round trips: Begin (one script: dedupe, inbox, lock,
// load) and Commit (one pipeline: the timer index, then one script: save,
// opt-out, referrals, inbox, lock). See keys.go for the keys and
// scripts.go for the scripts.
package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot"
)

// Options configure a Store. Zero values take the defaults.
type Options struct {
	Prefix      string        // key prefix; default "signpost:"
	Salt        string        // salts the person hashes in key names and logs
	SessionTTL  time.Duration // an inactive session expires; default 30 days
	ReferralTTL time.Duration // referral records expire; default 365 days
	DedupeTTL   time.Duration // provider message ids are remembered; default 48 h
	LockTTL     time.Duration // a turn's lock expires if its holder dies; default 30 s
	EventTTL    time.Duration // monitoring events are kept; default 400 days
	Outbox      []string      // channels whose replies are kept in the outbox for a dispatcher
	Now         func() time.Time
}

// Store is a bot.Store in Redis.
type Store struct {
	c goredis.UniversalClient
	o Options
}

var (
	_ bot.Store      = (*Store)(nil)
	_ bot.TimerStore = (*Store)(nil)
)

// sessionGrace keeps a session a little past the engine's expiry notice,
// so the notice can still find it: a hundredth of the TTL, at most an hour.
func (s *Store) sessionGrace() time.Duration { return min(s.o.SessionTTL/100, time.Hour) }

// New returns a Store on c.
func New(c goredis.UniversalClient, o Options) *Store {
	if o.Prefix == "" {
		o.Prefix = "signpost:"
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * 24 * time.Hour
	}
	if o.ReferralTTL <= 0 {
		o.ReferralTTL = 365 * 24 * time.Hour
	}
	if o.DedupeTTL <= 0 {
		o.DedupeTTL = 48 * time.Hour
	}
	if o.LockTTL <= 0 {
		o.LockTTL = 30 * time.Second
	}
	if o.EventTTL <= 0 {
		o.EventTTL = 400 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{c: c, o: o}
}

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("pinging redis: %w", err)
	}
	return nil
}

func (s *Store) hash(convKey string) string { return bot.HashID(s.o.Salt, convKey) }

func ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Begin implements bot.Store.
func (s *Store) Begin(ctx context.Context, in bot.Inbound) (*bot.Turn, error) {
	msg, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encoding message: %w", err)
	}
	k := s.personKeys(in.Key())
	token := newToken()
	res, err := beginScript.Run(ctx, s.c, []string{k.session, k.inbox, k.lock, k.seen, k.optout},
		msg, in.ID, s.o.Now().UnixMilli(), s.o.DedupeTTL.Milliseconds(), token,
		s.o.LockTTL.Milliseconds(), (s.o.SessionTTL + s.sessionGrace()).Milliseconds()).Slice()
	if err != nil {
		return nil, fmt.Errorf("redis begin: %w", err)
	}
	switch res[0] {
	case "dup":
		return nil, bot.ErrDuplicate
	case "queued":
		return nil, bot.ErrQueued
	}
	return decodeTurn(token, res[1:])
}

// decodeTurn reads {message, session, opted out} into a Turn.
func decodeTurn(token string, res []any) (*bot.Turn, error) {
	t := &bot.Turn{Token: token}
	msg, _ := res[0].(string)
	if err := json.Unmarshal([]byte(msg), &t.Msg); err != nil {
		return nil, fmt.Errorf("decoding inbox message: %w", err)
	}
	if raw, _ := res[1].(string); raw != "" {
		t.Session = new(bot.Session)
		if err := json.Unmarshal([]byte(raw), t.Session); err != nil {
			return nil, fmt.Errorf("decoding session: %w", err)
		}
	}
	n, _ := res[2].(int64)
	t.OptedOut = n == 1
	return t, nil
}

// Commit implements bot.Store.
func (s *Store) Commit(ctx context.Context, t *bot.Turn) (*bot.Turn, error) {
	k := s.personKeys(t.Msg.Key())
	var sess []byte
	if t.Session != nil && !t.Erase && !t.Forget {
		var err error
		if sess, err = json.Marshal(t.Session); err != nil {
			return nil, fmt.Errorf("encoding session: %w", err)
		}
	}
	opt := "0"
	switch t.OptOut {
	case bot.OptOut:
		opt = "1"
	case bot.OptIn:
		opt = "2"
	}
	erase := "0"
	switch {
	case t.Erase:
		erase = "1"
	case t.Forget:
		erase = "2"
	}
	now := s.o.Now()
	sessTTL := s.o.SessionTTL + s.sessionGrace()
	if t.Session != nil {
		sessTTL = t.Session.TTL(now, sessTTL)
	}
	args := make([]any, 0, 12+len(t.Outbound)+2*len(t.Events)+2*len(t.Handoffs))
	args = append(args, t.Token, sess, ms(sessTTL), opt, erase, ms(s.o.LockTTL), ms(s.o.ReferralTTL),
		ms(s.o.EventTTL), now.UnixMilli(), 0)
	queued := 0
	for _, o := range t.Outbound {
		if !slices.Contains(s.o.Outbox, o.Channel) {
			continue
		}
		b, err := json.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encoding reply: %w", err)
		}
		if o.Urgent {
			b = append([]byte("U:"), b...)
		}
		args = append(args, b)
		queued++
	}
	args[9] = queued
	events, err := s.eventArgs(t)
	if err != nil {
		return nil, err
	}
	args = append(args, len(events)/2)
	args = append(args, events...)
	for _, h := range t.Handoffs {
		b, err := json.Marshal(h)
		if err != nil {
			return nil, fmt.Errorf("encoding referral: %w", err)
		}
		args = append(args, h.ID, b)
	}
	scriptKeys := []string{k.session, k.inbox, k.lock, k.seen, k.refs, k.optout, k.outbox, k.web, k.webseq, k.events}

	// DELETE also takes the person's referrals out of the inbox index and
	// their pseudonymous id out of the event day index (an extra round
	// trip, on DELETE turns only; the records go in the script).
	var erasedRefs, erasedDays []string
	if t.Erase {
		var err error
		if erasedRefs, erasedDays, err = s.erasable(ctx, k); err != nil {
			return nil, err
		}
	}

	// One round trip: the timer index first (a timer written for a turn
	// that then fails to commit is stale and ignored when it fires), then
	// the turn itself.
	pipe := s.c.Pipeline()
	for _, kind := range bot.TimerKinds {
		member := bot.TimerMember(kind, t.Msg.Channel, t.Msg.Address)
		at, ok := timerAt(t, kind)
		if ok {
			pipe.ZAdd(ctx, s.timersKey(), goredis.Z{Score: float64(at.UnixMilli()), Member: member})
		} else {
			pipe.ZRem(ctx, s.timersKey(), member)
		}
	}
	// Handoff queue entries go just before the script: a committed
	// referral always has its entry (see handoff.go).
	s.enqueueHandoffs(ctx, pipe, t.Handoffs)
	s.indexReferrals(ctx, pipe, t.Handoffs)
	for _, id := range erasedRefs {
		pipe.ZRem(ctx, s.referralsKey(), id)
	}
	h := s.hash(t.Msg.Key())
	for _, day := range erasedDays {
		pipe.SRem(ctx, day, h)
	}
	if !t.Erase {
		s.indexEvents(ctx, pipe, h, t.Events)
	}
	cmd := commitScript.EvalSha(ctx, pipe, scriptKeys, args...)
	if queued > 0 {
		// After the script: a hint for the dispatchers (see outbox.go).
		pipe.ZAdd(ctx, s.outqKey(), goredis.Z{Score: float64(s.o.Now().UnixMilli()), Member: h})
	}
	_, _ = pipe.Exec(ctx)
	res, err := cmd.Slice()
	if err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") {
		res, err = commitScript.Eval(ctx, s.c, scriptKeys, args...).Slice()
		if err == nil && queued > 0 {
			err = s.c.ZAdd(ctx, s.outqKey(), goredis.Z{Score: float64(s.o.Now().UnixMilli()), Member: s.hash(t.Msg.Key())}).Err()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("redis commit: %w", err)
	}
	switch res[0] {
	case "lost":
		return nil, bot.ErrLockLost
	case "done":
		return nil, nil
	}
	next := &bot.Turn{Token: t.Token, Session: t.Session}
	if t.Erase {
		next.Session = nil
	}
	msg, _ := res[1].(string)
	if err := json.Unmarshal([]byte(msg), &next.Msg); err != nil {
		return nil, fmt.Errorf("decoding inbox message: %w", err)
	}
	n, _ := res[2].(int64)
	next.OptedOut = n == 1
	return next, nil
}

func timerAt(t *bot.Turn, kind string) (time.Time, bool) {
	if t.Erase {
		return time.Time{}, false
	}
	for _, tm := range t.Timers {
		if tm.Kind == kind {
			return tm.At, true
		}
	}
	return time.Time{}, false
}

// ClaimDue implements bot.TimerStore: every process may call it; a timer is
// claimed by exactly one of them.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, n int) ([]bot.Inbound, error) {
	due, err := s.c.ZRangeByScoreWithScores(ctx, s.timersKey(), &goredis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(n)}).Result()
	if err != nil {
		return nil, fmt.Errorf("reading due timers: %w", err)
	}
	var out []bot.Inbound
	for _, z := range due {
		member, _ := z.Member.(string)
		won, err := claimTimerScript.Run(ctx, s.c, []string{s.timersKey()}, member, int64(z.Score)).Int()
		if err != nil {
			return out, fmt.Errorf("claiming a timer: %w", err)
		}
		if won != 1 {
			continue
		}
		if in, ok := bot.ParseTimerMember(member, int64(z.Score)); ok {
			out = append(out, in)
		}
	}
	return out, nil
}

// Unclaim implements bot.TimerStore: the timer goes back unless a newer
// one of its kind was set meanwhile (ZADD NX).
func (s *Store) Unclaim(ctx context.Context, in bot.Inbound) error {
	member := bot.TimerMember(in.Timer, in.Channel, in.Address)
	if err := s.c.ZAddNX(ctx, s.timersKey(), goredis.Z{Score: float64(in.TimerAt), Member: member}).Err(); err != nil {
		return fmt.Errorf("putting a timer back: %w", err)
	}
	return nil
}

// Session loads the saved session for a conversation key, or nil.
func (s *Store) Session(ctx context.Context, convKey string) (*bot.Session, error) {
	raw, err := s.c.Get(ctx, s.personKeys(convKey).session).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading session: %w", err)
	}
	var sess bot.Session
	if err := json.Unmarshal(raw, &sess); err != nil {
		return nil, fmt.Errorf("decoding session: %w", err)
	}
	return &sess, nil
}

// OptedOut reports whether the person behind a conversation key opted out.
func (s *Store) OptedOut(ctx context.Context, convKey string) (bool, error) {
	n, err := s.c.Exists(ctx, s.personKeys(convKey).optout).Result()
	if err != nil {
		return false, fmt.Errorf("reading opt-out: %w", err)
	}
	return n == 1, nil
}

// Referrals returns the referral and alert records kept for a conversation.
func (s *Store) Referrals(ctx context.Context, convKey string) ([]bot.Handoff, error) {
	vals, err := s.c.HVals(ctx, s.personKeys(convKey).refs).Result()
	if err != nil {
		return nil, fmt.Errorf("reading referrals: %w", err)
	}
	out := make([]bot.Handoff, 0, len(vals))
	for _, v := range vals {
		var h bot.Handoff
		if err := json.Unmarshal([]byte(v), &h); err != nil {
			return nil, fmt.Errorf("decoding referral: %w", err)
		}
		out = append(out, h)
	}
	return out, nil
}

// PersonPattern is the SCAN pattern matching every key about one person
// (for tests and audits: after DELETE only the opt-out may remain).
func (s *Store) PersonPattern(convKey string) string {
	return s.o.Prefix + "{" + s.hash(convKey) + "}:*"
}
