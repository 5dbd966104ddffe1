// Package config holds Signpost's settings: one Config value, built by
// Default, filled from a YAML file and the environment by Load, and checked
// whole by Validate. It is passed explicitly to the parts that need it; there
// is no package-level state.
//
// Every environment variable is listed, with its YAML key, default and
// meaning, by EnvTable. In the YAML file the keys are the snake_case names
// below, grouped in sections:
//
//	server:
//	  addr: ":8080"
//	  public_url: https://signpost.example.org
//	twilio:
//	  account_sid: AC…
//	sources:
//	  - {code: hillside, name: Hillside Academy, keyword: HILLSIDE}
package config

import "time"

// Config is the whole of Signpost's configuration. The zero value is not
// useful: start from Default.
type Config struct {
	// Server is the HTTP listener and how the service is reached from outside.
	Server Server `yaml:"server"`
	// Store is where sessions, opt-outs, referrals and the handoff queue live.
	Store Store `yaml:"store"`
	// Flows says which question flows are loaded and where conversations start.
	Flows Flows `yaml:"flows"`
	// Twilio is the SMS channel.
	Twilio Twilio `yaml:"twilio"`
	// Telegram is the Telegram bot channel.
	Telegram Telegram `yaml:"telegram"`
	// Handoff says where link workers receive referrals and urgent alerts.
	Handoff Handoff `yaml:"handoff"`
	// Privacy holds how long data is kept and how personal ids are hashed.
	Privacy Privacy `yaml:"privacy"`
	// Bot tunes the conversation engine.
	Bot Bot `yaml:"bot"`
	// Sources are the schools and youth clubs that share Signpost; a referral
	// that arrives through one is tagged with its code. YAML only.
	Sources []Source `yaml:"sources"`
	// Inbox is the link workers' web inbox.
	Inbox Inbox `yaml:"inbox"`
}

// Inbox configures the link workers' web inbox at /inbox.
type Inbox struct {
	// Users may sign in; YAML only (make an entry with `signpost users add`).
	Users []User `yaml:"users"`
	// IdleTimeout signs a link worker out after this long without a request.
	IdleTimeout Duration `yaml:"idle_timeout"`
}

// User is one link worker's inbox account.
type User struct {
	// Name is what they sign in with and how they appear on claims; the
	// first word is what young people see.
	Name string `yaml:"name"`
	// PasswordHash is a bcrypt hash of their password.
	PasswordHash string `yaml:"password_hash"`
}

// Server is the HTTP listener and the service's public address.
type Server struct {
	// Addr is the listen address, host:port (SIGNPOST_ADDR, default ":8080").
	Addr string `yaml:"addr"`
	// PublicURL is the public base URL, used to check Twilio signatures and to
	// register the Telegram webhook. https in production; plain http is
	// accepted with a warning for local testing (SIGNPOST_PUBLIC_URL).
	PublicURL string `yaml:"public_url"`
	// LogLevel is the lowest slog level logged: debug, info, warn or error
	// (SIGNPOST_LOG_LEVEL, default info).
	LogLevel string `yaml:"log_level"`
	// TrustedProxies is how many reverse proxies (load balancers) sit in
	// front of Signpost: the web chat's per-IP limit then reads the
	// client's address from X-Forwarded-For that many hops back.
	TrustedProxies int `yaml:"trusted_proxies"`
}

// Store is the session, opt-out, referral and queue store.
type Store struct {
	// RedisURL is a redis:// or rediss:// URL, or several comma-separated
	// host:port addresses for Redis Cluster; empty means the in-memory store
	// (SIGNPOST_REDIS_URL).
	RedisURL string `yaml:"redis_url"`
	// RedisPrefix is put before every Redis key, so several deployments can
	// share one Redis (SIGNPOST_REDIS_PREFIX, default "signpost:").
	RedisPrefix string `yaml:"redis_prefix"`
}

// Flows says which flows are loaded and which one new conversations use.
type Flows struct {
	// Dir is a folder of flow files; empty means the built-in flows
	// (SIGNPOST_FLOWS_DIR).
	Dir string `yaml:"dir"`
	// Start is the id of the flow new conversations start in
	// (SIGNPOST_FLOW, default "youth-self-referral").
	Start string `yaml:"start"`
	// ReadingAge is the target reading age, in years, above which flow checks
	// warn that a message may be hard to read (SIGNPOST_READING_AGE, default 11).
	ReadingAge int `yaml:"reading_age"`
}

