package flows

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/looplab/fsm"

	"github.com/signpost-app/signpost/flows/answer"
)

// loadGood parses a testdata/good file and fails the test on any problem.
func loadGood(t *testing.T, name string) *Flow {
	t.Helper()
	data, err := os.ReadFile("testdata/good/" + name)
	if err != nil {
		t.Fatal(err)
	}
	f, probs := Parse(name, data, LoadOptions{})
	if len(probs) > 0 || f == nil {
		t.Fatalf("problems loading %s:\n%s", name, probs.Error())
	}
	return f
}

func TestParseProductExample(t *testing.T) {
	f := loadGood(t, "product-example.yaml")
	if f.ID != "youth-self-referral" || f.Version != 3 || f.Start != "welcome" {
		t.Errorf("got %s v%d start %s", f.ID, f.Version, f.Start)
	}
	wantOrder := []string{"welcome", "age", "name", "support", "story", "done", "too_young", "goodbye"}
	if !reflect.DeepEqual(f.Order, wantOrder) {
		t.Errorf("Order = %v, want %v", f.Order, wantOrder)
	}
	if got := f.Languages; !reflect.DeepEqual(got, []string{"en"}) {
		t.Errorf("Languages = %v, want [en]", got)
	}
	age := f.Step("age")
	if age.Answer.Type != answer.Number || *age.Answer.Min != 8 || *age.Answer.Max != 30 {
		t.Errorf("age answer = %+v", age.Answer)
	}
	if spec := age.Answer.Spec(); spec.Type != answer.Number || *spec.Min != 8 {
		t.Errorf("age spec = %+v", spec)
	}
	if r := age.Next[0]; r.If != "age < 11" || r.Goto != "too_young" || r.program == nil {
		t.Errorf("age route 0 = %+v", r)
	}
	if !f.Step("done").Handoff || !f.Step("done").Terminal() || !f.Step("goodbye").End {
		t.Error("done should be a terminal handoff and goodbye an end")
	}
	opts := f.Step("support").Answer.Spec().Options
	if len(opts) != 3 || opts[1].ID != "work" || !reflect.DeepEqual(opts[1].Labels, []string{"Work, training or an apprenticeship"}) {
		t.Errorf("support options = %+v", opts)
	}
}

func TestEventsAndVars(t *testing.T) {
	f := loadGood(t, "product-example.yaml")
	var names []string
	for _, e := range f.Events() {
		names = append(names, e.Name)
	}
	want := []string{"age:1", "age:2", "name:1", "story:1", "support:1", "welcome:no", "welcome:yes"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Events = %v, want %v", names, want)
	}
	from := f.EventsFrom("welcome")
	wantFrom := []fsm.EventDesc{
		{Name: "welcome:yes", Src: []string{"welcome"}, Dst: "age"},
		{Name: "welcome:no", Src: []string{"welcome"}, Dst: "goodbye"},
	}
	if !reflect.DeepEqual(from, wantFrom) {
		t.Errorf("EventsFrom(welcome) = %v, want %v", from, wantFrom)
	}
	if f.Step("welcome").Next[0].Event != "welcome:yes" {
		t.Errorf("route event = %q", f.Step("welcome").Next[0].Event)
	}
	vars := f.Vars()
	wantVars := map[string]VarInfo{
		"age":     {Name: "age", Type: answer.Number, Step: "age"},
		"name":    {Name: "name", Type: answer.Text, Step: "name"},
		"support": {Name: "support", Type: answer.Choices, Step: "support"},
		"story":   {Name: "story", Type: answer.Text, Step: "story"},
	}
	for name := range Builtins {
		wantVars[name] = VarInfo{Name: name, Builtin: true}
	}
	if !reflect.DeepEqual(vars, wantVars) {
		t.Errorf("Vars = %v, want %v", vars, wantVars)
	}
}

