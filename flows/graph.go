package flows

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// excerptLen is how many characters of a step's text a graph node shows.
const excerptLen = 40

// mermaidEscaper makes text safe inside a quoted Mermaid label. "#" goes
// first so the entity codes it introduces are not escaped again.
var mermaidEscaper = strings.NewReplacer(
	"#", "#35;", `"`, "#quot;", "<", "#lt;", ">", "#gt;", "&", "#amp;", "|", "#124;",
	"\r\n", " ", "\n", " ", "\r", " ", "\t", " ",
)

// Graph draws f as a Mermaid flowchart (flowchart TD), in file order so the
// output is stable. Each node shows the step id and an excerpt of what it
// asks (or says). Shapes: a question is rounded, a step that only says
// something is a box, an end step is a stadium and a handoff step a
// subroutine box in the "handoff" class. Edges are labelled with the outcome
// and condition that take them ("yes", "age < 11", "yes, if age < 11",
// "otherwise" for a catch-all after other routes); return routes are dotted
// and labelled "↩ return". A follow_up shows as a comment line under the
// title ("%% follow-up: check-in after 8 weeks").
func Graph(f *Flow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%%%% %s version %d\n", f.ID, f.Version)
	if fu := f.FollowUp; fu != nil {
		// A comment, not a node: the check-in is another flow, drawn on its own.
		weeks := "weeks"
		if fu.After == week {
			weeks = "week"
		}
		fmt.Fprintf(&b, "%%%% follow-up: %s after %d %s", fu.Flow, fu.After/week, weeks)
		if fu.If != "" {
			fmt.Fprintf(&b, ", if %s", strings.Join(strings.Fields(fu.If), " "))
		}
		b.WriteString("\n")
	}
	b.WriteString("flowchart TD\n")
	node := map[string]string{}
	for i, id := range f.Order {
		node[id] = fmt.Sprintf("s%d", i+1)
	}
	if n, ok := node[f.Start]; ok {
		fmt.Fprintf(&b, "    start((start)) --> %s\n", n)
	}
	def := f.DefaultLanguage()
	for _, id := range f.Order {
		s := f.Steps[id]
		label := mermaidEscaper.Replace(id)
		if text := excerpt(s, def); text != "" {
			label += "<br/>" + mermaidEscaper.Replace(text)
		}
		open, closing := `["`, `"]`
		switch {
		case s.Handoff:
			open, closing = `[["`, `"]]`
		case s.End:
			open, closing = `(["`, `"])`
		case s.Asks():
			open, closing = `("`, `")`
		}
		fmt.Fprintf(&b, "    %s%s%s%s", node[id], open, label, closing)
		if s.Handoff {
			b.WriteString(":::handoff")
		}
		b.WriteString("\n")
	}
	for _, id := range f.Order {
		for i, r := range f.Steps[id].Next {
			to, ok := node[r.Goto]
			if !ok {
				continue
			}
			arrow := "-->"
			if r.Return {
				arrow = "-.->"
			}
			if label := edgeLabel(i, r); label != "" {
				fmt.Fprintf(&b, "    %s %s|\"%s\"| %s\n", node[id], arrow, mermaidEscaper.Replace(label), to)
			} else {
				fmt.Fprintf(&b, "    %s %s %s\n", node[id], arrow, to)
			}
		}
	}
	b.WriteString("    classDef handoff fill:#fde68a,stroke:#b45309,stroke-width:3px\n")
	return b.String()
}

// excerpt is the start of what a step asks, or else says, on one line.
func excerpt(s *Step, lang string) string {
	t := s.Ask
	if t.Empty() {
		t = s.Say
	}
	text := strings.Join(strings.Fields(t.In(lang, lang)), " ")
	if utf8.RuneCountInString(text) <= excerptLen {
		return text
	}
	runes := []rune(text)
	return strings.TrimSpace(string(runes[:excerptLen-1])) + "…"
}

// edgeLabel describes when route i of a step is taken.
func edgeLabel(i int, r *Route) string {
	var label string
	switch {
	case r.On != "" && r.If != "":
		label = r.On + ", if " + r.If
	case r.On != "":
		label = r.On
	case r.If != "":
		label = r.If
	case i > 0:
		label = "otherwise"
	}
	if r.Return {
		label = strings.TrimSpace(label + " ↩ return")
	}
	return label
}
