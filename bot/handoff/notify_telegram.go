package handoff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/telegram"
)

// ClaimData is the callback data prefix of the Claim button: the button
// sends "claim|<handoff id>".
const ClaimData = "claim|"

// maxTelegramText is Telegram's limit on a message's text, in UTF-16 code
// units.
const maxTelegramText = 4096

// TelegramNotifier posts handoffs to the link workers' Telegram group
// (SIGNPOST_HANDOFF_TELEGRAM_CHAT) with a Claim button, and the young
// person's later messages as replies to their referral's post.
type TelegramNotifier struct {
	API    telegram.API
	ChatID int64 // the group
	// Contacts is how summaries show contact details in the group;
	// ContactsMasked (the zero value) unless the service decides otherwise.
	Contacts ContactPolicy
	// Records, when set, is where Send finds the referral a message
	// belongs to, to post the message as a reply to the referral's post
	// (its Delivered["telegram"]) and to tag whoever claimed it. A
	// dispatcher that already has the referral can call SendMessageAbout
	// instead.
	Records Records
	// Now is the clock for "still unclaimed after"; nil: time.Now.
	Now func() time.Time
}

var _ Notifier = (*TelegramNotifier)(nil)

// Name is "telegram".
func (n *TelegramNotifier) Name() string { return "telegram" }

// Wants every handoff.
func (n *TelegramNotifier) Wants(*bot.Handoff, string) bool { return true }

// Send posts h to the group and returns the new post's message id, in
// decimal, as ref. A referral, alert or escalation is its summary with a
// 🙋 Claim button (an escalation starts "⏰ Still unclaimed after …"); a
// message (kind bot.KindMessage) goes through SendMessageAbout, with the
// referral found in Records.
//
// Errors: *outbox.TemporaryError for flood control (After is Telegram's
// retry_after), 5xx and network errors; a *telegram.Error otherwise.
func (n *TelegramNotifier) Send(ctx context.Context, h *bot.Handoff, kind string) (string, error) {
	if kind == bot.KindMessage {
		var referral *bot.Handoff
		if n.Records != nil && h.Referral != "" {
			r, err := n.Records.Referral(ctx, h.Referral)
			if err != nil {
				return "", &outbox.TemporaryError{Err: fmt.Errorf("loading the referral of a message: %w", err)}
			}
			referral = r
		}
		return n.SendMessageAbout(ctx, h, referral)
	}
	text := n.summary(h)
	if kind == KindEscalation {
		text = "⏰ Still unclaimed after " + since(n.now().Sub(firstNotified(h))) + "\n\n" + text
	}
	// Spec: https://core.telegram.org/bots/api#sendmessage
	id, err := n.API.SendMessage(ctx, n.ChatID, fit(text, ""), claimKeyboard(h.ID))
	if err != nil {
		return "", telegramError("posting "+kind, err)
	}
	return strconv.Itoa(id), nil
}

// SendMessageAbout posts a message from the young person (msg, of kind
// bot.KindMessage) as "💬 Sam (ref r-…) wrote: …", as a reply to the
// referral's post (referral.Delivered["telegram"]), tagging the first name
// of the link worker who claimed the referral. referral may be nil (not
// found, or expired): the message is then posted on its own. It returns
// the new post's message id.
func (n *TelegramNotifier) SendMessageAbout(ctx context.Context, msg, referral *bot.Handoff) (string, error) {
	name := firstName(answerValue(msg, answerName))
	if name == "" && referral != nil {
		name = firstName(answerValue(referral, answerName))
	}
	if name == "" {
		name = "The young person"
	}
	ref := msg.Referral
	if ref == "" {
		ref = msg.ID
	}
	head := "💬 " + name + " (ref " + ref + ") wrote: "
	tail := ""
	replyTo := 0
	if referral != nil {
		if a := firstName(referral.Assignee); a != "" {
			tail = "\n\n👤 For " + a + " (claimed)"
		}
		replyTo, _ = strconv.Atoi(referral.Delivered[n.Name()])
	}
	text := msg.Message
	if n.Contacts != ContactsFull {
		text = Masked(msg).Message
	}
	// Spec: https://core.telegram.org/bots/api#sendmessage (reply_parameters)
	id, err := n.API.SendReply(ctx, n.ChatID, replyTo, fit(head+text, tail), nil)
	if err != nil {
		return "", telegramError("posting a message", err)
	}
	return strconv.Itoa(id), nil
}

