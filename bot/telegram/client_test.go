package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

const clientTestToken = "123456:TEST-token_abc"

// loopbackOnly is a transport that refuses, and reports, any request to a
// host other than the loopback fakes, so no test can reach Telegram.
type loopbackOnly struct {
	mu   sync.Mutex
	seen []string
}

func (l *loopbackOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	l.mu.Lock()
	l.seen = append(l.seen, host)
	l.mu.Unlock()
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, errors.New("test transport: refusing non-loopback host " + host)
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (l *loopbackOnly) hosts() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.seen...)
}

// clientForTest returns a Client on a fresh fake, with the loopback-only
// transport.
func clientForTest(t *testing.T, timeout time.Duration) (*Client, *tgfake.Fake) {
	t.Helper()
	f := tgfake.New(t, clientTestToken)
	c, err := newClient(clientTestToken, f.URL(), timeout, &loopbackOnly{})
	if err != nil {
		t.Fatalf("newClient: %v", err)
	}
	return c, f
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *Error", err, err)
	}
	return e
}

func TestClientGetMeAtConstruction(t *testing.T) {
	c, f := clientForTest(t, time.Second)
	if n := len(f.Calls("getMe")); n != 1 {
		t.Errorf("getMe calls = %d, want 1", n)
	}
	name, err := c.Username(context.Background())
	if err != nil || name != tgfake.BotUsername {
		t.Errorf("Username = %q, %v", name, err)
	}
	if n := len(f.Calls("getMe")); n != 1 {
		t.Errorf("Username made a request: getMe calls = %d", n)
	}
}

func TestClientNeverDefaultsToTelegram(t *testing.T) {
	if _, err := NewClient(clientTestToken, "", time.Second); err == nil {
		t.Error("NewClient with no API URL: no error")
	}
	if _, err := NewClient("", "http://127.0.0.1:1", time.Second); err == nil {
		t.Error("NewClient with no token: no error")
	}
	// The test transport stops a request to the real API and reports it.
	guard := &loopbackOnly{}
	_, err := newClient(clientTestToken, "https://api.telegram.org", time.Second, guard)
	if err == nil {
		t.Fatal("construction against api.telegram.org through the guard succeeded")
	}
	if h := guard.hosts(); len(h) != 1 || h[0] != "api.telegram.org" {
		t.Errorf("guard saw %v", h)
	}
	if strings.Contains(err.Error(), clientTestToken) {
		t.Errorf("error leaks the token: %v", err)
	}
}

func TestClientWrongToken(t *testing.T) {
	f := tgfake.New(t, clientTestToken)
	_, err := newClient("999:other", f.URL(), time.Second, &loopbackOnly{})
	if e := asError(t, err); e.Code != 404 || e.Temporary || e.Blocked {
		t.Errorf("wrong token: %+v", e)
	}
}

func TestClientSendMessage(t *testing.T) {
	c, f := clientForTest(t, time.Second)
	ctx := context.Background()
	kb := &Keyboard{Rows: [][]Button{{{Text: "Yes", Data: "c|q|yes"}}, {{Text: "No", Data: "c|q|no"}}}}
	id1, err := c.SendMessage(ctx, 42, "Are you OK?", kb)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := c.SendMessage(ctx, 42, "plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	if id1 != 1 || id2 != 2 {
		t.Errorf("ids = %d, %d", id1, id2)
	}
	sent := f.Sent()
	if len(sent) != 2 {
		t.Fatalf("sent %d", len(sent))
	}
	want := [][]tgfake.Button{{{Text: "Yes", Data: "c|q|yes"}}, {{Text: "No", Data: "c|q|no"}}}
	if s := sent[0]; s.ChatID != 42 || s.Text != "Are you OK?" || !sameKeyboard(s.Keyboard, want) {
		t.Errorf("sent[0] = %+v", s)
	}
	if s := sent[1]; s.Keyboard != nil || f.Calls("sendMessage")[1].Params.Has("reply_markup") {
		t.Errorf("sent[1] has a keyboard: %+v", s)
	}
}

