package web_test

// The web chat end to end, in process: the chat's handlers on an httptest
// server behind the real server wrapper, the engine on the built-in flows,
// the memory store with its outbox and transcript, the outbox dispatcher
// with the web Sender. The test client plays the page.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/bot/web"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
	"github.com/signpost-app/signpost/server"
	"github.com/signpost-app/signpost/store/memory"
)

const salt = "web-test-salt-0123456789"

var loadBuiltin = sync.OnceValues(func() (*flows.Set, error) {
	s, ps := flows.LoadFS(builtin.FS, flows.LoadOptions{})
	return s, ps.Err()
})

// harness is one Signpost web chat.
type harness struct {
	t    testing.TB
	st   *memory.Store
	eng  *bot.Engine
	chat *web.Chat
	reg  *prometheus.Registry
	url  string
}

// newHarness starts a chat; tune adjusts its options before it is built.
func newHarness(t testing.TB, tune func(*web.Options)) *harness {
	t.Helper()
	set, err := loadBuiltin()
	if err != nil {
		t.Fatalf("built-in flows: %v", err)
	}
	h := &harness{t: t, reg: prometheus.NewRegistry()}
	h.st = memory.New(memory.Options{Outbox: []string{bot.ChannelWeb}, Salt: salt})
	h.eng = bot.New(bot.Options{Flows: set, Store: h.st, Screener: safeguard.Default(),
		StartFlow: builtin.DefaultFlow, MinAge: 11, StopConfirmation: true, Salt: salt})

	var disp *outbox.Dispatcher
	o := web.Options{Engine: h.eng, Transcript: h.st, Salt: salt, Registry: h.reg,
		Wake: func() { disp.Wake() }, PollWait: 5 * time.Second, PollEvery: 20 * time.Millisecond}
	if tune != nil {
		tune(&o)
	}
	h.chat = web.New(o)
	disp = outbox.New(outbox.Options{Store: h.st, Every: 10 * time.Millisecond, Salt: salt,
		Senders: map[string]outbox.Sender{bot.ChannelWeb: &web.Sender{Transcript: h.st, Notify: h.chat.Notify}}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		disp.Run(ctx)
	}()

	srv := server.New(server.Options{Registry: h.reg})
	h.chat.Register(srv)
	ts := httptest.NewServer(srv.Handler())
	h.url = ts.URL
	t.Cleanup(func() {
		ts.Close()
		cancel()
		<-done
	})
	return h
}

// page is one browser tab: its cookies, as the browser would send them.
type page struct {
	h       *harness
	cookies map[string]*http.Cookie
	seq     int64
}

// open loads the chat page at path (like "/?s=oakwood") in a new browser
// and returns the tab and the response.
func (h *harness) open(path string, header ...string) (*page, *http.Response, string) {
	h.t.Helper()
	p := &page{h: h, cookies: map[string]*http.Cookie{}}
	resp, body := p.do(http.MethodGet, path, nil, header...)
	return p, resp, body
}

// do makes a request with the tab's cookies and headers (pairs of name,
// value), keeps any cookies set, and returns the response with its body.
func (p *page) do(method, path string, body []byte, header ...string) (*http.Response, string) {
	p.h.t.Helper()
	req, err := http.NewRequest(method, p.h.url+path, bytes.NewReader(body))
	if err != nil {
		p.h.t.Fatal(err)
	}
	for _, c := range p.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(p.cookies, c.Name)
		} else {
			p.cookies[c.Name] = c
		}
	}
	return resp, string(b)
}

// post sends v as the JSON body of a same-origin POST, as the page does.
func (p *page) post(path string, v any, header ...string) (*http.Response, string) {
	p.h.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		p.h.t.Fatal(err)
	}
	header = append([]string{"Content-Type", "application/json", "Sec-Fetch-Site", "same-origin",
		"Origin", p.h.url}, header...)
	return p.do(http.MethodPost, path, b, header...)
}

// say sends a typed message and fails unless it is accepted.
func (p *page) say(text string) {
	p.h.t.Helper()
	p.accepted(map[string]string{"text": text})
}

// accepted sends a message and fails unless it gets 202 {}.
func (p *page) accepted(msg map[string]string) {
	p.h.t.Helper()
	resp, body := p.post("/chat/send", msg)
	if resp.StatusCode != http.StatusAccepted || body != "{}" {
		p.h.t.Fatalf("send %v: %d %q", msg, resp.StatusCode, body)
	}
}

// poll asks for the replies after the last one seen (wait=0 answers at
// once) and moves past them.
func (p *page) poll(wait bool) []web.MessageView {
	p.h.t.Helper()
	path := "/chat/messages?after=" + itoa(p.seq)
	if !wait {
		path += "&wait=0"
	}
	resp, body := p.do(http.MethodGet, path, nil)
	if resp.StatusCode != http.StatusOK {
		p.h.t.Fatalf("GET %s: %d %q", path, resp.StatusCode, body)
	}
	var msgs []web.MessageView
	if err := json.Unmarshal([]byte(body), &msgs); err != nil {
		p.h.t.Fatalf("GET %s: %v in %q", path, err, body)
	}
	if msgs == nil {
		p.h.t.Fatalf("GET %s: %q is not a JSON array", path, body)
	}
	if n := len(msgs); n > 0 {
		p.seq = msgs[n-1].Seq
	}
	return msgs
}

// reply waits for the next replies and returns them, failing when none
// contains want.
func (p *page) reply(want string) []web.MessageView {
	p.h.t.Helper()
	var got []web.MessageView
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		got = append(got, p.poll(true)...)
		for _, m := range got {
			if strings.Contains(m.Text, want) {
				return got
			}
		}
	}
	p.h.t.Fatalf("no reply containing %q; got %+v", want, got)
	return nil
}

// id returns the tab's person id.
func (p *page) id() string {
	p.h.t.Helper()
	for _, name := range []string{web.CookieName, web.EmbedCookieName} {
		if c, ok := p.cookies[name]; ok {
			return c.Value
		}
	}
	p.h.t.Fatal("no person cookie")
	return ""
}

// metric returns the value of signpost_web_requests_total{route,result}.
func (h *harness) metric(route, result string) float64 {
	h.t.Helper()
	fams, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != "signpost_web_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["result"] == result {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// cookie returns the Set-Cookie named name in resp, or nil.
func cookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
