package handoff

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/signpost-app/signpost/bot"
)

func TestLogNotifierLogsNoPersonalData(t *testing.T) {
	var buf bytes.Buffer
	n := &LogNotifier{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Salt: "pepper"}
	if n.Name() != "log" || !n.Wants(sampleMessage(), bot.KindMessage) {
		t.Fatal("name or wants")
	}
	for _, c := range []struct {
		h    *bot.Handoff
		kind string
	}{{sampleReferral(), bot.KindReferral}, {sampleUrgentReferral(), bot.KindReferral}, {sampleAlert(), bot.KindAlert}, {sampleMessage(), bot.KindMessage}, {sampleReferral(), KindEscalation}} {
		if ref, err := n.Send(context.Background(), c.h, c.kind); ref != "" || err != nil {
			t.Fatalf("Send = %q, %v", ref, err)
		}
	}
	out := buf.String()
	for _, secret := range []string{testPhone, "7700", "example.org", "Sam", "knocked", "hurting", "call after 5", "555000111", "st-marys", "after 4pm", "M1"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"level": "WARN", "msg": "handoff", "kind": "alert", "id": "a-0123456789abcdef-a1ert0000001",
		"urgency": "urgent", "flow": "youth-self-referral", "flow_version": 1.0, "channel": "sms",
		"conversation": bot.HashID("pepper", sampleAlert().Conversation()),
	}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %v, want %v", k, rec[k], v)
		}
	}
	if risks, _ := rec["risks"].([]any); len(risks) != 1 || risks[0] != "self_harm" {
		t.Errorf("risks = %v", rec["risks"])
	}
	if strings.Contains(lines[0], `"level":"WARN"`) {
		t.Errorf("a routine referral logged as a warning: %s", lines[0])
	}
	// The hash depends on the salt.
	if bot.HashID("pepper", sampleAlert().Conversation()) == bot.HashID("salt", sampleAlert().Conversation()) {
		t.Error("salt ignored")
	}
}

func TestLogNotifierDefaultLogger(t *testing.T) {
	if _, err := (&LogNotifier{}).Send(context.Background(), sampleReferral(), bot.KindReferral); err != nil {
		t.Fatal(err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

func TestTerminalNotifier(t *testing.T) {
	var buf bytes.Buffer
	n := &TerminalNotifier{W: &buf}
	if n.Name() != "terminal" || !n.Wants(sampleAlert(), bot.KindAlert) {
		t.Fatal("name or wants")
	}
	h := sampleReferral()
	if ref, err := n.Send(context.Background(), h, bot.KindReferral); ref != "" || err != nil {
		t.Fatalf("Send = %q, %v", ref, err)
	}
	if buf.String() != h.String() {
		t.Errorf("printed %q, want %q", buf.String(), h.String())
	}
	buf.Reset()
	if _, err := n.Send(context.Background(), h, KindEscalation); err != nil || !strings.HasPrefix(buf.String(), "(escalation) ── REFERRAL") {
		t.Errorf("escalation printed %q, %v", buf.String(), err)
	}
	if _, err := (&TerminalNotifier{W: failingWriter{}}).Send(context.Background(), h, bot.KindReferral); err == nil {
		t.Error("write error lost")
	}
}
