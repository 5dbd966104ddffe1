package impact_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/server"
)

const apiToken = "reports-t0ken"

// apiServer serves the API over log on a real HTTP server.
func apiServer(t *testing.T, log bot.EventLog, token string) *httptest.Server {
	t.Helper()
	srv := server.New(server.Options{})
	(&impact.API{Token: token, Log: log, Location: time.UTC, Now: func() time.Time { return reportNow },
		Options: func(o impact.Options) impact.Options {
			o.SuppressBelow, o.Labels, o.Steps = 5, labels, steps
			return o
		}}).Register(srv)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, ts *httptest.Server, path, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestAPI(t *testing.T) {
	ts := apiServer(t, eventSlice(larger()), apiToken)
	const period = "from=2026-09-07&to=2026-10-04"
	for _, tc := range []struct {
		name, path, token string
		status            int
		contentType       string
		body              string // a part of the body
	}{
		{"no token", "/api/reports", "", http.StatusUnauthorized, "", "bearer token"},
		{"wrong token", "/api/reports", "reports-t0keN", http.StatusUnauthorized, "", "bearer token"},
		{"the whole report", "/api/reports?" + period, apiToken, http.StatusOK, "application/json", `"referrals_by_week": {`},
		{"json by name", "/api/reports?format=json&" + period, apiToken, http.StatusOK, "application/json", `"suppress_below": 5`},
		{"csv", "/api/reports?format=csv&" + period, apiToken, http.StatusOK, "text/csv; charset=utf-8",
			"referrals_by_source,st-marys,St Mary's School,count,17\n"},
		{"markdown", "/api/reports?format=md&" + period, apiToken, http.StatusOK, "text/markdown; charset=utf-8",
			"| St Mary's School | 17 |"},
		{"one figure", "/api/reports/outcomes?" + period, apiToken, http.StatusOK, "application/json",
			`"outcomes": {`},
		{"one figure as csv", "/api/reports/time_to_claim?format=csv&" + period, apiToken, http.StatusOK, "text/csv; charset=utf-8",
			"time_to_claim_bands,1_4h,1 to 4 hours,count,10\n"},
		{"an unknown figure lists the names", "/api/reports/everything", apiToken, http.StatusNotFound, "",
			"referrals_by_week, referrals_by_source"},
		{"an unknown format", "/api/reports?format=xlsx", apiToken, http.StatusBadRequest, "", "format must be one of csv, json, md"},
		{"a bad date", "/api/reports?from=2026-13-01", apiToken, http.StatusBadRequest, "", "from must be a date like 2026-09-01"},
		{"a bad to", "/api/reports?from=2026-01-01&to=yesterday", apiToken, http.StatusBadRequest, "", "to must be a date like"},
		{"from after to", "/api/reports?from=2026-10-05&to=2026-10-04", apiToken, http.StatusBadRequest, "",
			"from (2026-10-05) is after to (2026-10-04)"},
		{"one day", "/api/reports/referrals?from=2026-09-07&to=2026-09-07", apiToken, http.StatusOK, "application/json",
			`"to": "2026-09-08T00:00:00Z"`},
		{"three years", "/api/reports/referrals?from=2023-10-05&to=2026-10-04", apiToken, http.StatusOK, "application/json", `"from": "2023-10-05`},
		{"over three years", "/api/reports?from=2023-10-04&to=2026-10-04", apiToken, http.StatusBadRequest, "", "longer than 3 years"},
		{"the last 12 full weeks by default", "/api/reports/referrals", apiToken, http.StatusOK, "application/json",
			`"from": "2026-09-21T00:00:00Z",` + "\n" + `  "generated": "2026-12-14T10:00:00Z",` + "\n" + `  "referrals": 10,` + "\n" + `  "suppress_below": 5,` + "\n" + `  "to": "2026-12-14T00:00:00Z"`},
		{"from alone runs to today", "/api/reports/referrals?from=2026-12-01", apiToken, http.StatusOK, "application/json",
			`"to": "2026-12-15T00:00:00Z"`},
		{"to alone is the 12 weeks to it", "/api/reports/referrals?to=2026-10-04", apiToken, http.StatusOK, "application/json",
			`"from": "2026-07-13T00:00:00Z"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, ts, tc.path, tc.token)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if !strings.Contains(body, tc.body) {
				t.Errorf("body has no %q:\n%s", tc.body, body)
			}
			if tc.status == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate challenge")
			}
			if tc.status != http.StatusOK {
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
		})
	}
}

// The API's report for the golden period (to inclusive) is the golden
// report.
func TestAPIWholeReport(t *testing.T) {
	ts := apiServer(t, eventSlice(larger()), apiToken)
	golden, err := os.ReadFile("testdata/report.json.golden")
	if err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, ts, "/api/reports?from=2026-09-07&to=2026-10-04", apiToken); body != string(golden) {
		t.Errorf("the report differs from testdata/report.json.golden:\n%s", diff(string(golden), body))
	}
}

func TestAPIOneFigureIsJustThatFigure(t *testing.T) {
	ts := apiServer(t, eventSlice(larger()), apiToken)
	_, body := get(t, ts, "/api/reports/wellbeing?from=2026-09-07&to=2026-10-04", apiToken)
	var v map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range v {
		keys = append(keys, k)
	}
	if len(v) != 5 || v["wellbeing"] == nil || v["referrals"] != nil {
		t.Errorf("keys %v, want from, to, generated, suppress_below and wellbeing", keys)
	}
}

func TestAPIDisabledWithoutToken(t *testing.T) {
	ts := apiServer(t, eventSlice(sample()), "")
	for _, token := range []string{"", "anything"} {
		if resp, _ := get(t, ts, "/api/reports", token); resp.StatusCode != http.StatusNotFound {
			t.Errorf("token %q: %d, want 404", token, resp.StatusCode)
		}
	}
}

func TestAPIStoreFailure(t *testing.T) {
	ts := apiServer(t, failingLog{}, apiToken)
	resp, body := get(t, ts, "/api/reports", apiToken)
	if resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, "connection refused") {
		t.Errorf("%d %q, want 503 without the cause", resp.StatusCode, body)
	}
}

func TestPeriodInTheServicesTimeZone(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	// Across the end of summer time: midnight is 23:00 UTC before it and
	// 00:00 UTC after.
	o, err := impact.Period("2026-10-20", "2026-10-25", london, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := o.From.UTC().Format(time.RFC3339)+" "+o.To.UTC().Format(time.RFC3339),
		"2026-10-19T23:00:00Z 2026-10-26T00:00:00Z"; got != want {
		t.Errorf("period %s, want %s", got, want)
	}
	if !o.Now().Equal(reportNow) {
		t.Errorf("Now() = %v", o.Now())
	}
	if _, err := impact.Period("20-10-2026", "", london, reportNow); !errors.Is(err, impact.ErrBadPeriod) {
		t.Errorf("a bad date: %v", err)
	}
}
