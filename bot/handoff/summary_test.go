package handoff

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
)

var update = flag.Bool("update", false, "rewrite the checkGolden files under testdata/")

// sampleCreated is 14:05 BST on 3 June 2025.
var sampleCreated = time.Date(2025, 6, 3, 13, 5, 0, 0, time.UTC)

const (
	testPhone    = "+447700900123"
	testPhoneRaw = "07700 900123"
	testEmail    = "sam.jones@example.org"
	testStory    = "I want to get a job but I keep getting knocked back and my mum is stressed about money."
)

// referral is a routine referral through the built-in flow, with a phone
// number to call.
func sampleReferral() *bot.Handoff {
	return &bot.Handoff{
		ID: "r-0123456789abcdef-k3jx9q2m4w7p", Kind: bot.KindReferral, Urgency: bot.UrgencyRoutine,
		Channel: bot.ChannelTelegram, Address: "555000111", Flow: "youth-self-referral", Version: 1,
		Source: "st-marys", Created: sampleCreated, Status: bot.StatusNew, Consent: true,
		Needs: []string{"Work, training or an apprenticeship", "Money worries"},
		Answers: []bot.HandoffAnswer{
			{Name: "age", Type: "number", Question: "How old are you?", Raw: "15", Value: "15"},
			{Name: "consent", Type: "yes_no", Question: "Is that OK?", Raw: "yes", Value: "Yes"},
			{Name: "name", Type: "text", Question: "What would you like us to call you?", Raw: "Sam Jones", Value: "Sam Jones"},
			{Name: "story", Type: "text", Question: "In your own words…", Raw: testStory, Value: testStory},
			{Name: "support", Type: "choices", Question: "What would you like help with?", Raw: "8, 5", Value: "Work, training or an apprenticeship, Money worries"},
			{Name: "situation", Type: "choice", Question: "Which of these fits you best right now?", Raw: "6", Value: "Not in work, school or training"},
			{Name: "contact_how", Type: "choice", Question: "How should a link worker get in touch with you?", Raw: "call", Value: "Phone call"},
			{Name: "phone", Type: "phone", Question: "What phone number should they use?", Raw: testPhoneRaw, Value: testPhone},
			{Name: "contact_when", Type: "text", Question: "When is it safe…", Raw: "after 4pm, no voicemails please", Value: "after 4pm, no voicemails please"},
			{Name: "postcode", Type: "postcode", Question: "First part of your postcode?", Raw: "m1", Value: "M1"},
		},
		Summary: "Sam Jones, age 15, via telegram (source: st-marys)\nContact: Phone call, after 4pm\nPhone: " + testPhone + "\n",
	}
}

// urgentReferral came by SMS, gave an email address and raised a flag on
// the way.
func sampleUrgentReferral() *bot.Handoff {
	h := sampleReferral()
	h.ID = "r-0123456789abcdef-urg3nt000001"
	h.Urgency = bot.UrgencyUrgent
	h.Channel, h.Address, h.Source = bot.ChannelSMS, "+447700900999", ""
	h.Risks = []bot.Risk{{Category: "self_harm", At: sampleCreated.Add(-3 * time.Minute)}}
	for i, a := range h.Answers {
		switch a.Name {
		case "contact_how":
			h.Answers[i].Raw, h.Answers[i].Value = "email", "Email"
		case "phone":
			h.Answers[i] = bot.HandoffAnswer{Name: "email", Type: "email", Question: "What email address should they use?", Raw: " Sam.Jones@example.org", Value: testEmail}
		}
	}
	return h
}

// alert is a safeguarding alert early in the flow: no name yet.
func sampleAlert() *bot.Handoff {
	return &bot.Handoff{
		ID: "a-0123456789abcdef-a1ert0000001", Kind: bot.KindAlert, Urgency: bot.UrgencyUrgent,
		Channel: bot.ChannelSMS, Address: "+447700900999", Flow: "youth-self-referral", Version: 1,
		Source: "st-marys", Created: sampleCreated, Status: bot.StatusNew,
		Answers: []bot.HandoffAnswer{{Name: "age", Type: "number", Question: "How old are you?", Raw: "14", Value: "14"}},
		Risks:   []bot.Risk{{Category: "self_harm", At: sampleCreated.Add(-3 * time.Minute)}},
		Message: "i dont want to be here anymore, i keep thinking about hurting myself",
		Summary: "⚠ RISK: self_harm (2025-06-03T13:02:00Z)\nMessage: i dont want to be here anymore\nage: 14\n",
	}
}

// message is the young person writing again after their referral.
func sampleMessage() *bot.Handoff {
	r := sampleReferral()
	return &bot.Handoff{
		ID: "m-0123456789abcdef-mess4ge00001", Kind: bot.KindMessage, Urgency: bot.UrgencyRoutine,
		Channel: r.Channel, Address: r.Address, Flow: r.Flow, Version: 1, Created: sampleCreated.Add(2 * time.Hour),
		Answers: r.Answers, Referral: r.ID, Consent: true, Status: bot.StatusNew,
		Message: "can you call after 5 instead? my number is " + testPhoneRaw,
	}
}

