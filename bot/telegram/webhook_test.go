package telegram_test

// The Telegram channel end to end, as it runs in production: Telegram's
// HTTP edge is the tgfake server; the webhook, the engine with the built-in
// flows and safeguarding, the store (memory here, Redis in the benchmark),
// the durable outbox and its dispatcher with the Telegram Sender are real.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/bot/telegram"
	"github.com/signpost-app/signpost/bot/telegram/tgfake"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
	"github.com/signpost-app/signpost/server"
	"github.com/signpost-app/signpost/store/memory"
	redisstore "github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
)

const (
	testToken  = "7000000001:AAHtestTokenForSignpost_abcdefghij"
	testSecret = "s3cret-Token_for-the-webhook"
	samChat    = int64(5512345678)
)

var builtinFlows = sync.OnceValues(func() (*flows.Set, error) {
	s, ps := flows.LoadFS(builtin.FS, flows.LoadOptions{})
	return s, ps.Err()
})

// testClock is a clock the test moves (for retry_after).
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// tgHarness is one Signpost process with Telegram enabled.
type tgHarness struct {
	t      *testing.T
	ctx    context.Context
	fake   *tgfake.Fake
	api    *telegram.Client
	clock  *testClock
	st     *memory.Store
	eng    *bot.Engine
	disp   *outbox.Dispatcher
	http   http.Handler
	update int // the last update_id posted
	cbSeq  int
}

func newTGHarness(t *testing.T) *tgHarness {
	t.Helper()
	set, err := builtinFlows()
	if err != nil {
		t.Fatalf("built-in flows: %v", err)
	}
	fake := tgfake.New(t, testToken)
	api, err := telegram.NewClient(testToken, fake.URL(), 5*time.Second)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	clock := &testClock{t: time.Now()}
	st := memory.New(memory.Options{Now: clock.Now, Salt: "salt", Outbox: []string{bot.ChannelTelegram}})
	eng := bot.New(bot.Options{Flows: set, Store: st, Screener: safeguard.Default(), StartFlow: builtin.DefaultFlow,
		MinAge: 11, StopConfirmation: true, Now: clock.Now, Salt: "salt"})
	disp := outbox.New(outbox.Options{Store: st, Senders: map[string]outbox.Sender{bot.ChannelTelegram: &telegram.Sender{API: api}},
		Now: clock.Now, Salt: "salt"})
	srv := server.New(server.Options{})
	telegram.NewWebhook(telegram.Options{Engine: eng, API: api, Secret: testSecret, Wake: disp.Wake, Salt: "salt"}).Register(srv)
	return &tgHarness{t: t, ctx: context.Background(), fake: fake, api: api, clock: clock, st: st, eng: eng,
		disp: disp, http: srv.Handler(), update: 812340000}
}

// post sends a raw body to the webhook with a secret header (none when
// secret is "") and returns the status.
func (h *tgHarness) post(body, secret string) int {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodPost, telegram.WebhookPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	rec := httptest.NewRecorder()
	h.http.ServeHTTP(rec, req)
	return rec.Code
}

// deliver posts an Update (JSON without update_id) as Telegram would, with
// the next update_id, expects 200 and sends what the turn queued.
func (h *tgHarness) deliver(update string) {
	h.t.Helper()
	if code := h.post(h.withID(update), testSecret); code != http.StatusOK {
		h.t.Fatalf("webhook answered %d", code)
	}
	h.flush()
}

// withID gives an Update the next update_id.
func (h *tgHarness) withID(update string) string {
	h.update++
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(update), &m); err != nil {
		h.t.Fatal(err)
	}
	m["update_id"] = json.RawMessage(strconv.Itoa(h.update))
	b, _ := json.Marshal(m)
	return string(b)
}

// say delivers a text message from Sam.
func (h *tgHarness) say(text string) {
	h.t.Helper()
	h.deliver(tgfake.TextUpdate(samChat, h.update, text))
}

