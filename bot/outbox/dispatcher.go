package outbox

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/bot"
)

// Options configure a Dispatcher.
type Options struct {
	Store       Store
	Senders     map[string]Sender // by channel
	Limiter     Limiter           // nil: no rate limits
	Lease       time.Duration     // how long one send may hold a person; default 60 s
	MaxAttempts int               // temporary failures before a message is dropped; default 8
	Every       time.Duration     // how often to look for due messages when idle; default 200 ms
	Batch       int               // people leased per pass; default 32
	Now         func() time.Time
	Logger      *slog.Logger
	Salt        string // for hashed ids in logs
	Registry    prometheus.Registerer
}

// Dispatcher sends what the outbox holds.
type Dispatcher struct {
	o       Options
	log     *slog.Logger
	results *prometheus.CounterVec
	wake    chan struct{}
}

// New returns a Dispatcher.
func New(o Options) *Dispatcher {
	if o.Lease <= 0 {
		o.Lease = 60 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Every <= 0 {
		o.Every = 200 * time.Millisecond
	}
	if o.Batch <= 0 {
		o.Batch = 32
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{o: o, log: o.Logger, wake: make(chan struct{}, 1),
		results: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_outbound_total",
			Help: "Outbound messages by channel and result (sent, retry, dropped, opted_out, deferred)."},
			[]string{"channel", "result"})}
	if o.Registry != nil {
		o.Registry.MustRegister(d.results)
	}
	return d
}

// Wake makes Run look for due messages now (after a turn queued some).
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sends due messages until ctx ends; a send in flight then finishes
// before Run returns.
func (d *Dispatcher) Run(ctx context.Context) {
	tick := time.NewTicker(d.o.Every)
	defer tick.Stop()
	for {
		n, err := d.Pass(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("outbox pass", "error", err)
		}
		if n > 0 {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-d.wake:
		}
	}
}

// Pass leases and sends one batch of due messages, and returns how many it
// handled. Tests call it directly.
func (d *Dispatcher) Pass(ctx context.Context) (int, error) {
	now := d.o.Now()
	hints, err := d.o.Store.Due(ctx, now, d.o.Batch)
	if err != nil {
		return 0, err
	}
	handled := 0
	for _, h := range hints {
		it, err := d.o.Store.Lease(ctx, h, now, d.o.Lease)
		if err != nil {
			return handled, err
		}
		if it == nil {
			continue
		}
		handled++
		if err := d.deliver(ctx, it); err != nil {
			return handled, err
		}
	}
	return handled, nil
}

// deliver sends one leased message and records the outcome. A send in
// flight finishes even when ctx ends (a shutdown), within a bound, so the
// outcome is recorded and the person's lease released rather than left to
// expire.
func (d *Dispatcher) deliver(ctx context.Context, it *Item) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	m := it.Msg
	s := d.o.Senders[m.Channel]
	switch {
	case s == nil:
		d.log.Error("no sender for channel; message dropped", "channel", m.Channel)
		return d.finish(ctx, it, Drop, "dropped", time.Time{})
	case it.OptedOut && !m.Always:
		return d.finish(ctx, it, Drop, "opted_out", time.Time{})
	}
	if d.o.Limiter != nil {
		for _, l := range s.Limits(m) {
			wait, err := d.o.Limiter.Reserve(ctx, l.Key, l.PerSecond, l.Cost)
			if err != nil {
				return d.finish(ctx, it, Defer, "deferred", d.o.Now().Add(time.Second))
			}
			if wait > 0 {
				return d.finish(ctx, it, Defer, "deferred", d.o.Now().Add(wait))
			}
		}
	}
	err := s.Send(ctx, m)
	var temp *TemporaryError
	switch {
	case err == nil:
		return d.finish(ctx, it, Sent, "sent", time.Time{})
	case errors.Is(err, ErrOptedOut):
		d.log.Info("recipient opted out at the provider", "channel", m.Channel, "conversation", bot.HashID(d.o.Salt, bot.ConversationKey(m.Channel, m.Address)))
		return d.finish(ctx, it, OptOut, "opted_out", time.Time{})
	case errors.As(err, &temp) && m.Attempts+1 < d.o.MaxAttempts:
		wait := temp.After
		if wait <= 0 {
			wait = backoff(m.Attempts)
		}
		d.log.Warn("send failed; will retry", "channel", m.Channel, "attempt", m.Attempts+1, "retry_in", wait.String(), "error", err)
		return d.finish(ctx, it, Retry, "retry", d.o.Now().Add(wait))
	default:
		d.log.Error("send failed; message dropped", "channel", m.Channel, "attempts", m.Attempts+1,
			"conversation", bot.HashID(d.o.Salt, bot.ConversationKey(m.Channel, m.Address)), "error", err)
		return d.finish(ctx, it, Drop, "dropped", time.Time{})
	}
}

func (d *Dispatcher) finish(ctx context.Context, it *Item, o Outcome, result string, at time.Time) error {
	d.results.WithLabelValues(it.Msg.Channel, result).Inc()
	return d.o.Store.Finish(ctx, it, o, at)
}

// backoff is exponential with jitter: about 1 s, 2 s, 4 s … capped at 5 min.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 8)
	d = min(d, 5*time.Minute)
	return d/2 + rand.N(d/2+1)
}
