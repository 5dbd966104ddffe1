package config

import (
	"strings"
	"testing"
	"time"
)

// full is a valid configuration with every channel and handoff on.
func full() Config {
	c := Default()
	c.Server.PublicURL = "https://signpost.example.org"
	c.Store.RedisURL = "redis://:pw@localhost:6379/0"
	c.Twilio = Twilio{AccountSID: "AC123", AuthToken: "tok", From: "+447700900000", APIURL: "https://api.twilio.com"}
	c.Telegram = Telegram{BotToken: "123:abc-DEF_1", APIURL: "https://api.telegram.org", WebhookSecret: "s3cret_-"}
	c.Handoff = Handoff{TelegramChat: "-1001234567890", SMS: []string{"+447700900001"},
		WebhookURL: "https://cases.example.org/hook", WebhookSecret: "hmac-key"}
	c.Privacy.HashSalt = "0123456789abcdef"
	c.Sources = []Source{{Code: "hillside", Name: "Hillside", Keyword: "HILLSIDE"}, {Code: "club-2", Name: "Club"}}
	return c
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		base   func() Config // Default when nil
		change func(c *Config)
		want   []string // one substring per expected error, in order; none means valid
	}{
		{name: "default is valid"},
		{name: "full is valid", base: full},
		{name: "addr empty", change: func(c *Config) { c.Server.Addr = "" }, want: []string{"SIGNPOST_ADDR is empty"}},
		{name: "addr not host:port", change: func(c *Config) { c.Server.Addr = "8080" }, want: []string{`SIGNPOST_ADDR "8080" is not host:port`}},
		{name: "public url relative", change: func(c *Config) { c.Server.PublicURL = "signpost.example.org" }, want: []string{"SIGNPOST_PUBLIC_URL \"signpost.example.org\" is not an absolute http(s) URL"}},
		{name: "public url ftp", change: func(c *Config) { c.Server.PublicURL = "ftp://x.org" }, want: []string{"SIGNPOST_PUBLIC_URL \"ftp://x.org\" is not an absolute"}},
		{name: "public url query", change: func(c *Config) { c.Server.PublicURL = "https://x.org/?a=1" }, want: []string{"has a query or fragment"}},
		{name: "public url http is only a warning", change: func(c *Config) { c.Server.PublicURL = "http://localhost:8080" }},
		{name: "log level", change: func(c *Config) { c.Server.LogLevel = "loud" }, want: []string{`SIGNPOST_LOG_LEVEL is "loud": use debug, info, warn or error`}},
		{name: "flow empty", change: func(c *Config) { c.Flows.Start = "" }, want: []string{"SIGNPOST_FLOW is empty"}},
		{name: "reading age", change: func(c *Config) { c.Flows.ReadingAge = 40 }, want: []string{"SIGNPOST_READING_AGE is 40"}},
		{name: "redis cluster addresses", change: func(c *Config) { c.Store.RedisURL = "10.0.0.1:6379, 10.0.0.2:6379" }},
		{name: "redis bad scheme", change: func(c *Config) { c.Store.RedisURL = "http://u:pw@x:6379" }, want: []string{`SIGNPOST_REDIS_URL: "http://u:REDACTED@x:6379" is not a redis://`}},
		{name: "redis bad address", change: func(c *Config) { c.Store.RedisURL = "localhost" }, want: []string{`SIGNPOST_REDIS_URL: "localhost" is neither`}},
		{name: "sid without token", change: func(c *Config) { c.Twilio.AccountSID = "AC1"; c.Twilio.From = "+447700900000" }, want: []string{"TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not"}},
		{name: "token without sid", change: func(c *Config) { c.Twilio.AuthToken = "t" }, want: []string{"TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is not"}},
		{name: "sms without sender", base: full, change: func(c *Config) { c.Twilio.From = "" }, want: []string{"neither TWILIO_FROM nor TWILIO_MESSAGING_SERVICE_SID"}},
		{name: "sms with messaging service only", base: full, change: func(c *Config) { c.Twilio.From = ""; c.Twilio.MessagingServiceSID = "MG1" }},
		{name: "sms and telegram without public url", base: full, change: func(c *Config) { c.Server.PublicURL = ""; c.Telegram.Mode = "polling" }, want: []string{"SMS is enabled but SIGNPOST_PUBLIC_URL is not set"}},
		{name: "twilio api url", change: func(c *Config) { c.Twilio.APIURL = "api.twilio.com" }, want: []string{"TWILIO_API_URL \"api.twilio.com\" is not an absolute"}},
		{name: "telegram api url empty", change: func(c *Config) { c.Telegram.APIURL = "" }, want: []string{"TELEGRAM_API_URL is empty"}},
		{name: "telegram mode", change: func(c *Config) { c.Telegram.Mode = "push" }, want: []string{`TELEGRAM_MODE is "push": use webhook or polling`}},
		{name: "webhook default needs secret", base: full, change: func(c *Config) { c.Telegram.WebhookSecret = "" }, want: []string{"TELEGRAM_WEBHOOK_SECRET is not: set 1-256 characters of A-Z, a-z, 0-9, _ and - (webhook is the default because SIGNPOST_PUBLIC_URL is set"}},
		{name: "polling needs no secret", base: full, change: func(c *Config) { c.Telegram.WebhookSecret = ""; c.Telegram.Mode = "polling" }},
		{name: "no public url means polling", change: func(c *Config) { c.Telegram.BotToken = "1:a" }},
		{name: "explicit webhook needs public url", change: func(c *Config) {
			c.Telegram = Telegram{BotToken: "1:a", Mode: "webhook", WebhookSecret: "s", APIURL: "https://api.telegram.org"}
		}, want: []string{"TELEGRAM_MODE is webhook but SIGNPOST_PUBLIC_URL is not set"}},
		{name: "webhook secret charset", base: full, change: func(c *Config) { c.Telegram.WebhookSecret = "not ok!" }, want: []string{"TELEGRAM_WEBHOOK_SECRET must be 1-256 characters"}},
		{name: "webhook secret too long", base: full, change: func(c *Config) { c.Telegram.WebhookSecret = strings.Repeat("a", 257) }, want: []string{"TELEGRAM_WEBHOOK_SECRET must be 1-256 characters"}},
		{name: "webhook secret longest", base: full, change: func(c *Config) { c.Telegram.WebhookSecret = strings.Repeat("a", 256) }},
		{name: "handoff chat without bot", change: func(c *Config) { c.Handoff.TelegramChat = "-100" }, want: []string{"SIGNPOST_HANDOFF_TELEGRAM_CHAT is set but TELEGRAM_BOT_TOKEN is not"}},
		{name: "handoff chat format", base: full, change: func(c *Config) { c.Handoff.TelegramChat = "link workers" }, want: []string{`SIGNPOST_HANDOFF_TELEGRAM_CHAT "link workers" is not a chat id`}},
		{name: "handoff chat username", base: full, change: func(c *Config) { c.Handoff.TelegramChat = "@linkworkers" }},
		{name: "handoff sms without sms", change: func(c *Config) { c.Handoff.SMS = []string{"+447700900001"} }, want: []string{"SIGNPOST_HANDOFF_SMS is set but SMS is off"}},
		{name: "handoff sms format", base: full, change: func(c *Config) { c.Handoff.SMS = []string{"+447700900001", "07700 900002"} }, want: []string{`SIGNPOST_HANDOFF_SMS: "07700 900002" is not a phone number in E.164 form`}},
		{name: "handoff webhook url", base: full, change: func(c *Config) { c.Handoff.WebhookURL = "cases" }, want: []string{`SIGNPOST_HANDOFF_WEBHOOK_URL "cases" is not an absolute`}},
		{name: "handoff webhook without secret", base: full, change: func(c *Config) { c.Handoff.WebhookSecret = "" }, want: []string{"SIGNPOST_HANDOFF_WEBHOOK_URL is set but SIGNPOST_HANDOFF_WEBHOOK_SECRET is not"}},
		{name: "salt too short", change: func(c *Config) { c.Privacy.HashSalt = "short" }, want: []string{"SIGNPOST_HASH_SALT is too short (5 characters)"}},
		{name: "session ttl zero", change: func(c *Config) { c.Privacy.SessionTTL = 0; c.Bot.ReminderAfter = 0 }, want: []string{"SIGNPOST_SESSION_TTL is 0s: it must be more than 0"}},
		{name: "referral ttl negative", change: func(c *Config) { c.Privacy.ReferralTTL = -Day }, want: []string{"SIGNPOST_REFERRAL_TTL is -24h: it must be more than 0"}},
		{name: "min age", change: func(c *Config) { c.Bot.MinAge = 0 }, want: []string{"SIGNPOST_MIN_AGE is 0"}},
		{name: "reminder negative", change: func(c *Config) { c.Bot.ReminderAfter = Duration(-time.Hour) }, want: []string{"SIGNPOST_REMINDER_AFTER is -1h: use 0"}},
		{name: "reminder off", change: func(c *Config) { c.Bot.ReminderAfter = 0 }},
		{name: "reminder after session ends", change: func(c *Config) { c.Bot.ReminderAfter = 30 * Day }, want: []string{"SIGNPOST_REMINDER_AFTER (30d) is not shorter than SIGNPOST_SESSION_TTL (30d)"}},
		{name: "source code empty and name empty", change: func(c *Config) { c.Sources = []Source{{}} }, want: []string{"sources[0]: code is empty", "sources[0] (): name is empty"}},
		{name: "source code charset", change: func(c *Config) { c.Sources = []Source{{Code: "st mary's", Name: "St Mary's"}} }, want: []string{`sources[0]: code "st mary's" must be 1-64 characters`}},
		{name: "source code duplicate", base: full, change: func(c *Config) { c.Sources = append(c.Sources, Source{Code: "hillside", Name: "Again"}) }, want: []string{`sources[2]: code "hillside" is already used by sources[0]`}},
		{name: "source keyword two words", change: func(c *Config) { c.Sources = []Source{{Code: "a", Name: "A", Keyword: "HILL SIDE"}} }, want: []string{`sources[0] (a): keyword "HILL SIDE" must be one word`}},
		{name: "source keyword reserved", change: func(c *Config) { c.Sources = []Source{{Code: "a", Name: "A", Keyword: "stop"}} }, want: []string{`sources[0] (a): keyword "stop" is reserved`}},
		{name: "source keyword duplicate any case", base: full, change: func(c *Config) { c.Sources[1].Keyword = "Hillside" }, want: []string{`sources[1] (club-2): keyword "Hillside" is already used by sources[0]`}},
		{name: "all problems at once", change: func(c *Config) {
			c.Server.Addr = ""
			c.Twilio.AccountSID = "AC1"
			c.Telegram.Mode = "push"
		}, want: []string{"SIGNPOST_ADDR is empty", "TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not", "TELEGRAM_MODE is \"push\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			if tt.base != nil {
				c = tt.base()
			}
			if tt.change != nil {
				tt.change(&c)
			}
			err := c.Validate()
			var got []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				got = j.Unwrap()
			} else if err != nil {
				got = []error{err}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(got), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i].Error(), w) {
					t.Errorf("error %d = %q\nwant it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name   string
		base   func() Config
		change func(c *Config)
		want   []string
	}{
		{name: "default has none", base: Default},
		{name: "full has none", base: full},
		{name: "http public url", base: Default, change: func(c *Config) { c.Server.PublicURL = "http://localhost:8080" }, want: []string{"SIGNPOST_PUBLIC_URL uses plain http"}},
		{name: "sender without credentials", base: Default, change: func(c *Config) { c.Twilio.From = "+447700900000" }, want: []string{"TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is set but SMS is off"}},
		{name: "odd sids", base: full, change: func(c *Config) { c.Twilio.AccountSID = "SK1"; c.Twilio.MessagingServiceSID = "XX" }, want: []string{"does not start with AC", "does not start with MG"}},
		{name: "odd bot token", base: full, change: func(c *Config) { c.Telegram.BotToken = "token" }, want: []string{"TELEGRAM_BOT_TOKEN does not look like"}},
		{name: "http handoff webhook", base: full, change: func(c *Config) { c.Handoff.WebhookURL = "http://cases.local/hook" }, want: []string{"SIGNPOST_HANDOFF_WEBHOOK_URL uses plain http"}},
		{name: "webhook secret alone", base: Default, change: func(c *Config) { c.Handoff.WebhookSecret = "k" }, want: []string{"SIGNPOST_HANDOFF_WEBHOOK_SECRET is set but SIGNPOST_HANDOFF_WEBHOOK_URL is not"}},
		{name: "channels without handoff", base: full, change: func(c *Config) { c.Handoff = Handoff{} }, want: []string{"no link-worker handoff is set"}},
		{name: "redis without salt", base: full, change: func(c *Config) { c.Privacy.HashSalt = "" }, want: []string{"SIGNPOST_HASH_SALT is empty but SIGNPOST_REDIS_URL is set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.base()
			if tt.change != nil {
				tt.change(&c)
			}
			got := c.Warnings()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d warnings, want %d: %q", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %d = %q\nwant it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestTelegramMode(t *testing.T) {
	c := Default()
	if got := c.TelegramMode(); got != TelegramPolling {
		t.Errorf("no public URL: got %q, want polling", got)
	}
	c.Server.PublicURL = "https://x.org"
	if got := c.TelegramMode(); got != TelegramWebhook {
		t.Errorf("public URL: got %q, want webhook", got)
	}
	c.Telegram.Mode = "Polling"
	if got := c.TelegramMode(); got != TelegramPolling {
		t.Errorf("set: got %q, want polling", got)
	}
}

func TestSMSEnabled(t *testing.T) {
	c := Default()
	c.Twilio.AccountSID = "AC1"
	if c.SMSEnabled() {
		t.Error("SID alone enables SMS")
	}
	c.Twilio.AuthToken = "t"
	if !c.SMSEnabled() {
		t.Error("SID and token do not enable SMS")
	}
}

func TestTelegramContactsPolicy(t *testing.T) {
	c := Default()
	c.Handoff.TelegramContacts = "shown"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "SIGNPOST_HANDOFF_TELEGRAM_CONTACTS") {
		t.Fatalf("bad policy: %v", err)
	}
	c.Handoff.TelegramContacts = "full"
	if err := c.Validate(); err != nil {
		t.Fatalf("full: %v", err)
	}
}

func TestTrustedProxiesNotNegative(t *testing.T) {
	c := Default()
	c.Server.TrustedProxies = -1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "SIGNPOST_TRUSTED_PROXIES") {
		t.Fatalf("negative proxies: %v", err)
	}
}
