// Package telegram is the Telegram channel: webhook (with a secret token)
// or long polling, deep links with a school's source code, inline-keyboard
// buttons for choices, and replies from the outbox within Telegram's
// limits. The go-telegram-bot-api library (unmaintained since 2021) stays
// behind the small API interface below.
package telegram

import (
	"context"
	"encoding/json"
	"time"
)

// API is the part of the Bot API Signpost uses
// (https://core.telegram.org/bots/api). client.go implements it on
// go-telegram-bot-api/v5; tests use it against a fake Bot API server.
type API interface {
	// SendMessage sends text to a chat with an optional inline keyboard and
	// returns the new message's id (sendMessage).
	SendMessage(ctx context.Context, chatID int64, text string, kb *Keyboard) (messageID int, err error)
	// SendReply sends text to a chat as a reply to the chat's message
	// replyTo, with an optional inline keyboard, and returns the new
	// message's id (sendMessage with reply_parameters). When replyTo no
	// longer exists the text is still sent, just not as a reply.
	SendReply(ctx context.Context, chatID int64, replyTo int, text string, kb *Keyboard) (messageID int, err error)
	// EditText replaces the text of a message the bot sent and its inline
	// keyboard (nil: removes it) (editMessageText).
	EditText(ctx context.Context, chatID int64, messageID int, text string, kb *Keyboard) error
	// AnswerCallback acknowledges a button press, with an optional toast
	// (answerCallbackQuery).
	AnswerCallback(ctx context.Context, callbackID, text string) error
	// EditKeyboard replaces (nil: removes) a message's inline keyboard
	// (editMessageReplyMarkup).
	EditKeyboard(ctx context.Context, chatID int64, messageID int, kb *Keyboard) error
	// SetWebhook registers url with a secret_token and the allowed update
	// types (setWebhook).
	SetWebhook(ctx context.Context, url, secret string, allowed []string) error
	// DeleteWebhook removes the webhook so getUpdates works (deleteWebhook).
	DeleteWebhook(ctx context.Context) error
	// SetCommands registers the bot's command menu (setMyCommands).
	SetCommands(ctx context.Context, cmds []Command) error
	// GetUpdates long-polls for updates from offset (getUpdates).
	GetUpdates(ctx context.Context, offset int, timeout time.Duration, allowed []string) ([]json.RawMessage, error)
	// Username is the bot's @username (from getMe).
	Username(ctx context.Context) (string, error)
}

// Keyboard is an inline keyboard: rows of buttons.
type Keyboard struct {
	Rows [][]Button
}

// Button is an inline keyboard button that sends Data back as a
// callback_query (at most 64 bytes).
type Button struct {
	Text string
	Data string
}

// Command is one entry of the bot's command menu.
type Command struct {
	Command     string // without the slash
	Description string
}

// Error is a Bot API error, classified. Decide with its fields.
type Error struct {
	Code       int           // the HTTP-like error_code; 0 for a network error
	Message    string        // Telegram's description (never contains personal data, but do not log it with ids)
	RetryAfter time.Duration // parameters.retry_after on 429
	Temporary  bool          // 429, 5xx, network errors and timeouts
	Blocked    bool          // 403: the user blocked the bot (or deactivated)
}

func (e *Error) Error() string {
	return "telegram: " + e.Message
}
