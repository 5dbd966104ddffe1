package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/answer"
)

// answer takes the message as the answer to the current question.
func (ts *turnState) answer(ctx context.Context, text string, readable bool) {
	e, in, s, f := ts.e, ts.t.Msg, ts.s, ts.f
	st := f.Step(s.Step)
	if st == nil || !st.Asks() {
		// Saved at a step that no longer asks (a flow changed under us).
		ts.start(ctx, s.Source)
		return
	}
	var (
		v   answer.Value
		err error
		raw = text
	)
	switch {
	case in.Choice != "":
		if in.Step != s.Step {
			ts.toast = e.text(ts.lang, "stale_button") // an old button: nothing changes
			e.o.Metrics.turn("stale_button")
			return
		}
		raw = in.Choice
		v, err = choiceValue(st, in.Choice)
	case text == "" && in.NonText:
		ts.say(e.text(ts.lang, "not_text"))
		ts.ask(st)
		e.o.Metrics.turn("not_text")
		return
	case text == "" && !readable:
		ts.say(e.text(ts.lang, "unreadable"))
		ts.ask(st)
		e.o.Metrics.turn("unreadable")
		return
	case text == "":
		ts.say(e.text(ts.lang, "empty"))
		ts.ask(st)
		e.o.Metrics.turn("empty")
		return
	default:
		v, err = answer.Parse(st.Answer.Spec(), text)
	}
	if err != nil {
		ts.invalid(st, answer.ReasonOf(err))
		e.o.Metrics.turn("invalid")
		return
	}
	if st.Save != "" {
		a := SavedAnswer{Name: st.Save, Step: st.ID, Raw: raw, Value: v}
		s.Save(a)
		ts.recordAnswer(st, a)
		if st.Save == "language" && st.Answer.Type == answer.Choice {
			s.Language = pickLanguage(f, v.Text, s.Language)
			ts.lang = s.Language
		}
	}
	r, err := st.Choose(v.Outcome(), ts.env(st))
	if err != nil {
		ts.stuck(err)
		return
	}
	if r.Return {
		s.ReturnTo = st.ID
	} else if back := s.ReturnTo; back != "" && ts.answered(r.Goto) && f.Step(back) != nil {
		// A change made from a review step: once the flow would move on to
		// a question already answered, go back to the review instead.
		s.ReturnTo = ""
		r = &flows.Route{Goto: back, Event: flows.ReturnEvent(st.ID, back)}
	}
	e.o.Metrics.turn("answered")
	ts.move(ctx, st, r, 0)
}

// move follows route r out of step from and enters where it leads.
func (ts *turnState) move(ctx context.Context, from *flows.Step, r *flows.Route, depth int) {
	if r.Goto == from.ID {
		// looplab/fsm refuses a transition to the same state
		// (NoTransitionError): a self-loop is a re-ask, done without it.
		ts.enter(ctx, from, depth+1)
		return
	}
	m := ts.f.Machine(from.ID)
	if err := m.Event(ctx, r.Event); err != nil {
		ts.stuck(err)
		return
	}
	ts.enter(ctx, ts.f.Step(m.Current()), depth+1)
}

// enter arrives at step: says its text, makes its referral, asks its question
// or, for a step that asks nothing, moves straight on. depth bounds the steps
// one turn may pass through, so a bad flow cannot loop forever.
func (ts *turnState) enter(ctx context.Context, st *flows.Step, depth int) {
	if depth > ts.e.o.MaxSteps {
		ts.stuck(errTooManySteps)
		return
	}
	s := ts.s
	s.Step = st.ID
	ts.event(EventStep)
	if !st.Say.Empty() {
		ts.say(ts.render(st.Say))
	}
	if st.Handoff {
		h := ts.handoff(KindReferral, "")
		s.Referral = h.ID
		ts.t.Handoffs = append(ts.t.Handoffs, h)
		ts.recordReferral(h.ID)
		ts.scheduleFollowUp()
		ts.e.o.Metrics.handoff(KindReferral)
	}
	switch {
	case st.Asks():
		ts.ask(st)
	case st.Terminal():
		ts.event(EventEnd).Ref = s.Referral
		s.Status = StatusEnded
		if s.Referral != "" {
			s.Status = StatusHandedOff
			// The referral record has the answers now; the session keeps
			// only what quiet mode and the check-in need.
			s.Answers, s.ReturnTo = nil, ""
		}
	default:
		r, err := st.Choose("", ts.env(st))
		if err != nil {
			ts.stuck(err)
			return
		}
		ts.move(ctx, st, r, depth)
	}
}

