package handoff

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
)

// Dispatcher defaults.
const (
	DefaultMaxDeliveries = 10
	DefaultMinIdle       = 5 * time.Second
	DefaultMaxBackoff    = 5 * time.Minute
	DefaultConcurrency   = 8

	// recordGoneAfter is how many deliveries an entry whose record cannot
	// be found gets before it is dropped: the turn that made it failed to
	// commit, or the person erased their data.
	recordGoneAfter = 5
)

// Dispatcher takes handoffs off the durable queue and gives them to every
// notifier that wants them; every serve process runs one, under its own
// Consumer name. An entry is acknowledged once every notifier that wants
// it has it; one whose notifiers failed stays in the queue, and is tried
// again (by this process or, if it died, another) with exponential
// backoff: MinIdle, 2·MinIdle, 4·MinIdle… up to MaxBackoff. After
// MaxDeliveries attempts it goes to the dead-letter queue, with an error
// log line and signpost_handoff_dead_letters_total.
//
// Each successful delivery is marked on the record (Handoff.Delivered, by
// notifier name; "<name>:escalation:<n>" for the nth escalation), so a
// retry never repeats a notifier that succeeded. The first one sets the
// status to notified and NotifiedAt, and a referral or alert gets its
// escalation scheduled. A Telegram group post is linked to its referral
// ("tg:<chat>:<message id>"), so claims and replies find it.
type Dispatcher struct {
	Queue       Queue
	Records     Records
	Notifiers   []Notifier
	Escalations Escalations      // nil: no escalations
	Escalation  EscalationPolicy // when an unclaimed handoff is escalated
	// Engine, when set, tells a young person whose referral arrives
	// outside office hours when the link workers will see it.
	Engine Engine
	Wake   func() // tells the outbox a reply is queued

	Consumer      string        // this process in the consumer group; default host-pid-random
	MaxDeliveries int           // attempts before dead-lettering; default 10
	MinIdle       time.Duration // the first retry interval; default 5 s
	MaxBackoff    time.Duration // the longest retry interval; default 5 min
	Concurrency   int           // entries handled at once; default 8
	Logger        *slog.Logger
	Registry      prometheus.Registerer
	Now           func() time.Time

	once     sync.Once
	m        metrics
	mu       sync.Mutex
	retries  map[string]*retry // by StreamID: entries this process tried and failed
	inflight map[string]bool   // by StreamID
}

// retry is this process's memory of a failing entry.
type retry struct {
	attempts int
	next     time.Time
}

type metrics struct {
	deliveries *prometheus.CounterVec
	latency    prometheus.Histogram
	dead       *prometheus.CounterVec
	entries    *prometheus.CounterVec
}

func (d *Dispatcher) init() {
	d.once.Do(func() {
		if d.Consumer == "" {
			host, _ := os.Hostname()
			var b [3]byte
			_, _ = rand.Read(b[:])
			d.Consumer = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
		}
		d.MaxDeliveries = orDefault(d.MaxDeliveries, DefaultMaxDeliveries)
		d.MinIdle = orDefault(d.MinIdle, DefaultMinIdle)
		d.MaxBackoff = max(orDefault(d.MaxBackoff, DefaultMaxBackoff), d.MinIdle)
		d.Concurrency = orDefault(d.Concurrency, DefaultConcurrency)
		if d.Logger == nil {
			d.Logger = slog.New(slog.DiscardHandler)
		}
		if d.Now == nil {
			d.Now = time.Now
		}
		d.retries, d.inflight = map[string]*retry{}, map[string]bool{}
		d.m = metrics{
			deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_handoff_deliveries_total",
				Help: "Handoff deliveries to notifiers, by notifier and result (ok, temporary, error)."}, []string{"notifier", "result"}),
			latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "signpost_handoff_latency_seconds",
				Help:    "Time from a handoff being made to its first delivery to a link worker.",
				Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800}}),
			dead: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_handoff_dead_letters_total",
				Help: "Handoffs moved to the dead-letter queue after failing MaxDeliveries times, by kind."}, []string{"kind"}),
			entries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_handoff_entries_total",
				Help: "Handoff queue entries handled, by result (delivered, retry, dead_letter, gone)."}, []string{"result"}),
		}
		register(d.Registry, &d.m.deliveries)
		register(d.Registry, &d.m.latency)
		register(d.Registry, &d.m.dead)
		register(d.Registry, &d.m.entries)
	})
}

