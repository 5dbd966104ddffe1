// Package tgfake is an httptest fake of the Telegram Bot API
// (https://core.telegram.org/bots/api) that speaks its real wire format:
// requests to URL()+"/bot<token>/<method>" with form-encoded or JSON
// parameters, answers {"ok":true,"result":…} or
// {"ok":false,"error_code":…,"description":…,"parameters":{…}} with the
// matching HTTP status. It records every call, queues updates for
// getUpdates, and injects faults in request order.
//
// Methods implemented: getMe, sendMessage (with reply_parameters or the
// older reply_to_message_id), answerCallbackQuery, editMessageReplyMarkup,
// editMessageText, setWebhook, deleteWebhook, getWebhookInfo,
// setMyCommands, getUpdates. Any other method answers 404 "Not Found", as
// Telegram does.
package tgfake

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BotUsername is the username getMe returns.
const BotUsername = "SignpostTestBot"

// BotID is the bot's user id in getMe and in the "from" of sent messages.
const BotID = 7000000001

// maxPoll caps a getUpdates long poll so tests stay fast.
const maxPoll = time.Second

// Call is one request the fake received.
type Call struct {
	Method string
	// Params holds the request's parameters. JSON bodies are normalised to
	// the form encoding the library uses: strings as they are, anything
	// else (numbers, booleans, objects, arrays) as its JSON text.
	Params url.Values
	// Status is the HTTP status answered: 200 on success.
	Status int
	// Result is the "result" answered on success.
	Result json.RawMessage
	At     time.Time
}

// OK reports whether the call succeeded.
func (c Call) OK() bool { return c.Status == http.StatusOK }

// fault is a queued failure for a method.
type fault struct {
	n           int
	code        int
	description string
	retryAfter  int
}

// update is a queued update for getUpdates.
type update struct {
	id  int
	raw json.RawMessage
}

// message is a message the fake sent, kept so edits can be checked.
type message struct {
	chatID int64
	text   string
	markup string // the reply_markup JSON, "" for none
}

// Fake is a fake Telegram Bot API server. Create one with New; it is
// closed when the test ends.
type Fake struct {
	t     testing.TB
	token string
	srv   *httptest.Server

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced on every change
	calls       []Call
	faults      map[string][]*fault
	delays      map[string]time.Duration
	nextMsgID   int
	messages    map[int]message
	updates     []update
	lastUpdate  int
	webhook     webhookState
	commands    []Command
	inflight    map[int64]int
	maxInflight map[int64]int
}

type webhookState struct {
	url     string
	secret  string
	allowed []string
}

