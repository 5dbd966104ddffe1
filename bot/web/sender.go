package web

import (
	"context"
	"fmt"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
)

// Sender delivers web chat replies from the outbox: "sending" is adding
// the reply to the person's transcript, the page's mailbox, which
// GET /chat/messages reads. Going through the outbox keeps one person's
// replies in order, and crisis signposting first, as on every channel.
type Sender struct {
	Transcript Transcript
	// Notify, when set, is told the address after each reply, so a poll
	// waiting in this process answers at once (Chat.Notify).
	Notify func(address string)
}

var _ outbox.Sender = (*Sender)(nil)

// Limits implements outbox.Sender: the web has no provider limits.
func (s *Sender) Limits(bot.Outbound) []outbox.Limit { return nil }

// Send implements outbox.Sender. A reply that only acknowledges a button
// press (no text, options or note) has nothing to show and is skipped. A
// transcript that cannot be written is a temporary failure: the outbox
// retries it.
func (s *Sender) Send(ctx context.Context, m bot.Outbound) error {
	if m.Text == "" && len(m.Options) == 0 && m.Toast == "" {
		return nil
	}
	if err := s.Transcript.AppendWeb(ctx, m.Address, m); err != nil {
		return &outbox.TemporaryError{Err: fmt.Errorf("appending to the web transcript: %w", err)}
	}
	if s.Notify != nil {
		s.Notify(m.Address)
	}
	return nil
}
