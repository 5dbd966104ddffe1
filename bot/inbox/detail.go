package inbox

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/server"
)

type detailPage struct {
	base
	ID        string
	Link      string
	Heading   string
	Urgency   urgency
	Status    string
	Assignee  string
	Mine      bool // claimed by the signed-in worker
	Claimable bool
	Closed    bool
	Summary   string
	Answers   []bot.HandoffAnswer
	Messages  []message
	Related   []related
	Outcomes  []option
	Nonce     string
	MaxReply  int
}

// message is a young person's later message.
type message struct {
	At   string
	Text string
}

// related is another referral or alert of the same young person.
type related struct {
	Link, Label, At string
}

// detail shows one referral or alert: its summary with contact details in
// full, the answers, the young person's later messages, and the actions.
func (in *Inbox) detail(w http.ResponseWriter, r *http.Request, s *session) error {
	h, err := in.referral(r)
	if err != nil {
		return err
	}
	recs, err := in.o.Referrals.PersonRecords(r.Context(), h.ID)
	if err != nil {
		return unavailable(fmt.Errorf("loading the records of %s: %w", h.ID, err))
	}
	p := detailPage{base: in.base(w, r, s, kindLabel(h.Kind)+" "+h.ID), ID: h.ID, Link: detailURL(h.ID),
		Heading: kindLabel(h.Kind), Urgency: urgencyOf(h), Status: statusLabel(h), Assignee: h.Assignee,
		Mine: h.Assignee != "" && strings.EqualFold(normName(h.Assignee), normName(s.name)), Claimable: h.Assignee == "",
		Closed: h.Status == bot.StatusClosed, Summary: in.summary(h),
		Outcomes: outcomeOptions(h.Outcome), Nonce: nonce(), MaxReply: maxReply}
	for _, a := range h.Answers {
		if a.Value != "" || a.Raw != "" {
			p.Answers = append(p.Answers, a)
		}
	}
	slices.SortStableFunc(recs, func(a, b *bot.Handoff) int { return cmp.Compare(a.Created.UnixNano(), b.Created.UnixNano()) })
	for _, rec := range recs {
		switch {
		case rec == nil || rec.ID == h.ID:
		case rec.Kind == bot.KindMessage && rec.Referral == h.ID:
			p.Messages = append(p.Messages, message{At: when(rec.Created), Text: rec.Message})
		case rec.Kind != bot.KindMessage:
			p.Related = append(p.Related, related{Link: detailURL(rec.ID), Label: kindLabel(rec.Kind) + " · " + statusLabel(rec), At: when(rec.Created)})
		}
	}
	in.log.Info("inbox referral viewed", "worker", s.name, "id", h.ID)
	return in.render(w, http.StatusOK, "detail", p)
}

// summary is h's summary for a link worker: contact details in full, and
// the source by the name the team knows it by.
func (in *Inbox) summary(h *bot.Handoff) string {
	c := *h
	c.Source = in.sourceName(h.Source)
	return handoff.Summary(&c, handoff.ContactsFull)
}

// claim gives the referral to the signed-in worker; the young person is
// told who has it.
func (in *Inbox) claim(w http.ResponseWriter, r *http.Request, s *session) error {
	id := r.PathValue("id")
	h, err := in.o.Claims.Claim(r.Context(), id, s.name, "inbox")
	var already *handoff.AlreadyClaimedError
	switch {
	case errors.As(err, &already):
		in.log.Info("inbox claim lost", "worker", s.name, "id", id)
		return in.back(w, r, id, flash{Error: true, Text: "Already claimed by " + already.By + "."})
	case errors.Is(err, handoff.ErrNotFound):
		return notFound()
	case err != nil:
		// A claim may be recorded before telling the young person
		// fails; Claim is safe to repeat.
		return unavailable(err)
	}
	in.log.Info("inbox claim", "worker", s.name, "id", id)
	if h.Kind != bot.KindReferral {
		return in.back(w, r, id, flash{Text: "Claimed: it's yours."})
	}
	return in.back(w, r, id, flash{Text: "Claimed: it's yours. The young person has been told who has their referral."})
}

// reply relays a reply to the young person on their own channel.
func (in *Inbox) reply(w http.ResponseWriter, r *http.Request, s *session) error {
	h, err := in.referral(r)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n"), "\uFFFD"))
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return in.back(w, r, h.ID, flash{Error: true, Text: "Not sent: write a reply first."})
	case n > maxReply:
		return in.back(w, r, h.ID, flash{Error: true, Text: fmt.Sprintf("Not sent: a reply can be up to %d characters; this one has %d.", maxReply, n)})
	}
	// The form's nonce makes a repeat of the same submission (a double
	// click, a resent form) reach the young person once.
	key := "inbox:" + h.ID + ":" + validNonce(r.PostFormValue("nonce"))
	if err := in.o.Claims.Relay(r.Context(), h, s.name, text, key); err != nil {
		return unavailable(err)
	}
	in.log.Info("inbox reply", "worker", s.name, "id", h.ID, "channel", h.Channel)
	return in.back(w, r, h.ID, flash{Text: "Reply sent: it goes to the young person by " + channelWords(h.Channel) +
		", signed with your first name (unless they have texted STOP or deleted their data)."})
}

// outcome records what came of the referral and closes it.
func (in *Inbox) outcome(w http.ResponseWriter, r *http.Request, s *session) error {
	id, outcome := r.PathValue("id"), r.PostFormValue("outcome")
	_, err := in.o.Claims.Outcome(r.Context(), id, outcome, "inbox")
	switch {
	case errors.Is(err, handoff.ErrUnknownOutcome):
		return in.back(w, r, id, flash{Error: true, Text: "Choose an outcome from the list."})
	case errors.Is(err, handoff.ErrNotFound):
		return notFound()
	case err != nil:
		return unavailable(err)
	}
	in.log.Info("inbox outcome", "worker", s.name, "id", id, "outcome", outcome)
	return in.back(w, r, id, flash{Text: "Outcome recorded: " + outcomeLabel(outcome) + ". The referral is closed."})
}

// referral loads the referral or alert of the request's {id}.
func (in *Inbox) referral(r *http.Request) (*bot.Handoff, error) {
	h, err := in.o.Claims.Referral(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, handoff.ErrNotFound):
		return nil, notFound()
	case err != nil:
		return nil, unavailable(err)
	}
	return h, nil
}

// back redirects to the referral's page with a flash message.
func (in *Inbox) back(w http.ResponseWriter, r *http.Request, id string, f flash) error {
	in.setFlash(w, f)
	http.Redirect(w, r, detailURL(id), http.StatusSeeOther)
	return nil
}

func detailURL(id string) string { return "/inbox/r/" + url.PathEscape(id) }

func notFound() error {
	return server.Errorf(http.StatusNotFound, "no such referral: it may have been deleted or expired")
}

func unavailable(err error) error {
	return &server.Error{Status: http.StatusServiceUnavailable, Msg: "temporarily unavailable; try again", Err: err}
}

// nonce is a reply form's one-time id.
func nonce() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// validNonce returns n if it looks like a nonce, else a fresh one (so a
// form without one still sends, just without the repeat guard).
func validNonce(n string) string {
	if len(n) != 24 {
		return nonce()
	}
	if _, err := hex.DecodeString(n); err != nil {
		return nonce()
	}
	return n
}

// channelWords is a channel as a link worker says it.
func channelWords(c string) string {
	switch c {
	case bot.ChannelSMS:
		return "text message"
	case bot.ChannelTelegram:
		return "Telegram"
	case bot.ChannelWeb:
		return "the web chat"
	}
	return c
}
