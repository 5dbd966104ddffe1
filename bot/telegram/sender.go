package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/textsplit"
)

// MaxText is the most UTF-16 code units Telegram takes in one message
// (https://core.telegram.org/bots/api#sendmessage).
const MaxText = 4096

// MaxCallbackData is the most bytes of callback_data a button may carry
// (https://core.telegram.org/bots/api#inlinekeyboardbutton).
const MaxCallbackData = 64

// Callback data kinds: the first field of a button's callback_data.
const (
	KindChoice = "c" // "c|<step>|<option id>": pick one option of a choice question
	KindToggle = "t" // "t|<step>|<option id>": tick or untick one option of a choices question
	KindDone   = "d" // "d|<step>": send the options ticked so far
)

// Toggle button texts: a box before each option's label, ticked or not,
// and the button that sends the ticked options.
const (
	BoxUnchecked = "☐ "
	BoxChecked   = "☑ "
	DoneText     = "✅ Done"
)

// Sender sends replies from the outbox on Telegram; Outbound.Address is
// the chat id in decimal.
type Sender struct {
	API     API
	PerChat int // messages per second to one chat; default 1
	Global  int // messages per second in all; default 30
}

var _ outbox.Sender = (*Sender)(nil)

// Limits implements outbox.Sender: one chat's rate and the bot's overall
// rate, at a cost of the number of messages the text is split into. A
// message with no text (only a button acknowledgement) has no limit.
func (s *Sender) Limits(m bot.Outbound) []outbox.Limit {
	if m.Text == "" {
		return nil
	}
	per, all := s.PerChat, s.Global
	if per <= 0 {
		per = 1
	}
	if all <= 0 {
		all = 30
	}
	n := len(SplitText(m.Text, MaxText))
	return []outbox.Limit{
		{Key: "rate:tg:chat:" + m.Address, PerSecond: per, Cost: n},
		{Key: "rate:tg:all", PerSecond: all, Cost: n},
	}
}

// Send implements outbox.Sender. In order it answers the button press
// (m.Ack, with m.Toast), removes the buttons of the question now answered
// (m.Answered), and sends m.Text, split into several messages when it is
// over MaxText, with the keyboard for m.Options on the last one.
//
// Answering a press that is too old and removing buttons already gone are
// cosmetic: their permanent failures are ignored. A temporary failure
// anywhere retries the whole reply, so a person may see an early part of
// a split text twice. Errors: *outbox.TemporaryError for 429 (After is
// retry_after), 5xx, timeouts and an ended ctx; outbox.ErrOptedOut when
// the user blocked the bot; anything else is permanent.
func (s *Sender) Send(ctx context.Context, m bot.Outbound) error {
	if m.Ack != "" {
		if err := s.API.AnswerCallback(ctx, m.Ack, m.Toast); err != nil && !cosmetic(err) {
			return classifySend("answering callback", err)
		}
	}
	if m.Answered == "" && m.Text == "" {
		return nil
	}
	chatID, err := strconv.ParseInt(m.Address, 10, 64)
	if err != nil {
		return errors.New("telegram: address is not a chat id")
	}
	if id, err := strconv.Atoi(m.Answered); err == nil && id > 0 {
		if err := s.API.EditKeyboard(ctx, chatID, id, nil); err != nil && !cosmetic(err) {
			return classifySend("removing answered buttons", err)
		}
	}
	if m.Text == "" {
		return nil
	}
	text := m.Text
	kb, ok := keyboardFor(m)
	if !ok {
		text, kb = m.Plain(), nil // callback data would not fit: a numbered list instead
	}
	parts := SplitText(text, MaxText)
	for i, part := range parts {
		var k *Keyboard
		if i == len(parts)-1 {
			k = kb
		}
		if _, err := s.API.SendMessage(ctx, chatID, part, k); err != nil {
			return classifySend("sending message", err)
		}
	}
	return nil
}

// cosmetic reports whether err is a permanent refusal (a 4xx other than
// 403 and 429), such as "query is too old" or "message is not modified".
func cosmetic(err error) bool {
	var e *Error
	return errors.As(err, &e) && !e.Temporary && !e.Blocked && e.Code >= 400 && e.Code < 500
}

