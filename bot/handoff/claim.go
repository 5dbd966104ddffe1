package handoff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/signpost-app/signpost/bot"
)

// Engine is the conversation engine: notices to a young person (a claim,
// a link worker's reply) go through the person's inbox, in order with
// their conversation, and out through their own channel's outbox.
type Engine interface {
	Handle(ctx context.Context, in bot.Inbound) ([]bot.Outbound, error)
}

// Outcomes a link worker may record for a referral.
var Outcomes = []string{"connected_activity", "employment_training", "money_advice", "other_service", "declined", "no_contact"}

// Errors from Claims.
var (
	ErrUnknownOutcome = errors.New("unknown outcome")
	ErrNoWorker       = errors.New("no link worker named")
)

// AlreadyClaimedError is a claim that lost: someone else has the referral.
type AlreadyClaimedError struct {
	By string // the first name of whoever has it
}

func (e *AlreadyClaimedError) Error() string { return "already claimed by " + e.By }

// Claims is how link workers take referrals, reply to young people and
// record outcomes, from the Telegram group (HandleGroupUpdate) or a case
// system (API). It is safe for concurrent use.
type Claims struct {
	Records     Records
	Engine      Engine
	Telegram    *TelegramNotifier // the link workers' group; nil without one
	Escalations Escalations       // a claimed referral's escalation is cancelled; may be nil
	Wake        func()            // tells the outbox dispatcher a reply is queued; may be nil
	Events      bot.EventLog      // the monitoring events (claims and outcomes); may be nil
	Metrics     *bot.Metrics      // the live counters; may be nil
	Logger      *slog.Logger
	Now         func() time.Time
}

// Claim gives referral (or alert) id to worker, if nobody has it: when
// several claim at once exactly one wins. The winner's claim edits the
// group post(s) to say who has it, cancels the escalation and, for a
// referral, tells the young person "<first name> from the link team has
// your referral". A loser gets an *AlreadyClaimedError; an unknown id
// ErrNotFound. via ("telegram", "api") is logged, with the id only.
//
// A repeated claim by the winner succeeds and repeats the follow-ups, so
// a caller may retry when Claim returned another error after the claim
// was recorded (the young person's notice carries a fixed message id, so
// they are told once).
func (c *Claims) Claim(ctx context.Context, id, worker, via string) (*bot.Handoff, error) {
	worker = strings.Join(strings.Fields(worker), " ")
	if worker == "" {
		return nil, ErrNoWorker
	}
	if _, err := c.Referral(ctx, id); err != nil {
		return nil, err
	}
	h, won, err := c.Records.Claim(ctx, id, worker, c.now())
	if err != nil {
		return nil, fmt.Errorf("claiming %s: %w", id, err)
	}
	if !won && !strings.EqualFold(h.Assignee, worker) {
		c.log().Info("claim lost: already claimed", "id", id, "via", via)
		return h, &AlreadyClaimedError{By: firstName(h.Assignee)}
	}
	if c.Escalations != nil {
		if err := c.Escalations.Cancel(ctx, id); err != nil {
			c.log().Warn("cancelling the escalation of a claimed referral", "id", id, "error", err)
		}
	}
	c.markPosts(ctx, h)
	if h.Kind == bot.KindReferral {
		// Only a referral: the text talks about "your referral", and an
		// alert may come before there is one.
		in := bot.Inbound{Channel: h.Channel, Address: h.Address, Notice: bot.NoticeClaimed,
			Worker: worker, ID: "claimed:" + id}
		if _, err := c.Engine.Handle(ctx, in); err != nil {
			return h, fmt.Errorf("telling the young person %s is claimed: %w", id, err)
		}
		c.wake()
	}
	c.log().Info("referral claimed", "id", id, "kind", h.Kind, "via", via, "repeat", !won)
	if h.Kind == bot.KindReferral {
		// Recorded again on a repeated claim (a caller retrying after an
		// error): the figures count a referral's first claim only.
		ev := bot.NewEvent(bot.EventClaim, h.ClaimedAt)
		ev.Ref, ev.Seconds = h.ID, int64(h.ClaimedAt.Sub(h.Created).Seconds())
		if err := c.record(ctx, h.ID, ev); err != nil {
			return h, err
		}
	}
	return h, nil
}

