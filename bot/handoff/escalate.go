package handoff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/bot"
)

// Escalations is the schedule of referrals and alerts to re-notify if
// nobody has claimed them by a given time (store/redis: a sorted set;
// store/memory: a map).
type Escalations interface {
	// Schedule sets (or moves) id's next escalation to at.
	Schedule(ctx context.Context, id string, at time.Time) error
	// ClaimDue returns up to n ids due at or before now. Each due id is
	// given to exactly one caller: the store moves it a short lease into
	// the future, so one whose caller dies before scheduling it again (or
	// cancelling it) comes back once the lease ends.
	ClaimDue(ctx context.Context, now time.Time, n int) ([]string, error)
	// Cancel removes id's escalation (claimed, closed or gone).
	Cancel(ctx context.Context, id string) error
}

// Escalation defaults.
const (
	DefaultEscalateAfter       = 2 * time.Hour    // working time, for routine and soon referrals
	DefaultEscalateUrgentAfter = 15 * time.Minute // clock time, for urgent ones and alerts
)

// EscalationPolicy says when an unclaimed handoff is re-notified.
type EscalationPolicy struct {
	Hours       OfficeHours   // After counts only working time in these hours
	After       time.Duration // default DefaultEscalateAfter
	UrgentAfter time.Duration // default DefaultEscalateUrgentAfter; not bound to office hours
}

// Next is when h, still unclaimed at from, is next escalated: from plus
// After of working time, or UrgentAfter for an urgent handoff (alerts are
// always urgent) at any hour.
func (p EscalationPolicy) Next(h *bot.Handoff, from time.Time) time.Time {
	if h.Urgency == bot.UrgencyUrgent || h.Kind == bot.KindAlert {
		return from.Add(orDefault(p.UrgentAfter, DefaultEscalateUrgentAfter))
	}
	return p.Hours.Add(from, orDefault(p.After, DefaultEscalateAfter))
}

// orDefault returns v, or def when v is not positive.
func orDefault[T ~int | ~int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// Escalator re-notifies referrals and alerts nobody has claimed in time:
// every process runs one. A due escalation of a handoff that is still
// unclaimed puts an entry of kind KindEscalation on the queue (the
// dispatcher's notifiers post it again, and the SMS duty notifier always
// takes escalations), counts it in Handoff.Escalated and schedules the
// next one. A claimed, closed or erased handoff's escalation is dropped.
type Escalator struct {
	Escalations Escalations
	Queue       Queue
	Records     Records
	Policy      EscalationPolicy
	Every       time.Duration // how often to look for due escalations; default 1 s
	Now         func() time.Time
	Logger      *slog.Logger
	Registry    prometheus.Registerer

	once  sync.Once
	count *prometheus.CounterVec
}

// Run escalates due handoffs until ctx ends.
func (e *Escalator) Run(ctx context.Context) {
	t := time.NewTicker(orDefault(e.Every, time.Second))
	defer t.Stop()
	for {
		if _, err := e.Pass(ctx); err != nil && ctx.Err() == nil {
			e.log().Error("escalating handoffs", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass escalates what is due now and returns how many it escalated.
func (e *Escalator) Pass(ctx context.Context) (int, error) {
	e.once.Do(func() {
		e.count = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_handoff_escalations_total",
			Help: "Due escalations of unclaimed handoffs, by result."}, []string{"result"})
		register(e.Registry, &e.count)
	})
	now := e.now()
	ids, err := e.Escalations.ClaimDue(ctx, now, 100)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range ids {
		escalated, err := e.escalate(ctx, id, now)
		if err != nil {
			errs = append(errs, err)
			e.count.WithLabelValues("error").Inc()
			continue // the lease brings it back
		}
		if escalated {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// escalate handles one due id.
func (e *Escalator) escalate(ctx context.Context, id string, now time.Time) (bool, error) {
	h, err := e.Records.Referral(ctx, id)
	if err != nil {
		return false, err
	}
	if h == nil || h.Assignee != "" || h.Status == bot.StatusClaimed || h.Status == bot.StatusClosed {
		e.count.WithLabelValues("dropped").Inc()
		return false, e.Escalations.Cancel(ctx, id)
	}
	// Count first, so the notifiers see this escalation's number (their
	// delivery marks and idempotency keys carry it); then enqueue. A crash
	// in between skips a number and the lease brings the id back: an
	// escalation is never lost.
	h, err = e.Records.Update(ctx, id, func(h *bot.Handoff) error {
		h.Escalated++
		return nil
	})
	if err != nil {
		return false, err
	}
	if err := e.Queue.Enqueue(ctx, Entry{ID: id, Kind: KindEscalation}); err != nil {
		return false, err
	}
	if err := e.Escalations.Schedule(ctx, id, e.Policy.Next(h, now)); err != nil {
		return false, err
	}
	e.count.WithLabelValues("escalated").Inc()
	e.log().Warn("handoff unclaimed: escalated", "id", id, "kind", h.Kind, "urgency", h.Urgency, "escalated", h.Escalated)
	return true, nil
}

func (e *Escalator) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Escalator) log() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// register registers *c with r, or makes *c the collector already
// registered under its name (several dispatchers share one registry).
func register[C prometheus.Collector](r prometheus.Registerer, c *C) {
	if r == nil {
		return
	}
	var are prometheus.AlreadyRegisteredError
	if err := r.Register(*c); errors.As(err, &are) {
		*c = are.ExistingCollector.(C)
	} else if err != nil {
		panic(err)
	}
}

// scheduleEscalation schedules the first escalation of a referral or
// alert once its own delivery is done: Policy.Next from when it was made.
// The time depends only on the record, so a retried delivery schedules
// the same time again.
func (d *Dispatcher) scheduleEscalation(ctx context.Context, h *bot.Handoff, kind string) error {
	if d.Escalations == nil || kind != h.Kind || (h.Kind != bot.KindReferral && h.Kind != bot.KindAlert) ||
		h.Assignee != "" || h.Status == bot.StatusClosed || h.Escalated > 0 {
		return nil
	}
	if err := d.Escalations.Schedule(ctx, h.ID, d.Escalation.Next(h, h.Created)); err != nil {
		return fmt.Errorf("scheduling the escalation: %w", err)
	}
	return nil
}
