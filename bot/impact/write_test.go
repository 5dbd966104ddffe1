package impact_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/impact"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// larger is sample plus 14 referrals from one school, so that a report
// suppressed at 5 has shown counts, small ones and complementary ones.
func larger() []bot.Event {
	s := script{evs: sample(), n: 1000}
	for i := range 14 {
		situation := map[bool]string{true: "neet", false: "college"}[i < 6]
		after := map[bool]string{true: "work", false: situation}[i < 4]
		s.referral(referral{person: fmt.Sprint("q", i), ref: fmt.Sprint("rq", i), channel: bot.ChannelWeb, source: "st-marys",
			at: day(7+i%14, time.Duration(i)*time.Minute),
			attrs: attrs("age", "16-17", "support", "work", "situation", situation,
				"life_satisfaction", fmt.Sprint(3+i%4), "anxious", fmt.Sprint(6+i%3)),
			claimAfter: time.Duration(1+i%5) * time.Hour, outcomes: []string{map[bool]string{true: "employment_training", false: "other_service"}[i%3 == 0]},
			followUps:  []string{bot.FollowUpSent},
			checkin:    []string{"life_satisfaction", fmt.Sprint(5 + i%4), "anxious", fmt.Sprint(4 + i%3), "situation", after},
			checkinEnd: i%2 == 0})
	}
	return s.evs
}

func TestGolden(t *testing.T) {
	r := build(t, larger(), 5)
	for _, format := range impact.Formats() {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := r.Write(&buf, format); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "report."+format+".golden"), buf.Bytes())
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, diff(string(want), string(got)))
	}
}

// diff shows the first lines that differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 8; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  want %s\n   got %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

func jsonOf(t *testing.T, r *impact.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// readCSV parses a CSV report, checking its header and that every line
// has five fields.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	lines, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 || strings.Join(lines[0], ",") != "figure,key,label,column,value" {
		t.Fatalf("CSV header: %v", lines)
	}
	return lines[1:]
}

// The CSV covers every figure, and each figure alone has just its lines.
func TestCSVCoversEveryFigure(t *testing.T) {
	r := build(t, larger(), 1)
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	figs := map[string]bool{}
	for _, l := range readCSV(t, buf.Bytes()) {
		figs[strings.SplitN(l[0], ":", 2)[0]] = true
	}
	for _, name := range impact.Figures() {
		if name == "funnels" {
			name = "funnel"
		}
		if !figs[name] {
			t.Errorf("no %s in the CSV (%v)", name, figs)
		}
	}
	for _, want := range []string{"time_to_claim_bands", "follow_ups_got_help", "situation_change_before", "situation_change_after", "report"} {
		if !figs[want] {
			t.Errorf("no %s in the CSV", want)
		}
	}
}

func TestWriteFigure(t *testing.T) {
	r := build(t, larger(), 5)
	for _, name := range impact.Figures() {
		for _, format := range impact.Formats() {
			var buf bytes.Buffer
			if err := r.WriteFigure(&buf, name, format); err != nil {
				t.Fatalf("%s %s: %v", name, format, err)
			}
			switch format {
			case "json":
				var v map[string]any
				if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if v[name] == nil || v["suppress_below"] != 5.0 || v["from"] != "2026-09-07T00:00:00Z" {
					t.Errorf("%s JSON: %v", name, v)
				}
			case "csv":
				for _, l := range readCSV(t, buf.Bytes()) {
					if l[0] != "report" && !strings.HasPrefix(l[0], strings.TrimSuffix(name, "s")) {
						t.Errorf("%s CSV has a line of %s", name, l[0])
					}
				}
			case "md":
				if out := buf.String(); !strings.HasPrefix(out, "# Signpost impact report\n\nPeriod: Monday 7 September 2026 to Sunday 4 October 2026") ||
					strings.Count(out, "\n## ") == 0 || strings.Contains(out, "How these figures are worked out") {
					t.Errorf("%s Markdown:\n%s", name, out)
				}
			}
		}
	}
	if err := r.WriteFigure(&bytes.Buffer{}, "everything", "json"); !errors.Is(err, impact.ErrUnknownFigure) {
		t.Errorf("an unknown figure: %v", err)
	}
	if err := r.Write(&bytes.Buffer{}, "xlsx"); !errors.Is(err, impact.ErrUnknownFormat) {
		t.Errorf("an unknown format: %v", err)
	}
}

func TestFormatsAndFigures(t *testing.T) {
	if got := impact.Formats(); !slices.Equal(got, []string{"csv", "json", "md"}) {
		t.Errorf("Formats() = %v", got)
	}
	// Every figure's name is a key of the report's JSON.
	var whole map[string]json.RawMessage
	if err := json.Unmarshal([]byte(jsonOf(t, build(t, nil, 5))), &whole); err != nil {
		t.Fatal(err)
	}
	for _, name := range impact.Figures() {
		if _, ok := whole[name]; !ok {
			t.Errorf("figure %s is not in the report's JSON", name)
		}
	}
}

// With threshold 1 the Markdown says that nothing is hidden.
func TestMarkdownUnsuppressed(t *testing.T) {
	var buf bytes.Buffer
	if err := build(t, sample(), 1).WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	out, _, _ := strings.Cut(buf.String(), "How these figures are worked out")
	for _, want := range []string{"Every count is shown", "| Referrals made | 6 |", "| St Mary's School | 3 |",
		"| **Total** | **6** |", "| Life satisfaction | 3 | 4.3 | 6.0 | +1.7 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown has no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<") {
		t.Errorf("Markdown with threshold 1 hides something:\n%s", out)
	}
}
