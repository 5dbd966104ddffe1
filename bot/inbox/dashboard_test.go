package inbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/bot/inbox"
)

// The dashboard runs on impact.Build over events kept in a slice, through
// the same real HTTP server and sign-in as the rest of the inbox.

// A signed-out visitor is sent to sign in, from the page and from every
// download.
func TestDashboardNeedsSignIn(t *testing.T) {
	r, _ := dashboardRig(t, sampleEvents(t))
	b := r.browser(t)
	for _, path := range []string{"/inbox/dashboard", "/inbox/dashboard.csv", "/inbox/dashboard.json?from=2025-05-01", "/inbox/dashboard.md"} {
		p := b.get(path)
		if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/inbox/login") {
			t.Errorf("%s signed out: %d %q, want a redirect to sign in", path, p.StatusCode, p.Header.Get("Location"))
		}
		if strings.Contains(p.Body, "st-marys") || strings.Contains(p.Body, "Referrals by") {
			t.Errorf("%s shows figures signed out: %q", path, p.Body)
		}
	}
}

// Without Options.Report there is no dashboard: no link, and 404.
func TestNoDashboardWithoutReport(t *testing.T) {
	r := newRig(t, nil)
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	if p := b.get("/inbox"); strings.Contains(p.Body, "/inbox/dashboard") {
		t.Errorf("the list links to a dashboard that is not there:\n%s", p.Body)
	}
	for _, path := range []string{"/inbox/dashboard", "/inbox/dashboard.csv"} {
		if p := b.get(path); p.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, p.StatusCode)
		}
	}
}

var sectionIDs = []string{"by-week", "by-source", "by-age", "by-help", "by-situation", "by-channel",
	"funnel", "claim-times", "outcomes", "follow-ups", "wellbeing", "situation-change"}

// The default period is the twelve full weeks before this one and this
// week to today; the page has the form, the suppression note, the
// headline numbers and every section with its heading, sentence, chart
// and table, under the inbox's CSP with no inline style or script.
func TestDashboardShowsEveryFigure(t *testing.T) {
	r, calls := dashboardRig(t, sampleEvents(t))
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	if p := b.get("/inbox"); !strings.Contains(p.Body, `<a href="/inbox/dashboard" id="nav-dashboard">Dashboard</a>`) {
		t.Errorf("the list has no Dashboard link:\n%s", p.Body)
	}
	p := b.get("/inbox/dashboard")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d %q", p.StatusCode, p.Body)
	}
	// The rig's clock is Tuesday 3 June 2025: this week began on 2 June.
	got := <-calls
	if want := (asked{time.Date(2025, 3, 10, 0, 0, 0, 0, london), time.Date(2025, 6, 4, 0, 0, 0, 0, london)}); !got.from.Equal(want.from) || !got.to.Equal(want.to) {
		t.Errorf("Report asked for %v to %v, want %v to %v", got.from, got.to, want.from, want.to)
	}
	for _, want := range []string{
		`id="dashboard"`, `<input type="date" id="period-from" name="from" value="2025-03-10" required>`,
		`<input type="date" id="period-to" name="to" value="2025-06-03" required>`, `<button type="submit" id="period-show">Show</button>`,
		`<label for="period-from">`, `<label for="period-to">`,
		"Counts under 5 are shown as &lt;5 so nobody can be identified", `id="headline"`,
		`aria-current="page">Dashboard</a>`,
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the page has no %s", want)
		}
	}
	for id, want := range map[string]string{"headline-conversations": "12", "headline-referrals": "12",
		"headline-safeguarding": "&lt;5", "headline-claim": "0.5 hours", "headline-checkins": "8"} {
		if m := regexp.MustCompile(`id="` + id + `"><dt>[^<]+</dt><dd>([^<]*)</dd>`).FindStringSubmatch(p.Body); m == nil || m[1] != want {
			t.Errorf("headline %s: %v, want %q", id, m, want)
		}
	}
	for _, id := range sectionIDs {
		s := section(t, p.Body, id)
		for _, want := range []string{`<h2 id="` + id + `-heading">`, "</p>", `<table>`, `<caption>`, "Show the numbers"} {
			if !strings.Contains(s, want) {
				t.Errorf("section %s has no %s:\n%s", id, want, s)
			}
		}
		if !strings.Contains(s, `<svg xmlns="http://www.w3.org/2000/svg" class="chart"`) || !strings.Contains(s, `role="img"`) {
			t.Errorf("section %s has no chart:\n%s", id, s)
		}
	}
	for id, rows := range map[string][]string{
		"wellbeing": {
			`<th scope="row">Life satisfaction</th><td class="num">8</td><td class="num">4.0</td><td class="num">6.0</td><td class="num">&#43;2.0</td>`,
			`<th scope="row">Anxiety (lower is better)</th><td class="num">8</td><td class="num">7.0</td><td class="num">5.0</td><td class="num">-2.0</td>`,
			`<th scope="row">Happiness</th><td class="num">0</td><td class="num">-</td>`,
			">At referral</text>", ">At check-in</text>", "-hatch)",
		},
		"situation-change": {
			`<th scope="row">Not in work, education or training at referral</th><td class="num">100.0%</td>`,
			`<th scope="row">Not in work, education or training at check-in</th><td class="num">0.0%</td>`,
			`<th scope="row">Moved into work, education or training</th><td class="num">8</td>`,
			`<th scope="row">In work</th><td class="num">0</td><td class="num">8</td>`,
		},
		"follow-ups": {`<th scope="row">Sent</th><td class="num">8</td>`},
	} {
		s := section(t, p.Body, id)
		for _, want := range rows {
			if !strings.Contains(s, want) {
				t.Errorf("section %s has no %s:\n%s", id, want, s)
			}
		}
	}
	if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	for _, bad := range []string{"style=", "<style", "<script", " onclick", " onload"} {
		if strings.Contains(p.Body, bad) {
			t.Errorf("the page has %q, which the CSP forbids or which is a script", bad)
		}
	}
	if ids := regexp.MustCompile(`id="([^"]+)"`).FindAllStringSubmatch(p.Body, -1); len(ids) > 0 {
		seen := map[string]bool{}
		for _, m := range ids {
			if seen[m[1]] {
				t.Errorf("id %q is used twice", m[1])
			}
			seen[m[1]] = true
		}
	}
	for _, ext := range []string{"csv", "json", "md"} {
		if want := `href="/inbox/dashboard.` + ext + `?from=2025-03-10&amp;to=2025-06-03"`; !strings.Contains(p.Body, want) {
			t.Errorf("no download link %s", want)
		}
	}
}

