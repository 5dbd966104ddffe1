package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
	"github.com/signpost-app/signpost/store/memory"
)

// harness is an engine on the built-in flows with a memory store.
type harness struct {
	t        testing.TB
	eng      *bot.Engine
	st       *memory.Store
	mu       sync.Mutex
	handoffs []bot.Handoff
	addr     string
}

func newHarness(t testing.TB, set bot.Flows, start string) *harness {
	t.Helper()
	if set == nil {
		s, ps := flows.LoadFS(builtin.FS, flows.LoadOptions{})
		if err := ps.Err(); err != nil {
			t.Fatalf("built-in flows: %v", err)
		}
		set = s
	}
	if start == "" {
		start = builtin.DefaultFlow
	}
	h := &harness{t: t, st: memory.New(memory.Options{}), addr: "+447700900001"}
	h.eng = bot.New(bot.Options{Flows: set, Store: h.st, Screener: safeguard.Default(), StartFlow: start,
		MinAge: 11, StopConfirmation: true, OnHandoff: func(x bot.Handoff) {
			h.mu.Lock()
			h.handoffs = append(h.handoffs, x)
			h.mu.Unlock()
		}})
	return h
}

// send sends text as the harness's person and returns the replies joined.
func (h *harness) send(text string) string {
	h.t.Helper()
	outs, err := h.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS, Address: h.addr, Text: text})
	if err != nil {
		h.t.Fatalf("Handle(%q): %v", text, err)
	}
	var parts []string
	for _, o := range outs {
		parts = append(parts, o.Plain())
	}
	return strings.Join(parts, "\n")
}

// expect sends text and checks the reply contains every want.
func (h *harness) expect(text string, want ...string) string {
	h.t.Helper()
	got := h.send(text)
	for _, w := range want {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
			h.t.Fatalf("after %q: reply lacks %q; got:\n%s", text, w, got)
		}
	}
	return got
}

func (h *harness) session() *bot.Session {
	s, _ := h.st.Session(context.Background(), bot.ConversationKey(bot.ChannelSMS, h.addr))
	return s
}

// happyPath walks the default flow to the read-back.
var happyPath = builtin.HappyPath[:len(builtin.HappyPath)-1]

func TestDefaultFlowToHandoff(t *testing.T) {
	h := newHarness(t, nil, "")
	for _, s := range happyPath {
		h.expect(s.Say, s.Want)
	}
	got := h.expect("yes, send it", "Thank you, Sam", "2 working days")
	if strings.Contains(got, "Is that right") {
		t.Fatalf("asked again after sending: %s", got)
	}
	if s := h.session(); s == nil || s.Status != bot.StatusHandedOff || s.Referral == "" {
		t.Fatalf("session after handoff = %+v", s)
	}
	if len(h.handoffs) != 1 || h.handoffs[0].Kind != bot.KindReferral {
		t.Fatalf("handoffs = %+v", h.handoffs)
	}
	r := h.handoffs[0]
	for _, want := range []string{"Sam, age 15", "I want to find a job", "Feeling low, worried or stressed, Work, training or an apprenticeship",
		"Not in work, school or training", "Text message", "after 4pm", "M1", "College or uni"} {
		if !strings.Contains(r.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.Summary)
		}
	}
	if !r.Consent || len(r.Needs) != 2 || r.Needs[1] != "Work, training or an apprenticeship" || r.Status != bot.StatusNew {
		t.Errorf("consent %v, needs %q, status %s", r.Consent, r.Needs, r.Status)
	}
	if person, ok := bot.Person(r.ID); !ok || person != h.eng.Hash(bot.ConversationKey(bot.ChannelSMS, h.addr)) {
		t.Errorf("referral id %s does not carry the person hash", r.ID)
	}
	if r.Urgency != bot.UrgencyRoutine || len(r.Answers) != 13 {
		t.Errorf("urgency %s, %d answers: %+v", r.Urgency, len(r.Answers), r.Answers)
	}
	// After the handoff the bot goes quiet and points to the crisis lines.
	h.expect("hello?", "passed it to the link team", "Childline")
	if len(h.handoffs) != 2 || h.handoffs[1].Kind != bot.KindMessage || h.handoffs[1].Referral != r.ID || h.handoffs[1].Message != "hello?" {
		t.Fatalf("a message after handoff should go to the link team with the referral: %+v", h.handoffs[1:])
	}
	// The note is not repeated for every message; the message still goes.
	if got := h.send("are you there"); got != "" {
		t.Fatalf("second message after handoff got %q", got)
	}
	if len(h.handoffs) != 3 || h.handoffs[2].Kind != bot.KindMessage {
		t.Fatalf("second message not passed on: %+v", h.handoffs[2:])
	}
	// A link worker claims it and replies: both reach the person, in order,
	// through their inbox; only the worker's first name is used.
	h.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS, Address: h.addr, Notice: bot.NoticeClaimed, Worker: "Priya Shah"})
	outs, _ := h.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS, Address: h.addr, Notice: bot.NoticeRelay, Worker: "Priya Shah", Text: "Hi Sam, is Tuesday OK?"})
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "Priya (link team):") || !strings.Contains(outs[0].Text, "Tuesday") || strings.Contains(outs[0].Text, "Shah") {
		t.Fatalf("relay: %+v", outs)
	}
}

