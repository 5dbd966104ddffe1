package inbox_test

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/inbox"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
	"github.com/signpost-app/signpost/server"
	"github.com/signpost-app/signpost/store/memory"
	redisstore "github.com/signpost-app/signpost/store/redis"
)

// The tests run the inbox on the real engine and the memory store, with
// the built-in flow walked to real referrals, through a real HTTP server.

var (
	_ inbox.Referrals = (*memory.Store)(nil)
	_ inbox.Referrals = (*redisstore.Store)(nil)
)

const (
	testSalt = "inbox-test-salt"
	// The link workers. The young people are called other names, so a
	// log line that names them is caught.
	priya, priyaPW = "Priya Shah", "priya's long passphrase"
	alex, alexPW   = "Alex Kim", "alex's long passphrase"
)

// users have cheap hashes, so the tests are quick.
var users = func() []inbox.User {
	hash := func(pw string) string {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			panic(err)
		}
		return string(h)
	}
	return []inbox.User{{Name: priya, PasswordHash: hash(priyaPW)}, {Name: alex, PasswordHash: hash(alexPW)}}
}()

var loadFlows = sync.OnceValues(func() (*flows.Set, error) {
	s, ps := flows.LoadFS(builtin.FS, flows.LoadOptions{})
	return s, ps.Err()
})

// clock is the rig's time: the engine's, the claims' and the inbox's.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log lines from the server's goroutines.
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

// rig is an inbox with its store, engine and server.
type rig struct {
	st     *memory.Store
	eng    *bot.Engine
	claims *handoff.Claims
	clock  *clock
	logs   *syncBuffer
	srv    *httptest.Server
	made   chan bot.Handoff
	seq    int
}

func newRig(t *testing.T, mod func(*inbox.Options)) *rig {
	t.Helper()
	set, err := loadFlows()
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{clock: &clock{t: time.Date(2025, 6, 3, 9, 0, 0, 0, time.UTC)}, logs: &syncBuffer{},
		made: make(chan bot.Handoff, 100)}
	log := slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.st = memory.New(memory.Options{Salt: testSalt, Outbox: []string{bot.ChannelSMS, bot.ChannelTelegram}})
	r.eng = bot.New(bot.Options{Flows: set, Store: r.st, Screener: safeguard.Default(), StartFlow: builtin.DefaultFlow,
		MinAge: 11, StopConfirmation: true, Salt: testSalt, Now: r.clock.Now, Logger: log,
		OnHandoff: func(h bot.Handoff) { r.made <- h }})
	r.claims = &handoff.Claims{Records: r.st, Engine: r.eng, Escalations: r.st.Escalations(), Logger: log, Now: r.clock.Now}
	o := inbox.Options{Referrals: r.st, Claims: r.claims, Users: users, Key: []byte("inbox-test-key"),
		Logger: log, Salt: testSalt, Now: r.clock.Now}
	if mod != nil {
		mod(&o)
	}
	srv := server.New(server.Options{Logger: log})
	inbox.New(o).Register(srv)
	r.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(r.srv.Close)
	return r
}

// say sends the young person's texts, one by one.
func (r *rig) say(t *testing.T, channel, addr, source string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		r.seq++
		in := bot.Inbound{Channel: channel, Address: addr, Text: text, Source: source, ID: fmt.Sprintf("m%d", r.seq)}
		if _, err := r.eng.Handle(t.Context(), in); err != nil {
			t.Fatalf("handling %q: %v", text, err)
		}
	}
}

// refer walks a young person called name through the built-in flow to a
// referral, by SMS from addr, tagged with source when it is not "".
func (r *rig) refer(t *testing.T, addr, name, source string) bot.Handoff {
	t.Helper()
	path := []string{"hi", "yes", "15", "yep", name}
	if source == "" {
		path = append(path, "2") // where they heard of us: asked only without a source
	}
	path = append(path, "I want to find a job and I feel stuck at home", "1, 8", "not in work, school or training",
		"text", "07700 900123", "after 4pm, no voicemail", "m1", "no", "no", "1")
	r.say(t, bot.ChannelSMS, addr, source, path...)
	return r.next(t, bot.KindReferral)
}

// alert is a safeguarding alert from a young person at addr who has not
// given a name yet.
func (r *rig) alert(t *testing.T, addr string) bot.Handoff {
	t.Helper()
	r.say(t, bot.ChannelSMS, addr, "", "hi", "yes", "sometimes I want to kill myself")
	return r.next(t, bot.KindAlert)
}