// A count under 5 is shown as "<5", in the table and in the chart (a
// dashed outline), and its true value is nowhere on the page.
func TestDashboardHidesSmallCounts(t *testing.T) {
	r, _ := dashboardRig(t, sampleEvents(t))
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	p := b.get("/inbox/dashboard?from=2025-05-01&to=2025-05-31")
	s := section(t, p.Body, "by-source")
	row := regexp.MustCompile(`<th scope="row">youth-club</th><td class="num">([^<]*)</td>`).FindStringSubmatch(s)
	if row == nil || row[1] != "&lt;5" {
		t.Errorf("youth-club's 2 referrals: %v, want <5 in:\n%s", row, s)
	}
	if !strings.Contains(s, `stroke-dasharray=`) || !strings.Contains(s, `>&lt;5</text>`) {
		t.Errorf("the chart does not draw the hidden count as an outline labelled <5:\n%s", s)
	}
	if strings.Contains(s, ">2<") {
		t.Errorf("the true count shows:\n%s", s)
	}
	// st-marys' 10 would give youth-club's away from the total of 12, so
	// it is hidden too, with the other mark.
	for _, want := range []string{`<th scope="row">st-marys</th><td class="num">[c]</td>`, `<th scope="row">In all</th><td class="num">12</td>`} {
		if !strings.Contains(s, want) {
			t.Errorf("by source has no %s:\n%s", want, s)
		}
	}
	if !strings.Contains(p.Body, "[c] marks a count hidden") {
		t.Error("the page does not explain [c]")
	}
}

