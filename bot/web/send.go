package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/server"
)

// Size limits on what the page sends.
const (
	maxBody     = 8 << 10 // bytes of a POST /chat/send body; more is 413
	maxText     = 2000    // characters of a message kept; the engine answers an over-long answer kindly
	maxChoice   = 1024    // bytes of a choice (comma-separated option ids)
	maxStep     = 128     // bytes of a step id
	maxClientID = 64      // characters of a client message id, [A-Za-z0-9_-]
	maxLanguage = 35      // bytes of an Accept-Language tag
)

// sendRequest is the body of POST /chat/send: a typed message, or button
// presses (one option id, or several comma-separated for a multi-pick
// question, with the question's step), with an id the page makes up so a
// retried send is not handled twice.
type sendRequest struct {
	Text   string `json:"text"`
	Choice string `json:"choice"`
	Step   string `json:"step"`
	ID     string `json:"id"`
}

// send handles POST /chat/send: one message from the page, handed to the
// engine. It answers 202 at once; the replies reach the page through the
// outbox, the Sender and GET /chat/messages.
func (c *Chat) send(w http.ResponseWriter, r *http.Request) error {
	const route = "send"
	if err := c.sameOrigin(r, route); err != nil {
		return err
	}
	if !c.allow(w, r, route, c.ipLimit(r)) {
		return nil
	}
	id := c.person(r)
	if id == "" {
		c.count(route, "no_session")
		return server.Errorf(http.StatusUnauthorized, "no chat session: open the chat page first")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		c.count(route, "bad_request")
		return server.Errorf(http.StatusUnsupportedMediaType, "send JSON")
	}
	var req sendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			c.count(route, "too_large")
			return server.Errorf(http.StatusRequestEntityTooLarge, "message too large")
		}
		c.count(route, "bad_request")
		return server.Errorf(http.StatusBadRequest, "malformed JSON")
	}
	if (req.ID != "" && !validToken(req.ID, maxClientID)) || len(req.Choice) > maxChoice || len(req.Step) > maxStep {
		c.count(route, "bad_request")
		return server.Errorf(http.StatusBadRequest, "invalid message")
	}
	if !c.allow(w, r, route, c.personLimit(id)) {
		return nil
	}
	in := bot.Inbound{Channel: bot.ChannelWeb, Address: id, ID: req.ID, Text: capText(req.Text, maxText),
		Source: c.source(r), Language: language(r), At: time.Now()}
	if req.Choice != "" {
		in.Text, in.Choice, in.Step = "", req.Choice, req.Step
		// A button press is acknowledged, so a stale button (a question
		// already answered, in another tab) gets a note back.
		in.Callback = "web"
		if req.ID != "" {
			in.Callback = req.ID
		}
	}
	if _, err := c.o.Engine.Handle(r.Context(), in); err != nil {
		c.count(route, "unavailable")
		return &server.Error{Status: http.StatusServiceUnavailable, Msg: "temporarily unavailable", Err: err}
	}
	c.o.Wake()
	c.count(route, "ok")
	return writeJSON(w, http.StatusAccepted, struct{}{})
}

// leave handles POST /chat/leave ("Leave quickly"): the cookies are
// deleted, so the browser no longer leads back to the conversation. The
// conversation itself stays for the link workers; the page wipes itself
// and goes to a neutral site.
func (c *Chat) leave(w http.ResponseWriter, r *http.Request) error {
	const route = "leave"
	if err := c.sameOrigin(r, route); err != nil {
		return err
	}
	// No rate limit: leaving must always work.
	c.clearSession(w)
	c.count(route, "ok")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sameOrigin refuses a POST that a browser sent from another site
// (Sec-Fetch-Site, else Origin against Host): another site must not be
// able to talk, or say DELETE, in the person's name.
func (c *Chat) sameOrigin(r *http.Request, route string) error {
	if err := c.cop.Check(r); err != nil {
		c.count(route, "cross_site")
		return &server.Error{Status: http.StatusForbidden, Msg: "cross-site request refused", Err: err}
	}
	return nil
}

// capText cuts s to at most n characters.
func capText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// language returns the first tag of Accept-Language ("cy" from
// "cy-GB,cy;q=0.9,en;q=0.8"), the engine's hint for the conversation's
// language, or "".
func language(r *http.Request) string {
	tag, _, _ := strings.Cut(r.Header.Get("Accept-Language"), ",")
	tag, _, _ = strings.Cut(tag, ";")
	tag = strings.TrimSpace(tag)
	if len(tag) > maxLanguage {
		return ""
	}
	for i := range len(tag) {
		if c := tag[i]; (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '-' {
			return ""
		}
	}
	return tag
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}
