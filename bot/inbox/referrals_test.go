package inbox_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/inbox"
)

func TestListOrdersByUrgencyThenUnclaimedThenLongestWaiting(t *testing.T) {
	r := newRig(t, func(o *inbox.Options) { o.Sources = map[string]string{"hillside": "Hillside Academy"} })
	older := r.refer(t, "+447700900311", "Jo", "")
	r.clock.Advance(10 * time.Minute)
	newer := r.refer(t, "+447700900312", "Kai", "hillside")
	r.clock.Advance(10 * time.Minute)
	claimedOld := r.refer(t, "+447700900313", "Lee", "")
	r.clock.Advance(10 * time.Minute)
	alert := r.alert(t, "+447700900314")
	r.clock.Advance(10 * time.Minute)
	closed := r.refer(t, "+447700900315", "Mo", "")
	r.clock.Advance(95 * time.Minute) // the oldest has waited 2 h 15 min

	b := r.browser(t)
	b.signIn(priya, priyaPW)
	// Before any claim: urgent first, then the longest waiting.
	want := []string{alert.ID, older.ID, newer.ID, claimedOld.ID, closed.ID}
	if got := b.rows(); !slices.Equal(got, want) {
		t.Fatalf("rows before claims = %v, want %v", got, want)
	}
	b.act(claimedOld.ID, "claim", url.Values{})
	b.act(older.ID, "claim", url.Values{})
	b.act(closed.ID, "outcome", url.Values{"outcome": {"declined"}})
	// Claimed ones go after the unclaimed of their urgency; closed ones last.
	want = []string{alert.ID, newer.ID, older.ID, claimedOld.ID, closed.ID}
	if got := b.rows(); !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}

	row := b.row(older.ID)
	for _, s := range []string{">Jo</a>", ">15<", "Claimed", priya, "claimed after 2 h 15 min", "</span> Routine</span>"} {
		if !strings.Contains(row, s) {
			t.Errorf("row of the oldest referral lacks %q:\n%s", s, row)
		}
	}
	row = b.row(newer.ID)
	for _, s := range []string{">Kai</a>", "Hillside Academy", "2 h 5 min", "Nobody yet"} {
		if !strings.Contains(row, s) {
			t.Errorf("row of the source-tagged referral lacks %q:\n%s", s, row)
		}
	}
	if got := summaryOf(b.get("/inbox/r/" + newer.ID).Body); !strings.Contains(got, "source: Hillside Academy") {
		t.Errorf("the summary does not name the source:\n%s", got)
	}
	row = b.row(alert.ID)
	for _, s := range []string{"Safeguarding alert", `<span aria-hidden="true">🚨</span> Urgent`, "Not given", "1 h 45 min"} {
		if !strings.Contains(row, s) {
			t.Errorf("row of the alert lacks %q:\n%s", s, row)
		}
	}
	if row := b.row(closed.ID); !strings.Contains(row, "Closed: Young person declined") {
		t.Errorf("row of the closed referral:\n%s", row)
	}
}

