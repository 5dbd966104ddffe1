package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// EnvVar describes one environment variable: its name, the YAML key it
// overrides, its default and what it means. EnvTable lists them all; Load
// reads them through the same table, so the list cannot drift from the code.
type EnvVar struct {
	// Name is the variable's name, e.g. SIGNPOST_ADDR.
	Name string
	// Key is the dotted YAML key it sets, e.g. server.addr.
	Key string
	// Default is the value in Default(), written as the variable would be;
	// empty when the default is empty or worked out from other settings.
	Default string
	// Meaning says what it does, in a sentence or two.
	Meaning string
	// Secret marks credentials that must never be logged or shown.
	Secret bool
}

// EnvTable returns every environment variable Signpost reads, in the order
// of the README's table: the product's public ones first, then the extras.
func EnvTable() []EnvVar {
	return []EnvVar{
		{Name: "SIGNPOST_ADDR", Key: "server.addr", Default: ":8080",
			Meaning: "HTTP listen address, host:port."},
		{Name: "SIGNPOST_TRUSTED_PROXIES", Key: "server.trusted_proxies", Default: "0",
			Meaning: "How many reverse proxies sit in front of Signpost; the web chat's per-IP limit reads the client address from X-Forwarded-For that many hops back. 0 trusts no header."},
		{Name: "SIGNPOST_PUBLIC_URL", Key: "server.public_url",
			Meaning: "Public base URL, used to check Twilio signatures and to register the Telegram webhook. https in production; http is accepted with a warning for local testing."},
		{Name: "SIGNPOST_REDIS_URL", Key: "store.redis_url",
			Meaning: "redis:// or rediss:// URL, or several comma-separated host:port addresses for Redis Cluster; empty means the in-memory store."},
		{Name: "SIGNPOST_REDIS_PREFIX", Key: "store.redis_prefix", Default: "signpost:",
			Meaning: "Prefix of every Redis key, so several deployments can share one Redis."},
		{Name: "SIGNPOST_FLOWS_DIR", Key: "flows.dir",
			Meaning: "Folder of flow files; empty means the built-in flows."},
		{Name: "SIGNPOST_FLOW", Key: "flows.start", Default: "youth-self-referral",
			Meaning: "Id of the flow new conversations start in."},
		{Name: "TWILIO_ACCOUNT_SID", Key: "twilio.account_sid",
			Meaning: "Twilio account SID (AC…); SMS is enabled when this and TWILIO_AUTH_TOKEN are both set."},
		{Name: "TWILIO_AUTH_TOKEN", Key: "twilio.auth_token", Secret: true,
			Meaning: "Twilio auth token; also checks the X-Twilio-Signature of webhooks."},
		{Name: "TWILIO_FROM", Key: "twilio.from",
			Meaning: "Sending number (E.164) or alphanumeric sender id; this or TWILIO_MESSAGING_SERVICE_SID is needed for SMS."},
		{Name: "TWILIO_MESSAGING_SERVICE_SID", Key: "twilio.messaging_service_sid",
			Meaning: "Messaging Service SID (MG…) that sends instead of a single number."},
		{Name: "TWILIO_API_URL", Key: "twilio.api_url", Default: "https://api.twilio.com",
			Meaning: "Base URL of the Twilio REST API (a proxy or a local fake)."},
		{Name: "TWILIO_SEGMENTS_PER_SECOND", Key: "twilio.segments_per_second", Default: "10",
			Meaning: "SMS segments per second the sender may send, shared by every process (10 for a UK long code; higher for a short code or a Messaging Service with several numbers)."},
		{Name: "SIGNPOST_SMS_GSM_SAFE", Key: "twilio.gsm_safe", Default: "true",
			Meaning: "Replace curly quotes, dashes and ellipses with GSM-7 ones in SMS, so a message does not fall into UCS-2 (70 characters a segment)."},
		{Name: "TELEGRAM_BOT_TOKEN", Key: "telegram.bot_token", Secret: true,
			Meaning: "Bot token from @BotFather; enables Telegram."},
		{Name: "TELEGRAM_BOT_USERNAME", Key: "telegram.bot_username",
			Meaning: "The bot's @username without the @, for school links (t.me/<username>?start=<code>); when empty, signpost links asks Telegram with the token."},
		{Name: "TELEGRAM_API_URL", Key: "telegram.api_url", Default: "https://api.telegram.org",
			Meaning: "Base URL of the Bot API; the app appends /bot<token>/<method>."},
		{Name: "TELEGRAM_MODE", Key: "telegram.mode",
			Meaning: "webhook or polling; empty means webhook when SIGNPOST_PUBLIC_URL is set, else polling."},
		{Name: "TELEGRAM_WEBHOOK_SECRET", Key: "telegram.webhook_secret", Secret: true,
			Meaning: "The setWebhook secret_token (1-256 of A-Z a-z 0-9 _ -); required in webhook mode. Requests without the matching X-Telegram-Bot-Api-Secret-Token get 401."},
		{Name: "SIGNPOST_HANDOFF_TELEGRAM_CHAT", Key: "handoff.telegram_chat",
			Meaning: "Chat id (or @channel) of the link workers' Telegram group; needs TELEGRAM_BOT_TOKEN."},
		{Name: "SIGNPOST_HANDOFF_SMS", Key: "handoff.sms",
			Meaning: "Comma-separated E.164 duty phone numbers that get urgent alerts by SMS; needs SMS enabled."},
		{Name: "SIGNPOST_HANDOFF_WEBHOOK_URL", Key: "handoff.webhook_url",
			Meaning: "Case-system webhook that each referral is POSTed to."},
		{Name: "SIGNPOST_HANDOFF_WEBHOOK_SECRET", Key: "handoff.webhook_secret", Secret: true,
			Meaning: "HMAC-SHA256 key for X-Signpost-Signature: sha256=<hex>; required with SIGNPOST_HANDOFF_WEBHOOK_URL."},
		{Name: "SIGNPOST_HANDOFF_TELEGRAM_CONTACTS", Key: "handoff.telegram_contacts", Default: "masked",
			Meaning: "How phone numbers and emails appear in the link workers' Telegram group: masked (like +44 7700 9•• •23) or full. The case-system webhook always gets them in full."},
		{Name: "SIGNPOST_HANDOFF_OFFICE_HOURS", Key: "handoff.office_hours", Default: "Mon-Fri 09:00-17:00 Europe/London",
			Meaning: "Link workers' working days, hours and time zone; routine escalations count only this time."},
		{Name: "SIGNPOST_HANDOFF_ESCALATE_AFTER", Key: "handoff.escalate_after", Default: "2h",
			Meaning: "Working time a referral may stay unclaimed before it is re-notified and sent to the duty phones."},
		{Name: "SIGNPOST_HANDOFF_ESCALATE_URGENT_AFTER", Key: "handoff.escalate_urgent_after", Default: "15m",
			Meaning: "Time, at any hour, an urgent referral or alert may stay unclaimed before it is re-notified."},
		{Name: "SIGNPOST_INBOX_IDLE_TIMEOUT", Key: "inbox.idle_timeout", Default: "30m",
			Meaning: "A link worker is signed out of the web inbox after this long without using it."},
		{Name: "SIGNPOST_API_TOKEN", Key: "handoff.api_token", Secret: true,
			Meaning: "Bearer token for the case-system API (POST /api/referrals/{id}/claim and /outcome, GET /api/referrals/{id}); empty turns the API off."},
		{Name: "SIGNPOST_LOG_LEVEL", Key: "server.log_level", Default: "info",
			Meaning: "Lowest log level written: debug, info, warn or error."},
		{Name: "SIGNPOST_HASH_SALT", Key: "privacy.hash_salt", Secret: true,
			Meaning: "Secret salt (16+ characters) for hashing phone numbers and chat ids in logs and opt-outs; empty means one is generated at start. Set it whenever Redis is used, or opt-outs stop matching after a restart."},
		{Name: "SIGNPOST_MIN_AGE", Key: "bot.min_age", Default: "11",
			Meaning: "Youngest age, in years, the service accepts."},
		{Name: "SIGNPOST_SESSION_TTL", Key: "privacy.session_ttl", Default: "30d",
			Meaning: "How long an idle conversation is kept before it is erased (a Go duration or days, like 30d)."},
		{Name: "SIGNPOST_REFERRAL_TTL", Key: "privacy.referral_ttl", Default: "365d",
			Meaning: "How long a referral is kept after it is created."},
		{Name: "SIGNPOST_EVENT_TTL", Key: "privacy.event_ttl", Default: "400d",
			Meaning: "How long the anonymous monitoring events behind the impact figures are kept."},
		{Name: "SIGNPOST_REPORT_SUPPRESS_BELOW", Key: "privacy.report_suppress_below", Default: "5",
			Meaning: "Counts under this are shown as \"<5\" (for 5) on the dashboard, in reports and exports, so nobody can be identified; 1 shows every count."},
		{Name: "SIGNPOST_REMINDER_AFTER", Key: "bot.reminder_after", Default: "24h",
			Meaning: "How long an unanswered question waits before one reminder; 0 turns reminders off. Must be shorter than SIGNPOST_SESSION_TTL."},
		{Name: "SIGNPOST_SAFEGUARDING_PHRASES", Key: "bot.safeguarding_phrases",
			Meaning: "Path of a phrase list that replaces the built-in safeguarding phrases."},
		{Name: "SIGNPOST_STOP_CONFIRMATION", Key: "bot.stop_confirmation", Default: "true",
			Meaning: "Whether Signpost confirms STOP and START itself; set false when Twilio Advanced Opt-Out sends its own confirmation."},
		{Name: "SIGNPOST_READING_AGE", Key: "flows.reading_age", Default: "11",
			Meaning: "Target reading age, in years, above which flow checks warn that a message may be hard to read."},
	}
}

