package telegram

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

func TestClientSendReply(t *testing.T) {
	c, f := clientForTest(t, time.Second)
	ctx := context.Background()
	first, err := c.SendMessage(ctx, -100, "the referral", nil)
	if err != nil {
		t.Fatal(err)
	}
	kb := &Keyboard{Rows: [][]Button{{{Text: "Open", Data: "open|1"}}}}
	id, err := c.SendReply(ctx, -100, first, "a reply", kb)
	if err != nil {
		t.Fatalf("SendReply: %v", err)
	}
	sent := f.Sent()
	if len(sent) != 2 {
		t.Fatalf("sent %d, want 2", len(sent))
	}
	s := sent[1]
	if s.MessageID != id || s.ReplyTo != first || s.Text != "a reply" || s.ChatID != -100 ||
		!sameKeyboard(s.Keyboard, [][]tgfake.Button{{{Text: "Open", Data: "open|1"}}}) {
		t.Errorf("sent = %+v (id %d)", s, id)
	}
	// On the wire: reply_parameters with allow_sending_without_reply, not
	// the deprecated reply_to_message_id.
	call := f.Calls("sendMessage")[1]
	var rp struct {
		MessageID                int  `json:"message_id"`
		AllowSendingWithoutReply bool `json:"allow_sending_without_reply"`
	}
	if err := json.Unmarshal([]byte(call.Params.Get("reply_parameters")), &rp); err != nil || rp.MessageID != first || !rp.AllowSendingWithoutReply {
		t.Errorf("reply_parameters = %q (%v)", call.Params.Get("reply_parameters"), err)
	}
	if call.Params.Has("reply_to_message_id") {
		t.Errorf("reply_to_message_id sent: %v", call.Params)
	}

	// replyTo 0: a plain message.
	if _, err := c.SendReply(ctx, -100, 0, "plain", nil); err != nil {
		t.Fatal(err)
	}
	if s := f.Sent()[2]; s.ReplyTo != 0 || s.Keyboard != nil || f.Calls("sendMessage")[2].Params.Has("reply_parameters") {
		t.Errorf("plain = %+v", s)
	}
}

func TestClientSendReplyClassifies(t *testing.T) {
	c, f := clientForTest(t, time.Second)
	f.Fail429("sendMessage", 1, 9)
	_, err := c.SendReply(context.Background(), 5, 1, "x", nil)
	if e := asError(t, err); !e.Temporary || e.RetryAfter != 9*time.Second || e.Code != 429 {
		t.Errorf("429: %+v", e)
	}
}

func TestClientEditText(t *testing.T) {
	c, f := clientForTest(t, time.Second)
	ctx := context.Background()
	kb := &Keyboard{Rows: [][]Button{{{Text: "Claim", Data: "claim|r-1"}}}}
	id, err := c.SendMessage(ctx, 7, "before", kb)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EditText(ctx, 7, id, "after", nil); err != nil {
		t.Fatalf("EditText: %v", err)
	}
	text, got, ok := f.Message(id)
	if !ok || text != "after" || got != nil {
		t.Errorf("message now %q %v %v, want the new text and no keyboard", text, got, ok)
	}
	edits := f.TextEdits()
	if len(edits) != 1 || edits[0].MessageID != id || edits[0].ChatID != 7 || edits[0].Text != "after" || edits[0].Keyboard != nil {
		t.Errorf("edits = %+v", edits)
	}

	// With a keyboard.
	if err := c.EditText(ctx, 7, id, "again", kb); err != nil {
		t.Fatal(err)
	}
	if _, got, _ := f.Message(id); !sameKeyboard(got, [][]tgfake.Button{{{Text: "Claim", Data: "claim|r-1"}}}) {
		t.Errorf("keyboard = %v", got)
	}

	// The same text and keyboard again: Telegram's "not modified", a
	// permanent 400.
	err = c.EditText(ctx, 7, id, "again", kb)
	if e := asError(t, err); e.Code != 400 || e.Temporary {
		t.Errorf("not modified: %+v", e)
	}
}
