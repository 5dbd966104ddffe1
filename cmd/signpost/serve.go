package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/server"
	"github.com/signpost-app/signpost/store/memory"
)

func serveCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "YAML config file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Server.LogLevel)
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	set, problems := loadFlows(cfg.Flows.Dir, cfg.Flows.ReadingAge)
	if err := problems.Err(); err != nil {
		return problemsError(stderr, problems)
	}
	screener, err := loadScreener(cfg.Bot.SafeguardingPhrases)
	if err != nil {
		return err
	}
	if set.Latest(cfg.Flows.Start) == nil {
		return fmt.Errorf("start flow %q not found (SIGNPOST_FLOW)", cfg.Flows.Start)
	}
	if cfg.Store.RedisURL != "" {
		return errors.New("SIGNPOST_REDIS_URL: the Redis store is not built yet; unset it to use the in-memory store")
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	hashSalt := salt(cfg)
	st := memory.New(memory.Options{Salt: hashSalt, SessionTTL: cfg.Privacy.SessionTTL.Duration()})
	eng := bot.New(bot.Options{Flows: set, Store: st, Screener: screener, StartFlow: cfg.Flows.Start,
		MinAge: float64(cfg.Bot.MinAge), StopConfirmation: cfg.Bot.StopConfirmation, Logger: log,
		Metrics: bot.NewMetrics(reg), Salt: hashSalt,
		OnHandoff: func(h bot.Handoff) {
			// The log notifier of the embedded default: no personal data, only ids.
			log.Info("handoff", "kind", h.Kind, "id", h.ID, "urgency", h.Urgency, "flow", h.Flow,
				"version", h.Version, "channel", h.Channel, "conversation", bot.HashID(hashSalt, h.Conversation()))
		}})

	// SIGHUP reloads the flows: new conversations take the new versions,
	// conversations in progress finish on theirs.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				next, problems := loadFlows(cfg.Flows.Dir, cfg.Flows.ReadingAge)
				if err := problems.Err(); err != nil {
					log.Error("flow reload refused; keeping the running flows", "error", err)
					continue
				}
				set = next.Merge(set)
				eng.SetFlows(set)
				log.Info("flows reloaded", "flows", len(next.IDs()))
			}
		}
	}()

	srv := server.New(server.Options{Addr: cfg.Server.Addr, Logger: log, Registry: reg,
		Ready: func(ctx context.Context) error { return st.Ping(ctx) }})
	log.Info("signpost starting", "version", version, "store", "memory", "start_flow", cfg.Flows.Start)
	return srv.Run(ctx)
}
