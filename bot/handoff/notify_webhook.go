package handoff

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
)

// DefaultWebhookTimeout bounds one webhook delivery when WebhookNotifier
// has no Client.
const DefaultWebhookTimeout = 10 * time.Second

// WebhookNotifier posts every handoff, signed, to a case system
// (SIGNPOST_HANDOFF_WEBHOOK_URL with SIGNPOST_HANDOFF_WEBHOOK_SECRET). The
// signing scheme and the headers are described at HeaderSignature.
//
// The body is JSON:
//
//	{"event": "referral" | "alert" | "message" | "escalation",
//	 "id": "r-…",
//	 "referral": { the whole record, contact details in full },
//	 "summary": "the plain-text summary, contact details in full"}
type WebhookNotifier struct {
	URL    string
	Secret []byte
	// Client sends the request; it should have a Timeout. Nil: a client
	// with DefaultWebhookTimeout that does not follow redirects.
	Client *http.Client
	// Now is the clock for the timestamp; nil: time.Now.
	Now func() time.Time
}

var _ Notifier = (*WebhookNotifier)(nil)

// webhookBody is what WebhookNotifier posts.
type webhookBody struct {
	Event    string       `json:"event"`
	ID       string       `json:"id"`
	Referral *bot.Handoff `json:"referral"`
	Summary  string       `json:"summary"`
}

// defaultWebhookClient is the client used when WebhookNotifier.Client is nil.
var defaultWebhookClient = &http.Client{
	Timeout: DefaultWebhookTimeout,
	// A redirected POST would be resent as a GET, or resent at all to
	// somewhere unexpected: report the 3xx instead.
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Name is "webhook".
func (n *WebhookNotifier) Name() string { return "webhook" }

// Wants every handoff: a case system keeps the whole record.
func (n *WebhookNotifier) Wants(*bot.Handoff, string) bool { return true }

// Send posts h as event kind and returns "" (the receiver's answer has no
// id to keep). A 2xx answer is delivered. A 408, 429 or 5xx answer, or no
// answer (a network error or timeout), is an *outbox.TemporaryError, with
// After from a Retry-After header; any other answer is a permanent
// *WebhookError. When ctx ends first, the error wraps ctx.Err().
//
// The Idempotency-Key is h.ID + ":" + kind, and for an escalation also
// its count (h.Escalated), so each re-notification of an unclaimed
// referral is new to the receiver while a retry of one is not.
func (n *WebhookNotifier) Send(ctx context.Context, h *bot.Handoff, kind string) (string, error) {
	body, err := json.Marshal(webhookBody{Event: kind, ID: h.ID, Referral: h, Summary: Summary(h, ContactsFull)})
	if err != nil {
		return "", fmt.Errorf("webhook: encoding %s: %w", kind, err)
	}
	now := time.Now
	if n.Now != nil {
		now = n.Now
	}
	ts := now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("webhook: building request: %w", redactURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "signpost")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(n.Secret, ts, body))
	req.Header.Set(HeaderIdempotency, IdempotencyKey(h, kind))

	client := n.Client
	if client == nil {
		client = defaultWebhookClient
	}
	// Our own protocol, for the receiver: see HeaderSignature.
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("webhook: %w", ctx.Err())
		}
		return "", &outbox.TemporaryError{Err: fmt.Errorf("webhook: posting %s: %w", kind, redactURL(err))}
	}
	defer resp.Body.Close()
	// Read a little of the answer so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return "", nil
	}
	werr := &WebhookError{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), now())}
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return "", &outbox.TemporaryError{After: werr.RetryAfter, Err: werr}
	}
	return "", werr
}

// IdempotencyKey is the Idempotency-Key of a webhook delivery of h as
// kind: "<id>:<kind>", and "<id>:escalation:<n>" for the nth escalation.
func IdempotencyKey(h *bot.Handoff, kind string) string {
	if kind == KindEscalation && h.Escalated > 0 {
		return h.ID + ":" + kind + ":" + strconv.Itoa(h.Escalated)
	}
	return h.ID + ":" + kind
}

// WebhookError is a webhook receiver's answer that was not 2xx.
type WebhookError struct {
	Status     int           // the HTTP status
	RetryAfter time.Duration // from a Retry-After header; 0 when none
}

func (e *WebhookError) Error() string {
	return fmt.Sprintf("webhook: receiver answered %d %s", e.Status, http.StatusText(e.Status))
}

// redactURL drops the URL from a client error: a webhook URL may carry a
// token in its path or query, and errors are logged.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3), capped at an hour; 0 when absent, invalid or past.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		d = time.Duration(min(max(secs, 0), 3600)) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), time.Hour)
}
