package handoff

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/signpost-app/signpost/bot"
)

// LogNotifier writes one log line per handoff, with no personal data: the
// kind, id, urgency, flow, channel, risk categories and a salted hash of
// the conversation, never a name, an answer, a message or an address. It
// is a record that a handoff went out, not a way to read it; it always
// succeeds.
type LogNotifier struct {
	Logger *slog.Logger // nil: slog.Default()
	Salt   string       // for the conversation hash (SIGNPOST's log salt)
}

var _ Notifier = (*LogNotifier)(nil)

// Name is "log".
func (n *LogNotifier) Name() string { return "log" }

// Wants every handoff.
func (n *LogNotifier) Wants(*bot.Handoff, string) bool { return true }

// Send logs h and returns "".
func (n *LogNotifier) Send(ctx context.Context, h *bot.Handoff, kind string) (string, error) {
	logger := n.Logger
	if logger == nil {
		logger = slog.Default()
	}
	cats := make([]string, len(h.Risks))
	for i, r := range h.Risks {
		cats[i] = r.Category
	}
	level := slog.LevelInfo
	if h.Urgency == bot.UrgencyUrgent || kind == bot.KindAlert {
		level = slog.LevelWarn
	}
	logger.LogAttrs(ctx, level, "handoff",
		slog.String("kind", kind),
		slog.String("id", h.ID),
		slog.String("urgency", h.Urgency),
		slog.String("flow", h.Flow),
		slog.Int("flow_version", h.Version),
		slog.String("channel", h.Channel),
		slog.Any("risks", cats),
		slog.String("conversation", bot.HashID(n.Salt, h.Conversation())),
	)
	return "", nil
}

// TerminalNotifier prints each handoff in full (Handoff.String) for
// `signpost chat`, where the person typing is the young person and the
// link worker at once.
type TerminalNotifier struct {
	W io.Writer
}

var _ Notifier = (*TerminalNotifier)(nil)

// Name is "terminal".
func (n *TerminalNotifier) Name() string { return "terminal" }

// Wants every handoff.
func (n *TerminalNotifier) Wants(*bot.Handoff, string) bool { return true }

// Send prints h, headed by kind when that is not h's own (an escalation).
func (n *TerminalNotifier) Send(_ context.Context, h *bot.Handoff, kind string) (string, error) {
	text := h.String()
	if kind != h.Kind {
		text = "(" + kind + ") " + text
	}
	if _, err := fmt.Fprint(n.W, text); err != nil {
		return "", fmt.Errorf("printing handoff: %w", err)
	}
	return "", nil
}
