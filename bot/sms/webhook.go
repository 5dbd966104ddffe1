// Package sms is the SMS channel through Twilio: it verifies and parses
// Twilio's webhooks, hands messages to the engine, records delivery
// statuses, and sends replies from the outbox (sender.go).
package sms

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	twclient "github.com/twilio/twilio-go/client"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/server"
)

// Engine is what the channel needs from the engine.
type Engine interface {
	Handle(ctx context.Context, in bot.Inbound) ([]bot.Outbound, error)
}

// Options configure the webhooks.
type Options struct {
	Engine    Engine
	AuthToken string
	PublicURL string            // the base URL Twilio calls; signatures are checked against it + the path
	Keywords  map[string]string // an SMS keyword (any case) → the source code it tags ("OAKWOOD" → oakwood)
	Wake      func()            // tells the outbox dispatcher a reply is queued
	Logger    *slog.Logger
	Salt      string
	Registry  prometheus.Registerer
}

// Webhooks serves Twilio's webhooks.
type Webhooks struct {
	o        Options
	v        twclient.RequestValidator
	log      *slog.Logger
	statuses *prometheus.CounterVec
	inbound  *prometheus.CounterVec
}

// maxBody bounds a webhook body: Twilio's are a few KB even at 1,600
// characters of UTF-8 and ten media links.
const maxBody = 64 << 10

// emptyTwiML answers Twilio at once; replies go out through the REST API.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response/>`

// NewWebhooks returns the webhook handlers.
func NewWebhooks(o Options) *Webhooks {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Wake == nil {
		o.Wake = func() {}
	}
	w := &Webhooks{o: o, v: twclient.NewRequestValidator(o.AuthToken), log: o.Logger,
		statuses: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_sms_status_total",
			Help: "Twilio delivery statuses reported for sent messages, by status and error code."}, []string{"status", "error_code"}),
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_sms_inbound_total",
			Help: "Inbound Twilio webhooks by result."}, []string{"result"})}
	if o.Registry != nil {
		o.Registry.MustRegister(w.statuses, w.inbound)
	}
	return w
}

// Register routes the webhooks on srv.
func (w *Webhooks) Register(srv *server.Server) {
	srv.Handle("POST /webhooks/twilio", w.Inbound)
	srv.Handle("POST /webhooks/twilio/status", w.Status)
}

// verified reads the form and checks X-Twilio-Signature against the public
// URL of the request (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
// Behind a reverse proxy, SIGNPOST_PUBLIC_URL must be the URL Twilio calls.
func (w *Webhooks) verified(r *http.Request) (url.Values, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return nil, server.Errorf(http.StatusRequestEntityTooLarge, "body too large")
	}
	full := strings.TrimRight(w.o.PublicURL, "/") + r.URL.RequestURI()
	sig := r.Header.Get("X-Twilio-Signature")
	if sig == "" || !w.v.ValidateBody(full, body, sig) {
		w.inbound.WithLabelValues("bad_signature").Inc()
		return nil, server.Errorf(http.StatusForbidden, "invalid Twilio signature")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, server.Errorf(http.StatusBadRequest, "malformed form body")
	}
	return form, nil
}

// Inbound handles POST /webhooks/twilio: one inbound SMS or MMS
// (https://www.twilio.com/docs/messaging/guides/webhook-request).
func (w *Webhooks) Inbound(rw http.ResponseWriter, r *http.Request) error {
	form, err := w.verified(r)
	if err != nil {
		return err
	}
	from, sid := form.Get("From"), form.Get("MessageSid")
	if from == "" || sid == "" {
		w.inbound.WithLabelValues("incomplete").Inc()
		return server.Errorf(http.StatusBadRequest, "From and MessageSid are required")
	}
	media, _ := strconv.Atoi(form.Get("NumMedia"))
	in := bot.Inbound{Channel: bot.ChannelSMS, Address: from, ID: sid, Text: form.Get("Body"),
		NonText: media > 0, At: time.Now(), Source: w.keyword(form.Get("Body")),
		// With Twilio's Advanced Opt-Out, Twilio has already answered
		// STOP, START and HELP itself (it tells us with OptOutType).
		Replied: form.Get("OptOutType") != ""}
	if _, err := w.o.Engine.Handle(r.Context(), in); err != nil {
		w.inbound.WithLabelValues("unavailable").Inc()
		// 503 so Twilio retries (with a #rc= connection override); the
		// dedupe mark makes a retry of a message that did get in safe.
		return &server.Error{Status: http.StatusServiceUnavailable, Msg: "temporarily unavailable", Err: err}
	}
	w.inbound.WithLabelValues("ok").Inc()
	w.o.Wake()
	rw.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, err = io.WriteString(rw, emptyTwiML)
	return err
}

// keyword returns the source code of a school keyword in a short first
// message like "HI OAKWOOD" or "oakwood".
func (w *Webhooks) keyword(body string) string {
	words := strings.Fields(body)
	if len(words) == 0 || len(words) > 3 {
		return ""
	}
	for _, word := range words {
		if code, ok := w.o.Keywords[strings.ToUpper(strings.Trim(word, ".,!?"))]; ok {
			return code
		}
	}
	return ""
}

// Status handles POST /webhooks/twilio/status: delivery status callbacks
// (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status).
// Failed and undelivered sends are counted; error 21610 means the person
// unsubscribed at Twilio, so they are opted out here too.
func (w *Webhooks) Status(rw http.ResponseWriter, r *http.Request) error {
	form, err := w.verified(r)
	if err != nil {
		return err
	}
	status, code := form.Get("MessageStatus"), form.Get("ErrorCode")
	w.statuses.WithLabelValues(status, code).Inc()
	if status == "failed" || status == "undelivered" {
		w.log.Warn("sms not delivered", "status", status, "error_code", code,
			"conversation", bot.HashID(w.o.Salt, bot.ConversationKey(bot.ChannelSMS, form.Get("To"))))
	}
	if code == "21610" && form.Get("To") != "" {
		in := bot.Inbound{Channel: bot.ChannelSMS, Address: form.Get("To"), OptOut: true,
			ID: "optout:" + form.Get("MessageSid"), At: time.Now()}
		if _, err := w.o.Engine.Handle(r.Context(), in); err != nil {
			return &server.Error{Status: http.StatusServiceUnavailable, Msg: "temporarily unavailable", Err: err}
		}
	}
	rw.WriteHeader(http.StatusNoContent)
	return nil
}
