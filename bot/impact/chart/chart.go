// Package chart draws figures as accessible SVG for server-rendered pages:
// no script, no external resources and no style attributes (the inbox's
// Content-Security-Policy forbids inline styles; SVG presentation
// attributes are not styles). Every bar has its number printed beside it,
// a hidden (suppressed) bar is a dashed outline of one fixed small length
// whatever its true value, and the two series of a paired chart differ by
// pattern and are named in words, so nothing depends on colour.
//
// Every chart is 640 user units wide, scaled to its container through its
// viewBox, with 16-unit text: a page that keeps a chart at least 30rem
// (480px) wide, as the inbox's style sheet does, shows that text at 12px
// or more.
package chart

import (
	"fmt"
	"hash/fnv"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string  // what the bar counts, in words
	Value float64 // its length; ignored when Hidden
	// Text is the number printed beside the bar ("12", "<5", "5.3");
	// empty prints Value (or "hidden" for a hidden bar).
	Text string
	// Hidden draws a dashed outline of a fixed small length instead of
	// the bar: a suppressed count must not show its size.
	Hidden bool
}

// Layout, in user units.
const (
	width     = 640 // the viewBox width of every chart
	margin    = 16
	fontSize  = 16
	lineH     = 20 // a line of text
	barH      = 20
	hiddenLen = 24 // the length of every hidden bar
	valueRoom = 72 // right of a full-length bar, for its number
	charW     = 9.6
)

// Colours against colourBG, which every chart paints behind itself so they
// hold on any page: text at least 4.5:1, bars and outlines at least 3:1
// (WCAG 2.2 1.4.3 and 1.4.11; chart_test checks them).
const (
	colourBG     = "#ffffff"
	colourText   = "#1b1b1b"
	colourBar    = "#1a4fa0"
	colourHidden = "#4b4b4b"
	colourAxis   = "#767676"
)

// noData is what an empty chart says.
const noData = "No data"

// canvas collects a chart's body; finish wraps it in the <svg> element
// once the height is known.
type canvas struct {
	title, desc string
	id          string // unique per content, for the ids a page must not repeat
	defs        strings.Builder
	body        strings.Builder
}

// newCanvas starts a chart. Its id comes from everything the chart
// shows, but never from a hidden bar's value, so that value cannot leak
// through the markup either.
func newCanvas(kind, title, desc string, bars []Bar) *canvas {
	h := fnv.New64a()
	for _, s := range []string{kind, title, desc} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, b := range bars {
		fmt.Fprintf(h, "%s\x00%s\x00%t\x00", b.Label, b.Text, b.Hidden)
		if !b.Hidden {
			fmt.Fprintf(h, "%g\x00", b.Value)
		}
	}
	return &canvas{title: title, desc: desc, id: fmt.Sprintf("chart-%012x", h.Sum64()&0xffffffffffff)}
}

// finish returns the whole <svg> element, height units tall.
func (c *canvas) finish(height float64) template.HTML {
	var b strings.Builder
	labelled := c.id + "-title"
	if c.desc != "" {
		labelled += " " + c.id + "-desc"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %s" role="img" aria-labelledby="%s" font-family="system-ui, sans-serif" font-size="%d">`+"\n",
		width, num(height), labelled, fontSize)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`+"\n", c.id, esc(c.title))
	if c.desc != "" {
		fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`+"\n", c.id, esc(c.desc))
	}
	if c.defs.Len() > 0 {
		b.WriteString("<defs>" + c.defs.String() + "</defs>\n")
	}
	fmt.Fprintf(&b, `<rect width="%d" height="%s" fill="%s"/>`+"\n", width, num(height), colourBG)
	b.WriteString(c.body.String())
	b.WriteString("</svg>")
	return template.HTML(b.String()) // every text in it went through esc
}

// empty is a chart with no bars: it says so.
func (c *canvas) empty() template.HTML {
	c.text(margin, margin+fontSize, "start", noData)
	return c.finish(2*margin + lineH)
}

// text writes s with its baseline at x, y.
func (c *canvas) text(x, y float64, anchor, s string) {
	fmt.Fprintf(&c.body, `<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`+"\n", num(x), num(y), anchor, colourText, esc(s))
}

// rect draws a rectangle filled with fill (a colour or a url(#…)),
// outlined in fill's colour when outline is set.
func (c *canvas) rect(x, y, w, h float64, fill, outline string) {
	fmt.Fprintf(&c.body, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"`, num(x), num(y), num(w), num(h), fill)
	if outline != "" {
		fmt.Fprintf(&c.body, ` stroke="%s" stroke-width="2"`, outline)
	}
	c.body.WriteString("/>\n")
}

// hidden draws the dashed outline that stands for a hidden bar.
func (c *canvas) hidden(x, y, w, h float64) {
	fmt.Fprintf(&c.body, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="2" stroke-dasharray="4 3"/>`+"\n",
		num(x+1), num(y+1), num(w-2), num(h-2), colourBG, colourHidden)
}

// scale maps values to lengths: the largest shown value fills full.
// Hidden bars play no part, so their true size cannot be read off the
// others either.
type scale struct{ max, full float64 }

func newScale(full float64, bars ...Bar) scale {
	s := scale{full: full}
	for _, b := range bars {
		if !b.Hidden && b.Value > s.max {
			s.max = b.Value
		}
	}
	return s
}

// length is v's length; a negative value draws nothing.
func (s scale) length(v float64) float64 {
	if s.max <= 0 || v <= 0 {
		return 0
	}
	return s.full * v / s.max
}

// hbar draws b as a horizontal bar at x, y in fill and returns where it
// ends.
func (c *canvas) hbar(x, y, h float64, b Bar, s scale, fill, outline string) float64 {
	if b.Hidden {
		c.hidden(x, y, hiddenLen, h)
		return x + hiddenLen
	}
	l := s.length(b.Value)
	if l > 0 {
		c.rect(x, y, l, h, fill, outline)
	}
	return x + l
}

// HBars draws horizontal bars, one per row, each with its label above it
// and its number after it: for breakdowns and funnels, whose labels may be
// long.
func HBars(title, desc string, bars []Bar) template.HTML {
	c := newCanvas("hbars", title, desc, bars)
	if len(bars) == 0 {
		return c.empty()
	}
	const rowH = lineH + 4 + barH + 12
	s := newScale(width-2*margin-valueRoom, bars...)
	y := float64(margin)
	for _, b := range bars {
		c.text(margin, y+fontSize, "start", fit(b.Label, width-2*margin))
		end := c.hbar(margin, y+lineH+4, barH, b, s, colourBar, "")
		c.text(end+8, y+lineH+4+barH/2+5, "start", b.text())
		y += rowH
	}
	return c.finish(y + margin - 12)
}

// text is what is printed beside the bar.
func (b Bar) text() string {
	switch {
	case b.Text != "":
		return b.Text
	case b.Hidden:
		return "hidden"
	}
	return num(b.Value)
}

// fit shortens s with "…" to about room units of text.
func fit(s string, room float64) string {
	n := int(room / charW)
	if n < 1 {
		n = 1
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// num prints a coordinate to one decimal place, without a trailing ".0".
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// esc escapes s for SVG text and attributes, in HTML and in XML alike.
func esc(s string) string { return html.EscapeString(s) }