// applyEnv sets every variable from env that is present and not empty onto
// c. A variable set to the empty string counts as unset, so that
// `VAR=${VAR}` in a compose file does not wipe a value from the YAML file.
func applyEnv(c *Config, env func(string) (string, bool)) error {
	var errs []error
	for _, v := range EnvTable() {
		raw, ok := env(v.Name)
		if !ok || strings.TrimSpace(raw) == "" {
			continue
		}
		if err := setKey(c, v.Key, raw); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", v.Name, err))
		}
	}
	return errors.Join(errs...)
}

// setKey parses raw into the field of c named by the dotted YAML key.
func setKey(c *Config, key, raw string) error {
	f := fieldByKey(reflect.ValueOf(c).Elem(), key)
	switch p := f.Addr().Interface().(type) {
	case *string:
		*p = strings.TrimSpace(raw)
	case *[]string:
		*p = splitList(raw)
	case *bool:
		b, err := parseBool(raw)
		if err != nil {
			return err
		}
		*p = b
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("invalid number %q: use a whole number, like 11", raw)
		}
		*p = n
	case *Duration:
		d, err := ParseDuration(raw)
		if err != nil {
			return err
		}
		*p = d
	default:
		panic(fmt.Sprintf("config: no env parser for %s (%s)", key, f.Type()))
	}
	return nil
}

// fieldByKey finds the field of the struct v named by a dotted YAML key. It
// panics on an unknown key: EnvTable is checked by the package's tests.
func fieldByKey(v reflect.Value, key string) reflect.Value {
	for part := range strings.SplitSeq(key, ".") {
		found := false
		for i := range v.NumField() {
			if yamlName(v.Type().Field(i)) == part {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			panic(fmt.Sprintf("config: no field for key %q", key))
		}
	}
	return v
}

// yamlName is the YAML key of a struct field.
func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// splitList splits a comma-separated list, trimming spaces and dropping
// empty items.
func splitList(raw string) []string {
	var out []string
	for item := range strings.SplitSeq(raw, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// parseBool reads true/false, 1/0, yes/no and on/off, in any case.
func parseBool(raw string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "true", "t", "1", "yes", "y", "on":
		return true, nil
	case "false", "f", "0", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean %q: use true or false", raw)
}
