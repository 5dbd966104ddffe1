package bot_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/safeguard"
)

// BenchmarkTurn measures one engine turn on the default flow with the memory
// store: people walk the whole happy path, one message per iteration, so the
// figure is the average over every step of the flow (welcome to handoff).
func BenchmarkTurn(b *testing.B) {
	h := newHarness(b, nil, "")
	// RESTART starts a new person and walks a finished one again, so a
	// steady population of 1,000 people cycles through the flow (an
	// ever-growing heap would measure the garbage collector instead).
	script := make([]string, 0, len(happyPath)+1)
	script = append(script, "restart")
	for _, s := range happyPath[1:] {
		script = append(script, s.Say)
	}
	script = append(script, "1")
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		person, step := (i/len(script))%1000, i%len(script)
		in := bot.Inbound{Channel: bot.ChannelSMS, Address: strconv.Itoa(person), Text: script[step]}
		if _, err := h.eng.Handle(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
}

// BenchmarkSafeguardCheck160 is the safeguarding check on a 160-character
// ordinary message, as the engine runs it on every inbound text.
func BenchmarkSafeguardCheck160(b *testing.B) {
	m := safeguard.Default()
	msg := "I have been feeling a bit stuck lately, school is stressful and I would like to find a part time job or an apprenticeship near me, maybe something outdoors with animals"
	msg = msg[:160]
	b.ReportAllocs()
	for b.Loop() {
		if _, hit := m.Check(msg); hit {
			b.Fatal("ordinary message flagged")
		}
	}
}
