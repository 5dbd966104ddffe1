package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
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
	Forget   bool // the conversation expired: remove the session (referral records keep their own TTL)
	OptOut   OptChange
	Outbound []Outbound
	Handoffs []Handoff
	Timers   []Timer // the person's timers after this turn; kinds not listed are cancelled
	Events   []Event // anonymous monitoring events, kept with the turn (dropped on Erase)
}

// Timer kinds.
const (
	TimerReminder = "reminder" // one gentle nudge after an unanswered question
	TimerExpiry   = "expiry"   // the conversation is closed and erased after the session TTL
	TimerFollowUp = "followup" // the check-in flow starts, weeks after a referral
)

// TimerKinds lists every timer kind.
var TimerKinds = []string{TimerReminder, TimerExpiry, TimerFollowUp}

// Timer is a timer to fire for a person.
type Timer struct {
	Kind string
	At   time.Time
}

// TimerStore is what the timer sweeper needs: due timers, each handed to
// exactly one caller across every process.
type TimerStore interface {
	// ClaimDue removes up to n timers due at or before now and returns them
	// as timer messages to handle. A timer claimed by one caller is never
	// returned to another.
	ClaimDue(ctx context.Context, now time.Time, n int) ([]Inbound, error)
	// Unclaim puts back a claimed timer that could not be handled, unless
	// a newer one of its kind was set meanwhile.
	Unclaim(ctx context.Context, in Inbound) error
}

// Orphans is what the inbox sweeper needs from a store.
type Orphans interface {
	// Orphans takes the lock of every person whose inbox has messages but
	// whose lock holder died, and returns a turn for each.
	Orphans(ctx context.Context) ([]*Turn, error)
}

// TimerMember is the name of a person's timer of a kind: "kind|channel|address".
func TimerMember(kind, channel, address string) string { return kind + "|" + channel + "|" + address }

// ParseTimerMember splits a timer name into a timer message due at atMS.
func ParseTimerMember(member string, atMS int64) (Inbound, bool) {
	kind, rest, ok1 := strings.Cut(member, "|")
	channel, address, ok2 := strings.Cut(rest, "|")
	if !ok1 || !ok2 || !slices.Contains(TimerKinds, kind) {
		return Inbound{}, false
	}
	return Inbound{Channel: channel, Address: address, Timer: kind, TimerAt: atMS,
		ID: "timer:" + kind + ":" + strconv.FormatInt(atMS, 10), At: time.UnixMilli(atMS)}, true
}
