// Package flows is Signpost's authoring language: question flows written as
// YAML by youth workers with young people, loaded and validated whole with
// friendly file:line errors, compiled to a looplab/fsm state machine, drawn as
// Mermaid diagrams and checked with example conversations.
package flows

import (
	"github.com/expr-lang/expr/vm"
	"github.com/looplab/fsm"

	"github.com/signpost-app/signpost/flows/answer"
)

// Text is a message in one or more languages. In YAML it is either a plain
// string (in the flow's default language) or a map of language code → string.
type Text map[string]string

// In returns the text in lang, falling back to def, then to any language.
func (t Text) In(lang, def string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	if s, ok := t[def]; ok {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
}

// Empty reports whether t has no text in any language.
func (t Text) Empty() bool {
	for _, s := range t {
		if s != "" {
			return false
		}
	}
	return true
}

// Flow is one loaded, validated and compiled flow version.
type Flow struct {
	ID        string
	Version   int
	Title     Text
	Start     string
	Languages []string  // the first is the default language
	Summary   Text      // optional handoff summary template
	Report    []string  // saved answers that go into the anonymous figures, in file order
	FollowUp  *FollowUp // the check-in after a referral; nil when there is none
	Steps     map[string]*Step
	Order     []string // step ids in file order
	File      string
	Line      int

	// compiled
	events map[string][]fsm.EventDesc // by source step
	vars   map[string]VarInfo         // every saved answer and built-in variable
}

// DefaultLanguage is the flow's first language ("en" when none is listed).
func (f *Flow) DefaultLanguage() string {
	if len(f.Languages) == 0 {
		return "en"
	}
	return f.Languages[0]
}

// Step returns the step with the given id, or nil.
func (f *Flow) Step(id string) *Step { return f.Steps[id] }

// Step is one step of a flow: something said, optionally a question, and
// where to go next.
type Step struct {
	ID      string
	Line    int
	Say     Text
	Ask     Text
	Answer  *Answer // nil when the step asks nothing
	Invalid Text
	Save    string
	Next    []*Route
	Handoff bool
	End     bool
}

// Asks reports whether the step waits for an answer.
func (s *Step) Asks() bool { return s.Answer != nil }

// Terminal reports whether the conversation stops at this step.
func (s *Step) Terminal() bool { return len(s.Next) == 0 && (s.End || s.Handoff) }

// Answer describes the answer a step expects.
type Answer struct {
	Type      answer.Type
	Min, Max  *float64
	MaxLength int
	Optional  bool
	Options   []Option
	Line      int

	spec answer.Spec // compiled parser spec
}

// Spec is the language-independent parser spec for this answer.
func (a *Answer) Spec() answer.Spec { return a.spec }

// Option is one choice of a choice or choices answer.
type Option struct {
	ID   string
	Text Text
	Line int
}

// Label returns the option's text in lang.
func (o Option) Label(lang, def string) string { return o.Text.In(lang, def) }

// Route is one way out of a step. Routes are tried in order; the first whose
// On matches the answer's outcome (empty matches any) and whose If holds is
// taken.
type Route struct {
	On     string // answer outcome: yes/no, an option id, answered or skipped; "" = any
	If     string // expr condition source; "" = always
	Goto   string
	Return bool // come back to this step after the target step is answered
	Line   int
	Event  string // the fsm event name

	program *vm.Program
}

// VarInfo describes a variable that templates and conditions may use.
type VarInfo struct {
	Name    string
	Type    answer.Type // "" for built-ins
	Step    string      // the step that saves it ("" for built-ins)
	Builtin bool
}

// Builtins are the variables every flow may use in templates and conditions.
var Builtins = map[string]any{
	"source":   "",  // the school or link code the conversation came from
	"channel":  "",  // sms, telegram, web or chat
	"language": "",  // the conversation language
	"min_age":  0.0, // the configured minimum age for a referral
}
