package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Client implements API on go-telegram-bot-api/v5. Every call makes one
// request and never retries; failures are *Error, except that when ctx
// ends first the call returns an error wrapping ctx.Err().
//
// The library takes no context, so each call runs on a shallow copy of
// the library's BotAPI whose HTTPClient attaches the call's ctx to the
// request: cancelling ctx aborts the request itself, and nothing is left
// running. The http.Client's timeout bounds every call except getUpdates,
// whose deadline is its long-poll timeout plus that timeout.
type Client struct {
	bot      *tgbotapi.BotAPI
	hc       *http.Client // Timeout: the per-call timeout
	poll     *http.Client // no Timeout: getUpdates sets a deadline per call
	timeout  time.Duration
	token    string
	username string
}

var _ API = (*Client)(nil)

// NewClient connects to the Bot API at apiURL (TELEGRAM_API_URL, e.g.
// https://api.telegram.org; required, so that no test can reach Telegram
// by default) with a per-call timeout, and checks the token with getMe,
// keeping the bot's username.
func NewClient(token, apiURL string, timeout time.Duration) (*Client, error) {
	return newClient(token, apiURL, timeout, nil)
}

// newClient is NewClient with the HTTP transport (nil: a clone of the
// default), for tests.
func newClient(token, apiURL string, timeout time.Duration, rt http.RoundTripper) (*Client, error) {
	switch {
	case token == "":
		return nil, errors.New("telegram: no bot token")
	case apiURL == "":
		return nil, errors.New("telegram: no API URL")
	case timeout <= 0:
		return nil, errors.New("telegram: timeout must be positive")
	}
	if rt == nil {
		rt = http.DefaultTransport.(*http.Transport).Clone()
	}
	c := &Client{
		hc:      &http.Client{Timeout: timeout, Transport: rt},
		poll:    &http.Client{Transport: rt},
		timeout: timeout,
		token:   token,
	}
	// The library formats the endpoint with Sprintf(endpoint, token, method).
	endpoint := strings.ReplaceAll(strings.TrimRight(apiURL, "/"), "%", "%%") + "/bot%s/%s"
	// Spec: https://core.telegram.org/bots/api#getme (called by the library)
	bot, err := tgbotapi.NewBotAPIWithClient(token, endpoint, c.hc)
	if err != nil {
		return nil, fmt.Errorf("checking bot token: %w", c.classify(context.Background(), err))
	}
	c.bot = bot
	c.username = bot.Self.UserName
	return c, nil
}

// SendMessage sends text to a chat with an optional inline keyboard.
func (c *Client) SendMessage(ctx context.Context, chatID int64, text string, kb *Keyboard) (int, error) {
	msg := tgbotapi.NewMessage(chatID, text)
	if markup := inlineMarkup(kb); markup != nil {
		msg.ReplyMarkup = *markup
	}
	var sent tgbotapi.Message
	err := c.do(ctx, c.hc, func(b *tgbotapi.BotAPI) (err error) {
		// Spec: https://core.telegram.org/bots/api#sendmessage
		sent, err = b.Send(msg)
		return err
	})
	if err != nil {
		return 0, err
	}
	return sent.MessageID, nil
}

// SendReply sends text to a chat as a reply to the message replyTo, with
// an optional inline keyboard. It uses reply_parameters (Bot API 7.0),
// which replaced reply_to_message_id, with allow_sending_without_reply so
// that a deleted original does not stop the message. The library predates
// reply_parameters, so the parameters are built here.
func (c *Client) SendReply(ctx context.Context, chatID int64, replyTo int, text string, kb *Keyboard) (int, error) {
	params := tgbotapi.Params{"text": text}
	params.AddNonZero64("chat_id", chatID)
	if err := params.AddInterface("reply_markup", inlineMarkup(kb)); err != nil {
		return 0, fmt.Errorf("encoding keyboard: %w", err)
	}
	if replyTo != 0 {
		reply := replyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
		if err := params.AddInterface("reply_parameters", reply); err != nil {
			return 0, fmt.Errorf("encoding reply parameters: %w", err)
		}
	}
	var sent tgbotapi.Message
	err := c.do(ctx, c.hc, func(b *tgbotapi.BotAPI) error {
		// Spec: https://core.telegram.org/bots/api#sendmessage
		// and https://core.telegram.org/bots/api#replyparameters
		resp, err := b.MakeRequest("sendMessage", params)
		if err != nil {
			return err
		}
		return json.Unmarshal(resp.Result, &sent)
	})
	if err != nil {
		return 0, err
	}
	return sent.MessageID, nil
}

