package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// productEnv is the Environment table of docs/product.md, the public
// contract: every name here must stay in EnvTable.
var productEnv = []string{
	"SIGNPOST_ADDR",
	"SIGNPOST_PUBLIC_URL",
	"SIGNPOST_REDIS_URL",
	"SIGNPOST_FLOWS_DIR",
	"SIGNPOST_FLOW",
	"TWILIO_ACCOUNT_SID",
	"TWILIO_AUTH_TOKEN",
	"TWILIO_FROM",
	"TWILIO_MESSAGING_SERVICE_SID",
	"TWILIO_API_URL",
	"TELEGRAM_BOT_TOKEN",
	"TELEGRAM_API_URL",
	"TELEGRAM_MODE",
	"TELEGRAM_WEBHOOK_SECRET",
	"SIGNPOST_HANDOFF_TELEGRAM_CHAT",
	"SIGNPOST_HANDOFF_SMS",
	"SIGNPOST_HANDOFF_WEBHOOK_URL",
	"SIGNPOST_HANDOFF_WEBHOOK_SECRET",
}

func TestEnvTableHasProductVariables(t *testing.T) {
	have := map[string]bool{}
	for _, v := range EnvTable() {
		have[v.Name] = true
	}
	for _, name := range productEnv {
		if !have[name] {
			t.Errorf("EnvTable lacks %s from product.md", name)
		}
	}
}

func TestEnvTableIsWellFormed(t *testing.T) {
	names, keys := map[string]bool{}, map[string]bool{}
	for _, v := range EnvTable() {
		if names[v.Name] || keys[v.Key] {
			t.Errorf("%s (%s) is listed twice", v.Name, v.Key)
		}
		names[v.Name], keys[v.Key] = true, true
		if !strings.HasPrefix(v.Name, "SIGNPOST_") && !strings.HasPrefix(v.Name, "TWILIO_") && !strings.HasPrefix(v.Name, "TELEGRAM_") {
			t.Errorf("%s: unexpected prefix", v.Name)
		}
		if v.Meaning == "" || !strings.HasSuffix(v.Meaning, ".") {
			t.Errorf("%s: Meaning should be a sentence, got %q", v.Name, v.Meaning)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: key %q does not name a field: %v", v.Name, v.Key, r)
				}
			}()
			c := Default()
			fieldByKey(reflect.ValueOf(&c).Elem(), v.Key)
		}()
	}
	// Every leaf setting except the YAML-only sources and inbox users has a variable.
	for _, key := range leafKeys(reflect.TypeFor[Config](), "") {
		if key != "sources" && key != "inbox.users" && !keys[key] {
			t.Errorf("field %s has no environment variable in EnvTable", key)
		}
	}
}

// leafKeys lists the dotted YAML keys of t's non-struct fields.
func leafKeys(t reflect.Type, at string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		key := strings.TrimPrefix(at+"."+yamlName(f), ".")
		if f.Type.Kind() == reflect.Struct {
			out = append(out, leafKeys(f.Type, key)...)
		} else {
			out = append(out, key)
		}
	}
	return out
}

func TestEnvTableDefaultsMatchDefault(t *testing.T) {
	d := Default()
	for _, v := range EnvTable() {
		f := fieldByKey(reflect.ValueOf(&d).Elem(), v.Key)
		var got string
		switch x := f.Interface().(type) {
		case string:
			got = x
		case []string:
			got = strings.Join(x, ",")
		case bool:
			got = strconv.FormatBool(x)
		case int:
			got = strconv.Itoa(x)
		case Duration:
			got = x.String()
		default:
			got = fmt.Sprint(x)
		}
		if got != v.Default {
			t.Errorf("%s: Default() has %q, EnvTable says %q", v.Name, got, v.Default)
		}
	}
}

func TestEveryVariableIsRead(t *testing.T) {
	// Setting each variable to its own default (or a sample) must land in
	// the field its Key names.
	samples := map[string]string{
		"SIGNPOST_HANDOFF_SMS":                   "+447700900001,+447700900002",
		"SIGNPOST_MIN_AGE":                       "14",
		"SIGNPOST_REPORT_SUPPRESS_BELOW":         "10",
		"SIGNPOST_EVENT_TTL":                     "90d",
		"SIGNPOST_READING_AGE":                   "9",
		"SIGNPOST_SESSION_TTL":                   "3d",
		"SIGNPOST_REFERRAL_TTL":                  "100d",
		"SIGNPOST_REMINDER_AFTER":                "6h",
		"SIGNPOST_HANDOFF_ESCALATE_AFTER":        "4h",
		"SIGNPOST_HANDOFF_ESCALATE_URGENT_AFTER": "10m",
		"SIGNPOST_STOP_CONFIRMATION":             "false",
		"SIGNPOST_LOG_LEVEL":                     "warn",
		"TELEGRAM_MODE":                          "polling",
		"TWILIO_SEGMENTS_PER_SECOND":             "30",
		"SIGNPOST_SMS_GSM_SAFE":                  "false",
		"SIGNPOST_INBOX_IDLE_TIMEOUT":            "45m",
		"SIGNPOST_TRUSTED_PROXIES":               "1",
	}
	for _, v := range EnvTable() {
		raw, ok := samples[v.Name]
		if !ok {
			raw = "value-of-" + strings.ToLower(v.Name)
		}
		c, err := Load("", envOf(map[string]string{v.Name: raw}))
		if err != nil {
			t.Errorf("%s=%s: %v", v.Name, raw, err)
			continue
		}
		want := Default()
		if err := setKey(&want, v.Key, raw); err != nil {
			t.Fatal(err)
		}
		want.normalise()
		if reflect.DeepEqual(c, Default()) || !reflect.DeepEqual(c, want) {
			t.Errorf("%s=%s did not set %s", v.Name, raw, v.Key)
		}
	}
}

func TestRedacted(t *testing.T) {
	c := full()
	r := c.Redacted()
	for _, s := range []string{r.Twilio.AuthToken, r.Telegram.BotToken, r.Telegram.WebhookSecret, r.Handoff.WebhookSecret, r.Privacy.HashSalt} {
		if s != "REDACTED" {
			t.Errorf("secret left in place: %q", s)
		}
	}
	if r.Store.RedisURL != "redis://:REDACTED@localhost:6379/0" {
		t.Errorf("redis URL = %q", r.Store.RedisURL)
	}
	if r.Twilio.AccountSID != c.Twilio.AccountSID || c.Twilio.AuthToken != "tok" {
		t.Error("Redacted changed a non-secret or the original")
	}
	if d := Default().Redacted(); !reflect.DeepEqual(d, Default()) {
		t.Errorf("empty secrets should stay empty: %+v", d)
	}
}

func TestLogLevel(t *testing.T) {
	for in, want := range map[string]string{"debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR", "": "INFO"} {
		c := Default()
		c.Server.LogLevel = in
		if got := c.LogLevel().String(); got != want {
			t.Errorf("%q: got %s, want %s", in, got, want)
		}
	}
}
