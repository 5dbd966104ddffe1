package flowtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/signpost-app/signpost/bot/flowtest"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
)

func run(t *testing.T, src string) []flowtest.Failure {
	t.Helper()
	set, ps := flows.LoadFS(builtin.FS, flows.LoadOptions{})
	if ps.Err() != nil {
		t.Fatal(ps.Err())
	}
	f, err := flowtest.Parse("x.test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return flowtest.Run(context.Background(), f, flowtest.Options{Flows: set, Screener: safeguard.Default(), MinAge: 11})
}

func TestPassingConversation(t *testing.T) {
	fails := run(t, "flow: youth-self-referral\ntests:\n  - name: ok\n    conversation:\n      - user: hi\n        bot: not an emergency\n      - user: \"no\"\n    status: ended\n")
	if len(fails) != 0 {
		t.Fatalf("unexpected failures: %v", fails)
	}
}

func TestFailuresNameFileLineAndWhatWasSaid(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"missing text", "flow: youth-self-referral\ntests:\n  - name: t\n    conversation:\n      - user: hi\n        bot: banana\n", "x.test.yaml:5: t: after \"hi\" the reply should contain \"banana\""},
		{"forbidden text", "flow: youth-self-referral\ntests:\n  - name: t\n    conversation:\n      - user: hi\n        not: [emergency]\n", "should not contain \"emergency\""},
		{"no crisis", "flow: youth-self-referral\ntests:\n  - name: t\n    conversation:\n      - user: hi\n        urgent: true\n", "expected crisis signposting"},
		{"no handoff", "flow: youth-self-referral\ntests:\n  - name: t\n    conversation:\n      - user: hi\n        handoff: referral\n", "expected a referral handoff"},
		{"wrong status", "flow: youth-self-referral\ntests:\n  - name: t\n    conversation:\n      - user: hi\n    status: ended\n", "x.test.yaml:3: t: expected the conversation to end ended, it is active"},
		{"unknown flow", "flow: nope\ntests:\n  - name: t\n    conversation:\n      - user: hi\n", "no flow \"nope\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fails := run(t, c.src)
			if len(fails) == 0 || !strings.Contains(fails[0].String(), c.want) {
				t.Fatalf("want a failure containing %q, got %v", c.want, fails)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{"", "tests: [", "tests:\n  - name: t\n    conversaton: []\n"} {
		if _, err := flowtest.Parse("x.test.yaml", []byte(src)); err == nil {
			t.Errorf("Parse(%q) succeeded", src)
		}
	}
	f, err := flowtest.Parse("dir/youth-self-referral.test.yaml", []byte("tests: []\n"))
	if err != nil || f.Flow != "youth-self-referral" {
		t.Fatalf("flow from file name: %v %v", f, err)
	}
}