// The downloads are the same figures for the same period, as files that
// are never cached.
func TestDashboardDownloads(t *testing.T) {
	r, calls := dashboardRig(t, sampleEvents(t))
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	for _, tc := range []struct{ ext, contentType, want string }{
		{"csv", "text/csv; charset=utf-8", "youth-club"},
		{"json", "application/json", `"suppress_below"`},
		{"md", "text/markdown; charset=utf-8", "youth-club"},
	} {
		p := b.get("/inbox/dashboard." + tc.ext + "?from=2025-05-01&to=2025-05-31")
		if p.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %q", tc.ext, p.StatusCode, p.Body)
		}
		if got := p.Header.Get("Content-Type"); got != tc.contentType {
			t.Errorf("%s: Content-Type %q, want %q", tc.ext, got, tc.contentType)
		}
		if got, want := p.Header.Get("Content-Disposition"), `attachment; filename="signpost-impact-2025-05-01-to-2025-05-31.`+tc.ext+`"`; got != want {
			t.Errorf("%s: Content-Disposition %q, want %q", tc.ext, got, want)
		}
		if got := p.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", tc.ext, got)
		}
		if !strings.Contains(p.Body, tc.want) {
			t.Errorf("%s has no %s:\n%s", tc.ext, tc.want, p.Body)
		}
		if got := <-calls; !got.from.Equal(time.Date(2025, 5, 1, 0, 0, 0, 0, london)) || !got.to.Equal(time.Date(2025, 6, 1, 0, 0, 0, 0, london)) {
			t.Errorf("%s: Report asked for %v to %v", tc.ext, got.from, got.to)
		}
		if tc.ext == "json" {
			var rep struct {
				Referrals any `json:"referrals"`
			}
			if err := json.Unmarshal([]byte(p.Body), &rep); err != nil || rep.Referrals != float64(12) {
				t.Errorf("json: %v, referrals %v", err, rep.Referrals)
			}
		}
	}
	if p := b.get("/inbox/dashboard.csv?from=soon"); p.StatusCode != http.StatusBadRequest {
		t.Errorf("a download with a bad date: %d, want 400", p.StatusCode)
	}
}

// A period that cannot be shown is the page again with what is wrong,
// never a server error; the figures are not worked out.
func TestDashboardBadDates(t *testing.T) {
	r, calls := dashboardRig(t, sampleEvents(t))
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	for _, tc := range []struct {
		name, query, want string
		fromBad, toBad    bool
	}{
		{"not a date", "from=last+week&to=2025-05-31", "The start date must be a date", true, false},
		{"end not a date", "from=2025-05-01&to=2025-02-30", "The end date must be a date", false, true},
		{"backwards", "from=2025-05-31&to=2025-05-01", "after the end date", true, true},
		{"future", "from=2025-07-01&to=2025-07-31", "in the future", true, false},
		{"too long", "from=2020-01-01&to=2025-05-31", "too long", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := b.get("/inbox/dashboard?" + tc.query)
			if p.StatusCode != http.StatusBadRequest {
				t.Errorf("%d, want 400", p.StatusCode)
			}
			m := flashText.FindStringSubmatch(p.Body)
			if m == nil || m[1] != "flash-error" || m[2] != "alert" || !strings.Contains(m[3], tc.want) {
				t.Errorf("flash %q, want an error with %q\n%s", m, tc.want, p.Body)
			}
			if !strings.Contains(p.Body, `id="period-show"`) || strings.Contains(p.Body, `id="headline"`) {
				t.Errorf("want the form and no figures:\n%s", p.Body)
			}
			q, _ := url.ParseQuery(tc.query)
			for field, bad := range map[string]bool{"from": tc.fromBad, "to": tc.toBad} {
				input := regexp.MustCompile(`<input type="date" id="period-` + field + `"[^>]*>`).FindString(p.Body)
				if strings.Contains(input, `aria-invalid="true"`) != bad {
					t.Errorf("%s: %s, want aria-invalid %t", field, input, bad)
				}
				if !strings.Contains(input, `value="`+q.Get(field)+`"`) && !strings.Contains(input, `value="`+strings.ReplaceAll(q.Get(field), " ", "&#32;")+`"`) {
					t.Errorf("%s does not keep what was typed: %s", field, input)
				}
			}
		})
	}
	select {
	case c := <-calls:
		t.Errorf("the figures were worked out for a bad period: %v", c)
	default:
	}
}

// When the figures cannot be worked out the page says so with a 503.
func TestDashboardReportFails(t *testing.T) {
	r := newRig(t, func(o *inbox.Options) {
		o.Report = func(context.Context, time.Time, time.Time) (*impact.Report, error) {
			return nil, errors.New("store down")
		}
	})
	b := r.browser(t)
	b.signIn(priya, priyaPW)
	if p := b.get("/inbox/dashboard"); p.StatusCode != http.StatusServiceUnavailable || strings.Contains(p.Body, "store down") {
		t.Errorf("%d %q, want 503 without the cause", p.StatusCode, p.Body)
	}
}
