package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/server"
)

// Engine is what the channel needs from the engine. Handle returning a
// nil error means the message is durably in the store (its dedupe mark
// set, in the person's inbox), even if the turn itself is still queued.
type Engine interface {
	Handle(ctx context.Context, in bot.Inbound) ([]bot.Outbound, error)
}

// Options configure the webhook and the poller.
type Options struct {
	Engine   Engine
	API      API
	Secret   string // the setWebhook secret_token; webhook requests must carry it (required for the webhook)
	Wake     func() // tells the outbox dispatcher a reply is queued
	Logger   *slog.Logger
	Salt     string // salts the hashed conversation ids in logs
	Registry prometheus.Registerer
	// Group, when set, sees every update first and takes those from the
	// link workers' group (handoff.Claims.HandleGroupUpdate): true means
	// handled; an error means try again later.
	Group func(ctx context.Context, raw []byte) (bool, error)

	// Polling only.
	PollTimeout time.Duration // how long one getUpdates waits for an update; default 25 s
	Backoff     time.Duration // the first wait after a failure, doubling up to MaxBackoff; default 1 s
	MaxBackoff  time.Duration // default 1 min
}

// WebhookPath is where Telegram posts updates.
const WebhookPath = "/webhooks/telegram"

// AllowedUpdates are the update types Signpost asks Telegram for.
var AllowedUpdates = []string{"message", "callback_query"}

// Commands is the bot's command menu. /start needs no entry: Telegram
// shows a Start button to people who have not talked to the bot yet.
var Commands = []Command{
	{Command: "help", Description: "How this works and where to get help now"},
	{Command: "restart", Description: "Start the questions again from the beginning"},
	{Command: "stop", Description: "Stop getting messages from Signpost"},
	{Command: "delete", Description: "Delete everything you have told Signpost"},
}

// maxBody bounds a webhook body. An Update is a few KB even with 4,096
// characters of text, entities and a replied-to message.
const maxBody = 1 << 20

// errBadUpdate marks a body that is not an Update.
var errBadUpdate = errors.New("not a telegram update")

// Webhook serves POST /webhooks/telegram.
type Webhook struct {
	r *receiver
}

// NewWebhook returns the webhook handler. Every request without the
// configured secret in X-Telegram-Bot-Api-Secret-Token is refused, so with
// no Secret every request is.
func NewWebhook(o Options) *Webhook {
	r := newReceiver(o)
	if o.Secret == "" {
		r.log.Warn("telegram webhook has no secret token: every request will be refused")
	}
	return &Webhook{r: r}
}

// Register routes the webhook on srv.
func (w *Webhook) Register(srv *server.Server) {
	srv.Handle("POST "+WebhookPath, w.Serve)
}

// Serve handles one webhook request: one Update
// (https://core.telegram.org/bots/api#setwebhook). A request without the
// secret token gets 401 and is not read; a body that is not an Update gets
// 400. An update the engine could not take gets 503, so Telegram delivers
// it again later; its dedupe mark makes that safe if it did get in.
// Everything else gets 200 once handled.
func (w *Webhook) Serve(rw http.ResponseWriter, r *http.Request) error {
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if w.r.o.Secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(w.r.o.Secret)) != 1 {
		w.r.count("unauthorized")
		return server.Errorf(http.StatusUnauthorized, "missing or wrong secret token")
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxBody))
	if err != nil {
		w.r.count("too_large")
		return server.Errorf(http.StatusRequestEntityTooLarge, "body too large")
	}
	switch err := w.r.process(r.Context(), body); {
	case errors.Is(err, errBadUpdate):
		return &server.Error{Status: http.StatusBadRequest, Msg: "not a Telegram update", Err: err}
	case err != nil:
		return &server.Error{Status: http.StatusServiceUnavailable, Msg: "temporarily unavailable", Err: err}
	}
	rw.WriteHeader(http.StatusOK)
	return nil
}

