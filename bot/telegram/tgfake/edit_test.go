package tgfake

import (
	"net/url"
	"strings"
	"testing"
)

func TestSendMessageReplyTo(t *testing.T) {
	f := New(t, token)
	post(t, f, token, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"first"}})
	post(t, f, token, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"new"}, "reply_parameters": {`{"message_id":1,"allow_sending_without_reply":true}`}})
	post(t, f, token, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"old"}, "reply_to_message_id": {"2"}})
	sent := f.Sent()
	if len(sent) != 3 || sent[0].ReplyTo != 0 || sent[1].ReplyTo != 1 || sent[2].ReplyTo != 2 {
		t.Errorf("sent = %+v", sent)
	}
	for name, rp := range map[string]string{"not json": "{", "no message id": `{"chat_id":5}`} {
		if status, a := post(t, f, token, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"x"}, "reply_parameters": {rp}}); status != 400 || a.OK {
			t.Errorf("%s: got %d %+v", name, status, a)
		}
	}
}

func TestEditMessageText(t *testing.T) {
	f := New(t, token)
	kb := `{"inline_keyboard":[[{"text":"Claim","callback_data":"claim|r-1"}]]}`
	post(t, f, token, "sendMessage", url.Values{"chat_id": {"5"}, "text": {"summary"}, "reply_markup": {kb}})

	// Without reply_markup the keyboard goes.
	if status, a := post(t, f, token, "editMessageText", url.Values{"chat_id": {"5"}, "message_id": {"1"}, "text": {"claimed"}}); status != 200 || !a.OK {
		t.Fatalf("edit: %d %+v", status, a)
	}
	text, got, ok := f.Message(1)
	if !ok || text != "claimed" || got != nil {
		t.Errorf("message = %q %v %v", text, got, ok)
	}
	// The same again is "not modified".
	if status, a := post(t, f, token, "editMessageText", url.Values{"chat_id": {"5"}, "message_id": {"1"}, "text": {"claimed"}}); status != 400 || !strings.Contains(a.Description, "message is not modified") {
		t.Errorf("repeat: %d %+v", status, a)
	}
	// The keyboard back, with the same text: a change.
	if status, _ := post(t, f, token, "editMessageText", url.Values{"chat_id": {"5"}, "message_id": {"1"}, "text": {"claimed"}, "reply_markup": {kb}}); status != 200 {
		t.Errorf("keyboard back: %d", status)
	}
	for name, form := range map[string]url.Values{
		"no chat":  {"message_id": {"1"}, "text": {"x"}},
		"no id":    {"chat_id": {"5"}, "text": {"x"}},
		"empty":    {"chat_id": {"5"}, "message_id": {"1"}},
		"too long": {"chat_id": {"5"}, "message_id": {"1"}, "text": {strings.Repeat("x", 4097)}},
	} {
		if status, a := post(t, f, token, "editMessageText", form); status != 400 || a.OK {
			t.Errorf("%s: got %d %+v", name, status, a)
		}
	}
	edits := f.TextEdits()
	if len(edits) != 2 || edits[0].Text != "claimed" || edits[0].Keyboard != nil || len(edits[1].Keyboard) != 1 {
		t.Errorf("edits = %+v", edits)
	}
	// Fault injection works for the new method too.
	f.Fail500("editMessageText", 1)
	if status, _ := post(t, f, token, "editMessageText", url.Values{"chat_id": {"5"}, "message_id": {"1"}, "text": {"y"}}); status != 500 {
		t.Errorf("fault: %d", status)
	}
	if _, _, ok := f.Message(99); ok {
		t.Error("Message(99): ok for a message never sent")
	}
}