func TestEventNames(t *testing.T) {
	src := `flow: f
version: 1
start: pick
steps:
  pick:
    ask: "Pick"
    answer:
      type: choice
      optional: true
      options: [{id: "1", text: One}, {id: two, text: Two}]
    save: n
    next:
      - {goto: done}
      - {on: "1", goto: done}
      - {on: two, if: "channel == 'sms'", goto: done}
      - {on: two, goto: done}
  done: {say: bye, end: true}
`
	f, probs := Parse("f.yaml", []byte(src), LoadOptions{})
	if f == nil {
		t.Fatal(probs.Error())
	}
	var names []string
	for _, e := range f.EventsFrom("pick") {
		names = append(names, e.Name)
	}
	// Routes 2 and 4 are never used (warnings) but still get events.
	want := []string{"pick:1", "pick:#2", "pick:two:3", "pick:two"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("events = %v, want %v", names, want)
	}
}

func TestMultilingualAndOptions(t *testing.T) {
	src := `flow: f
version: 2
title: {en: "Hello", cy: "Helo"}
languages: [en, cy]
start: pick
summary: "{{name}} picked {{help}} via {{channel}}"
steps:
  pick:
    say: {en: "Hi", cy: "Shwmae"}
    ask: "What help?"
    answer:
      type: choice
      options:
        - {id: work, text: {en: "Work", cy: "Gwaith"}}
        - {id: money, text: "Money"}
    save: help
    next: {work: name, money: name}
  name:
    ask: {en: "Name?", cy: "Enw?"}
    answer: {type: text, max_length: 40, optional: true}
    save: name
    next:
      - {on: skipped, goto: pick, return: true}
      - {goto: done}
  done:
    handoff: true
    say: "Thanks {{ name }}"
    next: bye
  bye: {say: "Bye", end: true}
`
	f, probs := Parse("f.yaml", []byte(src), LoadOptions{})
	if f == nil || len(probs) > 0 {
		t.Fatalf("problems:\n%s", probs.Error())
	}
	opts := f.Step("pick").Answer.Spec().Options
	if !reflect.DeepEqual(opts[0].Labels, []string{"Work", "Gwaith"}) || !reflect.DeepEqual(opts[1].Labels, []string{"Money"}) {
		t.Errorf("labels = %+v", opts)
	}
	if got := f.Step("pick").Say.In("cy", "en"); got != "Shwmae" {
		t.Errorf("say cy = %q", got)
	}
	if spec := f.Step("name").Answer.Spec(); spec.MaxLength != 40 || !spec.Optional {
		t.Errorf("name spec = %+v", spec)
	}
	if f.Step("done").Terminal() {
		t.Error("a handoff step with next is not terminal")
	}
}

func TestTextChecks(t *testing.T) {
	src := `flow: f
version: 1
languages: [en, cy]
start: a
steps:
  a:
    say:
      en: "This sentence is far too long"
      cy: "Byr"
    ask: "OK?"
    answer: yes_no
    invalid: "Please say yes or no, it is quite important to us"
    next: {yes: b, no: b}
  b: {say: bye, end: true}
`
	long := func(s string) (string, bool) {
		return "longer than 20 characters", len(s) > 20
	}
	f, probs := Parse("f.yaml", []byte(src), LoadOptions{Checks: []TextCheck{long}})
	if f == nil {
		t.Fatalf("warnings must not stop the flow:\n%s", probs.Error())
	}
	want := "f.yaml:8: a: say (en): longer than 20 characters\n" +
		"f.yaml:12: a: invalid (en): longer than 20 characters"
	if got := probs.Error(); got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
	for _, p := range probs {
		if !p.Warning {
			t.Errorf("%s is not a warning", p)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := `flow: f
version: 1
start: a
steps:
  a: {ask: "Age?", answer: numbr, save: age, next: b}
  b: {say: "Hi {{nam}}", nxt: c}
  c: {say: bye, end: true}
`
	_, probs := Parse("f.yaml", []byte(src), LoadOptions{})
	for _, want := range []string{
		`f.yaml:5: a: unknown answer type "numbr"; did you mean "number"?`,
		`f.yaml:6: b: unknown key "nxt" in a step; did you mean "next"?`,
		`f.yaml:6: b: say: {{nam}} is not saved by any step`,
		`f.yaml:6: b: has no way out; add next: <step>, or end: true`,
		`f.yaml:7: c: cannot be reached: no route leads here from start "a"`,
	} {
		if !strings.Contains(probs.Error(), want) {
			t.Errorf("missing %q in:\n%s", want, probs.Error())
		}
	}
}
