package flows

import (
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-app/signpost/flows/answer"
)

// reportTypes are the answer types that may go into the monitoring figures.
// Each has a small, fixed set of values (or is a number), so a figure can
// never carry free text or contact details that might identify someone.
var reportTypes = []answer.Type{answer.Choice, answer.Choices, answer.YesNo, answer.Number}

// Reports reports whether the saved answer name goes into the anonymous
// monitoring figures.
func (f *Flow) Reports(name string) bool { return slices.Contains(f.Report, name) }

// report reads the list of saved answers that go into the figures. Whether
// each is saved, and as what, is checked by checkReport once every step is
// read.
func (l *loader) report(kv yamlEntry) {
	n := kv.value
	if n == nil || n.Kind != yaml.SequenceNode {
		l.errorf(kv.line, "", "report must be a list of saved answers, like report: [age, support]")
		return
	}
	seen := map[string]int{}
	for _, item := range n.Content {
		item = yamlDeref(item)
		name, ok := l.scalar(item, "", "a name in report")
		if !ok {
			continue
		}
		if first, dup := seen[name]; dup {
			l.errorf(item.Line, "", "%q is in report twice (first at line %d)", name, first)
			continue
		}
		seen[name] = item.Line
		l.f.Report = append(l.f.Report, name)
		l.reportLines = append(l.reportLines, item.Line)
	}
}

// checkReport checks that every name in report is an answer some step saves,
// of a type the figures can hold.
func (l *loader) checkReport() {
	if len(l.f.Report) == 0 {
		return
	}
	var saved []string
	for _, id := range l.f.Order {
		if s := l.f.Steps[id]; s.Save != "" && s.Answer != nil && !slices.Contains(saved, s.Save) {
			saved = append(saved, s.Save)
		}
	}
	for i, name := range l.f.Report {
		at := l.reportLines[i]
		s := l.savedBy(name)
		switch {
		case s == nil && l.f.vars[name].Builtin:
			l.errorf(at, "", "%q in report is a built-in variable, not an answer a step saves; only saved answers can go in report", name)
		case s == nil:
			l.errorf(at, "", "%q in report is not saved by any step%s", name, didYouMean(name, saved))
		case !answer.Known(s.Answer.Type):
			// reported where the step names the type
		case !slices.Contains(reportTypes, s.Answer.Type):
			l.errorf(at, "", "%q is %s %s answer: only choice, choices, yes_no and number answers can go in report (figures never hold free text or contact details)",
				name, article(string(s.Answer.Type)), s.Answer.Type)
		}
	}
}

// savedBy returns the first step that saves name, or nil. The built-in
// language counts when a step saves it (a choice of the flow's languages).
func (l *loader) savedBy(name string) *Step {
	for _, id := range l.f.Order {
		if s := l.f.Steps[id]; s.Save == name && s.Answer != nil {
			return s
		}
	}
	return nil
}

// article returns "an" before a word starting with a vowel, else "a".
func article(word string) string {
	if word != "" && slices.Contains([]byte("aeiou"), word[0]) {
		return "an"
	}
	return "a"
}
