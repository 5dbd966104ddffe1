package handoff

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/telegram"
	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

const (
	tgToken = "4242:handoff-test"
	groupID = int64(-1001234567890)
)

// memRecords is a Records holding a few referrals in memory.
type memRecords struct {
	byID map[string]*bot.Handoff
	err  error
}

func (r *memRecords) Referral(_ context.Context, id string) (*bot.Handoff, error) {
	if r.err != nil {
		return nil, r.err
	}
	return r.byID[id], nil
}
func (r *memRecords) Claim(context.Context, string, string, time.Time) (*bot.Handoff, bool, error) {
	return nil, false, errors.New("not used")
}
func (r *memRecords) Update(context.Context, string, func(*bot.Handoff) error) (*bot.Handoff, error) {
	return nil, errors.New("not used")
}
func (r *memRecords) Link(context.Context, string, string) error     { return nil }
func (r *memRecords) Linked(context.Context, string) (string, error) { return "", nil }

func telegramForTest(t *testing.T) (*TelegramNotifier, *tgfake.Fake) {
	t.Helper()
	f := tgfake.New(t, tgToken)
	api, err := telegram.NewClient(tgToken, f.URL(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return &TelegramNotifier{API: api, ChatID: groupID}, f
}

func TestTelegramPostsReferralWithClaimButton(t *testing.T) {
	n, f := telegramForTest(t)
	if n.Name() != "telegram" || !n.Wants(sampleReferral(), bot.KindReferral) || !n.Wants(sampleMessage(), bot.KindMessage) {
		t.Fatal("name or wants")
	}
	ctx := context.Background()
	for _, h := range []*bot.Handoff{sampleReferral(), sampleAlert()} {
		ref, err := n.Send(ctx, h, h.Kind)
		if err != nil {
			t.Fatalf("Send %s: %v", h.Kind, err)
		}
		sent := f.Sent()
		s := sent[len(sent)-1]
		if ref != strconv.Itoa(s.MessageID) || s.ChatID != groupID {
			t.Errorf("ref %q for %+v", ref, s)
		}
		if s.Text != Summary(h, ContactsMasked) {
			t.Errorf("text = %q, want the masked summary", s.Text)
		}
		if len(s.Keyboard) != 1 || len(s.Keyboard[0]) != 1 || s.Keyboard[0][0] != (tgfake.Button{Text: "🙋 Claim", Data: "claim|" + h.ID}) {
			t.Errorf("keyboard = %+v", s.Keyboard)
		}
		if len(s.Keyboard[0][0].Data) > 64 {
			t.Errorf("callback data %d bytes, over Telegram's 64", len(s.Keyboard[0][0].Data))
		}
	}
	// The group never sees contact details in full, unless configured.
	if s := f.Sent()[0].Text; strings.Contains(s, testPhone) || !strings.Contains(s, "+44 7700 9•• •23") {
		t.Errorf("group text not masked:\n%s", s)
	}
	n.Contacts = ContactsFull
	if _, err := n.Send(ctx, sampleReferral(), bot.KindReferral); err != nil {
		t.Fatal(err)
	}
	if s := f.Sent()[2].Text; !strings.Contains(s, testPhone) {
		t.Errorf("ContactsFull text:\n%s", s)
	}
}

func TestTelegramEscalation(t *testing.T) {
	n, f := telegramForTest(t)
	h := sampleReferral()
	h.NotifiedAt = sampleCreated.Add(time.Minute)
	n.Now = func() time.Time { return h.NotifiedAt.Add(2*time.Hour + 10*time.Minute) }
	ref, err := n.Send(context.Background(), h, KindEscalation)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Sent()[0]
	if !strings.HasPrefix(s.Text, "⏰ Still unclaimed after 2 h 10 min\n\nReferral\n") || ref != strconv.Itoa(s.MessageID) || len(s.Keyboard) != 1 {
		t.Errorf("escalation = %+v", s)
	}
}

func TestTelegramMessageRepliesToReferral(t *testing.T) {
	n, f := telegramForTest(t)
	ctx := context.Background()
	r := sampleReferral()
	ref, err := n.Send(ctx, r, bot.KindReferral)
	if err != nil {
		t.Fatal(err)
	}
	r.Delivered = map[string]string{"telegram": ref}
	r.Status, r.Assignee = bot.StatusClaimed, "Alex Morgan"
	n.Records = &memRecords{byID: map[string]*bot.Handoff{r.ID: r}}

	mref, err := n.Send(ctx, sampleMessage(), bot.KindMessage)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Sent()[1]
	if strconv.Itoa(s.ReplyTo) != ref || strconv.Itoa(s.MessageID) != mref || s.Keyboard != nil {
		t.Errorf("reply = %+v, want a reply to %s", s, ref)
	}
	want := "💬 Sam (ref r-0123456789abcdef-k3jx9q2m4w7p) wrote: can you call after 5 instead? my number is +44 7700 9•• •23\n\n👤 For Alex (claimed)"
	if s.Text != want {
		t.Errorf("text = %q\nwant   %q", s.Text, want)
	}

	// Not claimed: no tag. Referral unknown (expired): posted on its own.
	r.Assignee = ""
	if _, err := n.Send(ctx, sampleMessage(), bot.KindMessage); err != nil {
		t.Fatal(err)
	}
	if s := f.Sent()[2]; strings.Contains(s.Text, "👤") || s.ReplyTo == 0 {
		t.Errorf("unclaimed = %+v", s)
	}
	n.Records = &memRecords{}
	if _, err := n.Send(ctx, sampleMessage(), bot.KindMessage); err != nil {
		t.Fatal(err)
	}
	if s := f.Sent()[3]; s.ReplyTo != 0 || !strings.Contains(s.Text, "(ref r-0123456789abcdef-k3jx9q2m4w7p) wrote:") {
		t.Errorf("no referral = %+v", s)
	}

	// The store failing is worth a retry.
	n.Records = &memRecords{err: errors.New("redis down")}
	var temp *outbox.TemporaryError
	if _, err := n.Send(ctx, sampleMessage(), bot.KindMessage); !errors.As(err, &temp) {
		t.Errorf("store error: %v", err)
	}

	// A dispatcher holding the referral calls SendMessageAbout itself.
	r.Assignee = "Jo"
	if _, err := n.SendMessageAbout(ctx, sampleMessage(), r); err != nil {
		t.Fatal(err)
	}
	if s := f.Sent()[4]; strconv.Itoa(s.ReplyTo) != ref || !strings.HasSuffix(s.Text, "👤 For Jo (claimed)") {
		t.Errorf("SendMessageAbout = %+v", s)
	}
}

func TestTelegramClaimed(t *testing.T) {
	n, f := telegramForTest(t)
	ctx := context.Background()
	h := sampleUrgentReferral()
	ref, err := n.Send(ctx, h, bot.KindReferral)
	if err != nil {
		t.Fatal(err)
	}
	h.Status, h.Assignee, h.ClaimedAt = bot.StatusClaimed, "Alex Morgan", sampleCreated.Add(time.Hour)
	if err := n.Claimed(ctx, ref, h); err != nil {
		t.Fatalf("Claimed: %v", err)
	}
	id, _ := strconv.Atoi(ref)
	text, kb, ok := f.Message(id)
	if !ok || kb != nil {
		t.Fatalf("message now %q, keyboard %v", text, kb)
	}
	if want := Summary(h, ContactsMasked) + "\n\n✅ Claimed by Alex at 15:05 BST"; text != want {
		t.Errorf("text = %q\nwant   %q", text, want)
	}
	// A retry after the edit went through is fine.
	if err := n.Claimed(ctx, ref, h); err != nil {
		t.Errorf("Claimed again: %v", err)
	}
	if len(f.TextEdits()) != 1 {
		t.Errorf("edits = %d", len(f.TextEdits()))
	}
	if err := n.Claimed(ctx, "not-a-number", h); err == nil {
		t.Error("Claimed with a bad ref: no error")
	}
}

func TestTelegramErrors(t *testing.T) {
	n, f := telegramForTest(t)
	ctx := context.Background()
	var temp *outbox.TemporaryError

	f.Fail429("sendMessage", 1, 12)
	_, err := n.Send(ctx, sampleAlert(), bot.KindAlert)
	if !errors.As(err, &temp) || temp.After != 12*time.Second {
		t.Errorf("429: %v", err)
	}
	f.Fail500("sendMessage", 1)
	if _, err := n.Send(ctx, sampleAlert(), bot.KindAlert); !errors.As(err, &temp) {
		t.Errorf("500: %v", err)
	}
	// A group the bot was removed from: permanent.
	f.Fail("sendMessage", 1, 403, "Forbidden: bot was kicked from the supergroup chat", 0)
	_, err = n.Send(ctx, sampleAlert(), bot.KindAlert)
	var tgErr *telegram.Error
	if err == nil || errors.As(err, &temp) || !errors.As(err, &tgErr) || tgErr.Code != 403 {
		t.Errorf("403: %v", err)
	}
	f.Fail500("editMessageText", 1)
	if err := n.Claimed(ctx, "1", sampleReferral()); !errors.As(err, &temp) {
		t.Errorf("edit 500: %v", err)
	}
}

func TestTelegramLongTextFits(t *testing.T) {
	n, f := telegramForTest(t)
	h := sampleReferral()
	long := strings.Repeat("so much to say 😀 ", 400)
	for i := range h.Answers {
		if h.Answers[i].Name == "story" {
			h.Answers[i].Value = long
		}
	}
	ref, err := n.Send(context.Background(), h, bot.KindReferral)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	s := f.Sent()[0].Text
	if l := len(utf16.Encode([]rune(s))); l > 4096 || l < 4000 || !strings.HasSuffix(s, "(shortened: see the full record in the case system)") {
		t.Errorf("text of %d units ends %q", l, s[len(s)-80:])
	}
	h.Assignee, h.ClaimedAt = "Alex", sampleCreated.Add(time.Hour)
	if err := n.Claimed(context.Background(), ref, h); err != nil {
		t.Fatalf("Claimed: %v", err)
	}
	e := f.TextEdits()[0].Text
	if l := len(utf16.Encode([]rune(e))); l > 4096 || !strings.HasSuffix(e, "(shortened: see the full record in the case system)\n\n✅ Claimed by Alex at 15:05 BST") {
		t.Errorf("claimed text of %d units ends %q", l, e[len(e)-120:])
	}
}

func TestSince(t *testing.T) {
	for d, want := range map[time.Duration]string{
		20 * time.Second:                "under a minute",
		45 * time.Minute:                "45 min",
		2 * time.Hour:                   "2 h",
		2*time.Hour + 10*time.Minute:    "2 h 10 min",
		26 * time.Hour:                  "1 day 2 h",
		3*24*time.Hour + 4*time.Hour:    "3 days 4 h",
		59*time.Minute + 40*time.Second: "1 h",
	} {
		if got := since(d); got != want {
			t.Errorf("since(%v) = %q, want %q", d, got, want)
		}
	}
}
