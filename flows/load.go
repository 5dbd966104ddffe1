package flows

import (
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// TextCheck looks at one message a young person will read (a say, ask or
// invalid text, in one language) and returns a warning when warn is true,
// for example about reading age or SMS length.
type TextCheck func(t string) (msg string, warn bool)

// LoadOptions tunes loading.
type LoadOptions struct {
	// Checks run on every say, ask and invalid text in every language; each
	// warning they return becomes a Problem with Warning set at that text's
	// line.
	Checks []TextCheck
}

// loader holds the state of parsing one file: the flow being filled, the
// problems found and the source lines that Flow has no room for.
type loader struct {
	problemReport
	opt   LoadOptions
	f     *Flow
	steps map[string]*stepSource
	texts []textRef
	start int // line of the start value

	reportLines []int          // line of each name in f.Report
	followUp    followUpSource // where follow_up's parts are
}

// stepSource is where a step's parts are in the file.
type stepSource struct {
	keys      map[string]int // line of each key
	routes    map[*Route]routeSource
	badAnswer bool // the answer could not be understood; skip outcome checks
	badOn     bool // a route's on is wrong; skip the coverage checks
}

// routeSource is where a route's parts are in the file.
type routeSource struct {
	on, cond, target int
}

// textRef is one text in one language, with what it is for.
type textRef struct {
	step, field, lang, text string
	line                    int
	template                bool // may name variables
	check                   bool // run LoadOptions.Checks on it
}

// requiredHint explains each required flow key.
var requiredHint = map[string]string{
	"flow":    " (the flow's id, like youth-self-referral)",
	"version": " (a whole number, 1 or more; bump it on every change)",
	"start":   " (the id of the first step)",
	"steps":   " (the steps of the conversation)",
}

// Parse loads, validates and compiles one flow file. file names it in
// problems. The flow is nil when any problem is an error; warnings alone
// come back with the flow.
func Parse(file string, data []byte, opt LoadOptions) (*Flow, Problems) {
	l := &loader{problemReport: problemReport{file: file}, opt: opt, steps: map[string]*stepSource{}}
	if root := l.document(data); root != nil {
		l.flow(root)
	}
	if l.f != nil {
		l.check()
	}
	l.probs.sort()
	if l.failed() {
		return nil, l.probs
	}
	return l.f, l.probs
}

// flow reads the top-level mapping.
func (l *loader) flow(root *yaml.Node) {
	kvs, ok := l.entries(root, "")
	if !ok {
		l.errorf(nodeLine(root), "", "a flow file must be a map with the keys flow, version, start and steps")
		return
	}
	keys := l.known(kvs, flowKeys, "", "the flow")
	f := &Flow{File: l.file, Line: root.Line, Steps: map[string]*Step{}, Languages: []string{"en"}}
	l.f = f
	for _, k := range []string{"flow", "version", "start", "steps"} {
		if _, ok := keys[k]; !ok {
			l.errorf(root.Line, "", "missing %q%s", k, requiredHint[k])
		}
	}
	if kv, ok := keys["flow"]; ok {
		if id, ok := l.scalar(kv.value, "", "flow"); ok {
			f.ID = id
			if !flowIDRe.MatchString(id) {
				l.errorf(kv.line, "", "flow id %q may only use a-z, 0-9, - and _", id)
			}
		}
	}
	if kv, ok := keys["version"]; ok {
		if s, ok := l.scalar(kv.value, "", "version"); ok {
			v, err := strconv.Atoi(s)
			if err != nil || v < 1 {
				l.errorf(kv.line, "", "version must be a whole number, 1 or more, not %q", s)
			}
			f.Version = v
		}
	}
	if kv, ok := keys["languages"]; ok {
		l.languages(kv)
	}
	if kv, ok := keys["title"]; ok {
		f.Title = l.text(kv, "", "title", false, false)
	}
	if kv, ok := keys["summary"]; ok {
		f.Summary = l.text(kv, "", "summary", true, false)
	}
	if kv, ok := keys["report"]; ok {
		l.report(kv)
	}
	if kv, ok := keys["follow_up"]; ok {
		l.followUpKey(kv)
	}
	if kv, ok := keys["start"]; ok {
		f.Start, _ = l.scalar(kv.value, "", "start")
		l.start = kv.line
	}
	if kv, ok := keys["steps"]; ok {
		l.stepsMap(kv)
	}
}

// languages reads the list of language codes, default first.
func (l *loader) languages(kv yamlEntry) {
	n := kv.value
	if n == nil || n.Kind != yaml.SequenceNode {
		l.errorf(kv.line, "", "languages must be a list of language codes, default first, like [en, cy]")
		return
	}
	var langs []string
	for _, item := range n.Content {
		item = yamlDeref(item)
		code, ok := l.scalar(item, "", "a language")
		if !ok {
			continue
		}
		switch {
		case !languageRe.MatchString(code):
			l.errorf(item.Line, "", "language %q is not a language code like en or cy", code)
		case slices.Contains(langs, code):
			l.errorf(item.Line, "", "language %q is listed twice", code)
		default:
			langs = append(langs, code)
		}
	}
	if len(langs) == 0 {
		l.errorf(kv.line, "", "languages is empty; list at least one language, default first")
		return
	}
	l.f.Languages = langs
}

// stepsMap reads the steps mapping, keeping file order.
func (l *loader) stepsMap(kv yamlEntry) {
	kvs, ok := l.entries(kv.value, "")
	if !ok {
		l.errorf(kv.line, "", "steps must be a map of step id → step")
		return
	}
	if len(kvs) == 0 {
		l.errorf(kv.line, "", "steps is empty; a flow needs at least one step")
		return
	}
	for _, skv := range kvs {
		if !stepIDRe.MatchString(skv.key) {
			l.errorf(skv.line, "", "step id %q may only use letters, digits, - and _", skv.key)
			continue
		}
		s := l.step(skv)
		l.f.Steps[s.ID] = s
		l.f.Order = append(l.f.Order, s.ID)
	}
}
