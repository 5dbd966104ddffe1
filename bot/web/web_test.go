package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/web"
	"github.com/signpost-app/signpost/store/memory"
)

func TestFirstVisitSetsAPrivateCookie(t *testing.T) {
	h := newHarness(t, nil)
	_, resp, _ := h.open("/")
	c := cookie(resp, web.CookieName)
	switch {
	case c == nil:
		t.Fatal("no signpost_chat cookie set")
	case len(c.Value) != 32 || strings.Trim(c.Value, "0123456789abcdef") != "":
		t.Errorf("person id %q: want 128 random bits in hex", c.Value)
	case !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure:
		t.Errorf("cookie %s: want HttpOnly, SameSite=Lax, Path=/, not Secure on http", c)
	case c.MaxAge < 29*24*3600 || c.MaxAge > 31*24*3600:
		t.Errorf("cookie Max-Age %d: want about 30 days", c.MaxAge)
	}
	if s := cookie(resp, web.SourceCookie); s != nil {
		t.Errorf("source cookie %s set without ?s=", s)
	}

	// Each visit gets its own id; a returning visit keeps its id.
	p2, resp2, _ := h.open("/")
	if c2 := cookie(resp2, web.CookieName); c2 == nil || c2.Value == c.Value {
		t.Fatalf("second browser got %v, first %q: want a different id", c2, c.Value)
	}
	id := p2.id()
	resp3, _ := p2.do(http.MethodGet, "/", nil)
	if c3 := cookie(resp3, web.CookieName); c3 == nil || c3.Value != id {
		t.Errorf("returning visit got %v, want the same id %q renewed", c3, id)
	}
}

func TestSecureCookies(t *testing.T) {
	h := newHarness(t, func(o *web.Options) { o.Secure = true })
	_, resp, _ := h.open("/?s=oakwood")
	for _, name := range []string{web.CookieName, web.SourceCookie} {
		c := cookie(resp, name)
		if c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Partitioned {
			t.Errorf("%s: %v, want Secure, HttpOnly, SameSite=Lax, not partitioned", name, c)
		}
	}
}

// In a school's iframe a Lax cookie is neither set nor sent, so the chat
// uses a partitioned SameSite=None one there.
func TestFramedPageUsesAPartitionedCookie(t *testing.T) {
	h := newHarness(t, func(o *web.Options) { o.Secure = true })
	p, resp, _ := h.open("/?s=oakwood", "Sec-Fetch-Dest", "iframe", "Sec-Fetch-Site", "cross-site")
	if c := cookie(resp, web.CookieName); c != nil {
		t.Errorf("framed page set the top-level cookie %s", c)
	}
	for _, name := range []string{web.EmbedCookieName, web.EmbedSourceCookie} {
		c := cookie(resp, name)
		if c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteNoneMode || !c.Partitioned {
			t.Fatalf("%s: %v, want Secure, HttpOnly, SameSite=None, Partitioned", name, c)
		}
	}
	// The page in the frame talks with that cookie.
	p.say("hi")
	p.reply("not an emergency service")
	s, err := h.st.Session(context.Background(), bot.ConversationKey(bot.ChannelWeb, p.id()))
	if err != nil || s == nil || s.Source != "oakwood" {
		t.Fatalf("session %+v, %v: want source oakwood", s, err)
	}

	// Over plain http SameSite=None is impossible: the frame gets the
	// ordinary cookie (which works when the frame is same-site, as on
	// localhost).
	h2 := newHarness(t, nil)
	_, resp2, _ := h2.open("/", "Sec-Fetch-Dest", "iframe")
	if cookie(resp2, web.CookieName) == nil || cookie(resp2, web.EmbedCookieName) != nil {
		t.Errorf("framed page over http: cookies %v, want the ordinary one", resp2.Cookies())
	}
}

func TestSecurityHeaders(t *testing.T) {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors *"
	h := newHarness(t, nil)
	p, resp, _ := h.open("/")
	p.say("hi")
	cases := []struct {
		name string
		resp *http.Response
	}{
		{"page", resp},
		{"script", first(p.do(http.MethodGet, "/static/chat.js", nil))},
		{"messages", first(p.do(http.MethodGet, "/chat/messages?after=0&wait=0", nil))},
		{"send", first(p.post("/chat/send", map[string]string{"text": "yes"}))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hd := c.resp.Header
			if got := hd.Get("Content-Security-Policy"); got != csp {
				t.Errorf("Content-Security-Policy\n got %q\nwant %q", got, csp)
			}
			if got := hd.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := hd.Get("Referrer-Policy"); got != "no-referrer" {
				t.Errorf("Referrer-Policy %q", got)
			}
		})
	}
	if web.ContentSecurityPolicy != csp {
		t.Errorf("web.ContentSecurityPolicy = %q", web.ContentSecurityPolicy)
	}
}

