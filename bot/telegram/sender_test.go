package telegram

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/outbox"
	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

func senderForTest(t *testing.T) (*Sender, *tgfake.Fake) {
	t.Helper()
	c, f := clientForTest(t, 2*time.Second)
	return &Sender{API: c}, f
}

func tgOut(text string) bot.Outbound {
	return bot.Outbound{ID: "m1", Channel: bot.ChannelTelegram, Address: "4242", Text: text}
}

func TestSenderLimits(t *testing.T) {
	s := &Sender{}
	got := s.Limits(tgOut("hi"))
	want := []outbox.Limit{
		{Key: "rate:tg:chat:4242", PerSecond: 1, Cost: 1},
		{Key: "rate:tg:all", PerSecond: 30, Cost: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults: got %+v", got)
	}
	s = &Sender{PerChat: 2, Global: 20}
	got = s.Limits(tgOut(strings.Repeat("word ", 1000))) // 5,000 units: two messages
	want = []outbox.Limit{
		{Key: "rate:tg:chat:4242", PerSecond: 2, Cost: 2},
		{Key: "rate:tg:all", PerSecond: 20, Cost: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("custom, split: got %+v", got)
	}
	ack := bot.Outbound{Channel: bot.ChannelTelegram, Address: "4242", Ack: "cb", Toast: "Saved"}
	if l := s.Limits(ack); l != nil {
		t.Errorf("ack only: got %+v", l)
	}
}

func TestSenderKeyboards(t *testing.T) {
	longID := strings.Repeat("x", 70)
	cases := []struct {
		name string
		m    bot.Outbound
		text string // the text sent, when not m.Text
		want [][]tgfake.Button
	}{
		{
			name: "no options",
			m:    tgOut("hello"),
		},
		{
			name: "choice: one button per row",
			m: bot.Outbound{Text: "How are you?", Step: "mood", Options: []bot.Option{
				{ID: "good", Label: "Good"}, {ID: "bad", Label: "Not good"},
			}},
			want: [][]tgfake.Button{
				{{Text: "Good", Data: "c|mood|good"}},
				{{Text: "Not good", Data: "c|mood|bad"}},
			},
		},
		{
			name: "choices: toggles and done",
			m: bot.Outbound{Text: "Which?", Step: "topics", Multi: true, Options: []bot.Option{
				{ID: "school", Label: "School"}, {ID: "home", Label: "Home"},
			}},
			want: [][]tgfake.Button{
				{{Text: "☐ School", Data: "t|topics|school"}},
				{{Text: "☐ Home", Data: "t|topics|home"}},
				{{Text: "✅ Done", Data: "d|topics"}},
			},
		},
		{
			name: "long id falls back to its index",
			m: bot.Outbound{Text: "Pick", Step: "q", Options: []bot.Option{
				{ID: "a", Label: "A"}, {ID: longID, Label: "Long"},
			}},
			want: [][]tgfake.Button{
				{{Text: "A", Data: "c|q|a"}},
				{{Text: "Long", Data: "c|q|#2"}},
			},
		},
		{
			name: "step too long for any data: numbered list",
			m: bot.Outbound{Text: "Pick", Step: strings.Repeat("s", 62), Options: []bot.Option{
				{ID: "a", Label: "A"}, {ID: "b", Label: "B"},
			}},
			text: "Pick\n\n1. A\n2. B\n\nReply with a number.",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, f := senderForTest(t)
			m := tc.m
			m.Channel, m.Address = bot.ChannelTelegram, "4242"
			if err := s.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			sent := f.Sent()
			if len(sent) != 1 {
				t.Fatalf("sent %d messages", len(sent))
			}
			want := tc.text
			if want == "" {
				want = m.Text
			}
			if sent[0].ChatID != 4242 || sent[0].Text != want {
				t.Errorf("sent %d %q, want %q", sent[0].ChatID, sent[0].Text, want)
			}
			if !reflect.DeepEqual(sent[0].Keyboard, tc.want) {
				t.Errorf("keyboard:\n got %+v\nwant %+v", sent[0].Keyboard, tc.want)
			}
			for _, row := range sent[0].Keyboard {
				for _, b := range row {
					if len(b.Data) > MaxCallbackData {
						t.Errorf("data %q over %d bytes", b.Data, MaxCallbackData)
					}
				}
			}
		})
	}
}

func TestSenderSplitsLongText(t *testing.T) {
	s, f := senderForTest(t)
	para := strings.TrimSpace(strings.Repeat("A sentence of some length. ", 60)) // 1,619 units
	text := strings.Join([]string{para, para, para, para}, "\n\n")               // 6,482 units
	m := tgOut(text)
	m.Step, m.Options = "q", []bot.Option{{ID: "y", Label: "Yes"}}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	sent := f.Sent()
	if len(sent) != 2 {
		t.Fatalf("sent %d messages, want 2", len(sent))
	}
	// Cut at the paragraph break after the second paragraph.
	if sent[0].Text != para+"\n\n"+para || sent[1].Text != para+"\n\n"+para {
		t.Errorf("split at the wrong place: %d and %d units", units(sent[0].Text), units(sent[1].Text))
	}
	if sent[0].Keyboard != nil || len(sent[1].Keyboard) != 1 {
		t.Errorf("keyboard not on the last message only: %v / %v", sent[0].Keyboard, sent[1].Keyboard)
	}
	if n := f.MaxInFlight(4242); n != 1 {
		t.Errorf("parts sent concurrently: %d in flight", n)
	}
}

func TestSenderAckAndAnswered(t *testing.T) {
	ctx := context.Background()
	s, f := senderForTest(t)
	q := tgOut("Question?")
	q.Step, q.Options = "q", []bot.Option{{ID: "a", Label: "A"}}
	if err := s.Send(ctx, q); err != nil {
		t.Fatal(err)
	}
	qid := f.Sent()[0].MessageID

	// Ack only: answered, nothing sent.
	if err := s.Send(ctx, bot.Outbound{Channel: bot.ChannelTelegram, Address: "4242", Ack: "cb-1", Toast: "Ticked"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Sent()); n != 1 {
		t.Errorf("ack only sent %d messages", n-1)
	}

	// Ack, remove the answered question's buttons, then the next text.
	next := tgOut("Thanks. Next?")
	next.Ack, next.Answered = "cb-2", strconv.Itoa(qid)
	if err := s.Send(ctx, next); err != nil {
		t.Fatal(err)
	}
	want := []tgfake.CallbackAnswer{{ID: "cb-1", Text: "Ticked"}, {ID: "cb-2"}}
	if got := f.Answers(); !reflect.DeepEqual(got, want) {
		t.Errorf("answers = %+v", got)
	}
	if e := f.Edits(); len(e) != 1 || e[0].ChatID != 4242 || e[0].MessageID != qid || e[0].Keyboard != nil {
		t.Errorf("edits = %+v", e)
	}
	if sent := f.Sent(); len(sent) != 2 || sent[1].Text != "Thanks. Next?" {
		t.Errorf("sent = %+v", sent)
	}
	// Order: answer, edit, send.
	calls := f.Calls("")
	var order []string
	for _, c := range calls[len(calls)-3:] {
		order = append(order, c.Method)
	}
	if strings.Join(order, ",") != "answerCallbackQuery,editMessageReplyMarkup,sendMessage" {
		t.Errorf("order = %v", order)
	}

	// A stale press and buttons already removed are ignored.
	f.Fail("answerCallbackQuery", 1, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0)
	again := tgOut("Still here.")
	again.Ack, again.Answered = "cb-old", strconv.Itoa(qid)
	if err := s.Send(ctx, again); err != nil {
		t.Fatalf("stale ack / not modified: %v", err)
	}
	if n := len(f.Sent()); n != 3 {
		t.Errorf("text not sent after a stale ack: %d", n)
	}
	if c := f.Calls("editMessageReplyMarkup"); c[len(c)-1].Status != 400 {
		t.Errorf("second removal was not refused as not modified: %d", c[len(c)-1].Status)
	}
}

func TestSenderErrors(t *testing.T) {
	cases := []struct {
		name      string
		fail      func(f *tgfake.Fake)
		m         bot.Outbound
		temporary bool
		after     time.Duration
		optedOut  bool
	}{
		{"429", func(f *tgfake.Fake) { f.Fail429("sendMessage", 1, 5) }, tgOut("x"), true, 5 * time.Second, false},
		{"403 blocked", func(f *tgfake.Fake) { f.FailBlocked("sendMessage", 1) }, tgOut("x"), false, 0, true},
		{"500", func(f *tgfake.Fake) { f.Fail500("sendMessage", 1) }, tgOut("x"), true, 0, false},
		{"400 permanent", func(f *tgfake.Fake) { f.Fail("sendMessage", 1, 400, "Bad Request: chat not found", 0) }, tgOut("x"), false, 0, false},
		{"timeout", func(f *tgfake.Fake) { f.Delay("sendMessage", 5*time.Second) }, tgOut("x"), true, 0, false},
		{"429 on ack", func(f *tgfake.Fake) { f.Fail429("answerCallbackQuery", 1, 2) },
			bot.Outbound{Channel: bot.ChannelTelegram, Address: "4242", Ack: "cb"}, true, 2 * time.Second, false},
		{"403 on edit", func(f *tgfake.Fake) { f.FailBlocked("editMessageReplyMarkup", 1) },
			bot.Outbound{Channel: bot.ChannelTelegram, Address: "4242", Answered: "9", Text: "x"}, false, 0, true},
		{"bad address", func(*tgfake.Fake) {}, bot.Outbound{Channel: bot.ChannelTelegram, Address: "not-a-chat", Text: "x"}, false, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, f := clientForTest(t, 300*time.Millisecond)
			s := &Sender{API: c}
			tc.fail(f)
			err := s.Send(context.Background(), tc.m)
			if err == nil {
				t.Fatal("no error")
			}
			var temp *outbox.TemporaryError
			if got := errors.As(err, &temp); got != tc.temporary {
				t.Errorf("temporary = %v, want %v (%v)", got, tc.temporary, err)
			} else if got && temp.After != tc.after {
				t.Errorf("After = %v, want %v", temp.After, tc.after)
			}
			if got := errors.Is(err, outbox.ErrOptedOut); got != tc.optedOut {
				t.Errorf("opted out = %v, want %v (%v)", got, tc.optedOut, err)
			}
			if strings.Contains(err.Error(), clientTestToken) {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

func TestSenderCancelledContextIsTemporary(t *testing.T) {
	s, _ := senderForTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Send(ctx, tgOut("x"))
	var temp *outbox.TemporaryError
	if !errors.As(err, &temp) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestParseCallbackData(t *testing.T) {
	cases := []struct {
		data           string
		kind, step, id string
		ok             bool
	}{
		{"c|mood|good", "c", "mood", "good", true},
		{"t|topics|school", "t", "topics", "school", true},
		{"d|topics", "d", "topics", "", true},
		{"c|q|#3", "c", "q", "#3", true},
		{"c|a|b|c", "c", "a|b", "c", true},
		{"c|mood|", "", "", "", false},
		{"c||good", "", "", "", false},
		{"c|mood", "", "", "", false},
		{"d|", "", "", "", false},
		{"x|mood|good", "", "", "", false},
		{"", "", "", "", false},
		{"hello", "", "", "", false},
	}
	for _, tc := range cases {
		kind, step, id, ok := ParseCallbackData(tc.data)
		if kind != tc.kind || step != tc.step || id != tc.id || ok != tc.ok {
			t.Errorf("ParseCallbackData(%q) = %q %q %q %v, want %q %q %q %v", tc.data, kind, step, id, ok, tc.kind, tc.step, tc.id, tc.ok)
		}
	}
}

func TestOptionIndex(t *testing.T) {
	cases := []struct {
		id string
		n  int
		ok bool
	}{
		{"#3", 3, true}, {"#12", 12, true}, {"#0", 0, false}, {"#-1", 0, false}, {"#x", 0, false}, {"3", 0, false}, {"school", 0, false},
	}
	for _, tc := range cases {
		if n, ok := OptionIndex(tc.id); n != tc.n || ok != tc.ok {
			t.Errorf("OptionIndex(%q) = %d %v", tc.id, n, ok)
		}
	}
}

func TestToggleKeyboardAndChecked(t *testing.T) {
	kb := &Keyboard{Rows: [][]Button{
		{{Text: "☐ School", Data: "t|topics|school"}},
		{{Text: "☐ Home", Data: "t|topics|home"}},
		{{Text: "☐ Friends", Data: "t|topics|#3"}},
		{{Text: "✅ Done", Data: "d|topics"}},
	}}
	texts := func(k *Keyboard) string {
		var s []string
		for _, r := range k.Rows {
			for _, b := range r {
				s = append(s, b.Text)
			}
		}
		return strings.Join(s, ",")
	}
	cases := []struct {
		name    string
		presses []string
		texts   string
		checked []string
	}{
		{"none", nil, "☐ School,☐ Home,☐ Friends,✅ Done", nil},
		{"one", []string{"t|topics|home"}, "☐ School,☑ Home,☐ Friends,✅ Done", []string{"home"}},
		{"in keyboard order", []string{"t|topics|#3", "t|topics|school"}, "☑ School,☐ Home,☑ Friends,✅ Done", []string{"school", "#3"}},
		{"twice is off", []string{"t|topics|home", "t|topics|home"}, "☐ School,☐ Home,☐ Friends,✅ Done", nil},
		{"done changes nothing", []string{"d|topics"}, "☐ School,☐ Home,☐ Friends,✅ Done", nil},
		{"unknown data changes nothing", []string{"t|topics|nope", "c|topics|home"}, "☐ School,☐ Home,☐ Friends,✅ Done", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := kb
			for _, p := range tc.presses {
				k = ToggleKeyboard(k, p)
			}
			if got := texts(k); got != tc.texts {
				t.Errorf("texts = %s, want %s", got, tc.texts)
			}
			if got := Checked(k); !reflect.DeepEqual(got, tc.checked) {
				t.Errorf("Checked = %v, want %v", got, tc.checked)
			}
			if got := texts(kb); got != "☐ School,☐ Home,☐ Friends,✅ Done" {
				t.Errorf("input keyboard changed: %s", got)
			}
		})
	}
	if k := ToggleKeyboard(nil, "t|a|b"); k == nil || len(k.Rows) != 0 {
		t.Errorf("ToggleKeyboard(nil) = %+v", k)
	}
	if Checked(nil) != nil {
		t.Error("Checked(nil) not nil")
	}
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

func TestSplitText(t *testing.T) {
	cases := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"empty", "", 10, nil},
		{"fits", "Hello there.", 12, []string{"Hello there."}},
		{"paragraph first", "One two. Three\n\nfour five six", 20, []string{"One two. Three", "four five six"}},
		{"line over sentence", "Aa bb. Cc\ndd. Ee ff", 16, []string{"Aa bb. Cc", "dd. Ee ff"}},
		{"sentence over word", "Aaaa bb. Cccc dd ee", 16, []string{"Aaaa bb.", "Cccc dd ee"}},
		{"word", "aaa bbb ccc ddd", 9, []string{"aaa bbb", "ccc ddd"}},
		{"space right after max", "aaaa bbbb", 4, []string{"aaaa", "bbbb"}},
		{"early word when nothing late", "a bbbbbbbbbbbb", 10, []string{"a", "bbbbbbbbbb", "bb"}},
		{"hard cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"emoji count two units", "😀😀😀", 4, []string{"😀😀", "😀"}},
		{"emoji never halved", "a😀😀", 4, []string{"a😀", "😀"}},
		{"whitespace dropped at cuts", "aaa   \n\n  bbb", 5, []string{"aaa", "bbb"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := SplitText(tc.text, tc.max)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("SplitText(%q, %d) = %q, want %q", tc.text, tc.max, got, tc.want)
			}
		})
	}
}

func TestSplitTextAtTelegramLimit(t *testing.T) {
	exact := strings.Repeat("😀", MaxText/2) // 4,096 units, 2,048 runes
	if got := SplitText(exact, MaxText); len(got) != 1 {
		t.Errorf("4,096 units split into %d", len(got))
	}
	over := exact + "😀"
	got := SplitText(over, MaxText)
	if len(got) != 2 || units(got[0]) != MaxText || got[1] != "😀" {
		t.Errorf("4,098 units: %d parts", len(got))
	}
	// Mixed text: every part fits and nothing is lost but whitespace.
	text := strings.Repeat("Quite a long sentence here, with 😀 emoji. ", 400)
	parts := SplitText(text, MaxText)
	for i, p := range parts {
		if units(p) > MaxText {
			t.Errorf("part %d has %d units", i, units(p))
		}
	}
	if strings.Join(strings.Fields(strings.Join(parts, " ")), " ") != strings.Join(strings.Fields(text), " ") {
		t.Error("text changed by splitting")
	}
}
