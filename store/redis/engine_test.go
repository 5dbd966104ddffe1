package redis_test

// The engine on the Redis store, as it runs in production: several
// processes (each its own go-redis client) sharing one Redis, restarts of
// processes and of Redis, timers, DELETE, and the costs of a turn.
//
// Tests that share the package's server (srv) keep apart through
// redistest.NewPrefix(); tests that stop, restart or kill a server start
// their own with redistest.Start.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
	"github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
)

var ctx = context.Background()

// fullPath walks the default flow from "hi" to a referral: each message and
// a piece of the reply it must get (the next question).
var fullPath = builtin.HappyPath

// readBack is the index in fullPath of the message answered by the read-back.
const readBack = 14

var loadFlows = sync.OnceValues(func() (*flows.Set, error) {
	s, ps := flows.LoadFS(builtin.FS, flows.LoadOptions{})
	return s, ps.Err()
})

func builtinFlows(t testing.TB) *flows.Set {
	t.Helper()
	s, err := loadFlows()
	if err != nil {
		t.Fatalf("built-in flows: %v", err)
	}
	return s
}

// msgSeq makes provider message ids unique across the package's tests.
var msgSeq atomic.Int64

func newID() string { return fmt.Sprintf("SM%016d", msgSeq.Add(1)) }

// setup is what every process of one test shares: the Redis key prefix, the
// salt and the settings.
type setup struct {
	prefix, salt    string
	reminderAfter   time.Duration // engine
	sessionTTL      time.Duration // engine
	storeSessionTTL time.Duration
	lockTTL         time.Duration
	outbox          []string // channels whose replies go to the durable outbox (production: sms)
	now             func() time.Time
	onHandoff       func(bot.Handoff)
	wrap            func(bot.Store) bot.Store // wraps the store the engine uses
}

func newSetup() setup {
	return setup{prefix: redistest.NewPrefix(), salt: "salt-" + redistest.NewPrefix()}
}

// proc is one Signpost "process": its own go-redis client, store and engine.
type proc struct {
	name string
	c    goredis.UniversalClient
	st   *redis.Store
	eng  *bot.Engine
}

// proc starts a process on client c (a new client of srv when nil).
func (s setup) proc(t testing.TB, name string, c goredis.UniversalClient) *proc {
	t.Helper()
	if c == nil {
		c = srv.Client(t)
	}
	st := redis.New(c, redis.Options{Prefix: s.prefix, Salt: s.salt, SessionTTL: s.storeSessionTTL,
		LockTTL: s.lockTTL, Outbox: s.outbox, Now: s.now})
	var es bot.Store = st
	if s.wrap != nil {
		es = s.wrap(st)
	}
	eng := bot.New(bot.Options{Flows: builtinFlows(t), Store: es, Screener: safeguard.Default(),
		StartFlow: builtin.DefaultFlow, MinAge: 11, StopConfirmation: true, ReminderAfter: s.reminderAfter,
		SessionTTL: s.sessionTTL, Now: s.now, Salt: s.salt, OnHandoff: s.onHandoff})
	return &proc{name: name, c: c, st: st, eng: eng}
}

func inbound(addr, id, text string) bot.Inbound {
	return bot.Inbound{Channel: bot.ChannelSMS, Address: addr, ID: id, Text: text}
}

// handle sends text from addr with a new provider message id.
func (p *proc) handle(addr, text string) ([]bot.Outbound, error) {
	return p.eng.Handle(ctx, inbound(addr, newID(), text))
}

// send sends text from addr and returns the replies rendered and joined.
func (p *proc) send(t testing.TB, addr, text string) string {
	t.Helper()
	outs, err := p.handle(addr, text)
	if err != nil {
		t.Fatalf("%s: Handle(%q): %v", p.name, text, err)
	}
	return plain(outs)
}

// expect sends text and checks the reply contains every want (any case).
func (p *proc) expect(t testing.TB, addr, text string, want ...string) string {
	t.Helper()
	got := p.send(t, addr, text)
	for _, w := range want {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
			t.Fatalf("%s: after %q: reply lacks %q; got:\n%s", p.name, text, w, got)
		}
	}
	return got
}

func (p *proc) session(t testing.TB, addr string) *bot.Session {
	t.Helper()
	s, err := p.st.Session(ctx, bot.ConversationKey(bot.ChannelSMS, addr))
	if err != nil {
		t.Fatalf("%s: Session: %v", p.name, err)
	}
	return s
}

func plain(outs []bot.Outbound) string {
	parts := make([]string, 0, len(outs))
	for _, o := range outs {
		parts = append(parts, o.Plain())
	}
	return strings.Join(parts, "\n")
}

func scanKeys(t testing.TB, c goredis.UniversalClient, pattern string) []string {
	t.Helper()
	var out []string
	iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		out = append(out, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("SCAN %s: %v", pattern, err)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// sessionKey is the Redis key of a person's session, as keys.go documents it.
func (s setup) sessionKey(addr string) string {
	return s.prefix + "{" + bot.HashID(s.salt, bot.ConversationKey(bot.ChannelSMS, addr)) + "}:session"
}

func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recorder wraps a store and records the replies of every committed turn,
// including those of timer and orphan turns that Handle's callers never see.
type recorder struct {
	bot.Store
	mu   *sync.Mutex
	outs map[string][]string // address → reply texts, in commit order
}

func newRecorder() (func(bot.Store) bot.Store, func(addr string) []string) {
	var mu sync.Mutex
	outs := map[string][]string{}
	wrap := func(s bot.Store) bot.Store { return &recorder{Store: s, mu: &mu, outs: outs} }
	get := func(addr string) []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(outs[addr])
	}
	return wrap, get
}

func (r *recorder) Commit(ctx context.Context, t *bot.Turn) (*bot.Turn, error) {
	outs, addr := t.Outbound, t.Msg.Address
	next, err := r.Store.Commit(ctx, t)
	if err == nil {
		r.mu.Lock()
		for _, o := range outs {
			r.outs[addr] = append(r.outs[addr], o.Text)
		}
		r.mu.Unlock()
	}
	return next, err
}

// sender is a fake channel sender for the outbox dispatcher.
type sender struct {
	mu   sync.Mutex
	sent []bot.Outbound
}

func (f *sender) Send(_ context.Context, m bot.Outbound) error {
	f.mu.Lock()
	f.sent = append(f.sent, m)
	f.mu.Unlock()
	return nil
}

func (f *sender) Limits(bot.Outbound) []outbox.Limit { return nil }

func (f *sender) texts(addr string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		if m.Address == addr {
			out = append(out, m.Text)
		}
	}
	return out
}

