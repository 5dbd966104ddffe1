package handoff

import (
	"strings"
	"time"
	_ "time/tzdata" // UK times even in a container without zoneinfo
	"unicode/utf8"

	"github.com/signpost-app/signpost/bot"
)

// ContactPolicy says how a summary shows contact details: the answers of
// type phone and email (and, for SMS, the address the young person texts
// from).
type ContactPolicy int

const (
	// ContactsMasked partly hides contact details, "+44 7700 9•• •23" and
	// "s•••@example.org": enough for a link worker to recognise them, not
	// enough for a group of people to copy them. The default.
	ContactsMasked ContactPolicy = iota
	// ContactsFull shows contact details as given, for a case system
	// reached through the signed webhook.
	ContactsFull
)

// The answers the built-in flow saves and a summary knows how to show.
// Flows that save none of them are summarised with their own summary
// template (Handoff.Summary).
const (
	answerName        = "name"
	answerAge         = "age"
	answerStory       = "story"
	answerSupport     = "support"
	answerSituation   = "situation"
	answerContactHow  = "contact_how"
	answerContactWhen = "contact_when"
	answerPhone       = "phone"
	answerEmail       = "email"
	answerPostcode    = "postcode"
	answerHeard       = "heard"
	answerConsent     = "consent"
)

// known are the answers a summary shows in their own place; consent is
// shown from Handoff.Consent.
var known = map[string]bool{
	answerName: true, answerAge: true, answerStory: true, answerSupport: true,
	answerSituation: true, answerContactHow: true, answerContactWhen: true,
	answerPhone: true, answerEmail: true, answerPostcode: true, answerHeard: true,
}

// ukTime is where link workers are: summaries show UK clock times (GMT or
// BST, and say which).
var ukTime = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC // not reached: time/tzdata is embedded
	}
	return loc
}()

// Summary is what a link worker reads to act on h, in plain text: a
// headline (🚨 URGENT referral, Referral, ⚠️ Safeguarding alert,
// 💬 Message), who (first name, age, source, channel), what matters to them
// in their own words, the help wanted, their situation, how and when it is
// safe to contact them, risk flags with their times, consent and the
// reference. An alert includes the message that raised it, and a message
// its text. Contact details follow p.
//
// It is built from h's answers, so that p applies to every contact detail.
// For a flow that saves none of the answers the built-in flow does, the
// flow's own summary (h.Summary, with contact details masked under
// ContactsMasked) stands in for them.
func Summary(h *bot.Handoff, p ContactPolicy) string {
	if p != ContactsFull {
		h = Masked(h)
	}
	var b summaryBuilder
	answers := map[string]bot.HandoffAnswer{}
	anyKnown := false
	for _, a := range h.Answers {
		if a.Value == "" {
			continue // skipped
		}
		answers[a.Name] = a
		anyKnown = anyKnown || known[a.Name]
	}
	value := func(name string) string { return answers[name].Value }

	b.line(headline(h))
	b.line(who(h, value(answerName), value(answerAge)))
	if !h.Created.IsZero() {
		b.line("Received " + dateTime(h.Created))
	}

	switch h.Kind {
	case bot.KindAlert:
		if h.Message != "" {
			b.para("What they wrote (this raised the alert):", quote(h.Message))
		}
	case bot.KindMessage:
		b.para("They wrote:", quote(h.Message))
		if h.Referral != "" {
			b.para("About referral " + h.Referral)
		}
		b.line("Ref: " + h.ID)
		return b.String()
	}

	if anyKnown {
		if s := value(answerStory); s != "" {
			b.para("What matters to them, in their own words:", quote(s))
		}
		needs := strings.Join(h.Needs, "; ")
		if needs == "" {
			needs = value(answerSupport)
		}
		b.para(field("Help wanted", needs), field("Right now", value(answerSituation)))
		b.para(field("How to contact", contactHow(h, answers)),
			field("Safe times and things to avoid", value(answerContactWhen)),
			field("Postcode area", value(answerPostcode)),
			field("Heard about us", value(answerHeard)))
		var other []string
		for _, a := range h.Answers {
			if !known[a.Name] && a.Name != answerConsent && !isContact(a) && a.Value != "" {
				other = append(other, "• "+oneLine(a.Question)+" — "+a.Value)
			}
		}
		if len(other) > 0 {
			b.para(append([]string{"Other answers:"}, other...)...)
		}
	} else {
		// A flow of its own: its summary template, and any contact
		// details it leaves out.
		s := flowSummary(h.Summary)
		var missing []string
		for _, a := range h.Answers {
			if isContact(a) && a.Value != "" && !strings.Contains(s, a.Value) {
				missing = append(missing, a.Value)
			}
		}
		var lines []string
		if s != "" {
			lines = append(lines, "Summary:", s)
		}
		b.para(append(lines, field("Contact details", strings.Join(missing, ", ")))...)
	}

	b.para(risks(h.Risks), "Consent to share: "+consent(h, answers), "Ref: "+h.ID)
	return b.String()
}

