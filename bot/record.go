package bot

import (
	"strings"

	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/answer"
)

// event adds an anonymous monitoring event about this conversation to the
// turn; Commit keeps it with the turn, so it is recorded exactly when the
// turn is.
func (ts *turnState) event(kind string) *Event {
	ev := NewEvent(kind, ts.e.o.Now())
	if s := ts.s; s != nil {
		ev.Conv, ev.Flow, ev.Version, ev.Step = s.Started.UnixMilli(), s.Flow, s.Version, s.Step
	}
	ts.t.Events = append(ts.t.Events, ev)
	return &ts.t.Events[len(ts.t.Events)-1]
}

// recordAnswer records a just-saved answer when the flow reports it. In a
// check-in the event carries the referral it follows up.
func (ts *turnState) recordAnswer(st *flows.Step, a SavedAnswer) {
	if ts.f == nil || !ts.f.Reports(a.Name) {
		return
	}
	ev := ts.event(EventAnswer)
	ev.Step, ev.Name, ev.Value, ev.Ref = st.ID, a.Name, coded(a), ts.s.Referral
}

// recordReferral records a referral with every reported answer, coded.
func (ts *turnState) recordReferral(ref string) {
	s := ts.s
	ev := ts.event(EventReferral)
	ev.Ref, ev.Channel, ev.Source = ref, s.Channel, s.Source
	if ts.f == nil {
		return
	}
	for _, name := range ts.f.Report {
		if a, ok := s.Lookup(name); ok {
			if ev.Attrs == nil {
				ev.Attrs = make(map[string]string, len(ts.f.Report))
			}
			ev.Attrs[name] = coded(a)
		}
	}
}

// coded is the form an answer takes in the figures: option ids, yes or no,
// a number, an age band, or "skipped". Never free text: flows may report
// only choice, choices, yes_no and number answers (checked at load).
func coded(a SavedAnswer) string {
	v := a.Value
	switch {
	case v.Skipped:
		return "skipped"
	case v.Type == answer.Choice:
		return v.Text
	case v.Type == answer.Choices:
		return strings.Join(v.IDs, ",")
	case v.Type == answer.YesNo && v.Bool:
		return answer.OutcomeYes
	case v.Type == answer.YesNo:
		return answer.OutcomeNo
	case v.Type == answer.Number && a.Name == "age":
		return AgeBand(v.Number)
	case v.Type == answer.Number:
		return formatScore(v.Number)
	}
	return "" // not a reportable type
}
