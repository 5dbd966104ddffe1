package sms_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/sms/twiliofake"
)

// BenchmarkTwilioWebhook measures what Twilio sees of one inbound SMS: a
// signed POST /webhooks/twilio over real HTTP → signature check → a turn
// on the Redis store (the package's private redis-server) → the reply
// queued in the outbox. No dispatcher runs, so sending costs nothing here.
// Every request is a new person's first message, spread over parallel
// clients: 1 per CPU shows the latency of a request on its own, 8 per CPU
// the throughput under load (a turn mostly waits on Redis).
//
//	go test ./bot/sms/ -run '^$' -bench BenchmarkTwilioWebhook -benchtime 10000x
func BenchmarkTwilioWebhook(b *testing.B) {
	for _, perCPU := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%dxCPU", perCPU), func(b *testing.B) { benchWebhook(b, perCPU) })
	}
}

func benchWebhook(b *testing.B, perCPU int) {
	h := newHarness(b, opts{noDispatch: true})
	target := h.url + "/webhooks/twilio"
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	b.Cleanup(client.CloseIdleConnections)
	run := time.Now().UnixNano() % 1e6 // people differ between runs of the benchmark
	var seq atomic.Int64
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)

	b.SetParallelism(perCPU)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			n := seq.Add(1)
			from := fmt.Sprintf("+44%06d%04d", run, n%10000)
			form := twiliofake.InboundForm(from, ourNumber, "hi", fmt.Sprintf("SM%016x%016x", run, n))
			body := form.Encode()
			req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", twiliofake.Sign(authToken, target, form))
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			var buf [128]byte
			k, _ := resp.Body.Read(buf[:])
			resp.Body.Close()
			local = append(local, time.Since(t0))
			if resp.StatusCode != http.StatusOK || string(buf[:k]) != emptyTwiML {
				b.Errorf("status %d %q", resp.StatusCode, buf[:k])
				return
			}
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()

	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		i := min(len(lat)-1, int(float64(len(lat))*p))
		return float64(lat[i].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")

	// Each request made a turn that queued its reply.
	if q := len(h.pending(fmt.Sprintf("+44%06d%04d", run, seq.Load()%10000))); q < 1 {
		b.Errorf("no reply queued for the last person")
	}
}