// ask puts the step's question, with its options.
func (ts *turnState) ask(st *flows.Step) {
	ts.say(ts.render(st.Ask))
	ts.reply.step = st.ID
	if a := st.Answer; a != nil && (a.Type == answer.Choice || a.Type == answer.Choices) {
		ts.reply.options = ts.reply.options[:0]
		def := ts.f.DefaultLanguage()
		for _, o := range a.Options {
			ts.reply.options = append(ts.reply.options, Option{ID: o.ID, Label: flows.Render(o.Label(ts.lang, def), ts.lookup)})
		}
		ts.reply.multi = a.Type == answer.Choices
		if ts.reply.multi {
			ts.reply.done = ts.e.text(ts.lang, "done_button")
		}
	}
}

// invalid explains a refused answer and asks again.
func (ts *turnState) invalid(st *flows.Step, reason answer.Reason) {
	if !st.Invalid.Empty() && reason != answer.ReasonTooLong {
		ts.say(ts.render(st.Invalid))
	} else {
		ts.say(answer.DefaultMessage(reason, ts.lang, st.Answer.Spec()))
	}
	ts.ask(st)
}

// stuck reports a flow that cannot go on; a person is told, never silence.
func (ts *turnState) stuck(err error) {
	ts.e.log.Error("conversation stuck", "conversation", ts.e.Hash(ts.t.Msg.Key()),
		"flow", ts.s.Flow, "version", ts.s.Version, "step", ts.s.Step, "error", err)
	ts.say(ts.e.text(ts.lang, "stuck"))
	ts.t.Handoffs = append(ts.t.Handoffs, ts.handoff(KindAlert, ""))
	ts.e.o.Metrics.turn("stuck")
}

// say adds a paragraph to this turn's reply.
func (ts *turnState) say(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	if ts.reply.parts == nil {
		ts.reply.parts = ts.reply.buf[:0]
	}
	ts.reply.parts = append(ts.reply.parts, text)
}

// choiceValue turns button presses (one id, or comma-separated ids for a
// choices step) into a value.
func choiceValue(st *flows.Step, ids string) (answer.Value, error) {
	a := st.Answer
	known := func(id string) bool {
		for _, o := range a.Options {
			if o.ID == id {
				return true
			}
		}
		return false
	}
	// A button too long for Telegram's 64-byte callback data carries the
	// option's place ("#3") instead of its id.
	byIndex := func(id string) string {
		if n, err := strconv.Atoi(strings.TrimPrefix(id, "#")); strings.HasPrefix(id, "#") && err == nil && n >= 1 && n <= len(a.Options) {
			return a.Options[n-1].ID
		}
		return id
	}
	parts := strings.Split(ids, ",")
	for i := range parts {
		parts[i] = byIndex(parts[i])
	}
	ids = strings.Join(parts, ",")
	switch a.Type {
	case answer.Choice:
		if known(ids) {
			return answer.Value{Type: answer.Choice, Text: ids}, nil
		}
	case answer.Choices:
		picked := strings.Split(ids, ",")
		v := answer.Value{Type: answer.Choices}
		for _, o := range a.Options {
			for _, p := range picked {
				if p == o.ID {
					v.IDs = append(v.IDs, o.ID)
					break
				}
			}
		}
		if len(v.IDs) == len(picked) {
			return v, nil
		}
	case answer.YesNo:
		if ids == answer.OutcomeYes || ids == answer.OutcomeNo {
			return answer.Value{Type: answer.YesNo, Bool: ids == answer.OutcomeYes}, nil
		}
	}
	return answer.Value{}, &answer.Error{Reason: answer.ReasonNotChoice}
}

// answered reports whether step saves an answer the person already gave.
func (ts *turnState) answered(step string) bool {
	st := ts.f.Step(step)
	if st == nil || st.Save == "" {
		return false
	}
	_, ok := ts.s.Lookup(st.Save)
	return ok
}