// custom is a referral from a flow that saves none of the built-in
// flow's answers, summarised with its own template.
func sampleCustom() *bot.Handoff {
	return &bot.Handoff{
		ID: "r-0123456789abcdef-cust0m000001", Kind: bot.KindReferral, Urgency: bot.UrgencySoon,
		Channel: bot.ChannelWeb, Address: "w-123", Flow: "holiday-club", Version: 4, Created: sampleCreated, Status: bot.StatusNew,
		Answers: []bot.HandoffAnswer{
			{Name: "club", Type: "choice", Question: "Which club?", Raw: "2", Value: "Football"},
			{Name: "parent_phone", Type: "phone", Question: "A parent's number?", Raw: testPhoneRaw, Value: testPhone},
		},
		Summary: "Wants: Football\nParent: " + testPhone + " (" + testPhoneRaw + ")\n",
	}
}

func TestSummaryGolden(t *testing.T) {
	for name, h := range map[string]*bot.Handoff{
		"referral":        sampleReferral(),
		"urgent-referral": sampleUrgentReferral(),
		"alert":           sampleAlert(),
		"message":         sampleMessage(),
		"custom-flow":     sampleCustom(),
	} {
		for policy, suffix := range map[ContactPolicy]string{ContactsMasked: "masked", ContactsFull: "full"} {
			t.Run(name+"/"+suffix, func(t *testing.T) {
				checkGolden(t, filepath.Join("testdata", "summary", name+"."+suffix+".txt"), Summary(h, policy)+"\n")
			})
		}
	}
}

// checkGolden compares got with the file, or rewrites it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestSummaryMasksEveryContactDetail(t *testing.T) {
	for name, h := range map[string]*bot.Handoff{"referral": sampleReferral(), "urgent": sampleUrgentReferral(), "alert": sampleAlert(), "message": sampleMessage(), "custom": sampleCustom()} {
		masked := Summary(h, ContactsMasked)
		for _, secret := range []string{testPhone, testPhoneRaw, "900123", testEmail, "sam.jones@", "Sam.Jones@", "+447700900999", "555000111"} {
			if strings.Contains(masked, secret) {
				t.Errorf("%s: masked summary contains %q:\n%s", name, secret, masked)
			}
		}
		if strings.Contains(Summary(h, ContactsFull), "•") != strings.Contains(h.Message, "•") {
			t.Errorf("%s: full summary masks something:\n%s", name, Summary(h, ContactsFull))
		}
	}
	if s := Summary(sampleReferral(), ContactsMasked); !strings.Contains(s, "Phone call: +44 7700 9•• •23") {
		t.Errorf("masked phone missing:\n%s", s)
	}
	if s := Summary(sampleUrgentReferral(), ContactsMasked); !strings.Contains(s, "Email: s•••@example.org") {
		t.Errorf("masked email missing:\n%s", s)
	}
	if s := Summary(sampleReferral(), ContactsFull); !strings.Contains(s, "Phone call: "+testPhone) {
		t.Errorf("full phone missing:\n%s", s)
	}
}

func TestSummaryContents(t *testing.T) {
	tests := []struct {
		name    string
		h       *bot.Handoff
		want    []string
		notWant []string
	}{
		{"routine referral", sampleReferral(),
			[]string{"Referral\n", "Sam, age 15 · source: st-marys · via Telegram", `"` + testStory + `"`,
				"Help wanted: Work, training or an apprenticeship; Money worries", "Right now: Not in work, school or training",
				"Safe times and things to avoid: after 4pm, no voicemails please", "Consent to share: yes", "Ref: r-0123456789abcdef-k3jx9q2m4w7p",
				"Received 14:05 BST, Tue 3 Jun 2025"},
			[]string{"URGENT", "Risk", "Jones", "Summary:"}},
		{"urgent referral", sampleUrgentReferral(),
			[]string{"🚨 URGENT referral\n", "via SMS", "⚠️ Risk flags: self_harm at 14:02 BST"}, nil},
		{"alert", sampleAlert(),
			[]string{"⚠️ Safeguarding alert\n", "No name given yet, age 14", "What they wrote (this raised the alert):\n\"i dont want to be here anymore, i keep thinking about hurting myself\"",
				"self_harm at 14:02 BST", "Consent to share: not asked yet"},
			[]string{"⚠ RISK"}},
		{"message", sampleMessage(),
			[]string{"💬 Message\n", "They wrote:", "About referral r-0123456789abcdef-k3jx9q2m4w7p", "Ref: m-0123456789abcdef-mess4ge00001"},
			[]string{"Help wanted"}},
		{"custom flow", sampleCustom(),
			[]string{"Referral (soon)\n", "No name given · via web chat", "Summary:\nWants: Football"},
			[]string{"Contact details"}},
		{"custom flow, contact not in its summary", func() *bot.Handoff {
			h := sampleCustom()
			h.Summary = "Wants: Football\n"
			return h
		}(), []string{"Summary:\nWants: Football\nContact details: +44 7700 9•• •23"}, nil},
		{"said no to sharing", func() *bot.Handoff {
			h := sampleAlert()
			h.Answers = append(h.Answers, bot.HandoffAnswer{Name: "consent", Type: "yes_no", Raw: "no", Value: "No"})
			return h
		}(), []string{"Consent to share: no"}, nil},
		{"other answers listed", func() *bot.Handoff {
			h := sampleReferral()
			h.Answers = append(h.Answers, bot.HandoffAnswer{Name: "pronouns", Type: "text", Question: "Your\npronouns?", Raw: "they/them", Value: "they/them"})
			return h
		}(), []string{"Other answers:\n• Your pronouns? — they/them"}, nil},
		{"a second contact detail", func() *bot.Handoff {
			h := sampleReferral()
			h.Answers = append(h.Answers, bot.HandoffAnswer{Name: "work_email", Type: "email", Question: "Work email?", Raw: "sj@work.example", Value: "sj@work.example"})
			return h
		}(), []string{"How to contact: Phone call: +44 7700 9•• •23, s•••@work.example\n"}, []string{"Other answers", "sj@"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summary(tt.h, ContactsMasked)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("unexpected %q in:\n%s", w, got)
				}
			}
			if strings.Contains(got, "\n\n\n") || strings.HasSuffix(got, "\n") {
				t.Errorf("stray blank lines:\n%q", got)
			}
		})
	}
}

