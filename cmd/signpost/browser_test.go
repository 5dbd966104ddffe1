package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"
)

// chromium finds Debian's Chromium (.ci/run installs it). Without it the
// test fails: browser tests are part of the suite, never skipped.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: install Debian's chromium package (.ci/run does)")
	return ""
}

// browser starts a headless Chromium for the test.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// screenshot saves the page as artifacts/NAME.png, and as the README's
// picture under docs/screenshots when SIGNPOST_UPDATE_SCREENSHOTS is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&png)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	savePNG(t, name, png)
}

// elementScreenshot is screenshot of one element of the page (scrolled to).
func elementScreenshot(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.Screenshot(sel, &png, chromedp.ByQuery)); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	savePNG(t, name, png)
}

func savePNG(t *testing.T, name string, png []byte) {
	t.Helper()
	dirs := []string{filepath.Join("..", "..", "artifacts")}
	if os.Getenv("SIGNPOST_UPDATE_SCREENSHOTS") != "" {
		dirs = append(dirs, filepath.Join("..", "..", "docs", "screenshots"))
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// botSaid waits until a bot bubble in the chat contains want.
func botSaid(want string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			var text string
			if err := chromedp.Run(ctx, chromedp.Text("#log", &text, chromedp.ByQuery)); err == nil && strings.Contains(text, want) {
				return nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		var text string
		_ = chromedp.Run(ctx, chromedp.Text("#log", &text, chromedp.ByQuery))
		return fmt.Errorf("the chat never said %q; it shows:\n%s", want, text)
	})
}

// pageSays waits until the element sel (after any navigation) contains want.
func pageSays(sel, want string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			var text string
			tctx, cancel := context.WithTimeout(ctx, time.Second)
			err := chromedp.Run(tctx, chromedp.Text(sel, &text, chromedp.ByQuery, chromedp.AtLeast(0)))
			cancel()
			if err == nil && strings.Contains(text, want) {
				return nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		return fmt.Errorf("%s never said %q", sel, want)
	})
}

// say types a message in the chat and sends it, at a human pace (the chat
// limits each person to 2 messages a second).
func say(text string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Sleep(600 * time.Millisecond),
		chromedp.SetValue("#message", text, chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery),
	}
}

// pick presses the option button with this label.
func pick(label string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Sleep(600 * time.Millisecond),
		chromedp.Click(fmt.Sprintf(`//button[contains(@class,"option")][contains(normalize-space(.), %q)][not(@disabled)]`, label), chromedp.BySearch),
	}
}