// Setup registers the webhook at publicURL + WebhookPath with the secret
// token and AllowedUpdates, and the command menu.
func Setup(ctx context.Context, api API, publicURL, secret string) error {
	if publicURL == "" {
		return errors.New("telegram webhook: no public URL")
	}
	if secret == "" {
		return errors.New("telegram webhook: no secret token")
	}
	url := strings.TrimRight(publicURL, "/") + WebhookPath
	// Spec: https://core.telegram.org/bots/api#setwebhook
	if err := api.SetWebhook(ctx, url, secret, AllowedUpdates); err != nil {
		return fmt.Errorf("setting webhook: %w", err)
	}
	// Spec: https://core.telegram.org/bots/api#setmycommands
	if err := api.SetCommands(ctx, Commands); err != nil {
		return fmt.Errorf("setting commands: %w", err)
	}
	return nil
}

// receiver turns updates into engine calls and button edits; the webhook
// and the poller share it.
type receiver struct {
	o       Options
	log     *slog.Logger
	updates *prometheus.CounterVec
}

func newReceiver(o Options) *receiver {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Wake == nil {
		o.Wake = func() {}
	}
	updates := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_telegram_updates_total",
		Help: "Telegram updates received (webhook or polling), by result."}, []string{"result"})
	if o.Registry != nil {
		// The webhook and a restarted poller share one counter.
		var are prometheus.AlreadyRegisteredError
		if err := o.Registry.Register(updates); errors.As(err, &are) {
			updates = are.ExistingCollector.(*prometheus.CounterVec)
		} else if err != nil {
			panic(err)
		}
	}
	return &receiver{o: o, log: o.Logger, updates: updates}
}

func (r *receiver) count(result string) { r.updates.WithLabelValues(result).Inc() }

// process handles one raw Update. It returns an error wrapping
// errBadUpdate for a body that is not an Update, and another error when
// the update was not taken and should be tried again (the engine or the
// store failed, or Telegram was briefly unavailable for a button edit).
func (r *receiver) process(ctx context.Context, raw []byte) error {
	if r.o.Group != nil {
		handled, err := r.o.Group(ctx, raw)
		if err != nil {
			r.count("unavailable")
			return fmt.Errorf("handling a link workers' group update: %w", err)
		}
		if handled {
			r.count("group")
			return nil
		}
	}
	in, act, err := ToInbound(raw)
	if err != nil {
		r.count("bad_update")
		return fmt.Errorf("%w: %w", errBadUpdate, err)
	}
	switch act.Kind {
	case Ignore:
		r.count("ignored")
		return nil
	case Toggle, Ack:
		if err := r.answer(ctx, in, act); err != nil {
			r.count("unavailable")
			return err
		}
		r.count(act.Kind.String())
		return nil
	}
	if _, err := r.o.Engine.Handle(ctx, in); err != nil {
		r.count("unavailable")
		return fmt.Errorf("handling telegram update: %w", err)
	}
	r.count("handled")
	r.log.Debug("telegram update handled", "update", in.ID,
		"conversation", bot.HashID(r.o.Salt, in.Key()), "button", in.Callback != "", "non_text", in.NonText)
	r.o.Wake()
	return nil
}

// answer shows a toggled keyboard and acknowledges the press, without the
// engine. Telegram refusing for good (the message is gone, the query is
// too old, nothing changed) is not worth a retry; a temporary failure is.
func (r *receiver) answer(ctx context.Context, in bot.Inbound, act Action) error {
	if act.Kind == Toggle && act.Keyboard != nil {
		chatID, err := strconv.ParseInt(in.Address, 10, 64)
		msgID, err2 := strconv.Atoi(in.Message)
		if err == nil && err2 == nil {
			// Spec: https://core.telegram.org/bots/api#editmessagereplymarkup
			if err := r.o.API.EditKeyboard(ctx, chatID, msgID, act.Keyboard); err != nil && !r.permanent(err, "editing keyboard") {
				return fmt.Errorf("editing keyboard: %w", err)
			}
		}
	}
	if in.Callback == "" {
		return nil
	}
	// Spec: https://core.telegram.org/bots/api#answercallbackquery
	if err := r.o.API.AnswerCallback(ctx, in.Callback, act.Toast); err != nil && !r.permanent(err, "answering callback") {
		return fmt.Errorf("answering callback: %w", err)
	}
	return nil
}

// permanent reports (and logs) a refusal that retrying will not change.
func (r *receiver) permanent(err error, op string) bool {
	var e *Error
	if errors.As(err, &e) && !e.Temporary {
		r.log.Debug("telegram refused a button update", "op", op, "code", e.Code)
		return true
	}
	return false
}