// flush runs the outbox dispatcher until nothing more is due now.
func (h *tgHarness) flush() {
	h.t.Helper()
	for range 50 {
		n, err := h.disp.Pass(h.ctx)
		if err != nil {
			h.t.Fatalf("outbox pass: %v", err)
		}
		if n == 0 {
			return
		}
	}
	h.t.Fatal("outbox never emptied")
}

// last returns the last message the bot sent to Sam.
func (h *tgHarness) last() tgfake.SentMessage {
	h.t.Helper()
	sent := h.fake.Sent()
	if len(sent) == 0 {
		h.t.Fatal("nothing sent")
	}
	return sent[len(sent)-1]
}

// expect checks that the last message sent contains want.
func (h *tgHarness) expect(want string) tgfake.SentMessage {
	h.t.Helper()
	m := h.last()
	if !strings.Contains(m.Text, want) {
		h.t.Fatalf("last message %q does not contain %q", m.Text, want)
	}
	return m
}

// keyboard returns the keyboard message id shows now: its last edit, else
// as sent.
func (h *tgHarness) keyboard(messageID int) [][]tgfake.Button {
	edits := h.fake.Edits()
	for i := len(edits) - 1; i >= 0; i-- {
		if edits[i].MessageID == messageID {
			return edits[i].Keyboard
		}
	}
	for _, m := range h.fake.Sent() {
		if m.MessageID == messageID {
			return m.Keyboard
		}
	}
	return nil
}

// press delivers a press of the button with data on message messageID,
// carrying the keyboard the message shows now, as Telegram does; it
// returns the callback_query id.
func (h *tgHarness) press(messageID int, data string) string {
	h.t.Helper()
	h.cbSeq++
	id := fmt.Sprintf("cbq%d", h.cbSeq)
	h.deliver(pressJSON(messageID, id, data, h.keyboard(messageID)))
	return id
}

// answer returns the acknowledgement of callback id ("", false if none).
func (h *tgHarness) answer(id string) (toast string, ok bool) {
	for _, a := range h.fake.Answers() {
		if a.ID == id {
			return a.Text, true
		}
	}
	return "", false
}