func TestBrowserYoungPersonToLinkWorkerAndBack(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("correct horse battery staple"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "signpost.yaml")
	cfg := fmt.Sprintf("inbox:\n  users:\n    - {name: Priya Shah, password_hash: %q}\nsources:\n  - {code: oakwood, name: Oakwood Academy}\n", hash)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	base := "http://" + addr
	var logs syncBuffer
	cmd := exec.Command(binary, "serve", "--config", cfgPath)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "SIGNPOST_ADDR=" + addr}
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitReady(t, base, &logs)

	chat := browser(t, 412, 915) // a phone: the chat is mobile-first
	err = chromedp.Run(chat,
		chromedp.Navigate(base+"/?s=oakwood"),
		botSaid("not an emergency service"),
		say("yes"), botSaid("How old are you?"),
		say("15"), botSaid("share your answers"),
		say("yes"), botSaid("What would you like us to call you?"),
		say("Sam"), botSaid("what matters to you right now"),
		say("I want to find an apprenticeship and feel less stuck"), botSaid("What would you like help with?"),
		pick("Feeling lonely"), pick("Work, training or an apprenticeship"),
		chromedp.Click("#done", chromedp.ByQuery), botSaid("Which of these fits you best right now?"),
		pick("Not in work, school or training"), botSaid("How should a link worker get in touch"),
		pick("Message me here"), botSaid("When is it safe and OK to contact you?"),
		say("after 4pm on weekdays"), botSaid("first part of your postcode"),
		say("M1"), botSaid("Can I ask 4 quick questions"),
		say("no"), botSaid("In about 8 weeks"),
		say("no"), botSaid("Is that right?"),
		pick("Yes, send it"), botSaid("Thank you, Sam"),
	)
	if err != nil {
		t.Fatalf("young person's chat: %v\nlogs:\n%s", err, logs.String())
	}
	screenshot(t, chat, "chat")

	// The link worker, in a separate browser (no shared cookies).
	inbox := browser(t, 1280, 900)
	var summary string
	err = chromedp.Run(inbox,
		chromedp.Navigate(base+"/inbox"),
		chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.SendKeys("#username", "Priya Shah", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse battery staple", chromedp.ByQuery),
		chromedp.Click("#signin", chromedp.ByQuery),
		chromedp.WaitVisible("#referrals tr.referral", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("signing in: %v\nlogs:\n%s", err, logs.String())
	}
	screenshot(t, inbox, "inbox")
	err = chromedp.Run(inbox,
		chromedp.Click("#referrals tr.referral a", chromedp.ByQuery),
		chromedp.WaitVisible("#summary", chromedp.ByQuery),
		chromedp.Text("#summary", &summary, chromedp.ByQuery),
		chromedp.Click("#claim", chromedp.ByQuery),
		pageSays(".flash", "Claimed"),
		chromedp.SendKeys("#reply-text", "Hi Sam, I'm Priya. Is Tuesday after school OK for a call?", chromedp.ByQuery),
		chromedp.Click("#reply-send", chromedp.ByQuery),
		pageSays(".flash", "Reply sent"),
	)
	if err != nil {
		t.Fatalf("claiming and replying: %v\nlogs:\n%s", err, logs.String())
	}
	for _, want := range []string{"Sam", "15", "apprenticeship", "Oakwood"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the inbox summary lacks %q:\n%s", want, summary)
		}
	}
	screenshot(t, inbox, "inbox-referral")

	// Back in the young person's chat: who has it, and the reply.
	if err := chromedp.Run(chat, botSaid("Priya from the link team has your referral"), botSaid("Is Tuesday after school OK")); err != nil {
		t.Fatalf("the link worker's reply in the chat: %v\nlogs:\n%s", err, logs.String())
	}
	// The impact dashboard, from the same real use: one referral, so every
	// count under 5 shows as "<5" and nothing identifies Sam.
	var headline, byAge string
	err = chromedp.Run(inbox,
		chromedp.Navigate(base+"/inbox/dashboard"),
		chromedp.WaitVisible("#dashboard", chromedp.ByQuery),
		chromedp.Text("#headline", &headline, chromedp.ByQuery),
		chromedp.Text("#by-age", &byAge, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("the dashboard: %v\nlogs:\n%s", err, logs.String())
	}
	for _, sec := range []string{"#by-week", "#by-source", "#by-help", "#by-situation", "#funnel", "#claim-times",
		"#outcomes", "#follow-ups", "#wellbeing", "#situation-change"} {
		if err := chromedp.Run(inbox, chromedp.WaitVisible(sec+" svg", chromedp.ByQuery)); err != nil {
			t.Fatalf("dashboard section %s has no chart: %v", sec, err)
		}
	}
	if !strings.Contains(headline, "<5") || !strings.Contains(byAge, "<5") || strings.Contains(byAge, "14-15\n1") {
		t.Errorf("the dashboard shows a small count: headline %q, by age %q", headline, byAge)
	}
	screenshot(t, inbox, "dashboard-small")

	if strings.Contains(logs.String(), "Sam") || strings.Contains(logs.String(), "apprenticeship") {
		t.Errorf("personal data in the logs:\n%s", logs.String())
	}
}

// waitReady waits until the service at base answers /readyz.
func waitReady(t *testing.T, base string, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve did not become ready:\n%s", logs.String())
}
