package bot

import (
	"errors"
	"strings"
	"time"

	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/answer"
)

var errTooManySteps = errors.New("too many steps in one turn")

// reply collects the paragraphs of one turn into one message, so a person
// gets one text per turn (plus any crisis message, sent first).
type reply struct {
	buf     [4]string // backs parts: a turn's reply has a few paragraphs
	parts   []string
	options []Option
	multi   bool
	done    string
	step    string
}

func (ts *turnState) flush() {
	if len(ts.reply.parts) == 0 {
		return
	}
	in := ts.t.Msg
	ts.t.Outbound = append(ts.t.Outbound, Outbound{ID: newID("o_"), Always: ts.t.OptOut == OptOut || ts.always,
		Channel: in.Channel, Address: in.Address,
		Text:    strings.Join(ts.reply.parts, "\n\n"),
		Options: ts.reply.options, Multi: ts.reply.multi, Done: ts.reply.done, Step: ts.reply.step,
	})
	ts.reply = reply{}
}

// ack makes the turn acknowledge a button press: the first reply carries
// the acknowledgement (a reply of its own when there is none), and a press
// that answered the question removes that question's buttons.
func (ts *turnState) ack() {
	in := ts.t.Msg
	if in.Callback == "" {
		return
	}
	answered := ""
	if ts.toast == "" {
		answered = in.Message
	}
	if len(ts.t.Outbound) == 0 {
		ts.t.Outbound = append(ts.t.Outbound, Outbound{ID: newID("o_"), Channel: in.Channel, Address: in.Address})
	}
	o := &ts.t.Outbound[0]
	o.Ack, o.Toast, o.Answered = in.Callback, ts.toast, answered
}

// render fills a flow text's {{tags}} in the conversation language.
func (ts *turnState) render(t flows.Text) string {
	return flows.Render(t.In(ts.lang, ts.f.DefaultLanguage()), ts.lookup)
}

// lookup renders one template variable for a person: option labels rather
// than ids, dates in words, numbers without trailing zeros.
func (ts *turnState) lookup(name string) string {
	s, f := ts.s, ts.f
	switch name {
	case "source":
		if s.Source == "" {
			return "–"
		}
		return s.Source
	case "channel":
		return s.Channel
	case "language":
		return s.Language
	case "min_age":
		return answer.Value{Type: answer.Number, Number: ts.e.o.MinAge}.String()
	}
	a, ok := s.Lookup(name)
	if !ok || a.Value.Skipped {
		return "–"
	}
	return displayValue(f, ts.lang, a)
}

// displayValue renders a saved answer as a person would write it.
func displayValue(f *flows.Flow, lang string, a SavedAnswer) string {
	v := a.Value
	label := func(id string) string {
		if st := f.Step(a.Step); st != nil && st.Answer != nil {
			for _, o := range st.Answer.Options {
				if o.ID == id {
					return o.Label(lang, f.DefaultLanguage())
				}
			}
		}
		return id
	}
	switch v.Type {
	case answer.Choice:
		return label(v.Text)
	case answer.Choices:
		out := make([]string, len(v.IDs))
		for i, id := range v.IDs {
			out[i] = label(id)
		}
		return strings.Join(out, ", ")
	case answer.Date:
		if d, err := time.Parse("2006-01-02", v.Text); err == nil {
			return d.Format("2 January 2006")
		}
	}
	return v.String()
}

// env is the condition environment: every variable of the flow, with the
// zero value of its type for answers not given.
func (ts *turnState) env(st *flows.Step) map[string]any {
	if !st.NeedsEnv() {
		return nil // no conditions to evaluate: skip building the map
	}
	return ts.fullEnv()
}

// fullEnv is every variable of the flow, for conditions.
func (ts *turnState) fullEnv() map[string]any {
	s, f := ts.s, ts.f
	env := make(map[string]any, 16)
	f.EachVar(func(vi flows.VarInfo) {
		if vi.Builtin {
			return
		}
		if a, ok := s.Lookup(vi.Name); ok && !a.Value.Skipped {
			env[vi.Name] = a.Value.Any()
		} else {
			env[vi.Name] = answer.Zero(vi.Type)
		}
	})
	env["source"] = s.Source
	env["channel"] = s.Channel
	env["language"] = s.Language
	env["min_age"] = ts.e.o.MinAge
	return env
}

// handoff builds a referral or alert from what is known so far.
func (ts *turnState) handoff(kind, message string) Handoff {
	s, f := ts.s, ts.f
	h := Handoff{ID: handoffID(kind, ts.e.Hash(s.Key())), Kind: kind, Urgency: UrgencyRoutine,
		Channel: s.Channel, Address: s.Address, Flow: s.Flow, Version: s.Version,
		Source: s.Source, Language: s.Language, Created: ts.e.o.Now(), Message: message, Status: StatusNew}
	if a, ok := s.Lookup("consent"); ok {
		h.Consent = a.Value.Bool
	}
	if a, ok := s.Lookup("support"); ok && f != nil && !a.Value.Skipped {
		ids := a.Value.IDs
		if a.Value.Type == answer.Choice {
			ids = []string{a.Value.Text}
		}
		for _, id := range ids {
			v := a
			v.Value = answer.Value{Type: answer.Choice, Text: id}
			h.Needs = append(h.Needs, displayValue(f, f.DefaultLanguage(), v))
		}
	}
	if len(s.Risks) > 0 || kind == KindAlert {
		h.Urgency = UrgencyUrgent
	}
	h.Risks = append(h.Risks, s.Risks...)
	if f != nil {
		def := f.DefaultLanguage()
		for _, id := range f.Order {
			st := f.Steps[id]
			a, ok := s.Lookup(st.Save)
			if st.Save == "" || !ok || a.Step != st.ID {
				continue
			}
			h.Answers = append(h.Answers, HandoffAnswer{Name: st.Save, Type: string(st.Answer.Type),
				Question: flows.Render(st.Ask.In(def, def), ts.lookup), Raw: a.Raw,
				Value: displayValue(f, def, a)})
		}
	}
	h.Summary = ts.summary(h)
	return h
}

// summary is the flow's summary template when it has one, else the answers
// as question and answer lines, with risk flags first.
func (ts *turnState) summary(h Handoff) string {
	var b strings.Builder
	if len(h.Risks) > 0 {
		b.WriteString("⚠ RISK:")
		for _, r := range h.Risks {
			b.WriteString(" " + r.Category + " (" + r.At.UTC().Format(time.RFC3339) + ")")
		}
		b.WriteString("\n")
	}
	if h.Message != "" {
		b.WriteString("Message: " + h.Message + "\n")
	}
	if ts.f != nil && !ts.f.Summary.Empty() {
		b.WriteString(flows.Render(ts.f.Summary.In(ts.f.DefaultLanguage(), ts.f.DefaultLanguage()), ts.lookup))
		return b.String()
	}
	for _, a := range h.Answers {
		b.WriteString(a.Name + ": " + a.Value + "\n")
	}
	return b.String()
}
