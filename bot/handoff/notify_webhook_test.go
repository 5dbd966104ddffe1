package handoff

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
)

var webhookSecret = []byte("case-system-shared-secret")

// webhookDelivery is one request a webhookReceiver accepted.
type webhookDelivery struct {
	header http.Header
	body   []byte
	event  webhookBody
}

// webhookReceiver is a case system's webhook endpoint done properly: it checks
// the signature and timestamp with Verify, answering 401 when they fail,
// and drops repeated Idempotency-Keys.
type webhookReceiver struct {
	mu    sync.Mutex
	got   []webhookDelivery
	seen  map[string]bool
	fails []int // statuses to answer first, in order
	extra http.Header
}

func (rc *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.fails) > 0 {
		status := rc.fails[0]
		rc.fails = rc.fails[1:]
		for k, v := range rc.extra {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if err := Verify(webhookSecret, r.Header.Get(HeaderSignature), r.Header.Get(HeaderTimestamp), body, time.Now(), 0); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	key := r.Header.Get(HeaderIdempotency)
	if rc.seen == nil {
		rc.seen = map[string]bool{}
	}
	if rc.seen[key] {
		w.WriteHeader(http.StatusOK) // a repeat: already done
		return
	}
	rc.seen[key] = true
	var ev webhookBody
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	rc.got = append(rc.got, webhookDelivery{header: r.Header.Clone(), body: body, event: ev})
	w.WriteHeader(http.StatusAccepted)
}

func (rc *webhookReceiver) deliveries() []webhookDelivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]webhookDelivery(nil), rc.got...)
}

func newWebhookReceiver(t *testing.T) (*webhookReceiver, *httptest.Server) {
	rc := &webhookReceiver{}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv
}