func TestRiskMidFlowGetsCrisisLinesAlertAndTheQuestionAgain(t *testing.T) {
	h := newHarness(t, nil, "")
	h.send("hi")
	h.send("yes")
	outs, err := h.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS, Address: h.addr, Text: "i wanna kms"})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 2 || !outs[0].Urgent {
		t.Fatalf("want the urgent crisis message first, then the question; got %+v", outs)
	}
	for _, w := range []string{"999", "85258", "0800 1111", "116 123", "not an emergency service"} {
		if !strings.Contains(outs[0].Text, w) {
			t.Errorf("crisis message lacks %q: %s", w, outs[0].Text)
		}
	}
	if !strings.Contains(outs[1].Text, "How old") {
		t.Errorf("question not asked again: %s", outs[1].Text)
	}
	if len(h.handoffs) != 1 || h.handoffs[0].Kind != bot.KindAlert || h.handoffs[0].Urgency != bot.UrgencyUrgent {
		t.Fatalf("want one urgent alert, got %+v", h.handoffs)
	}
	if s := h.session(); len(s.Risks) != 1 || s.Risks[0].Category != "suicide" || s.Step != "age" {
		t.Fatalf("session = %+v", s)
	}
	// The conversation carries on; the referral is urgent.
	h.expect("15", "share your answers")
}

func TestRiskAsFirstMessageStartsTheFlowToo(t *testing.T) {
	h := newHarness(t, nil, "")
	got := h.expect("my dad hits me", "116 123", "Is it OK if I ask")
	if len(h.handoffs) != 1 || h.handoffs[0].Kind != bot.KindAlert {
		t.Fatalf("handoffs = %+v; reply %s", h.handoffs, got)
	}
}

func TestGlobalWords(t *testing.T) {
	h := newHarness(t, nil, "")
	h.send("hi")
	h.expect("yes", "How old")
	h.expect("HELP", "not an emergency service", "How old")
	h.expect("stop", "won't get any more messages")
	if got := h.send("15"); got != "" {
		t.Fatalf("sent %q after STOP", got)
	}
	if out, _ := h.st.OptedOut(context.Background(), bot.ConversationKey(bot.ChannelSMS, h.addr)); !out {
		t.Fatal("not opted out")
	}
	h.expect("START", "Welcome back", "How old")
	h.expect("15", "share your answers")
	h.expect("/restart", "start again", "Is it OK if I ask")
	if s := h.session(); s.Step != "welcome" || len(s.Answers) != 0 {
		t.Fatalf("restart kept %+v", s)
	}
}

func TestDeleteAsksThenErasesEverything(t *testing.T) {
	h := newHarness(t, nil, "")
	h.send("hi")
	h.send("yes")
	h.expect("DELETE", "Reply YES to delete")
	h.expect("no", "nothing has been deleted", "How old")
	if h.session() == nil {
		t.Fatal("kept was erased")
	}
	h.send("delete")
	h.expect("yes", "has been deleted")
	if s := h.session(); s != nil {
		t.Fatalf("session survived DELETE: %+v", s)
	}
	refs, _ := h.st.Referrals(context.Background(), bot.ConversationKey(bot.ChannelSMS, h.addr))
	for _, x := range refs {
		if x.Address == h.addr {
			t.Fatal("a handoff survived DELETE")
		}
	}
	// STOP survives erasure: the opt-out is kept as a salted hash. DELETE
	// still works after STOP: at once, with one last message.
	h.send("hi")
	h.send("yes")
	h.send("STOP")
	h.expect("DELETE", "has been deleted")
	if s := h.session(); s != nil {
		t.Fatalf("DELETE after STOP kept %+v", s)
	}
	if got := h.send("hi"); got != "" {
		t.Fatalf("opted-out person got %q", got)
	}
}