// New starts a fake for the bot token; the server closes at the end of
// the test.
func New(t testing.TB, token string) *Fake {
	t.Helper()
	f := &Fake{
		t:           t,
		token:       token,
		changed:     make(chan struct{}),
		faults:      map[string][]*fault{},
		delays:      map[string]time.Duration{},
		nextMsgID:   1,
		messages:    map[int]message{},
		inflight:    map[int64]int{},
		maxInflight: map[int64]int{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the API base URL (TELEGRAM_API_URL): requests go to
// URL()+"/bot"+token+"/"+method.
func (f *Fake) URL() string { return f.srv.URL }

// Token is the bot token the fake accepts.
func (f *Fake) Token() string { return f.token }

// Fail makes the next n calls of method fail with code and description,
// after any failures already queued for it. The HTTP status is code; a
// retryAfter above 0 adds "parameters":{"retry_after":retryAfter}.
func (f *Fake) Fail(method string, n, code int, description string, retryAfter int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[method] = append(f.faults[method], &fault{n: n, code: code, description: description, retryAfter: retryAfter})
}

// Fail429 makes the next n calls of method hit flood control.
func (f *Fake) Fail429(method string, n, retryAfter int) {
	f.Fail(method, n, http.StatusTooManyRequests, "Too Many Requests: retry after "+strconv.Itoa(retryAfter), retryAfter)
}

// FailBlocked makes the next n calls of method fail as for a user who
// blocked the bot.
func (f *Fake) FailBlocked(method string, n int) {
	f.Fail(method, n, http.StatusForbidden, "Forbidden: bot was blocked by the user", 0)
}

// Fail500 makes the next n calls of method fail with an internal error.
func (f *Fake) Fail500(method string, n int) {
	f.Fail(method, n, http.StatusInternalServerError, "Internal Server Error", 0)
}

// Delay makes every later call of method wait d before answering (0
// removes the delay), for timeout and ordering tests. The wait ends early
// if the client goes away, and the call is then still carried out and
// recorded, as Telegram may still send a message after a client timeout.
func (f *Fake) Delay(method string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delays[method] = d
}

// Calls returns the calls of method (every method for ""), failed ones
// included, in the order received.
func (f *Fake) Calls(method string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Succeeded is the number of successful calls of method.
func (f *Fake) Succeeded(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.succeeded(method)
}

func (f *Fake) succeeded(method string) int {
	n := 0
	for _, c := range f.calls {
		if c.Method == method && c.OK() {
			n++
		}
	}
	return n
}

// Wait waits until at least n calls of method have succeeded, failing the
// test after timeout.
func (f *Fake) Wait(t testing.TB, method string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		got, ch := f.succeeded(method), f.changed
		f.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("tgfake: waited %v for %d successful %s calls, got %d", timeout, n, method, got)
			return
		}
	}
}

// MaxInFlight is the most sendMessage calls to chatID the fake ever
// handled at the same time (1 when sends to a chat are serialised).
func (f *Fake) MaxInFlight(chatID int64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxInflight[chatID]
}

// notify wakes waiters; call with f.mu held.
func (f *Fake) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// apiError is a Bot API error answer.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	prefix := "/bot" + f.token + "/"
	method, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok || method == "" || strings.Contains(method, "/") {
		writeError(w, apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	params, err := readParams(r)
	if err != nil {
		writeError(w, apiError{code: http.StatusBadRequest, description: "Bad Request: " + err.Error()})
		return
	}

	f.mu.Lock()
	delay := f.delays[method]
	f.mu.Unlock()

	var chatID int64
	tracked := false
	if method == "sendMessage" {
		if id, err := strconv.ParseInt(params.Get("chat_id"), 10, 64); err == nil {
			chatID, tracked = id, true
			f.mu.Lock()
			f.inflight[chatID]++
			if f.inflight[chatID] > f.maxInflight[chatID] {
				f.maxInflight[chatID] = f.inflight[chatID]
			}
			f.mu.Unlock()
		}
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
		}
	}

	var (
		result any
		aerr   *apiError
	)
	if method == "getUpdates" {
		result, aerr = f.getUpdates(r, params)
		f.mu.Lock()
	} else {
		f.mu.Lock()
		if aerr = f.takeFault(method); aerr == nil {
			result, aerr = f.handle(method, params)
		}
	}
	if tracked {
		f.inflight[chatID]--
	}
	call := Call{Method: method, Params: params, Status: http.StatusOK, At: time.Now()}
	if aerr != nil {
		call.Status = aerr.code
	} else {
		call.Result, _ = json.Marshal(result)
	}
	f.calls = append(f.calls, call)
	f.notify()
	f.mu.Unlock()

	if aerr != nil {
		writeError(w, *aerr)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

// takeFault consumes one queued failure of method; call with f.mu held.
func (f *Fake) takeFault(method string) *apiError {
	q := f.faults[method]
	if len(q) == 0 {
		return nil
	}
	ft := q[0]
	ft.n--
	if ft.n <= 0 {
		f.faults[method] = q[1:]
	}
	return &apiError{code: ft.code, description: ft.description, retryAfter: ft.retryAfter}
}

// readParams decodes a form-encoded, multipart or JSON body (and the
// query string) into url.Values.
func readParams(r *http.Request) (url.Values, error) {
	out := url.Values{}
	for k, v := range r.URL.Query() {
		out[k] = v
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			return out, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, err
		}
		for k, raw := range m {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				out.Set(k, s)
			} else {
				out.Set(k, string(raw))
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return nil, err
		}
		for k, v := range r.MultipartForm.Value {
			out[k] = v
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, v := range r.PostForm {
			out[k] = v
		}
	}
	return out, nil
}

func writeError(w http.ResponseWriter, e apiError) {
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.description}
	if e.retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": e.retryAfter}
	}
	writeJSON(w, e.code, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
