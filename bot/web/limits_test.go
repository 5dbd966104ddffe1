package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/signpost-app/signpost/bot/web"
	"github.com/signpost-app/signpost/store/memory"
)

func TestRateLimits(t *testing.T) {
	t.Run("per person", func(t *testing.T) {
		h := newHarness(t, func(o *web.Options) {
			o.Limiter, o.PersonPerSecond, o.IPPerSecond = memory.NewLimiter(), 2, 1000
		})
		p, _, _ := h.open("/")
		p.say("hi")
		p.say("yes")
		resp, body := p.post("/chat/send", map[string]string{"text": "15"})
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("third message in a second: %d %q, want 429", resp.StatusCode, body)
		}
		var e struct {
			Error      string `json:"error"`
			RetryAfter int    `json:"retry_after"`
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil || !strings.HasPrefix(e.Error, "Slow down") || e.RetryAfter < 1 {
			t.Errorf("429 body %q (%v): want a friendly JSON error", body, err)
		}
		if resp.Header.Get("Retry-After") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("429 headers %v", resp.Header)
		}
		// Someone else on the same network is not held up.
		other, _, _ := h.open("/")
		other.say("hi")
		if n := h.metric("send", "rate_limited"); n != 1 {
			t.Errorf("rate_limited counted %v, want 1", n)
		}
	})
	t.Run("per IP", func(t *testing.T) {
		h := newHarness(t, func(o *web.Options) {
			o.Limiter, o.PersonPerSecond, o.IPPerSecond = memory.NewLimiter(), 1000, 3
		})
		var last *http.Response
		for range 4 {
			p, _, _ := h.open("/") // a new browser each time: the IP limit still holds
			last, _ = p.do(http.MethodGet, "/chat/messages?after=0&wait=0", nil)
		}
		if last.StatusCode != http.StatusTooManyRequests {
			t.Errorf("fourth request from one IP in a second: %d, want 429", last.StatusCode)
		}
	})
}
