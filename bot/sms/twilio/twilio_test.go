package twilio_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/sms/twilio"
	"github.com/signpost-app/signpost/bot/sms/twiliofake"
)

const (
	account = "AC0123456789abcdef0123456789abcdef"
	token   = "secrettoken0123456789"
	from    = "+447700900000"
	to      = "+447700900123"
	service = "MG0123456789abcdef0123456789abcdef"
)

// setup starts a fake and a Client pointed at it; edit changes the config.
func setup(t *testing.T, edit func(*twilio.Config)) (*twilio.Client, *twiliofake.Fake) {
	t.Helper()
	f := twiliofake.New(t, account, token)
	cfg := twilio.Config{
		AccountSID:     account,
		AuthToken:      token,
		From:           from,
		APIURL:         f.URL(),
		StatusCallback: "https://signpost.example.org/sms/status",
		Timeout:        2 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := twilio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

// sendErr sends and returns the *twilio.Error it must fail with.
func sendErr(t *testing.T, c *twilio.Client) *twilio.Error {
	t.Helper()
	sid, err := c.Send(context.Background(), to, "Hello")
	var e *twilio.Error
	if !errors.As(err, &e) {
		t.Fatalf("Send = %q, %v; want a *twilio.Error", sid, err)
	}
	return e
}

func TestSendFrom(t *testing.T) {
	c, f := setup(t, nil)
	sid, err := c.Send(context.Background(), to, "Hello ✓")
	if err != nil {
		t.Fatal(err)
	}
	sent := f.Sent()
	if len(sent) != 1 {
		t.Fatalf("fake accepted %d messages, want 1", len(sent))
	}
	m := sent[0]
	if m.SID != sid || m.To != to || m.From != from || m.MessagingServiceSID != "" || m.Body != "Hello ✓" ||
		m.StatusCallback != "https://signpost.example.org/sms/status" || m.Username != account {
		t.Errorf("fake got %+v, Send returned %q", m, sid)
	}
	if f.Attempts() != 1 {
		t.Errorf("Attempts() = %d, want 1 (no retries)", f.Attempts())
	}
}

func TestSendMessagingService(t *testing.T) {
	c, f := setup(t, func(c *twilio.Config) { c.From, c.MessagingServiceSID, c.StatusCallback = "", service, "" })
	if _, err := c.Send(context.Background(), to, "Hello"); err != nil {
		t.Fatal(err)
	}
	m := f.Sent()[0]
	if m.MessagingServiceSID != service || m.From != "" || m.StatusCallback != "" {
		t.Errorf("fake got %+v", m)
	}
	if _, ok := m.Form["StatusCallback"]; ok {
		t.Error("StatusCallback sent though not configured")
	}
}

// TestHostRewrite shows requests reach TWILIO_API_URL, with any path prefix,
// even when twilio-go's TWILIO_EDGE and TWILIO_REGION would change the host.
func TestHostRewrite(t *testing.T) {
	t.Setenv("TWILIO_EDGE", "dublin")
	t.Setenv("TWILIO_REGION", "ie1")
	f := twiliofake.New(t, account, token)
	var paths []string
	var mu sync.Mutex
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Host+" "+r.URL.Path)
		mu.Unlock()
		r.URL.Path = strings.TrimPrefix(r.URL.Path, "/twilio")
		resp, err := http.DefaultTransport.RoundTrip(rewriteTo(r, f.URL()))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = fmt.Fprint(w, readAll(resp))
	}))
	defer proxy.Close()

	c, err := twilio.New(twilio.Config{AccountSID: account, AuthToken: token, From: from, APIURL: proxy.URL + "/twilio/"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(context.Background(), to, "Hello"); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimPrefix(proxy.URL, "http://") + " /twilio/2010-04-01/Accounts/" + account + "/Messages.json"
	if !slices.Equal(paths, []string{want}) {
		t.Errorf("requests = %q, want [%q]", paths, want)
	}
	if len(f.Sent()) != 1 {
		t.Errorf("fake accepted %d messages, want 1", len(f.Sent()))
	}
}

func TestRateLimited(t *testing.T) {
	c, f := setup(t, nil)
	f.FailRateLimit(1, "3")
	e := sendErr(t, c)
	if !e.Temporary || e.OptedOut || e.RetryAfter != 3*time.Second || e.Status != 429 || e.Code != 20429 {
		t.Errorf("error = %+v, want temporary 429/20429 retry after 3s", e)
	}
	if _, err := c.Send(context.Background(), to, "Hello"); err != nil {
		t.Errorf("send after the fault: %v", err)
	}
}

func TestRateLimitedUntilDate(t *testing.T) {
	c, f := setup(t, nil)
	f.FailRateLimit(1, time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
	e := sendErr(t, c)
	if !e.Temporary || e.RetryAfter < 85*time.Second || e.RetryAfter > 91*time.Second {
		t.Errorf("error = %+v, want temporary, retry after about 90s", e)
	}
}

func TestServerError(t *testing.T) {
	c, f := setup(t, nil)
	f.FailServerError(1)
	e := sendErr(t, c)
	if !e.Temporary || e.OptedOut || e.Status != 500 || e.Code != 20500 || e.RetryAfter != 0 {
		t.Errorf("error = %+v, want temporary 500/20500", e)
	}
}

// TestUndecodableError: a proxy's HTML 502 is still classified by status.
func TestUndecodableError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = fmt.Fprint(w, "<html><body>Bad Gateway</body></html>")
	}))
	defer srv.Close()
	c, err := twilio.New(twilio.Config{AccountSID: account, AuthToken: token, From: from, APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	e := sendErr(t, c)
	if !e.Temporary || e.Status != 502 || e.Code != 0 || e.RetryAfter != 7*time.Second {
		t.Errorf("error = %+v, want temporary 502 retry after 7s", e)
	}
}

func TestTimeout(t *testing.T) {
	c, f := setup(t, func(c *twilio.Config) { c.Timeout = 200 * time.Millisecond })
	f.Delay(1, 3*time.Second)
	start := time.Now()
	e := sendErr(t, c)
	elapsed := time.Since(start)
	if !e.Temporary || e.Status != 0 || e.OptedOut {
		t.Errorf("error = %+v, want temporary with no status", e)
	}
	if elapsed < 200*time.Millisecond || elapsed > time.Second {
		t.Errorf("Send returned after %v, want about 200ms", elapsed)
	}
	if len(f.Sent()) != 0 {
		t.Errorf("fake accepted %d messages, want 0", len(f.Sent()))
	}
}

func TestContextCancel(t *testing.T) {
	c, f := setup(t, func(c *twilio.Config) { c.Timeout = 5 * time.Second })
	f.Delay(1, 3*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Send(ctx, to, "Hello")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Send returned after %v, want about 100ms", d)
	}

	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := c.Send(cancelled, to, "Hello"); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v, want context.Canceled", err)
	}
	if f.Attempts() != 1 {
		t.Errorf("Attempts() = %d, want 1 (a cancelled context sends nothing)", f.Attempts())
	}
}

