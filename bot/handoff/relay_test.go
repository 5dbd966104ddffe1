package handoff_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/telegram/tgfake"
)

// youngPerson is one young person on a channel, with how to read what
// they were sent.
type youngPerson struct {
	channel, addr string
	got           func(want string) []string
}

func (r *rig) people() []youngPerson {
	return []youngPerson{
		{bot.ChannelSMS, "+447700900301", func(want string) []string { return r.smsTo("+447700900301", want) }},
		{bot.ChannelTelegram, "5550301", func(want string) []string {
			var out []string
			for _, m := range r.tg.Sent() {
				if m.ChatID == 5550301 && strings.Contains(m.Text, want) {
					out = append(out, m.Text)
				}
			}
			return out
		}},
	}
}

// TestRelayBothWays: a link worker's reply in the group reaches the young
// person on their own channel, signed with the worker's first name; the
// young person's later message (the bot is quiet now) reaches the group
// as a reply to their referral's post, and a reply to that post is
// relayed too.
func TestRelayBothWays(t *testing.T) {
	eachStore(t, func(t *testing.T, open func() backend) {
		r := newRig(t, open())
		run(t, r.dispatcher("p1", nil))
		for i, p := range r.people() {
			t.Run(p.channel, func(t *testing.T) {
				h, _ := r.refer(t, p.channel, p.addr)
				_, post := r.linkedPost(t, h)
				base := int64(1000 * (i + 1))

				// Worker → young person, twice (Telegram redelivers): sent once.
				reply := groupReply(base+1, 9001+i, post, "Priya", "Hi Sam, I can call you tomorrow after 4pm.")
				for range 2 {
					if handled, err := r.claims.HandleGroupUpdate(t.Context(), reply); !handled || err != nil {
						t.Fatalf("worker reply: handled %v, %v", handled, err)
					}
				}
				want := "Priya (link team):\nHi Sam, I can call you tomorrow after 4pm."
				eventually(t, "the relayed reply", func() bool { return len(p.got(want)) > 0 })

				// Young person → the group, threaded to the referral.
				if _, err := r.eng.Handle(t.Context(), bot.Inbound{Channel: p.channel, Address: p.addr,
					ID: p.channel + "-later-" + p.addr, Text: "Can we talk on Friday instead?"}); err != nil {
					t.Fatal(err)
				}
				msg := r.handoff(t, bot.KindMessage)
				if msg.Referral != h.ID {
					t.Fatalf("message handoff for %q", msg.Referral)
				}
				var later tgfake.SentMessage
				eventually(t, "the message in the group", func() bool {
					for _, m := range r.groupPosts() {
						if strings.Contains(m.Text, "Can we talk on Friday instead?") && strings.Contains(m.Text, h.ID) {
							later = m
							return true
						}
					}
					return false
				})
				eventually(t, "the message's post linked", func() bool {
					return r.record(t, msg.ID).Delivered["telegram"] == strconv.Itoa(later.MessageID)
				})
				if later.ReplyTo != post || !strings.Contains(later.Text, h.ID) {
					t.Errorf("message posted as %+v, want a reply to %d", later, post)
				}
				eventually(t, "the quiet-mode note", func() bool { return len(p.got("passed it to the link team")) == 1 })

				// A reply to the message's post reaches the young person too.
				if _, err := r.claims.HandleGroupUpdate(t.Context(), groupReply(base+2, 9101+i, later.MessageID, "Priya", "Friday works.")); err != nil {
					t.Fatal(err)
				}
				eventually(t, "the second relayed reply", func() bool { return len(p.got("Priya (link team):\nFriday works.")) == 1 })

				time.Sleep(300 * time.Millisecond) // duplicates would arrive now
				if got := p.got(want); len(got) != 1 {
					t.Errorf("the first reply reached the young person %d times", len(got))
				}
				if got := p.got("Shah"); len(got) != 0 {
					t.Errorf("the worker's surname was sent: %q", got)
				}
			})
		}
	})
}

func TestGroupMessagesThatAreNotRelayed(t *testing.T) {
	eachStore(t, func(t *testing.T, open func() backend) {
		r := newRig(t, open())
		run(t, r.dispatcher("p1", nil))
		addr := "+447700900302"
		_, post := r.delivered(t, addr)
		eventually(t, "the last reply of the conversation", func() bool { return len(r.smsTo(addr, "Thank you, Sam")) == 1 })
		sent := len(r.tw.Sent())
		before := len(r.groupPosts())

		// Chat among the workers (not a reply), a reply to another message,
		// and a message from a bot: ignored.
		chat := mustJSON(map[string]any{"update_id": 50, "message": map[string]any{"message_id": 7001,
			"date": time.Now().Unix(), "chat": groupChatJSON(), "from": worker("Priya", ""), "text": "who's on today?"}})
		other := groupReply(51, 7002, 424242, "Priya", "replying to something else")
		for _, u := range [][]byte{chat, other} {
			if handled, err := r.claims.HandleGroupUpdate(t.Context(), u); !handled || err != nil {
				t.Fatalf("handled %v, %v", handled, err)
			}
		}
		// A photo as a reply: the worker is told only text is passed on.
		if _, err := r.claims.HandleGroupUpdate(t.Context(), groupReply(52, 7003, post, "Priya", "")); err != nil {
			t.Fatal(err)
		}
		posts := r.groupPosts()
		if len(posts) != before+1 || posts[len(posts)-1].ReplyTo != 7003 || !strings.Contains(posts[len(posts)-1].Text, "only text") {
			t.Errorf("group posts after a photo reply: %+v", posts[before:])
		}
		time.Sleep(300 * time.Millisecond)
		if got := r.tw.Sent()[sent:]; len(got) != 0 {
			t.Errorf("sent to the young person: %+v", got)
		}
	})
}
