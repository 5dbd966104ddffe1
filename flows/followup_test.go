package flows

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// withKeys returns a small valid flow with extra top-level keys from line 3.
// It saves follow_up (yes_no), age (number) and the answers of every other
// type, and hands off.
func withKeys(extra string) string {
	return "flow: f\nversion: 1\n" + extra + `start: a
steps:
  a: {ask: "Check in later?", answer: yes_no, save: follow_up, next: b}
  b: {ask: "Age?", answer: number, save: age, next: c}
  c: {ask: "Born?", answer: {type: date, optional: true}, save: born, next: d}
  d: {ask: "Postcode?", answer: {type: postcode, optional: true}, save: postcode, next: e}
  e: {ask: "Phone?", answer: {type: phone, optional: true}, save: phone, next: g}
  g: {say: thanks, handoff: true}
`
}

func TestParseReportAndFollowUp(t *testing.T) {
	f := loadGood(t, "follow-up.yaml")
	if want := []string{"age", "support", "worthwhile", "follow_up"}; !reflect.DeepEqual(f.Report, want) {
		t.Errorf("Report = %v, want %v", f.Report, want)
	}
	for name, want := range map[string]bool{"age": true, "follow_up": true, "story": false, "channel": false, "": false} {
		if got := f.Reports(name); got != want {
			t.Errorf("Reports(%q) = %v, want %v", name, got, want)
		}
	}
	fu := f.FollowUp
	if fu == nil {
		t.Fatal("FollowUp is nil")
	}
	want := FollowUp{Flow: "check-in", After: 6 * 7 * 24 * time.Hour, If: "follow_up && age >= 11", Line: 6}
	if got := *fu; got.Flow != want.Flow || got.After != want.After || got.If != want.If || got.Line != want.Line || got.program == nil {
		t.Errorf("FollowUp = %+v, want %+v compiled", got, want)
	}
}

func TestParseFollowUpShortForm(t *testing.T) {
	f, probs := Parse("f.yaml", []byte(withKeys("follow_up: check-in\n")), LoadOptions{})
	if f == nil || len(probs) > 0 {
		t.Fatalf("problems:\n%s", probs.Error())
	}
	fu := f.FollowUp
	if fu == nil || fu.Flow != "check-in" || fu.After != 8*7*24*time.Hour || fu.If != "" || fu.Line != 3 {
		t.Fatalf("FollowUp = %+v, want check-in after 8 weeks at line 3", fu)
	}
	if due, err := fu.Due(nil); !due || err != nil {
		t.Errorf("Due(nil) = %v, %v; want true without a condition", due, err)
	}
	if f.Report != nil || f.Reports("follow_up") {
		t.Errorf("Report = %v, want nothing without the key", f.Report)
	}
	none, _ := Parse("f.yaml", []byte(withKeys("report: []\n")), LoadOptions{})
	if none == nil || none.FollowUp != nil || len(none.Report) != 0 {
		t.Errorf("report: [] and no follow_up: got %+v", none)
	}
}

