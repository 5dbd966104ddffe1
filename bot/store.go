package bot

import (
	"context"
	"errors"
)

// Store is what the engine needs from storage. A turn is two round trips:
// Begin (dedupe, enqueue in the person's inbox, take the person's lock, load)
// and Commit (save, queue what the turn produced, move to the next message or
// release the lock). Implementations: store/memory and store/redis.
//
// Messages from one person are handled one at a time, in arrival order, by
// whichever caller holds the person's lock; a caller that finds the lock taken
// leaves its message in the inbox for the holder (ErrQueued).
type Store interface {
	// Begin records in (dropping a repeat of a provider message id with
	// ErrDuplicate), appends it to the person's inbox and, when nobody else is
	// handling the person, locks the conversation and returns a Turn for the
	// oldest message in the inbox with the saved session. It returns
	// ErrQueued when another caller holds the lock: that caller will handle
	// the message.
	Begin(ctx context.Context, in Inbound) (*Turn, error)

	// Commit stores the turn's results atomically: the session (or erases
	// everything about the person when t.Erase is set), the opt-out change,
	// the outbound messages (stores with a durable outbox) and the handoffs; it removes the handled message
	// from the inbox. When more messages are waiting it returns the next Turn
	// under the same lock; otherwise it releases the lock and returns nil.
	Commit(ctx context.Context, t *Turn) (*Turn, error)
}

// Errors a Store returns.
var (
	ErrDuplicate = errors.New("duplicate message")
	ErrQueued    = errors.New("queued behind a turn in progress")
	ErrLockLost  = errors.New("conversation lock lost")
)

// OptChange is a change to a person's opt-out.
type OptChange int8

// Opt-out changes.
const (
	OptKeep OptChange = iota
	OptOut
	OptIn
)

// Turn is one inbound message being handled, with what handling it produced.
type Turn struct {
	Msg      Inbound
	Session  *Session // nil for a person with no saved session
	OptedOut bool
	Token    string // the store's lock token; opaque to the engine

	// Results, set by the engine for Commit.
	Erase    bool // DELETE confirmed: remove every key about the person
	OptOut   OptChange
	Outbound []Outbound
	Handoffs []Handoff
}
