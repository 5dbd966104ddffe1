package handoff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/sms/segment"
	"github.com/signpost-app/signpost/bot/sms/twilio"
)

// maxSMSSegments is the most a duty text may cost.
const maxSMSSegments = 2

// smsRefPrefix starts an SMSNotifier ref: "sent:+447700900001,+447700900002".
const smsRefPrefix = "sent:"

// progressTTL is how long SMSNotifier remembers the numbers a failed
// delivery already reached.
const progressTTL = 24 * time.Hour

// SMSClient sends one SMS; *twilio.Client is one.
type SMSClient interface {
	Send(ctx context.Context, to, body string) (sid string, err error)
}

// SMSNotifier texts the duty phones (SIGNPOST_HANDOFF_SMS) about urgent
// handoffs. A text is short (at most two SMS segments) and carries no
// contact details and none of the young person's own words, only the
// reference, the risk flags, a first name and an age, and where to look:
//
//	Signpost URGENT: safeguarding alert a-…-… (self_harm, 14:02). First
//	name: Sam, age 15. Please check the link workers' Telegram group / case
//	system now.
//
// Each number is texted once per delivery. When some numbers fail for now,
// Send returns a temporary error and remembers which numbers it reached,
// so the retry texts only the others. That memory is in this process: if
// the process dies between the attempts, the retry (by another process)
// may text a number twice, as at-least-once delivery allows.
type SMSNotifier struct {
	Client  SMSClient
	Numbers []string // E.164 duty numbers
	// All sends every handoff (routine referrals, messages), not just the
	// urgent ones.
	All bool
	// Logger reports duty numbers that refuse texts (never the number
	// itself, only its position in Numbers); nil: no logs.
	Logger *slog.Logger
	// Now is the clock for "still unclaimed after"; nil: time.Now.
	Now func() time.Time

	mu       sync.Mutex
	progress map[string]smsProgress // delivery key → numbers reached
}

// smsProgress is the numbers one delivery reached before a failure.
type smsProgress struct {
	sent map[string]bool
	at   time.Time
}

var _ Notifier = (*SMSNotifier)(nil)

// Name is "sms".
func (n *SMSNotifier) Name() string { return "sms" }

// Wants alerts, urgent referrals and escalations; with All, everything.
func (n *SMSNotifier) Wants(h *bot.Handoff, kind string) bool {
	if n.All {
		return true
	}
	switch kind {
	case bot.KindAlert, KindEscalation:
		return true
	case bot.KindReferral:
		return h.Urgency == bot.UrgencyUrgent
	}
	return false
}

