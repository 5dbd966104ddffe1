package flows

import (
	"errors"
	"testing"
)

func TestProblemString(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"about a step", Problem{File: "a.yaml", Line: 3, Step: "age", Msg: "oops"}, "a.yaml:3: age: oops"},
		{"about the flow", Problem{File: "a.yaml", Line: 1, Msg: "oops"}, "a.yaml:1: oops"},
		{"no line", Problem{File: "a.yaml", Msg: "cannot read"}, "a.yaml: cannot read"},
		{"warning", Problem{File: "a.yaml", Line: 2, Step: "s", Msg: "long", Warning: true}, "a.yaml:2: s: long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProblemsErr(t *testing.T) {
	warn := Problem{File: "a.yaml", Line: 2, Msg: "long", Warning: true}
	bad := Problem{File: "a.yaml", Line: 3, Msg: "broken"}
	tests := []struct {
		name           string
		ps             Problems
		wantErr        string // "" for a nil error
		errors, warned int
	}{
		{"none", nil, "", 0, 0},
		{"warnings only", Problems{warn}, "", 0, 1},
		{"errors and warnings", Problems{warn, bad, bad}, "a.yaml:3: broken\na.yaml:3: broken", 2, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.ps.Err()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Err() = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
				t.Errorf("Err() = %v, want %q", err, tc.wantErr)
			}
			var ps Problems
			if err != nil && !errors.As(err, &ps) {
				t.Errorf("Err() is a %T, want Problems", err)
			}
			if n := len(tc.ps.Errors()); n != tc.errors {
				t.Errorf("len(Errors()) = %d, want %d", n, tc.errors)
			}
			if n := len(tc.ps.Warnings()); n != tc.warned {
				t.Errorf("len(Warnings()) = %d, want %d", n, tc.warned)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	tests := []struct {
		word string
		cand []string
		want string
	}{
		{"stroy", []string{"story", "start"}, "story"},
		{"maximum", []string{"min", "max"}, "max"},
		{"Welcome", []string{"welcome"}, "welcome"},
		{"zzz", []string{"age", "name"}, ""},
		{"a", []string{"b"}, ""},
		{"age", []string{"age"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.word, func(t *testing.T) {
			if got := nearest(tc.word, tc.cand); got != tc.want {
				t.Errorf("nearest(%q) = %q, want %q", tc.word, got, tc.want)
			}
		})
	}
}
