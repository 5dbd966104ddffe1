package inbox

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/server"
)

// row is one referral or alert in the list.
type row struct {
	ID        string
	Link      string
	Urgency   urgency
	Kind      string
	FirstName string
	Age       string
	Source    string
	Status    string
	Assignee  string
	Waiting   string
	Received  string
	Closed    bool
}

type listPage struct {
	base
	Rows      []row
	Open      int
	Count     int
	Truncated bool // the store had more than listLimit: the oldest are not shown
	Limit     int
}

// list shows the referrals and alerts in the order they need a link
// worker (see byNeed).
func (in *Inbox) list(w http.ResponseWriter, r *http.Request, s *session) error {
	recs, err := in.o.Referrals.ListReferrals(r.Context(), listLimit)
	if err != nil {
		return &server.Error{Status: http.StatusServiceUnavailable, Msg: "the referrals could not be loaded; try again", Err: fmt.Errorf("listing referrals: %w", err)}
	}
	truncated := len(recs) >= listLimit
	recs = slices.DeleteFunc(recs, func(h *bot.Handoff) bool { return h == nil || h.Kind == bot.KindMessage })
	slices.SortStableFunc(recs, byNeed)
	now := in.o.Now()
	p := listPage{base: in.base(w, r, s, "Referrals"), Count: len(recs), Truncated: truncated, Limit: listLimit}
	for _, h := range recs {
		rw := row{ID: h.ID, Link: detailURL(h.ID), Urgency: urgencyOf(h), Kind: kindLabel(h.Kind),
			FirstName: firstName(h), Age: answer(h, "age"), Source: in.sourceName(h.Source),
			Status: statusLabel(h), Assignee: h.Assignee, Waiting: waiting(h, now), Received: when(h.Created),
			Closed: h.Status == bot.StatusClosed}
		if !rw.Closed {
			p.Open++
		}
		p.Rows = append(p.Rows, rw)
	}
	return in.render(w, http.StatusOK, "list", p)
}

// byNeed orders records by what needs a link worker first:
//
//  1. open before closed;
//  2. open ones by urgency: urgent (and every safeguarding alert), then
//     soon, then routine;
//  3. within an urgency, unclaimed before claimed;
//  4. then the longest waiting (oldest) first.
//
// Closed ones follow, the most recently closed first.
func byNeed(a, b *bot.Handoff) int {
	ac, bc := a.Status == bot.StatusClosed, b.Status == bot.StatusClosed
	switch {
	case ac != bc:
		if ac {
			return 1
		}
		return -1
	case ac:
		return cmp.Or(b.OutcomeAt.Compare(a.OutcomeAt), b.Created.Compare(a.Created), cmp.Compare(a.ID, b.ID))
	}
	return cmp.Or(
		cmp.Compare(urgencyOf(a).Rank, urgencyOf(b).Rank),
		cmp.Compare(claimedRank(a), claimedRank(b)),
		a.Created.Compare(b.Created),
		cmp.Compare(a.ID, b.ID))
}

func claimedRank(h *bot.Handoff) int {
	if h.Assignee != "" {
		return 1
	}
	return 0
}

// waiting says how long an open record has waited for a link worker:
// since it arrived while nobody has it, how long it took once claimed.
func waiting(h *bot.Handoff, now time.Time) string {
	switch {
	case h.Status == bot.StatusClosed:
		return "—"
	case h.Assignee != "" && !h.ClaimedAt.IsZero() && h.ClaimedAt.Sub(h.Created) < time.Minute:
		return "claimed within 1 min"
	case h.Assignee != "" && !h.ClaimedAt.IsZero():
		return "claimed after " + duration(h.ClaimedAt.Sub(h.Created))
	case h.Assignee != "":
		return "—"
	}
	return duration(now.Sub(h.Created))
}