func first(resp *http.Response, _ string) *http.Response { return resp }

func TestHiShowsTheWelcome(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	if msgs := p.poll(false); len(msgs) != 0 {
		t.Fatalf("new chat has replies %+v", msgs)
	}
	p.say("hi")
	msgs := p.reply("Is it OK if I ask you a few questions?")
	m := msgs[len(msgs)-1]
	for _, want := range []string{"not an emergency service", "999", "SHOUT to 85258", "0800 1111"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("welcome %q lacks %q", m.Text, want)
		}
	}
	if m.Seq != 1 || m.Step != "welcome" || m.Urgent || m.Multi || len(m.Options) != 0 {
		t.Errorf("welcome %+v: want seq 1, step welcome, no options", m)
	}
	// The page picks up where it left off: nothing new after the last seq.
	if again := p.poll(false); len(again) != 0 {
		t.Errorf("after seq %d got %+v again", p.seq, again)
	}
	if n := h.metric("send", "ok"); n != 1 {
		t.Errorf("signpost_web_requests_total{route=send,result=ok} = %v, want 1", n)
	}
}

func TestJSONShape(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	p.say("hi")
	p.reply("Is it OK")
	_, body := p.do(http.MethodGet, "/chat/messages?after=0&wait=0", nil)
	var raw []map[string]any
	if err := json.Unmarshal([]byte(body), &raw); err != nil || len(raw) != 1 {
		t.Fatalf("body %q: %v", body, err)
	}
	for _, key := range []string{"seq", "text", "options", "multi", "step", "urgent"} {
		if _, ok := raw[0][key]; !ok {
			t.Errorf("message %v lacks %q", raw[0], key)
		}
	}
	if opts, ok := raw[0]["options"].([]any); !ok || len(opts) != 0 {
		t.Errorf("options %v: want [] for a question without choices", raw[0]["options"])
	}
}

func TestChoicesAreButtonsAndPressesAnswer(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	p.say("hi")
	p.reply("Is it OK")
	p.say("yes")
	p.reply("How old are you?")
	p.say("15")
	p.reply("share your answers")
	p.say("yes")
	p.reply("What would you like us to call you?")
	p.say("Sam")
	msgs := p.reply("Where did you hear about Signpost?")
	heard := msgs[len(msgs)-1]
	if heard.Multi || heard.Step != "heard" || len(heard.Options) != 8 ||
		heard.Options[0] != (web.OptionView{ID: "school", Label: "School"}) {
		t.Fatalf("heard question %+v: want 8 single-choice options, the first school/School", heard)
	}
	p.accepted(map[string]string{"choice": "friend", "step": heard.Step, "id": "press-1"})
	p.reply("what matters to you")
	p.say("I feel stuck at home")
	msgs = p.reply("What would you like help with?")
	support := msgs[len(msgs)-1]
	if !support.Multi || support.Done == "" || support.Step != "support" || len(support.Options) != 10 {
		t.Fatalf("support question %+v: want 10 options, several allowed, a Done label", support)
	}
	p.accepted(map[string]string{"choice": "money,work", "step": support.Step, "id": "press-2"})
	p.reply("Which of these fits you best right now?")

	s, err := h.st.Session(context.Background(), bot.ConversationKey(bot.ChannelWeb, p.id()))
	if err != nil || s == nil {
		t.Fatalf("session: %v", err)
	}
	if a, ok := s.Lookup("heard"); !ok || a.Value.Text != "friend" {
		t.Errorf("heard saved as %+v", a)
	}
	if a, ok := s.Lookup("support"); !ok || strings.Join(a.Value.IDs, ",") != "money,work" {
		t.Errorf("support saved as %+v", a)
	}

	// A button of a question already answered changes nothing and gets a
	// note back.
	p.accepted(map[string]string{"choice": "school", "step": heard.Step, "id": "press-3"})
	got := p.poll(true)
	if len(got) != 1 || got[0].Toast == "" || got[0].Text != "" {
		t.Fatalf("stale press got %+v, want one note", got)
	}
	if s2, _ := h.st.Session(context.Background(), bot.ConversationKey(bot.ChannelWeb, p.id())); s2.Step != s.Step {
		t.Errorf("stale press moved the conversation from %s to %s", s.Step, s2.Step)
	}
}

