package inbox

import (
	"html/template"
	"strings"
	"time"

	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/bot/impact/chart"
)

// headline is one of the numbers at the top of the dashboard.
type headline struct{ ID, Label, Value string }

// section is one figure of the dashboard: a heading, a sentence saying
// what it shows, and one or more charts each with its table.
type section struct {
	ID, Heading, Explain string
	Notes                []string
	Figures              []figure
}

// figure is a chart (optional) and the table of its numbers.
type figure struct {
	Heading string // when a section has several figures
	Chart   template.HTML
	Table   dataTable
}

type dataTable struct {
	Caption string
	Head    []string // the first heads the row labels
	Rows    []dataRow
}

type dataRow struct {
	Label string
	Cells []string
	Total bool
}

func headlines(r *impact.Report) []headline {
	median := r.ClaimTimes.MedianHours.String()
	if _, ok := r.ClaimTimes.MedianHours.Value(); ok {
		median += " hours"
	}
	return []headline{
		{"headline-conversations", "Conversations started", r.Conversations.String()},
		{"headline-referrals", "Referrals made", r.Referrals.String()},
		{"headline-safeguarding", "Safeguarding alerts", r.Safeguarding.String()},
		{"headline-claim", "Median time to claim", median},
		{"headline-checkins", "Check-ins sent", r.FollowUps.Sent.String()},
	}
}

// sections are the dashboard's figures, in the order a commissioner
// reads them: who came, how, where they stopped, what happened next.
func sections(r *impact.Report) []section {
	out := []section{
		breakdown("by-week", "Referrals by week", "How many referrals were made in each week, Monday to Sunday.", "Week", "Referrals", r.ByWeek, true),
		breakdown("by-source", "Referrals by source", "Where young people found us: the school or link they came from, or what they told us.", "Source", "Referrals", r.BySource, false),
		breakdown("by-age", "Referrals by age", "How old young people were when they referred themselves, in bands.", "Age", "Referrals", r.ByAge, false),
		breakdown("by-help", "Help asked for", "What young people wanted help with.", "Help wanted", "Referrals", r.ByHelp, false),
		breakdown("by-situation", "Situation at referral", "What young people were doing when they referred themselves.", "Situation", "Referrals", r.BySituation, false),
		breakdown("by-channel", "Referrals by channel", "How young people reached us: text message, Telegram or web chat.", "Channel", "Referrals", r.ByChannel, false),
		breakdown("by-risk", "Safeguarding alerts by kind", "What the safeguarding check found, by kind of risk.", "Kind", "Alerts", r.RisksByKind, false),
		funnels(r.Funnels),
		claimTimes(r.ClaimTimes),
		breakdown("outcomes", "Outcomes", "What link workers recorded when they closed a referral; awaiting means no outcome yet.", "Outcome", "Referrals", r.Outcomes, false),
		followUps(r.FollowUps),
		wellbeing(r.Wellbeing),
		situationChange(r.Situation),
	}
	return out
}

// breakdown is the section of one table: a chart of its rows (columns
// for weeks, bars otherwise) and the rows with their total.
func breakdown(id, heading, explain, what, unit string, t impact.Table, weeks bool) section {
	s := section{ID: id, Heading: heading, Explain: explain, Figures: []figure{tableFigure(heading, explain, what, unit, t, weeks)}}
	if t.Note != "" {
		s.Notes = append(s.Notes, t.Note)
	}
	return s
}

func tableFigure(heading, explain, what, unit string, t impact.Table, weeks bool) figure {
	f := figure{Table: dataTable{Caption: heading, Head: []string{what, unit}}}
	var bars []chart.Bar
	for _, row := range t.Rows {
		label, short := rowLabel(row), rowLabel(row)
		if day, err := time.Parse(dateLayout, row.Key); weeks && err == nil {
			label, short = "Week from "+day.Format("Mon 2 Jan 2006"), day.Format("2 Jan")
		}
		bars = append(bars, countBar(short, row.Count))
		f.Table.Rows = append(f.Table.Rows, dataRow{Label: label, Cells: []string{row.Count.String()}})
	}
	f.Table.Rows = append(f.Table.Rows, dataRow{Label: "In all", Cells: []string{t.Total.String()}, Total: true})
	if weeks {
		f.Chart = chart.Columns(heading, explain, bars)
	} else {
		f.Chart = chart.HBars(heading, explain, bars)
	}
	return f
}

