package impact

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownFigure is returned for a figure name not in Figures.
var ErrUnknownFigure = errors.New("unknown figure")

// cell is one value of a figure: one line of the CSV.
type cell struct{ key, label, column, value string }

// section is a figure, or a part of one, as one table of cells: a
// Markdown heading with its table, and lines of the CSV.
type section struct {
	figure    string // the CSV figure name
	title     string // the Markdown heading; sections with the same title share a table
	keyHeader string // the Markdown header of the row names
	note      string
	cells     []cell
	total     string // the table's total, when it has one
}

// figure is one figure of the report by its JSON name.
type figure struct {
	name     string
	value    func(*Report) any
	sections func(*Report) []section
}

// figures lists the figures in report order.
var figures = []figure{
	{"conversations", func(r *Report) any { return r.Conversations }, func(r *Report) []section {
		return headline("conversations", "Conversations started", r.Conversations)
	}},
	{"referrals", func(r *Report) any { return r.Referrals }, func(r *Report) []section {
		return headline("referrals", "Referrals made", r.Referrals)
	}},
	{"safeguarding", func(r *Report) any { return r.Safeguarding }, func(r *Report) []section {
		return headline("safeguarding", "Safeguarding alerts", r.Safeguarding)
	}},
	tableFigure("referrals_by_week", "Week", func(r *Report) Table { return r.ByWeek }),
	tableFigure("referrals_by_source", "School or link code", func(r *Report) Table { return r.BySource }),
	tableFigure("referrals_by_age", "Age", func(r *Report) Table { return r.ByAge }),
	tableFigure("referrals_by_help", "Help", func(r *Report) Table { return r.ByHelp }),
	tableFigure("referrals_by_situation", "Situation", func(r *Report) Table { return r.BySituation }),
	tableFigure("referrals_by_channel", "Channel", func(r *Report) Table { return r.ByChannel }),
	tableFigure("safeguarding_by_category", "Category", func(r *Report) Table { return r.RisksByKind }),
	tableFigure("outcomes", "Outcome", func(r *Report) Table { return r.Outcomes }),
	{"funnels", func(r *Report) any { return r.Funnels }, funnelSections},
	{"time_to_claim", func(r *Report) any { return r.ClaimTimes }, func(r *Report) []section {
		c := r.ClaimTimes
		return []section{metrics("time_to_claim", "Time to claim",
			cell{"claimed", "Referrals claimed", "value", c.Claimed.String()},
			cell{"unclaimed", "Referrals not claimed yet", "value", c.Unclaimed.String()},
			cell{"median_hours", "Median time to claim (hours)", "value", c.MedianHours.String()},
			cell{"p90_hours", "90% claimed within (hours)", "value", c.P90Hours.String()},
		), tableSection(c.Bands, "Time to claim")}
	}},
	{"follow_ups", func(r *Report) any { return r.FollowUps }, func(r *Report) []section {
		f := r.FollowUps
		return []section{metrics("follow_ups", "Check-ins",
			cell{"due", "Check-ins due", "value", f.Due.String()},
			cell{"sent", "Check-ins sent", "value", f.Sent.String()},
			cell{"opted_out", "Not sent: opted out", "value", f.OptedOut.String()},
			cell{"answered", "Check-ins answered", "value", f.Answered.String()},
			cell{"completed", "Check-ins completed", "value", f.Completed.String()},
		), tableSection(f.GotHelp, "Help")}
	}},
	{"wellbeing", func(r *Report) any { return r.Wellbeing }, func(r *Report) []section {
		s := section{figure: "wellbeing", title: "Wellbeing (0 to 10), at referral and at the check-in", keyHeader: "Measure",
			note: "People who gave a score both times. For anxiety a fall is an improvement."}
		for _, m := range r.Wellbeing {
			s.cells = append(s.cells, cell{m.Name, m.Label, "pairs", m.Pairs.String()},
				cell{m.Name, m.Label, "before_mean", m.Before.String()},
				cell{m.Name, m.Label, "after_mean", m.After.String()},
				cell{m.Name, m.Label, "change_mean", m.Change.String()})
		}
		return []section{s}
	}},
	{"situation_change", func(r *Report) any { return r.Situation }, func(r *Report) []section {
		s := r.Situation
		return []section{metrics("situation_change", "Situation change",
			cell{"pairs", "People who answered at referral and at the check-in", "value", s.Pairs.String()},
			cell{"neet_before", "Not in work, education or training at referral", "value", s.NEETBefore.String()},
			cell{"neet_after", "Not in work, education or training at the check-in", "value", s.NEETAfter.String()},
			cell{"into_eet", "Moved into work, education or training", "value", s.IntoEETFrom.String()},
		), tableSection(s.Before, "Situation"), tableSection(s.After, "Situation")}
	}},
}

// Figures returns the names of the figures, as in the report's JSON, in
// report order.
func Figures() []string {
	names := make([]string, len(figures))
	for i, f := range figures {
		names[i] = f.name
	}
	return names
}

// lookup returns the figure called name.
func lookup(name string) (figure, error) {
	for _, f := range figures {
		if f.name == name {
			return f, nil
		}
	}
	return figure{}, fmt.Errorf("%w %q: want one of %s", ErrUnknownFigure, name, strings.Join(Figures(), ", "))
}

func headline(name, label string, c Count) []section {
	return []section{{figure: name, title: "Summary", keyHeader: "Figure", cells: []cell{{"", label, "count", c.String()}}}}
}

func metrics(name, title string, cells ...cell) section {
	return section{figure: name, title: title, keyHeader: "Figure", cells: cells}
}

func tableFigure(name, keyHeader string, t func(*Report) Table) figure {
	return figure{name, func(r *Report) any { return t(r) }, func(r *Report) []section {
		return []section{tableSection(t(r), keyHeader)}
	}}
}

func tableSection(t Table, keyHeader string) section {
	s := section{figure: t.Name, title: t.Title, keyHeader: keyHeader, note: t.Note, total: t.Total.String()}
	for _, row := range t.Rows {
		s.cells = append(s.cells, cell{row.Key, row.Label, "count", row.Count.String()})
	}
	return s
}

func funnelSections(r *Report) []section {
	out := make([]section, 0, len(r.Funnels))
	for _, f := range r.Funnels {
		s := section{figure: "funnel:" + f.Flow, title: "Where conversations stop: " + f.Flow, keyHeader: "Step",
			note:  "Stopped here: the last question reached, with no referral and no end. Timed out: of those, closed with no reply.",
			cells: []cell{{"", "Started", "reached", f.Started.String()}}}
		for _, st := range f.Steps {
			s.cells = append(s.cells, cell{st.Step, st.Label, "reached", st.Reached.String()},
				cell{st.Step, st.Label, "stopped_at", st.StoppedAt.String()},
				cell{st.Step, st.Label, "dropped_off", st.DroppedOff.String()})
		}
		out = append(out, s)
	}
	return out
}
