package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/sms/twiliofake"
	redisstore "github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
)

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `signpost serve [args]` with env and waits until it is ready.
func startServe(t *testing.T, base string, env []string, logs *syncBuffer, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve"}, args...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not become ready:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeSMSSurvivesKill9 runs the real binary against a fake Twilio and
// a private Redis: a signed inbound text gets its reply through the REST
// API, and a reply that is queued (Twilio failing) when the process is
// killed with SIGKILL is delivered exactly once by the next process.
func TestServeSMSSurvivesKill9(t *testing.T) {
	const (
		account = "AC0123456789abcdef0123456789abcdef"
		token   = "authtoken0123456789abcdef"
		salt    = "cmd-sms-test-salt-0123456789"
		person  = "+447700900321"
	)
	rs := redistest.Start(t, redistest.Options{})
	fake := twiliofake.New(t, account, token)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	env := []string{
		"SIGNPOST_ADDR=" + addr,
		"SIGNPOST_PUBLIC_URL=" + base,
		"SIGNPOST_REDIS_URL=" + rs.URL(),
		"SIGNPOST_HASH_SALT=" + salt,
		"TWILIO_ACCOUNT_SID=" + account,
		"TWILIO_AUTH_TOKEN=" + token,
		"TWILIO_FROM=" + twiliofake.ExampleNumber,
		"TWILIO_API_URL=" + fake.URL(),
	}
	// The store as the binary keeps it, to watch the outbox.
	st := redisstore.New(rs.Client(t), redisstore.Options{Salt: salt, Outbox: []string{bot.ChannelSMS}})
	convKey := bot.ConversationKey(bot.ChannelSMS, person)
	pending := func() []bot.Outbound {
		t.Helper()
		p, err := st.Pending(context.Background(), convKey)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	scheduled := func() bool {
		t.Helper()
		hints, err := st.Due(context.Background(), time.Now().Add(10*time.Second), 1000)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(hints, func(h outbox.Hint) bool { return h.Person == bot.HashID(salt, convKey) })
	}
	text := func(body string) {
		t.Helper()
		form := twiliofake.InboundForm(person, twiliofake.ExampleNumber, body, "")
		resp := fake.Webhook(t, base+"/webhooks/twilio", token, form)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook %q: status %d", body, resp.StatusCode)
		}
	}

	var logs1 syncBuffer
	first := startServe(t, base, env, &logs1)

	// Unsigned: refused.
	resp, err := http.PostForm(base+"/webhooks/twilio", twiliofake.InboundForm(person, twiliofake.ExampleNumber, "hi", ""))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned webhook: %d, want 403", resp.StatusCode)
	}

	text("hi")
	sent := fake.Wait(t, 1, 10*time.Second)
	if m := sent[0]; m.To != person || m.From != twiliofake.ExampleNumber || !strings.Contains(m.Body, "not an emergency service") ||
		m.StatusCallback != base+"/webhooks/twilio/status" {
		t.Fatalf("welcome = %+v", m)
	}

	// Twilio fails; the next reply waits in the outbox for its retry, and
	// the process dies then.
	fake.FailServerError(2)
	text("yes")
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Failed twice, and the retry scheduled (not just the lease's end).
		if p := pending(); len(p) == 1 && p[0].Attempts == 2 && scheduled() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reply was not retried twice: %+v\n%s", pending(), logs1.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := first.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	first.Wait()
	if n := len(fake.Sent()); n != 1 {
		t.Fatalf("%d messages accepted before the kill, want 1 (the reply was to be still queued)", n)
	}
	if p := pending(); len(p) != 1 {
		t.Fatalf("outbox after the kill: %+v", p)
	}

	var logs2 syncBuffer
	startServe(t, base, env, &logs2)
	sent = fake.Wait(t, 2, 15*time.Second)
	if !strings.Contains(sent[1].Body, "How old") || sent[1].To != person {
		t.Fatalf("after the restart: %+v", sent[1])
	}
	// Exactly once: nothing more arrives, and the outbox is empty.
	time.Sleep(1500 * time.Millisecond)
	if got := fake.Sent(); len(got) != 2 {
		var bodies []string
		for _, m := range got {
			bodies = append(bodies, m.Body)
		}
		t.Fatalf("%d messages, want 2: %q", len(got), bodies)
	}
	if p := pending(); len(p) != 0 {
		t.Fatalf("outbox not empty: %+v", p)
	}
	if n := fake.Attempts(); n != 4 {
		t.Errorf("%d requests reached Twilio, want 4 (welcome, two failures, the reply)", n)
	}
	// The conversation carries on in the new process.
	text("15")
	if got := fake.Wait(t, 3, 10*time.Second)[2]; !strings.Contains(got.Body, "share your answers") {
		t.Fatalf("next reply: %q", got.Body)
	}
}
