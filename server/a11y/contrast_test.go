package a11y

import (
	"math"
	"strings"
	"testing"
)

func TestContrastOnKnownValues(t *testing.T) {
	// #767676 is the lightest grey that passes on white, #777777 the darkest that fails.
	if r := Contrast("#767676", "#ffffff"); math.Abs(r-4.54) > 0.01 {
		t.Fatalf("Contrast(#767676, white) = %.3f, want 4.54", r)
	}
	if r := Contrast("#777777", "#ffffff"); r >= 4.5 {
		t.Fatalf("Contrast(#777777, white) = %.3f, want under 4.5", r)
	}
	if r := Contrast("#000000", "#ffffff"); math.Abs(r-21) > 0.001 {
		t.Fatalf("black on white = %.3f, want 21", r)
	}
}

func TestCheckCSS(t *testing.T) {
	css := ":root { --text: #222222; --bg: #ffffff; --faint: #aaaaaa; }"
	if p := CheckCSS(css, []Pair{{"text", "bg", 4.5}, {"text", "#f0f0f0", 4.5}}); len(p) != 0 {
		t.Fatalf("good pairs flagged: %v", p)
	}
	p := CheckCSS(css, []Pair{{"faint", "bg", 4.5}, {"missing", "bg", 3}})
	if len(p) != 2 || !strings.Contains(p[0], "faint on bg") || !strings.Contains(p[1], "no --missing") {
		t.Fatalf("problems %v", p)
	}
}
