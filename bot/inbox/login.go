package inbox

import (
	"crypto/rand"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/signpost-app/signpost/bot"
)

// dummyHash is compared against when nobody has the name given, so an
// unknown name takes as long to refuse as a wrong password. It has cost
// 12, as `signpost users add` makes them; users with another cost get a
// dummy of their own (dummyFor).
const dummyHash = "$2a$12$EwCt257Y/GKZqIbqkC9wuO57DyKsypyKnYBB8tlWIenUTYIVBEI26"

// dummyFor returns a hash of a random password at the cost of the first
// user's hash.
func dummyFor(users []User) string {
	for _, u := range users {
		c, err := bcrypt.Cost([]byte(u.PasswordHash))
		if err != nil {
			continue
		}
		if d, _ := bcrypt.Cost([]byte(dummyHash)); c == d {
			return dummyHash
		}
		pw := make([]byte, 24)
		_, _ = rand.Read(pw)
		h, err := bcrypt.GenerateFromPassword(pw, c)
		if err != nil {
			break
		}
		return string(h)
	}
	return dummyHash
}

// Sign-in lockout: after maxFailures failed sign-ins from one address for
// one name (or maxAddrFailures for any names) within failWindow, that
// address may not try again for lockout. Counted per process.
const (
	maxFailures     = 5
	maxAddrFailures = 20
	failWindow      = 15 * time.Minute
	lockout         = 5 * time.Minute
	maxTracked      = 10000
)

type loginPage struct {
	base
	Username string
	Error    string
	Notice   string
	Next     string
}

// loginForm shows the sign-in form (or, when signed in, the list).
func (in *Inbox) loginForm(w http.ResponseWriter, r *http.Request) error {
	if s, _ := in.readSession(r, in.o.Now()); s != nil {
		http.Redirect(w, r, "/inbox", http.StatusSeeOther)
		return nil
	}
	p := loginPage{base: in.base(w, r, nil, "Sign in"), Next: nextParam(r)}
	switch q := r.URL.Query(); {
	case q.Get("expired") != "":
		p.Notice = "You were signed out after " + duration(in.o.IdleTimeout) + " without activity. Please sign in again."
	case q.Get("out") != "":
		p.Notice = "You have signed out."
	}
	return in.render(w, http.StatusOK, "login", p)
}

// login checks a name and password and starts a session.
func (in *Inbox) login(w http.ResponseWriter, r *http.Request) error {
	now := in.o.Now()
	name := normName(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	host := clientHost(r)
	keys := []string{"addr|" + host, "name|" + host + "|" + strings.ToLower(name)}
	p := loginPage{base: in.base(w, r, nil, "Sign in"), Username: name, Next: nextParam(r)}
	if in.fails.locked(keys, now) {
		in.log.Warn("inbox sign-in refused: locked out", "client", in.hashClient(host))
		p.Error = "Too many failed sign-ins. Wait a few minutes, then try again."
		return in.render(w, http.StatusTooManyRequests, "login", p)
	}
	u := in.user(name)
	hash := in.dummy
	if u != nil {
		hash = u.PasswordHash
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	if u == nil || err != nil || password == "" {
		in.fails.fail(keys, []int{maxAddrFailures, maxFailures}, now)
		// A name nobody has may be a password typed in the wrong box:
		// only a known name is logged.
		known := ""
		if u != nil {
			known = u.Name
		}
		in.log.Warn("inbox sign-in failed", "worker", known, "known_worker", u != nil, "client", in.hashClient(host))
		p.Error = "That name and password do not match. Check them and try again."
		return in.render(w, http.StatusUnauthorized, "login", p)
	}
	in.fails.reset(keys[1:])
	in.setSession(w, &session{name: u.Name, issued: now, lastSeen: now})
	in.log.Info("inbox sign-in", "worker", u.Name, "client", in.hashClient(host))
	next := "/inbox"
	if p.Next != "" {
		next = p.Next
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// logout ends the session.
func (in *Inbox) logout(w http.ResponseWriter, r *http.Request, s *session) error {
	in.clearSession(w)
	in.log.Info("inbox sign-out", "worker", s.name)
	http.Redirect(w, r, "/inbox/login?out=1", http.StatusSeeOther)
	return nil
}

// user is the configured user called name (any case), or nil.
func (in *Inbox) user(name string) *User {
	name = normName(name)
	if name == "" {
		return nil
	}
	for i, u := range in.o.Users {
		if strings.EqualFold(normName(u.Name), name) {
			return &in.o.Users[i]
		}
	}
	return nil
}

// hashClient is the salted hash of a client address, for log lines.
func (in *Inbox) hashClient(host string) string { return bot.HashID(in.o.Salt, host) }

// nextParam is the page to return to after signing in, if it is safe.
func nextParam(r *http.Request) string {
	n := r.FormValue("next")
	if safeNext(n) {
		return n
	}
	return ""
}

// normName folds runs of white space in a name to one space.
func normName(s string) string { return strings.Join(strings.Fields(s), " ") }

// clientHost is the address the request came from, without the port.
func clientHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// failures counts failed sign-ins by key.
type failures struct {
	mu sync.Mutex
	m  map[string]*failure
}

type failure struct {
	n     int
	first time.Time // the first failure of this window
	until time.Time // locked until
}

func newFailures() *failures { return &failures{m: map[string]*failure{}} }

// locked reports whether any of keys is locked out at now.
func (f *failures) locked(keys []string, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range keys {
		if e := f.m[k]; e != nil && now.Before(e.until) {
			return true
		}
	}
	return false
}

// fail counts a failure against each key; a key that reaches its limit
// (limits[i] for keys[i]) within the window is locked out.
func (f *failures) fail(keys []string, limits []int, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.m) > maxTracked {
		for k, e := range f.m {
			if now.Sub(e.first) > failWindow && now.After(e.until) {
				delete(f.m, k)
			}
		}
		if len(f.m) > maxTracked { // a flood of addresses: start again rather than grow
			f.m = map[string]*failure{}
		}
	}
	for i, k := range keys {
		e := f.m[k]
		if e == nil || now.Sub(e.first) > failWindow {
			e = &failure{first: now}
			f.m[k] = e
		}
		e.n++
		if e.n >= limits[i] {
			e.until, e.n, e.first = now.Add(lockout), 0, now
		}
	}
}

// reset forgets the failures of keys (after a good sign-in).
func (f *failures) reset(keys []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range keys {
		delete(f.m, k)
	}
}
