package tgfake

import (
	"encoding/json"
	"strconv"
)

// Button is an inline keyboard button as sent: its text and callback_data.
type Button struct {
	Text string
	Data string
}

// SentMessage is a successful sendMessage call.
type SentMessage struct {
	ChatID    int64
	Text      string
	Keyboard  [][]Button // nil without an inline keyboard
	MessageID int        // the id the fake gave the message
	ReplyTo   int        // the message it replies to (reply_parameters or reply_to_message_id); 0 for none
}

// CallbackAnswer is a successful answerCallbackQuery call.
type CallbackAnswer struct {
	ID   string // callback_query_id
	Text string // the toast, "" for none
}

// Edit is a successful editMessageReplyMarkup call.
type Edit struct {
	ChatID    int64
	MessageID int
	Keyboard  [][]Button // nil: the keyboard was removed
}

// TextEdit is a successful editMessageText call.
type TextEdit struct {
	ChatID    int64
	MessageID int
	Text      string
	Keyboard  [][]Button // nil: the message has no keyboard now
}

// Command is one entry of setMyCommands, in Telegram's JSON shape.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Sent returns the successful sendMessage calls in order.
func (f *Fake) Sent() []SentMessage {
	var out []SentMessage
	for _, c := range f.Calls("sendMessage") {
		if !c.OK() {
			continue
		}
		var msg struct {
			MessageID int `json:"message_id"`
		}
		_ = json.Unmarshal(c.Result, &msg)
		chatID, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
		reply, _ := replyTo(c.Params)
		out = append(out, SentMessage{
			ChatID:    chatID,
			Text:      c.Params.Get("text"),
			Keyboard:  keyboard(c.Params.Get("reply_markup")),
			MessageID: msg.MessageID,
			ReplyTo:   reply,
		})
	}
	return out
}

// Answers returns the successful answerCallbackQuery calls in order.
func (f *Fake) Answers() []CallbackAnswer {
	var out []CallbackAnswer
	for _, c := range f.Calls("answerCallbackQuery") {
		if c.OK() {
			out = append(out, CallbackAnswer{ID: c.Params.Get("callback_query_id"), Text: c.Params.Get("text")})
		}
	}
	return out
}

// Edits returns the successful editMessageReplyMarkup calls in order.
func (f *Fake) Edits() []Edit {
	var out []Edit
	for _, c := range f.Calls("editMessageReplyMarkup") {
		if !c.OK() {
			continue
		}
		chatID, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
		id, _ := strconv.Atoi(c.Params.Get("message_id"))
		out = append(out, Edit{ChatID: chatID, MessageID: id, Keyboard: keyboard(c.Params.Get("reply_markup"))})
	}
	return out
}

// TextEdits returns the successful editMessageText calls in order.
func (f *Fake) TextEdits() []TextEdit {
	var out []TextEdit
	for _, c := range f.Calls("editMessageText") {
		if !c.OK() {
			continue
		}
		chatID, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
		id, _ := strconv.Atoi(c.Params.Get("message_id"))
		out = append(out, TextEdit{ChatID: chatID, MessageID: id, Text: c.Params.Get("text"), Keyboard: keyboard(c.Params.Get("reply_markup"))})
	}
	return out
}

// Message returns the text and inline keyboard that a message the fake
// sent has now, after any edits; ok is false for a message it did not
// send.
func (f *Fake) Message(messageID int) (text string, kb [][]Button, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.messages[messageID]
	if !ok {
		return "", nil, false
	}
	return m.text, keyboard(m.markup), true
}

// Webhook returns the webhook now set ("" after deleteWebhook), its
// secret_token and its allowed_updates.
func (f *Fake) Webhook() (url, secret string, allowed []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.webhook.url, f.webhook.secret, append([]string(nil), f.webhook.allowed...)
}

// Commands returns the command menu from the last successful
// setMyCommands.
func (f *Fake) Commands() []Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Command(nil), f.commands...)
}

// PushUpdate queues a raw Update JSON object for getUpdates and returns
// its update_id. An update without update_id gets the next one (one above
// the highest pushed so far). Invalid JSON fails the test.
func (f *Fake) PushUpdate(js string) int {
	f.t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		f.t.Fatalf("tgfake: PushUpdate: %v", err)
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := 0
	if raw, ok := m["update_id"]; ok {
		if err := json.Unmarshal(raw, &id); err != nil {
			f.t.Fatalf("tgfake: PushUpdate: update_id: %v", err)
			return 0
		}
	}
	if id == 0 {
		id = f.lastUpdate + 1
		m["update_id"] = json.RawMessage(strconv.Itoa(id))
	}
	f.lastUpdate = max(f.lastUpdate, id)
	raw, _ := json.Marshal(m)
	f.updates = append(f.updates, update{id: id, raw: raw})
	f.notify()
	return id
}

// Pending is the number of queued updates not yet confirmed by a
// getUpdates offset.
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates)
}

// keyboard decodes a reply_markup's inline keyboard; nil for none.
func keyboard(raw string) [][]Button {
	if raw == "" || raw == "null" {
		return nil
	}
	var m struct {
		InlineKeyboard [][]wireButton `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(raw), &m) != nil || len(m.InlineKeyboard) == 0 {
		return nil
	}
	out := make([][]Button, len(m.InlineKeyboard))
	for i, row := range m.InlineKeyboard {
		for _, b := range row {
			btn := Button{Text: b.Text}
			if b.CallbackData != nil {
				btn.Data = *b.CallbackData
			}
			out[i] = append(out[i], btn)
		}
	}
	return out
}