func sameKeyboard(a, b [][]tgfake.Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestClientAnswerAndEdit(t *testing.T) {
	c, f := clientForTest(t, time.Second)
	ctx := context.Background()
	if err := c.AnswerCallback(ctx, "cb-1", "Saved"); err != nil {
		t.Fatal(err)
	}
	if err := c.AnswerCallback(ctx, "cb-2", ""); err != nil {
		t.Fatal(err)
	}
	if a := f.Answers(); len(a) != 2 || a[0] != (tgfake.CallbackAnswer{ID: "cb-1", Text: "Saved"}) || a[1].Text != "" {
		t.Errorf("answers = %+v", a)
	}

	id, _ := c.SendMessage(ctx, 7, "q", &Keyboard{Rows: [][]Button{{{Text: "a", Data: "c|q|a"}}}})
	if err := c.EditKeyboard(ctx, 7, id, &Keyboard{Rows: [][]Button{{{Text: "☑ a", Data: "t|q|a"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.EditKeyboard(ctx, 7, id, nil); err != nil {
		t.Fatal(err)
	}
	e := f.Edits()
	if len(e) != 2 || e[0].MessageID != id || e[0].ChatID != 7 || e[0].Keyboard[0][0].Text != "☑ a" || e[1].Keyboard != nil {
		t.Errorf("edits = %+v", e)
	}
	// Removing again: Telegram says "message is not modified", a permanent 400.
	err := c.EditKeyboard(ctx, 7, id, nil)
	if ee := asError(t, err); ee.Code != 400 || ee.Temporary || !strings.Contains(ee.Message, "message is not modified") {
		t.Errorf("second removal: %+v", ee)
	}
}

func TestClientWebhookAndCommands(t *testing.T) {
	c, f := clientForTest(t, time.Second)
	ctx := context.Background()
	if err := c.SetWebhook(ctx, "https://signpost.example/telegram", "s3cret_tok-en", []string{"message", "callback_query"}); err != nil {
		t.Fatal(err)
	}
	u, secret, allowed := f.Webhook()
	if u != "https://signpost.example/telegram" || secret != "s3cret_tok-en" || strings.Join(allowed, ",") != "message,callback_query" {
		t.Errorf("webhook = %q %q %v", u, secret, allowed)
	}
	if p := f.Calls("setWebhook")[0].Params.Get("allowed_updates"); p != `["message","callback_query"]` {
		t.Errorf("allowed_updates sent as %q", p)
	}
	if err := c.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	if u, _, _ := f.Webhook(); u != "" {
		t.Errorf("webhook after delete = %q", u)
	}
	cmds := []Command{{Command: "start", Description: "Start again"}, {Command: "help", Description: "Get help now"}}
	if err := c.SetCommands(ctx, cmds); err != nil {
		t.Fatal(err)
	}
	if got := f.Commands(); len(got) != 2 || got[0] != (tgfake.Command{Command: "start", Description: "Start again"}) || got[1].Command != "help" {
		t.Errorf("commands = %+v", got)
	}
}

func TestClientGetUpdates(t *testing.T) {
	// A client timeout well under the long poll: the poll must not be cut.
	c, f := clientForTest(t, 300*time.Millisecond)
	ctx := context.Background()
	f.PushUpdate(tgfake.TextUpdate(9, 1, "hello"))
	f.PushUpdate(tgfake.CallbackUpdate(9, 1, "cb", "c|q|a"))

	ups, err := c.GetUpdates(ctx, 0, 10*time.Second, []string{"message", "callback_query"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 2 {
		t.Fatalf("got %d updates", len(ups))
	}
	var u struct {
		UpdateID      int `json:"update_id"`
		CallbackQuery struct {
			Data string `json:"data"`
		} `json:"callback_query"`
	}
	if err := json.Unmarshal(ups[1], &u); err != nil || u.UpdateID != 2 || u.CallbackQuery.Data != "c|q|a" {
		t.Errorf("update[1] = %s", ups[1])
	}
	p := f.Calls("getUpdates")[0].Params
	if p.Get("timeout") != "10" || p.Get("allowed_updates") != `["message","callback_query"]` || p.Has("offset") {
		t.Errorf("params = %v", p)
	}

	// Confirming both, then an empty long poll longer than the client's
	// timeout (the fake caps it at 1 s).
	start := time.Now()
	ups, err = c.GetUpdates(ctx, 3, 10*time.Second, nil)
	if err != nil {
		t.Fatalf("long poll: %v", err)
	}
	if len(ups) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Errorf("long poll returned %d after %v", len(ups), time.Since(start))
	}
	if f.Pending() != 0 {
		t.Errorf("pending = %d after confirming", f.Pending())
	}

	// A pushed update ends the poll early.
	go func() {
		time.Sleep(100 * time.Millisecond)
		f.PushUpdate(tgfake.TextUpdate(9, 2, "later"))
	}()
	ups, err = c.GetUpdates(ctx, 3, 10*time.Second, nil)
	if err != nil || len(ups) != 1 {
		t.Fatalf("woken poll: %d, %v", len(ups), err)
	}
}

func TestClientErrorClassification(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		fail  func(f *tgfake.Fake)
		check func(t *testing.T, e *Error)
	}{
		{"429 is temporary with retry_after", func(f *tgfake.Fake) { f.Fail429("sendMessage", 1, 7) }, func(t *testing.T, e *Error) {
			if e.Code != 429 || !e.Temporary || e.RetryAfter != 7*time.Second || e.Blocked {
				t.Errorf("%+v", e)
			}
		}},
		{"403 is blocked", func(f *tgfake.Fake) { f.FailBlocked("sendMessage", 1) }, func(t *testing.T, e *Error) {
			if e.Code != 403 || !e.Blocked || e.Temporary || e.Message != "Forbidden: bot was blocked by the user" {
				t.Errorf("%+v", e)
			}
		}},
		{"500 is temporary", func(f *tgfake.Fake) { f.Fail500("sendMessage", 1) }, func(t *testing.T, e *Error) {
			if e.Code != 500 || !e.Temporary || e.RetryAfter != 0 {
				t.Errorf("%+v", e)
			}
		}},
		{"502 is temporary", func(f *tgfake.Fake) { f.Fail("sendMessage", 1, 502, "Bad Gateway", 0) }, func(t *testing.T, e *Error) {
			if e.Code != 502 || !e.Temporary {
				t.Errorf("%+v", e)
			}
		}},
		{"400 is permanent", func(f *tgfake.Fake) { f.Fail("sendMessage", 1, 400, "Bad Request: chat not found", 0) }, func(t *testing.T, e *Error) {
			if e.Code != 400 || e.Temporary || e.Blocked {
				t.Errorf("%+v", e)
			}
		}},
		{"timeout is temporary", func(f *tgfake.Fake) { f.Delay("sendMessage", 3*time.Second) }, func(t *testing.T, e *Error) {
			if e.Code != 0 || !e.Temporary || strings.Contains(e.Message, clientTestToken) {
				t.Errorf("%+v", e)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, f := clientForTest(t, 300*time.Millisecond)
			tc.fail(f)
			start := time.Now()
			_, err := c.SendMessage(ctx, 1, "x", nil)
			if time.Since(start) > 2*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			tc.check(t, asError(t, err))
			// The next call succeeds: each fault is used once.
			f.Delay("sendMessage", 0)
			if _, err := c.SendMessage(ctx, 1, "x", nil); err != nil {
				t.Errorf("after the fault: %v", err)
			}
		})
	}
}

func TestClientOtherMethodsClassify(t *testing.T) {
	c, f := clientForTest(t, time.Second)
	ctx := context.Background()
	f.Fail("answerCallbackQuery", 1, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0)
	if e := asError(t, c.AnswerCallback(ctx, "old", "")); e.Code != 400 || e.Temporary {
		t.Errorf("answer: %+v", e)
	}
	f.Fail429("getUpdates", 1, 3)
	_, err := c.GetUpdates(ctx, 0, 0, nil)
	if e := asError(t, err); !e.Temporary || e.RetryAfter != 3*time.Second {
		t.Errorf("getUpdates: %+v", e)
	}
	f.Fail500("setWebhook", 1)
	if e := asError(t, c.SetWebhook(ctx, "https://x", "s", nil)); !e.Temporary {
		t.Errorf("setWebhook: %+v", e)
	}
	if e := asError(t, c.SetWebhook(ctx, "https://x", "not allowed!", nil)); e.Code != 400 || e.Temporary {
		t.Errorf("bad secret: %+v", e)
	}
}

func TestClientContextCancel(t *testing.T) {
	c, f := clientForTest(t, 5*time.Second)
	f.Delay("sendMessage", 3*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.SendMessage(ctx, 1, "x", nil)
	if time.Since(start) > time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	var e *Error
	if errors.As(err, &e) {
		t.Errorf("a cancelled call is a *Error: %+v", e)
	}

	// An already-ended context sends nothing.
	before := len(f.Calls("answerCallbackQuery"))
	if err := c.AnswerCallback(ctx, "cb", ""); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(f.Calls("answerCallbackQuery")); n != before {
		t.Errorf("a call was made with a cancelled context")
	}

	// A long poll is cancelled promptly too.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	start = time.Now()
	if _, err := c.GetUpdates(ctx2, 0, 30*time.Second, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("poll err = %v", err)
	}
	if time.Since(start) > 700*time.Millisecond {
		t.Errorf("poll cancel took %v", time.Since(start))
	}
}

func TestClientRedactsToken(t *testing.T) {
	c, _ := clientForTest(t, time.Second)
	// Point the library at a closed port: the network error names the URL.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c.bot.SetAPIEndpoint("http://" + addr + "/bot%s/%s")
	_, err = c.SendMessage(context.Background(), 1, "x", nil)
	e := asError(t, err)
	if !e.Temporary || e.Code != 0 {
		t.Errorf("network error: %+v", e)
	}
	if strings.Contains(e.Error(), clientTestToken) || !strings.Contains(e.Error(), "<token>") {
		t.Errorf("token not redacted: %v", e)
	}
}
