package chart

import (
	"encoding/xml"
	"errors"
	"flag"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/signpost-app/signpost/server/a11y"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// weeks are twelve weeks of referrals, one of them hidden.
var weeks = []Bar{
	{Label: "10 Mar", Value: 12, Text: "12"}, {Label: "17 Mar", Value: 9, Text: "9"},
	{Label: "24 Mar", Hidden: true, Text: "<5"}, {Label: "31 Mar", Value: 0, Text: "0"},
	{Label: "7 Apr", Value: 15, Text: "15"}, {Label: "14 Apr", Value: 7, Text: "7"},
	{Label: "21 Apr", Value: 11, Text: "11"}, {Label: "28 Apr", Value: 6, Text: "6"},
	{Label: "5 May", Value: 20, Text: "20"}, {Label: "12 May", Value: 8, Text: "8"},
	{Label: "19 May", Value: 5, Text: "5"}, {Label: "26 May", Value: 13, Text: "13"},
}

var help = []Bar{
	{Label: "Work, training or an apprenticeship", Value: 31, Text: "31"},
	{Label: "Money worries", Value: 18, Text: "18"},
	{Label: "Somewhere to go and things to do, with people my age, near where I live after school", Value: 9, Text: "9"},
	{Label: "Housing", Hidden: true, Text: "<5"},
	{Label: "Something else", Value: 0, Text: "0"},
}

var wellbeing = []Pair{
	{Label: "Life satisfaction", Before: Bar{Value: 4.2, Text: "4.2"}, After: Bar{Value: 6.1, Text: "6.1"}},
	{Label: "Worthwhile", Before: Bar{Value: 5, Text: "5.0"}, After: Bar{Value: 6.4, Text: "6.4"}},
	{Label: "Happy", Before: Bar{Hidden: true, Text: "n<5"}, After: Bar{Hidden: true, Text: "n<5"}},
	{Label: "Anxious (lower is better)", Before: Bar{Value: 6.8, Text: "6.8"}, After: Bar{Value: 4.9, Text: "4.9"}},
}

// many are more weeks than fit as columns.
func many() []Bar {
	var out []Bar
	for i := range 20 {
		out = append(out, Bar{Label: "week " + strconv.Itoa(i+1), Value: float64(i * 3), Text: strconv.Itoa(i * 3)})
	}
	return out
}

// charts are every kind of chart, drawn from the samples above.
var charts = []struct {
	name string
	draw func() template.HTML
}{
	{"hbars", func() template.HTML {
		return HBars("Referrals by help wanted", "What young people asked for help with.", help)
	}},
	{"columns", func() template.HTML { return Columns("Referrals by week", "Referrals each week.", weeks) }},
	{"columns-small", func() template.HTML {
		return Columns("Referrals by week", "Too few to show.", []Bar{{Label: "2 Jun", Text: "0"}, {Label: "9 Jun", Hidden: true, Text: "<5"}})
	}},
	{"columns-many", func() template.HTML { return Columns("Referrals by week", "Twenty weeks.", many()) }},
	{"pairs", func() template.HTML {
		return Pairs("Wellbeing before and after", "Mean ONS scores.", "Before", "After", wellbeing)
	}},
	{"empty", func() template.HTML { return HBars("Outcomes", "", nil) }},
}

// Each chart matches its golden file (rewrite them with -update).
func TestGolden(t *testing.T) {
	for _, c := range charts {
		t.Run(c.name, func(t *testing.T) {
			got := string(c.draw()) + "\n"
			path := filepath.Join("testdata", c.name+".svg")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from its golden file; got:\n%s", path, got)
			}
		})
	}
}

var (
	fontSizeAttr = regexp.MustCompile(`font-size="([0-9.]+)"`)
	viewBox      = regexp.MustCompile(`^<svg [^>]*viewBox="0 0 ([0-9.]+) [0-9.]+"`)
	textFill     = regexp.MustCompile(`<text [^>]*fill="(#[0-9a-f]{6})"`)
	anyColour    = regexp.MustCompile(`(fill|stroke)="(#[0-9a-f]{6})"`)
	handler      = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
)

// Every chart is well-formed XML, an image with a title and a
// description, sized by its viewBox, with text of 12px or more at the
// smallest width the inbox draws it (30rem), colours meeting WCAG AA, and
// no script, style or outside reference.
func TestAccessible(t *testing.T) {
	const minRenderWidth = 480 // px: the inbox's min-width for a chart
	for _, c := range charts {
		t.Run(c.name, func(t *testing.T) {
			svg := string(c.draw())
			wellFormed(t, svg)
			if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, "<title id=") {
				t.Errorf("no role=img or title: %.200s", svg)
			}
			if c.name != "empty" && !strings.Contains(svg, "<desc id=") {
				t.Errorf("no desc: %.200s", svg)
			}
			vb := viewBox.FindStringSubmatch(svg)
			if vb == nil || strings.Contains(svg[:strings.Index(svg, ">")], " width=") {
				t.Fatalf("not sized by its viewBox alone: %.200s", svg)
			}
			w, _ := strconv.ParseFloat(vb[1], 64)
			for _, m := range fontSizeAttr.FindAllStringSubmatch(svg, -1) {
				size, _ := strconv.ParseFloat(m[1], 64)
				if px := size * minRenderWidth / w; px < 12 {
					t.Errorf("font-size %s is %.1fpx at %dpx wide, want at least 12", m[1], px, minRenderWidth)
				}
			}
			if strings.Count(svg, "<text") != strings.Count(svg, `fill="`+colourText+`">`) {
				t.Error("a text is not in the text colour")
			}
			for _, m := range textFill.FindAllStringSubmatch(svg, -1) {
				if r := a11y.Contrast(m[1], colourBG); r < 4.5 {
					t.Errorf("text %s on %s: %.2f:1, want 4.5:1", m[1], colourBG, r)
				}
			}
			for _, m := range anyColour.FindAllStringSubmatch(svg, -1) {
				if r := a11y.Contrast(m[2], colourBG); m[2] != colourBG && r < 3 {
					t.Errorf("%s %s on %s: %.2f:1, want 3:1", m[1], m[2], colourBG, r)
				}
			}
			for _, bad := range []string{"<script", "style", "href", "<image", "<foreignObject", "@import"} {
				if strings.Contains(svg, bad) {
					t.Errorf("contains %q", bad)
				}
			}
			if handler.MatchString(svg) {
				t.Errorf("has an event handler: %s", handler.FindString(svg))
			}
			if strings.Count(svg, "http") != 1 { // the xmlns only
				t.Errorf("refers outside itself: %s", svg)
			}
		})
	}
}