// Run delivers handoffs until ctx ends, then waits for the deliveries in
// flight (which see ctx end, and are left in the queue for a retry).
func (d *Dispatcher) Run(ctx context.Context) {
	d.init()
	slots := make(chan struct{}, d.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	block := min(time.Second, max(d.MinIdle/2, 10*time.Millisecond)) // never 0: go-redis would block for ever
	var lastStale time.Time
	failures := 0
	for ctx.Err() == nil {
		// Wait for a free slot; only this loop takes slots, so at least
		// free are still free when the entries arrive.
		slots <- struct{}{}
		free := d.Concurrency - len(slots) + 1
		<-slots
		entries, err := d.Queue.Read(ctx, d.Consumer, free, block)
		if err == nil && time.Since(lastStale) >= block && len(entries) < free {
			lastStale = time.Now()
			var stale []Entry
			stale, err = d.Queue.Stale(ctx, d.Consumer, d.MinIdle, free-len(entries))
			entries = append(entries, stale...)
		}
		if err != nil && ctx.Err() == nil {
			failures++
			d.Logger.Error("reading the handoff queue", "error", err, "failures", failures)
			sleep(ctx, min(time.Duration(failures)*time.Second, 10*time.Second))
		} else {
			failures = 0
		}
		for _, e := range entries {
			if !d.take(e) {
				continue
			}
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				d.handle(ctx, e)
			})
		}
	}
}

// take marks e in flight; false when it already is, or when this process
// failed it recently and its backoff has not passed (it was claimed again
// as stale: its queue delivery count grows, but attempts are counted here).
func (d *Dispatcher) take(e Entry) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inflight[e.StreamID] {
		return false
	}
	if r := d.retries[e.StreamID]; r != nil && d.Now().Before(r.next) {
		return false
	}
	d.inflight[e.StreamID] = true
	return true
}

// handle delivers one entry and acknowledges it, leaves it for a retry,
// or dead-letters it.
func (d *Dispatcher) handle(ctx context.Context, e Entry) {
	defer func() {
		d.mu.Lock()
		delete(d.inflight, e.StreamID)
		d.mu.Unlock()
	}()
	h, err := d.Records.Referral(ctx, e.ID)
	prior := d.attempts(e, h)
	switch {
	case err == nil && h == nil && prior+1 >= recordGoneAfter:
		d.Logger.Warn("handoff dropped: record gone (erased or never committed)", "id", e.ID, "kind", e.Kind, "deliveries", e.Deliveries)
		d.finish(e, "gone", d.Queue.Ack(ctx, e))
		return
	case err == nil && h == nil:
		err = ErrNotFound
	case err == nil && prior >= d.MaxDeliveries:
		err = errors.New("too many deliveries")
	case err == nil:
		err = d.deliver(ctx, e, h)
	}
	if err == nil {
		d.finish(e, "delivered", d.Queue.Ack(ctx, e))
		return
	}
	if ctx.Err() != nil {
		return // shutting down: another dispatcher (or this one, restarted) takes it
	}
	if prior+1 >= d.MaxDeliveries && h != nil {
		d.Logger.Error("handoff dead-lettered after repeated failures", "id", e.ID, "kind", e.Kind,
			"attempts", prior+1, "error", err)
		d.m.dead.WithLabelValues(e.Kind).Inc()
		d.finish(e, "dead_letter", d.Queue.DeadLetter(ctx, e, err.Error()))
		return
	}
	wait := min(max(d.MinIdle<<min(prior, 20), askedWait(err)), d.MaxBackoff)
	d.mu.Lock()
	d.retries[e.StreamID] = &retry{attempts: prior + 1, next: d.Now().Add(wait)}
	d.mu.Unlock()
	d.m.entries.WithLabelValues("retry").Inc()
	d.Logger.Warn("handoff delivery failed; will retry", "id", e.ID, "kind", e.Kind, "attempt", prior+1,
		"retry_in", wait.String(), "error", err)
}

// attempts is how many times e was tried before: as this process
// counted, or for an entry taken over from another consumer its delivery
// count, but no more than the backoff schedule fits into h's age (claims
// while it waited out its backoff raise the count without an attempt).
func (d *Dispatcher) attempts(e Entry, h *bot.Handoff) int {
	d.mu.Lock()
	r := d.retries[e.StreamID]
	d.mu.Unlock()
	if r != nil {
		return r.attempts
	}
	n := max(e.Deliveries-1, 0)
	if h == nil || e.Kind == KindEscalation {
		return n
	}
	fit, total := 0, time.Duration(0)
	for age := d.Now().Sub(h.Created); fit < n; fit++ {
		total += min(d.MinIdle<<min(fit, 20), d.MaxBackoff)
		if total > age {
			break
		}
	}
	return min(n, fit)
}

// finish forgets e after it left the queue.
func (d *Dispatcher) finish(e Entry, result string, err error) {
	if err != nil {
		d.Logger.Error("updating the handoff queue", "id", e.ID, "result", result, "error", err)
		return // still pending: it comes back
	}
	d.mu.Lock()
	delete(d.retries, e.StreamID)
	for id, r := range d.retries {
		if d.Now().Sub(r.next) > 2*d.MaxBackoff {
			delete(d.retries, id) // taken over by another process and finished there
		}
	}
	d.mu.Unlock()
	d.m.entries.WithLabelValues(result).Inc()
}

// temporary reports whether err is worth retrying soon.
func temporary(err error) bool {
	var te *outbox.TemporaryError
	return errors.As(err, &te)
}