// headline is the first line: what this is and how urgent.
func headline(h *bot.Handoff) string {
	switch {
	case h.Kind == bot.KindAlert:
		return "⚠️ Safeguarding alert"
	case h.Kind == bot.KindMessage:
		return "💬 Message"
	case h.Urgency == bot.UrgencyUrgent:
		return "🚨 URGENT referral"
	case h.Urgency == bot.UrgencySoon:
		return "Referral (soon)"
	}
	return "Referral"
}

// who is the second line: "Sam, age 15 · source: st-marys · via SMS".
func who(h *bot.Handoff, name, age string) string {
	parts := []string{firstName(name)}
	switch {
	case parts[0] != "":
	case h.Kind == bot.KindAlert:
		parts[0] = "No name given yet"
	default:
		parts[0] = "No name given"
	}
	if age != "" {
		parts[0] += ", age " + age
	}
	if h.Source != "" {
		parts = append(parts, "source: "+h.Source)
	}
	if c := channelName(h.Channel); c != "" {
		parts = append(parts, "via "+c)
	}
	return strings.Join(parts, " · ")
}

// contactHow is the way they asked to be contacted, with the phone number
// or email address that goes with it.
func contactHow(h *bot.Handoff, answers map[string]bot.HandoffAnswer) string {
	how := answers[answerContactHow].Value
	var details []string
	for _, a := range h.Answers {
		if isContact(a) && a.Value != "" {
			details = append(details, a.Value)
		}
	}
	switch {
	case how == "" && len(details) == 0:
		return ""
	case how == "":
		return strings.Join(details, ", ")
	case len(details) == 0:
		return how
	}
	return how + ": " + strings.Join(details, ", ")
}

// risks lists the risk flags with their times, "" for none.
func risks(rs []bot.Risk) string {
	if len(rs) == 0 {
		return ""
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Category + " at " + clock(r.At)
	}
	return "⚠️ Risk flags: " + strings.Join(out, ", ")
}

// consent says whether they agreed to share their answers.
func consent(h *bot.Handoff, answers map[string]bot.HandoffAnswer) string {
	switch _, asked := answers[answerConsent]; {
	case h.Consent:
		return "yes"
	case asked:
		return "no"
	}
	return "not asked yet"
}

