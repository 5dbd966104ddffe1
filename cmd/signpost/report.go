package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/config"
	"github.com/signpost-app/signpost/flows"
)

// reportCmd prints the impact figures for a period from the configured
// store: `signpost report --from 2026-09-01 --to 2026-11-30 --format md`.
func reportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML config file")
	from := fs.String("from", "", "first day, YYYY-MM-DD (default: 12 weeks before --to)")
	to := fs.String("to", "", "last day, YYYY-MM-DD, included (default: today with --from, else last Sunday)")
	format := fs.String("format", "md", "csv, json or md")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("report: unexpected %q (usage: signpost report --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json|md])", fs.Arg(0))
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	if cfg.Store.RedisURL == "" {
		return fmt.Errorf("report: no SIGNPOST_REDIS_URL: the figures come from the events serve keeps in Redis (the in-memory store keeps none between runs; its dashboard is at /inbox/dashboard)")
	}
	loc := serviceLocation(cfg)
	o, err := impact.Period(*from, *to, loc, time.Now())
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	set, problems := loadFlows(cfg.Flows.Dir, cfg.Flows.ReadingAge)
	if err := problems.Err(); err != nil {
		return err
	}
	st, _, closeStore, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		return err
	}
	defer closeStore()
	o = reportOptions(o, cfg, set)
	r, err := impact.Build(ctx, st, o)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return r.Write(stdout, *format)
}

// serviceLocation is the service's local time zone: the link workers'
// office hours' zone (Europe/London by default).
func serviceLocation(cfg config.Config) *time.Location {
	if h, err := handoff.ParseOfficeHours(cfg.Handoff.OfficeHours); err == nil && h.Loc != nil {
		return h.Loc
	}
	return time.UTC
}

// reportOptions fills in the suppression threshold and the flows' words
// for answers and steps.
func reportOptions(o impact.Options, cfg config.Config, set *flows.Set) impact.Options {
	o.SuppressBelow = cfg.Privacy.SuppressBelow
	o.Labels = func(name, key string) string {
		if name == "source" {
			for _, src := range cfg.Sources {
				if src.Code == key {
					return src.Name
				}
			}
			return ""
		}
		return optionLabel(set, name, key)
	}
	o.Steps = func(flow string) []impact.StepInfo { return flowSteps(set, flow) }
	return o
}

// optionLabel finds the words of option key of the answer saved as name,
// in the first flow that has it (the start flow's words win, as IDs are
// sorted and every built-in shares its ids).
func optionLabel(set *flows.Set, name, key string) string {
	for _, id := range set.IDs() {
		f := set.Latest(id)
		for _, sid := range f.Order {
			st := f.Steps[sid]
			if st.Save != name || st.Answer == nil {
				continue
			}
			for _, op := range st.Answer.Options {
				if op.ID == key {
					def := f.DefaultLanguage()
					return op.Label(def, def)
				}
			}
		}
	}
	return ""
}

// flowSteps is a flow's steps in file order, each labelled with the start
// of its question (or of what it says).
func flowSteps(set *flows.Set, id string) []impact.StepInfo {
	f := set.Latest(id)
	if f == nil {
		return nil
	}
	def := f.DefaultLanguage()
	out := make([]impact.StepInfo, 0, len(f.Order))
	for _, sid := range f.Order {
		st := f.Steps[sid]
		text := st.Ask.In(def, def)
		if text == "" {
			text = st.Say.In(def, def)
		}
		out = append(out, impact.StepInfo{ID: sid, Label: shorten(text, 60)})
	}
	return out
}

// shorten keeps the first n characters of s, on a word boundary, with an
// ellipsis when cut; a {{tag}} shows as [tag].
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.NewReplacer("{{ ", "[", " }}", "]", "{{", "[", "}}", "]").Replace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if k := strings.LastIndex(cut, " "); k > n/2 {
		cut = cut[:k]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
