package redis_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/store/redis"
)

// BenchmarkRedisTurn measures one engine turn on the default flow with the
// Redis store on the package's private redis-server, configured as in
// production (the production client from redis.Open, SMS replies kept in
// the durable outbox, reminder and expiry timers on). Goroutines run in
// parallel, each with its own people, who walk the whole happy path one
// message per iteration (welcome to handoff, as BenchmarkTurn in bot/), so
// the figures are averages over every step of the flow. Commands and round
// trips are counted with a go-redis hook; the outbox is not dispatched.
//
//	go test ./store/redis/ -run '^$' -bench BenchmarkRedisTurn -benchtime 20000x
func BenchmarkRedisTurn(b *testing.B) {
	c, err := redis.Open(srv.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	var n cmdCounter
	c.AddHook(&n)
	s := newSetup()
	s.reminderAfter, s.sessionTTL, s.outbox = 24*time.Hour, 30*24*time.Hour, []string{bot.ChannelSMS}
	p := s.proc(b, "bench", c)
	script := make([]string, len(fullPath))
	for i, step := range fullPath {
		script[i] = step.Say
	}
	var workers, replies atomic.Int64
	run := fmt.Sprint(msgSeq.Add(1)) // people differ between the benchmark's runs
	b.SetParallelism(4)              // 4 × GOMAXPROCS goroutines: turns wait on Redis, not the CPU
	n.take()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := workers.Add(1)
		for i := 0; pb.Next(); i++ {
			person, step := i/len(script), i%len(script)
			in := bot.Inbound{Channel: bot.ChannelSMS, Address: fmt.Sprintf("+44%s-%d-%d", run, w, person),
				ID: newID(), Text: script[step]}
			outs, err := p.eng.Handle(ctx, in)
			if err != nil {
				b.Error(err)
				return
			}
			replies.Add(int64(len(outs)))
		}
	})
	b.StopTimer()
	rts, cmds := n.take()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
	b.ReportMetric(float64(cmds)/float64(b.N), "cmds/turn")
	b.ReportMetric(float64(rts)/float64(b.N), "roundtrips/turn")
	if replies.Load() < int64(b.N) {
		b.Errorf("%d replies for %d turns: some turns were not answered", replies.Load(), b.N)
	}
}
