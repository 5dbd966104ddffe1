package flows

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Problem is one mistake (or, with Warning set, one doubt) found while
// loading a flow file. Its String form is what an author sees:
// "file:line: step: message".
type Problem struct {
	File    string
	Line    int    // 1-based; 0 when the problem is about the whole file
	Step    string // the step the problem is about, or ""
	Msg     string
	Warning bool // a warning does not stop the flow from loading
}

// String renders the problem as "file:line: step: message", leaving out
// "step: " when the problem is not about one step and "line:" when the line
// is unknown.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Step != "" {
		b.WriteString(p.Step)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found while loading, in file and line order.
// It is also an error: Err returns the errors among them as a Problems.
type Problems []Problem

// Error renders one problem a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Err returns the errors (not the warnings) as an error of type Problems, or
// nil when there are none.
func (ps Problems) Err() error {
	if errs := ps.Errors(); len(errs) > 0 {
		return errs
	}
	return nil
}

// Errors returns the problems that stop a flow from loading.
func (ps Problems) Errors() Problems {
	return ps.filter(false)
}

// Warnings returns the problems that do not stop a flow from loading.
func (ps Problems) Warnings() Problems {
	return ps.filter(true)
}

func (ps Problems) filter(warning bool) Problems {
	var out Problems
	for _, p := range ps {
		if p.Warning == warning {
			out = append(out, p)
		}
	}
	return out
}

// sort orders problems by file then line, keeping the order they were found
// in for problems on the same line.
func (ps Problems) sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
}

// problemReport collects problems for one file.
type problemReport struct {
	file  string
	probs Problems
}

func (r *problemReport) errorf(line int, step, format string, args ...any) {
	r.probs = append(r.probs, Problem{File: r.file, Line: line, Step: step, Msg: fmt.Sprintf(format, args...)})
}

func (r *problemReport) warnf(line int, step, format string, args ...any) {
	r.probs = append(r.probs, Problem{File: r.file, Line: line, Step: step, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// failed reports whether any error (not warning) has been reported.
func (r *problemReport) failed() bool {
	for _, p := range r.probs {
		if !p.Warning {
			return true
		}
	}
	return false
}
