package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/signpost-app/signpost/bot/telegram"
	"github.com/signpost-app/signpost/config"
)

const linksUsage = "usage: signpost links SOURCE | --all [--bot NAME] [--qr FILE.png] [--svg] [--out DIR] [--config FILE]"

// qrPixels is the side of a QR code PNG: sharp on an A4 poster.
const qrPixels = 1024

// linksCmd prints what a school or youth club shares to start a
// conversation tagged with its source code: the Telegram deep link, the
// SMS keyword line, and a QR code of the link written as a PNG (or SVG).
func linksCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("links", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfgPath := fset.String("config", "", "YAML config file")
	botName := fset.String("bot", "", "the bot's @username (default: asked of Telegram with TELEGRAM_BOT_TOKEN)")
	qrFile := fset.String("qr", "", "where to write the QR code of one source (default: CODE.png, or CODE.svg with --svg)")
	svg := fset.Bool("svg", false, "write the QR code as SVG instead of PNG")
	all := fset.Bool("all", false, "every configured source")
	outDir := fset.String("out", ".", "folder for the QR code files")
	codes, err := parseInterspersed(fset, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, linksUsage)
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case *all && len(codes) > 0:
		return fmt.Errorf("give a SOURCE or --all, not both\n%s", linksUsage)
	case *all && *qrFile != "":
		return fmt.Errorf("--qr names one file: with --all each source gets CODE.png in --out DIR\n%s", linksUsage)
	case !*all && len(codes) != 1:
		return fmt.Errorf("%s", linksUsage)
	}

	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	sources := cfg.Sources
	if !*all {
		src, ok := findSource(cfg.Sources, codes[0])
		if !ok {
			return unknownSource(codes[0], cfg.Sources)
		}
		sources = []config.Source{src}
	} else if len(sources) == 0 {
		return errors.New("no sources configured: add them under sources: in the config file")
	}
	username, err := botUsername(ctx, cfg, *botName)
	if err != nil {
		return err
	}
	ext := ".png"
	if *svg {
		ext = ".svg"
	}
	for i, src := range sources {
		path := *qrFile
		if path == "" {
			path = filepath.Join(*outDir, src.Code+ext)
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if err := writeLinks(stdout, cfg, src, username, path, *svg); err != nil {
			return err
		}
	}
	return nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("links oakwood --svg"), which flag does not.
func parseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		if fset.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fset.Arg(0))
		args = fset.Args()[1:]
	}
}

func findSource(sources []config.Source, code string) (config.Source, bool) {
	for _, s := range sources {
		if s.Code == code {
			return s, true
		}
	}
	for _, s := range sources { // a forgiving second look: OAKWOOD for oakwood
		if strings.EqualFold(s.Code, code) {
			return s, true
		}
	}
	return config.Source{}, false
}

func unknownSource(code string, sources []config.Source) error {
	if len(sources) == 0 {
		return fmt.Errorf("no source %q: no sources are configured (add them under sources: in the config file)", code)
	}
	known := make([]string, len(sources))
	for i, s := range sources {
		known[i] = s.Code + " (" + s.Name + ")"
	}
	return fmt.Errorf("no source %q; configured sources: %s", code, strings.Join(known, ", "))
}

// botUsername is --bot, else the username Telegram gives for the token.
func botUsername(ctx context.Context, cfg config.Config, flagged string) (string, error) {
	if flagged != "" {
		return strings.TrimPrefix(flagged, "@"), nil
	}
	if cfg.Telegram.BotUsername != "" {
		return strings.TrimPrefix(cfg.Telegram.BotUsername, "@"), nil
	}
	if !cfg.TelegramEnabled() {
		return "", errors.New("no bot username: pass --bot NAME (the bot's @username), set TELEGRAM_BOT_USERNAME, or set TELEGRAM_BOT_TOKEN")
	}
	client, err := telegram.NewClient(cfg.Telegram.BotToken, cfg.Telegram.APIURL, 10*time.Second)
	if err != nil {
		return "", fmt.Errorf("asking Telegram for the bot's username (or pass --bot NAME): %w", err)
	}
	return client.Username(ctx)
}

// writeLinks prints one source's links and writes its QR code to path.
func writeLinks(w io.Writer, cfg config.Config, src config.Source, username, path string, svg bool) error {
	link, err := telegram.DeepLink(username, src.Code)
	if err != nil {
		return err
	}
	q, err := telegram.NewQR(link)
	if err != nil {
		return err
	}
	if err := writeQR(q, path, svg); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s (%s)\n", src.Name, src.Code)
	fmt.Fprintf(w, "  Telegram: %s\n", link)
	if src.Keyword != "" {
		to := cfg.Twilio.From
		if to == "" {
			to = "your Signpost number"
		}
		fmt.Fprintf(w, "  SMS:      Text HI %s to %s\n", strings.ToUpper(src.Keyword), to)
	}
	fmt.Fprintf(w, "  QR code:  %s\n", path)
	return nil
}

// writeQR writes the code to path as SVG or a PNG, replacing the file only
// once the whole image is written.
func writeQR(q *telegram.QR, path string, svg bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".qr-*")
	if err != nil {
		return fmt.Errorf("writing QR code: %w", err)
	}
	defer os.Remove(tmp.Name())
	if svg {
		err = q.SVG(tmp)
	} else {
		err = q.PNG(tmp, qrPixels)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing QR code %s: %w", path, err)
	}
	return nil
}
