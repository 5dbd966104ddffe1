package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"
)

// Follow-up delays, in weeks: a check-in comes after_weeks after the
// referral, 8 unless the flow says otherwise, and never more than a year on.
const (
	defaultFollowUpWeeks = 8
	maxFollowUpWeeks     = 52
	week                 = 7 * 24 * time.Hour
)

// FollowUp is a flow's check-in: another flow of the same set started with
// the young person some weeks after the referral (the handoff) was made.
type FollowUp struct {
	Flow  string        // the id of the check-in flow
	After time.Duration // after_weeks × 7 × 24h
	If    string        // expr condition source; "" = always
	Line  int           // the line that names Flow

	program *vm.Program
}

// Due reports whether the follow-up applies to a conversation, given the
// same env map that route conditions get (see Step.Choose). With no `if:` it
// is true and env may be nil; a nil FollowUp (a flow without one) is never
// due.
func (fu *FollowUp) Due(env map[string]any) (bool, error) {
	if fu == nil {
		return false, nil
	}
	if fu.program == nil {
		return true, nil
	}
	out, err := expr.Run(fu.program, env)
	if err != nil {
		return false, fmt.Errorf("follow_up: evaluating %q: %w", fu.If, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// followUpSource is where follow_up's parts are in the file.
type followUpSource struct {
	key, cond int // lines of the follow_up key and of its if
}

// followUpKey reads follow_up: a flow id (the short form), or a map of flow,
// after_weeks and if.
func (l *loader) followUpKey(kv yamlEntry) {
	n := kv.value
	fu := &FollowUp{After: defaultFollowUpWeeks * week}
	l.followUp.key = kv.line
	switch {
	case n != nil && n.Kind == yaml.MappingNode:
		if !l.followUpMap(n, fu) {
			return
		}
	case n != nil && n.Kind == yaml.SequenceNode:
		l.errorf(n.Line, "", "follow_up must be a flow id, like follow_up: check-in, or a map with flow, after_weeks and if")
		return
	default:
		id, ok := l.scalar(n, "", "follow_up")
		if !ok {
			return
		}
		fu.Flow, fu.Line = id, n.Line
	}
	switch {
	case !flowIDRe.MatchString(fu.Flow):
		l.errorf(fu.Line, "", "follow_up: flow id %q may only use a-z, 0-9, - and _", fu.Flow)
	case fu.Flow == l.f.ID:
		l.errorf(fu.Line, "", "follow_up: %q is this flow; a flow cannot follow up into itself, so name the check-in flow", fu.Flow)
	}
	l.f.FollowUp = fu
}

// followUpMap reads the long form of follow_up into fu. It returns false
// when there is no flow to follow up into.
func (l *loader) followUpMap(n *yaml.Node, fu *FollowUp) bool {
	kvs, _ := l.entries(n, "")
	keys := l.known(kvs, followUpKeys, "", "follow_up")
	if e, ok := keys["after_weeks"]; ok {
		if s, ok := l.scalar(e.value, "", "follow_up: after_weeks"); ok {
			w, err := strconv.Atoi(s)
			if err != nil || w < 1 || w > maxFollowUpWeeks {
				l.errorf(e.line, "", "follow_up: after_weeks must be a whole number from 1 to %d, not %q", maxFollowUpWeeks, s)
			}
			fu.After = time.Duration(w) * week
		}
	}
	if e, ok := keys["if"]; ok {
		fu.If, _ = l.scalar(e.value, "", "follow_up: if")
		l.followUp.cond = e.line
	}
	e, ok := keys["flow"]
	if !ok {
		l.errorf(n.Line, "", "follow_up has no flow; add the id of the check-in flow, like flow: check-in")
		return false
	}
	if fu.Flow, ok = l.scalar(e.value, "", "follow_up: flow"); !ok {
		return false
	}
	fu.Line = e.line
	return true
}

// checkFollowUp compiles follow_up's condition against the flow's variables
// and checks that the flow makes a referral to follow up. That the check-in
// flow exists is checked with the whole set (see Set.Check).
func (l *loader) checkFollowUp() {
	fu := l.f.FollowUp
	if fu == nil {
		return
	}
	handoff := false
	for _, s := range l.f.Steps {
		handoff = handoff || s.Handoff
	}
	if !handoff {
		// A warning, not an error, so an author can write the check-in
		// before the handoff step; until then it never falls due.
		l.warnf(l.followUp.key, "", "follow_up needs a step with handoff: true; a check-in follows a referral, and this flow makes none")
	}
	if fu.If == "" {
		return
	}
	env := l.f.condEnv()
	prog, err := expr.Compile(fu.If, expr.Env(env), expr.AsBool())
	if err == nil {
		fu.program = prog
		return
	}
	at := max(l.followUp.cond, fu.Line)
	if unknown := unknownNames(fu.If, env); len(unknown) > 0 {
		names := sortedNames(env)
		for _, u := range unknown {
			l.errorf(at, "", "follow_up: if %q: no step saves %q%s", fu.If, u, didYouMean(u, names))
		}
		return
	}
	l.errorf(at, "", "follow_up: if %q: %s", fu.If, exprMessage(err))
}

// checkFollowUps reports, for every flow of s, a follow_up naming a flow the
// set does not hold, and among the flows new conversations start, chains of
// follow-ups that come back round (a → b → a), which would check in for
// ever.
func (s *Set) checkFollowUps() Problems {
	var probs Problems
	ids := s.IDs()
	for _, byVersion := range s.flows {
		for _, f := range byVersion {
			if fu := f.FollowUp; fu != nil && s.Latest(fu.Flow) == nil {
				probs = append(probs, Problem{File: f.File, Line: fu.Line,
					Msg: fmt.Sprintf("follow_up: there is no flow %q among the flows loaded%s", fu.Flow, didYouMean(fu.Flow, ids))})
			}
		}
	}
	for _, id := range ids {
		if f := s.latest[id]; f.FollowUp != nil {
			if path := s.followUpLoop(f); path != nil {
				probs = append(probs, Problem{File: f.File, Line: f.FollowUp.Line,
					Msg: fmt.Sprintf("follow_up: %q leads back to this flow (%s), so check-ins would never stop", f.FollowUp.Flow, strings.Join(path, " → "))})
			}
		}
	}
	return probs
}

// followUpLoop follows f's chain of follow-ups through the flows new
// conversations start and returns the ids along it, from f back to f, when
// it comes back to f; else nil.
func (s *Set) followUpLoop(f *Flow) []string {
	path := []string{f.ID}
	seen := map[*Flow]bool{f: true}
	for cur := f; cur.FollowUp != nil; {
		next := s.Latest(cur.FollowUp.Flow)
		switch {
		case next == f:
			return append(path, f.ID)
		case next == nil || seen[next]:
			return nil // the chain ends, or loops without f
		}
		path = append(path, next.ID)
		seen[next] = true
		cur = next
	}
	return nil
}
