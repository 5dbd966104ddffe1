package web_test

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// The chat's colours meet WCAG 2.2 AA: 4.5:1 for text (1.4.3), 3:1 for the
// focus outline, field borders and the crisis bubble's edge against the
// page (1.4.11).

var cssVar = regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6});`)

func TestColoursHaveEnoughContrast(t *testing.T) {
	// The formula, on known values: #767676 is the lightest grey that
	// passes on white, #777777 the darkest that fails.
	if r := contrast("#767676", "#ffffff"); math.Abs(r-4.54) > 0.01 {
		t.Fatalf("contrast(#767676, white) = %.3f, want 4.54", r)
	}
	if r := contrast("#777777", "#ffffff"); r >= 4.5 {
		t.Fatalf("contrast(#777777, white) = %.3f, want under 4.5", r)
	}
	raw, err := os.ReadFile("static/chat.css")
	if err != nil {
		t.Fatal(err)
	}
	colour := map[string]string{}
	for _, m := range cssVar.FindAllStringSubmatch(string(raw), -1) {
		colour[m[1]] = m[2]
	}
	pairs := []struct {
		fg, bg string
		min    float64
	}{
		{"text", "bg", 4.5}, {"text", "bot-bg", 4.5}, {"text", "urgent-bg", 4.5}, {"muted", "bg", 4.5},
		{"on-brand", "brand", 4.5}, {"brand", "bg", 4.5}, {"brand", "option-hover", 4.5},
		{"on-brand", "leave", 4.5}, {"on-brand", "leave-hover", 4.5},
		{"crisis-text", "crisis-bg", 4.5}, {"error", "bg", 4.5},
		{"focus", "bg", 3}, {"focus", "crisis-bg", 3}, {"focus", "bot-bg", 3},
		{"field-line", "bg", 3}, {"urgent-line", "bg", 3}, {"urgent-line", "urgent-bg", 3},
		{"on-brand", "#1d4f91", 4.5}, // embed.js's button
	}
	look := func(name string) string {
		if name[0] == '#' {
			return name
		}
		c, ok := colour[name]
		if !ok {
			t.Fatalf("no --%s in the style sheet", name)
		}
		return c
	}
	for _, p := range pairs {
		if r := contrast(look(p.fg), look(p.bg)); r < p.min {
			t.Errorf("%s on %s: contrast %.2f:1, want at least %.1f:1", p.fg, p.bg, r, p.min)
		}
	}
}

// contrast is the WCAG contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
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
