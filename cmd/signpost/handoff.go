package main

import (
	"fmt"
	"strconv"

	"github.com/signpost-app/signpost/bot/handoff"
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
	claims := &handoff.Claims{Records: p.st, Engine: p.eng, Telegram: group, Escalations: esc, Wake: wake, Logger: p.log}
	(&handoff.API{Claims: claims, Token: h.APIToken, Logger: p.log}).Register(p.srv)
	return &handoffParts{
		dispatcher: &handoff.Dispatcher{Queue: p.st, Records: p.st, Notifiers: notifiers, Escalations: esc,
			Escalation: policy, Engine: p.eng, Wake: wake, Logger: p.log, Registry: p.reg},
		escalator: &handoff.Escalator{Escalations: esc, Queue: p.st, Records: p.st, Policy: policy,
			Logger: p.log, Registry: p.reg},
		claims: claims,
	}, nil
}
