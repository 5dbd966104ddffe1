package flows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/signpost-app/signpost/flows/answer"
)

// check runs the whole-flow checks, in an order that lets later checks use
// what earlier ones built, and compiles the flow.
func (l *loader) check() {
	l.collectVars()
	f := l.f
	if f.Start != "" && len(f.Steps) > 0 && f.Steps[f.Start] == nil {
		l.errorf(l.start, "", "start: there is no step %q%s", f.Start, didYouMean(f.Start, f.Order))
	}
	for _, id := range f.Order {
		s := f.Steps[id]
		l.checkRoutes(s)
		l.checkCoverage(s)
		l.checkExit(s)
	}
	l.compileConditions()
	l.checkReport()   // report.go
	l.checkFollowUp() // followup.go
	l.checkTexts()
	l.checkReachable()
	l.checkLoops()
	l.compileEvents()
	l.f.addReturnEvents() // runtime.go: events back to review steps
	l.compileSpecs()
}

// answerOutcomes lists the outcomes a step's answer can produce, in a stable
// order: yes and no, the option ids, or answered; then skipped when the
// answer is optional.
func answerOutcomes(a *Answer) []string {
	var outs []string
	switch a.Type {
	case answer.YesNo:
		outs = []string{answer.OutcomeYes, answer.OutcomeNo}
	case answer.Choice:
		for _, o := range a.Options {
			outs = append(outs, o.ID)
		}
	default:
		outs = []string{answer.OutcomeAnswered}
	}
	if a.Optional {
		outs = append(outs, answer.OutcomeSkipped)
	}
	return outs
}

// orList renders names as `"a", "b" or "c"`.
func orList(names []string) string {
	s := quoteList(names)
	if i := strings.LastIndex(s, " and "); i >= 0 {
		s = s[:i] + " or " + s[i+len(" and "):]
	}
	return s
}

// checkRoutes checks each route's target, return and outcome.
func (l *loader) checkRoutes(s *Step) {
	src := l.steps[s.ID]
	for _, r := range s.Next {
		rs := src.routes[r]
		at := max(rs.target, r.Line)
		switch t := l.f.Steps[r.Goto]; {
		case t == nil:
			l.errorf(at, s.ID, "next: there is no step %q%s", r.Goto, didYouMean(r.Goto, l.f.Order))
		case r.Return && !t.Asks():
			l.errorf(at, s.ID, "return: true goes to %q, which asks nothing; return needs a step that asks", r.Goto)
		}
		if r.Return && !s.Asks() {
			l.errorf(r.Line, s.ID, "return: true needs a step that asks; coming back here would only go round again")
		}
		if r.On == "" {
			continue
		}
		at = max(rs.on, r.Line)
		src.badOn = src.badOn || s.Answer == nil || !slices.Contains(answerOutcomes(s.Answer), r.On)
		switch {
		case s.Answer == nil:
			l.errorf(at, s.ID, "on: %q needs a question, but this step asks nothing; use if instead", r.On)
		case src.badAnswer:
		case r.On == answer.OutcomeSkipped && !s.Answer.Optional:
			l.errorf(at, s.ID, "on: %q needs optional: true in the answer", r.On)
		case !slices.Contains(answerOutcomes(s.Answer), r.On):
			outs := answerOutcomes(s.Answer)
			msg := fmt.Sprintf("on: %q is not an outcome of a %s answer; it can be %s%s", r.On, s.Answer.Type, orList(outs), didYouMean(r.On, outs))
			if s.Answer.Type == answer.Choices && s.Save != "" {
				msg += fmt.Sprintf(`; to test the options picked use if, like if: "'%s' in %s"`, r.On, s.Save)
			}
			l.errorf(at, s.ID, "%s", msg)
		}
	}
}

// checkCoverage checks that every outcome has a route that always takes it
// and warns about routes that can never be taken.
func (l *loader) checkCoverage(s *Step) {
	if src := l.steps[s.ID]; len(s.Next) == 0 || src.badOn || (s.Asks() && src.badAnswer) {
		return
	}
	all := []string{""} // a step that asks nothing has one, unnamed, outcome
	if s.Asks() {
		all = answerOutcomes(s.Answer)
	}
	taken := map[string]int{} // outcome → line of the route that always takes it
	conditional := map[string]bool{}
	for _, r := range s.Next {
		matches := all
		if r.On != "" {
			if !slices.Contains(all, r.On) {
				continue // reported by checkRoutes
			}
			matches = []string{r.On}
		}
		shadowed := len(matches) > 0
		for _, o := range matches {
			if _, ok := taken[o]; !ok {
				shadowed = false
			}
		}
		if shadowed {
			l.routeNeverUsed(s.ID, r, matches, taken)
			continue
		}
		for _, o := range matches {
			if _, ok := taken[o]; ok {
				continue
			}
			if r.If == "" {
				taken[o] = r.Line
			} else {
				conditional[o] = true
			}
		}
	}
	l.reportUntaken(s, all, taken, conditional)
}

// routeNeverUsed warns about a route every case of which an earlier route
// already takes.
func (l *loader) routeNeverUsed(step string, r *Route, matches []string, taken map[string]int) {
	first := taken[matches[0]]
	for _, o := range matches {
		if taken[o] != first {
			l.warnf(r.Line, step, "route never used: the routes above already take every outcome")
			return
		}
	}
	l.warnf(r.Line, step, "route never used: the route at line %d above always matches first", first)
}

// reportUntaken reports the outcomes no route always takes.
func (l *loader) reportUntaken(s *Step, all []string, taken map[string]int, conditional map[string]bool) {
	var plain, cond []string
	for _, o := range all {
		if _, ok := taken[o]; ok {
			continue
		}
		if conditional[o] {
			cond = append(cond, o)
		} else {
			plain = append(plain, o)
		}
	}
	at := l.steps[s.ID].keys["next"]
	switch {
	case !s.Asks() && len(plain)+len(cond) > 0:
		l.errorf(at, s.ID, "nowhere to go when no if holds; end next with a route without if, like - {goto: %s}", s.Next[len(s.Next)-1].Goto)
		return
	case len(plain) == 1:
		l.errorf(at, s.ID, "outcome %q has nowhere to go; add a route for it to next", plain[0])
	case len(plain) > 1:
		l.errorf(at, s.ID, "outcomes %s have nowhere to go; add routes for them to next", quoteList(plain))
	}
	switch {
	case len(cond) == 1:
		l.errorf(at, s.ID, "outcome %q has nowhere to go when no if holds; end next with a route without if", cond[0])
	case len(cond) > 1:
		l.errorf(at, s.ID, "outcomes %s have nowhere to go when no if holds; end next with a route without if", quoteList(cond))
	}
}

// checkExit checks that a step that does not end the conversation has a
// way out.
func (l *loader) checkExit(s *Step) {
	if _, ok := l.steps[s.ID].keys["next"]; ok || len(s.Next) > 0 {
		return
	}
	switch {
	case s.Asks():
		l.errorf(s.Line, s.ID, "asks a question but has no next, so the answer has nowhere to go")
	case !s.End && !s.Handoff:
		l.errorf(s.Line, s.ID, "has no way out; add next: <step>, or end: true")
	}
}
