package tgfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const token = "123:abc"

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func post(t *testing.T, f *Fake, tok, method string, form url.Values) (int, answer) {
	t.Helper()
	resp, err := http.PostForm(f.URL()+"/bot"+tok+"/"+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, a
}

func TestWrongTokenIs404(t *testing.T) {
	f := New(t, token)
	for _, tok := range []string{"999:zzz", ""} {
		status, a := post(t, f, tok, "getMe", nil)
		if status != 404 || a.OK || a.ErrorCode != 404 || a.Description != "Not Found" {
			t.Errorf("token %q: got %d %+v", tok, status, a)
		}
	}
	if status, _ := post(t, f, token, "noSuchMethod", nil); status != 404 {
		t.Errorf("unknown method: got %d", status)
	}
}

func TestGetMe(t *testing.T) {
	f := New(t, token)
	_, a := post(t, f, token, "getMe", nil)
	var u struct {
		IsBot    bool   `json:"is_bot"`
		Username string `json:"username"`
	}
	if err := json.Unmarshal(a.Result, &u); err != nil || !u.IsBot || u.Username != "SignpostTestBot" {
		t.Fatalf("getMe: %s", a.Result)
	}
}

func TestSendMessageFormAndJSON(t *testing.T) {
	f := New(t, token)
	kb := `{"inline_keyboard":[[{"text":"Yes","callback_data":"c|q|yes"}]]}`
	_, a := post(t, f, token, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"hi"}, "reply_markup": {kb}})
	var m struct {
		MessageID int `json:"message_id"`
		Chat      struct {
			ID   int64  `json:"id"`
			Type string `json:"type"`
		} `json:"chat"`
		Date        int64           `json:"date"`
		Text        string          `json:"text"`
		ReplyMarkup json.RawMessage `json:"reply_markup"`
	}
	if err := json.Unmarshal(a.Result, &m); err != nil {
		t.Fatal(err)
	}
	if m.MessageID != 1 || m.Chat.ID != 42 || m.Chat.Type != "private" || m.Date == 0 || m.Text != "hi" || len(m.ReplyMarkup) == 0 {
		t.Errorf("message: %s", a.Result)
	}

	body := `{"chat_id":43,"text":"json"}`
	resp, err := http.Post(f.URL()+"/bot"+token+"/sendMessage", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	sent := f.Sent()
	if len(sent) != 2 {
		t.Fatalf("sent %d, want 2", len(sent))
	}
	if s := sent[0]; s.ChatID != 42 || s.Text != "hi" || s.MessageID != 1 || len(s.Keyboard) != 1 || s.Keyboard[0][0] != (Button{"Yes", "c|q|yes"}) {
		t.Errorf("sent[0] = %+v", s)
	}
	if s := sent[1]; s.ChatID != 43 || s.Text != "json" || s.MessageID != 2 || s.Keyboard != nil {
		t.Errorf("sent[1] = %+v", s)
	}
}

func TestSendMessageLimits(t *testing.T) {
	f := New(t, token)
	long := strings.Repeat("😀", 2049) // 4,098 UTF-16 units
	for name, form := range map[string]url.Values{
		"too long":   {"chat_id": {"1"}, "text": {long}},
		"empty":      {"chat_id": {"1"}},
		"no chat":    {"text": {"x"}},
		"bad button": {"chat_id": {"1"}, "text": {"x"}, "reply_markup": {`{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("x", 65) + `"}]]}`}},
	} {
		if status, a := post(t, f, token, "sendMessage", form); status != 400 || a.OK {
			t.Errorf("%s: got %d %+v", name, status, a)
		}
	}
	if status, _ := post(t, f, token, "sendMessage", url.Values{"chat_id": {"1"}, "text": {strings.Repeat("😀", 2048)}}); status != 200 {
		t.Errorf("4,096 units: got %d", status)
	}
}

func TestFaultsInOrder(t *testing.T) {
	f := New(t, token)
	f.Fail429("sendMessage", 1, 7)
	f.FailBlocked("sendMessage", 2)
	form := url.Values{"chat_id": {"1"}, "text": {"x"}}
	status, a := post(t, f, token, "sendMessage", form)
	if status != 429 || a.ErrorCode != 429 || a.Parameters == nil || a.Parameters.RetryAfter != 7 {
		t.Errorf("429: got %d %+v", status, a)
	}
	for range 2 {
		status, a = post(t, f, token, "sendMessage", form)
		if status != 403 || a.Description != "Forbidden: bot was blocked by the user" || a.Parameters != nil {
			t.Errorf("403: got %d %+v", status, a)
		}
	}
	if status, _ = post(t, f, token, "sendMessage", form); status != 200 {
		t.Errorf("after faults: got %d", status)
	}
	if n := len(f.Calls("sendMessage")); n != 4 {
		t.Errorf("calls = %d, want 4", n)
	}
	if n := f.Succeeded("sendMessage"); n != 1 {
		t.Errorf("succeeded = %d, want 1", n)
	}
	if s := f.Sent(); len(s) != 1 || s[0].MessageID != 1 {
		t.Errorf("sent = %+v", s)
	}
}

func TestEditsAnswersWebhookCommands(t *testing.T) {
	f := New(t, token)
	post(t, f, token, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"q"}, "reply_markup": {`{"inline_keyboard":[[{"text":"a","callback_data":"c|q|a"}]]}`}})
	if status, _ := post(t, f, token, "editMessageReplyMarkup", url.Values{"chat_id": {"5"}, "message_id": {"1"}}); status != 200 {
		t.Errorf("edit: %d", status)
	}
	if status, a := post(t, f, token, "editMessageReplyMarkup", url.Values{"chat_id": {"5"}, "message_id": {"1"}}); status != 400 || !strings.Contains(a.Description, "message is not modified") {
		t.Errorf("second edit: %d %+v", status, a)
	}
	if e := f.Edits(); len(e) != 1 || e[0].ChatID != 5 || e[0].MessageID != 1 || e[0].Keyboard != nil {
		t.Errorf("edits = %+v", e)
	}

	post(t, f, token, "answerCallbackQuery", url.Values{"callback_query_id": {"cb1"}, "text": {"Saved"}})
	if a := f.Answers(); len(a) != 1 || a[0] != (CallbackAnswer{"cb1", "Saved"}) {
		t.Errorf("answers = %+v", a)
	}

	post(t, f, token, "setWebhook", url.Values{"url": {"https://x/tg"}, "secret_token": {"s3cr-t_"}, "allowed_updates": {`["message","callback_query"]`}})
	if u, s, al := f.Webhook(); u != "https://x/tg" || s != "s3cr-t_" || len(al) != 2 {
		t.Errorf("webhook = %q %q %v", u, s, al)
	}
	if status, _ := post(t, f, token, "setWebhook", url.Values{"url": {"https://x/tg"}, "secret_token": {"bad secret!"}}); status != 400 {
		t.Errorf("bad secret: %d", status)
	}
	if status, _ := post(t, f, token, "getUpdates", nil); status != 409 {
		t.Errorf("getUpdates with webhook: %d", status)
	}
	post(t, f, token, "deleteWebhook", nil)
	if u, _, _ := f.Webhook(); u != "" {
		t.Errorf("webhook after delete = %q", u)
	}

	post(t, f, token, "setMyCommands", url.Values{"commands": {`[{"command":"start","description":"Begin"}]`}})
	if c := f.Commands(); len(c) != 1 || c[0] != (Command{"start", "Begin"}) {
		t.Errorf("commands = %+v", c)
	}
}

