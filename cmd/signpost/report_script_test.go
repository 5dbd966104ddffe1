package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

// youngPerson is one young person of the impact test's script. Everything
// typed here is personal: none of it may reach a log line or an event.
type youngPerson struct {
	chat      int64
	name      string   // typed at the name question
	source    string   // the deep-link code after /start; "" came direct
	age       string   // typed
	story     string   // free text: what matters to them
	when      string   // free text: when to contact them
	support   string   // option numbers of the help wanted, e.g. "5 and 8"
	situation string   // option number: 1 school … 6 not in work, school or training, 7 something else
	wellbeing []string // life_satisfaction, worthwhile, happy, anxious; nil says no to the four questions
	followUp  bool     // yes to "In about 8 weeks, can I send you a message"
	risk      bool     // says riskPhrase at the story question, then carries on
	stopAt    string   // "" finishes; "consent_share" or "heard": goes quiet at that question

	claim   bool   // a link worker claims the referral through the API
	outcome string // and records this outcome ("" none yet)
	stop    bool   // sends STOP after the referral, before the check-ins fall due
	checkIn []string
}

const riskPhrase = "I want to kill myself"

// people is the script. The figures it must give, worked out by hand:
//
//	14 conversations; 12 referrals (2 go quiet part-way): oakwood 7,
//	riverside 4, direct 1. Ages 14-15: 4, 16-17: 4, 18-21: 3, 22-25: 1.
//	Help: work 5, wellbeing 3, lonely 2, money 2, family, education,
//	activities, creative 1 each. Situation: neet 6, school 3, college,
//	work, other 1 each. One safeguarding hit (suicide).
//	Claimed 10, unclaimed 2. Outcomes: employment_training 4, money_advice
//	2, connected_activity 1, declined 1, awaiting 4.
//	Check-ins: 10 due (follow_up yes), 1 opted out (STOP), 9 sent,
//	7 answered, 8 completed (one said no at hello and reached its end;
//	one never replied). Got help: work 4, money 3, neither 2 (of 7).
//	Life satisfaction pairs 5 (Perpetua skipped it at referral, Leofric at
//	the check-in): before 17/5 = 3.4, after 29/5 = 5.8, change +2.4.
//	Anxious pairs 7: before 52/7 = 7.4, after 34/7 = 4.9, change -2.6.
//	Situation pairs 7: NEET 6/7 = 85.7% before, 1/7 = 14.3% after; 5 moved
//	into work (2), an apprenticeship (1) or training (2).
var people = []youngPerson{
	{chat: 987650101, name: "Zephyrine", source: "oakwood", age: "14", story: "My nan Ethelburga is poorly and I look after her",
		when: "after school on Tuesdays", support: "1", situation: "1", wellbeing: []string{"3", "4", "5", "8"}, followUp: true,
		claim: true, outcome: "connected_activity", checkIn: []string{"yes", "6", "6", "7", "4", "1", "3"}},
	{chat: 987650102, name: "Marisol", source: "oakwood", age: "15", story: "I moved to Quarrington and know nobody here",
		when: "weekends only please", support: "1 and 2", situation: "1", wellbeing: []string{"5", "5", "5", "6"}, followUp: true,
		claim: true, checkIn: []string{"no"}},
	{chat: 987650103, name: "Thaddeus", source: "oakwood", age: "16", story: "I left school and sit at home all day gaming",
		when: "any weekday morning", support: "8", situation: "6", wellbeing: []string{"2", "3", "3", "9"}, followUp: true,
		claim: true, outcome: "employment_training", checkIn: []string{"yes", "5", "6", "6", "5", "3", "2"}},
	{chat: 987650104, name: "Ottoline", source: "oakwood", age: "17", story: "Mum lost her job at Brindleford mill and we are skint",
		when: "after 6pm", support: "5 and 8", situation: "6", wellbeing: []string{"4", "4", "4", "6"}, followUp: true,
		claim: true, outcome: "employment_training", checkIn: []string{"yes", "6", "7", "6", "4", "4", "1 and 2"}},
	{chat: 987650105, name: "Caspian", source: "oakwood", age: "19", story: "I want to be an electrician like my uncle Hesketh",
		when: "mornings before 11", support: "8", situation: "6", wellbeing: []string{"3", "5", "2", "7"}, followUp: true,
		claim: true, outcome: "employment_training", checkIn: []string{"yes", "5", "5", "5", "5", "5", "2"}},
	{chat: 987650106, name: "Perpetua", source: "oakwood", age: "16", story: "We owe money on the gas and I worry all the time",
		when: "lunchtimes", support: "5", situation: "6", wellbeing: []string{"skip", "4", "4", "8"}, followUp: true,
		claim: true, outcome: "money_advice", checkIn: []string{"yes", "4", "5", "5", "6", "3", "1"}},
	{chat: 987650107, name: "Leofric", source: "oakwood", age: "23", story: "Nothing has worked out since I left Fenwick college",
		when: "late afternoons", support: "8", situation: "6", wellbeing: []string{"1", "2", "2", "9"}, followUp: true, risk: true,
		claim: true, outcome: "employment_training", checkIn: []string{"yes", "skip", "3", "3", "7", "6", "3"}},
	{chat: 987650108, name: "Isadora", source: "riverside", age: "17", story: "My stepdad Grimsworth shouts and I want my own money",
		when: "text first then call", support: "8 and 9", situation: "6", wellbeing: []string{"5", "6", "5", "5"}, followUp: true,
		claim: true, outcome: "money_advice", checkIn: []string{"yes", "7", "7", "8", "3", "5", "1 and 2"}},
	{chat: 987650109, name: "Barnaby", source: "riverside", age: "14", story: "Year nine is too hard and the teachers hate me",
		when: "after 4pm", support: "7", situation: "1", followUp: true, claim: true, outcome: "declined", stop: true},
	{chat: 987650110, name: "Wilhelmina", source: "riverside", age: "15", story: "I want to join a band but cannot afford lessons",
		when: "saturday mornings", support: "3 and 4", situation: "2", wellbeing: []string{"6", "7", "7", "3"}},
	{chat: 987650111, name: "Evander", source: "riverside", age: "19", story: "My shifts at the Pennywhistle cafe make me anxious",
		when: "not during shifts", support: "1", situation: "3"},
	{chat: 987650112, name: "Clementine", age: "19", story: "I have nobody to talk to since Aldous moved away",
		when: "evenings are best", support: "2", situation: "7", wellbeing: []string{"7", "7", "6", "2"}, followUp: true,
		claim: true},
	// Two go quiet part-way: they count in the funnel, not as referrals.
	{chat: 987650113, source: "oakwood", age: "16", stopAt: "consent_share"},
	{chat: 987650114, name: "Peregrine", age: "17", stopAt: "heard"},
}

