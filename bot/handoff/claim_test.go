package handoff_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

// Telegram updates from the link workers' group
// (https://core.telegram.org/bots/api#update).

func groupChatJSON() map[string]any {
	return map[string]any{"id": groupChat, "type": "supergroup", "title": "Link workers"}
}

func botPost(id int) map[string]any {
	return map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": groupChatJSON(), "text": "…",
		"from": map[string]any{"id": tgfake.BotID, "is_bot": true, "first_name": "Signpost", "username": tgfake.BotUsername}}
}

func worker(first, last string) map[string]any {
	return map[string]any{"id": 90001, "is_bot": false, "first_name": first, "last_name": last, "language_code": "en"}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// pressClaim is a press of the Claim button of the group post postID.
func pressClaim(updateID int64, postID int, referral, first, last string) []byte {
	return mustJSON(map[string]any{"update_id": updateID, "callback_query": map[string]any{
		"id": fmt.Sprintf("cb%d", updateID), "from": worker(first, last),
		"chat_instance": "-55", "data": handoff.ClaimData + referral, "message": botPost(postID)}})
}

// groupReply is a worker's message in the group replying to post replyTo.
func groupReply(updateID int64, msgID, replyTo int, first, text string) []byte {
	m := map[string]any{"message_id": msgID, "date": time.Now().Unix(), "chat": groupChatJSON(),
		"from": worker(first, "Shah"), "reply_to_message": botPost(replyTo)}
	if text != "" {
		m["text"] = text
	} else {
		m["photo"] = []map[string]any{{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}}
	}
	return mustJSON(map[string]any{"update_id": updateID, "message": m})
}

// apiCall makes an API request with the right token and returns the
// status and the decoded JSON body.
func (r *rig) apiCall(t *testing.T, method, path, body, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, r.api.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// smsTo returns the texts the young person at addr was sent containing want.
func (r *rig) smsTo(addr, want string) []string {
	var out []string
	for _, m := range r.tw.Sent() {
		if m.To == addr && strings.Contains(m.Body, want) {
			out = append(out, m.Body)
		}
	}
	return out
}

// delivered refers a young person on SMS and waits until the group post
// is up; it returns the referral and the post's message id.
func (r *rig) delivered(t *testing.T, addr string) (bot.Handoff, int) {
	t.Helper()
	h, _ := r.refer(t, bot.ChannelSMS, addr)
	return r.linkedPost(t, h)
}

// linkedPost waits until h's group post is up, marked and linked, and
// returns h and the post's message id.
func (r *rig) linkedPost(t *testing.T, h bot.Handoff) (bot.Handoff, int) {
	t.Helper()
	var post int
	eventually(t, "the group post, linked", func() bool {
		rec := r.record(t, h.ID)
		post, _ = strconv.Atoi(rec.Delivered["telegram"])
		id, _ := r.st.Linked(t.Context(), handoff.PostRef(groupChat, rec.Delivered["telegram"]))
		return post != 0 && id == h.ID
	})
	return h, post
}

const claimedText = "from the link team has your referral"

func TestTwoClaimsAtOnceOneWinner(t *testing.T) {
	eachStore(t, func(t *testing.T, open func() backend) {
		r := newRig(t, open())
		run(t, r.dispatcher("p1", nil))
		addr := "+447700900201"
		h, post := r.delivered(t, addr)
		edits0 := len(r.tg.TextEdits())

		var wg sync.WaitGroup
		var status int
		var body map[string]any
		var handled bool
		var gerr error
		wg.Go(func() {
			handled, gerr = r.claims.HandleGroupUpdate(t.Context(), pressClaim(100, post, h.ID, "Priya", "Shah"))
		})
		wg.Go(func() {
			status, body = r.apiCall(t, http.MethodPost, "/api/referrals/"+h.ID+"/claim", `{"worker":"Alex Brown"}`, apiToken)
		})
		wg.Wait()
		if !handled || gerr != nil {
			t.Fatalf("claim press: handled %v, %v", handled, gerr)
		}
		rec := r.record(t, h.ID)
		answers := r.tg.Answers()
		if len(answers) != 1 {
			t.Fatalf("callback answers %+v", answers)
		}
		switch rec.Assignee {
		case "Priya Shah":
			if status != http.StatusConflict || body["assignee"] != "Priya" || !strings.Contains(answers[0].Text, "It's yours") {
				t.Errorf("button won, yet API got %d %v, toast %q", status, body, answers[0].Text)
			}
		case "Alex Brown":
			if status != http.StatusOK || body["assignee"] != "Alex Brown" || answers[0].Text != "Already claimed by Alex" {
				t.Errorf("API won, yet it got %d %v, toast %q", status, body, answers[0].Text)
			}
		default:
			t.Fatalf("assignee %q", rec.Assignee)
		}
		if rec.Status != bot.StatusClaimed || rec.ClaimedAt.IsZero() {
			t.Errorf("record %+v", rec)
		}
		edits := r.tg.TextEdits()[edits0:]
		if len(edits) != 1 || edits[0].MessageID != post || edits[0].Keyboard != nil ||
			!strings.Contains(edits[0].Text, "Claimed by "+strings.Fields(rec.Assignee)[0]) {
			t.Fatalf("edits %+v", edits)
		}
		eventually(t, "the young person told", func() bool { return len(r.smsTo(addr, claimedText)) > 0 })
		time.Sleep(300 * time.Millisecond) // a second notice would arrive now
		told := r.smsTo(addr, claimedText)
		if len(told) != 1 || !strings.HasPrefix(told[0], "Good news: "+strings.Fields(rec.Assignee)[0]+" ") ||
			strings.Contains(told[0], "Shah") || strings.Contains(told[0], "Brown") {
			t.Fatalf("young person told %q", told)
		}
		// The same worker again (a retry): fine, and nobody is told twice.
		if _, err := r.claims.Claim(t.Context(), h.ID, rec.Assignee, "api"); err != nil {
			t.Errorf("repeat claim by the winner: %v", err)
		}
		var already *handoff.AlreadyClaimedError
		if _, err := r.claims.Claim(t.Context(), h.ID, "Sam Other", "api"); !errors.As(err, &already) {
			t.Errorf("late claim: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		if told := r.smsTo(addr, claimedText); len(told) != 1 {
			t.Errorf("young person told %d times", len(told))
		}
	})
}

func TestClaimUnknownAndOutcome(t *testing.T) {
	eachStore(t, func(t *testing.T, open func() backend) {
		r := newRig(t, open())
		run(t, r.dispatcher("p1", nil))
		h, post := r.delivered(t, "+447700900202")
		handled, err := r.claims.HandleGroupUpdate(t.Context(), pressClaim(7, post, "r-0123456789abcdef-gone", "Priya", ""))
		if !handled || err != nil {
			t.Fatal(handled, err)
		}
		if a := r.tg.Answers(); len(a) != 1 || !strings.Contains(a[0].Text, "deleted or has expired") {
			t.Errorf("answers %+v", a)
		}
		if _, err := r.claims.Outcome(t.Context(), h.ID, "cured", "api"); !errors.Is(err, handoff.ErrUnknownOutcome) {
			t.Errorf("unknown outcome: %v", err)
		}
		rec, err := r.claims.Outcome(t.Context(), h.ID, "money_advice", "api")
		if err != nil || rec.Outcome != "money_advice" || rec.Status != bot.StatusClosed || rec.OutcomeAt.IsZero() {
			t.Fatalf("outcome %+v %v", rec, err)
		}
		if _, err := r.claims.Outcome(t.Context(), "r-0123456789abcdef-gone", "declined", "api"); !errors.Is(err, handoff.ErrNotFound) {
			t.Errorf("outcome of an unknown id: %v", err)
		}
		// Updates from anywhere but the group are not the group's.
		if handled, _ := r.claims.HandleGroupUpdate(t.Context(), []byte(tgfake.TextUpdate(555, 1, "hi"))); handled {
			t.Error("a private chat update was taken as the group's")
		}
	})
}