func TestGetUpdates(t *testing.T) {
	f := New(t, token)
	id1 := f.PushUpdate(TextUpdate(9, 1, "hello"))
	id2 := f.PushUpdate(`{"update_id":10,"message":{"message_id":2,"chat":{"id":9,"type":"private"},"date":1,"text":"x"}}`)
	id3 := f.PushUpdate(CallbackUpdate(9, 2, "cb", "c|q|a"))
	if id1 != 1 || id2 != 10 || id3 != 11 {
		t.Fatalf("ids = %d %d %d", id1, id2, id3)
	}
	ids := func(a answer) []int {
		var us []struct {
			UpdateID int `json:"update_id"`
		}
		if err := json.Unmarshal(a.Result, &us); err != nil {
			t.Fatal(err)
		}
		var out []int
		for _, u := range us {
			out = append(out, u.UpdateID)
		}
		return out
	}
	if _, a := post(t, f, token, "getUpdates", url.Values{"limit": {"2"}}); len(ids(a)) != 2 || ids(a)[1] != 10 {
		t.Errorf("limit 2: %s", a.Result)
	}
	if _, a := post(t, f, token, "getUpdates", url.Values{"offset": {"10"}}); len(ids(a)) != 2 || ids(a)[0] != 10 {
		t.Errorf("offset 10: %s", a.Result)
	}
	// offset 10 confirmed update 1: it is gone even without an offset.
	if _, a := post(t, f, token, "getUpdates", nil); len(ids(a)) != 2 {
		t.Errorf("after confirm: %s", a.Result)
	}
	start := time.Now()
	_, a := post(t, f, token, "getUpdates", url.Values{"offset": {"12"}, "timeout": {"30"}})
	if len(ids(a)) != 0 || time.Since(start) < 900*time.Millisecond || time.Since(start) > 3*time.Second {
		t.Errorf("empty long poll: %s after %v", a.Result, time.Since(start))
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		f.PushUpdate(TextUpdate(9, 3, "later"))
	}()
	start = time.Now()
	_, a = post(t, f, token, "getUpdates", url.Values{"offset": {"12"}, "timeout": {"30"}})
	if got := ids(a); len(got) != 1 || got[0] != 12 || time.Since(start) > 900*time.Millisecond {
		t.Errorf("long poll woken: %v after %v", got, time.Since(start))
	}
	if f.Pending() != 1 {
		t.Errorf("pending = %d", f.Pending())
	}
	f.Wait(t, "getUpdates", 5, time.Second)
}

func TestMaxInFlight(t *testing.T) {
	f := New(t, token)
	f.Delay("sendMessage", 100*time.Millisecond)
	done := make(chan struct{})
	for range 3 {
		go func() {
			defer func() { done <- struct{}{} }()
			resp, err := http.PostForm(f.URL()+"/bot"+token+"/sendMessage", url.Values{"chat_id": {"77"}, "text": {"x"}})
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	f.Wait(t, "sendMessage", 3, 2*time.Second)
	for range 3 {
		<-done
	}
	if n := f.MaxInFlight(77); n < 2 {
		t.Errorf("max in flight = %d, want ≥ 2", n)
	}
	if n := f.MaxInFlight(78); n != 0 {
		t.Errorf("other chat = %d", n)
	}
}
