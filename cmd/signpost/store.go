package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/inbox"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/web"
	"github.com/signpost-app/signpost/config"
	"github.com/signpost-app/signpost/store/memory"
	redisstore "github.com/signpost-app/signpost/store/redis"
)

// store is what serve needs from a store.
type store interface {
	bot.Store
	bot.TimerStore
	bot.Orphans
	outbox.Store
	handoff.Queue
	handoff.Records
	web.Transcript
	inbox.Referrals
	bot.EventLog
	Ping(ctx context.Context) error
	// NewLimiter returns the rate limiter that goes with the store: shared
	// through Redis, or in-process for the memory store.
	NewLimiter() outbox.Limiter
}

var (
	_ store = (*memory.Store)(nil)
	_ store = (*redisstore.Store)(nil)
)

func storeName(cfg config.Config) string {
	if cfg.Store.RedisURL != "" {
		return "redis"
	}
	return "memory"
}

// openStore returns the configured store, the hash salt to use with it, and
// a close function. With Redis and no configured salt, the salt is shared
// through Redis so every process (and every restart) agrees on it.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, outbox []string) (store, string, func(), error) {
	o := cfg.Privacy
	if cfg.Store.RedisURL == "" {
		s := salt(cfg)
		return memory.New(memory.Options{Salt: s, SessionTTL: o.SessionTTL.Duration(),
			ReferralTTL: o.ReferralTTL.Duration(), EventTTL: o.EventTTL.Duration(), Outbox: outbox}), s, func() {}, nil
	}
	redisstore.SetLogger(log)
	c, err := redisstore.Open(cfg.Store.RedisURL)
	if err != nil {
		return nil, "", nil, fmt.Errorf("SIGNPOST_REDIS_URL: %w", err)
	}
	s := cfg.Privacy.HashSalt
	for s == "" {
		// The shared salt lives in Redis: wait for Redis rather than start
		// with a salt other processes do not share.
		if s, err = redisstore.SharedSalt(ctx, c, cfg.Store.RedisPrefix); err == nil {
			break
		}
		log.Warn("waiting for redis to read the shared hash salt (set SIGNPOST_HASH_SALT to start without it)", "error", err)
		select {
		case <-ctx.Done():
			c.Close()
			return nil, "", nil, fmt.Errorf("connecting to redis: %w", err)
		case <-time.After(2 * time.Second):
		}
	}
	st := redisstore.New(c, redisstore.Options{Prefix: cfg.Store.RedisPrefix, Salt: s,
		SessionTTL: o.SessionTTL.Duration(), ReferralTTL: o.ReferralTTL.Duration(), EventTTL: o.EventTTL.Duration(),
		Outbox: outbox})
	return st, s, func() { c.Close() }, nil
}

// escalations is the store's escalation schedule.
func escalations(st store) handoff.Escalations {
	switch s := st.(type) {
	case *memory.Store:
		return s.Escalations()
	case *redisstore.Store:
		return s.Escalations()
	}
	return nil
}
