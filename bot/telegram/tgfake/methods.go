package tgfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
	"unicode/utf16"
)

// Telegram's limits and its error descriptions for breaking them.
const (
	maxText         = 4096 // UTF-16 code units
	maxCallbackData = 64   // bytes
	errTooLong      = "Bad Request: message is too long"
	errEmptyText    = "Bad Request: message text is empty"
	errChatNotFound = "Bad Request: chat not found"
	errButtonData   = "Bad Request: BUTTON_DATA_INVALID"
	errNotModified  = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	errNoMessageID  = "Bad Request: message identifier is not specified"
	errQueryTooOld  = "Bad Request: query is too old and response timeout expired or query ID is invalid"
	errSecret       = "Bad Request: secret token contains unallowed characters"
	errCommand      = "Bad Request: BOT_COMMAND_INVALID"
	errConflict     = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)

var (
	secretRE  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
)

func badRequest(description string) *apiError {
	return &apiError{code: http.StatusBadRequest, description: description}
}

// botUser is the getMe result and the "from" of the bot's messages.
func botUser() map[string]any {
	return map[string]any{
		"id":                          BotID,
		"is_bot":                      true,
		"first_name":                  "Signpost Test",
		"username":                    BotUsername,
		"can_join_groups":             false,
		"can_read_all_group_messages": false,
		"supports_inline_queries":     false,
	}
}

// handle answers every method but getUpdates; call with f.mu held.
func (f *Fake) handle(method string, p url.Values) (any, *apiError) {
	switch method {
	case "getMe":
		return botUser(), nil
	case "sendMessage":
		return f.sendMessage(p)
	case "answerCallbackQuery":
		if p.Get("callback_query_id") == "" {
			return nil, badRequest(errQueryTooOld)
		}
		return true, nil
	case "editMessageReplyMarkup":
		return f.editMessageReplyMarkup(p)
	case "editMessageText":
		return f.editMessageText(p)
	case "setWebhook":
		return f.setWebhook(p)
	case "deleteWebhook":
		f.webhook = webhookState{}
		if p.Get("drop_pending_updates") == "true" {
			f.updates = nil
		}
		return true, nil
	case "getWebhookInfo":
		info := map[string]any{"url": f.webhook.url, "has_custom_certificate": false, "pending_update_count": len(f.updates)}
		if len(f.webhook.allowed) > 0 {
			info["allowed_updates"] = f.webhook.allowed
		}
		return info, nil
	case "setMyCommands":
		var cmds []Command
		if err := json.Unmarshal([]byte(p.Get("commands")), &cmds); err != nil {
			return nil, badRequest("Bad Request: can't parse commands JSON object")
		}
		for _, c := range cmds {
			if !commandRE.MatchString(c.Command) || c.Description == "" || len(utf16.Encode([]rune(c.Description))) > 256 {
				return nil, badRequest(errCommand)
			}
		}
		f.commands = cmds
		return true, nil
	}
	return nil, &apiError{code: http.StatusNotFound, description: "Not Found"}
}