func TestDetailShowsTheSummaryAnswersAndLaterMessagesInOrder(t *testing.T) {
	r := newRig(t, nil)
	addr := "+447700900321"
	h := r.refer(t, addr, "Jo", "")
	r.clock.Advance(time.Hour)
	r.say(t, bot.ChannelSMS, addr, "", "is anyone there?")
	first := r.next(t, bot.KindMessage)
	r.clock.Advance(time.Hour)
	r.say(t, bot.ChannelSMS, addr, "", "I can talk after school <b>tomorrow</b>")
	second := r.next(t, bot.KindMessage)
	if first.Referral != h.ID || second.Referral != h.ID {
		t.Fatalf("messages belong to %q and %q, want %s", first.Referral, second.Referral, h.ID)
	}

	b := r.browser(t)
	b.signIn(priya, priyaPW)
	p := b.get("/inbox/r/" + h.ID)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("detail: %d", p.StatusCode)
	}
	summary := handoff.Summary(r.record(t, h.ID), handoff.ContactsFull)
	if got := summaryOf(p.Body); got != summary {
		t.Errorf("the page does not show the full summary:\n%s\n---\n%s", summary, p.Body)
	}
	if !strings.Contains(summary, "07700 900123") && !strings.Contains(summary, "+447700900123") {
		t.Errorf("the summary hides the phone number:\n%s", summary)
	}
	i, j := strings.Index(p.Body, "is anyone there?"), strings.Index(p.Body, "I can talk after school &lt;b&gt;tomorrow&lt;/b&gt;")
	if i < 0 || j < 0 || i > j {
		t.Errorf("later messages missing or out of order (%d, %d)", i, j)
	}
	if strings.Contains(p.Body, "<b>tomorrow</b>") {
		t.Error("a message's text is not escaped")
	}
	if !strings.Contains(p.Body, "In your own words, what matters to you right now?") ||
		!strings.Contains(p.Body, "I want to find a job and I feel stuck at home") {
		t.Error("the answers are not shown")
	}
	for _, id := range []string{`id="claim"`, `id="reply-text"`, `id="reply-send"`, `id="outcome"`, `id="outcome-save"`} {
		if !strings.Contains(p.Body, id) {
			t.Errorf("no %s on an unclaimed referral", id)
		}
	}
	for _, o := range handoff.Outcomes {
		if !strings.Contains(p.Body, `<option value="`+o+`">`) {
			t.Errorf("outcome %s is not offered", o)
		}
	}
	if !strings.Contains(r.logs.String(), `"msg":"inbox referral viewed","worker":"Priya Shah","id":"`+h.ID+`"`) {
		t.Error("viewing is not logged")
	}
	if p := b.get("/inbox/r/" + first.ID); p.StatusCode != http.StatusNotFound {
		t.Errorf("a later message's own page: %d, want 404 (it is not a referral)", p.StatusCode)
	}
	if p := b.get("/inbox/r/r-0000000000000000-000000000000"); p.StatusCode != http.StatusNotFound {
		t.Errorf("unknown id: %d, want 404", p.StatusCode)
	}
}

func TestDetailLinksTheSamePersonsOtherRecords(t *testing.T) {
	r := newRig(t, nil)
	addr := "+447700900322"
	a := r.alert(t, addr)
	r.say(t, bot.ChannelSMS, addr, "", "15", "yep", "Jo", "2", "I want to find a job", "1", "not in work, school or training",
		"text", "07700 900123", "after 4pm", "m1", "no", "no", "1")
	h := r.next(t, bot.KindReferral)
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	if p := b.get("/inbox/r/" + h.ID); !strings.Contains(p.Body, `<a href="/inbox/r/`+a.ID+`">Safeguarding alert`) {
		t.Errorf("the referral does not link the alert before it:\n%s", p.Body)
	}
	// An alert is claimed like a referral, but the young person is not
	// told about "your referral".
	b.act(a.ID, "claim", url.Values{})
	if class, text := b.flash(a.ID); class != "flash-ok" || text != "Claimed: it's yours." {
		t.Errorf("alert claim flash = %s %q", class, text)
	}
	if rec := r.record(t, a.ID); rec.Assignee != priya {
		t.Errorf("alert assignee %q", rec.Assignee)
	}
	if got := r.pending(t, addr, "has your referral"); len(got) != 0 {
		t.Errorf("claiming an alert told the young person %q", got)
	}
}

func TestClaimGivesItToTheWorkerAndTellsTheYoungPerson(t *testing.T) {
	r := newRig(t, nil)
	addr := "+447700900331"
	h := r.refer(t, addr, "Jo", "")
	r.clock.Advance(40 * time.Minute)
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	b.act(h.ID, "claim", url.Values{})

	rec := r.record(t, h.ID)
	if rec.Assignee != priya || rec.Status != bot.StatusClaimed || !rec.ClaimedAt.Equal(r.clock.Now()) {
		t.Errorf("record after claim: assignee %q, status %q, claimed at %v", rec.Assignee, rec.Status, rec.ClaimedAt)
	}
	if got := r.pending(t, addr, "Priya from the link team has your referral"); len(got) != 1 {
		t.Errorf("the young person's notices = %q, want one naming Priya (first name only)", got)
	}
	if got := r.pending(t, addr, "Shah"); len(got) != 0 {
		t.Errorf("the worker's surname reached the young person: %q", got)
	}
	class, text := b.flash(h.ID)
	if class != "flash-ok" || !strings.Contains(text, "Claimed") {
		t.Errorf("flash = %s %q", class, text)
	}
	if class, _ := b.flash(h.ID); class != "" {
		t.Error("the flash shows twice")
	}
	p := b.get("/inbox/r/" + h.ID)
	if strings.Contains(p.Body, `id="claim"`) || !strings.Contains(p.Body, "You have this.") {
		t.Error("a claimed referral still offers Claim to its worker")
	}

	// A second worker is told who has it.
	other := r.browser(t)
	other.signIn(alex, alexPW)
	if p := other.get("/inbox/r/" + h.ID); strings.Contains(p.Body, `id="claim"`) || !strings.Contains(p.Body, "Priya Shah has this.") {
		t.Error("a claimed referral offers Claim to another worker")
	}
	other.act(h.ID, "claim", url.Values{})
	if class, text := other.flash(h.ID); class != "flash-error" || text != "Already claimed by Priya." {
		t.Errorf("second claim flash = %s %q", class, text)
	}
	if rec := r.record(t, h.ID); rec.Assignee != priya {
		t.Errorf("the second claim took it: %q", rec.Assignee)
	}
	logs := r.logs.String()
	if !strings.Contains(logs, `"msg":"inbox claim","worker":"Priya Shah","id":"`+h.ID+`"`) ||
		!strings.Contains(logs, `"msg":"inbox claim lost","worker":"Alex Kim","id":"`+h.ID+`"`) {
		t.Errorf("claims are not logged:\n%s", logs)
	}
}

