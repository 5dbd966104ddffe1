// Package web is the web chat channel: a page served from the binary at
// GET /, talking to the same engine as SMS and Telegram. Replies reach the
// page through a per-person transcript in the store, so any process can
// serve the page while another handles the turn.
package web

import (
	"context"

	"github.com/signpost-app/signpost/bot"
)

// Message is one reply in a web chat transcript (see bot.WebMessage).
type Message = bot.WebMessage

// Transcript is where the web channel's replies wait for the page.
type Transcript interface {
	// AppendWeb adds a reply to the web person's transcript.
	AppendWeb(ctx context.Context, address string, o bot.Outbound) error
	// WebSince returns the replies after seq, oldest first.
	WebSince(ctx context.Context, address string, after int64) ([]Message, error)
}
