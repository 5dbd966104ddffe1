package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/signpost-app/signpost/server"
)

// The page learns of replies by long polling GET /chat/messages rather
// than by server-sent events: a plain request that ends with an answer
// passes every proxy, load balancer and school web filter unchanged (SSE
// is often buffered by them), needs no event-id bookkeeping to resume
// (the page asks for what came after the last seq it showed), and ends
// within the server's write timeout. The cost, one request per reply or
// per 20 s idle, is small for a chat.

// MessageView is one reply as GET /chat/messages returns it.
type MessageView struct {
	Seq     int64        `json:"seq"`
	Text    string       `json:"text"`
	Options []OptionView `json:"options"`        // the question's choices, as buttons; [] for none
	Multi   bool         `json:"multi"`          // several options may be picked, then Done
	Done    string       `json:"done,omitempty"` // the label of the Done button of a multi-pick question
	Step    string       `json:"step,omitempty"` // the question's step, sent back with a choice
	Urgent  bool         `json:"urgent"`         // crisis signposting: shown distinctly and announced at once
	Toast   string       `json:"toast,omitempty"`
}

// OptionView is one choice of a question.
type OptionView struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

func view(m Message) MessageView {
	o := m.Out
	v := MessageView{Seq: m.Seq, Text: o.Text, Options: []OptionView{}, Multi: o.Multi, Done: o.Done,
		Step: o.Step, Urgent: o.Urgent, Toast: o.Toast}
	for _, opt := range o.Options {
		v.Options = append(v.Options, OptionView{ID: opt.ID, Label: opt.Label})
	}
	return v
}

// messages handles GET /chat/messages?after=SEQ[&wait=0]: the replies
// after SEQ, oldest first. With none yet it waits up to PollWait for one
// (wait=0: answers at once), reading the transcript every PollEvery and
// at once when this process's Sender delivers to the person.
func (c *Chat) messages(w http.ResponseWriter, r *http.Request) error {
	const route = "messages"
	if !c.allow(w, r, route, c.ipLimit(r)) {
		return nil
	}
	id := c.person(r)
	if id == "" {
		c.count(route, "no_session")
		return server.Errorf(http.StatusUnauthorized, "no chat session: open the chat page first")
	}
	q := r.URL.Query()
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if q.Get("after") == "" {
		after, err = 0, nil
	}
	if err != nil || after < 0 {
		c.count(route, "bad_request")
		return server.Errorf(http.StatusBadRequest, "after must be a message seq")
	}
	wait := c.o.PollWait
	if q.Get("wait") == "0" {
		wait = 0
	}
	ctx := r.Context()
	woken := c.waiters.add(id)
	defer c.waiters.remove(id, woken)
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	tick := time.NewTicker(c.o.PollEvery)
	defer tick.Stop()
	for {
		msgs, err := c.o.Transcript.WebSince(ctx, id, after)
		if err != nil {
			if ctx.Err() != nil {
				return nil // the page went away
			}
			c.count(route, "unavailable")
			return &server.Error{Status: http.StatusServiceUnavailable, Msg: "temporarily unavailable", Err: err}
		}
		if len(msgs) > 0 || wait == 0 {
			out := make([]MessageView, 0, len(msgs))
			for _, m := range msgs {
				out = append(out, view(m))
			}
			c.count(route, "ok")
			return writeJSON(w, http.StatusOK, out)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-c.o.Done:
			wait = 0 // shutting down: answer with what there is
		case <-deadline.C:
			wait = 0
		case <-tick.C:
		case <-woken:
		}
	}
}

// waiters lets the Sender end the waits of the person's open polls in
// this process.
type waiters struct {
	mu sync.Mutex
	m  map[string]map[chan struct{}]struct{}
}

func newWaiters() *waiters { return &waiters{m: map[string]map[chan struct{}]struct{}{}} }

func (ws *waiters) add(id string) chan struct{} {
	ch := make(chan struct{}, 1)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.m[id] == nil {
		ws.m[id] = map[chan struct{}]struct{}{}
	}
	ws.m[id][ch] = struct{}{}
	return ch
}

func (ws *waiters) remove(id string, ch chan struct{}) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	delete(ws.m[id], ch)
	if len(ws.m[id]) == 0 {
		delete(ws.m, id)
	}
}

func (ws *waiters) wake(id string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for ch := range ws.m[id] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Notify ends the waits of the person's open polls in this process: a
// reply for them is in the transcript. The Sender calls it.
func (c *Chat) Notify(address string) { c.waiters.wake(address) }
