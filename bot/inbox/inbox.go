package inbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/server"
)

// User is a link worker who may sign in to the inbox: configured under
// inbox.users with a bcrypt hash made by `signpost users add NAME`. Name
// is both what they type to sign in and who they are to the service: a
// claim records it, and young people see its first word.
type User struct {
	Name         string `yaml:"name"`
	PasswordHash string `yaml:"password_hash"`
}

// Options configure an Inbox.
type Options struct {
	// Referrals is the store's referral records.
	Referrals Referrals
	// Claims claims, relays replies and records outcomes, as for the
	// Telegram group and the case-system API.
	Claims *handoff.Claims
	// Users are the accounts that may sign in.
	Users []User
	// Key signs session and flash cookies. Every process must use the same
	// key (derive it from the shared hash salt with KeyFromSalt); empty
	// means a random key for this process, so sign-ins do not survive a
	// restart and work on this process only.
	Key []byte
	// Secure marks the cookies Secure: set it whenever the inbox is
	// reached over https.
	Secure bool
	// IdleTimeout signs a worker out after this long without a request
	// (default 30 minutes).
	IdleTimeout time.Duration
	// Logger gets one line per action; nil discards.
	Logger *slog.Logger
	// Salt hashes the client address in sign-in log lines.
	Salt string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Sources maps a source code to the name shown to link workers
	// (config.Config.Sources); optional.
	Sources map[string]string
	// Origins are extra origins ("https://signpost.example.org") whose
	// form posts are accepted, for a proxy that changes the Host header;
	// posts from the inbox's own origin are always accepted.
	Origins []string
	// Report works out the impact figures (impact.Build over the store's
	// events) from from (inclusive) to to (exclusive), both 00:00 UK time,
	// for the dashboard and its downloads; nil leaves the dashboard out.
	Report func(ctx context.Context, from, to time.Time) (*impact.Report, error)
}

// Defaults and limits.
const (
	// DefaultIdleTimeout is Options.IdleTimeout when unset.
	DefaultIdleTimeout = 30 * time.Minute
	// maxSession is how long a sign-in lasts however active it is.
	maxSession = 12 * time.Hour
	// listLimit is how many records the list reads: the newest, as the
	// store gives them.
	listLimit = 500
	// maxForm bounds a form body.
	maxForm = 64 << 10
	// maxReply bounds a reply, in characters (Twilio's limit for a body).
	maxReply = 1600
)

// Inbox is the link workers' web inbox. It is safe for concurrent use.
type Inbox struct {
	o      Options
	log    *slog.Logger
	origin *http.CrossOriginProtection
	fails  *failures
	dummy  string // compared against for an unknown name
	pages  pages
}

// New returns the inbox for o. Problems with o that still leave a
// working inbox (a user whose hash is not a bcrypt hash, a bad origin)
// are logged; CheckUsers finds the first kind before starting.
func New(o Options) *Inbox {
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if len(o.Key) == 0 {
		o.Key = make([]byte, 32)
		_, _ = rand.Read(o.Key)
	}
	in := &Inbox{o: o, log: o.Logger, origin: http.NewCrossOriginProtection(), fails: newFailures(),
		dummy: dummyFor(o.Users), pages: loadPages()}
	for _, u := range o.Users {
		if err := checkUser(u); err != nil {
			in.log.Error("inbox user cannot sign in", "worker", u.Name, "error", err)
		}
	}
	for _, origin := range o.Origins {
		if err := in.origin.AddTrustedOrigin(origin); err != nil {
			in.log.Error("inbox origin ignored", "origin", origin, "error", err)
		}
	}
	return in
}

// KeyFromSalt derives the inbox's cookie key from the shared hash salt,
// so every process signs and checks cookies alike without another secret.
func KeyFromSalt(salt string) []byte {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte("signpost inbox cookie key v1"))
	return m.Sum(nil)
}

// CheckUsers reports the first configured user that could never sign in:
// no name, a name used twice, or a hash that is not bcrypt.
func CheckUsers(users []User) error {
	seen := map[string]bool{}
	for i, u := range users {
		if err := checkUser(u); err != nil {
			return fmt.Errorf("inbox.users[%d]: %w", i, err)
		}
		k := strings.ToLower(normName(u.Name))
		if seen[k] {
			return fmt.Errorf("inbox.users[%d]: %q is listed twice", i, u.Name)
		}
		seen[k] = true
	}
	return nil
}

