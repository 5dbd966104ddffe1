package telegram_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/bot/telegram"
	"github.com/signpost-app/signpost/bot/telegram/tgfake"
	"github.com/signpost-app/signpost/flows/builtin"
	"github.com/signpost-app/signpost/store/memory"
)

// recordingStore is the memory store with an outage switch and a record of
// every turn committed, by message id.
type recordingStore struct {
	*memory.Store
	mu        sync.Mutex
	down      bool            // Begin fails while set
	onCommit  func(id string) // called after each commit (not under mu)
	committed map[string]int  // message id → turns committed
	changed   chan struct{}   // closed and replaced on every commit
}

func newRecordingStore() *recordingStore {
	return &recordingStore{Store: memory.New(memory.Options{Salt: "salt", Outbox: []string{bot.ChannelTelegram}}),
		committed: map[string]int{}, changed: make(chan struct{})}
}

var errOutage = errors.New("store unavailable")

func (s *recordingStore) Begin(ctx context.Context, in bot.Inbound) (*bot.Turn, error) {
	s.mu.Lock()
	fail := s.down
	s.mu.Unlock()
	if fail {
		return nil, errOutage
	}
	return s.Store.Begin(ctx, in)
}

func (s *recordingStore) Commit(ctx context.Context, t *bot.Turn) (*bot.Turn, error) {
	next, err := s.Store.Commit(ctx, t)
	if err == nil {
		s.mu.Lock()
		s.committed[t.Msg.ID]++
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
		if s.onCommit != nil {
			s.onCommit(t.Msg.ID)
		}
	}
	return next, err
}

func (s *recordingStore) setDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// waitFor waits until the turn of every id in ids is committed.
func (s *recordingStore) waitFor(t *testing.T, ids ...string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		missing := ""
		for _, id := range ids {
			if s.committed[id] == 0 {
				missing = id
				break
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if missing == "" {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("update %s was never handled", missing)
		}
	}
}

type pollHarness struct {
	t    *testing.T
	fake *tgfake.Fake
	api  *telegram.Client
	st   *recordingStore
	eng  *bot.Engine
}

func newPollHarness(t *testing.T) *pollHarness {
	t.Helper()
	set, err := builtinFlows()
	if err != nil {
		t.Fatal(err)
	}
	fake := tgfake.New(t, testToken)
	api, err := telegram.NewClient(testToken, fake.URL(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	st := newRecordingStore()
	eng := bot.New(bot.Options{Flows: set, Store: st, Screener: safeguard.Default(), StartFlow: builtin.DefaultFlow,
		MinAge: 11, StopConfirmation: true, Salt: "salt"})
	return &pollHarness{t: t, fake: fake, api: api, st: st, eng: eng}
}

// start runs the poller until the returned stop is called; stop returns
// what RunPolling returned.
func (p *pollHarness) start() (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- telegram.RunPolling(ctx, telegram.Options{Engine: p.eng, API: p.api, Salt: "salt",
			PollTimeout: time.Second, Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	}()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			p.t.Fatal("RunPolling did not return after cancel")
			return nil
		}
	}
}

// push queues a text update from chat and returns its Inbound id.
func (p *pollHarness) push(chat int64, text string) string {
	return "u" + strconv.Itoa(p.fake.PushUpdate(tgfake.TextUpdate(chat, 1, text)))
}

// offsets returns the offset each getUpdates call asked for (0 for none).
func (p *pollHarness) offsets() []int {
	var out []int
	for _, c := range p.fake.Calls("getUpdates") {
		n, _ := strconv.Atoi(c.Params.Get("offset"))
		out = append(out, n)
	}
	return out
}

func TestPollingTakesEveryUpdateOnceAcrossCrashesAndOutages(t *testing.T) {
	p := newPollHarness(t)
	// A webhook left over from webhook mode: polling must remove it.
	if err := p.api.SetWebhook(context.Background(), "https://old.example.org/webhooks/telegram", testSecret, nil); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 6 {
		ids = append(ids, p.push(samChat+int64(i%3), "hi"))
	}

	// Run 1 dies just after the engine took the third update, before the
	// next getUpdates could confirm anything.
	ctx, crash := context.WithCancel(context.Background())
	p.st.onCommit = func(id string) {
		if id == ids[2] {
			crash()
		}
	}
	if err := telegram.RunPolling(ctx, telegram.Options{Engine: p.eng, API: p.api, PollTimeout: time.Second,
		Backoff: 20 * time.Millisecond}); err != nil {
		t.Fatalf("run 1: %v", err)
	}
	p.st.onCommit = nil
	if got := p.committedIDs(); len(got) != 3 {
		t.Fatalf("run 1 handled %v", got)
	}
	if offs := p.offsets(); len(offs) != 1 || offs[0] != 0 || p.fake.Pending() != 6 {
		t.Fatalf("run 1: offsets %v, %d pending", offs, p.fake.Pending())
	}
	if url, _, _ := p.fake.Webhook(); url != "" {
		t.Fatalf("webhook still set: %s", url)
	}

	// Run 2: the store is down. Nothing is taken, so nothing is confirmed.
	p.st.setDown(true)
	calls := len(p.offsets())
	stop := p.start()
	ids = append(ids, p.push(samChat, "yes"))
	waitCalls(t, p.fake, "getUpdates", calls+3)
	stop()
	for _, o := range p.offsets()[calls:] {
		if o != 0 {
			t.Fatalf("run 2 confirmed updates the store never took: offsets %v", p.offsets())
		}
	}
	if p.fake.Pending() != 7 || len(p.committedIDs()) != 3 {
		t.Fatalf("run 2: %d pending, handled %v", p.fake.Pending(), p.committedIDs())
	}

	// Run 3: the store is back. The updates run 1 took come again and the
	// dedupe marks drop them; the rest are handled, each once.
	p.st.setDown(false)
	stop = p.start()
	ids = append(ids, p.push(samChat+1, "yes"))
	p.st.waitFor(t, ids...)
	waitPending(t, p.fake, 0)
	if err := stop(); err != nil {
		t.Fatalf("run 3: %v", err)
	}
	// The confirming call is recorded when its long poll ends.
	deadline := time.Now().Add(10 * time.Second)
	for offs := p.offsets(); offs[len(offs)-1] != 9 && time.Now().Before(deadline); offs = p.offsets() {
		time.Sleep(5 * time.Millisecond)
	}
	p.st.mu.Lock()
	for _, id := range ids {
		if n := p.st.committed[id]; n != 1 {
			t.Errorf("update %s handled %d times", id, n)
		}
	}
	if len(p.st.committed) != len(ids) {
		t.Errorf("%d updates handled, want %d", len(p.st.committed), len(ids))
	}
	p.st.mu.Unlock()
	offs := p.offsets()
	if last := offs[len(offs)-1]; last != 9 {
		t.Errorf("offsets %v: the last should confirm all 8 updates", offs)
	}
	// The replies are in the outbox: nothing was lost on the way.
	for i := range 3 {
		out, err := p.st.Pending(context.Background(), bot.ConversationKey(bot.ChannelTelegram, strconv.FormatInt(samChat+int64(i), 10)))
		if err != nil || len(out) < 2 {
			t.Errorf("chat %d: %d replies queued (%v)", i, len(out), err)
		}
	}
}

func (p *pollHarness) committedIDs() []string {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	var out []string
	for id := range p.st.committed {
		out = append(out, id)
	}
	return out
}

func TestPollingRetriesFromTheUpdateThatFailed(t *testing.T) {
	p := newPollHarness(t)
	ids := []string{p.push(samChat, "hi"), p.push(samChat+1, "hi"), p.push(samChat+2, "hi")}
	// The first two Begins of the second update fail.
	p.eng = bot.New(bot.Options{Flows: must(builtinFlows()), Store: &failOn{recordingStore: p.st, id: ids[1], times: 2},
		Screener: safeguard.Default(), StartFlow: builtin.DefaultFlow, MinAge: 11, Salt: "salt"})
	stop := p.start()
	p.st.waitFor(t, ids...)
	waitCalls(t, p.fake, "getUpdates", 4) // the fourth is recorded when its long poll ends
	stop()
	// Offsets: none, then after update 1 was taken and 2 failed: 2, again
	// 2, then past 3.
	want := []int{0, 2, 2, 4}
	got := p.offsets()
	if len(got) < len(want) {
		t.Fatalf("offsets %v, want %v", got, want)
	}
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("offsets %v, want prefix %v", got, want)
		}
	}
	for _, o := range got[len(want):] {
		if o != 4 {
			t.Fatalf("offsets %v", got)
		}
	}
}

