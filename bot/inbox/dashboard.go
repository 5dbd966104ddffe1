package inbox

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/server"
)

// The dashboard shows the impact figures (package impact) for a period,
// already suppressed, as charts and tables, with the same figures to
// download as CSV, JSON or Markdown.

const (
	dashboardPath = "/inbox/dashboard"
	// defaultWeeks is how many full weeks before this one the dashboard
	// shows when no period is asked for.
	defaultWeeks = 12
	// maxPeriodDays bounds a period: the figures are worked out from
	// every event since its start on each request.
	maxPeriodDays = 2*366 + 1
	dateLayout    = "2006-01-02"
)

// downloads are the formats of the figures, with their content types.
var downloads = []struct{ ext, contentType string }{
	{"csv", "text/csv; charset=utf-8"},
	{"json", "application/json"},
	{"md", "text/markdown; charset=utf-8"},
}

// registerDashboard routes the dashboard when there are figures to show:
//
//	GET /inbox/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD    the figures as charts and tables
//	GET /inbox/dashboard.{csv,json,md}?from=…&to=…        the same figures to download
func (in *Inbox) registerDashboard(srv *server.Server) {
	if in.o.Report == nil {
		return
	}
	srv.Handle("GET "+dashboardPath, in.page(in.authed(in.dashboard)))
	for _, d := range downloads {
		srv.Handle("GET "+dashboardPath+"."+d.ext, in.page(in.authed(in.download(d.ext, d.contentType))))
	}
}

// period is the stretch of days a dashboard shows: From up to and
// including To, in UK dates as link workers type them.
type period struct {
	From, To time.Time // 00:00 UK time on the first and the last day
}

// end is the instant the period ends (exclusive): 00:00 the day after To.
func (p period) end() time.Time { return p.To.AddDate(0, 0, 1) }

// query is the period as URL parameters.
func (p period) query() string {
	return url.Values{"from": {p.From.Format(dateLayout)}, "to": {p.To.Format(dateLayout)}}.Encode()
}

// ukDay is 00:00 UK time on t's UK date.
func ukDay(t time.Time) time.Time {
	y, m, d := t.In(ukTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, ukTime)
}

// defaultPeriod is the last defaultWeeks full weeks (Monday to Sunday)
// and this week up to and including today.
func defaultPeriod(now time.Time) period {
	today := ukDay(now)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	return period{From: monday.AddDate(0, 0, -7*defaultWeeks), To: today}
}

// periodError is a period a link worker typed that cannot be shown; its
// message is for them.
type periodError struct {
	msg      string
	from, to bool // which field is wrong
}

func (e *periodError) Error() string { return e.msg }

// parsePeriod reads the from and to parameters; either missing takes
// the default's.
func parsePeriod(q url.Values, now time.Time) (period, error) {
	p := defaultPeriod(now)
	day := func(name string, into *time.Time, what string, from bool) error {
		s := q.Get(name)
		if s == "" {
			return nil
		}
		t, err := time.ParseInLocation(dateLayout, s, ukTime)
		if err != nil {
			return &periodError{msg: "The " + what + " date must be a date like 2025-03-31.", from: from, to: !from}
		}
		*into = t
		return nil
	}
	if err := day("from", &p.From, "start", true); err != nil {
		return p, err
	}
	if err := day("to", &p.To, "end", false); err != nil {
		return p, err
	}
	today := ukDay(now)
	switch {
	case p.From.After(today):
		return p, &periodError{msg: "The start date is in the future: choose a start date up to today.", from: true}
	case p.From.After(p.To):
		return p, &periodError{msg: "The start date is after the end date: choose a start date on or before the end date.", from: true, to: true}
	case p.end().Sub(p.From) > maxPeriodDays*24*time.Hour+time.Hour: // an hour's slack for the clocks changing
		return p, &periodError{msg: fmt.Sprintf("That period is too long: choose at most %d days.", maxPeriodDays), from: true, to: true}
	}
	return p, nil
}

