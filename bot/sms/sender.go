package sms

import (
	"context"
	"errors"
	"fmt"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/sms/segment"
	"github.com/signpost-app/signpost/bot/sms/twilio"
)

// Client sends one SMS body (twilio.Client in production).
type Client interface {
	Send(ctx context.Context, to, body string) (sid string, err error)
}

// Sender sends replies from the outbox as SMS.
type Sender struct {
	Client    Client
	From      string // the sender the rate limit is kept for (number or Messaging Service SID)
	PerSecond int    // segments per second for this sender; default 10 (a UK long code)
	GSMSafe   bool   // replace curly quotes and dashes so a message stays GSM-7
	MaxBody   int    // characters per SMS body; default segment.MaxBody (1,600)
}

var _ outbox.Sender = (*Sender)(nil)

// text renders a reply for SMS: choices as a numbered list.
func (s *Sender) text(m bot.Outbound) string {
	t := m.Plain()
	if s.GSMSafe {
		t = segment.GSMSafe(t)
	}
	return t
}

// Limits implements outbox.Sender: the sender's segments per second.
func (s *Sender) Limits(m bot.Outbound) []outbox.Limit {
	n, _ := segment.Count(s.text(m))
	per := s.PerSecond
	if per <= 0 {
		per = 10
	}
	return []outbox.Limit{{Key: "rate:sms:" + s.From, PerSecond: per, Cost: n}}
}

// Send implements outbox.Sender. A reply longer than one SMS body is split
// at sentence or word boundaries and sent part by part; a temporary
// failure retries the whole reply, so on a retry a person may see an
// early part twice (only for replies over 1,600 characters, which flow
// validation warns about).
func (s *Sender) Send(ctx context.Context, m bot.Outbound) error {
	max := s.MaxBody
	if max <= 0 {
		max = segment.MaxBody
	}
	text := s.text(m)
	if text == "" {
		return nil // an acknowledgement-only reply (a button press) has nothing to text
	}
	for _, part := range segment.Split(text, max) {
		if _, err := s.Client.Send(ctx, m.Address, part); err != nil {
			return classify(err)
		}
	}
	return nil
}

// classify turns a Twilio error into the outbox's decisions: temporary
// (429, 5xx, timeouts) is retried honouring Retry-After, 21610 opts the
// person out, anything else is permanent.
func classify(err error) error {
	var te *twilio.Error
	switch {
	case errors.As(err, &te) && te.OptedOut:
		return fmt.Errorf("%w: %v", outbox.ErrOptedOut, err)
	case errors.As(err, &te) && te.Temporary:
		return &outbox.TemporaryError{After: te.RetryAfter, Err: err}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		return &outbox.TemporaryError{Err: err}
	}
	return err
}
