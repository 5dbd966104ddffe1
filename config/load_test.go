package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// envOf turns a map into the env lookup Load takes.
func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// writeFile writes a YAML file in a fresh temp dir and returns its path.
func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "signpost.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	const file = `server:
  addr: ":9000"
  public_url: https://signpost.example.org/
store:
  redis_url: redis://localhost:6379/0
twilio:
  account_sid: ACfile
privacy:
  session_ttl: 7d
bot:
  reminder_after: 90m
  stop_confirmation: false
sources:
  - {code: hillside, name: Hillside Academy, keyword: HILLSIDE}
`
	tests := []struct {
		name  string
		file  string // YAML body; "" means no file
		env   map[string]string
		check func(t *testing.T, c Config)
	}{
		{
			name: "nothing set is Default",
			check: func(t *testing.T, c Config) {
				if !reflect.DeepEqual(c, Default()) {
					t.Errorf("got %+v, want Default()", c)
				}
			},
		},
		{
			name: "file only",
			file: file,
			check: func(t *testing.T, c Config) {
				want := Default()
				want.Server.Addr = ":9000"
				want.Server.PublicURL = "https://signpost.example.org" // trailing slash trimmed
				want.Store.RedisURL = "redis://localhost:6379/0"
				want.Twilio.AccountSID = "ACfile"
				want.Privacy.SessionTTL = 7 * Day
				want.Bot.ReminderAfter = Duration(90 * time.Minute)
				want.Bot.StopConfirmation = false
				want.Sources = []Source{{Code: "hillside", Name: "Hillside Academy", Keyword: "HILLSIDE"}}
				if !reflect.DeepEqual(c, want) {
					t.Errorf("got  %+v\nwant %+v", c, want)
				}
			},
		},
		{
			name: "env only",
			env: map[string]string{
				"SIGNPOST_ADDR":              "127.0.0.1:8081",
				"SIGNPOST_HANDOFF_SMS":       " +447700900001, ,+447700900002 ",
				"SIGNPOST_MIN_AGE":           "13",
				"SIGNPOST_SESSION_TTL":       "1d12h",
				"SIGNPOST_STOP_CONFIRMATION": "no",
				"TELEGRAM_MODE":              " Polling ",
				"SIGNPOST_LOG_LEVEL":         "DEBUG",
				"SIGNPOST_FLOWS_DIR":         "", // empty counts as unset
			},
			check: func(t *testing.T, c Config) {
				want := Default()
				want.Server.Addr = "127.0.0.1:8081"
				want.Handoff.SMS = []string{"+447700900001", "+447700900002"}
				want.Bot.MinAge = 13
				want.Privacy.SessionTTL = Duration(36 * time.Hour)
				want.Bot.StopConfirmation = false
				want.Telegram.Mode = "polling"
				want.Server.LogLevel = "debug"
				if !reflect.DeepEqual(c, want) {
					t.Errorf("got  %+v\nwant %+v", c, want)
				}
			},
		},
		{
			name: "env overrides file, empty env keeps file",
			file: file,
			env: map[string]string{
				"SIGNPOST_ADDR":              ":7000",
				"TWILIO_ACCOUNT_SID":         "ACenv",
				"SIGNPOST_SESSION_TTL":       "48h",
				"SIGNPOST_STOP_CONFIRMATION": "true",
				"SIGNPOST_REDIS_URL":         "",
			},
			check: func(t *testing.T, c Config) {
				if c.Server.Addr != ":7000" || c.Twilio.AccountSID != "ACenv" {
					t.Errorf("env did not win: addr %q sid %q", c.Server.Addr, c.Twilio.AccountSID)
				}
				if c.Privacy.SessionTTL != 2*Day || !c.Bot.StopConfirmation {
					t.Errorf("env did not win: ttl %s stop %v", c.Privacy.SessionTTL, c.Bot.StopConfirmation)
				}
				if c.Store.RedisURL != "redis://localhost:6379/0" || c.Server.PublicURL != "https://signpost.example.org" {
					t.Errorf("file values lost: redis %q url %q", c.Store.RedisURL, c.Server.PublicURL)
				}
			},
		},
		{
			name: "empty file is Default",
			file: "# nothing yet\n",
			check: func(t *testing.T, c Config) {
				if !reflect.DeepEqual(c, Default()) {
					t.Errorf("got %+v, want Default()", c)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, tt.file)
			}
			c, err := Load(path, envOf(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  map[string]string
		want []string // substrings of the error; ":N:" after the file name is the line
	}{
		{
			name: "unknown key names file, line and near miss",
			file: "server:\n  addr: \":8080\"\n  pubic_url: https://x.org\n",
			want: []string{"signpost.yaml:3: unknown key \"pubic_url\" in server (did you mean \"public_url\"?)"},
		},
		{
			name: "unknown top-level section",
			file: "server: {}\ntwillio:\n  from: x\n",
			want: []string{"signpost.yaml:2: unknown key \"twillio\" in top level (did you mean \"twilio\"?)"},
		},
		{
			name: "unknown key in a source",
			file: "sources:\n  - code: a\n    name: A\n    keywrod: A\n",
			want: []string{"signpost.yaml:4: unknown key \"keywrod\" in sources (did you mean \"keyword\"?)"},
		},
		{
			name: "bad duration in file, with another error",
			file: "privacy:\n  session_ttl: 30\nbot:\n  min_age: eleven\n",
			want: []string{"signpost.yaml:2: invalid duration \"30\"", "signpost.yaml:4: \"eleven\" is not valid here: use a whole number"},
		},
		{
			name: "syntax error",
			file: "server:\n  addr: [\n",
			want: []string{"signpost.yaml:"},
		},
		{
			name: "bad duration in env",
			env:  map[string]string{"SIGNPOST_SESSION_TTL": "1.5d"},
			want: []string{"SIGNPOST_SESSION_TTL: invalid duration \"1.5d\""},
		},
		{
			name: "bad bool in env",
			env:  map[string]string{"SIGNPOST_STOP_CONFIRMATION": "maybe"},
			want: []string{"SIGNPOST_STOP_CONFIRMATION: invalid boolean \"maybe\""},
		},
		{
			name: "bad bool in file",
			file: "bot:\n  stop_confirmation: maybe\n",
			want: []string{"signpost.yaml:2: \"maybe\" is not valid here: use true or false"},
		},
		{
			name: "every bad env var is reported",
			env:  map[string]string{"SIGNPOST_MIN_AGE": "x", "SIGNPOST_READING_AGE": "11.5", "SIGNPOST_REMINDER_AFTER": "soon"},
			want: []string{"SIGNPOST_MIN_AGE: invalid number \"x\"", "SIGNPOST_READING_AGE: invalid number", "SIGNPOST_REMINDER_AFTER: invalid duration"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, tt.file)
			}
			_, err := Load(path, envOf(tt.env))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			t.Logf("error:\n%v", err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), nil)
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("got %v, want an error naming the file", err)
	}
}