// wantFigures are the figures of the script, worked out by hand (see
// people).
var wantFigures = map[string]string{
	"suppress_below": "1", "conversations": "14", "referrals": "12", "safeguarding": "1",
	"safeguarding_by_category.rows.suicide.count": "1",

	"referrals_by_source.rows.oakwood.count": "7", "referrals_by_source.rows.riverside.count": "4",
	"referrals_by_source.rows.direct.count": "1", "referrals_by_source.total": "12",
	"referrals_by_source.rows.riverside.label": "Riverside College",

	"referrals_by_age.rows.11-13.count": "0", "referrals_by_age.rows.14-15.count": "4", "referrals_by_age.rows.16-17.count": "4",
	"referrals_by_age.rows.18-21.count": "3", "referrals_by_age.rows.22-25.count": "1",

	"referrals_by_help.rows.work.count": "5", "referrals_by_help.rows.wellbeing.count": "3",
	"referrals_by_help.rows.lonely.count": "2", "referrals_by_help.rows.money.count": "2",
	"referrals_by_help.rows.family.count": "1", "referrals_by_help.rows.education.count": "1",
	"referrals_by_help.rows.activities.count": "1", "referrals_by_help.rows.creative.count": "1",
	"referrals_by_help.total": "12",

	"referrals_by_situation.rows.neet.count": "6", "referrals_by_situation.rows.school.count": "3",
	"referrals_by_situation.rows.college.count": "1", "referrals_by_situation.rows.work.count": "1",
	"referrals_by_situation.rows.other.count": "1", "referrals_by_situation.rows.training.count": "0",
	"referrals_by_channel.rows.telegram.count": "12", "referrals_by_channel.rows.sms.count": "0",

	"funnels.youth-self-referral.started":                         "14",
	"funnels.youth-self-referral.steps.welcome.reached":           "14",
	"funnels.youth-self-referral.steps.consent_share.reached":     "14",
	"funnels.youth-self-referral.steps.consent_share.stopped_at":  "1",
	"funnels.youth-self-referral.steps.consent_share.dropped_off": "1",
	"funnels.youth-self-referral.steps.name.reached":              "13",
	"funnels.youth-self-referral.steps.heard.reached":             "2",
	"funnels.youth-self-referral.steps.heard.stopped_at":          "1",
	"funnels.youth-self-referral.steps.heard.dropped_off":         "1",
	"funnels.youth-self-referral.steps.story.reached":             "12",
	"funnels.youth-self-referral.steps.life_satisfaction.reached": "10",
	"funnels.youth-self-referral.steps.follow_up.reached":         "12",
	"funnels.youth-self-referral.steps.check.reached":             "12",
	"funnels.youth-self-referral.steps.check.stopped_at":          "0",
	"funnels.check-in.started":                                    "9",
	"funnels.check-in.steps.hello.reached":                        "9",
	"funnels.check-in.steps.hello.stopped_at":                     "1",
	"funnels.check-in.steps.got_help.reached":                     "7",

	"time_to_claim.claimed": "10", "time_to_claim.unclaimed": "2", "time_to_claim.bands.rows.under_1h.count": "10",
	"outcomes.rows.employment_training.count": "4", "outcomes.rows.money_advice.count": "2",
	"outcomes.rows.connected_activity.count": "1", "outcomes.rows.declined.count": "1",
	"outcomes.rows.awaiting.count": "4", "outcomes.rows.no_contact.count": "0",

	"follow_ups.due": "10", "follow_ups.sent": "9", "follow_ups.opted_out": "1",
	"follow_ups.answered": "7", "follow_ups.completed": "8",
	"follow_ups.got_help.rows.work.count": "4", "follow_ups.got_help.rows.money.count": "3",
	"follow_ups.got_help.rows.neither.count": "2", "follow_ups.got_help.total": "7",

	"wellbeing.life_satisfaction.pairs": "5", "wellbeing.life_satisfaction.before": "3.4",
	"wellbeing.life_satisfaction.after": "5.8", "wellbeing.life_satisfaction.change": "2.4",
	"wellbeing.anxious.pairs": "7", "wellbeing.anxious.before": "7.4", "wellbeing.anxious.after": "4.9",
	"wellbeing.anxious.change": "-2.6",

	"situation_change.pairs": "7", "situation_change.neet_before": "85.7", "situation_change.neet_after": "14.3",
	"situation_change.into_eet": "5", "situation_change.after.rows.work.count": "2",
	"situation_change.after.rows.apprenticeship.count": "1", "situation_change.after.rows.training.count": "2",
	"situation_change.after.rows.neet.count": "1", "situation_change.after.rows.school.count": "1",
}

