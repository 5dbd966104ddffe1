package bot

import (
	"context"
	"strings"
	"time"

	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/answer"
)

// turnState is the working state of one turn.
type turnState struct {
	e      *Engine
	t      *Turn
	f      *flows.Flow
	s      *Session
	lang   string
	reply  reply
	always bool   // this turn's reply goes even to an opted-out person
	toast  string // a note for the button press (a stale button)
}

// Turn handles the message in t against t.Session and records the results in
// t (the new session, replies, handoffs, opt-out and erase decisions). It does
// not touch the store: Commit does.
func (e *Engine) Turn(ctx context.Context, t *Turn) {
	ts := &turnState{e: e, t: t, s: t.Session}
	switch {
	case t.Msg.Timer != "":
		ts.timer(ctx)
	case t.Msg.Notice != "":
		ts.notice()
	default:
		ts.run(ctx)
	}
	ts.flush()
	ts.ack()
	if ts.s != nil && !t.Erase && !t.Forget {
		ts.s.Turn++
		if t.Msg.Timer == "" && t.Msg.Notice == "" {
			ts.s.Updated = e.o.Now()
			ts.schedule()
		}
		t.Timers = ts.timers()
	}
	t.Session = ts.s
}

// schedule sets the person's timers after a message: one reminder if the
// conversation waits on a question and none was sent yet, and the expiry
// notice a session TTL from now for an unfinished conversation.
func (ts *turnState) schedule() {
	s, o, now := ts.s, ts.e.o, ts.e.o.Now()
	s.RemindAt, s.CloseAt = 0, 0
	if s.Status != StatusActive || ts.t.OptedOut && ts.t.OptOut != OptIn || ts.t.OptOut == OptOut {
		return
	}
	if o.ReminderAfter > 0 && !s.Reminded {
		s.RemindAt = now.Add(o.ReminderAfter).UnixMilli()
	}
	if o.SessionTTL > 0 {
		s.CloseAt = now.Add(o.SessionTTL).UnixMilli()
	}
}

// timers lists the session's pending timers for the store.
func (ts *turnState) timers() []Timer {
	var out []Timer
	if ts.s.RemindAt > 0 {
		out = append(out, Timer{Kind: TimerReminder, At: time.UnixMilli(ts.s.RemindAt)})
	}
	if ts.s.CloseAt > 0 {
		out = append(out, Timer{Kind: TimerExpiry, At: time.UnixMilli(ts.s.CloseAt)})
	}
	if ts.s.FollowAt > 0 {
		out = append(out, Timer{Kind: TimerFollowUp, At: time.UnixMilli(ts.s.FollowAt)})
	}
	return out
}

// timer handles a fired timer. A timer from an earlier turn (its due time
// no longer matches the session's) changes nothing.
func (ts *turnState) timer(ctx context.Context) {
	in, s, e := ts.t.Msg, ts.s, ts.e
	if in.Timer == TimerFollowUp && s != nil && s.FollowAt == in.TimerAt {
		ts.followUp(ctx)
		return
	}
	if s == nil || ts.t.OptedOut || s.Status != StatusActive {
		e.o.Metrics.turn("timer_ignored")
		return
	}
	ts.f = e.flowFor(s)
	ts.lang = s.Language
	switch {
	case in.Timer == TimerReminder && s.RemindAt == in.TimerAt && !s.Reminded:
		s.RemindAt, s.Reminded = 0, true
		if ts.f != nil {
			ts.say(e.text(ts.lang, "reminder"))
			ts.reask()
		}
		e.o.Metrics.turn("reminder")
	case in.Timer == TimerExpiry && s.CloseAt == in.TimerAt:
		ts.event(EventDropOff).Ref = s.Referral
		ts.say(e.text(ts.lang, "closed"))
		ts.t.Forget = true
		ts.s = nil
		e.log.Info("conversation closed after the session TTL", "conversation", e.Hash(in.Key()))
		e.o.Metrics.turn("expired")
	default:
		e.o.Metrics.turn("timer_stale")
	}
}

