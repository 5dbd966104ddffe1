// Package flowtest runs the example conversations stored beside flows
// (*.test.yaml): the co-designers' regression tests. Each conversation runs
// through the real engine with a fresh in-memory store.
//
// Format:
//
//	flow: youth-self-referral        # the flow to start (default: the file name before .test.yaml)
//	tests:
//	  - name: says hello and hands off
//	    source: oakwood              # optional: as if from a school link
//	    channel: sms                 # optional: sms, telegram, web or chat (default chat)
//	    language: en                 # optional: the channel's language hint
//	    conversation:
//	      - user: hi
//	        bot: not an emergency    # the reply contains this (any case); or a list of such texts
//	      - user: "15"
//	        bot: [call you]
//	        not: [Childline]         # the reply must not contain these
//	      - user: I want to kill myself
//	        urgent: true             # crisis signposting in this turn
//	        handoff: alert           # this turn makes a referral or alert
//	    status: handed_off           # optional: active, ended or handed_off at the end
package flowtest

import (
	"context"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/store/memory"
)

// File is one parsed *.test.yaml file.
type File struct {
	Name  string
	Flow  string `yaml:"flow"`
	Tests []Test `yaml:"tests"`
}

// Test is one example conversation.
type Test struct {
	Name         string     `yaml:"name"`
	Source       string     `yaml:"source"`
	Channel      string     `yaml:"channel"`
	Language     string     `yaml:"language"`
	Conversation []Exchange `yaml:"conversation"`
	Status       string     `yaml:"status"`
	Line         int        `yaml:"-"`
}

// Exchange is one message from the person and what the reply must hold.
type Exchange struct {
	User    string  `yaml:"user"`
	Bot     Strings `yaml:"bot"`
	Not     Strings `yaml:"not"`
	Urgent  bool    `yaml:"urgent"`
	Handoff string  `yaml:"handoff"`
	Line    int     `yaml:"-"`
}

// Strings is a YAML string or list of strings.
type Strings []string

// UnmarshalYAML accepts a string or a list.
func (s *Strings) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = Strings{n.Value}
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*s = l
	return nil
}

// UnmarshalYAML records the line of each test.
func (t *Test) UnmarshalYAML(n *yaml.Node) error {
	type plain Test
	if err := decodeStrict(n, (*plain)(t)); err != nil {
		return err
	}
	t.Line = n.Line
	return nil
}

// UnmarshalYAML records the line of each exchange.
func (x *Exchange) UnmarshalYAML(n *yaml.Node) error {
	type plain Exchange
	if err := decodeStrict(n, (*plain)(x)); err != nil {
		return err
	}
	x.Line = n.Line
	return nil
}

// decodeStrict decodes n into v, refusing unknown keys.
func decodeStrict(n *yaml.Node, v any) error {
	if n.Kind == yaml.MappingNode {
		known := yamlKeys(v)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if !known[k.Value] {
				return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
			}
		}
	}
	return n.Decode(v)
}

// Parse reads a test file.
func Parse(name string, data []byte) (*File, error) {
	f := &File{Name: name}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(n.Content) == 0 {
		return nil, fmt.Errorf("%s: empty test file", name)
	}
	if err := decodeStrict(n.Content[0], f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if f.Flow == "" {
		base := name[strings.LastIndex(name, "/")+1:]
		f.Flow = strings.TrimSuffix(strings.TrimSuffix(base, ".test.yaml"), ".test.yml")
	}
	return f, nil
}

// Failure is one failed expectation.
type Failure struct {
	File string
	Line int
	Test string
	Msg  string
}

func (f Failure) String() string { return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.Test, f.Msg) }

// Options are the engine settings a run uses.
type Options struct {
	Flows    bot.Flows
	Screener bot.Screener
	MinAge   float64
}

// Run runs every test of f and returns what failed.
func Run(ctx context.Context, f *File, o Options) []Failure {
	var fails []Failure
	for _, t := range f.Tests {
		fails = append(fails, runOne(ctx, f, t, o)...)
	}
	return fails
}

func runOne(ctx context.Context, f *File, t Test, o Options) []Failure {
	var fails []Failure
	fail := func(line int, format string, args ...any) {
		fails = append(fails, Failure{File: f.Name, Line: line, Test: t.Name, Msg: fmt.Sprintf(format, args...)})
	}
	if o.Flows.Latest(f.Flow) == nil {
		fail(t.Line, "no flow %q", f.Flow)
		return fails
	}
	st := memory.New(memory.Options{})
	var handoffs []bot.Handoff
	eng := bot.New(bot.Options{Flows: o.Flows, Store: st, Screener: o.Screener, StartFlow: f.Flow,
		MinAge: o.MinAge, StopConfirmation: true, OnHandoff: func(h bot.Handoff) { handoffs = append(handoffs, h) }})
	channel := t.Channel
	if channel == "" {
		channel = bot.ChannelChat
	}
	for _, x := range t.Conversation {
		handoffs = handoffs[:0]
		outs, err := eng.Handle(ctx, bot.Inbound{Channel: channel, Address: "test", Text: x.User,
			Source: t.Source, Language: t.Language})
		if err != nil {
			fail(x.Line, "engine error: %v", err)
			return fails
		}
		var all []string
		urgent := false
		for _, out := range outs {
			all = append(all, out.Plain())
			urgent = urgent || out.Urgent
		}
		got := strings.Join(all, "\n")
		low := strings.ToLower(got)
		for _, want := range x.Bot {
			if !strings.Contains(low, strings.ToLower(want)) {
				fail(x.Line, "after %q the reply should contain %q; it was:\n%s", x.User, want, indent(got))
			}
		}
		for _, bad := range x.Not {
			if strings.Contains(low, strings.ToLower(bad)) {
				fail(x.Line, "after %q the reply should not contain %q; it was:\n%s", x.User, bad, indent(got))
			}
		}
		if x.Urgent && !urgent {
			fail(x.Line, "after %q expected crisis signposting; the reply was:\n%s", x.User, indent(got))
		}
		if x.Handoff != "" {
			found := false
			for _, h := range handoffs {
				found = found || h.Kind == x.Handoff
			}
			if !found {
				fail(x.Line, "after %q expected a %s handoff, got %d handoffs", x.User, x.Handoff, len(handoffs))
			}
		}
	}
	if t.Status != "" {
		s, _ := st.Session(ctx, bot.ConversationKey(channel, "test"))
		got := "none"
		if s != nil {
			got = string(s.Status)
		}
		if got != t.Status {
			fail(t.Line, "expected the conversation to end %s, it is %s", t.Status, got)
		}
	}
	return fails
}

func indent(s string) string { return "    | " + strings.ReplaceAll(s, "\n", "\n    | ") }

func yamlKeys(v any) map[string]bool {
	keys := map[string]bool{}
	for _, k := range keyList(v) {
		keys[k] = true
	}
	return keys
}
