package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/chat"
	"github.com/signpost-app/signpost/store/memory"
)

func chatCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "YAML config file")
	flowID := fs.String("flow", "", "flow to talk to (default: SIGNPOST_FLOW)")
	source := fs.String("source", "", "school or link code, as if from a school's link")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	set, problems := loadFlows(cfg.Flows.Dir, cfg.Flows.ReadingAge)
	if err := problems.Err(); err != nil {
		return problemsError(stderr, problems)
	}
	start := cfg.Flows.Start
	if *flowID != "" {
		start = *flowID
	}
	if set.Latest(start) == nil {
		return fmt.Errorf("no flow %q; flows: %v", start, set.IDs())
	}
	screener, err := loadScreener(cfg.Bot.SafeguardingPhrases)
	if err != nil {
		return err
	}
	eng := bot.New(bot.Options{Flows: set, Store: memory.New(memory.Options{}), Screener: screener,
		StartFlow: start, MinAge: float64(cfg.Bot.MinAge), StopConfirmation: true,
		Logger: slog.New(slog.DiscardHandler),
		OnHandoff: func(h bot.Handoff) {
			// The log notifier: print what would be sent to the link workers.
			fmt.Fprintf(stdout, "\n%s\n", h.String())
		}})
	interactive := false
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			interactive = true
		}
	}
	return chat.Run(ctx, eng, stdin, stdout, chat.Options{Prompt: interactive, Source: *source})
}
