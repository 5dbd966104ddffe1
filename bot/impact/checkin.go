package impact

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/signpost-app/signpost/bot"
)

// followUps makes the check-in figures of the referrals made in the
// period: each referral counts once, however many follow-up events it had
// (a check-in put off for a busy day falls due again).
func (b *builder) followUps(refs []*referral) FollowUps {
	var due, sent, optedOut, answered, completed, helpTotal int
	help := map[string]int{}
	for _, r := range refs {
		evs := b.d.followUps[r.ev.Ref]
		if len(evs) == 0 {
			continue
		}
		due++
		wasSent := slices.ContainsFunc(evs, func(e bot.Event) bool { return e.Value == bot.FollowUpSent })
		switch {
		case wasSent:
			sent++
		case slices.ContainsFunc(evs, func(e bot.Event) bool { return e.Value == bot.FollowUpOptedOut }):
			optedOut++
		}
		if r.answered {
			answered++
		}
		if r.completed {
			completed++
		}
		if got := given(r.checkin[ansGotHelp]); got != notGiven {
			helpTotal++
			var seen []string
			for id := range strings.SplitSeq(got, ",") {
				if id = strings.TrimSpace(id); id != "" && !slices.Contains(seen, id) {
					seen = append(seen, id)
					help[id]++
				}
			}
		}
	}
	got := b.overlapping("follow_ups_got_help", "Help had since the referral", b.words(ansGotHelp), help, gotHelpIDs, helpTotal)
	got.Note = "From the check-ins that answered the question; a person can pick more than one."
	return FollowUps{Due: b.count(due), Sent: b.count(sent), OptedOut: b.count(optedOut),
		Answered: b.count(answered), Completed: b.count(completed), GotHelp: got}
}

// score reads a 0–10 answer; false for a skipped or missing one.
func score(v string) (float64, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// wellbeing compares each wellbeing score at referral with the check-in's,
// for the people who gave both.
func (b *builder) wellbeing(refs []*referral) []Measure {
	out := make([]Measure, 0, len(measures))
	for _, m := range measures {
		var n int
		var before, after float64
		for _, r := range refs {
			x, ok1 := score(r.ev.Attrs[m.name])
			y, ok2 := score(r.checkin[m.name])
			if ok1 && ok2 {
				n++
				before += x
				after += y
			}
		}
		mean := func(sum float64) float64 {
			if n == 0 {
				return 0
			}
			return sum / float64(n)
		}
		change := newStat(mean(after)-mean(before), n, b.below) // the mean of the differences is the difference of the means
		change.signed = true
		out = append(out, Measure{Name: m.name, Label: m.label, Pairs: b.count(n),
			Before: newStat(mean(before), n, b.below), After: newStat(mean(after), n, b.below), Change: change})
	}
	return out
}

// situation compares what people were doing at referral and at the
// check-in, for the people who answered both.
func (b *builder) situation(refs []*referral) SituationChange {
	before, after := map[string]int{}, map[string]int{}
	var pairs, into int
	for _, r := range refs {
		x, y := given(r.ev.Attrs[ansSituation]), given(r.checkin[ansSituation])
		if x == notGiven || y == notGiven {
			continue
		}
		pairs++
		before[x]++
		after[y]++
		if x == situationNEET && y != situationNEET && y != situationOther {
			into++
		}
	}
	sc := SituationChange{
		Pairs:       b.count(pairs),
		NEETBefore:  newPercent(before[situationNEET], pairs, b.below),
		NEETAfter:   newPercent(after[situationNEET], pairs, b.below),
		Before:      b.split("situation_change_before", "Situation at referral (people who answered both times)", b.words(ansSituation), before, situations, pairs),
		After:       b.split("situation_change_after", "Situation at the check-in (people who answered both times)", b.words(ansSituation), after, situations, pairs),
		IntoEETFrom: b.count(into),
	}
	// A percentage of the shown number of pairs would give away the count
	// of its row when that row is hidden.
	if neetHidden(sc.Before) && !sc.NEETBefore.hidden {
		sc.NEETBefore.hide()
	}
	if neetHidden(sc.After) && !sc.NEETAfter.hidden {
		sc.NEETAfter.hide()
	}
	return sc
}

func neetHidden(t Table) bool {
	i := slices.IndexFunc(t.Rows, func(r Row) bool { return r.Key == situationNEET })
	return i >= 0 && t.Rows[i].Count.hidden
}
