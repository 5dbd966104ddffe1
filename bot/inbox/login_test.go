package inbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/inbox"
)

func TestSignInWithTheRightPasswordStartsASession(t *testing.T) {
	r := newRig(t, nil)
	b := r.browser(t)
	p := b.post("/inbox/login", url.Values{"username": {"  priya   shah "}, "password": {priyaPW}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/inbox" {
		t.Fatalf("sign-in: %d %q", p.StatusCode, p.Header.Get("Location"))
	}
	c := cookie(p.Response, inbox.CookieName)
	switch {
	case c == nil || c.Value == "":
		t.Fatal("no session cookie")
	case !c.HttpOnly:
		t.Error("session cookie is not HttpOnly")
	case c.SameSite != http.SameSiteStrictMode:
		t.Errorf("SameSite = %v, want Strict", c.SameSite)
	case c.Path != "/inbox":
		t.Errorf("Path = %q, want /inbox", c.Path)
	case c.Secure:
		t.Error("Secure without Options.Secure: the cookie would not come back over http")
	case c.MaxAge != int((30 * time.Minute).Seconds()):
		t.Errorf("MaxAge = %d, want the idle timeout", c.MaxAge)
	}
	list := b.get("/inbox")
	if list.StatusCode != http.StatusOK || !strings.Contains(list.Body, `<strong id="worker">Priya Shah</strong>`) {
		t.Errorf("the list after sign-in: %d, signed-in name not shown", list.StatusCode)
	}
	if !strings.Contains(r.logs.String(), `"msg":"inbox sign-in","worker":"Priya Shah"`) {
		t.Errorf("no sign-in log line:\n%s", r.logs)
	}
	// Signed in, the form goes straight to the list.
	if p := b.get("/inbox/login"); p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/inbox" {
		t.Errorf("sign-in form when signed in: %d %q", p.StatusCode, p.Header.Get("Location"))
	}
}

func TestSecureOptionMarksTheCookieSecure(t *testing.T) {
	r := newRig(t, func(o *inbox.Options) { o.Secure = true })
	p := r.browser(t).post("/inbox/login", url.Values{"username": {priya}, "password": {priyaPW}})
	if c := cookie(p.Response, inbox.CookieName); c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie %+v, want Secure, HttpOnly, SameSite=Strict", c)
	}
}

func TestSignInRefusesAWrongPasswordOrAnUnknownName(t *testing.T) {
	tests := []struct{ label, name, password string }{
		{"wrong password", priya, alexPW},
		{"empty password", priya, ""},
		{"unknown name", "Nobody Here", priyaPW},
		{"password in the name box", "my secret passphrase", ""},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			r := newRig(t, nil)
			b := r.browser(t)
			p := b.post("/inbox/login", url.Values{"username": {tt.name}, "password": {tt.password}})
			if p.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", p.StatusCode)
			}
			if !strings.Contains(p.Body, "That name and password do not match") {
				t.Error("the form does not say what went wrong")
			}
			if c := cookie(p.Response, inbox.CookieName); c != nil {
				t.Errorf("a session cookie was set: %+v", c)
			}
			if p := b.get("/inbox"); p.StatusCode != http.StatusSeeOther {
				t.Errorf("the list after a failed sign-in: %d", p.StatusCode)
			}
			logs := r.logs.String()
			if !strings.Contains(logs, "inbox sign-in failed") {
				t.Errorf("no log line for the failure:\n%s", logs)
			}
			if strings.Contains(logs, "Nobody Here") || strings.Contains(logs, "my secret passphrase") || (tt.password != "" && strings.Contains(logs, tt.password)) {
				t.Errorf("the log has what was typed:\n%s", logs)
			}
		})
	}
}

func TestRepeatedFailuresLockTheAddressOutForAWhile(t *testing.T) {
	r := newRig(t, nil)
	b := r.browser(t)
	for i := range 5 {
		if p := b.post("/inbox/login", url.Values{"username": {priya}, "password": {"guess"}}); p.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, p.StatusCode)
		}
	}
	p := b.post("/inbox/login", url.Values{"username": {priya}, "password": {priyaPW}})
	if p.StatusCode != http.StatusTooManyRequests || cookie(p.Response, inbox.CookieName) != nil {
		t.Fatalf("the right password while locked out: %d, want 429 and no session", p.StatusCode)
	}
	if !strings.Contains(p.Body, "Too many failed sign-ins") {
		t.Error("the lockout is not explained")
	}
	// Another account from the same address is not locked by one name's failures.
	b2 := r.browser(t)
	b2.signIn(alex, alexPW)

	r.clock.Advance(6 * time.Minute)
	b.signIn(priya, priyaPW)
}