func (ts *turnState) run(ctx context.Context) {
	e, t, in := ts.e, ts.t, ts.t.Msg
	text, readable := cleanText(in.Text)
	word, arg := globalWord(text)
	if ts.s != nil {
		ts.f = e.flowFor(ts.s)
		ts.lang = ts.s.Language
	}

	// 0. The provider reports an opt-out it handled (Twilio error 21610, a
	// blocked Telegram bot): record it, say nothing.
	if in.OptOut {
		t.OptOut = OptOut
		e.o.Metrics.turn("provider_opt_out")
		return
	}

	// 1. Opted out: only a start word wakes the conversation; anything else
	// gets silence, because the person asked for no more messages.
	if t.OptedOut {
		if word == wordDelete {
			// DELETE works even after STOP: erased at once (no question
			// back, since they asked for no messages), with one last
			// message saying it is done.
			ts.erase("deleted_opted_out")
			ts.always = true
			return
		}
		if word != wordStart && word != wordYes {
			e.o.Metrics.turn("opted_out")
			return
		}
		t.OptOut = OptIn
		if e.o.StopConfirmation && !in.Replied {
			ts.say(e.text(ts.lang, "started"))
		}
		ts.resume(ctx, arg)
		e.o.Metrics.turn("opt_in")
		return
	}

	// 2. Safeguarding, before anything else, at every step.
	if text != "" {
		if hit, ok := e.o.Screener.Check(text); ok {
			ts.risk(ctx, hit.Category, text)
			e.o.Metrics.turn("risk")
			return
		}
	}

	// 3. A pending DELETE confirmation.
	if ts.s != nil && ts.s.Confirm == confirmDelete {
		ts.s.Confirm = ""
		if word == wordDelete || isYes(text) {
			ts.erase("deleted")
			return
		}
		ts.say(e.text(ts.lang, "delete_kept"))
		ts.reask()
		e.o.Metrics.turn("delete_kept")
		return
	}

	// 4. Global words.
	switch word {
	case wordStop:
		t.OptOut = OptOut
		if e.o.StopConfirmation && !in.Replied {
			ts.say(e.text(ts.lang, "stopped"))
		}
		e.o.Metrics.turn("stop")
		return
	case wordStart:
		ts.resume(ctx, arg)
		e.o.Metrics.turn("start")
		return
	case wordHelp:
		if !in.Replied {
			ts.say(e.text(ts.lang, "help"))
			ts.reask()
		}
		e.o.Metrics.turn("help")
		return
	case wordRestart:
		ts.say(e.text(ts.lang, "restarted"))
		ts.start(ctx, "")
		e.o.Metrics.turn("restart")
		return
	case wordDelete:
		if ts.s == nil {
			ts.erase("deleted")
			return
		}
		ts.s.Confirm = confirmDelete
		ts.say(e.text(ts.lang, "delete_confirm"))
		e.o.Metrics.turn("delete_asked")
		return
	}

	// 5. Where the conversation stands.
	switch {
	case ts.s == nil || ts.s.Status == StatusEnded || ts.f == nil:
		ts.start(ctx, in.Source)
		e.o.Metrics.turn("start")
	case ts.s.Status == StatusHandedOff:
		ts.quiet(text, readable)
		e.o.Metrics.turn("after_handoff")
	default:
		ts.answer(ctx, text, readable)
	}
}

// resume restarts an ended conversation or asks the current question again.
func (ts *turnState) resume(ctx context.Context, source string) {
	if ts.s == nil || ts.s.Status == StatusEnded || ts.f == nil {
		ts.start(ctx, source)
		return
	}
	if ts.s.Status == StatusHandedOff {
		ts.say(ts.e.text(ts.lang, "handed_off"))
		return
	}
	ts.reask()
}

// start begins the start flow from its first step, keeping the person's
// channel, source and language.
func (ts *turnState) start(ctx context.Context, source string) {
	e, in := ts.e, ts.t.Msg
	f := e.CurrentFlows().Latest(e.o.StartFlow)
	if f == nil {
		e.log.Error("start flow missing", "flow", e.o.StartFlow)
		ts.say(e.text(ts.lang, "stuck"))
		return
	}
	if source == "" {
		source = in.Source // a deep link or web ?s= tag, given by the channel
	}
	old := ts.s
	now := e.o.Now()
	s := &Session{Channel: in.Channel, Address: in.Address, Flow: f.ID, Version: f.Version,
		Step: f.Start, Status: StatusActive, Source: source, Started: now, Updated: now}
	if old != nil {
		// A pending check-in survives starting again; it waits if it falls
		// due mid-conversation.
		s.Turn, s.Risks, s.FollowAt, s.FollowUp = old.Turn, old.Risks, old.FollowAt, old.FollowUp
		if s.Source == "" {
			s.Source = old.Source
		}
	}
	s.Language = pickLanguage(f, in.Language, ts.lang)
	ts.s, ts.f, ts.lang = s, f, s.Language
	ev := ts.event(EventStart)
	ev.Channel, ev.Source = s.Channel, s.Source
	ts.enter(ctx, f.Step(f.Start), 0)
}

// reask asks the current question again (nothing when not at a question).
func (ts *turnState) reask() {
	if ts.s == nil || ts.f == nil || ts.s.Status != StatusActive {
		return
	}
	if st := ts.f.Step(ts.s.Step); st != nil && st.Asks() {
		ts.ask(st)
	}
}