// A hidden bar is drawn the same whatever its true value: the same
// markup for 1 and a million, a dashed outline of the fixed length, and
// the shown bars' scale unchanged.
func TestHiddenBarIgnoresItsValue(t *testing.T) {
	with := func(v float64) []Bar {
		return []Bar{{Label: "a", Value: 10, Text: "10"}, {Label: "b", Value: v, Text: "<5", Hidden: true}}
	}
	pairWith := func(v float64) []Pair {
		return []Pair{{Label: "x", Before: Bar{Value: 4, Text: "4.0"}, After: Bar{Value: v, Text: "n<5", Hidden: true}}}
	}
	for _, tc := range []struct {
		name       string
		small, big template.HTML
	}{
		{"hbars", HBars("t", "d", with(1)), HBars("t", "d", with(1e6))},
		{"columns", Columns("t", "d", with(1)), Columns("t", "d", with(1e6))},
		{"pairs", Pairs("t", "d", "Before", "After", pairWith(1)), Pairs("t", "d", "Before", "After", pairWith(1e6))},
	} {
		if tc.small != tc.big {
			t.Errorf("%s: a hidden bar's value changes the chart:\n%s\n%s", tc.name, tc.small, tc.big)
		}
		if !strings.Contains(string(tc.small), `stroke-dasharray="4 3"`) {
			t.Errorf("%s: no dashed outline:\n%s", tc.name, tc.small)
		}
	}
	hb := string(HBars("t", "d", with(3)))
	if !strings.Contains(hb, `width="`+strconv.Itoa(hiddenLen-2)+`" height="18" fill="`+colourBG+`" stroke="`+colourHidden+`"`) {
		t.Errorf("the hidden bar is not %d units long:\n%s", hiddenLen, hb)
	}
	// The shown bar fills the plot: the hidden one did not set the scale.
	if !strings.Contains(hb, `width="`+strconv.Itoa(width-2*margin-valueRoom)+`"`) {
		t.Errorf("the shown bar does not fill the plot:\n%s", hb)
	}
}

// Labels, numbers, names, the title and the description are escaped:
// each reads back from the XML as it was given, and no tag gets in.
func TestEscapes(t *testing.T) {
	const nasty = `<b>Tom & "Jerry"</b>'s <script>alert(1)</script>`
	bars := []Bar{{Label: nasty, Value: 3, Text: nasty}}
	for _, svg := range []template.HTML{
		HBars(nasty, nasty, bars),
		Columns(nasty, nasty, bars),
		Pairs(nasty, nasty, nasty, nasty, []Pair{{Label: nasty, Before: bars[0], After: bars[0]}}),
	} {
		s := string(svg)
		if strings.Contains(s, "<b>") || strings.Contains(s, "<script") || strings.Contains(s, `"Jerry"`) {
			t.Errorf("unescaped: %s", s)
		}
		texts := wellFormed(t, s)
		found := false
		for _, tx := range texts {
			found = found || strings.Contains(tx, `<b>Tom & "Jerry"</b>`)
		}
		if !found {
			t.Errorf("the label does not read back from %v", texts)
		}
	}
}

// A chart with nothing to draw says "No data".
func TestEmptySaysNoData(t *testing.T) {
	for _, svg := range []template.HTML{HBars("t", "d", nil), Columns("t", "d", []Bar{}), Pairs("t", "d", "a", "b", nil)} {
		texts := wellFormed(t, string(svg))
		if len(texts) != 3 || texts[2] != noData { // title, desc, then the one text
			t.Errorf("texts %q, want the title, the description and %q", texts, noData)
		}
		if strings.Contains(string(svg), "<rect x=") {
			t.Errorf("an empty chart draws a bar: %s", svg)
		}
	}
}

// Column labels wrap at spaces onto two lines and are shortened after.
func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in   string
		room float64
		want []string
	}{
		{"12 Jun", 76, []string{"12 Jun"}},
		{"12 Jun", 40, []string{"12", "Jun"}},
		{"under one hour", 60, []string{"under", "one h…"}},
		{"", 60, []string{""}},
	} {
		if got := wrap(tc.in, tc.room); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrap(%q, %g) = %q, want %q", tc.in, tc.room, got, tc.want)
		}
	}
}

// wellFormed parses svg as XML and returns its texts (title, desc and
// every <text>), failing t when it is not well-formed.
func wellFormed(t *testing.T, svg string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var texts []string
	var in bool
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return texts
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in = tok.Name.Local == "text" || tok.Name.Local == "title" || tok.Name.Local == "desc"
		case xml.CharData:
			if in {
				texts = append(texts, string(tok))
			}
		case xml.EndElement:
			in = false
		}
	}
}