// Referral loads referral or alert id; ErrNotFound when there is none
// (a young person's later message is not a referral either).
func (c *Claims) Referral(ctx context.Context, id string) (*bot.Handoff, error) {
	h, err := c.Records.Referral(ctx, id)
	switch {
	case err != nil:
		return nil, fmt.Errorf("loading %s: %w", id, err)
	case h == nil || h.Kind == bot.KindMessage:
		return nil, ErrNotFound
	}
	return h, nil
}

// markPosts edits every group post of h (its first post and any
// escalation posts) to say who claimed it, without the Claim button.
// Failures are logged: the claim stands, and a later press is told who
// has it.
func (c *Claims) markPosts(ctx context.Context, h *bot.Handoff) {
	if c.Telegram == nil {
		return
	}
	name := c.Telegram.Name()
	keys := make([]string, 0, len(h.Delivered))
	for k := range h.Delivered {
		if k == name || strings.HasPrefix(k, name+":"+KindEscalation+":") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := c.Telegram.Claimed(ctx, h.Delivered[k], h); err != nil {
			c.log().Warn("editing a claimed post", "id", h.ID, "error", err)
		}
	}
}

// Outcome records what came of referral id (one of Outcomes) and closes
// it.
func (c *Claims) Outcome(ctx context.Context, id, outcome, via string) (*bot.Handoff, error) {
	if !slices.Contains(Outcomes, outcome) {
		return nil, fmt.Errorf("%w %q: want one of %s", ErrUnknownOutcome, outcome, strings.Join(Outcomes, ", "))
	}
	if _, err := c.Referral(ctx, id); err != nil {
		return nil, err
	}
	now := c.now()
	h, err := c.Records.Update(ctx, id, func(h *bot.Handoff) error {
		h.Outcome, h.OutcomeAt, h.Status = outcome, now, bot.StatusClosed
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recording the outcome of %s: %w", id, err)
	}
	if c.Escalations != nil {
		if err := c.Escalations.Cancel(ctx, id); err != nil {
			c.log().Warn("cancelling the escalation of a closed referral", "id", id, "error", err)
		}
	}
	c.log().Info("referral outcome recorded", "id", id, "outcome", outcome, "via", via)
	if h.Kind == bot.KindReferral {
		ev := bot.NewEvent(bot.EventOutcome, now)
		ev.Ref, ev.Value = h.ID, outcome
		if err := c.record(ctx, h.ID, ev); err != nil {
			return h, err
		}
	}
	return h, nil
}

// record keeps a monitoring event about the person referral id belongs to.
func (c *Claims) record(ctx context.Context, id string, ev bot.Event) error {
	person, ok := bot.Person(id)
	if c.Events == nil || !ok {
		return nil
	}
	if err := c.Events.Record(ctx, person, ev); err != nil {
		return fmt.Errorf("recording the %s of %s for the figures: %w", ev.Kind, id, err)
	}
	c.Metrics.Events(ev)
	return nil
}

// Relay sends a link worker's reply to the young person of referral h, on
// their own channel, signed with the worker's first name. key makes a
// repeat of the same reply (a redelivered update) a no-op.
func (c *Claims) Relay(ctx context.Context, h *bot.Handoff, worker, text, key string) error {
	in := bot.Inbound{Channel: h.Channel, Address: h.Address, Notice: bot.NoticeRelay,
		Worker: worker, Text: text, ID: key}
	if _, err := c.Engine.Handle(ctx, in); err != nil {
		return fmt.Errorf("relaying a reply about %s: %w", h.ID, err)
	}
	c.wake()
	c.log().Info("link worker reply relayed", "id", h.ID, "channel", h.Channel)
	return nil
}

func (c *Claims) wake() {
	if c.Wake != nil {
		c.Wake()
	}
}

func (c *Claims) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Claims) log() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}