// risk answers a safeguarding hit: crisis signposting in this turn, the
// session flagged, an urgent alert for the link workers, then the question
// again.
func (ts *turnState) risk(ctx context.Context, category, text string) {
	e, now := ts.e, ts.e.o.Now()
	e.log.Warn("safeguarding risk", "conversation", e.Hash(ts.t.Msg.Key()), "category", category)
	if ts.s == nil {
		ts.start(ctx, ts.t.Msg.Source)
		ts.reply = reply{} // the crisis message goes first; the question follows it
	}
	ts.t.Outbound = append(ts.t.Outbound, Outbound{ID: newID("o_"), Channel: ts.t.Msg.Channel, Address: ts.t.Msg.Address,
		Text: e.text(ts.lang, "risk"), Urgent: true})
	ts.event(EventRisk).Value = category
	if ts.s != nil {
		ts.s.Risks = append(ts.s.Risks, Risk{Category: category, At: now})
		ts.t.Handoffs = append(ts.t.Handoffs, ts.handoff(KindAlert, text))
		if ts.s.Status == StatusActive {
			ts.say(e.text(ts.lang, "carry_on"))
			ts.reask()
		}
	}
	e.o.Metrics.risk(category)
}

// erase forgets everything about the person, and says so with text key.
func (ts *turnState) erase(key string) {
	ts.t.Erase = true
	lang := ts.lang
	ts.s = nil
	ts.say(ts.e.text(lang, key))
	ts.e.log.Info("person erased", "conversation", ts.e.Hash(ts.t.Msg.Key()))
	ts.e.o.Metrics.turn("erased")
}

func (e *Engine) flowFor(s *Session) *flows.Flow {
	fl := e.CurrentFlows()
	if f := fl.Get(s.Flow, s.Version); f != nil {
		return f
	}
	// The version this conversation started on is gone (e.g. a restart
	// after the flow file changed): carry on in the latest version if it
	// still has the step, else the conversation starts again.
	if f := fl.Latest(s.Flow); f != nil && f.Step(s.Step) != nil {
		e.log.Warn("flow version missing, using latest", "flow", s.Flow, "version", s.Version, "latest", f.Version)
		return f
	}
	return nil
}

func (e *Engine) text(lang, key string) string { return e.o.Texts.Get(lang, key) }

func isYes(text string) bool {
	v, err := answer.Parse(answer.Spec{Type: answer.YesNo}, text)
	return err == nil && v.Bool
}

func pickLanguage(f *flows.Flow, hints ...string) string {
	for _, h := range hints {
		for len(h) > 0 {
			for _, l := range f.Languages {
				if l == h {
					return l
				}
			}
			// "en-GB" → "en"
			i := len(h) - 1
			for i > 0 && h[i] != '-' && h[i] != '_' {
				i--
			}
			h = h[:i]
		}
	}
	return f.DefaultLanguage()
}

// noteEvery is how often the "a link worker has your referral" note is
// repeated to a person who keeps writing after their referral.
const noteEvery = 12 * time.Hour

// quiet handles a message after the referral: the bot does not pretend to
// be the link worker. The message goes to the link team with the referral,
// and the person gets a note (at most every 12 hours) about when to expect
// a reply, with the crisis numbers.
func (ts *turnState) quiet(text string, readable bool) {
	s, now := ts.s, ts.e.o.Now()
	if text != "" || ts.t.Msg.NonText {
		body := text
		if body == "" {
			body = "(a picture, sticker or voice note: only text can be passed on)"
		}
		h := ts.handoff(KindMessage, body)
		h.Referral, h.Answers, h.Summary = s.Referral, nil, "Message about "+s.Referral+": "+body
		ts.t.Handoffs = append(ts.t.Handoffs, h)
	}
	if s.NotedAt == 0 || now.Sub(time.UnixMilli(s.NotedAt)) >= noteEvery {
		key := "handed_off"
		if s.Worker != "" {
			key = "handed_off_claimed"
		}
		ts.say(ts.e.text(ts.lang, key))
		s.NotedAt = now.UnixMilli()
	}
}

// notice delivers a message from the link team.
func (ts *turnState) notice() {
	in, s, e := ts.t.Msg, ts.s, ts.e
	if s == nil || ts.t.OptedOut {
		e.o.Metrics.turn("notice_dropped") // erased or opted out: nothing may be sent
		return
	}
	ts.lang = s.Language
	worker := firstName(in.Worker)
	switch in.Notice {
	case NoticeClaimed:
		s.Worker = worker
		ts.say(strings.ReplaceAll(e.text(ts.lang, "claimed"), "{{worker}}", worker))
	case NoticeAfterHours:
		ts.say(strings.ReplaceAll(e.text(ts.lang, "after_hours"), "{{reopens}}", in.Text))
	case NoticeRelay:
		if strings.TrimSpace(in.Text) == "" {
			return
		}
		ts.say(strings.ReplaceAll(e.text(ts.lang, "relay"), "{{worker}}", worker) + "\n" + in.Text)
	}
	e.o.Metrics.turn("notice_" + in.Notice)
}

// firstName is the first word of a name ("Sam Jones" → "Sam"), so a link
// worker's surname is never sent to a young person.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return "Someone"
}
