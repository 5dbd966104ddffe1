package flows

import (
	"fmt"
	"io"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/looplab/fsm"
	"github.com/valyala/fasttemplate"
)

// Machine returns a fresh looplab/fsm state machine standing at step, with
// only that step's events. The engine builds one per turn from the saved
// state: an FSM is never shared between turns or goroutines.
func (f *Flow) Machine(step string) *fsm.FSM {
	return fsm.NewFSM(step, f.events[step], nil)
}

// Choose returns the first route out of s whose On matches outcome (an empty
// On matches any) and whose condition holds in env. Steps that ask nothing
// are chosen with an empty outcome. env maps every variable of the flow (see
// Vars) to its value.
func (s *Step) Choose(outcome string, env map[string]any) (*Route, error) {
	for _, r := range s.Next {
		if r.On != "" && r.On != outcome {
			continue
		}
		if r.program != nil {
			ok, err := expr.Run(r.program, env)
			if err != nil {
				return nil, fmt.Errorf("step %s: evaluating %q: %w", s.ID, r.If, err)
			}
			if b, _ := ok.(bool); !b {
				continue
			}
		}
		return r, nil
	}
	return nil, fmt.Errorf("step %s: no route for outcome %q", s.ID, outcome)
}

// NeedsEnv reports whether any route out of s has a condition, so callers can
// skip building an environment for the common case.
func (s *Step) NeedsEnv() bool {
	for _, r := range s.Next {
		if r.program != nil {
			return true
		}
	}
	return false
}

// Render fills the {{name}} tags of a template with lookup. Unknown names
// render as an empty string (a flow that loaded cannot name an unknown
// variable).
func Render(tpl string, lookup func(name string) string) string {
	if !strings.Contains(tpl, "{{") {
		return tpl
	}
	return fasttemplate.ExecuteFuncString(tpl, "{{", "}}", func(w io.Writer, tag string) (int, error) {
		return io.WriteString(w, lookup(strings.TrimSpace(tag)))
	})
}

// TemplateTags returns the variable names used in a template, in order.
func TemplateTags(tpl string) []string {
	if !strings.Contains(tpl, "{{") {
		return nil
	}
	var tags []string
	fasttemplate.ExecuteFuncString(tpl, "{{", "}}", func(w io.Writer, tag string) (int, error) {
		tags = append(tags, strings.TrimSpace(tag))
		return 0, nil
	})
	return tags
}

// ReturnEvent names the fsm event that brings a conversation back from step
// to the review step that sent it there with `return: true`.
func ReturnEvent(step, review string) string { return step + ":return:" + review }

// addReturnEvents adds, for every review step (a step with a `return: true`
// route), an event from every question step back to it: after a change, the
// conversation returns to the review once it reaches a question already
// answered. Called at the end of compiling a flow.
func (f *Flow) addReturnEvents() {
	for _, review := range f.Order {
		isReview := false
		for _, r := range f.Steps[review].Next {
			isReview = isReview || r.Return
		}
		if !isReview {
			continue
		}
		for _, id := range f.Order {
			if id == review || !f.Steps[id].Asks() {
				continue
			}
			f.events[id] = append(f.events[id], fsm.EventDesc{Name: ReturnEvent(id, review), Src: []string{id}, Dst: review})
		}
	}
}

// EachVar calls fn for every variable of the flow (saved answers and
// built-ins) without copying them, in no particular order.
func (f *Flow) EachVar(fn func(VarInfo)) {
	for _, v := range f.vars {
		fn(v)
	}
}
