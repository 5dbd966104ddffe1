package flows

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/looplab/fsm"

	"github.com/signpost-app/signpost/flows/answer"
)

// Vars returns every variable templates and conditions may use: the saved
// answers and the built-ins, by name.
func (f *Flow) Vars() map[string]VarInfo { return maps.Clone(f.vars) }

// Events returns every fsm event of the flow, sorted by name.
//
// Each route is one event named after its step: "<step>:<on>" for a route
// taken on an outcome with no condition ("welcome:yes", "support:work"),
// "<step>:<n>" for a route without on (n is its 1-based place in the step's
// next: "age:1", "age:2"), and "<step>:<on>:<n>" for a route with both on and
// if. Should a name clash (an option id "1" and a route at place 1), the later
// route is named "<step>:#<n>". Step ids cannot hold ":" and option ids
// cannot hold "#", so names are unique within a flow. Flows with return
// routes also have the runtime's return events (see ReturnEvent).
func (f *Flow) Events() []fsm.EventDesc {
	var all []fsm.EventDesc
	for _, evs := range f.events {
		all = append(all, evs...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// EventsFrom returns the events leaving step, in route order.
func (f *Flow) EventsFrom(step string) []fsm.EventDesc {
	return append([]fsm.EventDesc(nil), f.events[step]...)
}

// collectVars fills f.vars with the built-ins and every saved answer, and
// reports clashes.
func (l *loader) collectVars() {
	f := l.f
	f.vars = map[string]VarInfo{}
	for name := range Builtins {
		f.vars[name] = VarInfo{Name: name, Builtin: true}
	}
	for _, id := range f.Order {
		s := f.Steps[id]
		if s.Save == "" || s.Answer == nil || !varRe.MatchString(s.Save) {
			continue
		}
		src := l.steps[id]
		at := src.keys["save"]
		v, ok := f.vars[s.Save]
		switch {
		case s.Save == "language":
			// The one built-in a step may set: a choice of the flow's
			// languages switches the conversation language.
			l.checkLanguageChoice(at, id, s)
		case ok && v.Builtin:
			l.errorf(at, id, "save: %q is a built-in variable; choose another name", s.Save)
		case ok && v.Type != s.Answer.Type && !src.badAnswer:
			l.errorf(at, id, "saves %q as %s, but step %q (line %d) saves it as %s",
				s.Save, s.Answer.Type, v.Step, f.Steps[v.Step].Line, v.Type)
		case !ok:
			f.vars[s.Save] = VarInfo{Name: s.Save, Type: s.Answer.Type, Step: id}
		}
	}
}

// condEnv is the expression environment: the built-ins and every saved
// variable as the zero value of its type.
func (f *Flow) condEnv() map[string]any {
	env := maps.Clone(Builtins)
	for name, v := range f.vars {
		if !v.Builtin {
			env[name] = answer.Zero(v.Type)
		}
	}
	return env
}

// compileConditions compiles every route's if, reporting conditions that do
// not compile, are not true/false, or name variables no step saves.
func (l *loader) compileConditions() {
	env := l.f.condEnv()
	names := sortedNames(env)
	for _, id := range l.f.Order {
		for _, r := range l.f.Steps[id].Next {
			if r.If == "" {
				continue
			}
			prog, err := expr.Compile(r.If, expr.Env(env), expr.AsBool())
			if err == nil {
				r.program = prog
				continue
			}
			at := max(l.steps[id].routes[r].cond, r.Line)
			if unknown := unknownNames(r.If, env); len(unknown) > 0 {
				for _, u := range unknown {
					l.errorf(at, id, "if %q: no step saves %q%s", r.If, u, didYouMean(u, names))
				}
				continue
			}
			l.errorf(at, id, "if %q: %s", r.If, exprMessage(err))
		}
	}
}

// exprMessage shortens an expr error to one line.
func exprMessage(err error) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		return fmt.Sprintf("%s (at column %d)", fe.Message, fe.Column+1)
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// unknownNames returns the variables a condition names that are not in env,
// in order of first use. Function names and let variables are not counted.
func unknownNames(src string, env map[string]any) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := &identVisitor{callees: map[ast.Node]bool{}, lets: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	var out []string
	for _, n := range v.idents {
		name := n.Value
		if v.callees[n] || v.lets[name] || strings.HasPrefix(name, "$") || slices.Contains(out, name) {
			continue
		}
		if _, ok := env[name]; !ok {
			out = append(out, name)
		}
	}
	return out
}

// identVisitor collects identifiers, function names and let names.
type identVisitor struct {
	idents  []*ast.IdentifierNode
	callees map[ast.Node]bool
	lets    map[string]bool
}

// Visit implements ast.Visitor.
func (v *identVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		v.idents = append(v.idents, n)
	case *ast.CallNode:
		v.callees[n.Callee] = true
	case *ast.VariableDeclaratorNode:
		v.lets[n.Name] = true
	}
}

// compileEvents names every route's event and builds f.events.
func (l *loader) compileEvents() {
	f := l.f
	f.events = map[string][]fsm.EventDesc{}
	used := map[string]bool{}
	for _, id := range f.Order {
		for i, r := range f.Steps[id].Next {
			name := fmt.Sprintf("%s:%d", id, i+1)
			switch {
			case r.On != "" && r.If == "":
				name = id + ":" + r.On
			case r.On != "":
				name = fmt.Sprintf("%s:%s:%d", id, r.On, i+1)
			}
			if used[name] {
				name = fmt.Sprintf("%s:#%d", id, i+1)
			}
			used[name] = true
			r.Event = name
			f.events[id] = append(f.events[id], fsm.EventDesc{Name: name, Src: []string{id}, Dst: r.Goto})
		}
	}
}

// compileSpecs builds each answer's parser spec, with every option's text
// in every language as its labels.
func (l *loader) compileSpecs() {
	for _, id := range l.f.Order {
		a := l.f.Steps[id].Answer
		if a == nil {
			continue
		}
		a.spec = answer.Spec{Type: a.Type, Min: a.Min, Max: a.Max, MaxLength: a.MaxLength, Optional: a.Optional}
		for _, o := range a.Options {
			opt := answer.Option{ID: o.ID}
			for _, lang := range l.f.Languages {
				if t, ok := o.Text[lang]; ok && !slices.Contains(opt.Labels, t) {
					opt.Labels = append(opt.Labels, t)
				}
			}
			a.spec.Options = append(a.spec.Options, opt)
		}
		a.spec = a.spec.Prepared()
	}
}

// checkLanguageChoice allows `save: language` only on a choice step whose
// option ids are all languages of the flow.
func (l *loader) checkLanguageChoice(at int, id string, s *Step) {
	if s.Answer.Type != answer.Choice {
		l.errorf(at, id, "save: language switches the conversation language, so it needs a choice answer whose option ids are the flow's languages")
		return
	}
	for _, o := range s.Answer.Options {
		if !slices.Contains(l.f.Languages, o.ID) {
			l.errorf(at, id, "save: language: option %q is not one of the flow's languages (%s)", o.ID, strings.Join(l.f.Languages, ", "))
		}
	}
}
