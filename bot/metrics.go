package bot

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the engine's Prometheus metrics. A nil *Metrics records nothing.
type Metrics struct {
	turns    *prometheus.CounterVec
	risks    *prometheus.CounterVec
	handoffs *prometheus.CounterVec
	seconds  prometheus.Histogram
	events   *prometheus.CounterVec
	follows  *prometheus.CounterVec
	outcomes *prometheus.CounterVec
	claimed  prometheus.Histogram
}

// NewMetrics registers the engine's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		turns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_turns_total",
			Help: "Inbound messages handled, by result."}, []string{"result"}),
		risks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_safeguarding_hits_total",
			Help: "Safeguarding risks seen, by category."}, []string{"category"}),
		handoffs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_handoffs_total",
			Help: "Referrals and alerts made, by kind."}, []string{"kind"}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "signpost_turn_seconds",
			Help: "Time to handle and commit one turn.", Buckets: prometheus.ExponentialBuckets(0.0001, 4, 9)}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_events_total",
			Help: "Anonymous monitoring events recorded, by kind (start, step, answer, dropoff, end, risk, referral, claim, outcome, followup)."}, []string{"kind"}),
		follows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_followups_total",
			Help: "Check-ins that fell due, by result (sent, opted_out, busy, missing)."}, []string{"result"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_outcomes_total",
			Help: "Outcomes recorded by link workers, by outcome."}, []string{"outcome"}),
		claimed: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "signpost_time_to_claim_seconds",
			Help:    "Time from a referral to a link worker claiming it.",
			Buckets: []float64{900, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 48 * 3600, 96 * 3600, 7 * 24 * 3600}}),
	}
	reg.MustRegister(m.turns, m.risks, m.handoffs, m.seconds, m.events, m.follows, m.outcomes, m.claimed)
	return m
}

func (m *Metrics) turn(result string) {
	if m != nil {
		m.turns.WithLabelValues(result).Inc()
	}
}

func (m *Metrics) risk(category string) {
	if m != nil {
		m.risks.WithLabelValues(category).Inc()
		m.handoffs.WithLabelValues(KindAlert).Inc()
	}
}

func (m *Metrics) handoff(kind string) {
	if m != nil {
		m.handoffs.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) observe(d time.Duration) {
	if m != nil {
		m.seconds.Observe(d.Seconds())
	}
}

// Events counts monitoring events once they are kept (the live counters
// beside the figures: the figures themselves come from the event log).
func (m *Metrics) Events(evs ...Event) {
	if m == nil {
		return
	}
	for _, ev := range evs {
		m.events.WithLabelValues(ev.Kind).Inc()
		switch ev.Kind {
		case EventFollowUp:
			m.follows.WithLabelValues(ev.Value).Inc()
		case EventOutcome:
			m.outcomes.WithLabelValues(ev.Value).Inc()
		case EventClaim:
			m.claimed.Observe(float64(ev.Seconds))
		}
	}
}
