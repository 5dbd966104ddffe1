// Package chat is the terminal channel: it talks to a flow over stdin and
// stdout, one message per line, through the same engine as SMS, Telegram
// and the web. It is how youth workers try a flow before it goes live.
package chat

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/signpost-app/signpost/bot"
)

// Address is the one person the terminal channel talks to.
const Address = "terminal"

// Options configure Run.
type Options struct {
	Prompt bool   // print a "you> " prompt (when stdin is a terminal)
	Source string // a school or link code, as a deep link would give
}

// Run reads lines from r until EOF or ctx ends, sends each through eng, and
// writes the replies to w. A first empty message opens the conversation so
// the flow's welcome is shown before the person types.
func Run(ctx context.Context, eng *bot.Engine, r io.Reader, w io.Writer, o Options) error {
	send := func(text string) error {
		outs, err := eng.Handle(ctx, bot.Inbound{Channel: bot.ChannelChat, Address: Address, Text: text, Source: o.Source})
		if err != nil {
			return fmt.Errorf("handling message: %w", err)
		}
		for _, out := range outs {
			prefix := "bot> "
			if out.Urgent {
				prefix = "bot [urgent]> "
			}
			fmt.Fprintln(w, prefix+strings.ReplaceAll(out.Plain(), "\n", "\n     "))
		}
		return nil
	}
	if err := send("hi"); err != nil {
		return err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if o.Prompt {
			fmt.Fprint(w, "you> ")
		}
		if !sc.Scan() {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := send(sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading input: %w", err)
	}
	return nil
}