// flowSummary is the engine's summary without the risk and message lines
// the engine puts first (Summary shows those itself).
func flowSummary(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for len(lines) > 0 && (strings.HasPrefix(lines[0], "⚠ RISK:") || strings.HasPrefix(lines[0], "Message: ")) {
		lines = lines[1:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// firstName is the first word of the name they gave.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// channelName is a channel as link workers call it.
func channelName(c string) string {
	switch c {
	case bot.ChannelSMS:
		return "SMS"
	case bot.ChannelTelegram:
		return "Telegram"
	case bot.ChannelWeb:
		return "web chat"
	case bot.ChannelChat:
		return "terminal chat"
	}
	return c
}

// clock is a UK time of day, "14:02 BST".
func clock(t time.Time) string { return t.In(ukTime).Format("15:04 MST") }

// dateTime is a UK date and time, "14:05 BST, Tue 3 Jun 2025".
func dateTime(t time.Time) string { return t.In(ukTime).Format("15:04 MST, Mon 2 Jan 2006") }

// quote puts their words in quotes, on as many lines as they wrote.
func quote(s string) string { return `"` + strings.TrimSpace(s) + `"` }

// oneLine folds whitespace, newlines included, to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// field is "label: value", or "" when value is empty.
func field(label, value string) string {
	if value == "" {
		return ""
	}
	return label + ": " + value
}

// summaryBuilder writes lines and blank-line-separated paragraphs,
// leaving out empty lines and empty paragraphs.
type summaryBuilder struct {
	b     strings.Builder
	fresh bool // a paragraph was started and nothing written to it yet
}

func (s *summaryBuilder) line(l string) {
	if l == "" {
		return
	}
	if s.fresh && s.b.Len() > 0 {
		s.b.WriteString("\n")
	}
	s.fresh = false
	s.b.WriteString(l + "\n")
}

func (s *summaryBuilder) para(lines ...string) {
	s.fresh = true
	for _, l := range lines {
		s.line(l)
	}
}

func (s *summaryBuilder) String() string { return strings.TrimRight(s.b.String(), "\n") }

// Masked returns a copy of h with its contact details partly hidden: the
// raw and shown values of phone and email answers, an SMS address, and
// any copy of them in the flow's summary or the message text. Nothing
// else changes, so the copy is for showing (a Telegram group), never for
// replying or storing.
func Masked(h *bot.Handoff) *bot.Handoff {
	c := *h
	c.Answers = append([]bot.HandoffAnswer(nil), h.Answers...)
	c.Risks = append([]bot.Risk(nil), h.Risks...)
	c.Needs = append([]string(nil), h.Needs...)
	if h.Delivered != nil {
		c.Delivered = make(map[string]string, len(h.Delivered))
		for k, v := range h.Delivered {
			c.Delivered[k] = v
		}
	}
	var pairs []string
	hide := func(s, masked string) {
		if s != "" && s != masked {
			pairs = append(pairs, s, masked)
		}
	}
	for i, a := range c.Answers {
		if !isContact(a) {
			continue
		}
		m := maskContact(a)
		hide(a.Raw, m)
		hide(a.Value, m)
		c.Answers[i].Raw, c.Answers[i].Value = m, m
	}
	if c.Channel == bot.ChannelSMS && c.Address != "" {
		m := maskPhone(c.Address)
		hide(c.Address, m)
		c.Address = m
	}
	if len(pairs) > 0 {
		r := strings.NewReplacer(pairs...)
		c.Summary = r.Replace(c.Summary)
		c.Message = r.Replace(c.Message)
	}
	return &c
}

// isContact reports whether a is a contact detail: a phone or email
// answer (by name for records made before answers had types).
func isContact(a bot.HandoffAnswer) bool {
	switch a.Type {
	case "phone", "email":
		return true
	case "":
		return a.Name == answerPhone || a.Name == answerEmail
	}
	return false
}

// maskContact masks a contact answer's value (its raw text when it has no
// value).
func maskContact(a bot.HandoffAnswer) string {
	v := a.Value
	if v == "" {
		v = a.Raw
	}
	if a.Type == "email" || (a.Type == "" && a.Name == answerEmail) || strings.Contains(v, "@") {
		return maskEmail(v)
	}
	return maskPhone(v)
}

// maskPhone keeps the start and the last two digits of a phone number: a
// UK number, "+447700900123", becomes "+44 7700 9•• •23"; any other keeps
// at most three leading digits.
func maskPhone(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if strings.HasPrefix(s, "+44") && len(d) == 12 {
		n := d[2:]
		return "+44 " + string(n[:4]) + " " + string(n[4]) + "•• •" + string(n[8:])
	}
	if len(d) < 6 {
		return strings.Repeat("•", max(len(d), 3))
	}
	keep := min(3, len(d)/4)
	out := string(d[:keep]) + strings.Repeat("•", len(d)-keep-2) + string(d[len(d)-2:])
	if strings.HasPrefix(strings.TrimSpace(s), "+") {
		out = "+" + out
	}
	return out
}

// maskEmail keeps the first letter and the domain: "s•••@example.org".
func maskEmail(s string) string {
	local, domain, ok := strings.Cut(strings.TrimSpace(s), "@")
	if !ok || local == "" {
		return "•••"
	}
	first, _ := utf8.DecodeRuneInString(local)
	return string(first) + "•••@" + domain
}
