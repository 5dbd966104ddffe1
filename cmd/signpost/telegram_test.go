package main

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitSent waits until the fake Bot API got a message containing want.
func waitSent(t *testing.T, fake *tgfake.Fake, want string, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range fake.Sent() {
			if strings.Contains(m.Text, want) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no message containing %q; sent %+v\nlogs:\n%s", want, fake.Sent(), logs.String())
}

func TestServeTelegramPolling(t *testing.T) {
	const token = "123456:test-token"
	fake := tgfake.New(t, token)
	addr := freeAddr(t)
	var logs syncBuffer
	startServe(t, "http://"+addr, []string{"SIGNPOST_ADDR=" + addr, "TELEGRAM_BOT_TOKEN=" + token,
		"TELEGRAM_API_URL=" + fake.URL(), "TELEGRAM_MODE=polling"}, &logs)
	fake.PushUpdate(tgfake.TextUpdate(4242, 1, "/start oakwood"))
	waitSent(t, fake, "not an emergency service", &logs)
	if calls := fake.Calls("deleteWebhook"); len(calls) == 0 {
		t.Error("polling did not delete the webhook first")
	}
}

func TestServeTelegramWebhook(t *testing.T) {
	const token = "123456:test-token"
	fake := tgfake.New(t, token)
	addr := freeAddr(t)
	base := "http://" + addr
	var logs syncBuffer
	startServe(t, base, []string{"SIGNPOST_ADDR=" + addr, "SIGNPOST_PUBLIC_URL=" + base, "TELEGRAM_BOT_TOKEN=" + token,
		"TELEGRAM_API_URL=" + fake.URL(), "TELEGRAM_WEBHOOK_SECRET=s3cret_token"}, &logs)
	url, secret, allowed := fake.Webhook()
	if url != base+"/webhooks/telegram" || secret != "s3cret_token" || strings.Join(allowed, ",") != "message,callback_query" {
		t.Fatalf("setWebhook got %q %q %v", url, secret, allowed)
	}
	if len(fake.Commands()) == 0 {
		t.Error("no setMyCommands")
	}
	post := func(secret string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/telegram", strings.NewReader(`{"update_id":1001,`+strings.TrimPrefix(tgfake.TextUpdate(777, 1, "hi"), "{")))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", code)
	}
	if code := post("wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", code)
	}
	if len(fake.Sent()) != 0 {
		t.Fatal("a refused update was answered")
	}
	if code := post("s3cret_token"); code != http.StatusOK {
		t.Fatalf("right secret: %d", code)
	}
	waitSent(t, fake, "not an emergency service", &logs)
}