// Claimed edits the group post ref (what Send returned for h) once h is
// claimed: the summary, then "✅ Claimed by Alex at 14:05 BST", and no
// Claim button. Editing a post that already says so is not an error.
func (n *TelegramNotifier) Claimed(ctx context.Context, ref string, h *bot.Handoff) error {
	id, err := strconv.Atoi(ref)
	if err != nil || id <= 0 {
		return fmt.Errorf("marking claimed: bad telegram message ref %q", ref)
	}
	who := firstName(h.Assignee)
	if who == "" {
		who = "a link worker"
	}
	at := h.ClaimedAt
	if at.IsZero() {
		at = n.now()
	}
	tail := "\n\n✅ Claimed by " + who + " at " + clock(at)
	// Spec: https://core.telegram.org/bots/api#editmessagetext
	err = n.API.EditText(ctx, n.ChatID, id, fit(n.summary(h), tail), nil)
	if notModified(err) {
		return nil // a retry after the edit went through
	}
	if err != nil {
		return telegramError("marking claimed", err)
	}
	return nil
}

func (n *TelegramNotifier) summary(h *bot.Handoff) string {
	return Summary(h, n.Contacts)
}

func (n *TelegramNotifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

// claimKeyboard is the one-button keyboard of a handoff post.
func claimKeyboard(id string) *telegram.Keyboard {
	return &telegram.Keyboard{Rows: [][]telegram.Button{{{Text: "🙋 Claim", Data: ClaimData + id}}}}
}

// firstNotified is when link workers were first told of h.
func firstNotified(h *bot.Handoff) time.Time {
	if !h.NotifiedAt.IsZero() {
		return h.NotifiedAt
	}
	return h.Created
}

// since is a waiting time in words: "45 min", "2 h 10 min", "3 days 4 h".
func since(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case d < time.Minute:
		return "under a minute"
	case days == 1:
		return fmt.Sprintf("1 day %d h", hours)
	case days > 1:
		return fmt.Sprintf("%d days %d h", days, hours)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d h %d min", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d h", hours)
	}
	return fmt.Sprintf("%d min", mins)
}

// answerValue is the shown value of h's answer name, "" if none.
func answerValue(h *bot.Handoff, name string) string {
	for _, a := range h.Answers {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// fit returns text + tail within Telegram's limit, shortening text (never
// tail) with a note when it is too long.
func fit(text, tail string) string {
	const note = "\n… (shortened: see the full record in the case system)"
	if utf16Len(text)+utf16Len(tail) <= maxTelegramText {
		return text + tail
	}
	room := maxTelegramText - utf16Len(tail) - utf16Len(note)
	var b strings.Builder
	used := 0
	for _, r := range text {
		w := utf16.RuneLen(r)
		if used+w > room {
			break
		}
		used += w
		b.WriteRune(r)
	}
	return b.String() + note + tail
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// notModified reports Telegram's answer to an edit that changes nothing.
// Telegram says so only in its description.
func notModified(err error) bool {
	var e *telegram.Error
	return errors.As(err, &e) && e.Code == 400 && strings.Contains(e.Message, "message is not modified")
}

// telegramError marks the Bot API's temporary failures for the
// dispatcher's retry.
func telegramError(op string, err error) error {
	var e *telegram.Error
	if errors.As(err, &e) && e.Temporary {
		return &outbox.TemporaryError{After: e.RetryAfter, Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}