func TestWebhookDeliversSignedReferral(t *testing.T) {
	rc, srv := newWebhookReceiver(t)
	n := &WebhookNotifier{URL: srv.URL + "/signpost", Secret: webhookSecret, Client: &http.Client{Timeout: 2 * time.Second}}
	if n.Name() != "webhook" || !n.Wants(sampleAlert(), bot.KindAlert) || !n.Wants(sampleMessage(), bot.KindMessage) {
		t.Fatal("name or wants")
	}
	h := sampleReferral()
	ref, err := n.Send(context.Background(), h, bot.KindReferral)
	if err != nil || ref != "" {
		t.Fatalf("Send = %q, %v", ref, err)
	}
	got := rc.deliveries()
	if len(got) != 1 {
		t.Fatalf("receiver got %d deliveries", len(got))
	}
	d := got[0]
	for k, want := range map[string]string{
		"Content-Type":    "application/json",
		"User-Agent":      "signpost",
		"Idempotency-Key": "r-0123456789abcdef-k3jx9q2m4w7p:referral",
	} {
		if v := d.header.Get(k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	ev := d.event
	if ev.Event != "referral" || ev.ID != h.ID || ev.Referral == nil || ev.Referral.ID != h.ID {
		t.Errorf("event = %+v", ev)
	}
	// The case system gets contact details in full, in the record and the summary.
	if ev.Summary != Summary(h, ContactsFull) || !strings.Contains(ev.Summary, testPhone) {
		t.Errorf("summary = %q", ev.Summary)
	}
	if answerValue(ev.Referral, "phone") != testPhone || ev.Referral.Address != h.Address {
		t.Errorf("record masked: %+v", ev.Referral)
	}
	// The raw body has exactly these four keys.
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(d.body, &raw)
	if len(raw) != 4 {
		t.Errorf("body keys = %v", raw)
	}
}

func TestWebhookIdempotencyKeys(t *testing.T) {
	rc, srv := newWebhookReceiver(t)
	n := &WebhookNotifier{URL: srv.URL, Secret: webhookSecret}
	ctx := context.Background()
	esc := sampleReferral()
	esc.Escalated = 2
	for _, c := range []struct {
		h    *bot.Handoff
		kind string
		key  string
	}{
		{sampleAlert(), bot.KindAlert, "a-0123456789abcdef-a1ert0000001:alert"},
		{sampleMessage(), bot.KindMessage, "m-0123456789abcdef-mess4ge00001:message"},
		{esc, KindEscalation, "r-0123456789abcdef-k3jx9q2m4w7p:escalation:2"},
		{sampleReferral(), KindEscalation, "r-0123456789abcdef-k3jx9q2m4w7p:escalation"},
	} {
		if k := IdempotencyKey(c.h, c.kind); k != c.key {
			t.Errorf("IdempotencyKey = %q, want %q", k, c.key)
		}
		if _, err := n.Send(ctx, c.h, c.kind); err != nil {
			t.Fatal(err)
		}
	}
	// A repeat (a retry after a lost answer) carries the same key, and the
	// receiver drops it.
	if _, err := n.Send(ctx, sampleAlert(), bot.KindAlert); err != nil {
		t.Fatal(err)
	}
	got := rc.deliveries()
	if len(got) != 4 {
		t.Fatalf("deliveries = %d, want 4 (the repeat dropped)", len(got))
	}
	if got[2].event.Event != "escalation" {
		t.Errorf("event = %q", got[2].event.Event)
	}
}

// tamperTransport is a transport that changes the body in flight, keeping the
// signature.
type tamperTransport struct{}

func (tamperTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	body = bytes.Replace(body, []byte(`"urgency":"routine"`), []byte(`"urgency":"urgent"`), 1)
	r2 := r.Clone(r.Context())
	r2.Body, r2.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return http.DefaultTransport.RoundTrip(r2)
}

func TestWebhookReceiverRejectsTamperedAndStale(t *testing.T) {
	rc, srv := newWebhookReceiver(t)
	ctx := context.Background()

	// A changed body fails the signature: 401, a permanent refusal.
	n := &WebhookNotifier{URL: srv.URL, Secret: webhookSecret, Client: &http.Client{Transport: tamperTransport{}, Timeout: time.Second}}
	_, err := n.Send(ctx, sampleReferral(), bot.KindReferral)
	var we *WebhookError
	var temp *outbox.TemporaryError
	if !errors.As(err, &we) || we.Status != http.StatusUnauthorized || errors.As(err, &temp) {
		t.Errorf("tampered: %v", err)
	}

	// The wrong secret too.
	n = &WebhookNotifier{URL: srv.URL, Secret: []byte("guess")}
	if _, err := n.Send(ctx, sampleReferral(), bot.KindReferral); !errors.As(err, &we) || we.Status != http.StatusUnauthorized {
		t.Errorf("wrong secret: %v", err)
	}

	// A delivery signed ten minutes ago (a replay, or a bad clock).
	n = &WebhookNotifier{URL: srv.URL, Secret: webhookSecret, Now: func() time.Time { return time.Now().Add(-10 * time.Minute) }}
	if _, err := n.Send(ctx, sampleReferral(), bot.KindReferral); !errors.As(err, &we) || we.Status != http.StatusUnauthorized {
		t.Errorf("stale: %v", err)
	}
	if len(rc.deliveries()) != 0 {
		t.Errorf("receiver accepted %d bad deliveries", len(rc.deliveries()))
	}

	// And the signature really covers body and timestamp: capture a good
	// delivery and check it both ways.
	var captured webhookDelivery
	capSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		captured = webhookDelivery{header: r.Header.Clone(), body: body}
	}))
	defer capSrv.Close()
	n = &WebhookNotifier{URL: capSrv.URL, Secret: webhookSecret}
	if _, err := n.Send(ctx, sampleReferral(), bot.KindReferral); err != nil {
		t.Fatal(err)
	}
	sig, ts := captured.header.Get(HeaderSignature), captured.header.Get(HeaderTimestamp)
	if err := Verify(webhookSecret, sig, ts, captured.body, time.Now(), 0); err != nil {
		t.Errorf("captured delivery: %v", err)
	}
	tampered := bytes.Replace(captured.body, []byte("Sam"), []byte("Tom"), 1)
	if err := Verify(webhookSecret, sig, ts, tampered, time.Now(), 0); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered body: %v", err)
	}
	if err := Verify(webhookSecret, sig, ts, captured.body, time.Now().Add(6*time.Minute), 0); !errors.Is(err, ErrBadTimestamp) {
		t.Errorf("replayed later: %v", err)
	}
}

func TestWebhookAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter string
		temporary  bool
		after      time.Duration
	}{
		{"429 with seconds", http.StatusTooManyRequests, "7", true, 7 * time.Second},
		{"503", http.StatusServiceUnavailable, "", true, 0},
		{"500 with an HTTP date", http.StatusInternalServerError, time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat), true, 90 * time.Second},
		{"408", http.StatusRequestTimeout, "", true, 0},
		{"absurd Retry-After capped", http.StatusTooManyRequests, "999999", true, time.Hour},
		{"400", http.StatusBadRequest, "", false, 0},
		{"404", http.StatusNotFound, "", false, 0},
		{"410", http.StatusGone, "", false, 0},
		{"redirect not followed", http.StatusFound, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, srv := newWebhookReceiver(t)
			rc.fails = []int{tt.status}
			rc.extra = http.Header{"Location": {srv.URL + "/elsewhere"}}
			if tt.retryAfter != "" {
				rc.extra.Set("Retry-After", tt.retryAfter)
			}
			n := &WebhookNotifier{URL: srv.URL, Secret: webhookSecret}
			_, err := n.Send(context.Background(), sampleReferral(), bot.KindReferral)
			var we *WebhookError
			if !errors.As(err, &we) || we.Status != tt.status {
				t.Fatalf("err = %v, want a WebhookError %d", err, tt.status)
			}
			var temp *outbox.TemporaryError
			if errors.As(err, &temp) != tt.temporary {
				t.Fatalf("temporary = %v, want %v (%v)", !tt.temporary, tt.temporary, err)
			}
			if tt.temporary && (temp.After < tt.after-2*time.Second || temp.After > tt.after) {
				t.Errorf("After = %v, want about %v", temp.After, tt.after)
			}
			// The next attempt goes through.
			if _, err := n.Send(context.Background(), sampleReferral(), bot.KindReferral); err != nil {
				t.Errorf("retry: %v", err)
			}
		})
	}
}

func TestWebhookReceiverDownThenUp(t *testing.T) {
	// Find a free port, and leave nothing listening on it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	n := &WebhookNotifier{URL: "http://" + addr + "/hook?token=url-secret", Secret: webhookSecret, Client: &http.Client{Timeout: time.Second}}
	_, err = n.Send(context.Background(), sampleAlert(), bot.KindAlert)
	var temp *outbox.TemporaryError
	if !errors.As(err, &temp) {
		t.Fatalf("receiver down: %v, want a temporary error", err)
	}
	if strings.Contains(err.Error(), "url-secret") || strings.Contains(err.Error(), addr+"/hook") {
		t.Errorf("error names the URL: %v", err)
	}

	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port taken again before the receiver came up: %v", err)
	}
	rc := &webhookReceiver{}
	srv := httptest.NewUnstartedServer(rc)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	if _, err := n.Send(context.Background(), sampleAlert(), bot.KindAlert); err != nil {
		t.Fatalf("receiver up: %v", err)
	}
	if got := rc.deliveries(); len(got) != 1 || got[0].event.Event != "alert" {
		t.Errorf("deliveries = %+v", got)
	}
}

func TestWebhookTimeoutAndCancel(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	n := &WebhookNotifier{URL: srv.URL, Secret: webhookSecret, Client: &http.Client{Timeout: 100 * time.Millisecond}}
	start := time.Now()
	_, err := n.Send(context.Background(), sampleReferral(), bot.KindReferral)
	var temp *outbox.TemporaryError
	if !errors.As(err, &temp) || time.Since(start) > 2*time.Second {
		t.Errorf("timeout: %v after %v, want a temporary error", err, time.Since(start))
	}

	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	n.Client = &http.Client{Timeout: 5 * time.Second}
	_, err = n.Send(ctx, sampleReferral(), bot.KindReferral)
	if !errors.Is(err, context.Canceled) || errors.As(err, &temp) {
		t.Errorf("cancelled: %v, want context.Canceled and not temporary", err)
	}
}