// exchange is one message and a piece of the reply it must get.
type exchange struct{ send, want string }

// referralScript is what p types in the youth self-referral flow, and
// what the bot must answer each time.
func referralScript(p youngPerson) []exchange {
	start := "/start"
	if p.source != "" {
		start += " " + p.source
	}
	x := []exchange{{start, "Is it OK if I ask"}, {"yes", "How old are you?"}, {p.age, "share your answers with a link worker"}}
	if p.stopAt == "consent_share" {
		return x
	}
	x = append(x, exchange{"yes", "What would you like us to call you?"})
	if p.source == "" {
		x = append(x, exchange{p.name, "Where did you hear about Signpost?"})
		if p.stopAt == "heard" {
			return x
		}
		x = append(x, exchange{"6", "what matters to you"}) // a doctor, nurse or health worker
	} else {
		x = append(x, exchange{p.name, "what matters to you"})
	}
	if p.risk {
		x = append(x, exchange{riskPhrase, "85258"}, exchange{"", "what matters to you"})
	}
	x = append(x, exchange{p.story, "What would you like help with?"},
		exchange{p.support, "Which of these fits you best right now?"},
		exchange{p.situation, "How should a link worker get in touch"},
		exchange{"1", "When is it safe and OK to contact you?"}, // message me here
		exchange{p.when, "first part of your postcode"},
		exchange{"skip", "Can I ask 4 quick questions about how you feel?"})
	if p.wellbeing == nil {
		x = append(x, exchange{"no", "In about 8 weeks"})
	} else {
		x = append(x, exchange{"yes", "how satisfied are you"}, exchange{p.wellbeing[0], "worthwhile"},
			exchange{p.wellbeing[1], "how happy"}, exchange{p.wellbeing[2], "how anxious"}, exchange{p.wellbeing[3], "In about 8 weeks"})
	}
	fu := "no"
	if p.followUp {
		fu = "yes"
	}
	return append(x, exchange{fu, "Is that right?"}, exchange{"1", "passed this to our link workers"})
}

