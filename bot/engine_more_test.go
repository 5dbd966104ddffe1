package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/store/memory"
)

func parseFlows(t *testing.T, srcs ...string) *flows.Set {
	t.Helper()
	var fs []*flows.Flow
	for i, src := range srcs {
		f, ps := flows.Parse("f"+string(rune('0'+i))+".yaml", []byte(src), flows.LoadOptions{})
		if err := ps.Err(); err != nil {
			t.Fatalf("flow %d: %v", i, err)
		}
		fs = append(fs, f)
	}
	return flows.NewSet(fs...)
}

const welsh = `flow: bi
version: 1
languages: [en, cy]
start: lang
steps:
  lang:
    ask: {en: "Which language?", cy: "Pa iaith?"}
    answer:
      type: choice
      options:
        - {id: en, text: English}
        - {id: cy, text: Cymraeg}
    save: language_choice
    next: q
  q:
    ask: {en: "Is it OK?", cy: "Ydy hi'n iawn?"}
    answer: yes_no
    next: {yes: bye, no: bye}
  bye:
    say: {en: "Bye", cy: "Hwyl"}
    end: true
`

func TestLanguageComesFromTheChannelHint(t *testing.T) {
	h := newHarness(t, parseFlows(t, welsh), "bi")
	outs, err := h.eng.Handle(context.Background(), bot.Inbound{Channel: "telegram", Address: "1", Text: "hi", Language: "cy-GB"})
	if err != nil || len(outs) != 1 || !strings.Contains(outs[0].Text, "Pa iaith?") {
		t.Fatalf("Welsh hint: %+v %v", outs, err)
	}
	outs, _ = h.eng.Handle(context.Background(), bot.Inbound{Channel: "telegram", Address: "2", Text: "hi", Language: "fr"})
	if !strings.Contains(outs[0].Text, "Which language?") {
		t.Fatalf("unknown language falls back to the default: %+v", outs)
	}
}

func TestLanguageChoiceStepSwitchesLanguage(t *testing.T) {
	src := strings.Replace(welsh, "save: language_choice", "save: language", 1)
	h := newHarness(t, parseFlows(t, src), "bi")
	h.send("hi")
	if got := h.send("Cymraeg"); !strings.Contains(got, "Ydy hi'n iawn?") {
		t.Fatalf("after choosing Welsh: %q", got)
	}
	if got := h.send("ie"); !strings.Contains(got, "Hwyl") {
		t.Fatalf("Welsh yes: %q", got)
	}
	bad := strings.Replace(src, "{id: cy, text: Cymraeg}", "{id: fr, text: Francais}", 1)
	if _, ps := flows.Parse("bad.yaml", []byte(bad), flows.LoadOptions{}); ps.Err() == nil || !strings.Contains(ps.Err().Error(), `option "fr" is not one of the flow's languages`) {
		t.Fatalf("a language choice with a non-language option: %v", ps.Err())
	}
}

func TestConversationsKeepTheirFlowVersion(t *testing.T) {
	v1 := "flow: f\nversion: 1\nstart: a\nsteps:\n  a:\n    ask: v1 question?\n    answer: text\n    next: b\n  b:\n    say: v1 end\n    end: true\n"
	v2 := strings.ReplaceAll(strings.Replace(v1, "version: 1", "version: 2", 1), "v1", "v2")
	st := memory.New(memory.Options{})
	eng := bot.New(bot.Options{Flows: parseFlows(t, v1), Store: st, Screener: safeguard.Default(), StartFlow: "f"})
	say := func(addr, text string) string {
		outs, err := eng.Handle(context.Background(), bot.Inbound{Channel: "sms", Address: addr, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return outs[0].Text
	}
	if got := say("old", "hi"); got != "v1 question?" {
		t.Fatalf("got %q", got)
	}
	// A reload: the new set keeps v1 for conversations in progress.
	eng.SetFlows(parseFlows(t, v2).Merge(parseFlows(t, v1)))
	if got := say("new", "hi"); got != "v2 question?" {
		t.Fatalf("new conversation: %q", got)
	}
	if got := say("old", "answer"); got != "v1 end" {
		t.Fatalf("conversation in progress: %q", got)
	}
}

func TestATurnPassesThroughABoundedNumberOfSteps(t *testing.T) {
	src := "flow: f\nversion: 1\nstart: a\nsteps:\n  a:\n    say: one\n    next: b\n  b:\n    say: two\n    next: c\n  c:\n    say: three\n    next: d\n  d:\n    say: four\n    end: true\n"
	st := memory.New(memory.Options{})
	var alerts []bot.Handoff
	eng := bot.New(bot.Options{Flows: parseFlows(t, src), Store: st, Screener: safeguard.Default(), StartFlow: "f",
		MaxSteps: 2, OnHandoff: func(h bot.Handoff) { alerts = append(alerts, h) }})
	outs, err := eng.Handle(context.Background(), bot.Inbound{Channel: "sms", Address: "x", Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "something went wrong") || strings.Contains(outs[0].Text, "four") {
		t.Fatalf("want a stop after 2 steps with a clear message, got %+v", outs)
	}
	if len(alerts) != 1 || alerts[0].Kind != bot.KindAlert {
		t.Fatalf("a stuck conversation alerts a person: %+v", alerts)
	}
}

func TestStaleButtonChangesNothing(t *testing.T) {
	h := newHarness(t, nil, "")
	h.send("hi")
	outs, err := h.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS, Address: h.addr, Choice: "yes", Step: "some_old_step"})
	if err != nil || len(outs) != 0 {
		t.Fatalf("stale button: %+v %v", outs, err)
	}
	if s := h.session(); s.Step != "welcome" {
		t.Fatalf("moved to %s", s.Step)
	}
	outs, _ = h.eng.Handle(context.Background(), bot.Inbound{Channel: bot.ChannelSMS, Address: h.addr, Choice: "yes", Step: "welcome"})
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "How old") {
		t.Fatalf("current button: %+v", outs)
	}
}
