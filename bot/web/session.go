package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"
)

// Cookies. The person is a random id, nothing else: the web chat knows no
// name, phone number or account.
//
// A page opened on Signpost's own site keeps its id in CookieName
// (SameSite=Lax). A page inside a school's iframe cannot: browsers neither
// set nor send Lax cookies in a frame whose top-level site is another one.
// So when the page is loaded as a frame (Sec-Fetch-Dest: iframe) over
// https, the id goes in EmbedCookieName instead, with SameSite=None and
// Partitioned (CHIPS): the browser keeps it for that school's site only, so
// it cannot follow the person from site to site. Browsers that refuse even
// partitioned third-party cookies get a 401 from /chat/send, and the page
// then offers to open the chat in a tab of its own. The two never mix: a
// request carries the Lax cookie only at the top level and the partitioned
// one only inside that school's frame.
const (
	CookieName        = "signpost_chat"         // the person id at the top level
	EmbedCookieName   = "signpost_chat_embed"   // the person id inside an iframe
	SourceCookie      = "signpost_source"       // the ?s= source code at the top level
	EmbedSourceCookie = "signpost_source_embed" // the ?s= source code inside an iframe
)

// cookieAge is how long the browser keeps the cookies (renewed on each
// visit); the store's retention decides how long the conversation lasts.
const cookieAge = 30 * 24 * time.Hour

// newPersonID returns 128 random bits in hex.
func newPersonID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it crashes the program instead)
	return hex.EncodeToString(b[:])
}

// validPersonID reports whether id looks like one newPersonID made.
func validPersonID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := range len(id) {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// validToken reports whether s is 1 to max characters of [A-Za-z0-9_-]:
// the charset of source codes and client message ids.
func validToken(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// person returns the person id from the request's cookies, or "".
func (c *Chat) person(r *http.Request) string {
	for _, name := range []string{CookieName, EmbedCookieName} {
		if ck, err := r.Cookie(name); err == nil && validPersonID(ck.Value) {
			return ck.Value
		}
	}
	return ""
}

// source returns the source code from the request's cookies, or "".
func (c *Chat) source(r *http.Request) string {
	for _, name := range []string{SourceCookie, EmbedSourceCookie} {
		if ck, err := r.Cookie(name); err == nil && validToken(ck.Value, maxSource) {
			return ck.Value
		}
	}
	return ""
}

// framed reports whether the page is being loaded inside an iframe in a
// way that partitioned cookies can serve (https only: SameSite=None needs
// Secure).
func (c *Chat) framed(r *http.Request) bool {
	return c.o.Secure && r.Header.Get("Sec-Fetch-Dest") == "iframe"
}

// cookie builds one of the chat's cookies; maxAge < 0 deletes it.
func (c *Chat) cookie(name, value string, embed bool, maxAge time.Duration) *http.Cookie {
	ck := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: c.o.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge / time.Second)}
	if maxAge < 0 {
		ck.MaxAge = -1
	}
	if embed {
		ck.SameSite, ck.Secure, ck.Partitioned = http.SameSiteNoneMode, true, true
	}
	return ck
}

// setSession (re)sets the person cookie, and the source cookie when the
// page was opened with a valid ?s=, and returns the person id.
func (c *Chat) setSession(w http.ResponseWriter, r *http.Request, src string) string {
	embed := c.framed(r)
	idName, srcName := CookieName, SourceCookie
	if embed {
		idName, srcName = EmbedCookieName, EmbedSourceCookie
	}
	id := ""
	if ck, err := r.Cookie(idName); err == nil && validPersonID(ck.Value) {
		id = ck.Value
	} else {
		id = newPersonID()
	}
	http.SetCookie(w, c.cookie(idName, id, embed, cookieAge))
	if src != "" {
		http.SetCookie(w, c.cookie(srcName, src, embed, cookieAge))
	}
	return id
}

// clearSession deletes every cookie of the chat, in both kinds.
func (c *Chat) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, c.cookie(CookieName, "", false, -1))
	http.SetCookie(w, c.cookie(SourceCookie, "", false, -1))
	if c.o.Secure {
		http.SetCookie(w, c.cookie(EmbedCookieName, "", true, -1))
		http.SetCookie(w, c.cookie(EmbedSourceCookie, "", true, -1))
	}
}
