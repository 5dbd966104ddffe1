package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/signpost-app/signpost/bot"
)

// PostRef is the Records.Link reference of the Telegram message
// messageID (decimal) in chat: "tg:<chat>:<message id>".
func PostRef(chat int64, messageID string) string {
	return "tg:" + strconv.FormatInt(chat, 10) + ":" + messageID
}

// linkPost links a Telegram group post (ref, what the notifier returned)
// to the referral it is about, so claims and replies find it. Posts of a
// young person's later messages link to their referral.
func (d *Dispatcher) linkPost(ctx context.Context, n Notifier, ref string, h *bot.Handoff) error {
	tn, ok := n.(*TelegramNotifier)
	if !ok || ref == "" {
		return nil
	}
	id := h.ID
	if h.Kind == bot.KindMessage && h.Referral != "" {
		id = h.Referral
	}
	if err := d.Records.Link(ctx, PostRef(tn.ChatID, ref), id); err != nil {
		return fmt.Errorf("linking the telegram post: %w", err)
	}
	return nil
}

// The parts of a Telegram Update from the link workers' group that
// HandleGroupUpdate reads (https://core.telegram.org/bots/api#update).
type (
	groupUpdate struct {
		UpdateID      int64         `json:"update_id"`
		Message       *groupMessage `json:"message"`
		CallbackQuery *struct {
			ID      string        `json:"id"`
			From    groupUser     `json:"from"`
			Message *groupMessage `json:"message"`
			Data    string        `json:"data"`
		} `json:"callback_query"`
	}
	groupMessage struct {
		MessageID int        `json:"message_id"`
		From      *groupUser `json:"from"`
		Chat      struct {
			ID int64 `json:"id"`
		} `json:"chat"`
		Text    *string       `json:"text"`
		ReplyTo *groupMessage `json:"reply_to_message"`
	}
	groupUser struct {
		IsBot     bool   `json:"is_bot"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}
)

func (u groupUser) name() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

// Texts for link workers in the group.
const (
	toastClaimed  = "✅ It's yours. The young person has been told who has their referral."
	toastAlready  = "Already claimed by "
	toastGone     = "This referral was deleted or has expired."
	toastNoName   = "Set a first name in your Telegram profile to claim referrals."
	replyGone     = "⚠️ Not sent: this referral was deleted or has expired."
	replyTextOnly = "⚠️ Not sent: only text can be passed on to the young person."
)

// HandleGroupUpdate handles a Telegram update (raw JSON) if it comes from
// the link workers' group, and reports whether it did; anything else
// (a young person's private chat) is left for the conversation engine.
//
//   - A press of a post's Claim button ("claim|<id>") claims the referral
//     for whoever pressed it, and answers the press with a toast: it's
//     yours, or who has it already.
//   - A text reply to a referral's post (or to a post of a later message
//     of the young person) is relayed to the young person, signed with
//     the worker's first name, with the id "relay:<update_id>" so a
//     redelivered update is sent once.
//   - Anything else in the group (chat among workers, bots) is ignored.
//
// An error means the update was not fully handled and should be
// delivered again (the webhook answers 503): every step is safe to repeat.
func (c *Claims) HandleGroupUpdate(ctx context.Context, raw []byte) (bool, error) {
	if c.Telegram == nil {
		return false, nil
	}
	var u groupUpdate
	if err := json.Unmarshal(raw, &u); err != nil {
		return false, nil // not ours to judge: the channel reports bad updates
	}
	chat := c.Telegram.ChatID
	switch {
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat.ID == chat:
		cq := u.CallbackQuery
		toast, err := "", error(nil)
		if id, ok := strings.CutPrefix(cq.Data, ClaimData); ok {
			toast, err = c.claimToast(ctx, id, cq.From.name())
		}
		// Spec: https://core.telegram.org/bots/api#answercallbackquery
		if aerr := c.Telegram.API.AnswerCallback(ctx, cq.ID, toast); aerr != nil {
			c.log().Debug("answering a claim press", "error", aerr)
		}
		return true, err
	case u.Message != nil && u.Message.Chat.ID == chat:
		return true, c.relayReply(ctx, u.UpdateID, u.Message)
	}
	return false, nil
}

// claimToast claims id for worker and says how it went.
func (c *Claims) claimToast(ctx context.Context, id, worker string) (string, error) {
	_, err := c.Claim(ctx, id, worker, "telegram")
	var already *AlreadyClaimedError
	switch {
	case err == nil:
		return toastClaimed, nil
	case errors.As(err, &already):
		return toastAlready + already.By, nil
	case errors.Is(err, ErrNotFound):
		return toastGone, nil
	case errors.Is(err, ErrNoWorker):
		return toastNoName, nil
	}
	return "", err
}

// relayReply relays a worker's reply to a linked post.
func (c *Claims) relayReply(ctx context.Context, updateID int64, m *groupMessage) error {
	if m.From == nil || m.From.IsBot || m.ReplyTo == nil {
		return nil
	}
	id, err := c.Records.Linked(ctx, PostRef(m.Chat.ID, strconv.Itoa(m.ReplyTo.MessageID)))
	if err != nil || id == "" {
		return err // a reply to something else: chat among the workers
	}
	h, err := c.Records.Referral(ctx, id)
	if err != nil {
		return err
	}
	text := ""
	if m.Text != nil {
		text = strings.TrimSpace(*m.Text)
	}
	note := ""
	switch {
	case h == nil:
		note = replyGone
	case text == "":
		note = replyTextOnly
	default:
		return c.Relay(ctx, h, m.From.name(), text, "relay:"+strconv.FormatInt(updateID, 10))
	}
	// Spec: https://core.telegram.org/bots/api#sendmessage
	if _, err := c.Telegram.API.SendReply(ctx, m.Chat.ID, m.MessageID, note, nil); err != nil {
		c.log().Warn("telling the group a reply was not sent", "id", id, "error", err)
	}
	return nil
}