// Send texts every duty number and returns "sent:" and the numbers that
// took the text, comma-separated.
//
// A delivery already made is not repeated: numbers listed in the
// delivery's mark on the record are skipped (h.Delivered["sms"] for h's
// own kind, h.Delivered["sms:escalation:<n>"] for the nth escalation, as
// the Dispatcher marks them), as are numbers an earlier failed attempt of
// the same delivery reached in this process.
//
// A number that has opted out (Twilio 21610) or that Twilio refuses for
// good is logged, by position, and left out; Send fails permanently only
// when no number took the text. When a number fails for now (429, 5xx, no
// answer), Send texts the rest and then returns an *outbox.TemporaryError
// and, as ref, the numbers reached so far.
func (n *SMSNotifier) Send(ctx context.Context, h *bot.Handoff, kind string) (string, error) {
	if len(n.Numbers) == 0 {
		return "", errors.New("sms: no duty numbers")
	}
	key := h.ID + "|" + kind
	if kind == KindEscalation {
		key += fmt.Sprintf("|%d", h.Escalated)
	}
	done := n.reached(key)
	mark := n.Name() // the dispatcher's Delivered key for this delivery
	switch kind {
	case h.Kind:
	case KindEscalation:
		mark += fmt.Sprintf(":%s:%d", kind, h.Escalated)
	default:
		mark += ":" + kind
	}
	for _, num := range parseSMSRef(h.Delivered[mark]) {
		done[num] = true
	}
	body := smsBody(h, kind, n.now())

	var (
		sent          []string
		seen          = map[string]bool{}
		tempErr       error
		after         time.Duration
		lastPermanent error
	)
	for i, num := range n.Numbers {
		if num == "" || seen[num] {
			continue
		}
		seen[num] = true
		if done[num] {
			sent = append(sent, num)
			continue
		}
		// Spec: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
		_, err := n.Client.Send(ctx, num, body)
		if err == nil {
			sent = append(sent, num)
			done[num] = true
			continue
		}
		if ctx.Err() != nil {
			n.remember(key, done)
			return smsRef(sent), fmt.Errorf("sms: %w", ctx.Err())
		}
		var te *twilio.Error
		var temp *outbox.TemporaryError
		switch {
		case errors.As(err, &te) && te.OptedOut:
			n.log().Warn("duty number has opted out of SMS (replied STOP); it gets no handoff alerts until it texts START",
				"number_index", i, "id", h.ID, "kind", kind)
			lastPermanent = err
		case errors.As(err, &te) && te.Temporary:
			tempErr, after = err, max(after, te.RetryAfter)
		case errors.As(err, &te):
			n.log().Error("duty number refused the SMS", "number_index", i, "id", h.ID, "kind", kind, "error", err)
			lastPermanent = err
		case errors.As(err, &temp):
			tempErr, after = err, max(after, temp.After)
		default:
			// Not a Twilio answer: treat as a network fault, and retry.
			tempErr = err
		}
	}
	if tempErr != nil {
		n.remember(key, done)
		return smsRef(sent), &outbox.TemporaryError{After: after, Err: fmt.Errorf("sms: texting the duty numbers: %w", tempErr)}
	}
	n.forget(key)
	if len(sent) == 0 {
		return "", fmt.Errorf("sms: no duty number took the text: %w", lastPermanent)
	}
	return smsRef(sent), nil
}

// reached returns the numbers an earlier attempt of the delivery key
// reached, dropping memories older than progressTTL.
func (n *SMSNotifier) reached(key string) map[string]bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[string]bool{}
	now := time.Now()
	for k, p := range n.progress {
		if now.Sub(p.at) > progressTTL {
			delete(n.progress, k)
		}
	}
	for num := range n.progress[key].sent {
		out[num] = true
	}
	return out
}

func (n *SMSNotifier) remember(key string, done map[string]bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.progress == nil {
		n.progress = map[string]smsProgress{}
	}
	sent := make(map[string]bool, len(done))
	for k := range done {
		sent[k] = true
	}
	n.progress[key] = smsProgress{sent: sent, at: time.Now()}
}

func (n *SMSNotifier) forget(key string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.progress, key)
}

