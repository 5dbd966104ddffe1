// Package handoff delivers referrals, safeguarding alerts and the young
// person's later messages to link workers, wherever they already work: a
// Telegram group with a Claim button, SMS to the duty phones, a signed
// webhook into a case system, and a log line. Handoffs are made by the
// engine and saved with the turn; a Redis Stream (with a consumer group) carries them
// to the dispatcher every process runs; each notifier retries with backoff
// and a handoff that keeps failing goes to a dead-letter stream.
package handoff

import (
	"context"
	"errors"
	"time"

	"github.com/signpost-app/signpost/bot"
)

// Entry is one handoff waiting in the queue.
type Entry struct {
	StreamID   string // the queue's id for this entry (the Redis Stream id)
	ID         string // the handoff (referral, alert or message) id
	Kind       string // bot.KindReferral, KindAlert, KindMessage, or KindEscalation
	Deliveries int    // how many times the entry was handed to a consumer (1 the first time)
}

// KindEscalation is a queue entry re-notifying an unclaimed referral.
const KindEscalation = "escalation"

// Queue is the durable handoff queue (store/redis: a Stream with a
// consumer group; store/memory: a list).
type Queue interface {
	// Read returns up to n new entries for consumer, waiting up to block.
	Read(ctx context.Context, consumer string, n int, block time.Duration) ([]Entry, error)
	// Stale claims up to n entries another consumer took more than minIdle
	// ago without acknowledging (it died or its notifiers failed).
	Stale(ctx context.Context, consumer string, minIdle time.Duration, n int) ([]Entry, error)
	// Ack removes an entry that was fully delivered.
	Ack(ctx context.Context, e Entry) error
	// DeadLetter moves an entry that kept failing to the dead-letter queue.
	DeadLetter(ctx context.Context, e Entry, reason string) error
	// Enqueue adds an entry (escalations; handoffs are enqueued by Commit).
	Enqueue(ctx context.Context, e Entry) error
}

// Records are the referral records (kept with the person, for the
// referral TTL).
type Records interface {
	// Referral loads a handoff record by id (nil when unknown or expired).
	Referral(ctx context.Context, id string) (*bot.Handoff, error)
	// Claim gives the referral to worker if nobody has it: atomic, so when
	// two press Claim at once exactly one wins. It returns the record after
	// the attempt and whether this call won.
	Claim(ctx context.Context, id, worker string, at time.Time) (*bot.Handoff, bool, error)
	// Update applies fn to the record atomically enough for its callers:
	// delivery marks, notified status, outcomes.
	Update(ctx context.Context, id string, fn func(*bot.Handoff) error) (*bot.Handoff, error)
	// Link remembers that a provider message (a Telegram group message)
	// shows referral id, so a reply to it can be relayed; Linked looks it up.
	Link(ctx context.Context, ref, id string) error
	Linked(ctx context.Context, ref string) (string, error)
}

// Notifier delivers a handoff to link workers somewhere. Send must be safe
// to repeat: deliveries carry the handoff id so receivers drop repeats.
type Notifier interface {
	Name() string
	// Wants reports whether this notifier takes h (an SMS duty notifier
	// takes urgent handoffs only, by default).
	Wants(h *bot.Handoff, kind string) bool
	// Send delivers h; ref is the provider's id of what it sent (a
	// Telegram message id), kept so replies and claims can find it.
	Send(ctx context.Context, h *bot.Handoff, kind string) (ref string, err error)
}

// ErrNotFound is returned for an unknown handoff id.
var ErrNotFound = errors.New("handoff not found")
