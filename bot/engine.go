// Package bot is Signpost's conversation engine: one inbound message in →
// session loaded → safeguarding check → global words → the step's answer
// parser → fsm event → replies out → session saved. It knows nothing about
// SMS, Telegram or the web; channel adapters normalise messages into Inbound
// and deliver Outbound.
package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/flows"
)

// Flows is the set of loaded flows the engine runs.
type Flows interface {
	Latest(id string) *flows.Flow
	Get(id string, version int) *flows.Flow
}

// Screener finds safeguarding risks in a message.
type Screener interface {
	Check(text string) (safeguard.Hit, bool)
}

// Options configure an Engine. Flows, Store and Screener are required.
type Options struct {
	Flows            Flows
	Store            Store
	Screener         Screener
	StartFlow        string           // the flow new conversations start in
	MinAge           float64          // exposed to flows as min_age
	Texts            Texts            // Signpost's own messages; DefaultTexts() when nil
	StopConfirmation bool             // reply to STOP and START ourselves (off when the SMS provider does)
	MaxSteps         int              // steps one turn may pass through; default 32
	ReminderAfter    time.Duration    // one reminder after an unanswered question; 0: none
	SessionTTL       time.Duration    // an unfinished conversation is closed (with a notice) after this much silence; 0: never
	Now              func() time.Time // clock; time.Now when nil
	Logger           *slog.Logger
	Metrics          *Metrics
	Salt             string         // salts the hashed conversation ids in logs
	OnHandoff        func(Handoff)  // called after a turn that made a referral or alert is committed
	Location         *time.Location // the service's local time, for check-ins in the daytime; time.Local when nil
}

// Engine runs conversations. It is safe for concurrent use.
type Engine struct {
	o     Options
	flows atomic.Pointer[flowsBox]
	log   *slog.Logger
}

type flowsBox struct{ Flows }

// New returns an Engine.
func New(o Options) *Engine {
	if o.Texts == nil {
		o.Texts = DefaultTexts()
	}
	if o.MaxSteps <= 0 {
		o.MaxSteps = 32
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	e := &Engine{o: o, log: o.Logger}
	e.flows.Store(&flowsBox{o.Flows})
	return e
}

// SetFlows swaps in a reloaded set of flows. New conversations take the
// latest versions; conversations in progress keep theirs when the set still
// holds them.
func (e *Engine) SetFlows(f Flows) { e.flows.Store(&flowsBox{f}) }

// CurrentFlows returns the flows the engine runs now.
func (e *Engine) CurrentFlows() Flows { return e.flows.Load().Flows }

// Hash returns the salted hash of a conversation key, for log lines.
func (e *Engine) Hash(key string) string { return HashID(e.o.Salt, key) }

// HashID returns a short salted SHA-256 of a personal identifier. Log lines
// carry this, never the identifier itself.
func HashID(salt, id string) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + id))
	return hex.EncodeToString(sum[:8])
}

// Handle runs one inbound message through the engine and returns the replies
// it produced. When another caller is already handling the same person, the
// message is queued for that caller and Handle returns no replies; a repeated
// provider message id is dropped. Replies are also stored by the Store's
// Commit, so a channel can deliver them from a durable outbox instead.
func (e *Engine) Handle(ctx context.Context, in Inbound) ([]Outbound, error) {
	if in.At.IsZero() {
		in.At = e.o.Now()
	}
	t, err := e.o.Store.Begin(ctx, in)
	switch {
	case errors.Is(err, ErrDuplicate):
		e.o.Metrics.turn("duplicate")
		return nil, nil
	case errors.Is(err, ErrQueued):
		e.o.Metrics.turn("queued")
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("beginning turn: %w", err)
	}
	return e.Drain(ctx, t)
}

// Drain handles t and every message queued behind it for the same person,
// committing each turn, and returns all the replies. Stores call it (through
// Handle) and so do sweepers that resume an inbox whose handler died.
func (e *Engine) Drain(ctx context.Context, t *Turn) ([]Outbound, error) {
	var outs []Outbound
	for t != nil {
		start := time.Now()
		e.Turn(ctx, t)
		outs = append(outs, t.Outbound...)
		handoffs, events := t.Handoffs, t.Events
		if t.Erase {
			events = nil
		}
		next, err := e.o.Store.Commit(ctx, t)
		if err != nil {
			return outs, fmt.Errorf("committing turn: %w", err)
		}
		e.o.Metrics.observe(time.Since(start))
		e.o.Metrics.Events(events...)
		if e.o.OnHandoff != nil {
			for _, h := range handoffs {
				e.o.OnHandoff(h)
			}
		}
		t = next
	}
	return outs, nil
}

// FireTimers claims the timers due now from ts and handles each as a turn.
// Several processes may call it at once: each timer fires exactly once. A
// timer that could not be handled (the store was unreachable) is put back
// to fire on a later pass; the rest of the batch still fires.
func (e *Engine) FireTimers(ctx context.Context, ts TimerStore) (int, error) {
	due, err := ts.ClaimDue(ctx, e.o.Now(), 100)
	if err != nil {
		return 0, fmt.Errorf("claiming timers: %w", err)
	}
	var errs []error
	for _, in := range due {
		if _, err := e.Handle(ctx, in); err != nil {
			errs = append(errs, fmt.Errorf("firing %s timer: %w", in.Timer, err))
			if uerr := ts.Unclaim(ctx, in); uerr != nil {
				errs = append(errs, fmt.Errorf("putting a timer back: %w", uerr))
			}
		}
	}
	return len(due), errors.Join(errs...)
}

// ResumeOrphans handles the messages of people whose handler died.
func (e *Engine) ResumeOrphans(ctx context.Context, o Orphans) (int, error) {
	turns, err := o.Orphans(ctx)
	for _, t := range turns {
		if _, derr := e.Drain(ctx, t); derr != nil && err == nil {
			err = derr
		}
	}
	if err != nil {
		return len(turns), fmt.Errorf("resuming inboxes: %w", err)
	}
	return len(turns), nil
}

// RunSweeper fires due timers and resumes orphaned inboxes every interval
// until ctx ends. Every process runs one; the store makes sure each timer
// fires once and each inbox has one handler.
func (e *Engine) RunSweeper(ctx context.Context, ts TimerStore, o Orphans, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if ts != nil {
			if _, err := e.FireTimers(ctx, ts); err != nil && ctx.Err() == nil {
				e.log.Error("firing timers", "error", err)
			}
		}
		if o != nil {
			if _, err := e.ResumeOrphans(ctx, o); err != nil && ctx.Err() == nil {
				e.log.Error("resuming inboxes", "error", err)
			}
		}
	}
}
