// Command signpost runs the Signpost service and its tools. It only wires:
// load config → build parts → run → wait for a signal.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Signpost: self-referral to social prescribing for young people.

Usage:
  signpost serve [--config FILE]              run the service (no config: in-memory store, built-in flows, :8080)
  signpost chat [--flow ID] [--source CODE]   talk to a flow in the terminal
  signpost flows validate [DIR]               check every flow; exit 1 with file:line errors
  signpost flows graph [--dir DIR] ID         print a flow as a Mermaid diagram
  signpost flows test [DIR]                   run the example conversations beside the flows
  signpost links SOURCE|--all [--bot NAME] [--svg] [--out DIR]
                                              print a source's Telegram link, SMS keyword and QR poster code
  signpost report [--from DAY] [--to DAY] [--format csv|json|md]
                                              print the anonymous impact figures (small counts shown as <5)
  signpost users add NAME [--config FILE]     make a link worker's inbox account: prints the entry for inbox.users
  signpost version                            print the version

Every command takes --config FILE (YAML); environment variables override it.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serveCmd(ctx, args[1:], stderr)
	case "chat":
		err = chatCmd(ctx, args[1:], stdin, stdout, stderr)
	case "flows":
		return flowsCmd(ctx, args[1:], stdout, stderr)
	case "links":
		err = linksCmd(ctx, args[1:], stdout, stderr)
	case "report":
		err = reportCmd(ctx, args[1:], stdout, stderr)
	case "users":
		err = usersCmd(ctx, args[1:], stdin, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "signpost", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "signpost: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "signpost:", err)
		return 1
	}
	return 0
}