// dispatch sends everything p's outbox holds through snd.
func (p *proc) dispatch(t testing.TB, snd *sender) {
	t.Helper()
	d := outbox.New(outbox.Options{Store: p.st, Senders: map[string]outbox.Sender{bot.ChannelSMS: snd}})
	for range 1000 {
		n, err := d.Pass(ctx)
		if err != nil {
			t.Fatalf("outbox pass: %v", err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the outbox never emptied")
}

func countContaining(texts []string, sub string) int {
	n := 0
	for _, s := range texts {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

// 1. One person's whole conversation, alternating between two processes.
func TestTwoProcessesAlternatingOnePerson(t *testing.T) {
	var mu sync.Mutex
	var handoffs []bot.Handoff
	s := newSetup()
	s.onHandoff = func(h bot.Handoff) {
		mu.Lock()
		handoffs = append(handoffs, h)
		mu.Unlock()
	}
	procs := []*proc{s.proc(t, "A", nil), s.proc(t, "B", nil)}
	const addr = "+447700900001"
	for i, step := range fullPath {
		procs[i%2].expect(t, addr, step.Say, step.Want)
	}

	mu.Lock()
	if len(handoffs) != 1 || handoffs[0].Kind != bot.KindReferral {
		t.Fatalf("OnHandoff across both processes: want one referral, got %+v", handoffs)
	}
	mu.Unlock()
	sess := procs[0].session(t, addr)
	if sess == nil || sess.Status != bot.StatusHandedOff || sess.Referral != handoffs[0].ID {
		t.Fatalf("session after the referral: %+v", sess)
	}
	for _, p := range procs {
		refs, err := p.st.Referrals(ctx, bot.ConversationKey(bot.ChannelSMS, addr))
		if err != nil || len(refs) != 1 || refs[0].ID != handoffs[0].ID || !strings.Contains(refs[0].Summary, "Sam, age 15") {
			t.Fatalf("%s: stored referrals %+v, %v", p.name, refs, err)
		}
	}
	// After the referral, either process gives the handed-off note and
	// passes the message on with the referral; no second referral is made.
	procs[1].expect(t, addr, "hello?", "passed it to the link team")
	mu.Lock()
	defer mu.Unlock()
	if len(handoffs) != 2 || handoffs[1].Kind != bot.KindMessage || handoffs[1].Referral != handoffs[0].ID {
		t.Fatalf("after the referral: %+v", handoffs)
	}
}

// 2. Bursts of messages for many people through two processes at once.
func TestConcurrentBurstsAcrossTwoProcesses(t *testing.T) {
	t.Run("EachMessageHandledOnce", func(t *testing.T) {
		s := newSetup()
		a, b := s.proc(t, "A", nil), s.proc(t, "B", nil)
		const people, msgs = 50, 6
		addr := func(p int) string { return fmt.Sprintf("+4477009%05d", p) }
		var replies atomic.Int64
		start := make(chan struct{})
		var wg sync.WaitGroup
		for p := range people {
			for m := range msgs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					pr := a
					if m%2 == 1 {
						pr = b
					}
					<-start
					outs, err := pr.eng.Handle(ctx, inbound(addr(p), fmt.Sprintf("burst-%d-%d", p, m), fmt.Sprintf("hello %d", m)))
					if err != nil {
						t.Errorf("%s: person %d message %d: %v", pr.name, p, m, err)
					}
					replies.Add(int64(len(outs)))
				}()
			}
		}
		close(start)
		wg.Wait()

		// Nobody died, so nothing should be left for the sweepers; run them
		// anyway, as every process does, until they find nothing.
		resumed := 0
		for {
			na, errA := a.eng.ResumeOrphans(ctx, a.st)
			nb, errB := b.eng.ResumeOrphans(ctx, b.st)
			if errA != nil || errB != nil {
				t.Fatalf("ResumeOrphans: %v / %v", errA, errB)
			}
			resumed += na + nb
			if na+nb == 0 {
				break
			}
		}
		if resumed != 0 {
			t.Errorf("%d inboxes were stranded with no lock holder after every Handle returned", resumed)
		}
		if got := replies.Load(); got != people*msgs {
			t.Errorf("%d replies from Handle for %d messages (want exactly one each)", got, people*msgs)
		}
		for p := range people {
			sess := a.session(t, addr(p))
			if sess == nil || sess.Turn != msgs {
				t.Errorf("person %d: session %+v, want Turn %d", p, sess, msgs)
			}
		}
		if left := scanKeys(t, a.c, s.prefix+"*:inbox"); len(left) != 0 {
			t.Errorf("inboxes left: %v", left)
		}
		if left := scanKeys(t, a.c, s.prefix+"*:lock"); len(left) != 0 {
			t.Errorf("locks left: %v", left)
		}
	})

	t.Run("InOrderAlternatingProcesses", func(t *testing.T) {
		s := newSetup()
		procs := []*proc{s.proc(t, "A", nil), s.proc(t, "B", nil)}
		const addr = "+447700900002"
		for i, step := range fullPath[:3] { // hi, yes, 15
			procs[i%2].expect(t, addr, step.Say, step.Want)
		}
		if sess := procs[1].session(t, addr); sess == nil || sess.Step != "consent_share" || sess.Turn != 3 {
			t.Fatalf("session %+v", sess)
		}
	})

	t.Run("QueuedBehindTheOtherProcessInOrder", func(t *testing.T) {
		s := newSetup()
		a, b := s.proc(t, "A", nil), s.proc(t, "B", nil)
		const addr = "+447700900003"
		// A takes the person's lock for "hi" and has not committed yet.
		in := inbound(addr, newID(), "hi")
		in.At = time.Now()
		tr, err := a.st.Begin(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// Meanwhile B receives "yes" then "15": both wait in the inbox.
		for _, text := range []string{"yes", "15"} {
			outs, err := b.handle(addr, text)
			if err != nil || len(outs) != 0 {
				t.Fatalf("B while A holds the lock: %q → %v, %v (want queued: no replies, no error)", text, outs, err)
			}
		}
		outs, err := a.eng.Drain(ctx, tr)
		if err != nil {
			t.Fatal(err)
		}
		got := plain(outs)
		iWelcome, iAge, iConsent := strings.Index(got, "not an emergency service"), strings.Index(got, "How old"),
			strings.Index(got, "share your answers")
		if iWelcome < 0 || iAge < 0 || iConsent < 0 || iWelcome >= iAge || iAge >= iConsent {
			t.Fatalf("A's replies are not welcome, age, consent in that order:\n%s", got)
		}
		if sess := a.session(t, addr); sess == nil || sess.Step != "consent_share" || sess.Turn != 3 {
			t.Fatalf("session %+v", sess)
		}
	})
}

// 3. A provider delivering one message to both processes, many times.
func TestDuplicateDeliveryAcrossProcesses(t *testing.T) {
	s := newSetup()
	a, b := s.proc(t, "A", nil), s.proc(t, "B", nil)
	const addr = "+447700900004"
	in := inbound(addr, "SMdup-"+redistest.NewPrefix(), "hi")
	var replies, nonEmpty atomic.Int64
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := a
			if i%2 == 1 {
				p = b
			}
			<-start
			outs, err := p.eng.Handle(ctx, in)
			if err != nil {
				t.Errorf("%s: %v", p.name, err)
			}
			replies.Add(int64(len(outs)))
			if len(outs) > 0 {
				nonEmpty.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if replies.Load() != 1 || nonEmpty.Load() != 1 {
		t.Fatalf("20 deliveries of one message: %d replies from %d Handle calls (want 1 from 1)", replies.Load(), nonEmpty.Load())
	}
	if sess := a.session(t, addr); sess == nil || sess.Turn != 1 || sess.Step != "welcome" {
		t.Fatalf("session %+v", sess)
	}
	// A later redelivery is still dropped.
	if outs, err := b.eng.Handle(ctx, in); err != nil || len(outs) != 0 {
		t.Fatalf("redelivery: %v, %v", outs, err)
	}
}

// 4. A process is replaced by a new one: the conversation carries on.
func TestRestartResumes(t *testing.T) {
	t.Run("BetweenTurns", func(t *testing.T) {
		s := newSetup()
		const addr = "+447700900005"
		a := s.proc(t, "A", srv.Client(t))
		for _, step := range fullPath[:4] { // to the name question
			a.expect(t, addr, step.Say, step.Want)
		}
		if err := a.c.Close(); err != nil { // the process exits
			t.Fatal(err)
		}
		b := s.proc(t, "A'", nil) // its replacement: new client, store, engine
		for _, step := range fullPath[4:readBack] {
			b.expect(t, addr, step.Say, step.Want)
		}
		b.expect(t, addr, fullPath[readBack].Say, "Name: Sam", "Age: 15", "Is that right")
	})

	t.Run("MidTurnCrash", func(t *testing.T) {
		s := newSetup()
		s.lockTTL = 500 * time.Millisecond
		const addr = "+447700900006"
		a := s.proc(t, "A", srv.Client(t))
		for _, step := range fullPath[:3] {
			a.expect(t, addr, step.Say, step.Want)
		}
		// A takes "yep" (Begin) and dies before committing.
		in := inbound(addr, newID(), "yep")
		in.At = time.Now()
		if _, err := a.st.Begin(ctx, in); err != nil {
			t.Fatal(err)
		}
		a.c.Close()
		b := s.proc(t, "A'", nil)
		// "Sam" arrives while the dead holder's lock is live: it waits.
		if outs, err := b.handle(addr, "Sam"); err != nil || len(outs) != 0 {
			t.Fatalf("while the dead lock is live: %v, %v (want queued)", outs, err)
		}
		// The sweeper takes over once the lock expires and handles both, in order.
		eventually(t, 10*time.Second, "the orphaned inbox is resumed", func() bool {
			n, err := b.eng.ResumeOrphans(ctx, b.st)
			if err != nil {
				t.Fatal(err)
			}
			return n == 1
		})
		sess := b.session(t, addr)
		if sess == nil || sess.Step != "heard" || sess.Answer("name").Raw != "Sam" || sess.Turn != 5 {
			t.Fatalf("after resuming: %+v", sess)
		}
		b.expect(t, addr, "2", "what matters")
	})
}

// 5. Redis itself restarts (AOF on); the same engine and client carry on.
func TestRedisRestartWithAppendOnly(t *testing.T) {
	for _, outage := range []string{"Restart", "StopThenRestart", "KillThenRestart"} {
		t.Run(outage, func(t *testing.T) {
			rs := redistest.Start(t, redistest.Options{AppendOnly: true})
			s := newSetup()
			p := s.proc(t, "A", rs.Client(t))
			const addr = "+447700900007"
			for _, step := range fullPath[:6] { // half the flow: to "what matters"
				p.expect(t, addr, step.Say, step.Want)
			}
			if outage == "Restart" {
				rs.Restart(t)
			} else {
				if outage == "KillThenRestart" {
					rs.Kill(t)
				} else {
					rs.Stop(t)
				}
				outs, err := handleNoPanic(t, p, addr, fullPath[6].Say)
				if err == nil || len(outs) != 0 {
					t.Fatalf("Handle while Redis is down: %v, %v (want an error, no replies)", outs, err)
				}
				if err := p.st.Ping(ctx); err == nil {
					t.Fatal("Ping succeeded while Redis is down")
				}
				rs.Restart(t)
			}
			if err := p.st.Ping(ctx); err != nil {
				t.Fatalf("Ping after the restart, same client: %v", err)
			}
			if sess := p.session(t, addr); sess == nil || sess.Step != "story" || sess.Answer("name").Raw != "Sam" {
				t.Fatalf("session after the restart: %+v", sess)
			}
			for _, step := range fullPath[6:readBack] {
				p.expect(t, addr, step.Say, step.Want)
			}
			p.expect(t, addr, fullPath[readBack].Say, "Name: Sam", "Age: 15", "Feeling low", "Postcode area: M1", "Is that right")
		})
	}
}

func handleNoPanic(t *testing.T, p *proc, addr, text string) (outs []bot.Outbound, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Handle panicked: %v", r)
		}
	}()
	return p.handle(addr, text)
}

// 6. Timers fire once across processes, move with the conversation, and the
// expiry closes and erases unfinished conversations.
func TestTimersFireOnceAcrossTwoProcesses(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(t0.UnixMilli())
	set := func(d time.Duration) { clock.Store(t0.Add(d).UnixMilli()) }

	s := newSetup()
	s.reminderAfter, s.sessionTTL, s.storeSessionTTL = time.Hour, 48*time.Hour, 48*time.Hour
	s.now = func() time.Time { return time.UnixMilli(clock.Load()) }
	wrap, sent := newRecorder()
	s.wrap = wrap
	a, b := s.proc(t, "A", nil), s.proc(t, "B", nil)

	const people, movers = 20, 5 // movers reply again before their reminder is due
	addr := func(i int) string { return fmt.Sprintf("+4477001%05d", i) }
	const ended = "+447700199999" // says no at the start: nothing pending
	for i := range people {
		[]*proc{a, b}[i%2].expect(t, addr(i), "hi", "Is it OK if I ask")
	}
	a.expect(t, ended, "hi", "Is it OK if I ask")
	b.expect(t, ended, "nah", "No problem")
	set(30 * time.Minute)
	for i := range movers {
		[]*proc{b, a}[i%2].expect(t, addr(i), "yes", "How old")
	}

	fire := func() int {
		var total atomic.Int64
		var wg sync.WaitGroup
		for _, p := range []*proc{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := p.eng.FireTimers(ctx, p.st)
					if err != nil {
						t.Errorf("%s: FireTimers: %v", p.name, err)
						return
					}
					total.Add(int64(n))
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		return int(total.Load())
	}
	reminders := func(i int) int { return countContaining(sent(addr(i)), "just checking in") }

	// 65 minutes: the first reminders are due, the movers' are not.
	set(65 * time.Minute)
	fire()
	for i := range people {
		want := 1
		if i < movers {
			want = 0
		}
		if got := reminders(i); got != want {
			t.Errorf("at +65m, person %d (mover %v): %d reminders, want %d; sent %q", i, i < movers, got, want, sent(addr(i)))
		}
	}
	// Two hours: the movers' reminders are due; nobody gets a second one.
	set(2 * time.Hour)
	fire()
	set(3 * time.Hour)
	fire()
	for i := range people {
		if got := reminders(i); got != 1 {
			t.Errorf("person %d (mover %v): %d reminders in total, want exactly 1; sent %q", i, i < movers, got, sent(addr(i)))
		}
	}
	if got := countContaining(sent(ended), "just checking in"); got != 0 {
		t.Errorf("the ended conversation got %d reminders", got)
	}

	// Past the session TTL: every unfinished conversation is closed once and erased.
	set(30*time.Minute + 48*time.Hour + time.Minute)
	fire()
	set(30*time.Minute + 49*time.Hour)
	if n := fire(); n != 0 {
		t.Errorf("%d timers fired after everything was closed", n)
	}
	for i := range people {
		if got := countContaining(sent(addr(i)), "closed this chat"); got != 1 {
			t.Errorf("person %d: %d closing notices, want 1; sent %q", i, got, sent(addr(i)))
		}
		if sess := a.session(t, addr(i)); sess != nil {
			t.Errorf("person %d: session survived the expiry: %+v", i, sess)
		}
		// Only the anonymous monitoring events stay (their own retention,
		// SIGNPOST_EVENT_TTL; DELETE removes them too).
		keys := scanKeys(t, a.c, a.st.PersonPattern(bot.ConversationKey(bot.ChannelSMS, addr(i))))
		if len(keys) != 1 || !strings.HasSuffix(keys[0], "}:events") {
			t.Errorf("person %d: keys left after the expiry: %v, want only the events", i, keys)
		}
	}
	if got := countContaining(sent(ended), "closed this chat"); got != 0 {
		t.Errorf("the ended conversation got %d closing notices", got)
	}
	if n, err := a.c.ZCard(ctx, s.prefix+"timers").Result(); err != nil || n != 0 {
		t.Errorf("timers left: %d, %v", n, err)
	}
}

// 7. DELETE erases every key about the person; only an opt-out survives.
// The stores run as in production with SMS: replies go to the durable
// outbox, so the last notice ("deleted") is sent before the keys are checked.
func TestDeleteLeavesNothing(t *testing.T) {
	check := func(t *testing.T, s setup, p *proc, addr string, optedOut bool) {
		t.Helper()
		conv := bot.ConversationKey(bot.ChannelSMS, addr)
		optKey := strings.TrimSuffix(p.st.PersonPattern(conv), "*") + "optout"
		var want []string
		if optedOut {
			want = []string{optKey}
		}
		if got := scanKeys(t, p.c, p.st.PersonPattern(conv)); !slices.Equal(got, want) {
			t.Errorf("keys about the person after DELETE: %v, want %v", got, want)
		}
		// The global handoff stream may still hold entries naming the
		// erased referral by its pseudonymous id (no personal data): the
		// handoff dispatcher drops them when it finds the record gone.
		got := slices.DeleteFunc(scanKeys(t, p.c, s.prefix+"*"), func(k string) bool { return k == s.prefix+"handoffs" })
		if !slices.Equal(got, want) {
			t.Errorf("keys under the prefix after DELETE: %v, want %v", got, want)
		}
		members, err := p.c.ZRange(ctx, s.prefix+"timers", 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			if strings.Contains(m, addr) {
				t.Errorf("timer left for the person: %q", m)
			}
		}
		if refs, err := p.st.Referrals(ctx, conv); err != nil || len(refs) != 0 {
			t.Errorf("referrals after DELETE: %+v, %v", refs, err)
		}
		if sess := p.session(t, addr); sess != nil {
			t.Errorf("session after DELETE: %+v", sess)
		}
		if out, err := p.st.OptedOut(ctx, conv); err != nil || out != optedOut {
			t.Errorf("opted out after DELETE = %v (%v), want %v", out, err, optedOut)
		}
	}
	// lastNotice dispatches the outbox and checks the deletion notice was
	// the one message still queued, and was sent.
	lastNotice := func(t *testing.T, p *proc, addr string) {
		t.Helper()
		pending, err := p.st.Pending(ctx, bot.ConversationKey(bot.ChannelSMS, addr))
		if err != nil || len(pending) != 1 || !strings.Contains(pending[0].Text, "has been deleted") {
			t.Fatalf("outbox after DELETE: %+v, %v (want only the deletion notice)", pending, err)
		}
		var snd sender
		p.dispatch(t, &snd)
		if got := snd.texts(addr); len(got) != 1 || !strings.Contains(got[0], "has been deleted") {
			t.Fatalf("sent after DELETE: %q", got)
		}
	}
	production := func() setup {
		s := newSetup()
		s.reminderAfter, s.sessionTTL, s.outbox = 24*time.Hour, 30*24*time.Hour, []string{bot.ChannelSMS}
		return s
	}

	t.Run("AfterReferralAndAlert", func(t *testing.T) {
		s := production()
		p := s.proc(t, "A", nil)
		const addr = "+447700900008"
		for i, step := range fullPath {
			if i == 5 { // mid-flow, at "where did you hear about us"
				p.expect(t, addr, "i want to kill myself", "999", "hear about")
			}
			p.expect(t, addr, step.Say, step.Want)
		}
		conv := bot.ConversationKey(bot.ChannelSMS, addr)
		if refs, err := p.st.Referrals(ctx, conv); err != nil || len(refs) != 2 {
			t.Fatalf("before DELETE: want an alert and a referral stored, got %+v, %v", refs, err)
		}
		p.dispatch(t, &sender{})
		if keys := scanKeys(t, p.c, p.st.PersonPattern(conv)); len(keys) < 3 {
			t.Fatalf("before DELETE: only %v", keys)
		}
		p.expect(t, addr, "DELETE", "Reply YES")
		p.expect(t, addr, "YES", "has been deleted")
		lastNotice(t, p, addr)
		check(t, s, p, addr, false)
	})

	t.Run("MidFlowWithTimersAndRepliesPending", func(t *testing.T) {
		s := production()
		p := s.proc(t, "A", nil)
		const addr = "+447700900009"
		for _, step := range fullPath[:6] {
			p.expect(t, addr, step.Say, step.Want)
		}
		members, _ := p.c.ZRange(ctx, s.prefix+"timers", 0, -1).Result()
		if len(members) != 2 {
			t.Fatalf("before DELETE: timers %v, want a reminder and an expiry", members)
		}
		// Nothing was dispatched: the erase also drops the replies not yet sent.
		p.expect(t, addr, "delete", "Reply YES")
		p.expect(t, addr, "yes", "has been deleted")
		lastNotice(t, p, addr)
		check(t, s, p, addr, false)
	})

	t.Run("OptedOutBeforeDelete", func(t *testing.T) {
		s := production()
		p := s.proc(t, "A", nil)
		const addr = "+447700900010"
		for _, step := range fullPath[:6] {
			p.expect(t, addr, step.Say, step.Want)
		}
		p.expect(t, addr, "STOP", "won't get any more messages")
		p.dispatch(t, &sender{})
		// While opted out, DELETE erases at once (no question back).
		p.expect(t, addr, "DELETE", "has been deleted")
		lastNotice(t, p, addr)
		check(t, s, p, addr, true)
		// Still opted out: an ordinary message gets nothing.
		if got := p.send(t, addr, "are you there"); got != "" {
			t.Errorf("opted-out person got %q", got)
		}
		if out, err := p.st.OptedOut(ctx, bot.ConversationKey(bot.ChannelSMS, addr)); err != nil || !out {
			t.Errorf("opted out after a later message = %v (%v), want true", out, err)
		}
		if sess := p.session(t, addr); sess != nil {
			t.Errorf("a message after DELETE while opted out made a session: %+v", sess)
		}
	})

	t.Run("OptedOutDeleteNoticeTellsTheTruth", func(t *testing.T) {
		// The notice after DELETE says "Text HI if you ever want to start
		// again". For a person who is opted out, that must work.
		s := production()
		p := s.proc(t, "A", nil)
		const addr = "+447700900018"
		p.expect(t, addr, "hi", "Is it OK")
		p.expect(t, addr, "STOP", "won't get any more messages")
		notice := p.expect(t, addr, "DELETE", "has been deleted")
		if strings.Contains(strings.ToLower(notice), "text hi") {
			if got := p.send(t, addr, "HI"); got == "" {
				t.Errorf("the notice to an opted-out person says %q, but HI then gets no reply (only START, UNSTOP or YES opt back in)", notice)
			}
		}
	})
}

// 8. Round trips and commands of one turn.
type cmdCounter struct{ rts, cmds atomic.Int64 }

func (c *cmdCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (c *cmdCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		c.rts.Add(1)
		c.cmds.Add(1)
		return next(ctx, cmd)
	}
}

func (c *cmdCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		c.rts.Add(1)
		c.cmds.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

func (c *cmdCounter) take() (rts, cmds int64) { return c.rts.Swap(0), c.cmds.Swap(0) }

func TestRoundTripsPerTurn(t *testing.T) {
	s := newSetup()
	s.reminderAfter, s.sessionTTL, s.outbox = 24*time.Hour, 30*24*time.Hour, []string{bot.ChannelSMS}
	c := srv.Client(t)
	var n cmdCounter
	c.AddHook(&n)
	p := s.proc(t, "A", c)
	const addr = "+447700900011"
	// Warm-up: the first turns may load the scripts (NOSCRIPT, then EVAL).
	p.expect(t, addr, fullPath[0].Say, fullPath[0].Want)
	p.expect(t, addr, fullPath[1].Say, fullPath[1].Want)
	n.take()

	p.expect(t, addr, "15", "share your answers")
	rts, cmds := n.take()
	t.Logf("answering the age question: %d round trips, %d commands", rts, cmds)
	if rts > 3 {
		t.Errorf("an ordinary turn took %d round trips, want at most 3 (expected 2: Begin's EVALSHA, Commit's pipeline)", rts)
	}
	for _, step := range fullPath[3:] {
		p.expect(t, addr, step.Say, step.Want)
		rts, cmds := n.take()
		t.Logf("%-45q %d round trips, %d commands", step.Say, rts, cmds)
		if rts > 3 {
			t.Errorf("turn %q: %d round trips", step.Say, rts)
		}
	}
	// A provider retry costs one round trip and changes nothing.
	in := inbound(addr, newID(), "hello?")
	if _, err := p.eng.Handle(ctx, in); err != nil {
		t.Fatal(err)
	}
	n.take()
	if outs, err := p.eng.Handle(ctx, in); err != nil || len(outs) != 0 {
		t.Fatalf("retry: %v, %v", outs, err)
	}
	rts, cmds = n.take()
	t.Logf("a duplicate delivery: %d round trips, %d commands", rts, cmds)
	if rts != 1 {
		t.Errorf("a duplicate took %d round trips, want 1", rts)
	}
}

// 9. Key names never carry personal data.
func TestNoPersonalDataInKeys(t *testing.T) {
	s := newSetup()
	s.reminderAfter, s.sessionTTL, s.outbox = 24*time.Hour, 30*24*time.Hour, []string{bot.ChannelSMS}
	p := s.proc(t, "A", nil)
	const addr, other, stopped = "+447700900012", "+447700900013", "+447700900017"
	for i, step := range fullPath {
		if i == 5 {
			p.expect(t, addr, "i want to kill myself", "999")
		}
		p.expect(t, addr, step.Say, step.Want)
	}
	for _, step := range fullPath[:6] { // someone mid-flow: timers pending
		p.expect(t, other, step.Say, step.Want)
	}
	p.expect(t, stopped, "hi", "Is it OK")
	p.expect(t, stopped, "STOP", "won't get any more messages")
	keys := scanKeys(t, p.c, s.prefix+"*")
	// The keys exist (so the check below looks at something): the
	// sessions, the referral records, dedupe marks, the opt-out, the
	// outbox and its index, the timers.
	for _, suffix := range []string{":session", ":refs", ":seen", ":optout", ":outbox", "timers", "outq"} {
		if !slices.ContainsFunc(keys, func(k string) bool { return strings.HasSuffix(k, suffix) }) {
			t.Errorf("no key ending in %q among %v", suffix, keys)
		}
	}
	bad := []string{addr, other, stopped, "+44", "447700", "07700", "9000", "Sam", "sam", "sms:"}
	for _, k := range keys {
		for _, b := range bad {
			if strings.Contains(k, b) {
				t.Errorf("key %q contains %q", k, b)
			}
		}
	}
	// The outbox index holds person hashes, never addresses.
	hints, err := p.c.ZRange(ctx, s.prefix+"outq", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hints {
		for _, b := range bad {
			if strings.Contains(h, b) {
				t.Errorf("outq member %q contains %q", h, b)
			}
		}
	}
	t.Logf("%d keys, e.g. %v", len(keys), keys[:min(3, len(keys))])
}

// 10. Memory per session in Redis, mid-flow.
func TestMemoryPerSession(t *testing.T) {
	s := newSetup()
	s.reminderAfter, s.sessionTTL = 24*time.Hour, 30*24*time.Hour
	p := s.proc(t, "A", nil)
	const people, workers = 200, 8
	addr := func(i int) string { return fmt.Sprintf("+4477002%05d", i) }
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < people; i = int(next.Add(1) - 1) {
				for _, step := range fullPath[:6] { // to "what matters to you", after the name
					outs, err := p.handle(addr(i), step.Say)
					if err != nil || !strings.Contains(plain(outs), step.Want) {
						t.Errorf("person %d, %q: %v, %v", i, step.Say, plain(outs), err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var total, most int64
	for i := range people {
		n, err := p.c.MemoryUsage(ctx, s.sessionKey(addr(i))).Result()
		if err != nil {
			t.Fatalf("MEMORY USAGE of person %d's session (%s): %v", i, s.sessionKey(addr(i)), err)
		}
		total += n
		most = max(most, n)
	}
	avg := float64(total) / people
	raw, _ := p.c.StrLen(ctx, s.sessionKey(addr(0))).Result()
	t.Logf("session memory over %d people at the story step: average %.0f bytes, max %d bytes (JSON %d bytes)", people, avg, most, raw)
	if avg > 1024 {
		t.Errorf("average session memory %.0f bytes, want ≤ 1024", avg)
	}
}

// 11. Redis goes away: Handle fails fast and nothing is half-written.
func TestOutage(t *testing.T) {
	open := func(t *testing.T, rs *redistest.Server) goredis.UniversalClient {
		c, err := redis.Open(rs.URL()) // the production client: explicit timeouts, no retries
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	t.Run("StoppedBeforeTheMessage", func(t *testing.T) {
		rs := redistest.Start(t, redistest.Options{AppendOnly: true})
		s := newSetup()
		p := s.proc(t, "A", open(t, rs))
		const addr = "+447700900014"
		p.expect(t, addr, "hi", "Is it OK")
		p.expect(t, addr, "yes", "How old")
		rs.Stop(t)
		in := inbound(addr, newID(), "15")
		began := time.Now()
		outs, err := p.eng.Handle(ctx, in)
		took := time.Since(began)
		if err == nil || len(outs) != 0 {
			t.Fatalf("Handle with Redis stopped: %v, %v (want an error)", outs, err)
		}
		if took > 10*time.Second {
			t.Fatalf("Handle took %v to fail", took)
		}
		t.Logf("Handle failed after %v: %v", took.Round(time.Millisecond), err)
		rs.Restart(t)
		if sess := p.session(t, addr); sess == nil || sess.Step != "age" || sess.Turn != 2 || len(sess.Answers) != 0 {
			t.Fatalf("after the failed message: %+v", sess)
		}
		// The provider's retry of the failed message is handled as new.
		if got := plain(must(p.eng.Handle(ctx, in))(t)); !strings.Contains(got, "share your answers") {
			t.Fatalf("retry of the failed message: %q", got)
		}
		p.expect(t, addr, "yep", "call you")
	})

	t.Run("StoppedDuringTheTurn", func(t *testing.T) {
		rs := redistest.Start(t, redistest.Options{AppendOnly: true})
		s := newSetup()
		s.lockTTL = time.Second
		wrap, sent := newRecorder()
		var failNext atomic.Bool
		s.wrap = func(st bot.Store) bot.Store {
			return &failingCommit{Store: wrap(st), before: func() {
				if failNext.CompareAndSwap(true, false) {
					rs.Stop(t) // Redis goes away after Begin, before Commit
				}
			}}
		}
		p := s.proc(t, "A", open(t, rs))
		const addr = "+447700900015"
		p.expect(t, addr, "hi", "Is it OK")
		p.expect(t, addr, "yes", "How old")
		failNext.Store(true)
		in := inbound(addr, newID(), "15")
		began := time.Now()
		if _, err := p.eng.Handle(ctx, in); err == nil {
			t.Fatal("Handle succeeded though Redis stopped before the commit")
		}
		if took := time.Since(began); took > 10*time.Second {
			t.Fatalf("Handle took %v to fail", took)
		}
		rs.Restart(t)
		// Nothing of the turn was written: the session is as before it.
		if sess := p.session(t, addr); sess == nil || sess.Step != "age" || sess.Turn != 2 || len(sess.Answers) != 0 {
			t.Fatalf("half-written turn: %+v", sess)
		}
		// The message itself was recorded by Begin: the provider's retry is
		// a duplicate, and the sweeper handles it once the lock expires.
		if outs, err := p.eng.Handle(ctx, in); err != nil || len(outs) != 0 {
			t.Fatalf("retry: %v, %v (want dropped as a duplicate)", outs, err)
		}
		eventually(t, 10*time.Second, "the stranded message is resumed", func() bool {
			n, err := p.eng.ResumeOrphans(ctx, p.st)
			if err != nil {
				t.Fatal(err)
			}
			return n == 1
		})
		if sess := p.session(t, addr); sess == nil || sess.Step != "consent_share" || sess.Turn != 3 {
			t.Fatalf("after the sweeper: %+v", sess)
		}
		if got := countContaining(sent(addr), "share your answers"); got != 1 {
			t.Errorf("the resumed turn's reply was produced %d times", got)
		}
		p.expect(t, addr, "yep", "call you")
	})

	t.Run("FrozenServerTimesOut", func(t *testing.T) {
		rs := redistest.Start(t, redistest.Options{AppendOnly: true})
		s := newSetup()
		s.lockTTL = time.Second
		c := open(t, rs)
		p := s.proc(t, "A", c)
		const addr = "+447700900016"
		p.expect(t, addr, "hi", "Is it OK")
		p.expect(t, addr, "yes", "How old")
		// Redis stops answering for 4 s (CLIENT PAUSE), longer than the
		// client's 2 s read timeout.
		const pause = 4 * time.Second
		if err := rs.Client(t).ClientPause(ctx, pause).Err(); err != nil {
			t.Fatal(err)
		}
		paused := time.Now()
		_, err := p.handle(addr, "15")
		took := time.Since(paused)
		if err == nil {
			t.Fatal("Handle succeeded against a frozen Redis")
		}
		if took > 10*time.Second {
			t.Fatalf("Handle took %v against a frozen Redis", took)
		}
		t.Logf("Handle gave up on a frozen Redis after %v: %v", took.Round(time.Millisecond), err)
		time.Sleep(time.Until(paused.Add(pause + 500*time.Millisecond))) // let the pause end
		// Whatever Redis did with the timed-out command, the conversation
		// ends up at one consistent step and carries on.
		eventually(t, 10*time.Second, "nothing left to resume", func() bool {
			n, err := p.eng.ResumeOrphans(ctx, p.st)
			if err != nil {
				t.Fatal(err)
			}
			return n == 0 && len(scanKeys(t, c, s.prefix+"*:lock")) == 0
		})
		sess := p.session(t, addr)
		switch {
		case sess == nil:
			t.Fatal("session lost")
		case sess.Step == "age" && sess.Turn == 2:
			t.Log("the timed-out message was never run")
			p.expect(t, addr, "15", "share your answers")
		case sess.Step == "consent_share" && sess.Turn == 3:
			t.Log("the timed-out message had been recorded and was handled by the sweeper")
		default:
			t.Fatalf("inconsistent session after the freeze: %+v", sess)
		}
		p.expect(t, addr, "yep", "call you")
	})
}

func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

type failingCommit struct {
	bot.Store
	before func()
}

func (f *failingCommit) Commit(ctx context.Context, t *bot.Turn) (*bot.Turn, error) {
	f.before()
	return f.Store.Commit(ctx, t)
}

// flakyBegin fails Begin for the messages fail picks, as a Redis blip would.
type flakyBegin struct {
	bot.Store
	fail func(bot.Inbound) bool
}

func (f *flakyBegin) Begin(ctx context.Context, in bot.Inbound) (*bot.Turn, error) {
	if f.fail(in) {
		return nil, errors.New("redis begin: read: connection reset by peer (simulated)")
	}
	return f.Store.Begin(ctx, in)
}

// 12. A timer whose turn fails once (a Redis blip while firing) still fires
// later: "each timer fires exactly once" must not become "at most once".
func TestTimersSurviveAFailedFire(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(t0.UnixMilli())
	s := newSetup()
	s.reminderAfter = time.Hour
	s.now = func() time.Time { return time.UnixMilli(clock.Load()) }
	rec, sent := newRecorder()
	var blip atomic.Bool
	const people = 5
	addr := func(i int) string { return fmt.Sprintf("+4477003%05d", i) }
	s.wrap = func(st bot.Store) bot.Store {
		return &flakyBegin{Store: rec(st), fail: func(in bot.Inbound) bool {
			return blip.Load() && in.Timer != "" && in.Address == addr(0)
		}}
	}
	p := s.proc(t, "A", nil)
	for i := range people {
		p.expect(t, addr(i), "hi", "Is it OK")
	}
	clock.Store(t0.Add(2 * time.Hour).UnixMilli())
	blip.Store(true)
	if _, err := p.eng.FireTimers(ctx, p.st); err == nil {
		t.Fatal("FireTimers hid the failed turn")
	}
	blip.Store(false) // Redis is fine again; the sweeper carries on
	for range 10 {
		if n, err := p.eng.FireTimers(ctx, p.st); err != nil || n == 0 {
			break
		}
	}
	for i := range people {
		if got := countContaining(sent(addr(i)), "just checking in"); got != 1 {
			t.Errorf("person %d: %d reminders after one failed fire, want 1", i, got)
		}
	}
}

// 13. The expiry of an unfinished conversation erases the conversation; the
// referral and alert records are kept for the referral TTL (README: refs
// are kept SIGNPOST_REFERRAL_TTL after the last; only DELETE removes them).
func TestExpiryKeepsReferralRecords(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(t0.UnixMilli())
	s := newSetup()
	s.sessionTTL, s.storeSessionTTL = 48*time.Hour, 48*time.Hour
	s.now = func() time.Time { return time.UnixMilli(clock.Load()) }
	rec, sent := newRecorder()
	s.wrap = rec
	p := s.proc(t, "A", nil)
	const addr = "+447700900019"
	conv := bot.ConversationKey(bot.ChannelSMS, addr)
	p.expect(t, addr, "hi", "Is it OK")
	p.expect(t, addr, "yes", "How old")
	p.expect(t, addr, "i want to kill myself", "999", "How old") // an urgent alert; then silence
	if refs, err := p.st.Referrals(ctx, conv); err != nil || len(refs) != 1 || refs[0].Kind != bot.KindAlert {
		t.Fatalf("alert record: %+v, %v", refs, err)
	}
	clock.Store(t0.Add(49 * time.Hour).UnixMilli())
	for range 10 {
		if n, err := p.eng.FireTimers(ctx, p.st); err != nil {
			t.Fatal(err)
		} else if n == 0 {
			break
		}
	}
	if got := countContaining(sent(addr), "closed this chat"); got != 1 {
		t.Fatalf("closing notices: %d", got)
	}
	if sess := p.session(t, addr); sess != nil {
		t.Fatalf("session kept after the expiry: %+v", sess)
	}
	if refs, err := p.st.Referrals(ctx, conv); err != nil || len(refs) != 1 {
		t.Errorf("the safeguarding alert record was erased with the expired conversation (48 h), not kept for the referral TTL: %+v, %v", refs, err)
	}
}