// dashboardPage is the dashboard's template data.
type dashboardPage struct {
	base
	From, To       string // as typed, so a wrong one can be corrected
	FromBad, ToBad bool
	HasReport      bool // false when the period asked for cannot be shown
	Period         string
	SuppressBelow  int
	Generated      string
	Headline       []headline
	Sections       []section
	Downloads      []downloadLink
}

type downloadLink struct{ ID, Href, Label string }

// dashboard shows the figures of the period asked for, or the form with
// what is wrong with it.
func (in *Inbox) dashboard(w http.ResponseWriter, r *http.Request, s *session) error {
	q, now := r.URL.Query(), in.o.Now()
	def := defaultPeriod(now)
	p := dashboardPage{base: in.base(w, r, s, "Dashboard"),
		From: cmp.Or(q.Get("from"), def.From.Format(dateLayout)), To: cmp.Or(q.Get("to"), def.To.Format(dateLayout))}
	per, err := parsePeriod(q, now)
	if pe := (*periodError)(nil); errors.As(err, &pe) {
		p.Flash = &flash{Error: true, Text: pe.msg}
		p.FromBad, p.ToBad = pe.from, pe.to
		return in.render(w, http.StatusBadRequest, "dashboard", p)
	}
	p.From, p.To = per.From.Format(dateLayout), per.To.Format(dateLayout)
	rep, err := in.report(r, per)
	if err != nil {
		return err
	}
	p.HasReport = true
	p.Period = per.From.Format("Mon 2 Jan 2006") + " to " + per.To.Format("Mon 2 Jan 2006")
	p.SuppressBelow = rep.SuppressBelow
	p.Generated = when(rep.Generated)
	p.Headline = headlines(rep)
	p.Sections = sections(rep)
	for _, d := range downloads {
		p.Downloads = append(p.Downloads, downloadLink{ID: "download-" + d.ext, Href: dashboardPath + "." + d.ext + "?" + per.query(), Label: downloadLabels[d.ext]})
	}
	return in.render(w, http.StatusOK, "dashboard", p)
}

var downloadLabels = map[string]string{"csv": "CSV (spreadsheet)", "json": "JSON", "md": "Markdown (text)"}

// download sends the period's figures as a file in format.
func (in *Inbox) download(format, contentType string) authedFunc {
	return func(w http.ResponseWriter, r *http.Request, s *session) error {
		per, err := parsePeriod(r.URL.Query(), in.o.Now())
		if pe := (*periodError)(nil); errors.As(err, &pe) {
			return &server.Error{Status: http.StatusBadRequest, Msg: pe.msg}
		}
		rep, err := in.report(r, per)
		if err != nil {
			return err
		}
		var buf bytes.Buffer // whole, so a failure is an error response rather than half a file
		if err := rep.Write(&buf, format); err != nil {
			return fmt.Errorf("writing the %s figures: %w", format, err)
		}
		name := fmt.Sprintf("signpost-impact-%s-to-%s.%s", per.From.Format(dateLayout), per.To.Format(dateLayout), format)
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		h.Set("Cache-Control", "no-store")
		in.log.Info("impact figures downloaded", "worker", s.name, "format", format,
			"from", per.From.Format(dateLayout), "to", per.To.Format(dateLayout))
		_, err = w.Write(buf.Bytes())
		return err
	}
}

// report works out the period's figures.
func (in *Inbox) report(r *http.Request, per period) (*impact.Report, error) {
	rep, err := in.o.Report(r.Context(), per.From, per.end())
	if err == nil && rep == nil {
		err = errors.New("no report")
	}
	if err != nil {
		return nil, &server.Error{Status: http.StatusServiceUnavailable, Msg: "the figures could not be worked out; try again",
			Err: fmt.Errorf("building the impact report for %s to %s: %w", per.From.Format(dateLayout), per.To.Format(dateLayout), err)}
	}
	return rep, nil
}