func TestMasked(t *testing.T) {
	h := sampleUrgentReferral()
	h.Answers = append(h.Answers, bot.HandoffAnswer{Name: "phone", Type: "phone", Raw: testPhoneRaw, Value: testPhone})
	h.Delivered = map[string]string{"telegram": "7"}
	h.Summary = "Email " + testEmail + ", phone " + testPhone
	h.Message = "text me on " + testPhoneRaw
	orig := *h
	orig.Answers = append([]bot.HandoffAnswer(nil), h.Answers...)

	m := Masked(h)
	if !reflect.DeepEqual(*h, orig) {
		t.Fatal("Masked changed its argument")
	}
	for _, a := range m.Answers {
		switch a.Name {
		case "email":
			if a.Raw != "s•••@example.org" || a.Value != "s•••@example.org" {
				t.Errorf("email = %+v", a)
			}
		case "phone":
			if a.Raw != "+44 7700 9•• •23" || a.Value != "+44 7700 9•• •23" {
				t.Errorf("phone = %+v", a)
			}
		case "name", "story":
			if !strings.Contains(a.Value, "Sam") && a.Name == "name" {
				t.Errorf("name masked: %+v", a)
			}
		}
	}
	if m.Address != "+44 7700 9•• •99" {
		t.Errorf("SMS address = %q", m.Address)
	}
	if m.Summary != "Email s•••@example.org, phone +44 7700 9•• •23" {
		t.Errorf("summary = %q", m.Summary)
	}
	if m.Message != "text me on +44 7700 9•• •23" {
		t.Errorf("message = %q", m.Message)
	}
	// A deep copy: changing the copy leaves h alone.
	m.Delivered["telegram"] = "8"
	m.Risks[0].Category = "x"
	m.Needs[0] = "x"
	if h.Delivered["telegram"] != "7" || h.Risks[0].Category != "self_harm" || h.Needs[0] == "x" {
		t.Error("the copy shares memory with h")
	}
	// A Telegram address is not a contact detail a worker could use.
	if a := Masked(sampleReferral()).Address; a != "555000111" {
		t.Errorf("telegram address = %q", a)
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+447700900123":   "+44 7700 9•• •23",
		"+44 7700 900123": "+44 7700 9•• •23",
		"07700 900123":    "07•••••••23",
		"+15551234567":    "+15•••••••67",
		"+3531234567890":  "+353••••••••90",
		"12345":           "•••••",
		"":                "•••",
	} {
		if got := maskPhone(in); got != want {
			t.Errorf("maskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"sam@example.org":    "s•••@example.org",
		" Zoë@mail.example":  "Z•••@mail.example",
		"élodie@example.com": "é•••@example.com",
		"not-an-email":       "•••",
		"@example.org":       "•••",
	} {
		if got := maskEmail(in); got != want {
			t.Errorf("maskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsContactWithoutType(t *testing.T) {
	// Records saved before answers had types: by name.
	if !isContact(bot.HandoffAnswer{Name: "phone"}) || !isContact(bot.HandoffAnswer{Name: "email"}) || isContact(bot.HandoffAnswer{Name: "name"}) {
		t.Error("untyped answers misjudged")
	}
	if isContact(bot.HandoffAnswer{Name: "phone", Type: "text"}) {
		t.Error("a text answer named phone is not a contact detail")
	}
	h := sampleReferral()
	for i := range h.Answers {
		h.Answers[i].Type = ""
	}
	if s := Summary(h, ContactsMasked); strings.Contains(s, testPhone) || !strings.Contains(s, "+44 7700 9•• •23") {
		t.Errorf("untyped phone not masked:\n%s", s)
	}
}