func TestReplyIsRelayedToTheYoungPersonOnce(t *testing.T) {
	r := newRig(t, nil)
	addr := "+447700900341"
	h := r.refer(t, addr, "Jo", "")
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	b.act(h.ID, "claim", url.Values{})

	const text = "Hi Jo, I can call you on Thursday after 4pm. Is that OK?"
	page := b.get("/inbox/r/" + h.ID)
	form := url.Values{"csrf": {csrfField.FindStringSubmatch(page.Body)[1]}, "nonce": {nonceField.FindStringSubmatch(page.Body)[1]},
		"text": {"  " + text + "\r\n"}}
	for range 2 { // a double click sends the same form twice
		if p := b.post("/inbox/r/"+h.ID+"/reply", form); p.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d %q", p.StatusCode, p.Body)
		}
	}
	got := r.pending(t, addr, text)
	if len(got) != 1 || got[0] != "Priya (link team):\n"+text {
		t.Errorf("relayed = %q, want the reply once, signed Priya (link team)", got)
	}
	if class, msg := b.flash(h.ID); class != "flash-ok" || !strings.Contains(msg, "Reply sent") {
		t.Errorf("flash = %s %q", class, msg)
	}
	// A new page is a new reply, even with the same words.
	b.act(h.ID, "reply", url.Values{"text": {text}})
	if got := r.pending(t, addr, text); len(got) != 2 {
		t.Errorf("a second reply from a new page: %d relayed, want 2", len(got))
	}

	b.act(h.ID, "reply", url.Values{"text": {"   "}})
	if class, msg := b.flash(h.ID); class != "flash-error" || !strings.Contains(msg, "write a reply first") {
		t.Errorf("empty reply flash = %s %q", class, msg)
	}
	b.act(h.ID, "reply", url.Values{"text": {strings.Repeat("a", 1601)}})
	if class, msg := b.flash(h.ID); class != "flash-error" || !strings.Contains(msg, "up to 1600 characters") {
		t.Errorf("long reply flash = %s %q", class, msg)
	}
	if got := r.pending(t, addr, "aaaa"); len(got) != 0 {
		t.Error("a too-long reply was sent")
	}
	logs := r.logs.String()
	if !strings.Contains(logs, `"msg":"inbox reply","worker":"Priya Shah","id":"`+h.ID+`"`) {
		t.Errorf("the reply is not logged:\n%s", logs)
	}
	if strings.Contains(logs, "Thursday") {
		t.Error("the reply's text is in the log")
	}
}