func (n *SMSNotifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

func (n *SMSNotifier) log() *slog.Logger {
	if n.Logger != nil {
		return n.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// smsRef is the ref for the numbers reached; "" for none.
func smsRef(sent []string) string {
	if len(sent) == 0 {
		return ""
	}
	return smsRefPrefix + strings.Join(sent, ",")
}

// parseSMSRef returns the numbers in a ref made by smsRef.
func parseSMSRef(ref string) []string {
	list, ok := strings.CutPrefix(ref, smsRefPrefix)
	if !ok || list == "" {
		return nil
	}
	return strings.Split(list, ",")
}

// smsBody is the duty text for h delivered as kind, in at most
// maxSMSSegments segments: without the first name and age if need be,
// then with fewer risk flags.
func smsBody(h *bot.Handoff, kind string, now time.Time) string {
	prefix := "Signpost: "
	if h.Kind == bot.KindAlert || h.Urgency == bot.UrgencyUrgent {
		prefix = "Signpost URGENT: "
	}
	var what string
	switch h.Kind {
	case bot.KindAlert:
		what = "safeguarding alert " + h.ID
	case bot.KindMessage:
		ref := h.Referral
		if ref == "" {
			ref = h.ID
		}
		what = "new message about referral " + ref
	default:
		what = "referral " + h.ID
		if kind != KindEscalation && h.Urgency != bot.UrgencyUrgent {
			what = "new " + what
		}
	}
	if kind == KindEscalation {
		what += " still unclaimed after " + since(now.Sub(firstNotified(h)))
	}
	who := smsName(answerValue(h, answerName))
	if age := answerValue(h, answerAge); age != "" && who != "" {
		who += ", age " + age
	}
	if who != "" {
		who = " First name: " + who + "."
	}
	look := " Please check the link workers' Telegram group / case system"
	if prefix == "Signpost URGENT: " {
		look += " now"
	}
	look += "."

	risks := h.Risks
	if len(risks) > 3 {
		risks = risks[len(risks)-3:] // the latest
	}
	for {
		body := prefix + what + smsRisks(risks) + "." + who + look
		if n, _ := segment.Count(body); n <= maxSMSSegments {
			return body
		}
		switch {
		case who != "":
			who = ""
		case len(risks) > 1:
			risks = risks[1:]
		default:
			return body // not reached: the rest is short and GSM-7
		}
	}
}

// smsRisks is " (self_harm, 14:02; abuse, 14:05)", "" for no risks.
func smsRisks(rs []bot.Risk) string {
	if len(rs) == 0 {
		return ""
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = segment.GSMSafe(r.Category) + ", " + r.At.In(ukTime).Format("15:04")
	}
	return " (" + strings.Join(out, "; ") + ")"
}

// smsName is the first word of the name they gave in GSM-7 letters only
// (one emoji or "ë" would make the text UCS-2, and three segments long):
// accented letters GSM-7 lacks lose their accent, anything else is left
// out. At most 20 letters; "" when nothing is left.
func smsName(name string) string {
	var b strings.Builder
	n := 0
	for _, r := range segment.GSMSafe(firstName(name)) {
		if n == 20 {
			break
		}
		s := string(r)
		if !segment.IsGSM7(s) {
			s = unaccent.Replace(s)
		}
		if segment.IsGSM7(s) {
			b.WriteString(s)
			n++
		}
	}
	return b.String()
}

// unaccent folds the accented Latin letters that GSM-7 lacks to their
// plain letter (GSM-7 has é, è, à, ä, ö, ü, ñ and a few more, kept as
// they are).
var unaccent = strings.NewReplacer(
	"á", "a", "â", "a", "ã", "a", "ā", "a", "ą", "a", "ă", "a",
	"ć", "c", "č", "c", "ç", "c", "ď", "d", "đ", "d",
	"ê", "e", "ë", "e", "ē", "e", "ę", "e", "ě", "e",
	"í", "i", "î", "i", "ï", "i", "ī", "i", "ł", "l",
	"ń", "n", "ň", "n", "ó", "o", "ô", "o", "õ", "o", "ō", "o", "ő", "o",
	"ř", "r", "ś", "s", "š", "s", "ş", "s", "ș", "s", "ť", "t", "ț", "t",
	"ú", "u", "û", "u", "ū", "u", "ů", "u", "ű", "u", "ý", "y", "ÿ", "y",
	"ź", "z", "ž", "z", "ż", "z",
	"Á", "A", "Â", "A", "Ã", "A", "Ā", "A", "Ą", "A", "Ă", "A",
	"Ć", "C", "Č", "C", "Ď", "D", "Đ", "D",
	"Ê", "E", "Ë", "E", "Ē", "E", "Ę", "E", "Ě", "E",
	"Í", "I", "Î", "I", "Ï", "I", "Ī", "I", "Ł", "L",
	"Ń", "N", "Ň", "N", "Ó", "O", "Ô", "O", "Õ", "O", "Ō", "O", "Ő", "O",
	"Ř", "R", "Ś", "S", "Š", "S", "Ş", "S", "Ș", "S", "Ť", "T", "Ț", "T",
	"Ú", "U", "Û", "U", "Ū", "U", "Ů", "U", "Ű", "U", "Ý", "Y",
	"Ź", "Z", "Ž", "Z", "Ż", "Z",
)