// failOn fails Begin for one message id a number of times.
type failOn struct {
	*recordingStore
	id    string
	times int
}

func (f *failOn) Begin(ctx context.Context, in bot.Inbound) (*bot.Turn, error) {
	f.mu.Lock()
	fail := in.ID == f.id && f.times > 0
	if fail {
		f.times--
	}
	f.mu.Unlock()
	if fail {
		return nil, errOutage
	}
	return f.recordingStore.Begin(ctx, in)
}

func TestPollingButtonsAndGetUpdatesErrors(t *testing.T) {
	p := newPollHarness(t)
	p.fake.Fail500("getUpdates", 1)
	p.fake.Fail500("deleteWebhook", 1)
	kb := [][]tgfake.Button{{{Text: telegram.BoxUnchecked + "Money worries", Data: "t|support|money"}}, {{Text: telegram.DoneText, Data: "d|support"}}}
	p.fake.PushUpdate(pressJSON(42, "cbq1", "t|support|money", kb))
	stop := p.start()
	p.fake.Wait(t, "answerCallbackQuery", 1, 10*time.Second)
	waitPending(t, p.fake, 0)
	stop()
	edits := p.fake.Edits()
	if len(edits) != 1 || edits[0].MessageID != 42 || edits[0].Keyboard[0][0].Text != telegram.BoxChecked+"Money worries" {
		t.Fatalf("edits %+v", edits)
	}
}

func TestPollingStopsWhenTheTokenIsRefused(t *testing.T) {
	p := newPollHarness(t)
	p.fake.Fail("getUpdates", 1, 401, "Unauthorized", 0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := telegram.RunPolling(ctx, telegram.Options{Engine: p.eng, API: p.api, PollTimeout: time.Second, Backoff: time.Millisecond})
	var te *telegram.Error
	if !errors.As(err, &te) || te.Code != 401 {
		t.Fatalf("RunPolling = %v, want the 401", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func waitCalls(t *testing.T, f *tgfake.Fake, method string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(f.Calls(method)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d %s calls", n, method)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func waitPending(t *testing.T, f *tgfake.Fake, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for f.Pending() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d updates pending, want %d", f.Pending(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