func TestSourceFromTheLink(t *testing.T) {
	h := newHarness(t, nil)
	p, resp, _ := h.open("/?s=oakwood")
	if c := cookie(resp, web.SourceCookie); c == nil || c.Value != "oakwood" || !c.HttpOnly {
		t.Fatalf("source cookie %v", c)
	}
	p.say("hi")
	p.reply("Is it OK")
	s, err := h.st.Session(context.Background(), bot.ConversationKey(bot.ChannelWeb, p.id()))
	if err != nil || s == nil || s.Source != "oakwood" {
		t.Fatalf("session %+v, %v: want source oakwood", s, err)
	}

	// A code outside [A-Za-z0-9_-]{1,64} is ignored; the chat still works.
	for _, bad := range []string{"/?s=oak%20wood", "/?s=%3Cscript%3E", "/?s=" + strings.Repeat("a", 65)} {
		_, resp, _ := h.open(bad)
		if resp.StatusCode != http.StatusOK || cookie(resp, web.SourceCookie) != nil {
			t.Errorf("GET %s: %d, cookies %v: want 200 and no source", bad, resp.StatusCode, resp.Cookies())
		}
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	hi := map[string]string{"text": "DELETE"}
	cases := []struct {
		name   string
		header []string
	}{
		{"Sec-Fetch-Site cross-site", []string{"Sec-Fetch-Site", "cross-site"}},
		{"Sec-Fetch-Site same-site", []string{"Sec-Fetch-Site", "same-site"}},
		{"Origin of another site", []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, _ := p.post("/chat/send", hi, c.header...)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("send: %d, want 403", resp.StatusCode)
			}
			resp, _ = p.post("/chat/leave", nil, c.header...)
			if resp.StatusCode != http.StatusForbidden || cookie(resp, web.CookieName) != nil {
				t.Errorf("leave: %d, cookies %v: want 403 and nothing cleared", resp.StatusCode, resp.Cookies())
			}
		})
	}
	if msgs := p.poll(false); len(msgs) != 0 {
		t.Errorf("refused posts reached the engine: %+v", msgs)
	}
	if n := h.metric("send", "cross_site"); n != 3 {
		t.Errorf("cross_site sends counted %v, want 3", n)
	}
}

func TestBadSends(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	stranger := &page{h: h, cookies: map[string]*http.Cookie{}}
	huge := `{"text":"` + strings.Repeat("a", 9<<10) + `"}`
	cases := []struct {
		name string
		p    *page
		body string
		ctyp string
		want int
	}{
		{"no cookie", stranger, `{"text":"hi"}`, "application/json", http.StatusUnauthorized},
		{"huge body", p, huge, "application/json", http.StatusRequestEntityTooLarge},
		{"not JSON", p, `text=hi`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"malformed JSON", p, `{"text":`, "application/json", http.StatusBadRequest},
		{"bad message id", p, `{"text":"hi","id":"a b"}`, "application/json", http.StatusBadRequest},
		{"long message id", p, `{"text":"hi","id":"` + strings.Repeat("x", 65) + `"}`, "application/json", http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := c.p.do(http.MethodPost, "/chat/send", []byte(c.body),
				"Content-Type", c.ctyp, "Sec-Fetch-Site", "same-origin")
			if resp.StatusCode != c.want {
				t.Errorf("got %d %q, want %d", resp.StatusCode, body, c.want)
			}
		})
	}
	if msgs := p.poll(false); len(msgs) != 0 {
		t.Errorf("bad sends reached the engine: %+v", msgs)
	}
	if resp, _ := stranger.do(http.MethodGet, "/chat/messages?after=0", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("messages without a cookie: %d, want 401", resp.StatusCode)
	}
	if resp, _ := p.do(http.MethodGet, "/chat/messages?after=x", nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("messages?after=x: %d, want 400", resp.StatusCode)
	}
	// A forged cookie that is not an id we make counts as none.
	forged := &page{h: h, cookies: map[string]*http.Cookie{web.CookieName: {Name: web.CookieName, Value: "+447700900123"}}}
	if resp, _ := forged.post("/chat/send", map[string]string{"text": "hi"}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged cookie: %d, want 401", resp.StatusCode)
	}
}

