package storetest

import (
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
)

func webTranscript(t *testing.T, open Open) {
	st := open(t, Options{})
	for _, text := range []string{"one", "two", "three"} {
		if err := st.AppendWeb(ctx, "w1", bot.Outbound{ID: text, Channel: "web", Address: "w1", Text: text,
			Options: []bot.Option{{ID: "a", Label: "A"}}}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.WebSince(ctx, "w1", 1)
	if err != nil || len(got) != 2 || got[0].Seq != 2 || got[0].Out.Text != "two" || got[1].Out.Options[0].Label != "A" {
		t.Fatalf("since 1: %+v %v", got, err)
	}
	if other, _ := st.WebSince(ctx, "w2", 0); len(other) != 0 {
		t.Fatalf("another person's transcript: %+v", other)
	}
	// DELETE erases the transcript, and the sequence goes on so a page
	// that saw message 3 still gets the next one.
	tr := begin(t, st, bot.Inbound{Channel: "web", Address: "w1", ID: "d", Text: "DELETE", At: time.Now()})
	tr.Erase = true
	commit(t, st, tr)
	st.AppendWeb(ctx, "w1", bot.Outbound{ID: "x", Channel: "web", Address: "w1", Text: "deleted"})
	got, _ = st.WebSince(ctx, "w1", 0)
	if len(got) != 1 || got[0].Seq != 4 || got[0].Out.Text != "deleted" {
		t.Fatalf("after erase: %+v", got)
	}
}

func referralList(t *testing.T, open Open) {
	const salt = "0123456789abcdef"
	st := open(t, Options{Salt: salt})
	first := referral(t, st, "+1", refID(salt, "+1", "l1"))
	time.Sleep(5 * time.Millisecond)
	second := referral(t, st, "+2", refID(salt, "+2", "l2"))
	// A later message from the first person is not in the list but is in
	// their records.
	tr := begin(t, st, msg("+1", "later", "hello"))
	msgID := "m-" + bot.HashID(salt, bot.ConversationKey("sms", "+1")) + "-zz"
	tr.Handoffs = []bot.Handoff{{ID: msgID, Kind: bot.KindMessage, Referral: first.ID, Channel: "sms", Address: "+1", Created: time.Now()}}
	commit(t, st, tr)
	list, err := st.ListReferrals(ctx, 10)
	if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
		t.Fatalf("list %+v %v", list, err)
	}
	recs, err := st.PersonRecords(ctx, first.ID)
	if err != nil || len(recs) != 2 {
		t.Fatalf("records of the first person: %+v %v", recs, err)
	}
	// Erased people drop out of the list.
	tr = begin(t, st, msg("+2", "del", "DELETE"))
	tr.Erase = true
	commit(t, st, tr)
	if list, _ := st.ListReferrals(ctx, 10); len(list) != 1 || list[0].ID != first.ID {
		t.Fatalf("list after erase %+v", list)
	}
}