func TestOutcomeClosesTheReferral(t *testing.T) {
	r := newRig(t, nil)
	h := r.refer(t, "+447700900351", "Jo", "")
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	b.act(h.ID, "outcome", url.Values{"outcome": {"made_up"}})
	if class, msg := b.flash(h.ID); class != "flash-error" || !strings.Contains(msg, "Choose an outcome") {
		t.Errorf("unknown outcome flash = %s %q", class, msg)
	}
	if rec := r.record(t, h.ID); rec.Status == bot.StatusClosed {
		t.Fatal("an unknown outcome closed the referral")
	}
	b.act(h.ID, "outcome", url.Values{"outcome": {"money_advice"}})
	rec := r.record(t, h.ID)
	if rec.Status != bot.StatusClosed || rec.Outcome != "money_advice" || !rec.OutcomeAt.Equal(r.clock.Now()) {
		t.Errorf("record: status %q, outcome %q at %v", rec.Status, rec.Outcome, rec.OutcomeAt)
	}
	if class, msg := b.flash(h.ID); class != "flash-ok" || msg != "Outcome recorded: Money advice. The referral is closed." {
		t.Errorf("flash = %s %q", class, msg)
	}
	p := b.get("/inbox/r/" + h.ID)
	if !strings.Contains(p.Body, `<option value="money_advice" selected>Money advice</option>`) || !strings.Contains(p.Body, "Change outcome") {
		t.Error("a closed referral does not show its outcome")
	}
	if !strings.Contains(r.logs.String(), `"msg":"inbox outcome","worker":"Priya Shah","id":"`+h.ID+`","outcome":"money_advice"`) {
		t.Errorf("the outcome is not logged:\n%s", r.logs)
	}
}

func TestLogsCarryNoPersonalDataOfYoungPeople(t *testing.T) {
	r := newRig(t, nil)
	addr := "+447700900361"
	h := r.refer(t, addr, "Jolene", "")
	r.say(t, bot.ChannelSMS, addr, "", "my address is 12 Acacia Avenue")
	r.next(t, bot.KindMessage)
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	b.get("/inbox")
	b.get("/inbox/r/" + h.ID)
	b.act(h.ID, "claim", url.Values{})
	b.act(h.ID, "reply", url.Values{"text": {"Hello Jolene, see you at Acacia Avenue"}})
	b.act(h.ID, "outcome", url.Values{"outcome": {"connected_activity"}})
	b.post("/inbox/logout", url.Values{"csrf": {b.csrf("/inbox")}})
	logs := r.logs.String()
	for _, s := range []string{"Jolene", "Acacia", "07700", "7700900", "stuck at home", "127.0.0.1"} {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains %q", s)
		}
	}
	for _, s := range []string{"inbox sign-in", "inbox claim", "inbox reply", "inbox outcome", "inbox sign-out"} {
		if !strings.Contains(logs, `"msg":"`+s+`"`) {
			t.Errorf("no %q line", s)
		}
	}
}

func TestPagesCarryTheSecurityHeaders(t *testing.T) {
	r := newRig(t, nil)
	b := r.browser(t)
	for _, path := range []string{"/inbox/login"} {
		p := b.get(path)
		if got := p.Header.Get("Content-Security-Policy"); got != "default-src 'self'; form-action 'self'; frame-ancestors 'none'" {
			t.Errorf("%s CSP = %q", path, got)
		}
		if p.Header.Get("Cache-Control") != "no-store" || p.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: Cache-Control %q, X-Frame-Options %q", path, p.Header.Get("Cache-Control"), p.Header.Get("X-Frame-Options"))
		}
		if strings.Contains(p.Body, "<script") || strings.Contains(p.Body, "style=") {
			t.Errorf("%s has a script or an inline style", path)
		}
	}
	b.signIn(priya, priyaPW)
	h := r.refer(t, "+447700900371", "Jo", "")
	for _, path := range []string{"/inbox", "/inbox/r/" + h.ID} {
		p := b.get(path)
		if p.Header.Get("Content-Security-Policy") == "" || p.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s lacks the headers", path)
		}
		if strings.Contains(p.Body, "<script") || strings.Contains(p.Body, "style=") || eventAttr.MatchString(p.Body) {
			t.Errorf("%s has a script or an inline style", path)
		}
	}
	css := b.get("/inbox/static/inbox.css")
	if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") || !strings.Contains(css.Body, ":focus-visible") {
		t.Errorf("style sheet: %d %q", css.StatusCode, css.Header.Get("Content-Type"))
	}
	if p := b.get("/inbox/"); p.StatusCode != http.StatusMovedPermanently || p.Header.Get("Location") != "/inbox" {
		t.Errorf("/inbox/: %d %q", p.StatusCode, p.Header.Get("Location"))
	}
}

var summaryPre = regexp.MustCompile(`(?s)<pre id="summary" class="summary">(.*?)</pre>`)

// summaryOf is the text of the page's #summary.

func summaryOf(body string) string {
	m := summaryPre.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// eventAttr is an inline event handler attribute, like onclick="…".

var eventAttr = regexp.MustCompile(`\son[a-z]+=`)