func TestLongTextGetsAKindReply(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	p.say("hi")
	p.reply("Is it OK")
	p.say("yes")
	p.reply("How old are you?")
	p.say("15")
	p.reply("share your answers")
	p.say("yes")
	p.reply("What would you like us to call you?")
	p.say(strings.Repeat("é", 3000)) // 6 KB: under the body limit, over the text cap
	msgs := p.reply("What would you like us to call you?")
	if len(msgs) == 0 {
		t.Fatal("no reply to a long name")
	}
}

func TestRepeatedMessageIDIsHandledOnce(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	p.accepted(map[string]string{"text": "hi", "id": "m-1"})
	p.reply("Is it OK")
	p.accepted(map[string]string{"text": "hi", "id": "m-1"}) // the page retrying after a dropped connection
	p.accepted(map[string]string{"text": "yes", "id": "m-2"})
	msgs := p.reply("How old are you?")
	if len(msgs) != 1 {
		t.Errorf("replies %+v: want only the answer to yes", msgs)
	}
}

func TestLeaveClearsTheCookies(t *testing.T) {
	for _, secure := range []bool{false, true} {
		h := newHarness(t, func(o *web.Options) { o.Secure = secure })
		p, _, _ := h.open("/?s=oakwood")
		p.say("hi")
		resp, _ := p.post("/chat/leave", nil)
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("leave: %d", resp.StatusCode)
		}
		want := []string{web.CookieName, web.SourceCookie}
		if secure {
			want = append(want, web.EmbedCookieName, web.EmbedSourceCookie)
		}
		for _, name := range want {
			c := cookie(resp, name)
			if c == nil || c.MaxAge >= 0 || c.Value != "" {
				t.Errorf("secure=%v: %s cleared as %v, want Max-Age=0", secure, name, c)
			}
		}
		if len(p.cookies) != 0 {
			t.Errorf("cookies left after leaving: %v", p.cookies)
		}
		// The browser no longer leads back to the conversation.
		if resp, _ := p.do(http.MethodGet, "/chat/messages?after=0&wait=0", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("messages after leaving: %d, want 401", resp.StatusCode)
		}
	}
}

func TestUrgentRepliesAreMarked(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	p.say("hi")
	p.reply("Is it OK")
	p.say("honestly i just want to die")
	msgs := p.reply("999")
	if len(msgs) == 0 || !msgs[0].Urgent || !strings.Contains(msgs[0].Text, "116 123") {
		t.Fatalf("crisis reply %+v: want it first and urgent", msgs)
	}
}

func TestSenderSkipsAcknowledgementsOnly(t *testing.T) {
	st := memory.New(memory.Options{})
	s := &web.Sender{Transcript: st}
	ctx := context.Background()
	if err := s.Send(ctx, bot.Outbound{Channel: bot.ChannelWeb, Address: "a", Ack: "web"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, bot.Outbound{Channel: bot.ChannelWeb, Address: "a", Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	msgs, err := st.WebSince(ctx, "a", 0)
	if err != nil || len(msgs) != 1 || msgs[0].Out.Text != "hello" {
		t.Errorf("transcript %+v, %v: want only the message with text", msgs, err)
	}
	if l := s.Limits(bot.Outbound{Text: "x"}); l != nil {
		t.Errorf("limits %v, want none", l)
	}
}

// After DELETE the transcript is erased, but its numbering carries on, so
// the open page (asking for what came after the last seq it showed) still
// sees the confirmation and a new conversation.
func TestPageCarriesOnAfterDelete(t *testing.T) {
	h := newHarness(t, nil)
	p, _, _ := h.open("/")
	p.say("hi")
	p.reply("Is it OK")
	p.say("DELETE")
	p.reply("This will erase everything")
	p.say("YES")
	p.reply("has been deleted")
	p.say("hi")
	p.reply("Is it OK")
	if s, _ := h.st.Session(context.Background(), bot.ConversationKey(bot.ChannelWeb, p.id())); s == nil || s.Step != "welcome" {
		t.Errorf("session after starting again: %+v", s)
	}
}
