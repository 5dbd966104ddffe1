// Package twiliofake is an httptest fake of the slice of Twilio's REST API
// that Signpost uses, speaking Twilio's real wire format: HTTP basic auth,
// form-encoded requests, JSON Message resources and Twilio's JSON error
// bodies. It records what it accepted, can be scripted to fail or hang, and
// can play Twilio's side of inbound webhooks with a real X-Twilio-Signature.
//
// Wire format: https://www.twilio.com/docs/messaging/api/message-resource
// and https://www.twilio.com/docs/usage/twilios-response.
package twiliofake

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/signpost-app/signpost/bot/sms/segment"
)

// APIVersion is the version of Twilio's REST API the fake speaks.
const APIVersion = "2010-04-01"

// messagesPath is the Messages list resource; {AccountSid} is the account.
const messagesPath = "/" + APIVersion + "/Accounts/{AccountSid}/Messages.json"

// Message is one message the fake accepted.
type Message struct {
	To                  string
	From                string // empty when only MessagingServiceSid was given
	MessagingServiceSID string
	Body                string
	StatusCallback      string
	SID                 string     // the "SM…" sid the fake answered with
	Username            string     // the HTTP basic-auth username (the account SID)
	Form                url.Values // every parameter as posted
	At                  time.Time
}

// Fake is a running fake of Twilio's REST API. Its methods are safe for
// concurrent use.
type Fake struct {
	srv        *httptest.Server
	accountSID string
	authToken  string

	mu       sync.Mutex
	sent     []Message
	attempts int
	script   []step        // faults for the next requests, in order
	changed  chan struct{} // closed and replaced whenever a message is accepted
}

// New starts a fake for one account. Requests must authenticate with
// accountSID and authToken. The server is closed when the test ends.
func New(t testing.TB, accountSID, authToken string) *Fake {
	t.Helper()
	f := &Fake{
		accountSID: accountSID,
		authToken:  authToken,
		changed:    make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+messagesPath, f.createMessage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 20404, r.URL.Path, "")
	})
	f.srv = httptest.NewServer(f.intercept(mux))
	t.Cleanup(f.srv.Close)
	return f
}

// URL returns the fake's base URL, e.g. "http://127.0.0.1:41234", to use in
// place of https://api.twilio.com (TWILIO_API_URL).
func (f *Fake) URL() string { return f.srv.URL }

// AccountSID returns the account the fake serves.
func (f *Fake) AccountSID() string { return f.accountSID }

// Sent returns a copy of every message accepted so far, oldest first.
func (f *Fake) Sent() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Message, len(f.sent))
	copy(out, f.sent)
	return out
}

// Attempts returns how many HTTP requests reached the fake, accepted or not.
func (f *Fake) Attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts
}

