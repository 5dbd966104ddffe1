package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

// TestServeHandoffToTelegramGroup runs the binary with a fake Bot API (in
// polling mode) and a case-system webhook: a young person's referral on
// Telegram is posted to the link workers' group and signed to the
// webhook; a worker's Claim press tells the young person who has it and
// marks the post; the worker's reply in the group reaches the young
// person; the API says who has it and refuses a second claim.
func TestServeHandoffToTelegramGroup(t *testing.T) {
	const (
		token    = "123456:handoff-wire"
		group    = int64(-1009990001112)
		person   = int64(4242)
		secret   = "wire-webhook-secret"
		apiToken = "wire-api-token"
	)
	fake := tgfake.New(t, token)
	var mu sync.Mutex
	var hooks []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := handoff.Verify([]byte(secret), r.Header.Get(handoff.HeaderSignature), r.Header.Get(handoff.HeaderTimestamp), body, time.Now(), 0); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		hooks = append(hooks, r.Header.Get(handoff.HeaderIdempotency))
		mu.Unlock()
	}))
	defer hook.Close()
	addr := freeAddr(t)
	base := "http://" + addr
	var logs syncBuffer
	startServe(t, base, []string{"SIGNPOST_ADDR=" + addr, "TELEGRAM_BOT_TOKEN=" + token, "TELEGRAM_API_URL=" + fake.URL(),
		"TELEGRAM_MODE=polling", fmt.Sprintf("SIGNPOST_HANDOFF_TELEGRAM_CHAT=%d", group),
		"SIGNPOST_HANDOFF_WEBHOOK_URL=" + hook.URL, "SIGNPOST_HANDOFF_WEBHOOK_SECRET=" + secret,
		"SIGNPOST_API_TOKEN=" + apiToken}, &logs)

	for i, text := range []string{"hi", "yes", "15", "yep", "Sam", "2", "I want to find a job", "1, 8",
		"not in work, school or training", "text", "07700 900123", "after 4pm", "m1", "no", "no", "1"} {
		fake.PushUpdate(tgfake.TextUpdate(person, i+1, text))
	}
	var post tgfake.SentMessage
	waitFor(t, "the group post", &logs, func() bool {
		for _, m := range fake.Sent() {
			if m.ChatID == group && len(m.Keyboard) == 1 {
				post = m
				return true
			}
		}
		return false
	})
	id, _ := strings.CutPrefix(post.Keyboard[0][0].Data, handoff.ClaimData)
	waitFor(t, "the signed webhook", &logs, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(hooks) == 1 && hooks[0] == id+":referral"
	})
	// Telegram allows a message a second to one chat: wait for the young
	// person's replies so far before the claim's notice queues behind them.
	waitFor(t, "the last reply of the conversation", &logs, func() bool {
		for _, m := range fake.Sent() {
			if m.ChatID == person && strings.HasPrefix(m.Text, "Thank you, Sam") {
				return true
			}
		}
		return false
	})

	chat := map[string]any{"id": group, "type": "supergroup", "title": "Link workers"}
	botMsg := map[string]any{"message_id": post.MessageID, "date": time.Now().Unix(), "chat": chat, "text": "…",
		"from": map[string]any{"id": tgfake.BotID, "is_bot": true, "first_name": "Signpost"}}
	priya := map[string]any{"id": 777, "is_bot": false, "first_name": "Priya", "last_name": "Shah"}
	fake.PushUpdate(mustJSON(t, map[string]any{"callback_query": map[string]any{"id": "cb1", "from": priya,
		"chat_instance": "1", "data": handoff.ClaimData + id, "message": botMsg}}))
	waitSent(t, fake, "Priya from the link team has your referral", &logs)
	waitFor(t, "the post marked claimed", &logs, func() bool {
		text, kb, _ := fake.Message(post.MessageID)
		return strings.Contains(text, "Claimed by Priya") && kb == nil
	})

	fake.PushUpdate(mustJSON(t, map[string]any{"message": map[string]any{"message_id": 900, "date": time.Now().Unix(),
		"chat": chat, "from": priya, "text": "Hi Sam, I'll call after 4pm tomorrow.", "reply_to_message": botMsg}}))
	waitSent(t, fake, "Priya (link team):\nHi Sam, I'll call after 4pm tomorrow.", &logs)

	call := func(method, path, body, tok string) (int, map[string]any) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if code, _ := call(http.MethodGet, "/api/referrals/"+id, "", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", code)
	}
	if code, rec := call(http.MethodGet, "/api/referrals/"+id, "", apiToken); code != http.StatusOK || rec["assignee"] != "Priya Shah" {
		t.Errorf("read: %d %v", code, rec)
	}
	if code, out := call(http.MethodPost, "/api/referrals/"+id+"/claim", `{"worker":"Alex Brown"}`, apiToken); code != http.StatusConflict || out["assignee"] != "Priya" {
		t.Errorf("second claim: %d %v", code, out)
	}
	if strings.Contains(logs.String(), "Shah") || strings.Contains(logs.String(), "07700") {
		t.Errorf("personal data in the logs:\n%s", logs.String())
	}
}

func waitFor(t *testing.T, what string, logs *syncBuffer, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s\nlogs:\n%s", what, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