func (h *tgHarness) session() *bot.Session {
	h.t.Helper()
	s, err := h.st.Session(h.ctx, bot.ConversationKey(bot.ChannelTelegram, strconv.FormatInt(samChat, 10)))
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// toName walks the default flow up to the name question and answers it.
func (h *tgHarness) toName(first string) {
	h.t.Helper()
	h.say(first)
	h.expect("not an emergency service")
	for _, step := range []struct{ say, want string }{
		{"yes", "How old"}, {"15", "share your answers"}, {"yes", "call you"},
	} {
		h.say(step.say)
		h.expect(step.want)
	}
	h.say("Sam")
}

// toSupport walks the default flow to the "help with" question.
func (h *tgHarness) toSupport() {
	h.t.Helper()
	h.toName("hi")
	q := h.expect("hear about")
	h.press(q.MessageID, "c|heard|friend")
	h.say("I want a job and I feel stuck at home")
}

func labels(kb [][]tgfake.Button) []string {
	var out []string
	for _, row := range kb {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

func dataOf(kb [][]tgfake.Button, label string) string {
	for _, row := range kb {
		for _, b := range row {
			if strings.HasSuffix(b.Text, label) {
				return b.Data
			}
		}
	}
	return ""
}

func TestWebhookRefusesRequestsWithoutTheSecret(t *testing.T) {
	h := newTGHarness(t)
	body := h.withID(tgfake.TextUpdate(samChat, 1, "hi"))
	for name, secret := range map[string]string{
		"missing":      "",
		"wrong":        "not-the-secret",
		"prefix":       testSecret[:5],
		"longer":       testSecret + "x",
		"other case":   strings.ToUpper(testSecret),
		"with a space": testSecret + " ",
	} {
		if code := h.post(body, secret); code != http.StatusUnauthorized {
			t.Errorf("%s secret: status %d, want 401", name, code)
		}
	}
	h.flush()
	if len(h.fake.Sent()) != 0 || h.session() != nil {
		t.Fatal("a refused request was processed")
	}
	// The same update with the secret is taken: nothing was marked seen.
	if code := h.post(body, testSecret); code != http.StatusOK {
		t.Fatalf("with the secret: %d", code)
	}
	h.flush()
	h.expect("not an emergency service")
}

func TestWebhookWithNoSecretConfiguredRefusesEverything(t *testing.T) {
	h := newTGHarness(t)
	srv := server.New(server.Options{})
	telegram.NewWebhook(telegram.Options{Engine: h.eng, API: h.api}).Register(srv)
	for _, secret := range []string{"", "anything"} {
		req := httptest.NewRequest(http.MethodPost, telegram.WebhookPath, strings.NewReader(h.withID(tgfake.TextUpdate(samChat, 1, "hi"))))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("secret %q: %d, want 401", secret, rec.Code)
		}
	}
}

func TestWebhookBadBodies(t *testing.T) {
	h := newTGHarness(t)
	for name, tt := range map[string]struct {
		body string
		want int
	}{
		"not json":     {`{"update_id": 1, "message":`, http.StatusBadRequest},
		"no update id": {`{"message": {"message_id": 1}}`, http.StatusBadRequest},
		"too large":    {`{"update_id": 5, "message": {"text": "` + strings.Repeat("a", 2<<20) + `"}}`, http.StatusRequestEntityTooLarge},
	} {
		if code := h.post(tt.body, testSecret); code != tt.want {
			t.Errorf("%s: %d, want %d", name, code, tt.want)
		}
	}
	req := httptest.NewRequest(http.MethodGet, telegram.WebhookPath, nil)
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", testSecret)
	rec := httptest.NewRecorder()
	h.http.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", rec.Code)
	}
}

func TestWebhookRedeliveredUpdateIsHandledOnce(t *testing.T) {
	h := newTGHarness(t)
	body := h.withID(tgfake.TextUpdate(samChat, 1, "hi"))
	for range 3 {
		if code := h.post(body, testSecret); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	h.flush()
	if n := len(h.fake.Sent()); n != 1 {
		t.Fatalf("%d messages sent for one update delivered three times", n)
	}
	// A new update with the same text is a new message.
	h.say("hi")
	if n := len(h.fake.Sent()); n != 2 {
		t.Fatalf("%d messages sent after a second update", n)
	}
}

func TestWebhookEngineFailureIs503AndTheRetryIsTaken(t *testing.T) {
	h := newTGHarness(t)
	failing := &flakyEngine{Engine: h.eng, fail: 1}
	srv := server.New(server.Options{})
	telegram.NewWebhook(telegram.Options{Engine: failing, API: h.api, Secret: testSecret}).Register(srv)
	h.http = srv.Handler()
	body := h.withID(tgfake.TextUpdate(samChat, 1, "hi"))
	if code := h.post(body, testSecret); code != http.StatusServiceUnavailable {
		t.Fatalf("store down: %d, want 503", code)
	}
	if code := h.post(body, testSecret); code != http.StatusOK {
		t.Fatalf("redelivery: %d, want 200", code)
	}
	h.flush()
	if n := len(h.fake.Sent()); n != 1 {
		t.Fatalf("%d messages sent", n)
	}
}

// flakyEngine fails the first fail calls as a store outage would.
type flakyEngine struct {
	telegram.Engine
	mu   sync.Mutex
	fail int
}

func (e *flakyEngine) Handle(ctx context.Context, in bot.Inbound) ([]bot.Outbound, error) {
	e.mu.Lock()
	fail := e.fail > 0
	e.fail--
	e.mu.Unlock()
	if fail {
		return nil, fmt.Errorf("beginning turn: %w", errOutage)
	}
	return e.Engine.Handle(ctx, in)
}

func TestDeepLinkTagsTheSourceAndSkipsWhereDidYouHear(t *testing.T) {
	h := newTGHarness(t)
	h.toName("/start oakwood")
	h.expect("In your own words")
	s := h.session()
	if s == nil || s.Source != "oakwood" {
		t.Fatalf("session source: %+v", s)
	}
	for _, m := range h.fake.Sent() {
		if strings.Contains(m.Text, "hear about") {
			t.Fatalf("asked where they heard about us: %q", m.Text)
		}
	}
}

func TestStartWithoutADeepLinkAsksWhereTheyHeard(t *testing.T) {
	h := newTGHarness(t)
	h.toName("/start")
	m := h.expect("hear about")
	if len(m.Keyboard) != 8 || !slices.Contains(labels(m.Keyboard), "A friend") {
		t.Fatalf("choice buttons: %v", labels(m.Keyboard))
	}
	if s := h.session(); s.Source != "" {
		t.Fatalf("source %q without a deep link", s.Source)
	}
}

func TestChoiceButtons(t *testing.T) {
	h := newTGHarness(t)
	h.toName("hi")
	q := h.expect("hear about")
	if got := dataOf(q.Keyboard, "A friend"); got != "c|heard|friend" {
		t.Fatalf("button data %q", got)
	}
	before := len(h.fake.Sent())

	// Pressing a button answers the step, acknowledges the press and
	// removes the keyboard.
	cb := h.press(q.MessageID, "c|heard|friend")
	if toast, ok := h.answer(cb); !ok || toast != "" {
		t.Fatalf("press acknowledged: %v, toast %q", ok, toast)
	}
	edits := h.fake.Edits()
	if len(edits) != 1 || edits[0].MessageID != q.MessageID || edits[0].Keyboard != nil {
		t.Fatalf("keyboard not removed: %+v", edits)
	}
	h.expect("In your own words")
	s := h.session()
	if got := s.Answer("heard").Raw; got != "friend" || s.Step != "story" {
		t.Fatalf("answer %q at step %s", got, s.Step)
	}

	// The same button later (a stale keyboard on another device) gets a
	// toast and changes nothing.
	sent, turn := len(h.fake.Sent()), s.Turn
	cb = h.press(q.MessageID, "c|heard|school")
	if toast, ok := h.answer(cb); !ok || !strings.Contains(toast, "already been answered") {
		t.Fatalf("stale press: acknowledged %v, toast %q", ok, toast)
	}
	if len(h.fake.Sent()) != sent || len(h.fake.Edits()) != 1 {
		t.Fatal("a stale press sent or edited something")
	}
	if s := h.session(); s.Answer("heard").Raw != "friend" || s.Step != "story" || s.Turn != turn+1 {
		t.Fatalf("a stale press changed the session: %+v", s)
	}
	if before+1 != sent {
		t.Fatalf("one press sent %d messages", sent-before)
	}
}

func TestChoicesTogglesAndDone(t *testing.T) {
	h := newTGHarness(t)
	h.toSupport()
	q := h.expect("What would you like help with")
	if n := len(q.Keyboard); n != 11 {
		t.Fatalf("%d rows, want 10 options and Done", n)
	}
	if got := labels(q.Keyboard); got[0] != telegram.BoxUnchecked+"Feeling low, worried or stressed" || q.Keyboard[10][0].Data != "d|support" {
		t.Fatalf("labels %q", got)
	}
	sent := len(h.fake.Sent())

	// Done with nothing ticked: a toast, nothing else.
	cb := h.press(q.MessageID, "d|support")
	if toast, _ := h.answer(cb); toast != telegram.PickAtLeastOne {
		t.Fatalf("done with none ticked: toast %q", toast)
	}

	// Ticks are edits of the keyboard, acknowledged, without a turn.
	turn := h.session().Turn
	for _, label := range []string{"Money worries", "Work, training or an apprenticeship", "Feeling lonely", "Feeling lonely"} {
		cb := h.press(q.MessageID, dataOf(h.keyboard(q.MessageID), label))
		if _, ok := h.answer(cb); !ok {
			t.Fatalf("toggle of %s not acknowledged", label)
		}
	}
	kb := labels(h.keyboard(q.MessageID))
	for _, want := range []string{telegram.BoxChecked + "Money worries", telegram.BoxChecked + "Work, training or an apprenticeship",
		telegram.BoxUnchecked + "Feeling lonely", telegram.BoxUnchecked + "Sport and activities"} {
		if !slices.Contains(kb, want) {
			t.Fatalf("keyboard %q lacks %q", kb, want)
		}
	}
	if len(h.fake.Sent()) != sent || h.session().Turn != turn {
		t.Fatal("a toggle reached the engine")
	}

	// Done sends the ticked options as the answer.
	h.press(q.MessageID, "d|support")
	h.expect("fits you best")
	s := h.session()
	if got := s.Answer("support").Value.IDs; !slices.Equal(got, []string{"money", "work"}) {
		t.Fatalf("support answer %v", got)
	}
	if last := h.fake.Edits(); last[len(last)-1].MessageID != q.MessageID || last[len(last)-1].Keyboard != nil {
		t.Fatal("the answered question kept its keyboard")
	}
}

func TestNonTextGetsAPoliteAnswer(t *testing.T) {
	for _, kind := range []string{"sticker", "photo", "voice", "video_note", "document", "location"} {
		t.Run(kind, func(t *testing.T) {
			h := newTGHarness(t)
			h.say("hi")
			h.say("yes")
			before := len(h.fake.Sent())
			content := map[string]any{
				"sticker":    map[string]any{"file_id": "CAAC", "file_unique_id": "Ag", "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false},
				"photo":      []any{map[string]any{"file_id": "AgAC", "file_unique_id": "AQ", "width": 90, "height": 67}},
				"voice":      map[string]any{"duration": 4, "file_id": "AwAC", "file_unique_id": "Ag"},
				"video_note": map[string]any{"duration": 6, "length": 384, "file_id": "DQAC", "file_unique_id": "Ag"},
				"document":   map[string]any{"file_id": "BQAC", "file_unique_id": "Ag", "file_name": "cv.pdf"},
				"location":   map[string]any{"latitude": 53.48, "longitude": -2.24},
			}[kind]
			up, _ := json.Marshal(map[string]any{"message": map[string]any{"message_id": 9, "date": time.Now().Unix(),
				"from": map[string]any{"id": samChat, "is_bot": false, "first_name": "Sam"},
				"chat": map[string]any{"id": samChat, "type": "private"}, kind: content}})
			h.deliver(string(up))
			if n := len(h.fake.Sent()) - before; n != 1 {
				t.Fatalf("%d replies", n)
			}
			h.expect("I can only read text")
			h.expect("How old") // and the question again
		})
	}
}

func TestGroupChatsGetNoReply(t *testing.T) {
	h := newTGHarness(t)
	for _, typ := range []string{"group", "supergroup"} {
		up, _ := json.Marshal(map[string]any{"message": map[string]any{"message_id": 9, "date": time.Now().Unix(),
			"from": map[string]any{"id": samChat, "is_bot": false, "first_name": "Sam"},
			"chat": map[string]any{"id": -1001987654321, "title": "Year 10", "type": typ}, "text": "/start oakwood"}})
		h.deliver(string(up))
	}
	if calls := h.fake.Calls(""); len(calls) != 1 || calls[0].Method != "getMe" {
		t.Fatalf("the bot spoke in a group: %+v", calls)
	}
}

func TestFloodControlRetriesAfterRetryAfter(t *testing.T) {
	h := newTGHarness(t)
	h.fake.Fail429("sendMessage", 1, 7)
	h.say("hi")
	calls := h.fake.Calls("sendMessage")
	if len(calls) != 1 || calls[0].Status != http.StatusTooManyRequests {
		t.Fatalf("calls %+v", calls)
	}
	h.clock.Add(6 * time.Second)
	h.flush()
	if n := len(h.fake.Calls("sendMessage")); n != 1 {
		t.Fatalf("resent before retry_after: %d calls", n)
	}
	h.clock.Add(time.Second)
	h.flush()
	if n := len(h.fake.Sent()); n != 1 {
		t.Fatalf("%d messages sent after retry_after", n)
	}
	h.expect("not an emergency service")
}

func TestBlockedBotOptsThePersonOut(t *testing.T) {
	h := newTGHarness(t)
	h.say("hi")
	h.fake.FailBlocked("sendMessage", 1)
	h.say("yes")
	key := bot.ConversationKey(bot.ChannelTelegram, strconv.FormatInt(samChat, 10))
	if out, err := h.st.OptedOut(h.ctx, key); err != nil || !out {
		t.Fatalf("opted out: %v, %v", out, err)
	}
	h.say("15")
	if n := len(h.fake.Calls("sendMessage")); n != 2 {
		t.Fatalf("%d sendMessage calls; the blocked person got more", n)
	}
	// Unblocking and pressing Start wakes the conversation.
	h.say("/start")
	if n := len(h.fake.Sent()); n != 2 {
		t.Fatalf("%d sent after /start", n)
	}
}

func TestSetupRegistersTheWebhookAndCommands(t *testing.T) {
	h := newTGHarness(t)
	if err := telegram.Setup(h.ctx, h.api, "https://signpost.example.org/", testSecret); err != nil {
		t.Fatal(err)
	}
	url, secret, allowed := h.fake.Webhook()
	if url != "https://signpost.example.org/webhooks/telegram" || secret != testSecret || !slices.Equal(allowed, []string{"message", "callback_query"}) {
		t.Fatalf("webhook %q %q %v", url, secret, allowed)
	}
	var got []string
	for _, c := range h.fake.Commands() {
		got = append(got, c.Command)
		if c.Description == "" {
			t.Errorf("/%s has no description", c.Command)
		}
	}
	if !slices.Equal(got, []string{"help", "restart", "stop", "delete"}) {
		t.Fatalf("commands %v", got)
	}
	if err := telegram.Setup(h.ctx, h.api, "https://signpost.example.org", ""); err == nil {
		t.Error("Setup without a secret succeeded")
	}
	h.fake.Fail500("setWebhook", 1)
	if err := telegram.Setup(h.ctx, h.api, "https://signpost.example.org", testSecret); err == nil {
		t.Error("Setup hid a setWebhook failure")
	}
}

func TestToggleRetriesWhenTelegramIsDown(t *testing.T) {
	h := newTGHarness(t)
	h.toSupport()
	q := h.expect("What would you like help with")
	h.fake.Fail500("editMessageReplyMarkup", 1)
	body := h.withID(pressJSON(q.MessageID, "cbqX", "t|support|money", q.Keyboard))
	if code := h.post(body, testSecret); code != http.StatusServiceUnavailable {
		t.Fatalf("edit failed: %d, want 503", code)
	}
	if code := h.post(body, testSecret); code != http.StatusOK {
		t.Fatalf("redelivery: %d", code)
	}
	if kb := labels(h.keyboard(q.MessageID)); !slices.Contains(kb, telegram.BoxChecked+"Money worries") {
		t.Fatalf("keyboard %q", kb)
	}
	// An old query Telegram no longer accepts is not retried.
	h.fake.Fail("answerCallbackQuery", 1, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0)
	if code := h.post(h.withID(pressJSON(q.MessageID, "cbqY", "t|support|money", h.keyboard(q.MessageID))), testSecret); code != http.StatusOK {
		t.Fatalf("old query: %d", code)
	}
}

// pressJSON is a callback_query Update (without update_id) on messageID
// showing kb.
func pressJSON(messageID int, id, data string, kb [][]tgfake.Button) string {
	var rows [][]map[string]string
	for _, row := range kb {
		var r []map[string]string
		for _, b := range row {
			r = append(r, map[string]string{"text": b.Text, "callback_data": b.Data})
		}
		rows = append(rows, r)
	}
	up, _ := json.Marshal(map[string]any{"callback_query": map[string]any{"id": id, "data": data,
		"chat_instance": "-5838592381982351872",
		"from":          map[string]any{"id": samChat, "is_bot": false, "first_name": "Sam"},
		"message": map[string]any{"message_id": messageID, "date": time.Now().Unix(), "text": "question",
			"chat":         map[string]any{"id": samChat, "type": "private"},
			"reply_markup": map[string]any{"inline_keyboard": rows}}}})
	return string(up)
}

// BenchmarkTelegramWebhook measures what Telegram sees of one update: a
// POST /webhooks/telegram over real HTTP → secret check → decode → a turn
// on the Redis store (a private redis-server started for the benchmark)
// → the reply queued in the outbox. No dispatcher runs, so sending costs
// nothing here. Updates come from 10,000 chats, each a person's message
// ("hi": a first message, or a re-ask), over parallel clients: 1 per CPU
// shows a request on its own, 8 per CPU the throughput under load.
//
//	go test ./bot/telegram/ -run '^$' -bench BenchmarkTelegramWebhook -benchtime 10000x
func BenchmarkTelegramWebhook(b *testing.B) {
	rs := redistest.Start(b, redistest.Options{})
	set, err := builtinFlows()
	if err != nil {
		b.Fatal(err)
	}
	c := rs.Client(b)
	st := redisstore.New(c, redisstore.Options{Prefix: redistest.NewPrefix(), Salt: "salt", Outbox: []string{bot.ChannelTelegram}})
	eng := bot.New(bot.Options{Flows: set, Store: st, Screener: safeguard.Default(), StartFlow: builtin.DefaultFlow,
		MinAge: 11, StopConfirmation: true, Salt: "salt"})
	fake := tgfake.New(b, testToken)
	api, err := telegram.NewClient(testToken, fake.URL(), 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	srv := server.New(server.Options{})
	telegram.NewWebhook(telegram.Options{Engine: eng, API: api, Secret: testSecret, Salt: "salt"}).Register(srv)
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(hs.Close)
	var updateID atomic.Int64
	updateID.Store(time.Now().UnixNano() % 1e9 * 1000)
	for _, perCPU := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%dxCPU", perCPU), func(b *testing.B) {
			benchTelegramWebhook(b, hs.URL+telegram.WebhookPath, perCPU, &updateID, st)
		})
	}
}

func benchTelegramWebhook(b *testing.B, target string, perCPU int, updateID *atomic.Int64, st *redisstore.Store) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	b.Cleanup(client.CloseIdleConnections)
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	var lastChat atomic.Int64

	b.SetParallelism(perCPU)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			id := updateID.Add(1)
			chat := 6_000_000_000 + id%10000
			body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,`+
				`"from":{"id":%d,"is_bot":false,"first_name":"Sam","language_code":"en"},`+
				`"chat":{"id":%d,"first_name":"Sam","type":"private"},"text":"hi"}}`,
				id, id%100000+1, time.Now().Unix(), chat, chat)
			req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", testSecret)
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			local = append(local, time.Since(t0))
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			lastChat.Store(chat)
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		i := min(len(lat)-1, int(float64(len(lat))*p))
		return float64(lat[i].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "updates/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")

	// Each update made a turn that queued its reply.
	key := bot.ConversationKey(bot.ChannelTelegram, strconv.FormatInt(lastChat.Load(), 10))
	if q, err := st.Pending(context.Background(), key); err != nil || len(q) < 1 {
		b.Errorf("no reply queued for the last chat (%v)", err)
	}
}
