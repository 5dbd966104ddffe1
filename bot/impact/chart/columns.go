package chart

import (
	"html/template"
	"strings"
)

// Column layout, in user units.
const (
	plotH   = 200 // the tallest column
	maxSlot = 80  // the most room one column takes
	// minSlot is the least room one column needs for its number and its
	// label at 16 units; a chart with more columns than fit is drawn as
	// rows instead (see Columns).
	minSlot  = 40
	maxLines = 2 // lines of a column's label
)

// Columns draws vertical columns side by side, each with its number above
// it and its label (wrapped onto two lines at most) below: for short
// labels in order, such as weeks ("2 Jun"). When there are too many
// columns to print every number and label at a readable size in the
// chart's width (more than 15), it draws them as HBars rows instead,
// which grow down the page rather than shrinking.
func Columns(title, desc string, bars []Bar) template.HTML {
	n := len(bars)
	if n == 0 {
		return newCanvas("columns", title, desc, bars).empty()
	}
	slot := min(float64(width-2*margin)/float64(n), maxSlot)
	if slot < minSlot {
		return HBars(title, desc, bars)
	}
	c := newCanvas("columns", title, desc, bars)
	labels := make([][]string, n)
	lines := 1
	for i, b := range bars {
		labels[i] = wrap(b.Label, slot-4)
		lines = max(lines, len(labels[i]))
	}
	ph := float64(plotH)
	if newScale(1, bars...).max <= 0 {
		ph = 2 * hiddenLen // nothing shown to scale: no tall empty plot
	}
	top := float64(margin + lineH) // room for the number above the tallest column
	base := top + ph
	s := newScale(ph, bars...)
	colW := slot * 0.6
	for i, b := range bars {
		cx := margin + slot*float64(i) + slot/2
		h := s.length(b.Value)
		switch {
		case b.Hidden:
			h = hiddenLen
			c.hidden(cx-colW/2, base-h, colW, h)
		case h > 0:
			c.rect(cx-colW/2, base-h, colW, h, colourBar, "")
		}
		c.text(cx, base-h-6, "middle", b.text())
		for k, line := range labels[i] {
			c.text(cx, base+float64(lineH*(k+1)), "middle", line)
		}
	}
	// The baseline, so a zero column still has a place.
	c.rect(margin, base, slot*float64(n), 1, colourAxis, "")
	return c.finish(base + float64(lines*lineH) + margin)
}

// wrap breaks s into at most maxLines lines of about room units, at
// spaces, shortening the last with "…" when it does not fit.
func wrap(s string, room float64) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var out []string
	line := words[0]
	for _, w := range words[1:] {
		if len(out) < maxLines-1 && fit(line+" "+w, room) != line+" "+w {
			out = append(out, line)
			line = w
			continue
		}
		line += " " + w // the last line takes the rest, shortened below
	}
	out = append(out, line)
	for i := range out {
		out[i] = fit(out[i], room)
	}
	return out
}
