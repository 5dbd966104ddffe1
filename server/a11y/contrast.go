// Package a11y checks what Signpost's pages promise about accessibility:
// colour contrast at WCAG 2.2 AA. Tests of the web chat and the inbox use it.
package a11y

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// Pair is a foreground and background colour that must reach Min:1. Each is
// a CSS custom property name (without --) or a #rrggbb colour.
type Pair struct {
	FG, BG string
	Min    float64
}

var cssVar = regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6});`)

// CheckCSS returns one problem per pair of css's custom-property colours
// below its minimum contrast (4.5:1 for text, 1.4.3; 3:1 for focus rings
// and borders, 1.4.11), or naming a property the style sheet lacks.
func CheckCSS(css string, pairs []Pair) []string {
	colour := map[string]string{}
	for _, m := range cssVar.FindAllStringSubmatch(css, -1) {
		colour[m[1]] = m[2]
	}
	var problems []string
	look := func(name string) (string, bool) {
		if name[0] == '#' {
			return name, true
		}
		c, ok := colour[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("no --%s in the style sheet", name))
		}
		return c, ok
	}
	for _, p := range pairs {
		fg, ok1 := look(p.FG)
		bg, ok2 := look(p.BG)
		if !ok1 || !ok2 {
			continue
		}
		if r := Contrast(fg, bg); r < p.Min {
			problems = append(problems, fmt.Sprintf("%s on %s: contrast %.2f:1, want at least %.1f:1", p.FG, p.BG, r, p.Min))
		}
	}
	return problems
}

// Contrast is the WCAG contrast ratio of two #rrggbb colours.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// luminance is a colour's relative luminance (WCAG 2.2, "relative luminance").
func luminance(hex string) float64 {
	channel := func(s string) float64 {
		v, _ := strconv.ParseUint(s, 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(hex[1:3]) + 0.7152*channel(hex[3:5]) + 0.0722*channel(hex[5:7])
}
