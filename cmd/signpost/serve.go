package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/server"
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
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	st, hashSalt, closeStore, err := openStore(ctx, cfg, log, outboxChannels(cfg))
	if err != nil {
		return err
	}
	defer closeStore()
	metrics := bot.NewMetrics(reg)
	eng := bot.New(bot.Options{Flows: set, Store: st, Screener: screener, StartFlow: cfg.Flows.Start,
		MinAge: float64(cfg.Bot.MinAge), StopConfirmation: cfg.Bot.StopConfirmation, Logger: log,
		ReminderAfter: cfg.Bot.ReminderAfter.Duration(), SessionTTL: cfg.Privacy.SessionTTL.Duration(),
		Metrics: metrics, Salt: hashSalt, Location: serviceLocation(cfg),
	})
	// Every process sweeps: due timers fire once across all of them, and
	// the inbox of a person whose handler died is picked up.
	go eng.RunSweeper(ctx, st, st, time.Second)

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
	disp, ho, err := setupChannels(ctx, cfg, channelParts{eng: eng, st: st, srv: srv, reg: reg, log: log, salt: hashSalt,
		metrics: metrics, flows: func() *flows.Set { s, _ := eng.CurrentFlows().(*flows.Set); return s }})
	if err != nil {
		return err
	}
	var running sync.WaitGroup
	running.Go(func() { disp.Run(ctx) })
	running.Go(func() { ho.dispatcher.Run(ctx) }) // every process delivers handoffs…
	running.Go(func() { ho.escalator.Run(ctx) })  // …and escalates unclaimed ones
	defer running.Wait()                          // let a send in flight finish and record its outcome
	log.Info("signpost starting", "version", version, "store", storeName(cfg), "start_flow", cfg.Flows.Start)
	return srv.Run(ctx)
}