func TestManyFailuresFromOneAddressLockItOutForEveryName(t *testing.T) {
	r := newRig(t, nil)
	b := r.browser(t)
	for i := range 20 {
		name := "Guess " + strconv.Itoa(i) // four tries short of each name's own limit
		if p := b.post("/inbox/login", url.Values{"username": {name}, "password": {"x"}}); p.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, p.StatusCode)
		}
	}
	if p := b.post("/inbox/login", url.Values{"username": {alex}, "password": {alexPW}}); p.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a good sign-in from an address that tried 20 names: %d, want 429", p.StatusCode)
	}
	r.clock.Advance(6 * time.Minute)
	b.signIn(alex, alexPW)
}

func TestSignedOutVisitorsAreSentToSignIn(t *testing.T) {
	r := newRig(t, nil)
	h := r.refer(t, "+447700900301", "Jo", "")
	b := r.browser(t)
	for path, want := range map[string]string{
		"/inbox":           "/inbox/login?next=%2Finbox",
		"/inbox/r/" + h.ID: "/inbox/login?next=" + url.QueryEscape("/inbox/r/"+h.ID),
	} {
		p := b.get(path)
		if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != want {
			t.Errorf("GET %s: %d %q, want 303 to %s", path, p.StatusCode, p.Header.Get("Location"), want)
		}
	}
	p := b.post("/inbox/r/"+h.ID+"/claim", url.Values{"csrf": {"x"}})
	if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/inbox/login") {
		t.Errorf("POST claim signed out: %d %q", p.StatusCode, p.Header.Get("Location"))
	}
	if rec := r.record(t, h.ID); rec.Assignee != "" {
		t.Errorf("claimed by %q without a session", rec.Assignee)
	}
	// A forged cookie is no session.
	u, _ := url.Parse(r.srv.URL + "/inbox")
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: inbox.CookieName, Value: "UHJpeWEgU2hhaHwxfDE.AAAA", Path: "/inbox"}})
	if p := b.get("/inbox"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("a forged cookie got %d", p.StatusCode)
	}
}

func TestSignInReturnsToThePageAskedFor(t *testing.T) {
	r := newRig(t, nil)
	h := r.refer(t, "+447700900302", "Jo", "")
	b := r.browser(t)
	login := b.get("/inbox/r/" + h.ID).Header.Get("Location")
	if p := b.get(login); !strings.Contains(p.Body, `name="next" value="/inbox/r/`+h.ID+`"`) {
		t.Fatalf("the sign-in form does not carry the page to return to")
	}
	p := b.post("/inbox/login", url.Values{"username": {priya}, "password": {priyaPW}, "next": {"/inbox/r/" + h.ID}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/inbox/r/"+h.ID {
		t.Errorf("after sign-in: %d %q, want the referral", p.StatusCode, p.Header.Get("Location"))
	}
	for _, next := range []string{"//evil.example/inbox", "https://evil.example/", "/inbox/r/x/../../admin", "/elsewhere"} {
		p := r.browser(t).post("/inbox/login", url.Values{"username": {priya}, "password": {priyaPW}, "next": {next}})
		if p.Header.Get("Location") != "/inbox" {
			t.Errorf("next %q: redirected to %q, want /inbox", next, p.Header.Get("Location"))
		}
	}
}

func TestIdleSessionsExpire(t *testing.T) {
	r := newRig(t, nil)
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	// Each request refreshes the session: an hour of requests 29 minutes
	// apart keeps it.
	for i := range 3 {
		r.clock.Advance(29 * time.Minute)
		if p := b.get("/inbox"); p.StatusCode != http.StatusOK {
			t.Fatalf("request %d, 29 min after the last: %d", i+1, p.StatusCode)
		}
	}
	r.clock.Advance(31 * time.Minute)
	p := b.get("/inbox")
	if p.StatusCode != http.StatusSeeOther || !strings.Contains(p.Header.Get("Location"), "expired=1") {
		t.Fatalf("31 min idle: %d %q, want a redirect to sign in again", p.StatusCode, p.Header.Get("Location"))
	}
	if c := cookie(p.Response, inbox.CookieName); c == nil || c.MaxAge >= 0 {
		t.Errorf("the expired cookie was not cleared: %+v", c)
	}
	if p := b.get(p.Header.Get("Location")); !strings.Contains(p.Body, "signed out after 30 min without activity") {
		t.Errorf("the sign-in form does not say why: %q", p.Body)
	}
	if !strings.Contains(b.get("/inbox").Header.Get("Location"), "/inbox/login") {
		t.Error("still signed in after the expiry")
	}
}

func TestSessionsEndAfterTwelveHoursHoweverActive(t *testing.T) {
	r := newRig(t, nil)
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	for range 12 * 60 / 20 {
		r.clock.Advance(20 * time.Minute)
		if p := b.get("/inbox"); p.StatusCode != http.StatusOK {
			t.Fatalf("active session ended early, at %v", r.clock.Now())
		}
	}
	r.clock.Advance(20 * time.Minute)
	if p := b.get("/inbox"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("a 12 h 20 min session still works: %d", p.StatusCode)
	}
}

func TestCustomIdleTimeout(t *testing.T) {
	r := newRig(t, func(o *inbox.Options) { o.IdleTimeout = 5 * time.Minute })
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	r.clock.Advance(6 * time.Minute)
	if p := b.get("/inbox"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("6 min idle with a 5 min timeout: %d", p.StatusCode)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	r := newRig(t, nil)
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	if p := b.post("/inbox/logout", url.Values{}); p.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out without the csrf token: %d, want 403", p.StatusCode)
	}
	p := b.post("/inbox/logout", url.Values{"csrf": {b.csrf("/inbox")}})
	if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != "/inbox/login?out=1" {
		t.Fatalf("sign-out: %d %q", p.StatusCode, p.Header.Get("Location"))
	}
	if c := cookie(p.Response, inbox.CookieName); c == nil || c.MaxAge >= 0 {
		t.Errorf("sign-out did not clear the cookie: %+v", c)
	}
	if p := b.get("/inbox"); p.StatusCode != http.StatusSeeOther {
		t.Errorf("the list after sign-out: %d", p.StatusCode)
	}
	if !strings.Contains(b.get("/inbox/login?out=1").Body, "You have signed out") {
		t.Error("the sign-in form does not confirm the sign-out")
	}
}

func TestFormsWithoutTheRightTokenOrFromAnotherSiteAreRefused(t *testing.T) {
	r := newRig(t, nil)
	h := r.refer(t, "+447700900303", "Jo", "")
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	path := "/inbox/r/" + h.ID + "/claim"
	good := b.csrf("/inbox/r/" + h.ID)

	other := r.browser(t)
	other.signIn(alex, alexPW)
	alexToken := other.csrf("/inbox")

	tests := []struct {
		label  string
		token  string
		header map[string]string
	}{
		{"no token", "", nil},
		{"wrong token", "bm90IHRoZSB0b2tlbg", nil},
		{"another worker's token", alexToken, nil},
		{"cross-site, right token", good, map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"same-site, right token", good, map[string]string{"Sec-Fetch-Site": "same-site"}},
		{"foreign origin, right token", good, map[string]string{"Origin": "https://evil.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			b.head = http.Header{}
			for k, v := range tt.header {
				b.head.Set(k, v)
			}
			defer func() { b.head = http.Header{} }()
			form := url.Values{}
			if tt.token != "" {
				form.Set("csrf", tt.token)
			}
			if p := b.post(path, form); p.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", p.StatusCode)
			}
			if rec := r.record(t, h.ID); rec.Assignee != "" {
				t.Errorf("claimed by %q", rec.Assignee)
			}
		})
	}
	// The same request from the inbox's own pages goes through.
	b.head = http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {r.srv.URL}}
	if p := b.post(path, url.Values{"csrf": {good}}); p.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin post with the token: %d", p.StatusCode)
	}
	if rec := r.record(t, h.ID); rec.Assignee != priya {
		t.Errorf("assignee %q, want %q", rec.Assignee, priya)
	}
	// Signing in from another site is refused too.
	x := r.browser(t)
	x.head.Set("Sec-Fetch-Site", "cross-site")
	if p := x.post("/inbox/login", url.Values{"username": {priya}, "password": {priyaPW}}); p.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site sign-in: %d, want 403", p.StatusCode)
	}
}

