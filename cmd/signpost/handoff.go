package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/bot/inbox"
	"github.com/signpost-app/signpost/bot/sms/twilio"
	"github.com/signpost-app/signpost/bot/telegram"
	"github.com/signpost-app/signpost/config"
)

// handoffParts are the handoff side of serve: the dispatcher and the
// escalator every process runs, and the claims the Telegram group and the
// API use.
type handoffParts struct {
	dispatcher *handoff.Dispatcher
	escalator  *handoff.Escalator
	claims     *handoff.Claims
}

// setupHandoff builds the notifiers the configuration asks for (always
// the log line), the claims and the case-system API. tg and sms are nil
// when their channel is off.
func setupHandoff(cfg config.Config, p channelParts, tg *telegram.Client, sms *twilio.Client, wake func()) (*handoffParts, error) {
	h := cfg.Handoff
	hours, err := handoff.ParseOfficeHours(h.OfficeHours)
	if err != nil {
		return nil, fmt.Errorf("SIGNPOST_HANDOFF_OFFICE_HOURS: %w", err)
	}
	policy := handoff.EscalationPolicy{Hours: hours, After: h.EscalateAfter.Duration(), UrgentAfter: h.EscalateUrgentAfter.Duration()}
	notifiers := []handoff.Notifier{&handoff.LogNotifier{Logger: p.log, Salt: p.salt}}
	var group *handoff.TelegramNotifier
	if h.TelegramChat != "" && tg != nil {
		chat, err := strconv.ParseInt(h.TelegramChat, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("SIGNPOST_HANDOFF_TELEGRAM_CHAT %q: the link workers' group needs its numeric chat id", h.TelegramChat)
		}
		group = &handoff.TelegramNotifier{API: tg, ChatID: chat}
		if h.TelegramContacts == "full" {
			group.Contacts = handoff.ContactsFull
		}
		notifiers = append(notifiers, group)
	}
	if len(h.SMS) > 0 && sms != nil {
		notifiers = append(notifiers, &handoff.SMSNotifier{Client: sms, Numbers: h.SMS, Logger: p.log})
	}
	if h.WebhookURL != "" {
		notifiers = append(notifiers, &handoff.WebhookNotifier{URL: h.WebhookURL, Secret: []byte(h.WebhookSecret)})
	}
	esc := escalations(p.st)
	claims := &handoff.Claims{Records: p.st, Engine: p.eng, Telegram: group, Escalations: esc, Wake: wake, Logger: p.log,
		Events: p.st, Metrics: p.metrics}
	(&handoff.API{Claims: claims, Token: h.APIToken, Logger: p.log}).Register(p.srv)
	(&impact.API{Token: h.APIToken, Log: p.st, Logger: p.log, Location: serviceLocation(cfg),
		Options: func(o impact.Options) impact.Options { return reportOptions(o, cfg, p.flows()) }}).Register(p.srv)
	if err := setupInbox(cfg, p, claims); err != nil {
		return nil, err
	}
	return &handoffParts{
		dispatcher: &handoff.Dispatcher{Queue: p.st, Records: p.st, Notifiers: notifiers, Escalations: esc,
			Escalation: policy, Engine: p.eng, Wake: wake, Logger: p.log, Registry: p.reg},
		escalator: &handoff.Escalator{Escalations: esc, Queue: p.st, Records: p.st, Policy: policy,
			Logger: p.log, Registry: p.reg},
		claims: claims,
	}, nil
}

// setupInbox routes the link workers' web inbox. With no users configured
// on the embedded default (memory store), it makes a demo account for this
// run and logs its password once, so the demo works with no setup; with
// Redis and no users, /inbox is not served.
func setupInbox(cfg config.Config, p channelParts, claims *handoff.Claims) error {
	users := make([]inbox.User, len(cfg.Inbox.Users))
	for i, u := range cfg.Inbox.Users {
		users[i] = inbox.User(u)
	}
	if len(users) == 0 {
		if cfg.Store.RedisURL != "" {
			p.log.Warn("no inbox users configured: /inbox is off (add some with signpost users add)")
			return nil
		}
		var b [9]byte
		_, _ = rand.Read(b[:])
		password := base64.RawURLEncoding.EncodeToString(b[:])
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
		if err != nil {
			return fmt.Errorf("making the demo inbox account: %w", err)
		}
		users = []inbox.User{{Name: "Demo Worker", PasswordHash: string(hash)}}
		p.log.Info("demo inbox account for this run (memory store only; configure inbox.users for real use)",
			"url", "/inbox", "user", "Demo Worker", "password", password)
	}
	if err := inbox.CheckUsers(users); err != nil {
		return fmt.Errorf("inbox.users: %w", err)
	}
	sources := make(map[string]string, len(cfg.Sources))
	for _, s := range cfg.Sources {
		sources[s.Code] = s.Name
	}
	var origins []string
	if u, err := url.Parse(cfg.Server.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		origins = append(origins, u.Scheme+"://"+u.Host)
	}
	inbox.New(inbox.Options{Referrals: p.st, Claims: claims, Users: users, Key: inbox.KeyFromSalt(p.salt),
		Secure: strings.HasPrefix(cfg.Server.PublicURL, "https://"), IdleTimeout: cfg.Inbox.IdleTimeout.Duration(),
		Logger: p.log, Salt: p.salt, Sources: sources, Origins: origins,
		Report: func(ctx context.Context, from, to time.Time) (*impact.Report, error) {
			return impact.Build(ctx, p.st, reportOptions(impact.Options{From: from, To: to}, cfg, p.flows()))
		}}).Register(p.srv)
	return nil
}