// checkInScript is what p answers in the check-in flow.
func checkInScript(p youngPerson) []exchange {
	if len(p.checkIn) == 0 {
		return nil
	}
	if p.checkIn[0] == "no" {
		return []exchange{{"no", "thanks for letting us know"}}
	}
	wants := []string{"how satisfied are you", "worthwhile", "how happy", "how anxious", "Which of these fits you best",
		"have you had help", "Thank you, that really helps"}
	x := make([]exchange, len(p.checkIn))
	for i, s := range p.checkIn {
		x[i] = exchange{s, wants[i]}
	}
	return x
}

// telegramPeople types as young people into the fake Bot API.
type telegramPeople struct {
	fake *tgfake.Fake
	logs *syncBuffer
	msg  atomic.Int64 // message ids
}

// sentTo returns the texts the bot sent to chat, in order.
func sentTo(fake *tgfake.Fake, chat int64) []string {
	id := strconv.FormatInt(chat, 10)
	var out []string
	for _, c := range fake.Calls("sendMessage") {
		if c.OK() && c.Params.Get("chat_id") == id {
			out = append(out, c.Params.Get("text"))
		}
	}
	return out
}

// waitChat waits until a message after the first n to chat contains want.
func waitChat(fake *tgfake.Fake, chat int64, n int, want string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := sentTo(fake, chat)
		for _, s := range got[min(n, len(got)):] {
			if strings.Contains(s, want) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("chat %d: no message containing %q after the first %d; got %q", chat, want, n, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// converse runs every script at once, one goroutine per chat (Telegram
// lets a bot send one message a second to a chat, so in turn they would
// take minutes), each message waiting for its reply. An exchange with no
// text only waits for more of the last reply.
func (tp *telegramPeople) converse(t *testing.T, scripts map[int64][]exchange) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(scripts))
	for chat, script := range scripts {
		wg.Go(func() {
			n := 0
			for _, x := range script {
				if x.send != "" {
					n = len(sentTo(tp.fake, chat))
					tp.fake.PushUpdate(tgfake.TextUpdate(chat, int(tp.msg.Add(1)), x.send))
				}
				if err := waitChat(tp.fake, chat, n, x.want); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.Fatalf("logs:\n%s", tp.logs.String())
	}
}

// call makes an HTTP request with an optional bearer token and JSON body;
// a failed connection is status 0.
func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = io.Copy(&b, resp.Body)
	return resp.StatusCode, b.String()
}