func (f *Fake) sendMessage(p url.Values) (any, *apiError) {
	chatID, err := strconv.ParseInt(p.Get("chat_id"), 10, 64)
	if err != nil || chatID == 0 {
		return nil, badRequest(errChatNotFound)
	}
	text := p.Get("text")
	switch n := len(utf16.Encode([]rune(text))); {
	case n == 0:
		return nil, badRequest(errEmptyText)
	case n > maxText:
		return nil, badRequest(errTooLong)
	}
	markup, aerr := normaliseMarkup(p.Get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if _, aerr := replyTo(p); aerr != nil {
		return nil, aerr
	}
	id := f.nextMsgID
	f.nextMsgID++
	f.messages[id] = message{chatID: chatID, text: text, markup: markup}
	return messageJSON(id, chatID, text, markup, false), nil
}

// replyTo reads the message a sendMessage replies to: reply_parameters'
// message_id (Bot API 7.0), else the older reply_to_message_id; 0 for
// none. The fake does not check that the message exists, as if every
// call set allow_sending_without_reply.
func replyTo(p url.Values) (int, *apiError) {
	if raw := p.Get("reply_parameters"); raw != "" {
		var rp struct {
			MessageID int `json:"message_id"`
		}
		if err := json.Unmarshal([]byte(raw), &rp); err != nil {
			return 0, badRequest("Bad Request: can't parse reply parameters JSON object")
		}
		if rp.MessageID == 0 {
			return 0, badRequest(errNoMessageID)
		}
		return rp.MessageID, nil
	}
	id, _ := strconv.Atoi(p.Get("reply_to_message_id"))
	return id, nil
}

// editMessageText answers editMessageText for a chat's message. Like
// Telegram, leaving reply_markup out removes the inline keyboard.
func (f *Fake) editMessageText(p url.Values) (any, *apiError) {
	chatID, err := strconv.ParseInt(p.Get("chat_id"), 10, 64)
	if err != nil || chatID == 0 {
		return nil, badRequest(errChatNotFound)
	}
	id, _ := strconv.Atoi(p.Get("message_id"))
	if id == 0 {
		return nil, badRequest(errNoMessageID)
	}
	text := p.Get("text")
	switch n := len(utf16.Encode([]rune(text))); {
	case n == 0:
		return nil, badRequest(errEmptyText)
	case n > maxText:
		return nil, badRequest(errTooLong)
	}
	markup, aerr := normaliseMarkup(p.Get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	// As for editMessageReplyMarkup: only the fake's own messages are
	// checked.
	if m, ok := f.messages[id]; ok && m.chatID == chatID {
		if m.text == text && m.markup == markup {
			return nil, badRequest(errNotModified)
		}
		m.text, m.markup = text, markup
		f.messages[id] = m
	}
	return messageJSON(id, chatID, text, markup, true), nil
}

func (f *Fake) editMessageReplyMarkup(p url.Values) (any, *apiError) {
	chatID, err := strconv.ParseInt(p.Get("chat_id"), 10, 64)
	if err != nil || chatID == 0 {
		return nil, badRequest(errChatNotFound)
	}
	id, _ := strconv.Atoi(p.Get("message_id"))
	if id == 0 {
		return nil, badRequest(errNoMessageID)
	}
	markup, aerr := normaliseMarkup(p.Get("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	// Messages the fake did not send (ids from pushed updates) are edited
	// without checks; its own messages are checked as Telegram does.
	if m, ok := f.messages[id]; ok && m.chatID == chatID {
		if m.markup == markup {
			return nil, badRequest(errNotModified)
		}
		m.markup = markup
		f.messages[id] = m
	}
	return messageJSON(id, chatID, "", markup, true), nil
}

func (f *Fake) setWebhook(p url.Values) (any, *apiError) {
	secret := p.Get("secret_token")
	if secret != "" && !secretRE.MatchString(secret) {
		return nil, badRequest(errSecret)
	}
	var allowed []string
	if a := p.Get("allowed_updates"); a != "" && a != "null" {
		if err := json.Unmarshal([]byte(a), &allowed); err != nil {
			return nil, badRequest("Bad Request: can't parse allowed updates JSON object")
		}
	}
	f.webhook = webhookState{url: p.Get("url"), secret: secret, allowed: allowed}
	return true, nil
}

// normaliseMarkup checks an inline keyboard and re-encodes it; "" for
// none (an absent or empty keyboard).
func normaliseMarkup(raw string) (string, *apiError) {
	if raw == "" || raw == "null" {
		return "", nil
	}
	var m struct {
		InlineKeyboard [][]wireButton `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return "", badRequest("Bad Request: can't parse reply keyboard markup JSON object")
	}
	if len(m.InlineKeyboard) == 0 {
		return "", nil
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return "", badRequest("Bad Request: text buttons are unallowed in the inline keyboard")
			}
			if b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > maxCallbackData) {
				return "", badRequest(errButtonData)
			}
		}
	}
	b, _ := json.Marshal(m)
	return string(b), nil
}

// wireButton is an InlineKeyboardButton as sent.
type wireButton struct {
	Text         string  `json:"text"`
	CallbackData *string `json:"callback_data,omitempty"`
	URL          *string `json:"url,omitempty"`
}

// messageJSON is a Message object as Telegram returns it.
func messageJSON(id int, chatID int64, text, markup string, edited bool) map[string]any {
	now := time.Now().Unix()
	m := map[string]any{
		"message_id": id,
		"from":       botUser(),
		"chat":       map[string]any{"id": chatID, "first_name": "Test", "type": "private"},
		"date":       now,
	}
	if text != "" {
		m["text"] = text
	}
	if edited {
		m["edit_date"] = now
	}
	if markup != "" {
		m["reply_markup"] = json.RawMessage(markup)
	}
	return m
}

// getUpdates answers getUpdates: it confirms (forgets) every update below
// offset, then returns up to limit queued updates, long-polling up to
// timeout seconds (capped at maxPoll) when none is queued.
func (f *Fake) getUpdates(r *http.Request, p url.Values) (any, *apiError) {
	offset, _ := strconv.Atoi(p.Get("offset"))
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	wait := min(time.Duration(timeout)*time.Second, maxPoll)
	deadline := time.NewTimer(wait)
	defer deadline.Stop()

	f.mu.Lock()
	aerr := f.takeFault("getUpdates")
	f.mu.Unlock()
	if aerr != nil {
		return nil, aerr
	}
	for {
		f.mu.Lock()
		if f.webhook.url != "" {
			f.mu.Unlock()
			return nil, &apiError{code: http.StatusConflict, description: errConflict}
		}
		if offset > 0 {
			kept := f.updates[:0]
			for _, u := range f.updates {
				if u.id >= offset {
					kept = append(kept, u)
				}
			}
			f.updates = kept
		}
		out := []json.RawMessage{}
		for _, u := range f.updates {
			if len(out) == limit {
				break
			}
			out = append(out, u.raw)
		}
		ch := f.changed
		f.mu.Unlock()
		if len(out) > 0 || wait <= 0 {
			return out, nil
		}
		select {
		case <-ch: // something changed, perhaps an update was pushed: look again
		case <-deadline.C:
			return []json.RawMessage{}, nil
		case <-r.Context().Done():
			return []json.RawMessage{}, nil
		}
	}
}
