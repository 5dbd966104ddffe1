package chart

import (
	"fmt"
	"html/template"
	"unicode/utf8"
)

// Pair is one label with a bar before and a bar after (or any two series,
// such as reached and stopped).
type Pair struct {
	Label         string
	Before, After Bar
}

// Pair layout, in user units.
const (
	pairBarH = 18
	swatch   = 16
	maxName  = 20 // runes of a series name
)

// Pairs draws two horizontal bars per label: the before bar hatched with
// diagonal lines, the after bar solid. A legend at the top names both in
// words, and each bar's number is printed after it with its series name
// ("Before 5.3"), so neither colour nor pattern is needed to tell them
// apart. Both bars of every pair share one scale.
func Pairs(title, desc, beforeName, afterName string, pairs []Pair) template.HTML {
	var bars []Bar
	for _, p := range pairs {
		bars = append(bars, Bar{Label: p.Label}, p.Before, p.After)
	}
	c := newCanvas("pairs\x00"+beforeName+"\x00"+afterName, title, desc, bars)
	if len(pairs) == 0 {
		return c.empty()
	}
	beforeName, afterName = fit(beforeName, maxName*charW), fit(afterName, maxName*charW)
	hatch := c.id + "-hatch"
	// Lines 3 units wide every 8, at 45°, over the background.
	fmt.Fprintf(&c.defs, `<pattern id="%s" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="%s"/><rect width="3" height="8" fill="%s"/></pattern>`,
		hatch, colourBG, colourBar)
	before, after := "url(#"+hatch+")", colourBar

	y := float64(margin)
	for _, l := range []struct{ fill, name string }{{before, beforeName}, {after, afterName}} {
		c.rect(margin+1, y+1, swatch-2, swatch-2, l.fill, colourBar)
		c.text(margin+swatch+8, y+swatch-2, "start", l.name)
		y += lineH + 4
	}
	y += 8

	// The room after a bar for its series name and number.
	longest := 0
	for _, p := range pairs {
		longest = max(longest, utf8.RuneCountInString(beforeName+" "+p.Before.text()), utf8.RuneCountInString(afterName+" "+p.After.text()))
	}
	room := min(float64(longest)*charW+16, 280)
	s := newScale(width-2*margin-room, bars...)
	const rowH = lineH + 4 + 2*pairBarH + 4 + 16
	for _, p := range pairs {
		c.text(margin, y+fontSize, "start", fit(p.Label, width-2*margin))
		by := y + lineH + 4
		end := c.hbar(margin, by, pairBarH, p.Before, s, before, colourBar)
		c.text(end+8, by+pairBarH/2+5, "start", beforeName+" "+p.Before.text())
		ay := by + pairBarH + 4
		end = c.hbar(margin, ay, pairBarH, p.After, s, after, "")
		c.text(end+8, ay+pairBarH/2+5, "start", afterName+" "+p.After.text())
		y += rowH
	}
	return c.finish(y + margin - 16)
}