func TestPermanentErrors(t *testing.T) {
	tests := []struct {
		name     string
		fault    func(*twiliofake.Fake)
		token    string
		status   int
		code     int
		optedOut bool
	}{
		{"unsubscribed", func(f *twiliofake.Fake) { f.FailUnsubscribed(1) }, token, 400, 21610, true},
		{"invalid To", func(f *twiliofake.Fake) { f.FailInvalidTo(1) }, token, 400, 21211, false},
		{"wrong token", func(*twiliofake.Fake) {}, "wrongtoken", 401, 20003, false},
		{"forbidden", func(f *twiliofake.Fake) { f.Fail(1, 403, 20403, "") }, token, 403, 20403, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := setup(t, func(c *twilio.Config) { c.AuthToken = tt.token })
			tt.fault(f)
			e := sendErr(t, c)
			if e.Temporary || e.OptedOut != tt.optedOut || e.Status != tt.status || e.Code != tt.code || e.Message == "" {
				t.Errorf("error = %+v, want permanent %d/%d opted out %v", e, tt.status, tt.code, tt.optedOut)
			}
			if strings.Contains(e.Error(), to) {
				t.Errorf("Error() %q contains the phone number", e.Error())
			}
			if f.Attempts() != 1 {
				t.Errorf("Attempts() = %d, want 1", f.Attempts())
			}
		})
	}
}

// TestRetryAfterPerSend shows each concurrent Send gets its own response's
// Retry-After, never another's.
func TestRetryAfterPerSend(t *testing.T) {
	c, f := setup(t, nil)
	const n = 20
	for i := 1; i <= n; i++ {
		f.FailRateLimit(1, fmt.Sprint(i))
	}
	got := make([]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := c.Send(context.Background(), to, "Hello")
			var e *twilio.Error
			if errors.As(err, &e) {
				got[i] = e.RetryAfter
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	for i, d := range got {
		if want := time.Duration(i+1) * time.Second; d != want {
			t.Fatalf("sorted RetryAfters = %v, want 1s…%ds each once", got, n)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	ok := twilio.Config{AccountSID: account, AuthToken: token, From: from}
	tests := []struct {
		name string
		edit func(*twilio.Config)
	}{
		{"no account", func(c *twilio.Config) { c.AccountSID = "" }},
		{"no token", func(c *twilio.Config) { c.AuthToken = "" }},
		{"token with symbols", func(c *twilio.Config) { c.AuthToken = "abc$def" }},
		{"no sender", func(c *twilio.Config) { c.From = "" }},
		{"bad API URL", func(c *twilio.Config) { c.APIURL = "api.twilio.com" }},
		{"API URL with query", func(c *twilio.Config) { c.APIURL = "https://x.example?a=b" }},
		{"negative timeout", func(c *twilio.Config) { c.Timeout = -time.Second }},
	}
	if _, err := twilio.New(ok); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			if _, err := twilio.New(c); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

// TestContextCancelAbortsRequest shows the in-flight request itself is
// cancelled with the context, though twilio-go builds it without one.
func TestContextCancelAbortsRequest(t *testing.T) {
	aborted := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // read the body, so a hang-up is noticed
		select {
		case <-r.Context().Done():
			close(aborted)
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c, err := twilio.New(twilio.Config{AccountSID: account, AuthToken: token, From: from, APIURL: srv.URL, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := c.Send(ctx, to, "Hello"); !errors.Is(err, context.Canceled) {
		t.Errorf("Send = %v, want context.Canceled", err)
	}
	select {
	case <-aborted:
	case <-time.After(2 * time.Second):
		t.Error("the request was not cancelled")
	}
}

// TestErrorResponsesReuseConnection shows error bodies are closed (twilio-go
// leaves them open), so the connection goes back to the pool.
func TestErrorResponsesReuseConnection(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprint(w, `{"code":21211,"message":"The 'To' number x is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`)
		// A chunked body whose end comes after the JSON: a decoder stops
		// at the JSON's end, so only closing the body frees the connection.
		w.(http.Flusher).Flush()
		time.Sleep(5 * time.Millisecond)
		_, _ = fmt.Fprint(w, "\n")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := twilio.New(twilio.Config{AccountSID: account, AuthToken: token, From: from, APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if e := sendErr(t, c); e.Code != 21211 || e.Temporary {
			t.Fatalf("error = %+v", e)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if conns != 1 {
		t.Errorf("5 sends opened %d connections, want 1", conns)
	}
}
