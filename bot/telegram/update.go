package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/signpost-app/signpost/bot"
)

// Kind says what the webhook or the poller does with an update.
type Kind int

// Update kinds.
const (
	// Handle gives the Inbound to the engine.
	Handle Kind = iota
	// Ignore drops the update without a word: group and channel chats,
	// edited messages, service messages, update types we do not use.
	Ignore
	// Toggle ticks or unticks an option of a choices question without the
	// engine: edit the message's keyboard to Action.Keyboard (when not
	// nil) and acknowledge the press with Action.Toast.
	Toggle
	// Ack only acknowledges a button press Signpost cannot use (data it
	// did not make, a message it cannot see).
	Ack
)

// String names the kind, as in the signpost_telegram_updates_total metric.
func (k Kind) String() string {
	switch k {
	case Handle:
		return "handle"
	case Ignore:
		return "ignore"
	case Toggle:
		return "toggle"
	case Ack:
		return "ack"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Action is what to do with an update. For Toggle and Ack the Inbound
// still carries the chat (Address), the button's message (Message) and the
// callback_query id (Callback).
type Action struct {
	Kind     Kind
	Keyboard *Keyboard // Toggle: the message's keyboard after the press; nil leaves it as it is
	Toast    string    // Toggle, Ack: a short note shown with the acknowledgement
}

// PickAtLeastOne is the toast for a Done press with nothing ticked.
const PickAtLeastOne = "Pick at least one"

// sourceCode is what Telegram allows as a deep-link start parameter
// (https://core.telegram.org/bots/features#deep-linking).
var sourceCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidSource reports whether code can be a deep-link start parameter:
// 1–64 characters of A–Z, a–z, 0–9, _ and -.
func ValidSource(code string) bool { return sourceCode.MatchString(code) }

// The parts of an Update that Signpost reads
// (https://core.telegram.org/bots/api#update). Unknown fields are ignored,
// so new Bot API versions do not break decoding.
type (
	wireUpdate struct {
		UpdateID      int64           `json:"update_id"`
		Message       *wireMessage    `json:"message"`
		CallbackQuery *wireCallback   `json:"callback_query"`
		EditedMessage json.RawMessage `json:"edited_message"`
	}

	// https://core.telegram.org/bots/api#message
	wireMessage struct {
		MessageID   int         `json:"message_id"`
		From        *wireUser   `json:"from"`
		Chat        wireChat    `json:"chat"`
		Text        *string     `json:"text"`
		Caption     string      `json:"caption"`
		ReplyMarkup *wireMarkup `json:"reply_markup"`

		// Content that is not text: any one of these makes the message
		// NonText (with its caption, if any, as the text).
		Sticker   json.RawMessage `json:"sticker"`
		Photo     json.RawMessage `json:"photo"`
		Voice     json.RawMessage `json:"voice"`
		Video     json.RawMessage `json:"video"`
		VideoNote json.RawMessage `json:"video_note"`
		Audio     json.RawMessage `json:"audio"`
		Document  json.RawMessage `json:"document"`
		Animation json.RawMessage `json:"animation"`
		Location  json.RawMessage `json:"location"`
		Venue     json.RawMessage `json:"venue"`
		Contact   json.RawMessage `json:"contact"`
		Poll      json.RawMessage `json:"poll"`
		Dice      json.RawMessage `json:"dice"`
		Game      json.RawMessage `json:"game"`
		Story     json.RawMessage `json:"story"`
		PaidMedia json.RawMessage `json:"paid_media"`
	}

	// https://core.telegram.org/bots/api#user
	wireUser struct {
		LanguageCode string `json:"language_code"`
	}

	// https://core.telegram.org/bots/api#chat
	wireChat struct {
		ID   int64  `json:"id"`
		Type string `json:"type"` // private, group, supergroup or channel
	}

	// https://core.telegram.org/bots/api#callbackquery
	wireCallback struct {
		ID      string       `json:"id"`
		From    wireUser     `json:"from"`
		Message *wireMessage `json:"message"` // absent for inline-mode messages; no reply_markup when too old
		Data    string       `json:"data"`
	}

	// https://core.telegram.org/bots/api#inlinekeyboardmarkup
	wireMarkup struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
)

// nonText reports whether the message carries content other than text.
func (m *wireMessage) nonText() bool {
	for _, raw := range [...]json.RawMessage{m.Sticker, m.Photo, m.Voice, m.Video, m.VideoNote,
		m.Audio, m.Document, m.Animation, m.Location, m.Venue, m.Contact, m.Poll, m.Dice, m.Game,
		m.Story, m.PaidMedia} {
		if len(raw) > 0 && string(raw) != "null" {
			return true
		}
	}
	return false
}

// keyboard converts the message's inline keyboard; nil for none.
func (m *wireMessage) keyboard() *Keyboard {
	if m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) == 0 {
		return nil
	}
	kb := &Keyboard{Rows: make([][]Button, len(m.ReplyMarkup.InlineKeyboard))}
	for i, row := range m.ReplyMarkup.InlineKeyboard {
		kb.Rows[i] = make([]Button, len(row))
		for j, b := range row {
			kb.Rows[i][j] = Button{Text: b.Text, Data: b.CallbackData}
		}
	}
	return kb
}

// ErrNoUpdateID is returned for an update without an update_id.
var ErrNoUpdateID = errors.New("telegram: update has no update_id")

// UpdateID returns the update_id of a raw Update.
func UpdateID(raw []byte) (int64, error) {
	var u struct {
		UpdateID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return 0, fmt.Errorf("decoding update: %w", err)
	}
	if u.UpdateID <= 0 {
		return 0, ErrNoUpdateID
	}
	return u.UpdateID, nil
}

// ToInbound turns a Telegram Update (JSON) into an Inbound for the engine
// and says what to do with it. The Inbound's ID is "u" + update_id, so a
// redelivered update is dropped by the store's dedupe marks. Only private
// chats are read: updates from groups, supergroups and channels are
// ignored, so the bot stays quiet there.
//
//   - A text message → Text; "/start PAYLOAD" (or "/start@Bot PAYLOAD")
//     → Text "/start" and Source PAYLOAD when it is a valid deep-link
//     parameter (else no Source).
//   - A sticker, photo, voice note, video, file, location, contact, poll,
//     dice… → NonText, with any caption as Text.
//   - A button press: "c|step|id" → Choice and Step; "d|step" → the ticked
//     options as Choice (Toggle with a "Pick at least one" toast when none
//     is ticked); "t|step|id" → Toggle with the keyboard to show; data
//     Signpost did not make → Ack.
//   - Edited messages and other update types → Ignore.
//
// An error means the body is not an Update.
func ToInbound(raw []byte) (bot.Inbound, Action, error) {
	var u wireUpdate
	if err := json.Unmarshal(raw, &u); err != nil {
		return bot.Inbound{}, Action{}, fmt.Errorf("decoding update: %w", err)
	}
	if u.UpdateID <= 0 {
		return bot.Inbound{}, Action{}, ErrNoUpdateID
	}
	id := "u" + strconv.FormatInt(u.UpdateID, 10)
	switch {
	case u.Message != nil:
		return fromMessage(id, u.Message)
	case u.CallbackQuery != nil:
		return fromCallback(id, u.CallbackQuery)
	}
	return bot.Inbound{ID: id}, Action{Kind: Ignore}, nil
}

func fromMessage(id string, m *wireMessage) (bot.Inbound, Action, error) {
	if m.Chat.Type != "private" || m.Chat.ID == 0 {
		return bot.Inbound{ID: id}, Action{Kind: Ignore}, nil
	}
	in := bot.Inbound{Channel: bot.ChannelTelegram, Address: strconv.FormatInt(m.Chat.ID, 10), ID: id}
	if m.From != nil {
		in.Language = m.From.LanguageCode
	}
	switch {
	case m.Text != nil:
		in.Text = *m.Text
		if payload, ok := startCommand(in.Text); ok {
			in.Text = "/start"
			if ValidSource(payload) {
				in.Source = payload
			}
		}
	case m.nonText():
		in.NonText, in.Text = true, m.Caption
	default:
		// A service message (pinned message, auto-delete timer…):
		// nothing the person said.
		return in, Action{Kind: Ignore}, nil
	}
	return in, Action{Kind: Handle}, nil
}

// startCommand reports whether text is the /start command ("/start",
// "/start@SignpostBot", either with a payload) and returns the payload.
func startCommand(text string) (payload string, ok bool) {
	cmd, rest, _ := strings.Cut(text, " ")
	cmd, _, _ = strings.Cut(cmd, "@")
	if !strings.EqualFold(cmd, "/start") {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

func fromCallback(id string, cq *wireCallback) (bot.Inbound, Action, error) {
	m := cq.Message
	if m == nil {
		// A press on a message sent in inline mode, which Signpost never
		// sends: acknowledge it so the button stops spinning.
		return bot.Inbound{ID: id, Callback: cq.ID}, Action{Kind: Ack}, nil
	}
	if m.Chat.Type != "private" || m.Chat.ID == 0 {
		return bot.Inbound{ID: id}, Action{Kind: Ignore}, nil
	}
	in := bot.Inbound{Channel: bot.ChannelTelegram, Address: strconv.FormatInt(m.Chat.ID, 10), ID: id,
		Language: cq.From.LanguageCode, Callback: cq.ID, Message: strconv.Itoa(m.MessageID)}
	kind, step, opt, ok := ParseCallbackData(cq.Data)
	if !ok {
		return in, Action{Kind: Ack}, nil
	}
	in.Step = step
	switch kind {
	case KindChoice:
		in.Choice = opt
	case KindToggle:
		kb := m.keyboard()
		if kb == nil {
			// The message is too old for Telegram to show us its
			// keyboard: there is nothing to tick.
			return in, Action{Kind: Ack}, nil
		}
		return in, Action{Kind: Toggle, Keyboard: ToggleKeyboard(kb, cq.Data)}, nil
	case KindDone:
		kb := m.keyboard()
		if kb == nil {
			return in, Action{Kind: Ack}, nil
		}
		picked := Checked(kb)
		if len(picked) == 0 {
			return in, Action{Kind: Toggle, Toast: PickAtLeastOne}, nil
		}
		in.Choice = strings.Join(picked, ",")
	}
	return in, Action{Kind: Handle}, nil
}