func checkUser(u User) error {
	if normName(u.Name) == "" {
		return errors.New("name is empty")
	}
	if _, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil {
		return fmt.Errorf("%s: password_hash is not a bcrypt hash (make one with `signpost users add`): %w", u.Name, err)
	}
	return nil
}

// Register routes the inbox on srv:
//
//	GET  /inbox/login              the sign-in form
//	POST /inbox/login              sign in (username, password)
//	POST /inbox/logout             sign out
//	GET  /inbox                    the referrals
//	GET  /inbox/r/{id}             one referral: summary, answers, conversation, actions
//	POST /inbox/r/{id}/claim       claim it
//	POST /inbox/r/{id}/reply       relay a reply to the young person (text)
//	POST /inbox/r/{id}/outcome     record an outcome and close it (outcome)
//	GET  /inbox/static/inbox.css   the style sheet
//	GET  /inbox/dashboard          the impact figures, and .csv, .json, .md to
//	                               download them (only with Options.Report)
//
// With no users configured nobody can sign in, but the routes are there.
func (in *Inbox) Register(srv *server.Server) {
	srv.Handle("GET /inbox/login", in.page(in.loginForm))
	srv.Handle("POST /inbox/login", in.page(in.post(in.login)))
	srv.Handle("POST /inbox/logout", in.page(in.post(in.authed(in.logout))))
	srv.Handle("GET /inbox", in.page(in.authed(in.list)))
	srv.Handle("GET /inbox/{$}", func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, "/inbox", http.StatusMovedPermanently)
		return nil
	})
	srv.Handle("GET /inbox/r/{id}", in.page(in.authed(in.detail)))
	srv.Handle("POST /inbox/r/{id}/claim", in.page(in.post(in.authed(in.claim))))
	srv.Handle("POST /inbox/r/{id}/reply", in.page(in.post(in.authed(in.reply))))
	srv.Handle("POST /inbox/r/{id}/outcome", in.page(in.post(in.authed(in.outcome))))
	srv.Handle("GET "+cssPath, serveCSS)
	in.registerDashboard(srv)
}

// contentSecurityPolicy allows the inbox's own style sheet and forms,
// and nothing else: no scripts at all, no framing.
const contentSecurityPolicy = "default-src 'self'; form-action 'self'; frame-ancestors 'none'"

// page sets the headers every inbox response carries: the pages hold
// personal data, so they are never cached or framed.
func (in *Inbox) page(h server.HandlerFunc) server.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		return h(w, r)
	}
}

// post refuses a cross-site form post (by Sec-Fetch-Site, or Origin
// against Host) and bounds the body, before anything else reads it.
func (in *Inbox) post(h server.HandlerFunc) server.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := in.origin.Check(r); err != nil {
			return &server.Error{Status: http.StatusForbidden, Msg: "cross-site form posts are refused", Err: err}
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			return &server.Error{Status: http.StatusBadRequest, Msg: "could not read the form", Err: err}
		}
		return h(w, r)
	}
}

// authedFunc is a handler for a signed-in worker.
type authedFunc func(w http.ResponseWriter, r *http.Request, s *session) error

// authed runs h for a signed-in worker, refreshing their session; anyone
// else is sent to the sign-in form (told why when their session expired).
// A POST must carry the session's CSRF token, else 403.
func (in *Inbox) authed(h authedFunc) server.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		now := in.o.Now()
		s, state := in.readSession(r, now)
		if s == nil {
			if state == sessionExpired {
				in.clearSession(w)
			}
			http.Redirect(w, r, loginURL(r, state == sessionExpired), http.StatusSeeOther)
			return nil
		}
		if r.Method == http.MethodPost && !in.validCSRF(s, r.PostFormValue("csrf")) {
			in.log.Warn("inbox form refused: missing or wrong csrf token", "worker", s.name, "route", r.Pattern)
			return server.Errorf(http.StatusForbidden, "this form has expired: go back, reload the page and try again")
		}
		s.lastSeen = now
		in.setSession(w, s)
		return h(w, r, s)
	}
}