func TestFollowUpDue(t *testing.T) {
	f := loadGood(t, "follow-up.yaml")
	env := func(followUp bool, age float64) map[string]any {
		e := f.condEnv()
		e["follow_up"], e["age"] = followUp, age
		return e
	}
	tests := []struct {
		name string
		env  map[string]any
		want bool
	}{
		{"agreed and old enough", env(true, 15), true},
		{"did not agree", env(false, 15), false},
		{"too young", env(true, 10), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.FollowUp.Due(tc.env)
			if err != nil || got != tc.want {
				t.Errorf("Due = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if _, err := f.FollowUp.Due(map[string]any{"follow_up": true, "age": "fifteen"}); err == nil {
		t.Error("Due with a string age: want an error")
	}
	var none *FollowUp
	if due, err := none.Due(nil); due || err != nil {
		t.Errorf("nil FollowUp: Due = %v, %v; want false", due, err)
	}
}

func TestParseReportAndFollowUpProblems(t *testing.T) {
	tests := []struct {
		name, extra string
		want        []string // every problem, as an author sees it
	}{
		{"report a date", "report: [age, born]\n",
			[]string{`f.yaml:3: "born" is a date answer: only choice, choices, yes_no and number answers can go in report (figures never hold free text or contact details)`}},
		{"report a postcode and a phone", "report:\n  - postcode\n  - phone\n", []string{
			`f.yaml:4: "postcode" is a postcode answer: only choice, choices, yes_no and number answers can go in report (figures never hold free text or contact details)`,
			`f.yaml:5: "phone" is a phone answer: only choice, choices, yes_no and number answers can go in report (figures never hold free text or contact details)`}},
		{"report a map", "report: [{age: 1}]\n", []string{`f.yaml:3: a name in report must be a single value, not a list or map`}},
		{"empty report", "report:\n", []string{`f.yaml:3: report must be a list of saved answers, like report: [age, support]`}},
		{"report misspelt", "reprot: [age]\n", []string{`f.yaml:3: unknown key "reprot" in the flow; did you mean "report"?`}},
		{"follow_up misspelt", "followup: check-in\n", []string{`f.yaml:3: unknown key "followup" in the flow; did you mean "follow_up"?`}},
		{"empty follow_up", "follow_up:\n", []string{`f.yaml:3: follow_up is empty`}},
		{"flow id with spaces", "follow_up: Check In\n", []string{`f.yaml:3: follow_up: flow id "Check In" may only use a-z, 0-9, - and _`}},
		{"short form into itself", "follow_up: f\n",
			[]string{`f.yaml:3: follow_up: "f" is this flow; a flow cannot follow up into itself, so name the check-in flow`}},
		{"zero weeks", "follow_up: {flow: check-in, after_weeks: 0}\n",
			[]string{`f.yaml:3: follow_up: after_weeks must be a whole number from 1 to 52, not "0"`}},
		{"half a week", "follow_up:\n  flow: check-in\n  after_weeks: 8.5\n",
			[]string{`f.yaml:5: follow_up: after_weeks must be a whole number from 1 to 52, not "8.5"`}},
		{"weeks in words", "follow_up:\n  flow: check-in\n  after_weeks: eight\n",
			[]string{`f.yaml:5: follow_up: after_weeks must be a whole number from 1 to 52, not "eight"`}},
		{"if does not compile", "follow_up:\n  flow: check-in\n  if: \"follow_up &&\"\n",
			[]string{`f.yaml:5: follow_up: if "follow_up &&": unexpected token EOF (at column 12)`}},
		{"if does not type-check", "follow_up:\n  flow: check-in\n  if: \"age > 'ten'\"\n",
			[]string{`f.yaml:5: follow_up: if "age > 'ten'": invalid operation: > (mismatched types float64 and string) (at column 5)`}},
		{"empty flow", "follow_up: {flow: , after_weeks: 2}\n", []string{`f.yaml:3: follow_up: flow is empty`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, probs := Parse("f.yaml", []byte(withKeys(tc.extra)), LoadOptions{})
			if got, want := probs.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("problems:\n%s\nwant:\n%s", got, want)
			}
			if f != nil {
				t.Error("Parse returned a flow despite errors")
			}
		})
	}
}

func TestLoadFSFollowUp(t *testing.T) {
	flow := func(id, followUp string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("flow: " + id + "\nversion: 1\nfollow_up: " + followUp +
			"\nstart: a\nsteps:\n  a: {say: thanks, handoff: true}\n")}
	}
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []string
	}{
		{"check-in exists", fstest.MapFS{"a.yaml": flow("a", "check-in"), "c.yaml": tiny("check-in", 1, "hi")}, nil},
		{"no such flow", fstest.MapFS{"a.yaml": flow("a", "chek-in"), "c.yaml": tiny("check-in", 1, "hi")},
			[]string{`a.yaml:3: follow_up: there is no flow "chek-in" among the flows loaded; did you mean "check-in"?`}},
		{"two flows round", fstest.MapFS{"a.yaml": flow("a", "b"), "b.yaml": flow("b", "a")}, []string{
			`a.yaml:3: follow_up: "b" leads back to this flow (a → b → a), so check-ins would never stop`,
			`b.yaml:3: follow_up: "a" leads back to this flow (b → a → b), so check-ins would never stop`}},
		{"three flows round, one leading in", fstest.MapFS{
			"a.yaml": flow("a", "b"), "b.yaml": flow("b", "c"), "c.yaml": flow("c", "b"), "d.yaml": flow("d", "a")}, []string{
			`b.yaml:3: follow_up: "c" leads back to this flow (b → c → b), so check-ins would never stop`,
			`c.yaml:3: follow_up: "b" leads back to this flow (c → b → c), so check-ins would never stop`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, probs := LoadFS(tc.files, LoadOptions{})
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if s.Latest("a") == nil {
				t.Error("flow a should stay in the set")
			}
		})
	}
}

func TestLoadDirFollowUpNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "a.yaml"), []byte(withKeys("follow_up: check-up\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, probs := LoadDir(dir, LoadOptions{})
	want := filepath.Join(dir, "sub", "a.yaml") + `:3: follow_up: there is no flow "check-up" among the flows loaded`
	if probs.Error() != want {
		t.Errorf("problems:\n%s\nwant:\n%s", probs.Error(), want)
	}
}

func TestSetCheckGoodPair(t *testing.T) {
	s := NewSet(loadGood(t, "follow-up.yaml"), loadGood(t, "check-in.yaml"))
	if probs := s.Check(); len(probs) > 0 {
		t.Errorf("problems:\n%s", probs.Error())
	}
	if probs := NewSet(loadGood(t, "follow-up.yaml")).Check(); probs.Err() == nil {
		t.Error("a set without check-in: want an error")
	}
	var none *Set
	if probs := none.Check(); probs != nil {
		t.Errorf("nil set: %v", probs)
	}
}

func TestGraphFollowUp(t *testing.T) {
	g := Graph(loadGood(t, "follow-up.yaml"))
	want := "%% youth-self-referral version 4\n%% follow-up: check-in after 6 weeks, if follow_up && age >= 11\nflowchart TD\n"
	if !strings.HasPrefix(g, want) {
		t.Errorf("graph starts:\n%s\nwant:\n%s", g[:min(len(g), len(want)+40)], want)
	}
	f, _ := Parse("f.yaml", []byte(withKeys("follow_up: {flow: check-in, after_weeks: 1}\n")), LoadOptions{})
	if g := Graph(f); !strings.Contains(g, "\n%% follow-up: check-in after 1 week\n") {
		t.Errorf("graph:\n%s", g)
	}
	if g := Graph(loadGood(t, "check-in.yaml")); strings.Contains(g, "follow-up") {
		t.Errorf("a flow without follow_up drew one:\n%s", g)
	}
}