func rowLabel(r impact.Row) string {
	if r.Label != "" {
		return r.Label
	}
	return r.Key
}

func countBar(label string, c impact.Count) chart.Bar {
	v, _ := c.Value()
	return chart.Bar{Label: label, Value: float64(v), Text: c.String(), Hidden: c.Hidden()}
}

func statBar(label string, s impact.Stat) chart.Bar {
	v, _ := s.Value()
	return chart.Bar{Label: label, Value: v, Text: s.String(), Hidden: s.Hidden()}
}

func funnels(fs []impact.Funnel) section {
	s := section{ID: "funnel", Heading: "Where young people stop",
		Explain: "For each flow, how many conversations reached each question, and how many stopped there without making a referral."}
	for _, fn := range fs {
		title := "Funnel of " + fn.Flow
		f := figure{Heading: title, Table: dataTable{Caption: title + " (" + fn.Started.String() + " started)",
			Head: []string{"Question", "Reached", "Stopped here", "Of those, timed out"}}}
		var pairs []chart.Pair
		for _, st := range fn.Steps {
			label := st.Label
			if label == "" {
				label = st.Step
			}
			pairs = append(pairs, chart.Pair{Label: label, Before: countBar(label, st.Reached), After: countBar(label, st.StoppedAt)})
			f.Table.Rows = append(f.Table.Rows, dataRow{Label: label, Cells: []string{st.Reached.String(), st.StoppedAt.String(), st.DroppedOff.String()}})
		}
		f.Chart = chart.Pairs(title, s.Explain, "Reached", "Stopped here", pairs)
		s.Figures = append(s.Figures, f)
	}
	if len(fs) == 0 {
		s.Notes = append(s.Notes, "No conversations started in this period.")
	}
	return s
}

func claimTimes(c impact.ClaimTimes) section {
	s := breakdown("claim-times", "Time to claim", "How long referrals waited until a link worker claimed them.", "Waited", "Referrals", c.Bands, false)
	s.Figures = append(s.Figures, figure{Table: dataTable{Caption: "Claims in all", Head: []string{"Figure", "Value"}, Rows: []dataRow{
		{Label: "Claimed", Cells: []string{c.Claimed.String()}},
		{Label: "Not claimed yet", Cells: []string{c.Unclaimed.String()}},
		{Label: "Median wait (hours)", Cells: []string{c.MedianHours.String()}},
		{Label: "9 in 10 claimed within (hours)", Cells: []string{c.P90Hours.String()}},
	}}})
	return s
}

func followUps(f impact.FollowUps) section {
	const explain = "The check-in sent to young people some weeks after their referral, and whether they answered it."
	s := section{ID: "follow-ups", Heading: "Check-ins", Explain: explain}
	rows := []struct {
		label string
		c     impact.Count
	}{{"Fell due", f.Due}, {"Sent", f.Sent}, {"Not sent: opted out", f.OptedOut}, {"Answered", f.Answered}, {"Completed", f.Completed}}
	fig := figure{Table: dataTable{Caption: "Check-ins", Head: []string{"Check-ins", "Number"}}}
	var bars []chart.Bar
	for _, r := range rows {
		bars = append(bars, countBar(r.label, r.c))
		fig.Table.Rows = append(fig.Table.Rows, dataRow{Label: r.label, Cells: []string{r.c.String()}})
	}
	fig.Chart = chart.HBars("Check-ins", explain, bars)
	help := tableFigure("Did they get help", "What young people said at the check-in about getting help.", "Got help with", "People", f.GotHelp, false)
	help.Heading = "Did they get help"
	s.Figures = append(s.Figures, fig, help)
	return s
}

