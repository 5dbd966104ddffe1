package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/web"
)

func TestLongPoll(t *testing.T) {
	t.Run("returns when a reply arrives", func(t *testing.T) {
		// Reading the transcript only every 10 s: the Sender's Notify has to
		// end the wait.
		h := newHarness(t, func(o *web.Options) { o.PollEvery, o.PollWait = 10*time.Second, 10*time.Second })
		p, _, _ := h.open("/")
		got := make(chan []web.MessageView, 1)
		go func() { got <- p.poll(true) }()
		time.Sleep(50 * time.Millisecond) // let the poll start waiting
		start := time.Now()
		p.say("hi")
		select {
		case msgs := <-got:
			if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Is it OK") {
				t.Errorf("poll got %+v", msgs)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("poll took %v after the reply", d)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("poll still waiting 5 s after the reply")
		}
	})
	t.Run("sees replies from another process", func(t *testing.T) {
		h := newHarness(t, func(o *web.Options) { o.PollEvery = 20 * time.Millisecond })
		p, _, _ := h.open("/")
		got := make(chan []web.MessageView, 1)
		go func() { got <- p.poll(true) }()
		time.Sleep(50 * time.Millisecond)
		// Written straight to the transcript, as another process's Sender would.
		if err := h.st.AppendWeb(context.Background(), p.id(), bot.Outbound{Text: "from elsewhere"}); err != nil {
			t.Fatal(err)
		}
		select {
		case msgs := <-got:
			if len(msgs) != 1 || msgs[0].Text != "from elsewhere" {
				t.Errorf("poll got %+v", msgs)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("poll missed a reply written by another process")
		}
	})
	t.Run("answers [] after the wait", func(t *testing.T) {
		h := newHarness(t, func(o *web.Options) { o.PollWait = 100 * time.Millisecond })
		p, _, _ := h.open("/")
		start := time.Now()
		if msgs := p.poll(true); len(msgs) != 0 {
			t.Errorf("got %+v", msgs)
		}
		if d := time.Since(start); d < 100*time.Millisecond || d > 2*time.Second {
			t.Errorf("empty poll took %v, want about 100 ms", d)
		}
	})
	t.Run("shutdown ends waiting polls", func(t *testing.T) {
		done := make(chan struct{})
		h := newHarness(t, func(o *web.Options) { o.PollWait, o.Done = time.Minute, done })
		p, _, _ := h.open("/")
		got := make(chan []web.MessageView, 1)
		go func() { got <- p.poll(true) }()
		time.Sleep(50 * time.Millisecond)
		close(done)
		select {
		case msgs := <-got:
			if len(msgs) != 0 {
				t.Errorf("got %+v", msgs)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("poll still waiting after shutdown")
		}
	})
}