// askedWait is the wait a provider asked for (Telegram's retry_after, a
// Retry-After header), 0 when none.
func askedWait(err error) time.Duration {
	var te *outbox.TemporaryError
	if errors.As(err, &te) {
		return te.After
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// deliveryKey is the Handoff.Delivered key of notifier name's delivery of
// h as kind: the name for h's own kind, "<name>:escalation:<n>" for the
// nth escalation, "<name>:<kind>" otherwise.
func deliveryKey(name, kind string, h *bot.Handoff) string {
	switch kind {
	case h.Kind:
		return name
	case KindEscalation:
		return name + ":" + kind + ":" + strconv.Itoa(h.Escalated)
	}
	return name + ":" + kind
}

// deliver gives h, as kind, to every notifier that wants it and does not
// have it yet, at once, and returns their failures joined.
func (d *Dispatcher) deliver(ctx context.Context, e Entry, h *bot.Handoff) error {
	kind := e.Kind
	if kind == KindEscalation && (h.Assignee != "" || h.Status == bot.StatusClosed) {
		return nil // claimed since it was due: nothing to escalate
	}
	var referral *bot.Handoff
	if kind == bot.KindMessage && h.Referral != "" {
		r, err := d.Records.Referral(ctx, h.Referral)
		if err != nil {
			return fmt.Errorf("loading the referral of a message: %w", err)
		}
		referral = r
	}
	errs := make([]error, len(d.Notifiers))
	var wg sync.WaitGroup
	for i, n := range d.Notifiers {
		if !n.Wants(h, kind) {
			continue
		}
		key := deliveryKey(n.Name(), kind, h)
		if ref, done := h.Delivered[key]; done {
			errs[i] = d.linkPost(ctx, n, ref, h) // again, in case linking failed last time
			continue
		}
		wg.Go(func() { errs[i] = d.send(ctx, n, key, h, kind, referral) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return d.scheduleEscalation(ctx, h, kind)
}

// aboutSender is a notifier that threads a message to its referral
// (TelegramNotifier: as a reply to the referral's post).
type aboutSender interface {
	SendMessageAbout(ctx context.Context, msg, referral *bot.Handoff) (string, error)
}

// claimMarker is a notifier whose post shows who claimed a handoff
// (TelegramNotifier).
type claimMarker interface {
	Claimed(ctx context.Context, ref string, h *bot.Handoff) error
}

// send makes one notifier's delivery and marks it on the record.
func (d *Dispatcher) send(ctx context.Context, n Notifier, key string, h *bot.Handoff, kind string, referral *bot.Handoff) error {
	var ref string
	var err error
	if a, ok := n.(aboutSender); ok && kind == bot.KindMessage {
		ref, err = a.SendMessageAbout(ctx, h, referral)
	} else {
		ref, err = n.Send(ctx, h, kind)
	}
	if err != nil {
		result := "error"
		if temporary(err) {
			result = "temporary"
		}
		d.m.deliveries.WithLabelValues(n.Name(), result).Inc()
		return fmt.Errorf("%s: %w", n.Name(), err)
	}
	d.m.deliveries.WithLabelValues(n.Name(), "ok").Inc()
	linkErr := d.linkPost(ctx, n, ref, h)
	if ref == "" {
		ref = "delivered" // the notifier keeps no id; the key's presence is what counts
	}
	now, first := d.Now(), false
	rec, err := d.Records.Update(ctx, h.ID, func(x *bot.Handoff) error {
		if x.Delivered == nil {
			x.Delivered = map[string]string{}
		}
		x.Delivered[key] = ref
		first = x.NotifiedAt.IsZero() && kind == x.Kind
		if first {
			x.NotifiedAt = now
			if x.Status == bot.StatusNew {
				x.Status = bot.StatusNotified
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("marking the %s delivery: %w", n.Name(), err)
	}
	if first {
		d.m.latency.Observe(now.Sub(rec.Created).Seconds())
		d.afterHours(ctx, rec, now)
	}
	if c, ok := n.(claimMarker); ok && rec.Assignee != "" && kind != bot.KindMessage {
		// Claimed (through the API) before the post went up: no Claim button.
		if err := c.Claimed(ctx, ref, rec); err != nil {
			d.Logger.Warn("marking a new post claimed", "id", h.ID, "notifier", n.Name(), "error", err)
		}
	}
	return linkErr
}

// afterHours tells the young person, once, when a referral made outside
// office hours will be seen (through their inbox, so it is ordered with the
// conversation and goes out on their own channel).
func (d *Dispatcher) afterHours(ctx context.Context, h *bot.Handoff, now time.Time) {
	hours := d.Escalation.Hours
	if d.Engine == nil || h.Kind != bot.KindReferral || hours.Loc == nil || hours.Open(now) {
		return
	}
	in := bot.Inbound{Channel: h.Channel, Address: h.Address, Notice: bot.NoticeAfterHours,
		Text: hours.Reopens(now), ID: "after_hours:" + h.ID, At: now}
	if _, err := d.Engine.Handle(ctx, in); err != nil {
		d.Logger.Warn("telling a young person when the team is back", "id", h.ID, "error", err)
		return
	}
	if d.Wake != nil {
		d.Wake()
	}
}
