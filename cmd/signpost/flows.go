package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/signpost-app/signpost/bot/flowtest"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
)

const flowsUsage = "usage: signpost flows validate [DIR] | graph [--dir DIR] ID | test [DIR]"

// flowsCmd runs the flow tools and returns the exit code.
func flowsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, flowsUsage)
		return 2
	}
	fset := flag.NewFlagSet("flows "+args[0], flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfgPath := fset.String("config", "", "YAML config file")
	dirFlag := fset.String("dir", "", "folder of flow files (default: SIGNPOST_FLOWS_DIR or the built-in flows)")
	if err := fset.Parse(args[1:]); err != nil {
		return 2
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "signpost:", err)
		return 1
	}
	dir := cfg.Flows.Dir
	if *dirFlag != "" {
		dir = *dirFlag
	}
	rest := fset.Args()
	switch args[0] {
	case "validate", "test":
		if len(rest) > 0 {
			dir = rest[0]
		}
	case "graph":
		if len(rest) != 1 {
			fmt.Fprintln(stderr, flowsUsage)
			return 2
		}
	default:
		fmt.Fprintf(stderr, "signpost flows: unknown command %q\n%s\n", args[0], flowsUsage)
		return 2
	}
	set, problems := loadFlows(dir, cfg.Flows.ReadingAge)
	where := dir
	if where == "" {
		where = "built-in flows"
	}
	switch args[0] {
	case "validate":
		for _, p := range problems {
			fmt.Fprintln(stdout, p.String())
		}
		if problems.Err() != nil {
			fmt.Fprintf(stdout, "%s: %d errors, %d warnings\n", where, len(problems.Errors()), len(problems.Warnings()))
			return 1
		}
		fmt.Fprintf(stdout, "%s: %d flows OK (%s), %d warnings\n", where, len(set.IDs()), strings.Join(set.IDs(), ", "), len(problems.Warnings()))
		return 0
	case "graph":
		if problemsError(stderr, problems.Errors()) != nil {
			return 1
		}
		f := set.Latest(rest[0])
		if f == nil {
			fmt.Fprintf(stderr, "signpost flows graph: no flow %q; flows: %s\n", rest[0], strings.Join(set.IDs(), ", "))
			return 1
		}
		fmt.Fprint(stdout, flows.Graph(f))
		return 0
	}
	// test
	if problemsError(stderr, problems.Errors()) != nil {
		return 1
	}
	var fsys fs.FS = builtin.FS
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	screener, err := loadScreener(cfg.Bot.SafeguardingPhrases)
	if err != nil {
		fmt.Fprintln(stderr, "signpost:", err)
		return 1
	}
	names, _ := fs.Glob(fsys, "*.test.y*ml")
	sort.Strings(names)
	tests, failed := 0, 0
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			fmt.Fprintln(stderr, "signpost:", err)
			return 1
		}
		file, err := flowtest.Parse(name, data)
		if err != nil {
			fmt.Fprintln(stdout, "FAIL", err)
			tests++
			failed++ // a file that does not parse counts as one failed test
			continue
		}
		fails := flowtest.Run(ctx, file, flowtest.Options{Flows: set, Screener: screener, MinAge: float64(cfg.Bot.MinAge)})
		bad := map[string]bool{}
		for _, f := range fails {
			fmt.Fprintln(stdout, "FAIL", f.String())
			bad[f.Test] = true
		}
		tests += len(file.Tests)
		failed += len(bad)
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", tests-failed, failed)
	if failed > 0 || tests == 0 {
		if tests == 0 {
			fmt.Fprintf(stdout, "no example conversations (*.test.yaml) in %s\n", where)
		}
		return 1
	}
	return 0
}
