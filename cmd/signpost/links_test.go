package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/signpost-app/signpost/bot/telegram/tgfake"
	"github.com/signpost-app/signpost/config"
)

const linksConfig = `
twilio:
  from: "+447700900123"
sources:
  - {code: oakwood, name: Oakwood Academy, keyword: OAKWOOD}
  - {code: riverside-college, name: Riverside College}
`

// linksEnv clears every Signpost variable (so the machine's environment
// cannot leak in), sets env, and returns a config file path.
func linksEnv(t *testing.T, yaml string, env ...string) string {
	t.Helper()
	for _, v := range config.EnvTable() {
		t.Setenv(v.Name, "")
	}
	for i := 0; i+1 < len(env); i += 2 {
		t.Setenv(env[i], env[i+1])
	}
	path := filepath.Join(t.TempDir(), "signpost.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func links(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = linksCmd(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

// scanPNG decodes a QR code PNG as a phone would and checks its size.
func scanPNG(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != qrPixels || b.Dy() != qrPixels {
		t.Errorf("%s is %v, want %d px square", path, b, qrPixels)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("%s does not scan: %v", path, err)
	}
	return res.GetText()
}

func TestLinksOneSource(t *testing.T) {
	cfg := linksEnv(t, linksConfig)
	dir := t.TempDir()
	qr := filepath.Join(dir, "poster.png")
	out, _, err := links(t, "oakwood", "--bot", "@SignpostYouthBot", "--qr", qr, "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := "Oakwood Academy (oakwood)\n" +
		"  Telegram: https://t.me/SignpostYouthBot?start=oakwood\n" +
		"  SMS:      Text HI OAKWOOD to +447700900123\n" +
		"  QR code:  " + qr + "\n"
	if out != want {
		t.Fatalf("output:\n%s\nwant:\n%s", out, want)
	}
	if got := scanPNG(t, qr); got != "https://t.me/SignpostYouthBot?start=oakwood" {
		t.Fatalf("the QR code holds %q", got)
	}
}

func TestLinksDefaultFileNameAndSVG(t *testing.T) {
	cfg := linksEnv(t, linksConfig)
	t.Chdir(t.TempDir())
	if _, _, err := links(t, "--config", cfg, "riverside-college", "--bot", "SignpostYouthBot"); err != nil {
		t.Fatal(err)
	}
	if got := scanPNG(t, "riverside-college.png"); got != "https://t.me/SignpostYouthBot?start=riverside-college" {
		t.Fatalf("the QR code holds %q", got)
	}
	out, _, err := links(t, "--config", cfg, "--svg", "riverside-college", "--bot", "SignpostYouthBot")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "SMS:") {
		t.Errorf("an SMS line for a source without a keyword:\n%s", out)
	}
	data, err := os.ReadFile("riverside-college.svg")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		Title   string   `xml:"title"`
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil || doc.Title != "https://t.me/SignpostYouthBot?start=riverside-college" {
		t.Fatalf("svg: %v, title %q", err, doc.Title)
	}
	if leftovers, _ := filepath.Glob(".qr-*"); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestLinksAllAsksTelegramForTheUsername(t *testing.T) {
	fake := tgfake.New(t, "7000000001:AAHlinksTestToken")
	cfg := linksEnv(t, linksConfig, "TELEGRAM_BOT_TOKEN", fake.Token(), "TELEGRAM_API_URL", fake.URL(), "TELEGRAM_MODE", "polling")
	dir := t.TempDir()
	out, _, err := links(t, "--all", "--out", dir, "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"oakwood", "riverside-college"} {
		link := "https://t.me/" + tgfake.BotUsername + "?start=" + code
		if !strings.Contains(out, "Telegram: "+link+"\n") {
			t.Errorf("output lacks %s:\n%s", link, out)
		}
		if got := scanPNG(t, filepath.Join(dir, code+".png")); got != link {
			t.Errorf("%s.png holds %q", code, got)
		}
	}
	if n := len(fake.Calls("getMe")); n != 1 {
		t.Errorf("%d getMe calls", n)
	}
}

func TestLinksErrors(t *testing.T) {
	cfg := linksEnv(t, linksConfig)
	empty := linksEnv(t, "")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown source", []string{"--config", cfg, "--bot", "SignpostYouthBot", "hillside"},
			`no source "hillside"; configured sources: oakwood (Oakwood Academy), riverside-college (Riverside College)`},
		{"no sources", []string{"--config", empty, "--bot", "SignpostYouthBot", "oakwood"}, "no sources are configured"},
		{"all without sources", []string{"--config", empty, "--bot", "SignpostYouthBot", "--all"}, "no sources configured"},
		{"no username", []string{"--config", cfg, "oakwood"}, "pass --bot NAME"},
		{"bad username", []string{"--config", cfg, "--bot", "not a bot", "oakwood", "--out", t.TempDir()}, "not a bot username"},
		{"no source", []string{"--config", cfg, "--bot", "SignpostYouthBot"}, "usage: signpost links"},
		{"two sources", []string{"--config", cfg, "--bot", "SignpostYouthBot", "oakwood", "riverside-college"}, "usage: signpost links"},
		{"all and a source", []string{"--config", cfg, "--all", "oakwood"}, "not both"},
		{"all and --qr", []string{"--config", cfg, "--all", "--qr", "x.png"}, "--qr names one file"},
		{"unwritable", []string{"--config", cfg, "--bot", "SignpostYouthBot", "oakwood", "--out", filepath.Join(t.TempDir(), "missing")}, "writing QR code"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := links(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}