func TestBadInputGetsAClearReply(t *testing.T) {
	cases := []struct {
		name string
		in   bot.Inbound
		want string
	}{
		{"empty", bot.Inbound{Text: ""}, "didn't get any words"},
		{"whitespace", bot.Inbound{Text: " \t\n "}, "didn't get any words"},
		{"picture", bot.Inbound{NonText: true}, "only read text"},
		{"invalid utf-8", bot.Inbound{Text: "\xff\xfe\xfd"}, "strange characters"},
		{"control characters", bot.Inbound{Text: "\x00\x01\x02"}, "strange characters"},
		{"emoji only", bot.Inbound{Text: "🙃🙃"}, "reply with your age"},
		{"10,000 characters", bot.Inbound{Text: strings.Repeat("a", 10000)}, "reply with your age"},
		{"number in words", bot.Inbound{Text: "fifteen"}, "share your answers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil, "")
			h.send("hi")
			h.send("yes")
			c.in.Channel, c.in.Address = bot.ChannelSMS, h.addr
			outs, err := h.eng.Handle(context.Background(), c.in)
			if err != nil || len(outs) == 0 {
				t.Fatalf("outs %v err %v", outs, err)
			}
			if !strings.Contains(strings.ToLower(outs[0].Text), strings.ToLower(c.want)) {
				t.Fatalf("reply %q lacks %q", outs[0].Text, c.want)
			}
		})
	}
}

func TestTooLongStoryIsRefusedKindly(t *testing.T) {
	h := newHarness(t, nil, "")
	for _, s := range happyPath[:6] {
		h.send(s.Say)
	}
	h.expect(strings.Repeat("word ", 400), "under 1000 characters", "what matters")
}

func TestReviewChangeComesBack(t *testing.T) {
	h := newHarness(t, nil, "")
	for _, s := range happyPath {
		h.send(s.Say)
	}
	h.expect("change my name", "What would you like us to call you")
	h.expect("Alex", "Is that right", "Name: Alex")
	// Changing the contact to email needs a new question before coming back.
	h.expect("5", "get in touch")
	h.expect("email", "email address")
	h.expect("sam@example.org", "Is that right", "Contact: Email")
	h.expect("1", "Thank you, Alex")
}

func TestTooYoungIsSignpostedNotReferred(t *testing.T) {
	h := newHarness(t, nil, "")
	h.send("hi")
	h.send("yes")
	h.expect("9", "Childline", "adult you trust", "aged 11 to 25")
	if s := h.session(); s.Status != bot.StatusEnded {
		t.Fatalf("status %s", s.Status)
	}
	if len(h.handoffs) != 0 {
		t.Fatal("referral made for a 9-year-old")
	}
	h.expect("hi", "not an emergency service") // a new message starts again
}

func TestSourceSkipsWhereDidYouHear(t *testing.T) {
	h := newHarness(t, nil, "")
	_, err := h.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS, Address: h.addr, Text: "hi", Source: "oakwood"})
	if err != nil {
		t.Fatal(err)
	}
	h.send("yes")
	h.send("14")
	h.send("yes")
	h.expect("Jo", "what matters")
}

func TestDuplicateProviderMessageIsHandledOnce(t *testing.T) {
	h := newHarness(t, nil, "")
	in := bot.Inbound{Channel: bot.ChannelSMS, Address: h.addr, Text: "hi", ID: "SM123"}
	a, _ := h.eng.Handle(context.Background(), in)
	b, _ := h.eng.Handle(context.Background(), in)
	if len(a) != 1 || len(b) != 0 {
		t.Fatalf("first %d replies, repeat %d", len(a), len(b))
	}
}

func TestConcurrentMessagesFromOnePersonAreAllHandledInOrder(t *testing.T) {
	h := newHarness(t, nil, "")
	h.send("hi")
	h.send("yes")
	// 40 people × 5 messages each, sent from separate goroutines per person.
	const people, msgs = 40, 5
	var wg sync.WaitGroup
	replies := make([]int, people)
	var mu sync.Mutex
	for p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var inner sync.WaitGroup
			for m := range msgs {
				inner.Add(1)
				go func() {
					defer inner.Done()
					outs, err := h.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS,
						Address: fmt.Sprintf("+4477008%05d", p), Text: "hello", ID: fmt.Sprintf("%d-%d", p, m)})
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					replies[p] += len(outs)
					mu.Unlock()
				}()
			}
			inner.Wait()
		}()
	}
	wg.Wait()
	for p, n := range replies {
		if n != msgs {
			t.Errorf("person %d: %d replies to %d messages", p, n, msgs)
		}
		s, _ := h.st.Session(context.Background(), bot.ConversationKey(bot.ChannelSMS, fmt.Sprintf("+4477008%05d", p)))
		if s == nil || s.Turn != msgs {
			t.Errorf("person %d: session turn %v, want %d", p, s, msgs)
		}
	}
}

func TestClockIsInjectable(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s, _ := flows.LoadFS(builtin.FS, flows.LoadOptions{})
	st := memory.New(memory.Options{Now: func() time.Time { return at }})
	eng := bot.New(bot.Options{Flows: s, Store: st, Screener: safeguard.Default(), StartFlow: builtin.DefaultFlow,
		Now: func() time.Time { return at }})
	if _, err := eng.Handle(context.Background(), bot.Inbound{Channel: "sms", Address: "x", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if s, _ := st.Session(context.Background(), "sms:x"); !s.Started.Equal(at) {
		got := s.Started
		t.Fatalf("started %v", got)
	}
}