func TestCheckUsers(t *testing.T) {
	if err := inbox.CheckUsers(users); err != nil {
		t.Errorf("good users: %v", err)
	}
	for label, us := range map[string][]inbox.User{
		"not bcrypt": {{Name: "Sam", PasswordHash: "hunter2"}},
		"no name":    {{Name: " ", PasswordHash: users[0].PasswordHash}},
		"twice":      {users[0], {Name: "priya  SHAH", PasswordHash: users[1].PasswordHash}},
	} {
		if err := inbox.CheckUsers(us); err == nil {
			t.Errorf("%s: no error", label)
		}
	}
}

func TestEveryProcessWithTheSharedKeyAcceptsTheSession(t *testing.T) {
	key := inbox.KeyFromSalt(testSalt)
	if string(key) == string(inbox.KeyFromSalt("another salt")) || len(key) < 32 {
		t.Fatal("KeyFromSalt does not depend on the salt, or is short")
	}
	one := newRig(t, func(o *inbox.Options) { o.Key = key })
	two := newRig(t, func(o *inbox.Options) { o.Key = inbox.KeyFromSalt(testSalt) })
	other := newRig(t, func(o *inbox.Options) { o.Key = inbox.KeyFromSalt("another salt") })
	b := one.browser(t)
	b.signIn(priya, priyaPW)
	sess := b.c.Jar.Cookies(mustURL(t, one.srv.URL+"/inbox"))
	for label, r := range map[string]*rig{"same key": two, "other key": other} {
		c := r.browser(t)
		c.c.Jar.SetCookies(mustURL(t, r.srv.URL+"/inbox"), sess)
		p := c.get("/inbox")
		if want := map[string]int{"same key": http.StatusOK, "other key": http.StatusSeeOther}[label]; p.StatusCode != want {
			t.Errorf("%s: %d, want %d", label, p.StatusCode, want)
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