// replyParameters is the Bot API's ReplyParameters object, in the part
// Signpost uses.
type replyParameters struct {
	MessageID                int  `json:"message_id"`
	AllowSendingWithoutReply bool `json:"allow_sending_without_reply,omitempty"`
}

// EditText replaces the text of a message the bot sent, and its inline
// keyboard; nil (or no rows) removes the keyboard.
func (c *Client) EditText(ctx context.Context, chatID int64, messageID int, text string, kb *Keyboard) error {
	edit := tgbotapi.EditMessageTextConfig{
		BaseEdit: tgbotapi.BaseEdit{
			ChatID:      chatID,
			MessageID:   messageID,
			ReplyMarkup: inlineMarkup(kb), // nil: reply_markup is left out, which removes the keyboard
		},
		Text: text,
	}
	return c.do(ctx, c.hc, func(b *tgbotapi.BotAPI) error {
		// Spec: https://core.telegram.org/bots/api#editmessagetext
		_, err := b.Request(edit)
		return err
	})
}

// AnswerCallback acknowledges a button press, with an optional toast.
func (c *Client) AnswerCallback(ctx context.Context, callbackID, text string) error {
	return c.do(ctx, c.hc, func(b *tgbotapi.BotAPI) error {
		// Spec: https://core.telegram.org/bots/api#answercallbackquery
		_, err := b.Request(tgbotapi.NewCallback(callbackID, text))
		return err
	})
}

// EditKeyboard replaces a message's inline keyboard; nil (or no rows)
// removes it.
func (c *Client) EditKeyboard(ctx context.Context, chatID int64, messageID int, kb *Keyboard) error {
	edit := tgbotapi.EditMessageReplyMarkupConfig{BaseEdit: tgbotapi.BaseEdit{
		ChatID:      chatID,
		MessageID:   messageID,
		ReplyMarkup: inlineMarkup(kb), // nil: reply_markup is left out, which removes the keyboard
	}}
	return c.do(ctx, c.hc, func(b *tgbotapi.BotAPI) error {
		// Spec: https://core.telegram.org/bots/api#editmessagereplymarkup
		_, err := b.Request(edit)
		return err
	})
}

// SetWebhook registers url with a secret_token (sent back in the
// X-Telegram-Bot-Api-Secret-Token header) and the allowed update types
// (empty: every type but chat_member ones).
// The library's WebhookConfig has no secret_token, so the parameters are
// built here.
func (c *Client) SetWebhook(ctx context.Context, url, secret string, allowed []string) error {
	params := tgbotapi.Params{"url": url}
	params.AddNonEmpty("secret_token", secret)
	if err := params.AddInterface("allowed_updates", nonNil(allowed)); err != nil {
		return fmt.Errorf("encoding allowed updates: %w", err)
	}
	return c.do(ctx, c.hc, func(b *tgbotapi.BotAPI) error {
		// Spec: https://core.telegram.org/bots/api#setwebhook
		_, err := b.MakeRequest("setWebhook", params)
		return err
	})
}

// DeleteWebhook removes the webhook so getUpdates works. Pending updates
// are kept.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	return c.do(ctx, c.hc, func(b *tgbotapi.BotAPI) error {
		// Spec: https://core.telegram.org/bots/api#deletewebhook
		_, err := b.Request(tgbotapi.DeleteWebhookConfig{})
		return err
	})
}

// SetCommands registers the bot's command menu.
func (c *Client) SetCommands(ctx context.Context, cmds []Command) error {
	bc := make([]tgbotapi.BotCommand, len(cmds))
	for i, cmd := range cmds {
		bc[i] = tgbotapi.BotCommand{Command: cmd.Command, Description: cmd.Description}
	}
	return c.do(ctx, c.hc, func(b *tgbotapi.BotAPI) error {
		// Spec: https://core.telegram.org/bots/api#setmycommands
		_, err := b.Request(tgbotapi.NewSetMyCommands(bc...))
		return err
	})
}

