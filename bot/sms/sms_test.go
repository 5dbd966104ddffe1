package sms_test

// The SMS channel end to end, in process: Twilio's side is a twiliofake
// (REST API and signed webhooks), our side is the real thing — webhooks on
// an httptest server, the engine on the built-in flows, the Redis store
// with its durable outbox, the twilio-go client, the Sender and the outbox
// dispatcher. Every test gets its own key prefix on one private
// redis-server (TestMain), its own fake and its own HTTP servers.

import (
	"context"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/bot/sms"
	"github.com/signpost-app/signpost/bot/sms/segment"
	"github.com/signpost-app/signpost/bot/sms/twilio"
	"github.com/signpost-app/signpost/bot/sms/twiliofake"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
	"github.com/signpost-app/signpost/server"
	redisstore "github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "authtoken0123456789abcdef"
	ourNumber  = twiliofake.ExampleNumber // TWILIO_FROM
	salt       = "sms-test-salt-0123456789"
	emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response/>`
)

// redisSrv is the package's private redis-server; tests keep apart by key
// prefix.
var redisSrv *redistest.Server

func TestMain(m *testing.M) {
	s, stop, err := redistest.StartMain(redistest.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	redisSrv = s
	code := m.Run()
	stop()
	os.Exit(code)
}

var loadBuiltin = sync.OnceValues(func() (*flows.Set, error) {
	s, ps := flows.LoadFS(builtin.FS, flows.LoadOptions{})
	return s, ps.Err()
})

// personSeq hands out phone numbers no other test uses.
var personSeq atomic.Int64

func newPerson() string { return fmt.Sprintf("+4477009%05d", personSeq.Add(1)%100000) }

func conv(addr string) string { return bot.ConversationKey(bot.ChannelSMS, addr) }

// opts tune a harness; the zero value is the production-like default.
type opts struct {
	noStopConfirmation bool
	keywords           map[string]string
	timeout            time.Duration // twilio.Config.Timeout; default 2 s
	perSecond          int           // Sender.PerSecond; default 1000 (no limiting to speak of)
	maxAttempts        int           // Dispatcher.MaxAttempts; default 8
	flows              bot.Flows     // default the built-in flows
	startFlow          string
	dispatchers        int  // dispatchers to run; default 1
	noDispatch         bool // run no dispatcher (start one later with runDispatcher)
}

// harness is one Signpost SMS channel against one fake Twilio.
type harness struct {
	t      testing.TB
	o      opts
	prefix string
	st     *redisstore.Store
	rec    *recStore
	eng    *bot.Engine
	reg    *prometheus.Registry
	fake   *twiliofake.Fake
	wire   *wire
	client *twilio.Client
	url    string // our public URL (the httptest server)
	wake   func()

	mu     sync.Mutex
	wakers []func() // wake the running dispatchers
	stops  []func() // stop the running dispatchers
}

func newHarness(t testing.TB, o opts) *harness {
	t.Helper()
	if o.timeout == 0 {
		o.timeout = 2 * time.Second
	}
	if o.perSecond == 0 {
		o.perSecond = 1000
	}
	if o.flows == nil {
		set, err := loadBuiltin()
		if err != nil {
			t.Fatalf("built-in flows: %v", err)
		}
		o.flows = set
	}
	if o.startFlow == "" {
		o.startFlow = builtin.DefaultFlow
	}
	h := &harness{t: t, o: o, prefix: redistest.NewPrefix(), reg: prometheus.NewRegistry()}
	h.st = h.newStore()
	h.rec = &recStore{Store: h.st}
	h.eng = bot.New(bot.Options{Flows: o.flows, Store: h.rec, Screener: safeguard.Default(),
		StartFlow: o.startFlow, MinAge: 11, StopConfirmation: !o.noStopConfirmation,
		Metrics: bot.NewMetrics(h.reg), Salt: salt})

	h.fake = twiliofake.New(t, accountSID, authToken)
	h.wire = newWire(t, h.fake.URL())

	srv := server.New(server.Options{Registry: h.reg})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	h.url = ts.URL
	var err error
	h.client, err = twilio.New(twilio.Config{AccountSID: accountSID, AuthToken: authToken, From: ourNumber,
		APIURL: h.wire.url, StatusCallback: h.url + "/webhooks/twilio/status", Timeout: o.timeout})
	if err != nil {
		t.Fatal(err)
	}
	h.wake = func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, w := range h.wakers {
			w()
		}
	}
	sms.NewWebhooks(sms.Options{Engine: h.eng, AuthToken: authToken, PublicURL: h.url, Keywords: o.keywords,
		Wake: h.wake, Salt: salt, Registry: h.reg}).Register(srv)
	t.Cleanup(h.stopDispatchers) // runs before the servers close
	if !o.noDispatch {
		h.runDispatcher(h.st, h.reg) // metrics from the first only
		for range o.dispatchers - 1 {
			h.runDispatcher(h.st, nil)
		}
	}
	return h
}

// newStore returns a new store client (as a new process would have) on
// the harness's Redis keys.
func (h *harness) newStore() *redisstore.Store {
	return redisstore.New(redisSrv.Client(h.t), redisstore.Options{Prefix: h.prefix, Salt: salt,
		Outbox: []string{bot.ChannelSMS}})
}

// newDispatcher returns a dispatcher on st sending through a new Sender.
func (h *harness) newDispatcher(st *redisstore.Store, reg prometheus.Registerer) *outbox.Dispatcher {
	sender := &sms.Sender{Client: h.client, From: ourNumber, PerSecond: h.o.perSecond}
	return outbox.New(outbox.Options{Store: st, Senders: map[string]outbox.Sender{bot.ChannelSMS: sender},
		Limiter: st.NewLimiter(), MaxAttempts: h.o.maxAttempts, Every: 20 * time.Millisecond,
		Salt: salt, Registry: reg})
}

// runDispatcher runs a dispatcher on st until the test ends (or
// stopDispatchers), woken by the webhooks.
func (h *harness) runDispatcher(st *redisstore.Store, reg prometheus.Registerer) {
	d := h.newDispatcher(st, reg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	h.mu.Lock()
	h.wakers = append(h.wakers, d.Wake)
	h.stops = append(h.stops, func() { cancel(); <-done })
	h.mu.Unlock()
}

// stopDispatchers stops every running dispatcher and waits for them.
func (h *harness) stopDispatchers() {
	h.mu.Lock()
	stops := h.stops
	h.stops, h.wakers = nil, nil
	h.mu.Unlock()
	for _, stop := range stops {
		stop()
	}
}

// post sends form to path with the given X-Twilio-Signature ("" for none)
// and returns the response with its body read.
func (h *harness) post(path string, form url.Values, sig string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// webhook posts form, signed as Twilio signs, to one of our webhooks.
func (h *harness) webhook(path string, form url.Values) (*http.Response, string) {
	h.t.Helper()
	resp := h.fake.Webhook(h.t, h.url+path, authToken, form)
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// inbound posts a signed inbound form and fails unless it got 200 with
// the empty TwiML.
func (h *harness) inbound(form url.Values) {
	h.t.Helper()
	resp, body := h.webhook("/webhooks/twilio", form)
	if resp.StatusCode != http.StatusOK || body != emptyTwiML {
		h.t.Fatalf("inbound %q from %s: %d %q", form.Get("Body"), form.Get("From"), resp.StatusCode, body)
	}
}

// text posts an inbound SMS with a new MessageSid.
func (h *harness) text(from, body string) {
	h.t.Helper()
	h.inbound(twiliofake.InboundForm(from, ourNumber, body, ""))
}

// to returns what the fake accepted for addr, oldest first.
func (h *harness) to(addr string) []twiliofake.Message {
	var out []twiliofake.Message
	for _, m := range h.fake.Sent() {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// wait waits until the fake accepted n messages for addr and returns them.
func (h *harness) wait(addr string, n int) []twiliofake.Message {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := h.to(addr)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%d messages to %s after 10s, want %d: %q", len(got), addr, n, bodies(got))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// expect texts body from addr and waits for one more reply to addr that
// contains every want; it returns that reply.
func (h *harness) expect(addr, body string, want ...string) twiliofake.Message {
	h.t.Helper()
	n := len(h.to(addr))
	h.text(addr, body)
	got := h.wait(addr, n+1)
	last := got[n]
	for _, w := range want {
		if !strings.Contains(strings.ToLower(last.Body), strings.ToLower(w)) {
			h.t.Fatalf("after %q: reply lacks %q:\n%s", body, w, last.Body)
		}
	}
	return last
}

// pending returns what waits in addr's outbox.
func (h *harness) pending(addr string) []bot.Outbound {
	h.t.Helper()
	p, err := h.st.Pending(context.Background(), conv(addr))
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

// waitRetry waits until addr's oldest reply failed attempts times and is
// scheduled for its retry (its hint moved from the lease's end to the
// retry time; until then a dead dispatcher would leave it for the lease).
func (h *harness) waitRetry(addr string, attempts int) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if p := h.pending(addr); len(p) > 0 && p[0].Attempts == attempts && h.scheduled(addr, 10*time.Second) {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("no retry scheduled after %d failed attempts: %+v", attempts, h.pending(addr))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// scheduled reports whether addr's outbox is due within d.
func (h *harness) scheduled(addr string, d time.Duration) bool {
	h.t.Helper()
	hints, err := h.st.Due(context.Background(), time.Now().Add(d), 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	return slices.ContainsFunc(hints, func(x outbox.Hint) bool { return x.Person == bot.HashID(salt, conv(addr)) })
}

// quiesce waits until addr's outbox is empty: everything queued for addr
// was sent or dropped.
func (h *harness) quiesce(addr string) {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(h.pending(addr)) > 0 {
		if time.Now().After(deadline) {
			h.t.Fatalf("outbox of %s not empty after 15s: %+v", addr, h.pending(addr))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// silent checks that nothing is queued for addr and, after a moment,
// that the fake got nothing more than before.
func (h *harness) silent(addr string, before int) {
	h.t.Helper()
	if p := h.pending(addr); len(p) > 0 {
		// Give the dispatcher the chance to prove the point with a send.
		h.quiesce(addr)
	}
	time.Sleep(100 * time.Millisecond)
	if got := h.to(addr); len(got) != before {
		h.t.Fatalf("%d messages to %s, want %d (nothing more): %q", len(got), addr, before, bodies(got[min(before, len(got)):]))
	}
}

func (h *harness) optedOut(addr string) bool {
	h.t.Helper()
	out, err := h.st.OptedOut(context.Background(), conv(addr))
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

func (h *harness) session(addr string) *bot.Session {
	h.t.Helper()
	s, err := h.st.Session(context.Background(), conv(addr))
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// metric returns the value of the counter name with exactly labels in the
// harness's registry (0 when absent).
func (h *harness) metric(name string, labels map[string]string) float64 {
	h.t.Helper()
	fams, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

func bodies(ms []twiliofake.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Body
	}
	return out
}

// recStore records, per person, the order in which the engine committed
// turns and the replies each turn queued: the order the messages were
// handled in.
type recStore struct {
	bot.Store
	mu      sync.Mutex
	handled map[string][]handledTurn
}

type handledTurn struct {
	in      string   // the message's text
	replies []string // the replies, as SMS renders them
}

func (r *recStore) Commit(ctx context.Context, t *bot.Turn) (*bot.Turn, error) {
	// Recorded before the commit, while the turn still holds the person's
	// lock, so the record's order is the commit order.
	ht := handledTurn{in: t.Msg.Text}
	for _, o := range t.Outbound {
		ht.replies = append(ht.replies, o.Plain())
	}
	r.mu.Lock()
	if r.handled == nil {
		r.handled = map[string][]handledTurn{}
	}
	r.handled[t.Msg.Address] = append(r.handled[t.Msg.Address], ht)
	r.mu.Unlock()
	return r.Store.Commit(ctx, t)
}

func (r *recStore) turns(addr string) []handledTurn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.handled[addr])
}

// wire sits between our Twilio client and the fake, as the network does:
// it records every request (when, to whom, what, the answer's status) and
// how many requests are in flight at once, per recipient and in all.
type wire struct {
	url   string
	proxy *httputil.ReverseProxy

	mu       sync.Mutex
	inflight map[string]int
	maxTo    map[string]int
	cur, all int // in flight now; most in flight at once
	reqs     []wireReq
}

type wireReq struct {
	at     time.Time
	to     string
	body   string
	status int
}

func newWire(t testing.TB, target string) *wire {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	w := &wire{inflight: map[string]int{}, maxTo: map[string]int{},
		proxy: &httputil.ReverseProxy{
			Rewrite:  func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = u.Host },
			ErrorLog: log.New(io.Discard, "", 0), // a client that gave up is no news
		}}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(raw)))
	form, _ := url.ParseQuery(string(raw))
	to := form.Get("To")
	w.mu.Lock()
	w.inflight[to]++
	w.cur++
	w.maxTo[to] = max(w.maxTo[to], w.inflight[to])
	w.all = max(w.all, w.cur)
	i := len(w.reqs)
	w.reqs = append(w.reqs, wireReq{at: time.Now(), to: to, body: form.Get("Body")})
	w.mu.Unlock()
	sw := &statusWriter{ResponseWriter: rw}
	w.proxy.ServeHTTP(sw, r)
	w.mu.Lock()
	w.inflight[to]--
	w.cur--
	w.reqs[i].status = sw.status
	w.mu.Unlock()
}

// requests returns the requests made for to, oldest first.
func (w *wire) requests(to string) []wireReq {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []wireReq
	for _, r := range w.reqs {
		if r.to == to {
			out = append(out, r)
		}
	}
	return out
}

// concurrency returns the most requests ever in flight at once for to, and
// for everyone.
func (w *wire) concurrency(to string) (perTo, all int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.maxTo[to], w.all
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// sizesFlow is a tiny flow whose first question is one short GSM-7
// segment and whose answers lead to replies of chosen sizes.
func sizesFlow(t testing.TB, two, ucs, long string) bot.Flows {
	t.Helper()
	src := fmt.Sprintf(`flow: sizes
version: 1
start: pick
steps:
  pick:
    ask: "Which size?"
    answer:
      type: choice
      options:
        - {id: two, text: "Two"}
        - {id: ucs, text: "Ucs"}
        - {id: long, text: "Long"}
    next: {two: two, ucs: ucs, long: long}
  two:
    say: %q
    end: true
  ucs:
    say: %q
    end: true
  long:
    say: %q
    end: true
`, two, ucs, long)
	set, ps := flows.LoadFS(fstest.MapFS{"sizes.yaml": {Data: []byte(src)}}, flows.LoadOptions{})
	if err := ps.Err(); err != nil {
		t.Fatalf("sizes flow: %v", err)
	}
	return set
}

// --- 1. Signatures -------------------------------------------------------

func TestSignature(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{})
	addr := newPerson()
	form := twiliofake.InboundForm(addr, ourNumber, "hi", "")
	target := h.url + "/webhooks/twilio"

	for _, c := range []struct{ name, sig string }{
		{"missing", ""},
		{"wrong token", twiliofake.Sign("wrongtoken0123456789", target, form)},
		{"garbage", "bm90IGEgc2lnbmF0dXJl"},
		{"another URL", twiliofake.Sign(authToken, "https://signpost.example.org/webhooks/twilio", form)},
		{"another path", twiliofake.Sign(authToken, h.url+"/webhooks/twilio/status", form)},
		{"another body", twiliofake.Sign(authToken, target, twiliofake.InboundForm(addr, ourNumber, "yes", form.Get("MessageSid")))},
	} {
		resp, body := h.post("/webhooks/twilio", form, c.sig)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s signature: status %d %q, want 403", c.name, resp.StatusCode, body)
		}
	}
	// Nothing was processed: no session, no dedupe mark, no outbox, nothing sent.
	if s := h.session(addr); s != nil {
		t.Fatalf("a session after 403s: %+v", s)
	}
	if p := h.pending(addr); len(p) != 0 {
		t.Fatalf("replies queued after 403s: %+v", p)
	}
	time.Sleep(100 * time.Millisecond)
	if n := h.fake.Attempts(); n != 0 {
		t.Fatalf("%d requests reached Twilio after 403s", n)
	}
	if got := h.metric("signpost_sms_inbound_total", map[string]string{"result": "bad_signature"}); got != 6 {
		t.Errorf("signpost_sms_inbound_total{result=bad_signature} = %v, want 6", got)
	}

	// The same message (same MessageSid), signed properly, is handled: the
	// refused attempts left no dedupe mark.
	resp, body := h.post("/webhooks/twilio", form, twiliofake.Sign(authToken, target, form))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("valid signature: status %d %q", resp.StatusCode, body)
	}
	if body != emptyTwiML {
		t.Errorf("body = %q, want %q", body, emptyTwiML)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "text/xml" {
		t.Errorf("Content-Type = %q, want text/xml", resp.Header.Get("Content-Type"))
	}
	h.wait(addr, 1)
	if s := h.session(addr); s == nil {
		t.Fatal("no session after a valid webhook")
	}

	// The status callback checks signatures too.
	st := twiliofake.StatusForm("SM0123", "delivered", "")
	if resp, _ := h.post("/webhooks/twilio/status", st, ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned status callback: %d, want 403", resp.StatusCode)
	}
}

// --- 2. The default flow by SMS ---------------------------------------------

// happyPath walks the default flow to the referral: each message and a
// piece of the reply it must get (the next question).
var happyPath = builtin.HappyPath

func TestDefaultFlowBySMS(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{})
	addr := newPerson()
	for _, s := range happyPath {
		m := h.expect(addr, s.Say, s.Want)
		if m.To != addr || m.From != ourNumber || m.MessagingServiceSID != "" || m.Username != accountSID {
			t.Fatalf("after %q: sent To %q From %q service %q as %q", s.Say, m.To, m.From, m.MessagingServiceSID, m.Username)
		}
		if m.StatusCallback != h.url+"/webhooks/twilio/status" {
			t.Fatalf("StatusCallback = %q, want %q", m.StatusCallback, h.url+"/webhooks/twilio/status")
		}
		if utf8.RuneCountInString(m.Body) > segment.MaxBody {
			t.Fatalf("a body of %d characters", utf8.RuneCountInString(m.Body))
		}
	}
	sent := h.to(addr)
	if len(sent) != len(happyPath) {
		t.Fatalf("%d replies for %d messages: %q", len(sent), len(happyPath), bodies(sent))
	}
	// Choices are a numbered list that the answer parser accepts.
	heard := sent[4].Body
	for _, want := range []string{"\n\n1. School\n2. College or uni\n", "8. Somewhere else", "Reply with a number."} {
		if !strings.Contains(heard, want) {
			t.Errorf("the heard question lacks %q:\n%s", want, heard)
		}
	}
	if support := sent[6].Body; !strings.Contains(support, "1. Feeling low, worried or stressed") ||
		!strings.Contains(support, "Reply with the numbers, like 1, 3.") {
		t.Errorf("the support question (several choices):\n%s", support)
	}
	s := h.session(addr)
	if s == nil || s.Status != bot.StatusHandedOff || s.Referral == "" {
		t.Fatalf("session after the flow = %+v", s)
	}
	refs, err := h.st.Referrals(context.Background(), conv(addr))
	if err != nil || len(refs) != 1 || refs[0].Kind != bot.KindReferral || !strings.Contains(refs[0].Summary, "College or uni") {
		t.Fatalf("referrals = %+v, %v", refs, err)
	}
}

// --- 3. Dedupe -------------------------------------------------------------

func TestTwilioRetriesAreDeduplicated(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{})

	// One after another, as Twilio retries a webhook it thinks failed.
	a := newPerson()
	form := twiliofake.InboundForm(a, ourNumber, "hi", "")
	for range 3 {
		h.inbound(form)
	}
	h.quiesce(a)
	time.Sleep(50 * time.Millisecond)
	if got := h.to(a); len(got) != 1 {
		t.Fatalf("%d replies to one message posted 3 times: %q", len(got), bodies(got))
	}

	// At once.
	b := newPerson()
	form = twiliofake.InboundForm(b, ourNumber, "hi", "")
	var wg sync.WaitGroup
	codes := make([]int, 3)
	for i := range 3 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, h.url+"/webhooks/twilio", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", twiliofake.Sign(authToken, h.url+"/webhooks/twilio", form))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	if !slices.Equal(codes, []int{200, 200, 200}) {
		t.Fatalf("statuses %v, want 200 each", codes)
	}
	h.quiesce(b)
	time.Sleep(50 * time.Millisecond)
	if got := h.to(b); len(got) != 1 {
		t.Fatalf("%d replies to one message posted 3 times at once: %q", len(got), bodies(got))
	}
	if turns := h.rec.turns(b); len(turns) != 1 {
		t.Fatalf("the engine handled %d turns, want 1", len(turns))
	}
}

// --- 4. Media --------------------------------------------------------------

func TestMedia(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{})
	addr := newPerson()
	h.expect(addr, "hi", "not an emergency service")

	// A photo with no words.
	h.inbound(twiliofake.InboundForm(addr, ourNumber, "", "", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"))
	got := h.wait(addr, 2)[1].Body
	if !strings.Contains(got, "only read text") || !strings.Contains(got, "Is it OK if I ask you a few questions?") {
		t.Fatalf("reply to a picture:\n%s", got)
	}
	// A photo with words: the words are the answer.
	h.inbound(twiliofake.InboundForm(addr, ourNumber, "yes", "", "https://example.org/me.png"))
	if got := h.wait(addr, 3)[2].Body; !strings.Contains(got, "How old") {
		t.Fatalf("reply to a picture with \"yes\":\n%s", got)
	}
	h.inbound(twiliofake.InboundForm(addr, ourNumber, "15", "", "https://example.org/a.jpg", "https://example.org/b.gif"))
	if got := h.wait(addr, 4)[3].Body; !strings.Contains(got, "share your answers") {
		t.Fatalf("reply to two pictures with \"15\":\n%s", got)
	}
	if s := h.session(addr); s == nil || s.Answer("age").Raw != "15" {
		t.Fatalf("session = %+v", s)
	}
}

// --- 5. Long and broken bodies ---------------------------------------------

func TestLongAndInvalidBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{})
	addr := newPerson()
	for _, s := range happyPath[:6] { // to the story question (free text)
		h.expect(addr, s.Say, s.Want)
	}
	long := strings.Repeat("I have a lot to say about this. ", 60) // 1,920 characters
	if utf8.RuneCountInString(long) < 1600 {
		t.Fatal("the long body is too short")
	}
	m := h.expect(addr, long, "lot to read", "under 1000 characters", "what matters to you")
	if h.session(addr).Step != "story" {
		t.Fatalf("moved on after a too-long answer: %s", m.Body)
	}

	h.expect(addr, "\xff\xfe\xfd\x80", "strange characters", "what matters to you")
	h.expect(addr, "   ", "didn't get any words", "what matters to you")
	// Valid words among broken bytes still count.
	h.expect(addr, "I want a job\xff", "help with")
	if got := h.session(addr).Answer("story").Raw; got != "I want a job" {
		t.Errorf("story saved as %q", got)
	}
}

// --- 6. STOP, START, HELP ----------------------------------------------------

func TestStopStartHelp(t *testing.T) {
	t.Parallel()

	t.Run("stop then start", func(t *testing.T) {
		h := newHarness(t, opts{})
		addr := newPerson()
		h.expect(addr, "hi", "not an emergency service")
		h.expect(addr, "STOP", "won't get any more messages", "START")
		if !h.optedOut(addr) {
			t.Fatal("not opted out after STOP")
		}
		h.text(addr, "hi")
		h.text(addr, "15")
		h.silent(addr, 2)
		h.expect(addr, "START", "Welcome back", "Is it OK if I ask you a few questions?")
		if h.optedOut(addr) {
			t.Fatal("still opted out after START")
		}
		h.expect(addr, "yes", "How old")
	})

	t.Run("help", func(t *testing.T) {
		h := newHarness(t, opts{})
		addr := newPerson()
		h.expect(addr, "hi", "not an emergency service")
		h.expect(addr, "yes", "How old")
		h.expect(addr, "help", "999", "85258", "0800 1111", "116 123", "not an emergency service", "How old")
	})

	t.Run("every stop word, any case, whole message", func(t *testing.T) {
		h := newHarness(t, opts{})
		for _, word := range []string{"STOP", "stopall", "Unsubscribe", "CANCEL", "end", "QuIt", "stop."} {
			addr := newPerson()
			h.expect(addr, "hi", "not an emergency service")
			h.expect(addr, word, "won't get any more messages")
			if !h.optedOut(addr) {
				t.Fatalf("%q did not opt out", word)
			}
		}
		// Inside a sentence it is not a stop word.
		addr := newPerson()
		h.expect(addr, "hi", "not an emergency service")
		h.expect(addr, "please don't stop", "Is it OK if I ask you a few questions?")
		if h.optedOut(addr) {
			t.Fatal("opted out by a sentence containing stop")
		}
	})

	t.Run("yes answers a question when not opted out", func(t *testing.T) {
		h := newHarness(t, opts{})
		addr := newPerson()
		h.expect(addr, "hi", "not an emergency service")
		m := h.expect(addr, "YES", "How old")
		if strings.Contains(m.Body, "Welcome back") {
			t.Fatalf("YES treated as a re-subscribe:\n%s", m.Body)
		}
	})

	t.Run("yes re-subscribes when opted out", func(t *testing.T) {
		h := newHarness(t, opts{})
		addr := newPerson()
		h.expect(addr, "hi", "not an emergency service")
		h.expect(addr, "yes", "How old")
		h.expect(addr, "stop", "won't get any more messages")
		h.expect(addr, "YES", "Welcome back", "How old")
		if h.optedOut(addr) {
			t.Fatal("still opted out after YES")
		}
		h.expect(addr, "15", "share your answers")
	})

	t.Run("Twilio Advanced Opt-Out answered STOP itself", func(t *testing.T) {
		h := newHarness(t, opts{})
		addr := newPerson()
		h.expect(addr, "hi", "not an emergency service")
		form := twiliofake.InboundForm(addr, ourNumber, "STOP", "")
		form.Set("OptOutType", "STOP")
		h.inbound(form)
		if !h.optedOut(addr) {
			t.Fatal("not opted out after STOP with OptOutType=STOP")
		}
		h.silent(addr, 1)
		h.text(addr, "hello?")
		h.silent(addr, 1)
		form = twiliofake.InboundForm(addr, ourNumber, "START", "")
		form.Set("OptOutType", "START")
		h.inbound(form)
		if h.optedOut(addr) {
			t.Fatal("still opted out after START with OptOutType=START")
		}
		// Twilio said "welcome back"; we only ask the question again.
		got := h.wait(addr, 2)[1].Body
		if strings.Contains(got, "Welcome back") || !strings.Contains(got, "Is it OK if I ask you a few questions?") {
			t.Fatalf("after START with OptOutType:\n%s", got)
		}
	})
}

func TestStopWithoutConfirmation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{noStopConfirmation: true})
	addr := newPerson()
	h.expect(addr, "hi", "not an emergency service")
	h.text(addr, "STOP")
	if !h.optedOut(addr) {
		t.Fatal("not opted out")
	}
	h.silent(addr, 1)
	h.text(addr, "hi")
	h.silent(addr, 1)
	m := h.expect(addr, "START", "Is it OK if I ask you a few questions?")
	if strings.Contains(m.Body, "Welcome back") {
		t.Fatalf("START confirmed with StopConfirmation off:\n%s", m.Body)
	}
}

// --- 7. Faults at Twilio ---------------------------------------------------

func TestTwilioFaults(t *testing.T) {
	t.Parallel()

	t.Run("429 with Retry-After", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, opts{})
		addr := newPerson()
		h.fake.FailRateLimit(1, "1")
		h.text(addr, "hi")
		h.wait(addr, 1)
		h.quiesce(addr)
		reqs := h.wire.requests(addr)
		if len(reqs) != 2 || reqs[0].status != http.StatusTooManyRequests || reqs[1].status != http.StatusCreated {
			t.Fatalf("requests %+v, want a 429 then a 201", reqs)
		}
		if gap := reqs[1].at.Sub(reqs[0].at); gap < time.Second {
			t.Fatalf("retried %v after a 429 with Retry-After: 1", gap)
		}
		if got := h.to(addr); len(got) != 1 {
			t.Fatalf("%d messages, want 1", len(got))
		}
	})

	t.Run("500 then backoff", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, opts{})
		addr := newPerson()
		h.fake.FailServerError(2)
		h.text(addr, "hi")
		h.wait(addr, 1)
		h.quiesce(addr)
		reqs := h.wire.requests(addr)
		if len(reqs) != 3 || reqs[0].status != 500 || reqs[1].status != 500 || reqs[2].status != 201 {
			t.Fatalf("requests %+v, want 500, 500, 201", reqs)
		}
		// backoff: about 1 s then 2 s, with jitter down to half.
		if g1, g2 := reqs[1].at.Sub(reqs[0].at), reqs[2].at.Sub(reqs[1].at); g1 < 450*time.Millisecond || g2 < 950*time.Millisecond {
			t.Fatalf("retried after %v and %v: no backoff", g1, g2)
		}
		if got := h.to(addr); len(got) != 1 {
			t.Fatalf("%d messages, want 1", len(got))
		}
	})

	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, opts{timeout: 300 * time.Millisecond})
		addr := newPerson()
		h.fake.Delay(1, 3*time.Second)
		start := time.Now()
		h.text(addr, "hi")
		h.wait(addr, 1)
		h.quiesce(addr)
		if took := time.Since(start); took > 2500*time.Millisecond {
			t.Fatalf("delivered after %v: the client did not give up at its 300ms timeout", took)
		}
		if reqs := h.wire.requests(addr); len(reqs) != 2 {
			t.Fatalf("%d requests, want 2 (a timeout, then the retry)", len(reqs))
		}
		time.Sleep(100 * time.Millisecond)
		if got := h.to(addr); len(got) != 1 {
			t.Fatalf("%d messages, want 1", len(got))
		}
	})

	t.Run("21610 opts the person out", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, opts{})
		addr := newPerson()
		h.fake.FailUnsubscribed(1)
		h.text(addr, "hi")
		h.quiesce(addr)
		if !h.optedOut(addr) {
			t.Fatal("not opted out after Twilio's 21610")
		}
		time.Sleep(100 * time.Millisecond)
		if reqs := h.wire.requests(addr); len(reqs) != 1 {
			t.Fatalf("%d requests after a 21610, want 1 (never retried)", len(reqs))
		}
		h.text(addr, "hi")
		h.text(addr, "hello?")
		h.silent(addr, 0)
		if reqs := h.wire.requests(addr); len(reqs) != 1 {
			t.Fatalf("%d requests, want 1: later messages were sent", len(reqs))
		}
		if got := h.metric("signpost_outbound_total", map[string]string{"channel": "sms", "result": "opted_out"}); got != 1 {
			t.Errorf("signpost_outbound_total{result=opted_out} = %v, want 1", got)
		}
	})

	t.Run("21211 is dropped", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, opts{})
		addr := newPerson()
		h.fake.FailInvalidTo(1)
		h.text(addr, "hi")
		h.quiesce(addr)
		time.Sleep(100 * time.Millisecond)
		if reqs := h.wire.requests(addr); len(reqs) != 1 || reqs[0].status != 400 {
			t.Fatalf("requests %+v, want one 400 (never retried)", reqs)
		}
		if h.optedOut(addr) {
			t.Fatal("opted out by a 21211")
		}
		if got := h.metric("signpost_outbound_total", map[string]string{"channel": "sms", "result": "dropped"}); got != 1 {
			t.Errorf("signpost_outbound_total{result=dropped} = %v, want 1", got)
		}
		// The next reply goes out as normal.
		h.expect(addr, "yes", "How old")
	})

	t.Run("at most MaxAttempts", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, opts{maxAttempts: 3})
		addr := newPerson()
		h.fake.FailRateLimit(10, "1")
		h.text(addr, "hi")
		h.quiesce(addr)
		time.Sleep(1200 * time.Millisecond) // past when a 4th attempt would come
		if reqs := h.wire.requests(addr); len(reqs) != 3 {
			t.Fatalf("%d attempts, want MaxAttempts = 3", len(reqs))
		}
		if got := h.to(addr); len(got) != 0 {
			t.Fatalf("%d messages accepted", len(got))
		}
		if got := h.metric("signpost_outbound_total", map[string]string{"channel": "sms", "result": "retry"}); got != 2 {
			t.Errorf("signpost_outbound_total{result=retry} = %v, want 2", got)
		}
	})
}

// --- 8. Status callbacks -----------------------------------------------------

func TestStatusCallback(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{})
	addr := newPerson()
	h.expect(addr, "hi", "not an emergency service")
	sid := h.to(addr)[0].SID

	form := twiliofake.StatusForm(sid, "undelivered", "30003")
	form.Set("To", addr)
	resp, _ := h.webhook("/webhooks/twilio/status", form)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status callback: %d, want 204", resp.StatusCode)
	}
	labels := map[string]string{"status": "undelivered", "error_code": "30003"}
	if got := h.metric("signpost_sms_status_total", labels); got != 1 {
		t.Fatalf("signpost_sms_status_total%v = %v, want 1", labels, got)
	}
	if h.optedOut(addr) {
		t.Fatal("opted out by a 30003")
	}

	delivered := twiliofake.StatusForm(sid, "delivered", "")
	delivered.Set("To", addr)
	if resp, _ := h.webhook("/webhooks/twilio/status", delivered); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delivered callback: %d", resp.StatusCode)
	}
	if got := h.metric("signpost_sms_status_total", map[string]string{"status": "delivered", "error_code": ""}); got != 1 {
		t.Errorf("delivered counted %v times, want 1", got)
	}

	// Unsigned: refused, not counted.
	if resp, _ := h.post("/webhooks/twilio/status", form, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned status callback: %d, want 403", resp.StatusCode)
	}
	if got := h.metric("signpost_sms_status_total", labels); got != 1 {
		t.Fatalf("an unsigned callback was counted: %v", got)
	}

	// 21610: the person unsubscribed at Twilio.
	failed := twiliofake.StatusForm(sid, "failed", "21610")
	failed.Set("To", addr)
	if resp, _ := h.webhook("/webhooks/twilio/status", failed); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("21610 callback: %d", resp.StatusCode)
	}
	if !h.optedOut(addr) {
		t.Fatal("not opted out after a 21610 status callback")
	}
	h.text(addr, "hello")
	h.silent(addr, 1)
}

// --- 9. Ordering -------------------------------------------------------------

func TestOrdering(t *testing.T) {
	t.Parallel()

	t.Run("sequential", func(t *testing.T) {
		h := newHarness(t, opts{})
		addr := newPerson()
		h.text(addr, "hi")
		h.wait(addr, 1)
		h.text(addr, "yes")
		h.text(addr, "15")
		got := h.wait(addr, 3)
		for i, want := range []string{"not an emergency service", "How old", "share your answers"} {
			if !strings.Contains(got[i].Body, want) {
				t.Fatalf("reply %d lacks %q; replies in order: %q", i, want, bodies(got))
			}
		}
	})

	t.Run("concurrent, several dispatchers", func(t *testing.T) {
		h := newHarness(t, opts{noDispatch: true})
		a, b := newPerson(), newPerson()
		for _, p := range []string{a, b} {
			h.text(p, "hi")
		}
		// Three messages each, posted at once.
		var wg sync.WaitGroup
		for _, p := range []string{a, b} {
			for _, msg := range []string{"yes", "15", "yep"} {
				wg.Go(func() { h.text(p, msg) })
			}
		}
		wg.Wait()
		// Slow sends, so that the dispatchers overlap.
		h.fake.Delay(8, 60*time.Millisecond)
		for range 3 {
			h.runDispatcher(h.st, nil)
		}
		for _, p := range []string{a, b} {
			got := bodies(h.wait(p, 4))
			var want []string
			for _, turn := range h.rec.turns(p) {
				want = append(want, turn.replies...)
			}
			if len(want) != 4 || !slices.Equal(got, want) {
				t.Fatalf("%s got, in order:\n%q\nthe engine handled, in order:\n%q", p, got, want)
			}
			perTo, _ := h.wire.concurrency(p)
			if perTo != 1 {
				t.Fatalf("%d sends to %s in flight at once, want 1", perTo, p)
			}
		}
		if _, all := h.wire.concurrency(""); all < 2 {
			t.Errorf("the dispatchers never sent concurrently (max %d in flight): the per-person check proves little", all)
		}
	})

	t.Run("concurrent, dispatcher running", func(t *testing.T) {
		h := newHarness(t, opts{dispatchers: 2})
		addr := newPerson()
		h.text(addr, "hi")
		h.wait(addr, 1)
		var wg sync.WaitGroup
		for _, msg := range []string{"yes", "15", "yep"} {
			wg.Go(func() { h.text(addr, msg) })
		}
		wg.Wait()
		got := bodies(h.wait(addr, 4))
		var want []string
		for _, turn := range h.rec.turns(addr) {
			want = append(want, turn.replies...)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("got, in order:\n%q\nthe engine handled, in order:\n%q", got, want)
		}
		if perTo, _ := h.wire.concurrency(addr); perTo != 1 {
			t.Fatalf("%d sends to one person in flight at once", perTo)
		}
	})
}

// --- 10. Restart with replies queued -------------------------------------------

func TestRestartDeliversQueuedRepliesOnce(t *testing.T) {
	t.Parallel()

	t.Run("no dispatcher running", func(t *testing.T) {
		h := newHarness(t, opts{noDispatch: true})
		addr := newPerson()
		h.text(addr, "hi")
		if p := h.pending(addr); len(p) != 1 {
			t.Fatalf("%d replies queued, want 1", len(p))
		}
		time.Sleep(100 * time.Millisecond)
		if h.fake.Attempts() != 0 {
			t.Fatal("sent with no dispatcher running")
		}
		// A new process: a new store client and dispatcher on the same Redis.
		h.runDispatcher(h.newStore(), nil)
		h.wait(addr, 1)
		h.quiesce(addr)
		time.Sleep(100 * time.Millisecond)
		if got := h.to(addr); len(got) != 1 || !strings.Contains(got[0].Body, "not an emergency service") {
			t.Fatalf("after the restart: %q", bodies(got))
		}
	})

	t.Run("after a failed send", func(t *testing.T) {
		h := newHarness(t, opts{})
		addr := newPerson()
		h.fake.FailServerError(1)
		h.text(addr, "hi")
		h.waitRetry(addr, 1)
		h.stopDispatchers() // the process dies
		if got := h.to(addr); len(got) != 0 {
			t.Fatalf("sent before the restart: %q", bodies(got))
		}
		h.runDispatcher(h.newStore(), nil)
		h.wait(addr, 1)
		h.quiesce(addr)
		time.Sleep(100 * time.Millisecond)
		if got := h.to(addr); len(got) != 1 {
			t.Fatalf("%d messages after the restart, want 1", len(got))
		}
	})
}

// --- 11. Rate limit ----------------------------------------------------------

func TestRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{perSecond: 2, noDispatch: true,
		flows: sizesFlow(t, "two", "ucs", "long"), startFlow: "sizes"})
	var people []string
	for range 6 {
		p := newPerson()
		people = append(people, p)
		h.text(p, "hi")
		q := h.pending(p)
		if len(q) != 1 {
			t.Fatalf("%d replies queued, want 1", len(q))
		}
		if n, _ := segment.Count(q[0].Plain()); n != 1 {
			t.Fatalf("the question is %d segments, want 1: %q", n, q[0].Plain())
		}
	}
	start := time.Now()
	h.runDispatcher(h.st, h.reg)
	for _, p := range people {
		h.wait(p, 1)
	}
	took := time.Since(start)
	if took < 1500*time.Millisecond {
		t.Fatalf("6 one-segment messages at 2 per second took %v, want about 2s", took)
	}
	if took > 6*time.Second {
		t.Fatalf("6 one-segment messages at 2 per second took %v", took)
	}
	time.Sleep(100 * time.Millisecond)
	for _, p := range people {
		if got := h.to(p); len(got) != 1 {
			t.Fatalf("%d messages to %s, want 1", len(got), p)
		}
	}
	if h.fake.Attempts() != 6 {
		t.Fatalf("%d requests for 6 messages: the limiter should hold messages back, not let Twilio refuse them", h.fake.Attempts())
	}
}

// --- 12. Segments --------------------------------------------------------------

func TestSegments(t *testing.T) {
	t.Parallel()
	two := strings.Repeat("Plain GSM text, two segments. ", 7)[:200]
	two = strings.TrimSpace(two)
	ucs := "Привет! Это сообщение на русском языке, и оно не помещается в GSM-7. Ещё немного текста 🙂"
	var words []string
	for i := range 400 {
		words = append(words, fmt.Sprintf("word%d", i))
	}
	long := strings.Join(words, " ") + ". " + strings.Join(words[:100], " ") // well over 1,600 characters
	h := newHarness(t, opts{flows: sizesFlow(t, two, ucs, long), startFlow: "sizes"})

	if n, enc := segment.Count(two); n != 2 || enc != segment.GSM7 {
		t.Fatalf("two: %d %v", n, enc)
	}
	if n, enc := segment.Count(ucs); n != 2 || enc != segment.UCS2 {
		t.Fatalf("ucs: %d %v", n, enc)
	}
	if utf8.RuneCountInString(long) <= 2*segment.MaxBody {
		t.Fatalf("long is %d characters", utf8.RuneCountInString(long))
	}

	a := newPerson()
	h.expect(a, "hi", "Which size?", "1. Two")
	if got := h.expect(a, "1").Body; got != two {
		t.Fatalf("2-segment reply sent as %q, want %q", got, two)
	}

	b := newPerson()
	h.expect(b, "hi", "Which size?")
	if got := h.expect(b, "2").Body; got != ucs {
		t.Fatalf("UCS-2 reply sent as %q, want %q", got, ucs)
	}

	c := newPerson()
	h.expect(c, "hi", "Which size?")
	h.text(c, "3")
	h.quiesce(c)
	parts := bodies(h.to(c)[1:])
	if len(parts) < 3 {
		t.Fatalf("a %d-character reply sent as %d messages", utf8.RuneCountInString(long), len(parts))
	}
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > segment.MaxBody || n == 0 {
			t.Fatalf("part %d has %d characters", i, n)
		}
	}
	// Cut at word boundaries, in order, nothing lost: the parts joined
	// with spaces have exactly the original's words.
	if got := strings.Fields(strings.Join(parts, " ")); !slices.Equal(got, strings.Fields(long)) {
		t.Fatalf("the parts do not make up the reply at word boundaries:\n%q", parts)
	}
	if len(h.wire.requests(c)) != 1+len(parts) {
		t.Fatalf("%d requests for %d parts", len(h.wire.requests(c))-1, len(parts))
	}
}

// --- 13. School keywords -------------------------------------------------------

func TestSchoolKeyword(t *testing.T) {
	t.Parallel()
	h := newHarness(t, opts{keywords: map[string]string{"OAKWOOD": "oakwood"}})
	addr := newPerson()
	h.expect(addr, "HI OAKWOOD", "not an emergency service")
	if s := h.session(addr); s == nil || s.Source != "oakwood" {
		t.Fatalf("session = %+v, want source oakwood", s)
	}
	h.expect(addr, "yes", "How old")
	h.expect(addr, "15", "share your answers")
	h.expect(addr, "yep", "call you")
	m := h.expect(addr, "Sam", "what matters to you")
	if strings.Contains(m.Body, "hear about") {
		t.Fatalf("asked where they heard about us:\n%s", m.Body)
	}
	if s := h.session(addr); s.Source != "oakwood" || s.Step != "story" {
		t.Fatalf("session = %+v", s)
	}

	// Without the keyword, the question is asked.
	other := newPerson()
	for _, s := range happyPath[:5] {
		h.expect(other, s.Say, s.Want)
	}
	if s := h.session(other); s.Source != "" {
		t.Fatalf("source %q without a keyword", s.Source)
	}
}

// Crisis signposting goes before replies already queued, even while an
// earlier reply is waiting to be retried.
func TestUrgentCrisisMessageGoesFirst(t *testing.T) {
	h := newHarness(t, opts{})
	addr := newPerson()
	h.fake.FailServerError(1)
	h.text(addr, "hi")
	h.waitRetry(addr, 1)
	h.text(addr, "sometimes i want to end it all")
	if got := h.wait(addr, 2); !strings.Contains(got[0].Body, "85258") {
		t.Fatalf("crisis message not first: %q", bodies(got))
	}
}