// next is the next handoff the engine made, which must be of kind.
func (r *rig) next(t *testing.T, kind string) bot.Handoff {
	t.Helper()
	select {
	case h := <-r.made:
		if h.Kind != kind {
			t.Fatalf("handoff %s is a %s, want a %s", h.ID, h.Kind, kind)
		}
		return h
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s made", kind)
	}
	return bot.Handoff{}
}

// record loads a record from the store.
func (r *rig) record(t *testing.T, id string) *bot.Handoff {
	t.Helper()
	h, err := r.st.Referral(t.Context(), id)
	if err != nil || h == nil {
		t.Fatalf("record %s: %v %v", id, h, err)
	}
	return h
}

// pending are the texts waiting in the outbox of the young person at addr
// on SMS that contain want.
func (r *rig) pending(t *testing.T, addr, want string) []string {
	t.Helper()
	out, err := r.st.Pending(t.Context(), bot.ConversationKey(bot.ChannelSMS, addr))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range out {
		if strings.Contains(o.Text, want) {
			got = append(got, o.Text)
		}
	}
	return got
}

// browser is one link worker's browser: it keeps cookies and does not
// follow redirects, so the tests see them.
type browser struct {
	t    *testing.T
	r    *rig
	c    *http.Client
	head http.Header // sent with every request
}

func (r *rig) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, r: r, head: http.Header{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response with its body read.
type page struct {
	*http.Response
	Body string
}

func (b *browser) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.r.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range b.head {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return page{resp, string(raw)}
}

func (b *browser) get(path string) page { b.t.Helper(); return b.do(http.MethodGet, path, nil) }
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	return b.do(http.MethodPost, path, form)
}

// signIn signs in and checks it worked.
func (b *browser) signIn(name, password string) {
	b.t.Helper()
	p := b.post("/inbox/login", url.Values{"username": {name}, "password": {password}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/inbox" {
		b.t.Fatalf("signing in as %s: %d %s %q", name, p.StatusCode, p.Header.Get("Location"), p.Body)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token in the forms of the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	p := b.get(path)
	m := csrfField.FindStringSubmatch(p.Body)
	if m == nil {
		b.t.Fatalf("no csrf token on %s (%d)", path, p.StatusCode)
	}
	return html.UnescapeString(m[1])
}

// act posts an action form of the referral's page with its token and
// the page's nonce, and checks it redirected back to the page.
func (b *browser) act(id, action string, form url.Values) page {
	b.t.Helper()
	path := "/inbox/r/" + id
	p := b.get(path)
	if m := csrfField.FindStringSubmatch(p.Body); m != nil {
		form.Set("csrf", html.UnescapeString(m[1]))
	}
	if m := nonceField.FindStringSubmatch(p.Body); m != nil && !form.Has("nonce") {
		form.Set("nonce", m[1])
	}
	res := b.post(path+"/"+action, form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
		b.t.Fatalf("%s %s: %d %q %q", action, id, res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	return res
}

var nonceField = regexp.MustCompile(`name="nonce" value="([^"]+)"`)

var flashText = regexp.MustCompile(`(?s)<div class="flash (flash-ok|flash-error)" role="(status|alert)">(.*?)</div>`)

// flash is the flash message on the referral's page: its class and text.
func (b *browser) flash(id string) (class, text string) {
	b.t.Helper()
	m := flashText.FindStringSubmatch(b.get("/inbox/r/" + id).Body)
	if m == nil {
		return "", ""
	}
	return m[1], html.UnescapeString(m[3])
}

var rowID = regexp.MustCompile(`<tr class="referral[^"]*" data-id="([^"]+)"`)

// rows are the ids of the list's rows, in order.
func (b *browser) rows() []string {
	b.t.Helper()
	p := b.get("/inbox")
	if p.StatusCode != http.StatusOK {
		b.t.Fatalf("list: %d", p.StatusCode)
	}
	var ids []string
	for _, m := range rowID.FindAllStringSubmatch(p.Body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// row is the list row of id, as HTML.
func (b *browser) row(id string) string {
	b.t.Helper()
	body := b.get("/inbox").Body
	i := strings.Index(body, `data-id="`+id+`"`)
	if i < 0 {
		b.t.Fatalf("no row for %s", id)
	}
	end := strings.Index(body[i:], "</tr>")
	return body[i : i+end]
}

// cookie is the Set-Cookie of name in resp.
func cookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
