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
	}
	reg.MustRegister(m.turns, m.risks, m.handoffs, m.seconds)
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
