package telegram

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/signpost-app/signpost/bot"
)

// fromSam is the Inbound every private-chat fixture comes from: Sam's chat.
func fromSam(id string, f func(*bot.Inbound)) bot.Inbound {
	m := bot.Inbound{Channel: bot.ChannelTelegram, Address: "5512345678", ID: id, Language: "en"}
	if f != nil {
		f(&m)
	}
	return m
}

func withText(t string) func(*bot.Inbound) { return func(m *bot.Inbound) { m.Text = t } }

func withMedia(caption string) func(*bot.Inbound) {
	return func(m *bot.Inbound) { m.NonText, m.Text = true, caption }
}

func withStart(source string) func(*bot.Inbound) {
	return func(m *bot.Inbound) { m.Text, m.Source = "/start", source }
}

// withPress is a button press on message 201 or 202 of the fixtures.
func withPress(message, step, choice string) func(*bot.Inbound) {
	return func(m *bot.Inbound) {
		m.Callback, m.Message, m.Step, m.Choice = "4382bfdwdsb323b2d9", message, step, choice
	}
}

func TestToInboundFixtures(t *testing.T) {
	handle, ignore := Action{Kind: Handle}, Action{Kind: Ignore}
	tests := []struct {
		fixture string
		want    bot.Inbound
		action  Action
	}{
		{"text", fromSam("u812345601", withText("hi")), handle},
		{"text_welsh", fromSam("u812345602", func(m *bot.Inbound) { m.Text, m.Language = "Helo", "cy" }), handle},

		// Deep links: the payload is the source when Telegram would allow it.
		{"start_deeplink", fromSam("u812345603", withStart("oakwood")), handle},
		{"start_botname", fromSam("u812345604", withStart("oakwood")), handle},
		{"start_plain", fromSam("u812345605", withStart("")), handle},
		{"start_unknown_code", fromSam("u812345606", withStart("riverside-college_2")), handle},
		{"start_bad_payload", fromSam("u812345607", withStart("")), handle},
		{"start_too_long", fromSam("u812345608", withStart("")), handle},
		{"command_help", fromSam("u812345609", withText("/help")), handle},
		{"startle", fromSam("u812345610", withText("/startle")), handle},

		// Quiet outside private chats, and for what is not a new message.
		{"group_text", bot.Inbound{ID: "u812345611"}, ignore},
		{"supergroup_text", bot.Inbound{ID: "u812345612"}, ignore},
		{"channel_post", bot.Inbound{ID: "u812345613"}, ignore},
		{"channel_message", bot.Inbound{ID: "u812345614"}, ignore},
		{"edited_message", bot.Inbound{ID: "u812345615"}, ignore},
		{"my_chat_member", bot.Inbound{ID: "u812345616"}, ignore},
		{"pinned_service", fromSam("u812345630", nil), ignore},

		// Anything but text: NonText, with the caption as the text.
		{"sticker", fromSam("u812345617", withMedia("")), handle},
		{"photo", fromSam("u812345618", withMedia("")), handle},
		{"photo_caption", fromSam("u812345619", withMedia("this is my school")), handle},
		{"voice", fromSam("u812345620", withMedia("")), handle},
		{"video", fromSam("u812345621", withMedia("")), handle},
		{"video_note", fromSam("u812345622", withMedia("")), handle},
		{"audio", fromSam("u812345623", withMedia("")), handle},
		{"document", fromSam("u812345624", withMedia("my CV")), handle},
		{"animation", fromSam("u812345625", withMedia("")), handle},
		{"location", fromSam("u812345626", withMedia("")), handle},
		{"contact", fromSam("u812345627", withMedia("")), handle},
		{"poll", fromSam("u812345628", withMedia("")), handle},
		{"dice", fromSam("u812345629", withMedia("")), handle},

		// Buttons.
		{"callback_choice", fromSam("u812345631", withPress("201", "heard", "friend")), handle},
		{"callback_toggle", fromSam("u812345632", withPress("202", "support", "")), Action{Kind: Toggle, Keyboard: &Keyboard{Rows: [][]Button{
			{{Text: "☑ Feeling low, worried or stressed", Data: "t|support|wellbeing"}},
			{{Text: "☑ Money worries", Data: "t|support|money"}},
			{{Text: "☑ Work, training or an apprenticeship", Data: "t|support|work"}},
			{{Text: "✅ Done", Data: "d|support"}},
		}}}},
		{"callback_done", fromSam("u812345633", withPress("202", "support", "wellbeing,work")), handle},
		{"callback_done_none", fromSam("u812345634", withPress("202", "support", "")), Action{Kind: Toggle, Toast: PickAtLeastOne}},
		{"callback_unknown", fromSam("u812345635", withPress("201", "", "")), Action{Kind: Ack}},
		{"callback_group", bot.Inbound{ID: "u812345636"}, ignore},
		{"callback_inline", bot.Inbound{ID: "u812345637", Callback: "4382bfdwdsb323b2d9"}, Action{Kind: Ack}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			seen[tt.fixture+".json"] = true
			raw, err := os.ReadFile(filepath.Join("testdata", "updates", tt.fixture+".json"))
			if err != nil {
				t.Fatal(err)
			}
			got, act, err := ToInbound(raw)
			if err != nil {
				t.Fatalf("ToInbound: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("inbound:\n got %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(act, tt.action) {
				t.Errorf("action:\n got %+v\nwant %+v", act, tt.action)
			}
		})
	}
	// Every fixture is in the table.
	files, _ := filepath.Glob(filepath.Join("testdata", "updates", "*.json"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("fixture %s is not tested", f)
		}
	}
}

func TestToInboundRejectsWhatIsNotAnUpdate(t *testing.T) {
	for name, body := range map[string]string{
		"not json":       `{"update_id": 1, "message": `,
		"empty":          ``,
		"array":          `[{"update_id": 1}]`,
		"no update_id":   `{"message": {"message_id": 1, "chat": {"id": 5, "type": "private"}, "text": "hi"}}`,
		"zero update_id": `{"update_id": 0}`,
		"wrong type":     `{"update_id": "seven"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := ToInbound([]byte(body)); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestToInboundKeepsAwkwardTextForTheEngine(t *testing.T) {
	long := strings.Repeat("x", 20000)
	for name, tt := range map[string]struct{ json, want string }{
		"emoji":           {`"🙂 ok"`, "🙂 ok"},
		"invalid unicode": {`"bad \udc00 surrogate"`, "bad \ufffd surrogate"},
		"very long":       {`"` + long + `"`, long},
		"empty":           {`""`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			raw := `{"update_id": 9, "message": {"message_id": 1, "date": 1, "chat": {"id": 42, "type": "private"}, "text": ` + tt.json + `}}`
			got, act, err := ToInbound([]byte(raw))
			if err != nil || act.Kind != Handle {
				t.Fatalf("ToInbound: %v, %v", act.Kind, err)
			}
			if got.Text != tt.want || got.Address != "42" || got.NonText {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func TestUpdateID(t *testing.T) {
	if id, err := UpdateID([]byte(`{"update_id": 812345601, "message": {}}`)); err != nil || id != 812345601 {
		t.Errorf("UpdateID = %d, %v", id, err)
	}
	if _, err := UpdateID([]byte(`{"message": {}}`)); err == nil {
		t.Error("no error for a missing update_id")
	}
}

func TestValidSource(t *testing.T) {
	for code, want := range map[string]bool{
		"oakwood": true, "Oak_wood-2": true, strings.Repeat("a", 64): true,
		"": false, "oak wood": false, "oakwood!": false, strings.Repeat("a", 65): false, "café": false,
	} {
		if got := ValidSource(code); got != want {
			t.Errorf("ValidSource(%q) = %v", code, got)
		}
	}
}