// Wait waits until at least n messages were accepted and returns them. It
// fails the test if that takes longer than timeout.
func (f *Fake) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		got, changed := len(f.sent), f.changed
		f.mu.Unlock()
		if got >= n {
			return f.Sent()
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("twiliofake: %d messages accepted after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

// intercept counts every request and applies the next scripted fault, if
// any, before the request reaches the API.
func (f *Fake) intercept(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.attempts++
		var s step
		scripted := len(f.script) > 0
		if scripted {
			s = f.script[0]
			f.script = f.script[1:]
		}
		f.mu.Unlock()
		if !scripted {
			next.ServeHTTP(w, r)
			return
		}
		if s.delay > 0 {
			// Read the body first: only then does the server notice a
			// client that hangs up, and cancel r's context.
			_ = r.ParseForm()
			timer := time.NewTimer(s.delay)
			defer timer.Stop()
			select {
			case <-timer.C:
			case <-r.Context().Done():
				// The client gave up: it will never read an answer,
				// so nothing is accepted.
				return
			}
		}
		if s.fail != nil {
			to := ""
			if err := r.ParseForm(); err == nil {
				to = r.PostForm.Get("To")
			}
			if s.fail.retryAfter != "" {
				w.Header().Set("Retry-After", s.fail.retryAfter)
			}
			writeError(w, s.fail.status, s.fail.code, r.URL.Path, to)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// createMessage is POST /2010-04-01/Accounts/{AccountSid}/Messages.json.
func (f *Fake) createMessage(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || !equal(user, f.accountSID) || !equal(pass, f.authToken) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, http.StatusUnauthorized, 20003, r.URL.Path, "")
		return
	}
	if r.PathValue("AccountSid") != f.accountSID {
		writeError(w, http.StatusNotFound, 20404, r.URL.Path, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 21602, r.URL.Path, "")
		return
	}
	form := r.PostForm
	to, from, service, body := form.Get("To"), form.Get("From"), form.Get("MessagingServiceSid"), form.Get("Body")
	switch {
	case to == "":
		writeError(w, http.StatusBadRequest, 21604, r.URL.Path, "")
		return
	case from == "" && service == "":
		writeError(w, http.StatusBadRequest, 21603, r.URL.Path, "")
		return
	case body == "" && form.Get("MediaUrl") == "" && form.Get("ContentSid") == "":
		writeError(w, http.StatusBadRequest, 21602, r.URL.Path, "")
		return
	case utf8.RuneCountInString(body) > segment.MaxBody:
		writeError(w, http.StatusBadRequest, 21617, r.URL.Path, "")
		return
	}

	now := time.Now().UTC()
	sid := NewSID("SM")
	// A message sent through a Messaging Service without a From starts
	// "accepted" (Twilio has yet to pick a sender) and has a null from.
	status := "queued"
	if from == "" {
		status = "accepted"
	}
	segments, _ := segment.Count(body)
	uri := "/" + APIVersion + "/Accounts/" + f.accountSID + "/Messages/" + sid
	res := messageResource{
		Body:                body,
		NumSegments:         itoa(max(segments, 1)),
		Direction:           "outbound-api",
		From:                nullable(from),
		To:                  to,
		DateUpdated:         now.Format(time.RFC1123Z),
		URI:                 uri + ".json",
		AccountSID:          f.accountSID,
		NumMedia:            itoa(len(form["MediaUrl"])),
		Status:              status,
		MessagingServiceSID: nullable(service),
		SID:                 sid,
		DateCreated:         now.Format(time.RFC1123Z),
		PriceUnit:           "USD",
		APIVersion:          APIVersion,
		SubresourceURIs:     map[string]string{"media": uri + "/Media.json"},
	}

	f.mu.Lock()
	f.sent = append(f.sent, Message{
		To:                  to,
		From:                from,
		MessagingServiceSID: service,
		Body:                body,
		StatusCallback:      form.Get("StatusCallback"),
		SID:                 sid,
		Username:            user,
		Form:                form,
		At:                  now,
	})
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()

	writeJSON(w, http.StatusCreated, res)
}

// messageResource is Twilio's Message resource, field for field and in the
// order Twilio writes them. Pointers are JSON null when nil.
type messageResource struct {
	Body                string            `json:"body"`
	NumSegments         string            `json:"num_segments"`
	Direction           string            `json:"direction"`
	From                *string           `json:"from"`
	To                  string            `json:"to"`
	DateUpdated         string            `json:"date_updated"`
	Price               *string           `json:"price"`
	ErrorMessage        *string           `json:"error_message"`
	URI                 string            `json:"uri"`
	AccountSID          string            `json:"account_sid"`
	NumMedia            string            `json:"num_media"`
	Status              string            `json:"status"`
	MessagingServiceSID *string           `json:"messaging_service_sid"`
	SID                 string            `json:"sid"`
	DateSent            *string           `json:"date_sent"`
	DateCreated         string            `json:"date_created"`
	ErrorCode           *int              `json:"error_code"`
	PriceUnit           string            `json:"price_unit"`
	APIVersion          string            `json:"api_version"`
	SubresourceURIs     map[string]string `json:"subresource_uris"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("Twilio-Request-Id", NewSID("RQ"))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// NewSID returns a random Twilio-style SID: the two-letter prefix ("SM",
// "MM", "AC", "MG"…) and 32 lowercase hex digits.
func NewSID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
