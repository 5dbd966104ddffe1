package inbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CookieName is the session cookie: stateless, so any process can check
// it. Its value is base64url("name|issued|lastSeen") "." base64url(HMAC-
// SHA256(key, "session|" + that)), times in Unix seconds.
const CookieName = "signpost_inbox"

// flashCookie carries a one-time message to the page a form redirects to.
const flashCookie = "signpost_inbox_flash"

// cookiePath keeps the cookies to the inbox.
const cookiePath = "/inbox"

// session is a signed-in worker.
type session struct {
	name     string // as configured
	issued   time.Time
	lastSeen time.Time
}

// sessionState says why there is no session.
type sessionState int

const (
	sessionNone    sessionState = iota // no cookie, or not one of ours
	sessionExpired                     // idle too long, or signed in too long ago
	sessionOK
)

// readSession checks the session cookie at now.
func (in *Inbox) readSession(r *http.Request, now time.Time) (*session, sessionState) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return nil, sessionNone
	}
	payload, ok := in.open("session", c.Value)
	if !ok {
		return nil, sessionNone
	}
	// The name may hold any character but the times are digits: split
	// from the right.
	rest, last, ok1 := cutLast(payload, "|")
	name, issued, ok2 := cutLast(rest, "|")
	is, err1 := strconv.ParseInt(issued, 10, 64)
	ls, err2 := strconv.ParseInt(last, 10, 64)
	if !ok1 || !ok2 || err1 != nil || err2 != nil {
		return nil, sessionNone
	}
	s := &session{name: name, issued: time.Unix(is, 0), lastSeen: time.Unix(ls, 0)}
	if in.user(name) == nil {
		return nil, sessionNone // the account was removed
	}
	if now.Sub(s.lastSeen) > in.o.IdleTimeout || now.Sub(s.issued) > maxSession {
		return nil, sessionExpired
	}
	return s, sessionOK
}

// setSession writes s as the session cookie.
func (in *Inbox) setSession(w http.ResponseWriter, s *session) {
	payload := s.name + "|" + strconv.FormatInt(s.issued.Unix(), 10) + "|" + strconv.FormatInt(s.lastSeen.Unix(), 10)
	in.setCookie(w, CookieName, in.seal("session", payload), int(in.o.IdleTimeout/time.Second))
}

// clearSession removes the session cookie, instead of any refresh of it
// already set on this response.
func (in *Inbox) clearSession(w http.ResponseWriter) {
	h := w.Header()
	h["Set-Cookie"] = slices.DeleteFunc(h["Set-Cookie"], func(c string) bool { return strings.HasPrefix(c, CookieName+"=") })
	in.setCookie(w, CookieName, "", -1)
}

// setCookie sets an inbox cookie: HttpOnly, SameSite=Strict, Path /inbox,
// Secure when configured. maxAge < 0 deletes it.
func (in *Inbox) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: cookiePath, MaxAge: maxAge,
		HttpOnly: true, Secure: in.o.Secure, SameSite: http.SameSiteStrictMode})
}

// csrfToken is the CSRF token of s's forms: fixed for the sign-in, so
// any page's form stays valid while the session lasts.
func (in *Inbox) csrfToken(s *session) string {
	return base64.RawURLEncoding.EncodeToString(in.mac("csrf|" + s.name + "|" + strconv.FormatInt(s.issued.Unix(), 10)))
}

// validCSRF checks a form's token in constant time.
func (in *Inbox) validCSRF(s *session, got string) bool {
	return hmac.Equal([]byte(got), []byte(in.csrfToken(s)))
}

// seal signs payload for purpose.
func (in *Inbox) seal(purpose, payload string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." +
		base64.RawURLEncoding.EncodeToString(in.mac(purpose+"|"+payload))
}

// open checks a sealed value and returns its payload.
func (in *Inbox) open(purpose, v string) (string, bool) {
	p, sig, ok := strings.Cut(v, ".")
	if !ok {
		return "", false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, in.mac(purpose+"|"+string(payload))) {
		return "", false
	}
	return string(payload), true
}

func (in *Inbox) mac(s string) []byte {
	m := hmac.New(sha256.New, in.o.Key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// flash is a one-time message shown on the next page.
type flash struct {
	Error bool
	Text  string
}

// setFlash leaves f for the next page (a minute at most).
func (in *Inbox) setFlash(w http.ResponseWriter, f flash) {
	kind := "ok"
	if f.Error {
		kind = "error"
	}
	in.setCookie(w, flashCookie, in.seal("flash", kind+"|"+f.Text), 60)
}

// takeFlash reads and clears the flash message, if any.
func (in *Inbox) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	in.setCookie(w, flashCookie, "", -1)
	payload, ok := in.open("flash", c.Value)
	if !ok {
		return nil
	}
	kind, text, _ := strings.Cut(payload, "|")
	return &flash{Error: kind == "error", Text: text}
}

// loginURL is the sign-in form that comes back to r's page afterwards.
func loginURL(r *http.Request, expired bool) string {
	q := url.Values{}
	if r.Method == http.MethodGet && safeNext(r.URL.Path) {
		q.Set("next", r.URL.Path)
	}
	if expired {
		q.Set("expired", "1")
	}
	if len(q) == 0 {
		return "/inbox/login"
	}
	return "/inbox/login?" + q.Encode()
}

// safeNext reports whether p is an inbox page to return to after signing
// in: the list or a referral, never another site.
func safeNext(p string) bool {
	if p == "/inbox" || p == "/inbox/dashboard" {
		return true
	}
	id, ok := strings.CutPrefix(p, "/inbox/r/")
	return ok && id != "" && !strings.ContainsAny(id, "/\\?#") && len(id) <= 64
}

// cutLast is strings.Cut at the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