// Twilio is the SMS channel. SMS is enabled when both AccountSID and
// AuthToken are set; see Config.SMSEnabled.
type Twilio struct {
	// AccountSID is the Twilio account SID, AC… (TWILIO_ACCOUNT_SID).
	AccountSID string `yaml:"account_sid"`
	// AuthToken is the account's auth token; it also signs Twilio's webhook
	// requests (TWILIO_AUTH_TOKEN). Secret.
	AuthToken string `yaml:"auth_token"`
	// From is the sending phone number in E.164 form or an alphanumeric
	// sender id (TWILIO_FROM). Either this or MessagingServiceSID is needed.
	From string `yaml:"from"`
	// MessagingServiceSID is the Messaging Service, MG…, that sends instead
	// of a single number (TWILIO_MESSAGING_SERVICE_SID).
	MessagingServiceSID string `yaml:"messaging_service_sid"`
	// APIURL is the base URL of the Twilio REST API, for a proxy or a local
	// fake (TWILIO_API_URL, default https://api.twilio.com).
	APIURL string `yaml:"api_url"`
	// SegmentsPerSecond is the SMS rate limit for the sender, in segments
	// per second, shared by every process.
	SegmentsPerSecond int `yaml:"segments_per_second"`
	// GSMSafe replaces curly quotes and dashes with GSM-7 ones in SMS.
	GSMSafe bool `yaml:"gsm_safe"`
}

// Telegram is the Telegram bot channel, enabled when BotToken is set.
type Telegram struct {
	// BotToken is the token from @BotFather (TELEGRAM_BOT_TOKEN). Secret.
	BotToken string `yaml:"bot_token"`
	// APIURL is the base URL of the Bot API; the app appends
	// /bot<token>/<method> (TELEGRAM_API_URL, default https://api.telegram.org).
	APIURL string `yaml:"api_url"`
	// Mode is "webhook" or "polling"; empty means webhook when
	// Server.PublicURL is set, else polling. Use Config.TelegramMode to read
	// it (TELEGRAM_MODE).
	Mode string `yaml:"mode"`
	// WebhookSecret is the setWebhook secret_token; webhook requests without
	// a matching X-Telegram-Bot-Api-Secret-Token header are refused. 1–256
	// characters of A–Z, a–z, 0–9, _ and - (TELEGRAM_WEBHOOK_SECRET). Secret.
	WebhookSecret string `yaml:"webhook_secret"`
	// BotUsername is the bot's @username (without @), for deep links.
	BotUsername string `yaml:"bot_username"`
}

// Handoff says where referrals and urgent alerts go.
type Handoff struct {
	// TelegramChat is the chat id (a number, or @channelname) of the link
	// workers' Telegram group (SIGNPOST_HANDOFF_TELEGRAM_CHAT).
	TelegramChat string `yaml:"telegram_chat"`
	// SMS are the duty phone numbers, in E.164 form, that get urgent alerts
	// by SMS (SIGNPOST_HANDOFF_SMS, comma-separated).
	SMS []string `yaml:"sms"`
	// WebhookURL is the case system's webhook; each referral is POSTed to it
	// (SIGNPOST_HANDOFF_WEBHOOK_URL).
	WebhookURL string `yaml:"webhook_url"`
	// WebhookSecret is the HMAC-SHA256 key for the X-Signpost-Signature
	// header; required when WebhookURL is set
	// (SIGNPOST_HANDOFF_WEBHOOK_SECRET). Secret.
	WebhookSecret string `yaml:"webhook_secret"`
	// OfficeHours are the link workers' working hours, like "Mon-Fri
	// 09:00-17:00 Europe/London" (SIGNPOST_HANDOFF_OFFICE_HOURS).
	OfficeHours string `yaml:"office_hours"`
	// TelegramContacts is how contact details appear in the link
	// workers' Telegram group: masked (default) or full.
	TelegramContacts string `yaml:"telegram_contacts"`
	// EscalateAfter is how much working time a referral may stay
	// unclaimed before it is re-notified (SIGNPOST_HANDOFF_ESCALATE_AFTER,
	// default 2h).
	EscalateAfter Duration `yaml:"escalate_after"`
	// EscalateUrgentAfter is the same for urgent referrals and alerts, at
	// any hour (SIGNPOST_HANDOFF_ESCALATE_URGENT_AFTER, default 15m).
	EscalateUrgentAfter Duration `yaml:"escalate_urgent_after"`
	// APIToken is the bearer token of the case-system API
	// (/api/referrals/…); empty turns the API off (SIGNPOST_API_TOKEN). Secret.
	APIToken string `yaml:"api_token"`
}

