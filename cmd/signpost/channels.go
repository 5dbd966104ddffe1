package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/sms"
	"github.com/signpost-app/signpost/bot/sms/twilio"
	"github.com/signpost-app/signpost/bot/telegram"
	"github.com/signpost-app/signpost/bot/web"
	"github.com/signpost-app/signpost/config"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/server"
)

// outboxChannels are the channels whose replies go through the durable
// outbox (those with a provider to send through).
func outboxChannels(cfg config.Config) []string {
	chans := []string{bot.ChannelWeb} // the web chat's page reads its transcript
	if cfg.SMSEnabled() {
		chans = append(chans, bot.ChannelSMS)
	}
	if cfg.TelegramEnabled() {
		chans = append(chans, bot.ChannelTelegram)
	}
	return chans
}

type channelParts struct {
	eng  *bot.Engine
	st   store
	srv  *server.Server
	reg  *prometheus.Registry
	log  *slog.Logger
	salt string

	metrics *bot.Metrics
	flows   func() *flows.Set // the flows running now (they reload on SIGHUP)
}

// setupChannels registers the enabled channels' webhooks and returns the
// outbox dispatcher with their senders, and the handoff side.
func setupChannels(ctx context.Context, cfg config.Config, p channelParts) (*outbox.Dispatcher, *handoffParts, error) {
	senders := map[string]outbox.Sender{}
	var disp *outbox.Dispatcher
	wake := func() { disp.Wake() }
	var smsClient *twilio.Client
	var tgClient *telegram.Client
	if cfg.SMSEnabled() {
		from := cfg.Twilio.From
		if from == "" {
			from = cfg.Twilio.MessagingServiceSID
		}
		client, err := twilio.New(twilio.Config{AccountSID: cfg.Twilio.AccountSID, AuthToken: cfg.Twilio.AuthToken,
			From: cfg.Twilio.From, MessagingServiceSID: cfg.Twilio.MessagingServiceSID, APIURL: cfg.Twilio.APIURL,
			StatusCallback: strings.TrimRight(cfg.Server.PublicURL, "/") + "/webhooks/twilio/status"})
		if err != nil {
			return nil, nil, fmt.Errorf("twilio: %w", err)
		}
		smsClient = client
		senders[bot.ChannelSMS] = &sms.Sender{Client: client, From: from, PerSecond: cfg.Twilio.SegmentsPerSecond, GSMSafe: cfg.Twilio.GSMSafe}
		keywords := map[string]string{}
		for _, src := range cfg.Sources {
			if src.Keyword != "" {
				keywords[strings.ToUpper(src.Keyword)] = src.Code
			}
		}
		sms.NewWebhooks(sms.Options{Engine: p.eng, AuthToken: cfg.Twilio.AuthToken, PublicURL: cfg.Server.PublicURL,
			Keywords: keywords, Wake: wake, Logger: p.log, Salt: p.salt, Registry: p.reg}).Register(p.srv)
		p.log.Info("sms enabled", "sender", strings.HasPrefix(from, "MG"))
	}
	chat := web.New(web.Options{Engine: p.eng, Transcript: p.st, Limiter: p.st.NewLimiter(),
		Secure: strings.HasPrefix(cfg.Server.PublicURL, "https://"), Logger: p.log, Salt: p.salt,
		Registry: p.reg, Wake: wake, Done: ctx.Done(), TrustedProxies: cfg.Server.TrustedProxies})
	chat.Register(p.srv)
	senders[bot.ChannelWeb] = &web.Sender{Transcript: p.st, Notify: chat.Notify}
	if cfg.TelegramEnabled() {
		client, err := telegram.NewClient(cfg.Telegram.BotToken, cfg.Telegram.APIURL, 10*time.Second)
		if err != nil {
			return nil, nil, fmt.Errorf("telegram: %w", err)
		}
		tgClient = client
		senders[bot.ChannelTelegram] = &telegram.Sender{API: client}
	}
	ho, err := setupHandoff(cfg, p, tgClient, smsClient, wake)
	if err != nil {
		return nil, nil, err
	}
	if cfg.TelegramEnabled() {
		client := tgClient
		o := telegram.Options{Engine: p.eng, API: client, Secret: cfg.Telegram.WebhookSecret, Wake: wake,
			Logger: p.log, Salt: p.salt, Registry: p.reg, Group: ho.claims.HandleGroupUpdate}
		if cfg.TelegramMode() == config.TelegramWebhook {
			telegram.NewWebhook(o).Register(p.srv)
			if err := telegram.Setup(ctx, client, cfg.Server.PublicURL, cfg.Telegram.WebhookSecret); err != nil {
				return nil, nil, fmt.Errorf("registering the telegram webhook: %w", err)
			}
		} else {
			go func() {
				if err := telegram.RunPolling(ctx, o); err != nil && ctx.Err() == nil {
					p.log.Error("telegram polling stopped", "error", err)
				}
			}()
		}
		p.log.Info("telegram enabled", "mode", cfg.TelegramMode())
	}
	disp = outbox.New(outbox.Options{Store: p.st, Senders: senders, Limiter: p.st.NewLimiter(),
		Logger: p.log, Salt: p.salt, Registry: p.reg, Every: 250 * time.Millisecond})
	return disp, ho, nil
}