// classifySend turns an API error into the outbox's decisions.
func classifySend(op string, err error) error {
	var e *Error
	switch {
	case errors.As(err, &e) && e.Blocked:
		return fmt.Errorf("%w: %s: %v", outbox.ErrOptedOut, op, err)
	case errors.As(err, &e) && e.Temporary:
		return &outbox.TemporaryError{After: e.RetryAfter, Err: fmt.Errorf("%s: %w", op, err)}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return &outbox.TemporaryError{Err: fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// keyboardFor builds the inline keyboard for a question's options; nil
// when there are none. For one choice: a button per row, data
// "c|<step>|<id>". For several (m.Multi): a toggle button per row, text
// "☐ <label>", data "t|<step>|<id>", then a row with "✅ Done", data
// "d|<step>". When an option's data would pass MaxCallbackData bytes, its
// 1-based index stands in for its id: "c|<step>|#3" (see
// ParseCallbackData). ok is false when even that does not fit (a very
// long step name); the caller then sends the numbered list instead.
func keyboardFor(m bot.Outbound) (kb *Keyboard, ok bool) {
	if len(m.Options) == 0 {
		return nil, true
	}
	kind, prefix := KindChoice, ""
	if m.Multi {
		kind, prefix = KindToggle, BoxUnchecked
	}
	kb = &Keyboard{Rows: make([][]Button, 0, len(m.Options)+1)}
	for i, o := range m.Options {
		data := kind + "|" + m.Step + "|" + o.ID
		if len(data) > MaxCallbackData {
			data = kind + "|" + m.Step + "|#" + strconv.Itoa(i+1)
		}
		if len(data) > MaxCallbackData {
			return nil, false
		}
		kb.Rows = append(kb.Rows, []Button{{Text: prefix + o.Label, Data: data}})
	}
	if m.Multi {
		done := m.Done
		if done == "" {
			done = DoneText
		}
		kb.Rows = append(kb.Rows, []Button{{Text: done, Data: KindDone + "|" + m.Step}})
	}
	return kb, true
}

// ParseCallbackData splits a button's callback_data, as made by Sender,
// into its kind (KindChoice, KindToggle or KindDone), the question's step
// and the option id ("" for KindDone). An id of the form "#3" is the
// option's 1-based index, used when the id made the data too long; see
// OptionIndex. ok is false for data Signpost did not make.
func ParseCallbackData(data string) (kind, step, id string, ok bool) {
	kind, rest, found := strings.Cut(data, "|")
	if !found {
		return "", "", "", false
	}
	switch kind {
	case KindDone:
		if rest == "" {
			return "", "", "", false
		}
		return kind, rest, "", true
	case KindChoice, KindToggle:
		i := strings.LastIndexByte(rest, '|')
		if i <= 0 || i == len(rest)-1 {
			return "", "", "", false
		}
		return kind, rest[:i], rest[i+1:], true
	}
	return "", "", "", false
}

// OptionIndex reports whether id is an index stand-in ("#3") and the
// 1-based index it holds.
func OptionIndex(id string) (n int, ok bool) {
	s, found := strings.CutPrefix(id, "#")
	if !found {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

// ToggleKeyboard returns a copy of kb in which the toggle button whose
// callback data is data has its box flipped between ☐ and ☑. Any other
// data (or a nil kb) leaves the copy unchanged.
func ToggleKeyboard(kb *Keyboard, data string) *Keyboard {
	out := &Keyboard{}
	if kb == nil {
		return out
	}
	kind, _, _, ok := ParseCallbackData(data)
	toggle := ok && kind == KindToggle
	out.Rows = make([][]Button, len(kb.Rows))
	for i, row := range kb.Rows {
		out.Rows[i] = append([]Button(nil), row...)
		for j, b := range out.Rows[i] {
			if !toggle || b.Data != data {
				continue
			}
			if label, found := strings.CutPrefix(b.Text, BoxChecked); found {
				out.Rows[i][j].Text = BoxUnchecked + label
			} else {
				out.Rows[i][j].Text = BoxChecked + strings.TrimPrefix(b.Text, BoxUnchecked)
			}
		}
	}
	return out
}

// Checked returns the option ids (or "#3" index stand-ins) of kb's ticked
// toggle buttons, in keyboard order.
func Checked(kb *Keyboard) []string {
	if kb == nil {
		return nil
	}
	var ids []string
	for _, row := range kb.Rows {
		for _, b := range row {
			if kind, _, id, ok := ParseCallbackData(b.Data); ok && kind == KindToggle && strings.HasPrefix(b.Text, BoxChecked) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// SplitText splits text into messages of at most max UTF-16 code units
// (as Telegram counts). Text that fits is returned whole. Otherwise each
// cut goes at the strongest boundary in the latter half of the room left:
// a blank line, then a line break, then the end of a sentence, then a
// space; failing those, at the last space before that; failing that (a
// very long word), after max units, between runes. The whitespace at each
// cut is dropped. Empty text gives no messages.
func SplitText(text string, max int) []string {
	return textsplit.Split(text, max, textsplit.UTF16)
}
