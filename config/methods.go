package config

import (
	"log/slog"
	"net/url"
	"reflect"
	"strings"
)

// Telegram modes; see Config.TelegramMode.
const (
	TelegramWebhook = "webhook"
	TelegramPolling = "polling"
)

// SMSEnabled reports whether the Twilio SMS channel is on: both
// TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set.
func (c Config) SMSEnabled() bool {
	return c.Twilio.AccountSID != "" && c.Twilio.AuthToken != ""
}

// TelegramEnabled reports whether the Telegram channel is on:
// TELEGRAM_BOT_TOKEN is set.
func (c Config) TelegramEnabled() bool { return c.Telegram.BotToken != "" }

// TelegramMode returns how Telegram updates arrive: the mode set, or when
// none is, TelegramWebhook if a public URL is set and TelegramPolling if not.
// It returns an unknown mode as it is; Validate reports it.
func (c Config) TelegramMode() string {
	if m := strings.ToLower(strings.TrimSpace(c.Telegram.Mode)); m != "" {
		return m
	}
	if c.Server.PublicURL != "" {
		return TelegramWebhook
	}
	return TelegramPolling
}

// LogLevel returns the slog level named by SIGNPOST_LOG_LEVEL, or
// slog.LevelInfo for an empty or unknown name (Validate reports those).
func (c Config) LogLevel() slog.Level {
	switch strings.ToLower(strings.TrimSpace(c.Server.LogLevel)) {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// redacted is what Redacted puts in place of a secret.
const redacted = "REDACTED"

// Redacted returns a copy of c that is safe to log or print: every secret in
// EnvTable is replaced by "REDACTED" when set, and a password in the Redis
// URL is masked.
func (c Config) Redacted() Config {
	r := c
	r.Handoff.SMS = append([]string(nil), c.Handoff.SMS...)
	r.Sources = append([]Source(nil), c.Sources...)
	for _, v := range EnvTable() {
		if !v.Secret {
			continue
		}
		if p, ok := fieldByKey(reflect.ValueOf(&r).Elem(), v.Key).Addr().Interface().(*string); ok && *p != "" {
			*p = redacted
		}
	}
	r.Store.RedisURL = redactURLs(c.Store.RedisURL)
	return r
}

// redactURLs masks the passwords of the comma-separated URLs in s.
func redactURLs(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil {
			parts[i] = redacted
			continue
		}
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), redacted)
			parts[i] = u.String()
		}
	}
	return strings.Join(parts, ",")
}
