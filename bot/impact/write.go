package impact

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrUnknownFormat is returned for a format not in Formats.
var ErrUnknownFormat = errors.New("unknown format")

// Formats returns the output formats Write knows: csv, json, md.
func Formats() []string { return []string{"csv", "json", "md"} }

// Write writes the report in format (one of Formats).
func (r *Report) Write(w io.Writer, format string) error {
	return r.write(w, format, figures, true)
}

// WriteFigure writes one figure (one of Figures) in format, with the
// period and the suppression threshold it was made with.
func (r *Report) WriteFigure(w io.Writer, name, format string) error {
	f, err := lookup(name)
	if err != nil {
		return err
	}
	return r.write(w, format, []figure{f}, false)
}

func (r *Report) write(w io.Writer, format string, figs []figure, whole bool) error {
	switch format {
	case "json":
		if whole {
			return r.WriteJSON(w)
		}
		return writeIndented(w, map[string]any{"from": r.From, "to": r.To, "generated": r.Generated,
			"suppress_below": r.SuppressBelow, figs[0].name: figs[0].value(r)})
	case "csv":
		return r.writeCSV(w, figs)
	case "md":
		return r.writeMarkdown(w, figs, whole)
	}
	return fmt.Errorf("%w %q: want one of %s", ErrUnknownFormat, format, strings.Join(Formats(), ", "))
}

// WriteJSON writes the report as indented JSON. Hidden counts are strings
// ("<5", "[c]"), hidden figures "n<5" or "[c]".
func (r *Report) WriteJSON(w io.Writer) error { return writeIndented(w, r) }

// writeIndented writes v as indented JSON, "<5" as it is rather than
// "\u003c5": the JSON is read by people too, and never put into HTML
// unescaped.
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing the report as JSON: %w", err)
	}
	return nil
}

// WriteCSV writes every figure as one long table with the header
// figure,key,label,column,value, after lines for the period
// (figure "report").
func (r *Report) WriteCSV(w io.Writer) error { return r.writeCSV(w, figures) }

func (r *Report) writeCSV(w io.Writer, figs []figure) error {
	cw := csv.NewWriter(w)
	loc := r.From.Location()
	rows := [][]string{
		{"figure", "key", "label", "column", "value"},
		{"report", "first_day", "First day", "value", r.From.Format(time.DateOnly)},
		{"report", "last_day", "Last day", "value", r.lastDay().Format(time.DateOnly)},
		{"report", "generated", "Generated", "value", r.Generated.In(loc).Format(time.RFC3339)},
		{"report", "suppress_below", "Counts under this are hidden", "value", strconv.Itoa(r.SuppressBelow)},
	}
	for _, f := range figs {
		for _, s := range f.sections(r) {
			for _, c := range s.cells {
				rows = append(rows, []string{s.figure, c.key, c.label, c.column, c.value})
			}
			if s.total != "" {
				rows = append(rows, []string{s.figure, "", "Total", "total", s.total})
			}
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("writing the report as CSV: %w", err)
	}
	return nil
}

// lastDay is the last day the period covers (To is exclusive).
func (r *Report) lastDay() time.Time { return r.To.Add(-time.Nanosecond).In(r.From.Location()) }

// WriteMarkdown writes the report for people: the period and the
// suppression rule, then a heading and a table for each figure, then how
// the figures are worked out.
func (r *Report) WriteMarkdown(w io.Writer) error { return r.writeMarkdown(w, figures, true) }

// columnHeaders are the Markdown headers of the CSV columns.
var columnHeaders = map[string]string{
	"count": "Count", "value": "Value", "reached": "Reached", "stopped_at": "Stopped here",
	"dropped_off": "Timed out here", "pairs": "People", "before_mean": "Mean at referral",
	"after_mean": "Mean at check-in", "change_mean": "Mean change",
}

func (r *Report) writeMarkdown(w io.Writer, figs []figure, whole bool) error {
	bw := bufio.NewWriter(w)
	days := int(r.To.Sub(r.From).Round(24*time.Hour) / (24 * time.Hour))
	fmt.Fprintf(bw, "# Signpost impact report\n\n")
	fmt.Fprintf(bw, "Period: %s to %s (%d days). Generated %s.\n\n", r.From.Format("Monday 2 January 2006"),
		r.lastDay().Format("Monday 2 January 2006"), days, r.Generated.In(r.From.Location()).Format("2 January 2006 15:04 MST"))
	fmt.Fprint(bw, r.suppressionRule())
	var sections []section
	for _, f := range figs {
		sections = append(sections, f.sections(r)...)
	}
	for i := 0; i < len(sections); {
		j := i + 1
		for j < len(sections) && sections[j].title == sections[i].title {
			j++
		}
		markdownTable(bw, sections[i:j])
		i = j
	}
	if whole {
		fmt.Fprintf(bw, "\n## How these figures are worked out\n\n%s", Methods)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the report as Markdown: %w", err)
	}
	return nil
}

// suppressionRule says in words how small numbers are hidden.
func (r *Report) suppressionRule() string {
	if r.SuppressBelow <= 1 {
		return "Every count is shown: small numbers are not hidden in this report. Do not share it outside the service.\n"
	}
	n := r.SuppressBelow
	return fmt.Sprintf("Small numbers are hidden so that nobody can be recognised: a count from 1 to %d shows as \"<%d\"; "+
		"\"[c]\" is a larger count hidden so that a \"<%d\" in the same table cannot be worked out from the total; "+
		"\"n<%d\" is an average or a percentage worked out from fewer than %d people; \"-\" means there was nobody to count.\n",
		n-1, n, n, n, n)
}

// markdownTable writes sections that share a title as one table: a row for
// each key, a column for each CSV column.
func markdownTable(w io.Writer, ss []section) {
	fmt.Fprintf(w, "\n## %s\n\n", mdEscape(ss[0].title))
	for _, s := range ss {
		if s.note != "" {
			fmt.Fprintf(w, "%s\n\n", mdEscape(s.note))
			break
		}
	}
	type line struct {
		label  string
		values map[string]string
	}
	var cols []string
	var lines []*line
	at := map[[2]string]*line{}
	for _, s := range ss {
		for _, c := range s.cells {
			if !slices.Contains(cols, c.column) {
				cols = append(cols, c.column)
			}
			id := [2]string{s.figure + "\x00" + c.key, c.label}
			l := at[id]
			if l == nil {
				l = &line{label: c.label, values: map[string]string{}}
				at[id] = l
				lines = append(lines, l)
			}
			l.values[c.column] = c.value
		}
		if s.total != "" {
			if len(cols) == 0 {
				cols = append(cols, "count")
			}
			lines = append(lines, &line{label: "**Total**", values: map[string]string{cols[0]: "**" + s.total + "**"}})
		}
	}
	fmt.Fprintf(w, "| %s |", mdEscape(ss[0].keyHeader))
	for _, c := range cols {
		fmt.Fprintf(w, " %s |", columnHeaders[c])
	}
	fmt.Fprintf(w, "\n| --- |%s\n", strings.Repeat(" ---: |", len(cols)))
	for _, l := range lines {
		fmt.Fprintf(w, "| %s |", mdEscape(l.label))
		for _, c := range cols {
			fmt.Fprintf(w, " %s |", mdEscape(l.values[c]))
		}
		fmt.Fprintln(w)
	}
}

// mdEscape keeps a value inside its table cell.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}