// Privacy holds retention times and the salt for hashing personal ids.
type Privacy struct {
	// HashSalt salts the hashes of phone numbers and chat ids used in logs
	// and opt-out records. Empty means one is generated at start, which is
	// only right for a single in-memory instance (SIGNPOST_HASH_SALT). Secret.
	HashSalt string `yaml:"hash_salt"`
	// SessionTTL is how long an idle conversation is kept before it is
	// erased (SIGNPOST_SESSION_TTL, default 30d).
	SessionTTL Duration `yaml:"session_ttl"`
	// ReferralTTL is how long a referral is kept after it is created
	// (SIGNPOST_REFERRAL_TTL, default 365d).
	ReferralTTL Duration `yaml:"referral_ttl"`
	// EventTTL is how long the anonymous monitoring events behind the
	// impact figures are kept (SIGNPOST_EVENT_TTL, default 400d: a year's
	// figures plus a month).
	EventTTL Duration `yaml:"event_ttl"`
	// SuppressBelow hides every count under it in the figures, shown as
	// "<5" for 5 (SIGNPOST_REPORT_SUPPRESS_BELOW, default 5).
	SuppressBelow int `yaml:"report_suppress_below"`
}

// Bot tunes the conversation engine.
type Bot struct {
	// MinAge is the youngest age, in years, the service accepts; younger
	// people are signposted elsewhere (SIGNPOST_MIN_AGE, default 11).
	MinAge int `yaml:"min_age"`
	// ReminderAfter is how long after a question goes unanswered one
	// reminder is sent; 0 turns reminders off (SIGNPOST_REMINDER_AFTER,
	// default 24h).
	ReminderAfter Duration `yaml:"reminder_after"`
	// SafeguardingPhrases is the path of a phrase list that replaces the
	// built-in safeguarding phrases (SIGNPOST_SAFEGUARDING_PHRASES).
	SafeguardingPhrases string `yaml:"safeguarding_phrases"`
	// StopConfirmation says whether Signpost itself answers STOP and START
	// with a confirmation. Set it false when Twilio Advanced Opt-Out sends
	// its own (SIGNPOST_STOP_CONFIRMATION, default true).
	StopConfirmation bool `yaml:"stop_confirmation"`
}

// Source is a school or youth club that shares Signpost.
type Source struct {
	// Code tags referrals from this source; it is also the Telegram deep-link
	// parameter (t.me/<bot>?start=<code>), so 1–64 of A–Z, a–z, 0–9, _ and -.
	Code string `yaml:"code"`
	// Name is the display name shown to link workers.
	Name string `yaml:"name"`
	// Keyword is the SMS keyword that starts a conversation tagged with this
	// source, matched case-insensitively; optional.
	Keyword string `yaml:"keyword"`
}

// Default returns the configuration Signpost runs with when nothing is set:
// HTTP on :8080, the in-memory store, the built-in flows, no channels but
// the web and terminal chats.
func Default() Config {
	return Config{
		Server:   Server{Addr: ":8080", LogLevel: "info"},
		Store:    Store{RedisPrefix: "signpost:"},
		Flows:    Flows{Start: "youth-self-referral", ReadingAge: 11},
		Twilio:   Twilio{APIURL: "https://api.twilio.com", SegmentsPerSecond: 10, GSMSafe: true},
		Telegram: Telegram{APIURL: "https://api.telegram.org"},
		Privacy:  Privacy{SessionTTL: 30 * Day, ReferralTTL: 365 * Day, EventTTL: 400 * Day, SuppressBelow: 5},
		Inbox:    Inbox{IdleTimeout: Duration(30 * time.Minute)},
		Handoff: Handoff{OfficeHours: "Mon-Fri 09:00-17:00 Europe/London", TelegramContacts: "masked",
			EscalateAfter: Duration(2 * time.Hour), EscalateUrgentAfter: Duration(15 * time.Minute)},
		Bot: Bot{MinAge: 11, ReminderAfter: Duration(24 * time.Hour), StopConfirmation: true},
	}
}
