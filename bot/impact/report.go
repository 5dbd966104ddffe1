package impact

import (
	"time"
)

// Count is a number of conversations, referrals or people as it may be
// shown. A count from 1 to below the threshold is hidden: it prints as "<5"
// (for threshold 5) and marshals to JSON as that string; a count hidden by
// complementary suppression prints and marshals as "[c]"; a shown count
// marshals as a number. The raw value of a hidden count never leaves the
// package.
type Count struct {
	n      int
	hidden bool
	below  int  // the threshold, for the "<5" text
	comp   bool // hidden by complementary suppression: prints "[c]"
}

// Stat is a derived figure (a mean, a median, a percentage) as it may be
// shown: hidden when the number of people behind it is under the threshold.
// It prints with one decimal place ("5.3"; a percentage "42.0%"; a change
// "+0.5"), as "n<5" when hidden, as "[c]" when it would give away a hidden
// count, or as "-" when nobody is behind it; JSON: a number, the string
// mark, or null.
type Stat struct {
	v       float64
	percent bool
	hidden  bool
	below   int
	set     bool // worked out from at least one person; the zero Stat prints "-", JSON null
	signed  bool // a change: prints "+0.5"
	comp    bool // hidden because it would give away a hidden count: prints "[c]"
}

// Row is one line of a breakdown: one bar of a chart.
type Row struct {
	Key   string `json:"key"`   // the code: an option id, an age band, a week's Monday (2006-01-02), a step id
	Label string `json:"label"` // words for people
	Count Count  `json:"count"`
}

// Table is a breakdown of a count.
type Table struct {
	Name  string `json:"name"`  // machine name, e.g. "referrals_by_week"
	Title string `json:"title"` // e.g. "Referrals by week"
	Note  string `json:"note,omitempty"`
	Rows  []Row  `json:"rows"`
	Total Count  `json:"total"` // the number of referrals (or people) the table covers; rows may add up to more (several answers allowed)
}

// FunnelStep is how many conversations reached a step of a flow.
type FunnelStep struct {
	Step       string `json:"step"`
	Label      string `json:"label"`       // the question, shortened
	Reached    Count  `json:"reached"`     // conversations that reached the step
	StoppedAt  Count  `json:"stopped_at"`  // conversations whose last step was this one and which made no referral and reached no end
	DroppedOff Count  `json:"dropped_off"` // of those, the ones closed after the session TTL with no reply
}

// Funnel is the funnel of one flow.
type Funnel struct {
	Flow    string       `json:"flow"`
	Started Count        `json:"started"`
	Steps   []FunnelStep `json:"steps"`
}

// ClaimTimes is how long referrals waited for a link worker.
type ClaimTimes struct {
	Claimed     Count `json:"claimed"`
	Unclaimed   Count `json:"unclaimed"`
	MedianHours Stat  `json:"median_hours"`
	P90Hours    Stat  `json:"p90_hours"`
	Bands       Table `json:"bands"` // under 1 hour, 1–4 hours, 4–24 hours, 1–2 days, over 2 days
}

// FollowUps is how the check-ins went.
type FollowUps struct {
	Due       Count `json:"due"`       // referrals whose check-in fell due
	Sent      Count `json:"sent"`      // check-ins sent
	OptedOut  Count `json:"opted_out"` // not sent: the person had opted out
	Answered  Count `json:"answered"`  // check-ins with at least one answer
	Completed Count `json:"completed"` // check-ins that reached their end
	GotHelp   Table `json:"got_help"`  // the check-in's got_help answer: money, work, neither
}

// Measure is one ONS personal wellbeing question, before (at referral) and
// after (at the check-in), for the people who answered both.
type Measure struct {
	Name   string `json:"name"` // life_satisfaction, worthwhile, happy, anxious
	Label  string `json:"label"`
	Pairs  Count  `json:"pairs"`  // people who answered both times
	Before Stat   `json:"before"` // mean score at referral
	After  Stat   `json:"after"`  // mean score at the check-in
	Change Stat   `json:"change"` // mean of (after − before); for anxious, lower is better
}

// SituationChange compares what people were doing at referral and at the
// check-in, for the people who answered both.
type SituationChange struct {
	Pairs       Count `json:"pairs"`
	NEETBefore  Stat  `json:"neet_before"` // share not in work, education or training at referral (percent)
	NEETAfter   Stat  `json:"neet_after"`  // the same share at the check-in (percent)
	Before      Table `json:"before"`      // situation at referral (paired people only)
	After       Table `json:"after"`       // situation at the check-in (paired people only)
	IntoEETFrom Count `json:"into_eet"`    // people not in work, education or training at referral who were at the check-in
}

// Report is every figure for one period, already suppressed.
type Report struct {
	From          time.Time `json:"from"` // inclusive, 00:00 in the report's time zone
	To            time.Time `json:"to"`   // exclusive
	Generated     time.Time `json:"generated"`
	SuppressBelow int       `json:"suppress_below"`

	Conversations Count `json:"conversations"` // conversations started in the period
	Referrals     Count `json:"referrals"`     // referrals made in the period
	Safeguarding  Count `json:"safeguarding"`  // safeguarding hits in the period

	ByWeek      Table           `json:"referrals_by_week"`
	BySource    Table           `json:"referrals_by_source"`
	ByAge       Table           `json:"referrals_by_age"`
	ByHelp      Table           `json:"referrals_by_help"`
	BySituation Table           `json:"referrals_by_situation"`
	ByChannel   Table           `json:"referrals_by_channel"`
	RisksByKind Table           `json:"safeguarding_by_category"`
	Outcomes    Table           `json:"outcomes"` // one row per outcome, plus "awaiting" (no outcome yet)
	Funnels     []Funnel        `json:"funnels"`
	ClaimTimes  ClaimTimes      `json:"time_to_claim"`
	FollowUps   FollowUps       `json:"follow_ups"`
	Wellbeing   []Measure       `json:"wellbeing"`
	Situation   SituationChange `json:"situation_change"`
}
