package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/bot/sms/segment"
	"github.com/signpost-app/signpost/config"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
	"github.com/signpost-app/signpost/flows/plain"
)

// loadConfig reads the config file (if any) and the environment, and checks it.
func loadConfig(path string) (config.Config, error) {
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}

// newLogger returns the JSON logger at the configured level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// loadOptions are the plain-language checks applied to every flow text.
func loadOptions(readingAge int) flows.LoadOptions {
	return flows.LoadOptions{Checks: []flows.TextCheck{
		func(t string) (string, bool) {
			n, enc := segment.Count(t)
			if n > 3 {
				return fmt.Sprintf("this message is %d SMS segments long (%s); aim for 3 or fewer", n, enc), true
			}
			return "", false
		},
		func(t string) (string, bool) {
			age, ok := plain.Check(t, float64(readingAge))
			if !ok {
				return fmt.Sprintf("this message reads at about age %.1f; aim for %d or younger: use shorter sentences and words", age, readingAge), true
			}
			return "", false
		},
	}}
}

// loadFlows loads dir, or the built-in flows when dir is empty.
func loadFlows(dir string, readingAge int) (*flows.Set, flows.Problems) {
	if dir == "" {
		return flows.LoadFS(builtin.FS, loadOptions(readingAge))
	}
	return flows.LoadDir(dir, loadOptions(readingAge))
}

// loadScreener returns the safeguarding matcher: the configured phrase list
// or the built-in one.
func loadScreener(path string) (*safeguard.Matcher, error) {
	if path == "" {
		return safeguard.Default(), nil
	}
	m, err := safeguard.LoadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading safeguarding phrases: %w", err)
	}
	return m, nil
}

// salt returns the configured hash salt, or a random one for this process.
func salt(cfg config.Config) string {
	if cfg.Privacy.HashSalt != "" {
		return cfg.Privacy.HashSalt
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// problemsError prints problems and returns an error when any is an error.
func problemsError(w io.Writer, ps flows.Problems) error {
	for _, p := range ps {
		fmt.Fprintln(w, p.String())
	}
	if err := ps.Err(); err != nil {
		return errors.New("flows have errors")
	}
	return nil
}

var _ = strings.TrimSpace
