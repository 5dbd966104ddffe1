package flows

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse. Whatever the input, Parse must
// not panic and must return either a flow or at least one error, never both;
// a flow it returns must be whole enough to draw and to run, and its
// report and follow_up safe to use. Seeds: the
// corpus under testdata/fuzz/FuzzParse and every testdata/good and
// testdata/bad flow.
func FuzzParse(f *testing.F) {
	f.Add([]byte("flow: f\nversion: 1\nstart: a\nsteps:\n  a: {say: hi, end: true}\n"))
	for _, pattern := range []string{"testdata/good/*.yaml", "testdata/bad/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	check := func(s string) (string, bool) { return "long", len(s) > 100 }
	f.Fuzz(func(t *testing.T, data []byte) {
		flow, probs := Parse("fuzz.yaml", data, LoadOptions{Checks: []TextCheck{check}})
		errs := probs.Errors()
		if (flow == nil) == (len(errs) == 0) {
			t.Fatalf("flow = %v with %d errors:\n%s", flow != nil, len(errs), probs.Error())
		}
		// yaml counts \r, \n, \r\n, NEL, LS and PS as line breaks.
		text := string(data)
		lines := 1 + strings.Count(text, "\n") + strings.Count(text, "\r") - strings.Count(text, "\r\n") +
			strings.Count(text, "\u0085") + strings.Count(text, "\u2028") + strings.Count(text, "\u2029")
		for i, p := range probs {
			if p.File != "fuzz.yaml" || p.Line < 0 || p.Line > lines+1 || p.Msg == "" {
				t.Errorf("bad problem %+v", p)
			}
			if i > 0 && probs[i-1].Line > p.Line {
				t.Errorf("problems out of order: %s before %s", probs[i-1], p)
			}
		}
		if flow == nil {
			return
		}
		_ = Graph(flow)
		if flow.Steps[flow.Start] == nil {
			t.Fatalf("start %q is not a step", flow.Start)
		}
		var names []string
		for _, id := range flow.Order {
			s := flow.Steps[id]
			if s.Asks() && len(s.Next) == 0 {
				t.Errorf("step %s asks with no way out", id)
			}
			for _, r := range s.Next {
				if flow.Steps[r.Goto] == nil || r.Event == "" || (r.If != "" && r.program == nil) {
					t.Errorf("step %s: bad route %+v", id, r)
				}
				names = append(names, r.Event)
			}
		}
		slices.Sort(names)
		if len(slices.Compact(names)) != len(names) {
			t.Errorf("event names not unique: %v", names)
		}
		checkReportAndFollowUp(t, flow)
	})
}

// checkReportAndFollowUp checks what the figures and the check-in rely on:
// every reported name is saved once, as a type with no free text, and a
// follow-up names another flow, within a year, with its condition compiled.
func checkReportAndFollowUp(t *testing.T, flow *Flow) {
	t.Helper()
	for i, name := range flow.Report {
		if slices.Index(flow.Report, name) != i {
			t.Errorf("report: %q twice", name)
		}
		v, ok := flow.Vars()[name]
		saved := ok && !v.Builtin && slices.Contains(reportTypes, v.Type)
		if !saved && name == "language" {
			for _, s := range flow.Steps {
				saved = saved || (s.Save == name && s.Answer != nil && slices.Contains(reportTypes, s.Answer.Type))
			}
		}
		if !saved {
			t.Errorf("report: %q is not a saved choice, choices, yes_no or number answer", name)
		}
	}
	if fu := flow.FollowUp; fu != nil {
		if fu.Flow == "" || fu.Flow == flow.ID || fu.After < week || fu.After > maxFollowUpWeeks*week || (fu.If != "" && fu.program == nil) {
			t.Errorf("bad follow_up %+v", fu)
		}
	}
}
