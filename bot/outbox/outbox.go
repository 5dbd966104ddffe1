// Package outbox delivers replies from the store's durable outbox: every
// reply is saved with the turn that made it (so a crash between the turn
// and the send loses nothing), then sent by a dispatcher that every process
// runs. One person's messages go out one at a time, in order (a lease per
// person), at the channel's rate limits, with retries and backoff.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/signpost-app/signpost/bot"
)

// Hint says a person may have messages due at Score (unix ms). Hints are
// only an index: a stale or spurious one is harmless.
type Hint struct {
	Person string  // the store's opaque person id
	Score  float64 // the due time read, unix ms; compared on update so concurrent changes win
}

// Item is a person's oldest pending message, leased to one dispatcher.
type Item struct {
	Hint
	Token    string // the lease token
	Until    float64
	Msg      bot.Outbound
	OptedOut bool // the person has opted out since the message was queued
}

// Outcome is what happened to a leased message.
type Outcome int

// Outcomes.
const (
	Sent   Outcome = iota // delivered to the provider: remove it
	Retry                 // a temporary failure: keep it, try again at the given time
	Drop                  // a permanent failure: remove it without sending
	OptOut                // the provider says the person opted out: opt them out, drop everything queued
	Defer                 // not attempted (rate limit): try again at the given time, attempts unchanged
)

// Store is the outbox part of a store.
type Store interface {
	// Due returns up to n hints due at or before now.
	Due(ctx context.Context, now time.Time, n int) ([]Hint, error)
	// Lease takes the person's oldest message for lease, or returns nil
	// when someone else holds it or nothing is queued (clearing the hint).
	Lease(ctx context.Context, h Hint, now time.Time, lease time.Duration) (*Item, error)
	// Finish records the outcome under the lease; at is when a Retry or
	// Defer is due again.
	Finish(ctx context.Context, it *Item, o Outcome, at time.Time) error
}

// Sender delivers one message on a channel.
type Sender interface {
	Send(ctx context.Context, m bot.Outbound) error
	// Limits are the rate limits this message counts against.
	Limits(m bot.Outbound) []Limit
}

// Limit is one rate limit: Cost units of PerSecond for Key.
type Limit struct {
	Key       string
	PerSecond int
	Cost      int
}

// Limiter is a rate limiter shared by every process.
type Limiter interface {
	// Reserve takes cost units of key's budget, or says how long to wait.
	Reserve(ctx context.Context, key string, perSecond, cost int) (wait time.Duration, err error)
}

// TemporaryError is a failure worth retrying, after After when the
// provider said so.
type TemporaryError struct {
	After time.Duration
	Err   error
}

func (e *TemporaryError) Error() string { return fmt.Sprintf("temporary: %v", e.Err) }
func (e *TemporaryError) Unwrap() error { return e.Err }

// ErrOptedOut means the provider refuses because the person opted out
// (Twilio 21610, a Telegram user who blocked the bot).
var ErrOptedOut = errors.New("recipient opted out")
