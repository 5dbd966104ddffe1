package handoff

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/sms/segment"
	"github.com/signpost-app/signpost/bot/sms/twilio"
	"github.com/signpost-app/signpost/bot/sms/twiliofake"
)

const (
	twAccount = "AC0123456789abcdef0123456789abcdef"
	twToken   = "handofftesttoken"
	twFrom    = "+447700900000"
	duty1     = "+447700900001"
	duty2     = "+447700900002"
	duty3     = "+447700900003"
)

// smsForTest is an SMSNotifier on the real Twilio client against the
// fake, logging as JSON into the returned buffer.
func smsForTest(t *testing.T, numbers ...string) (*SMSNotifier, *twiliofake.Fake, *bytes.Buffer) {
	t.Helper()
	f := twiliofake.New(t, twAccount, twToken)
	c, err := twilio.New(twilio.Config{AccountSID: twAccount, AuthToken: twToken, From: twFrom, APIURL: f.URL(), Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	return &SMSNotifier{Client: c, Numbers: numbers, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}, f, &logs
}

func TestSMSWants(t *testing.T) {
	routine, urgent := sampleReferral(), sampleUrgentReferral()
	tests := []struct {
		name string
		all  bool
		h    *bot.Handoff
		kind string
		want bool
	}{
		{"alert", false, sampleAlert(), bot.KindAlert, true},
		{"urgent referral", false, urgent, bot.KindReferral, true},
		{"routine referral", false, routine, bot.KindReferral, false},
		{"escalation of a routine referral", false, routine, KindEscalation, true},
		{"message", false, sampleMessage(), bot.KindMessage, false},
		{"all: routine referral", true, routine, bot.KindReferral, true},
		{"all: message", true, sampleMessage(), bot.KindMessage, true},
	}
	for _, tt := range tests {
		n := &SMSNotifier{All: tt.all}
		if got := n.Wants(tt.h, tt.kind); got != tt.want {
			t.Errorf("%s: Wants = %v, want %v", tt.name, got, tt.want)
		}
	}
	if (&SMSNotifier{}).Name() != "sms" {
		t.Error("name")
	}
}

func TestSMSTextsEveryDutyNumber(t *testing.T) {
	n, f, _ := smsForTest(t, duty1, duty2, duty1) // a repeated number is texted once
	h := sampleAlert()
	h.Answers = append(h.Answers, bot.HandoffAnswer{Name: "name", Type: "text", Raw: "Sam Jones", Value: "Sam Jones"})
	ref, err := n.Send(context.Background(), h, bot.KindAlert)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if ref != "sent:"+duty1+","+duty2 {
		t.Errorf("ref = %q", ref)
	}
	sent := f.Sent()
	if len(sent) != 2 || sent[0].To != duty1 || sent[1].To != duty2 || sent[0].From != twFrom {
		t.Fatalf("sent = %+v", sent)
	}
	want := "Signpost URGENT: safeguarding alert a-0123456789abcdef-a1ert0000001 (self_harm, 14:02). First name: Sam, age 14. Please check the link workers' Telegram group / case system now."
	if sent[0].Body != want || sent[1].Body != want {
		t.Errorf("body = %q\nwant   %q", sent[0].Body, want)
	}
}

func TestSMSBodies(t *testing.T) {
	now := sampleCreated.Add(3*time.Hour + 30*time.Minute)
	esc := sampleUrgentReferral()
	esc.NotifiedAt = sampleCreated
	tests := []struct {
		name string
		h    *bot.Handoff
		kind string
		want string
	}{
		{"urgent referral", sampleUrgentReferral(), bot.KindReferral,
			"Signpost URGENT: referral r-0123456789abcdef-urg3nt000001 (self_harm, 14:02). First name: Sam, age 15. Please check the link workers' Telegram group / case system now."},
		{"routine referral", sampleReferral(), bot.KindReferral,
			"Signpost: new referral r-0123456789abcdef-k3jx9q2m4w7p. First name: Sam, age 15. Please check the link workers' Telegram group / case system."},
		{"escalation", esc, KindEscalation,
			"Signpost URGENT: referral r-0123456789abcdef-urg3nt000001 still unclaimed after 3 h 30 min (self_harm, 14:02). First name: Sam, age 15. Please check the link workers' Telegram group / case system now."},
		{"message", sampleMessage(), bot.KindMessage,
			"Signpost: new message about referral r-0123456789abcdef-k3jx9q2m4w7p. First name: Sam, age 15. Please check the link workers' Telegram group / case system."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := smsBody(tt.h, tt.kind, now)
			if got != tt.want {
				t.Errorf("body = %q\nwant   %q", got, tt.want)
			}
			checkDutyText(t, got)
		})
	}
}

// checkDutyText checks a duty text keeps the rules: two segments at most,
// GSM-7, no contact details, none of the young person's own words.
func checkDutyText(t *testing.T, body string) {
	t.Helper()
	if n, enc := segment.Count(body); n > 2 || enc != segment.GSM7 {
		t.Errorf("%d segments, %v: %q", n, enc, body)
	}
	for _, secret := range []string{testPhone, "900123", "7700", testEmail, "example.org", "knocked back", "hurting", "call after 5", "Jones", "after 4pm", "M1"} {
		if strings.Contains(body, secret) {
			t.Errorf("text contains %q: %q", secret, body)
		}
	}
}

func TestSMSBodyStaysShort(t *testing.T) {
	h := sampleAlert()
	h.Answers = append(h.Answers, bot.HandoffAnswer{Name: "name", Value: "Maximiliana-Josephine-Alexandra 😀 Smith"})
	for i := range 6 {
		h.Risks = append(h.Risks, bot.Risk{Category: "being_unsafe_at_home", At: sampleCreated.Add(time.Duration(i) * time.Minute)})
	}
	h.NotifiedAt = sampleCreated
	body := smsBody(h, KindEscalation, sampleCreated.Add(100*time.Hour))
	checkDutyText(t, body)
	if !strings.Contains(body, "still unclaimed after 4 days 4 h") || !strings.Contains(body, h.ID) {
		t.Errorf("body = %q", body)
	}
	// A name that is only emoji is left out rather than making the text UCS-2.
	h = sampleAlert()
	h.Answers = append(h.Answers, bot.HandoffAnswer{Name: "name", Value: "🦊✨"})
	if body := smsBody(h, bot.KindAlert, sampleCreated); strings.Contains(body, "First name") {
		t.Errorf("emoji name kept: %q", body)
	}
	for in, want := range map[string]string{
		"Zoë-Émilie Smith":       "Zoe-Émilie", // ë is not GSM-7, É is
		"Łukasz":                 "Lukasz",
		"  Siân\nJones":          "Sian",
		"Ana🦊":                   "Ana",
		"Bartholomew-Maximilian": "Bartholomew-Maximili",
		"李":                      "",
		"":                       "",
	} {
		if got := smsName(in); got != want {
			t.Errorf("smsName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSMSRetrySkipsNumbersAlreadyTexted(t *testing.T) {
	n, f, _ := smsForTest(t, duty1, duty2, duty3)
	f.Delay(1, 0)        // the first request goes through…
	f.FailServerError(1) // …the second fails for now…
	ctx := context.Background()
	ref, err := n.Send(ctx, sampleAlert(), bot.KindAlert)
	var temp *outbox.TemporaryError
	if !errors.As(err, &temp) {
		t.Fatalf("Send: %v, want a temporary error", err)
	}
	if ref != "sent:"+duty1+","+duty3 { // …and the third is still tried
		t.Errorf("partial ref = %q", ref)
	}
	ref, err = n.Send(ctx, sampleAlert(), bot.KindAlert)
	if err != nil || ref != "sent:"+duty1+","+duty2+","+duty3 {
		t.Fatalf("retry: %q, %v", ref, err)
	}
	count := map[string]int{}
	for _, m := range f.Sent() {
		count[m.To]++
	}
	if count[duty1] != 1 || count[duty2] != 1 || count[duty3] != 1 || f.Attempts() != 4 {
		t.Errorf("texts per number = %v after %d requests", count, f.Attempts())
	}
	// Done: a later Send of the same webhookDelivery texts everyone again (the
	// memory is only for retries)…
	if _, err := n.Send(ctx, sampleAlert(), bot.KindAlert); err != nil || len(f.Sent()) != 6 {
		t.Errorf("after success: %v, %d sent", err, len(f.Sent()))
	}
	// …unless the record says it was delivered.
	h := sampleAlert()
	h.Delivered = map[string]string{"sms": "sent:" + duty1 + "," + duty2 + "," + duty3}
	if ref, err := n.Send(ctx, h, bot.KindAlert); err != nil || ref != h.Delivered["sms"] || len(f.Sent()) != 6 {
		t.Errorf("already delivered: %q, %v, %d sent", ref, err, len(f.Sent()))
	}
}

func TestSMSResumeFromRecordAndEscalations(t *testing.T) {
	n, f, _ := smsForTest(t, duty1, duty2)
	ctx := context.Background()
	h := sampleUrgentReferral()
	h.Delivered = map[string]string{"sms": "sent:" + duty1}
	ref, err := n.Send(ctx, h, bot.KindReferral)
	if err != nil || ref != "sent:"+duty1+","+duty2 || len(f.Sent()) != 1 || f.Sent()[0].To != duty2 {
		t.Fatalf("resume: %q, %v, %+v", ref, err, f.Sent())
	}
	// An escalation texts everyone, whatever the first webhookDelivery did.
	h.Delivered["sms"] = ref
	h.Escalated = 1
	if _, err := n.Send(ctx, h, KindEscalation); err != nil || len(f.Sent()) != 3 {
		t.Fatalf("escalation: %v, %d sent", err, len(f.Sent()))
	}
	// The escalation's own mark is honoured.
	h.Delivered["sms:escalation:1"] = "sent:" + duty1 + "," + duty2
	if _, err := n.Send(ctx, h, KindEscalation); err != nil || len(f.Sent()) != 3 {
		t.Fatalf("escalation 1 again: %v, %d sent", err, len(f.Sent()))
	}
	// A failed escalation's retry skips who got it; the next escalation
	// does not.
	h.Escalated = 2
	f.FailServerError(1)
	if _, err := n.Send(ctx, h, KindEscalation); err == nil {
		t.Fatal("no error")
	}
	if _, err := n.Send(ctx, h, KindEscalation); err != nil {
		t.Fatal(err)
	}
	if got := f.Sent()[3:]; len(got) != 2 || got[0].To != duty2 || got[1].To != duty1 {
		t.Errorf("escalation 2 = %+v", got)
	}
	h.Escalated = 3
	if _, err := n.Send(ctx, h, KindEscalation); err != nil || len(f.Sent()) != 7 {
		t.Errorf("escalation 3: %v, %d sent", err, len(f.Sent()))
	}
}

func TestSMSRateLimitRetryAfter(t *testing.T) {
	n, f, _ := smsForTest(t, duty1)
	f.FailRateLimit(1, "5")
	_, err := n.Send(context.Background(), sampleAlert(), bot.KindAlert)
	var temp *outbox.TemporaryError
	if !errors.As(err, &temp) || temp.After != 5*time.Second {
		t.Errorf("rate limited: %v", err)
	}
}

func TestSMSOptedOutDutyNumber(t *testing.T) {
	n, f, logs := smsForTest(t, duty1, duty2, duty3)
	f.Delay(1, 0)
	f.FailUnsubscribed(1)
	ref, err := n.Send(context.Background(), sampleAlert(), bot.KindAlert)
	if err != nil || ref != "sent:"+duty1+","+duty3 {
		t.Fatalf("Send = %q, %v; the others still get it", ref, err)
	}
	out := logs.String()
	if !strings.Contains(out, `"number_index":1`) || !strings.Contains(out, "opted out") {
		t.Errorf("log = %s", out)
	}
	if strings.Contains(out, "+44") || strings.Contains(out, "7700") {
		t.Errorf("log names a number: %s", out)
	}

	// Every number refusing for good is a permanent failure.
	f.FailUnsubscribed(1)
	f.FailInvalidTo(2)
	_, err = n.Send(context.Background(), sampleAlert(), bot.KindAlert)
	var temp *outbox.TemporaryError
	var te *twilio.Error
	if err == nil || errors.As(err, &temp) || !errors.As(err, &te) {
		t.Errorf("all refused: %v", err)
	}
	if strings.Contains(logs.String(), "+44") || strings.Contains(err.Error(), "+44") {
		t.Errorf("a number leaked: %v\n%s", err, logs.String())
	}
}

func TestSMSContextAndConfig(t *testing.T) {
	n, f, _ := smsForTest(t, duty1)
	f.Delay(1, 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := n.Send(ctx, sampleAlert(), bot.KindAlert)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ctx: %v", err)
	}
	if _, err := (&SMSNotifier{}).Send(context.Background(), sampleAlert(), bot.KindAlert); err == nil {
		t.Error("no numbers: no error")
	}
}
