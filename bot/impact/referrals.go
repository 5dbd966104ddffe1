package impact

import (
	"slices"
	"strings"
	"time"

	"github.com/signpost-app/signpost/bot"
)

// referral is one referral made in the period, followed to now.
type referral struct {
	ev        bot.Event
	checkin   map[string]string // the check-in's answers: the last given for each name
	answered  bool              // the check-in has at least one answer
	completed bool              // the check-in reached an end
}

// cohort returns the referrals made in the period with their check-ins:
// the conversations the "sent" follow-up events name.
func (b *builder) cohort() []*referral {
	var out []*referral
	for _, ev := range b.d.referrals {
		if !b.in(ev.At) {
			continue
		}
		r := &referral{ev: ev, checkin: map[string]string{}}
		seen := map[int64]bool{}
		for _, f := range b.d.followUps[ev.Ref] {
			if f.Value != bot.FollowUpSent || f.Conv == 0 || seen[f.Conv] {
				continue
			}
			seen[f.Conv] = true
			for _, e := range b.d.byConv[conv{ev.Person, f.Conv}] {
				switch e.Kind {
				case bot.EventAnswer:
					r.answered = true
					r.checkin[e.Name] = e.Value
				case bot.EventEnd:
					r.completed = true
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// given returns a coded answer, or notGiven when it is missing or skipped.
func given(v string) string {
	if v == "" || v == skipped {
		return notGiven
	}
	return v
}

// referralTables makes the breakdowns of the referrals made in the period.
func (b *builder) referralTables(rep *Report, refs []*referral) {
	loc := b.o.From.Location()
	var weeks []string
	weekLabels := map[string]string{}
	for w := monday(b.o.From, loc); w.Before(b.o.To); w = w.AddDate(0, 0, 7) {
		k := w.Format(time.DateOnly)
		weeks = append(weeks, k)
		weekLabels[k] = "w/c " + w.Format("2 Jan")
	}
	byWeek, bySource, byAge, byHelp, bySituation, byChannel := map[string]int{}, map[string]int{},
		map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, r := range refs {
		byWeek[monday(r.ev.At, loc).Format(time.DateOnly)]++
		src := r.ev.Source
		if src == "" {
			src = "direct"
		}
		bySource[src]++
		byAge[given(r.ev.Attrs[ansAge])]++
		if help := given(r.ev.Attrs[ansSupport]); help == notGiven {
			byHelp[notGiven]++
		} else {
			var picked []string
			for id := range strings.SplitSeq(help, ",") {
				if id = strings.TrimSpace(id); id != "" && !slices.Contains(picked, id) {
					picked = append(picked, id)
					byHelp[id]++
				}
			}
		}
		bySituation[given(r.ev.Attrs[ansSituation])]++
		byChannel[given(r.ev.Channel)]++
	}
	n := len(refs)
	rep.ByWeek = b.split("referrals_by_week", "Referrals by week", func(k string) string { return weekLabels[k] }, byWeek, weeks, n)
	rep.BySource = b.split("referrals_by_source", "Referrals by school or link code", b.words("source"), bySource, nil, n)
	var bands []string
	for _, band := range bot.AgeBands {
		if slices.Contains(ageBands, band) || byAge[band] > 0 {
			bands = append(bands, band)
		}
	}
	rep.ByAge = b.split("referrals_by_age", "Referrals by age", b.words(ansAge), byAge, bands, n)
	rep.ByHelp = b.overlapping("referrals_by_help", "Help asked for", b.words(ansSupport), byHelp, nil, n)
	rep.ByHelp.Note = "A referral can ask for more than one kind of help, so the rows can add up to more than the total."
	rep.BySituation = b.split("referrals_by_situation", "Situation at referral", b.words(ansSituation), bySituation, situations, n)
	rep.ByChannel = b.split("referrals_by_channel", "Referrals by channel", b.words("channel"), byChannel, channels, n)
}

// monday returns 00:00 on the Monday of t's week in loc.
func monday(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	return time.Date(y, m, d-(int(t.Weekday())+6)%7, 0, 0, 0, 0, loc)
}

// outcomes makes the table of the latest outcome of each referral.
func (b *builder) outcomes(refs []*referral) Table {
	counts := map[string]int{}
	for _, r := range refs {
		o := b.d.outcomes[r.ev.Ref]
		if o == "" {
			o = awaiting
		}
		counts[o]++
	}
	t := b.split("outcomes", "Outcomes", b.words("outcome"), counts, outcomeRows, len(refs))
	t.Note = "The outcome a link worker recorded last for each referral made in the period, up to today."
	return t
}

// claimTimes makes the time to claim from the first claim of each
// referral.
func (b *builder) claimTimes(refs []*referral) ClaimTimes {
	var hours []float64
	bands := map[string]int{}
	for _, r := range refs {
		c, ok := b.d.claims[r.ev.Ref]
		if !ok {
			continue
		}
		wait := time.Duration(c.Seconds) * time.Second
		if c.Seconds <= 0 {
			wait = max(0, c.At.Sub(r.ev.At))
		}
		hours = append(hours, wait.Hours())
		switch {
		case wait < time.Hour:
			bands["under_1h"]++
		case wait < 4*time.Hour:
			bands["1_4h"]++
		case wait < 24*time.Hour:
			bands["4_24h"]++
		case wait < 48*time.Hour:
			bands["1_2d"]++
		default:
			bands["over_2d"]++
		}
	}
	slices.Sort(hours)
	n := len(hours)
	ct := ClaimTimes{
		Claimed: b.count(n), Unclaimed: b.count(len(refs) - n),
		MedianHours: newStat(nearestRank(hours, 50), n, b.below),
		P90Hours:    newStat(nearestRank(hours, 90), n, b.below),
		Bands: b.split("time_to_claim_bands", "How long referrals waited to be claimed", b.words("claim"), bands,
			[]string{"under_1h", "1_4h", "4_24h", "1_2d", "over_2d"}, n),
	}
	ct.Bands.Note = "From each referral to its first claim by a link worker."
	return ct
}

// nearestRank is the p-th percentile of sorted by the nearest-rank
// method: the smallest value with at least p% of the values at or below
// it. 0 for no values.
func nearestRank(sorted []float64, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[max(rank, 1)-1]
}
