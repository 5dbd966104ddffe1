package config

import (
	"regexp"
	"strings"
)

func (c Config) checkTwilio(k *checks) {
	t := c.Twilio
	switch {
	case t.AccountSID != "" && t.AuthToken == "":
		k.fail("TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not: set both to enable SMS, or neither")
	case t.AccountSID == "" && t.AuthToken != "":
		k.fail("TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is not: set both to enable SMS, or neither")
	}
	if c.SMSEnabled() {
		if t.From == "" && t.MessagingServiceSID == "" {
			k.fail("SMS is enabled but neither TWILIO_FROM nor TWILIO_MESSAGING_SERVICE_SID is set: Signpost has no sender")
		}
		if c.Server.PublicURL == "" {
			k.fail("SMS is enabled but SIGNPOST_PUBLIC_URL is not set: it is needed to check Twilio's request signatures")
		}
	} else if t.From != "" || t.MessagingServiceSID != "" {
		k.warn("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is set but SMS is off: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to enable it")
	}
	if t.AccountSID != "" && !strings.HasPrefix(t.AccountSID, "AC") {
		k.warn("TWILIO_ACCOUNT_SID does not start with AC: is it an account SID?")
	}
	if t.MessagingServiceSID != "" && !strings.HasPrefix(t.MessagingServiceSID, "MG") {
		k.warn("TWILIO_MESSAGING_SERVICE_SID does not start with MG: is it a Messaging Service SID?")
	}
	checkURL(k, "TWILIO_API_URL", t.APIURL)
}

// telegramSecret is what Telegram accepts as a setWebhook secret_token.
var telegramSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// telegramToken is the shape of a @BotFather token, 123456:ABC-def_….
var telegramToken = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

func (c Config) checkTelegram(k *checks) {
	t := c.Telegram
	mode := c.TelegramMode()
	if mode != TelegramWebhook && mode != TelegramPolling {
		k.fail("TELEGRAM_MODE is %q: use webhook or polling", t.Mode)
	}
	if t.WebhookSecret != "" && !telegramSecret.MatchString(t.WebhookSecret) {
		k.fail("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram refuses others)")
	}
	if c.TelegramEnabled() && mode == TelegramWebhook {
		if c.Server.PublicURL == "" {
			k.fail("TELEGRAM_MODE is webhook but SIGNPOST_PUBLIC_URL is not set: Telegram needs a public URL to send updates to")
		}
		if t.WebhookSecret == "" {
			why := ""
			if t.Mode == "" {
				why = " (webhook is the default because SIGNPOST_PUBLIC_URL is set; set TELEGRAM_MODE=polling to poll instead)"
			}
			k.fail("TELEGRAM_BOT_TOKEN is set in webhook mode but TELEGRAM_WEBHOOK_SECRET is not: set 1-256 characters of A-Z, a-z, 0-9, _ and -%s", why)
		}
	}
	if t.BotToken != "" && !telegramToken.MatchString(t.BotToken) {
		k.warn("TELEGRAM_BOT_TOKEN does not look like a @BotFather token (digits, a colon, then letters)")
	}
	checkURL(k, "TELEGRAM_API_URL", t.APIURL)
}

// e164 is a phone number in international form, + and up to 15 digits.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// telegramChat is a numeric chat id (groups are negative) or @channelname.
var telegramChat = regexp.MustCompile(`^(-?[0-9]+|@[A-Za-z][A-Za-z0-9_]{3,})$`)

func (c Config) checkHandoff(k *checks) {
	h := c.Handoff
	if h.TelegramContacts != "" && h.TelegramContacts != "masked" && h.TelegramContacts != "full" {
		k.fail("SIGNPOST_HANDOFF_TELEGRAM_CONTACTS must be masked or full, not %q", h.TelegramContacts)
	}
	if h.TelegramChat != "" {
		if !c.TelegramEnabled() {
			k.fail("SIGNPOST_HANDOFF_TELEGRAM_CHAT is set but TELEGRAM_BOT_TOKEN is not: the bot is what posts handoffs to the group")
		}
		if !telegramChat.MatchString(h.TelegramChat) {
			k.fail("SIGNPOST_HANDOFF_TELEGRAM_CHAT %q is not a chat id (a number like -1001234567890) or @channelname", h.TelegramChat)
		}
	}
	if len(h.SMS) > 0 && !c.SMSEnabled() {
		k.fail("SIGNPOST_HANDOFF_SMS is set but SMS is off: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to send alerts")
	}
	for _, n := range h.SMS {
		if !e164.MatchString(n) {
			k.fail("SIGNPOST_HANDOFF_SMS: %q is not a phone number in E.164 form, like +447700900123", n)
		}
	}
	if h.WebhookURL != "" {
		if u := checkURL(k, "SIGNPOST_HANDOFF_WEBHOOK_URL", h.WebhookURL); u != nil && u.Scheme == "http" {
			k.warn("SIGNPOST_HANDOFF_WEBHOOK_URL uses plain http: referrals carry personal data, use https outside local testing")
		}
		if h.WebhookSecret == "" {
			k.fail("SIGNPOST_HANDOFF_WEBHOOK_URL is set but SIGNPOST_HANDOFF_WEBHOOK_SECRET is not: every body is signed, so a secret is needed")
		}
	} else if h.WebhookSecret != "" {
		k.warn("SIGNPOST_HANDOFF_WEBHOOK_SECRET is set but SIGNPOST_HANDOFF_WEBHOOK_URL is not: nothing uses it")
	}
	if (c.SMSEnabled() || c.TelegramEnabled()) && h.TelegramChat == "" && len(h.SMS) == 0 && h.WebhookURL == "" {
		k.warn("no link-worker handoff is set (SIGNPOST_HANDOFF_TELEGRAM_CHAT, SIGNPOST_HANDOFF_SMS or SIGNPOST_HANDOFF_WEBHOOK_URL): referrals wait in the store until someone looks")
	}
}