// GetUpdates long-polls for updates from offset (confirming every update
// below it), waiting up to timeout (whole seconds; under a second is a
// short poll) for one to arrive, and returns them raw so that no field is
// lost in the library's types. The call's deadline is timeout plus the
// client's timeout. An empty allowed keeps the previous setting.
func (c *Client) GetUpdates(ctx context.Context, offset int, timeout time.Duration, allowed []string) ([]json.RawMessage, error) {
	params := tgbotapi.Params{}
	params.AddNonZero("offset", offset)
	params.AddNonZero("timeout", int(timeout/time.Second))
	if len(allowed) > 0 {
		if err := params.AddInterface("allowed_updates", allowed); err != nil {
			return nil, fmt.Errorf("encoding allowed updates: %w", err)
		}
	}
	var updates []json.RawMessage
	err := c.do(ctx, c.poll, func(b *tgbotapi.BotAPI) error {
		// Spec: https://core.telegram.org/bots/api#getupdates
		resp, err := b.MakeRequest("getUpdates", params)
		if err != nil {
			return err
		}
		return json.Unmarshal(resp.Result, &updates)
	}, timeout+c.timeout)
	if err != nil {
		return nil, err
	}
	return updates, nil
}

// Username is the bot's @username, from the getMe made by NewClient.
func (c *Client) Username(context.Context) (string, error) {
	return c.username, nil
}

// do runs one library call with ctx: on a copy of the BotAPI whose
// HTTPClient sends requests with ctx (and a deadline, if given). It
// returns an error wrapping ctx.Err() when ctx ended, else a classified
// *Error.
func (c *Client) do(ctx context.Context, hc *http.Client, call func(*tgbotapi.BotAPI) error, deadline ...time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	reqCtx := ctx
	if len(deadline) > 0 {
		var cancel context.CancelFunc
		reqCtx, cancel = context.WithTimeout(ctx, deadline[0])
		defer cancel()
	}
	b := *c.bot // shallow: the copy shares the token, endpoint and Self
	b.Client = ctxDoer{ctx: reqCtx, hc: hc}
	return c.classify(ctx, call(&b))
}

// ctxDoer is a tgbotapi.HTTPClient that sends each request with ctx.
type ctxDoer struct {
	ctx context.Context
	hc  *http.Client
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	return d.hc.Do(req.WithContext(d.ctx))
}

// classify turns a library error into an *Error: 429 is temporary with
// its retry_after, 403 means the user blocked the bot, 5xx and anything
// that is not an API answer (network errors, timeouts, a body that is not
// JSON) are temporary, any other code is permanent. When ctx has ended it
// returns an error wrapping ctx.Err() instead. The bot token, which
// network errors carry in the request URL, is redacted.
func (c *Client) classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("telegram: %w", ctx.Err())
	}
	var api *tgbotapi.Error
	if !errors.As(err, &api) {
		return &Error{Message: c.redact(err.Error()), Temporary: true}
	}
	e := &Error{Code: api.Code, Message: c.redact(api.Message)}
	switch {
	case api.Code == http.StatusTooManyRequests:
		e.Temporary = true
		e.RetryAfter = time.Duration(api.RetryAfter) * time.Second
	case api.Code == http.StatusForbidden:
		e.Blocked = true
	case api.Code >= 500, api.Code == 0:
		// 0: an answer with "ok":false but no error_code; treat as a
		// server fault.
		e.Temporary = true
	}
	return e
}

func (c *Client) redact(s string) string {
	return strings.ReplaceAll(s, c.token, "<token>")
}

// inlineMarkup converts a keyboard; nil for none.
func inlineMarkup(kb *Keyboard) *tgbotapi.InlineKeyboardMarkup {
	if kb == nil || len(kb.Rows) == 0 {
		return nil
	}
	rows := make([][]tgbotapi.InlineKeyboardButton, 0, len(kb.Rows))
	for _, row := range kb.Rows {
		r := make([]tgbotapi.InlineKeyboardButton, len(row))
		for i, btn := range row {
			r[i] = tgbotapi.NewInlineKeyboardButtonData(btn.Text, btn.Data)
		}
		rows = append(rows, r)
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// nonNil makes an empty list encode as [], which Telegram reads as every
// update type but the chat_member ones, rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