func wellbeing(ms []impact.Measure) section {
	const explain = "The four ONS personal wellbeing questions (scored 0 to 10), for the young people who answered both at their referral and at their check-in: higher is better, except for anxious, where lower is better."
	s := section{ID: "wellbeing", Heading: "Wellbeing before and after", Explain: explain}
	fig := figure{Table: dataTable{Caption: "Mean wellbeing scores", Head: []string{"Question", "People", "At referral", "At check-in", "Change"}}}
	var pairs []chart.Pair
	for _, m := range ms {
		label := m.Label
		if m.Name == "anxious" && !strings.Contains(label, "lower is better") {
			label += " (lower is better)"
		}
		pairs = append(pairs, chart.Pair{Label: label, Before: statBar(label, m.Before), After: statBar(label, m.After)})
		fig.Table.Rows = append(fig.Table.Rows, dataRow{Label: label, Cells: []string{m.Pairs.String(), m.Before.String(), m.After.String(), m.Change.String()}})
	}
	fig.Chart = chart.Pairs("Wellbeing before and after", explain, "At referral", "At check-in", pairs)
	s.Figures = append(s.Figures, fig)
	return s
}

func situationChange(c impact.SituationChange) section {
	const explain = "What young people were doing at their referral and at their check-in, for those who answered both times."
	s := section{ID: "situation-change", Heading: "Situation before and after", Explain: explain}
	neet := "Not in work, education or training"
	share := figure{Heading: "Not in work, education or training",
		Chart: chart.Pairs("Share not in work, education or training", "The share of young people not in work, education or training, at their referral and at their check-in.",
			"At referral", "At check-in", []chart.Pair{{Label: neet, Before: statBar(neet, c.NEETBefore), After: statBar(neet, c.NEETAfter)}}),
		Table: dataTable{Caption: "Work, education and training", Head: []string{"Figure", "Value"}, Rows: []dataRow{
			{Label: "Young people who answered both times", Cells: []string{c.Pairs.String()}},
			{Label: "Not in work, education or training at referral", Cells: []string{c.NEETBefore.String()}},
			{Label: "Not in work, education or training at check-in", Cells: []string{c.NEETAfter.String()}},
			{Label: "Moved into work, education or training", Cells: []string{c.IntoEETFrom.String()}},
		}}}
	both := figure{Heading: "Every situation", Table: dataTable{Caption: "Situation at referral and at check-in", Head: []string{"Situation", "At referral", "At check-in"}}}
	var pairs []chart.Pair
	for _, k := range situationKeys(c) {
		before, after := rowOf(c.Before, k), rowOf(c.After, k)
		label := rowLabel(before)
		if before.Key == "" {
			label = rowLabel(after)
		}
		pairs = append(pairs, chart.Pair{Label: label, Before: countBar(label, before.Count), After: countBar(label, after.Count)})
		both.Table.Rows = append(both.Table.Rows, dataRow{Label: label, Cells: []string{before.Count.String(), after.Count.String()}})
	}
	both.Chart = chart.Pairs("Situation before and after", explain, "At referral", "At check-in", pairs)
	s.Figures = append(s.Figures, share, both)
	return s
}

// situationKeys are the rows of both tables, before's order first.
func situationKeys(c impact.SituationChange) []string {
	var keys []string
	seen := map[string]bool{}
	for _, rows := range [][]impact.Row{c.Before.Rows, c.After.Rows} {
		for _, r := range rows {
			if !seen[r.Key] {
				seen[r.Key] = true
				keys = append(keys, r.Key)
			}
		}
	}
	return keys
}

// rowOf is t's row with key; the zero row when there is none.
func rowOf(t impact.Table, key string) impact.Row {
	for _, r := range t.Rows {
		if r.Key == key {
			return r
		}
	}
	return impact.Row{}
}
