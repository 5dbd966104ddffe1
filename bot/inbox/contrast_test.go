package inbox_test

import (
	"os"
	"testing"

	"github.com/signpost-app/signpost/server/a11y"
)

// The style sheet's colours meet WCAG 2.2 AA: 4.5:1 for text, 3:1 for
// the focus ring against the page.
func TestColoursHaveEnoughContrast(t *testing.T) {
	raw, err := os.ReadFile("static/inbox.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range a11y.CheckCSS(string(raw), []a11y.Pair{
		{FG: "text", BG: "bg", Min: 4.5}, {FG: "muted", BG: "bg", Min: 4.5}, {FG: "link", BG: "bg", Min: 4.5},
		{FG: "button-text", BG: "button", Min: 4.5}, {FG: "button-text", BG: "#143d7d", Min: 4.5},
		{FG: "urgent-text", BG: "urgent-bg", Min: 4.5}, {FG: "soon-text", BG: "soon-bg", Min: 4.5}, {FG: "routine-text", BG: "routine-bg", Min: 4.5},
		{FG: "ok-text", BG: "ok-bg", Min: 4.5}, {FG: "error-text", BG: "error-bg", Min: 4.5}, {FG: "info-text", BG: "info-bg", Min: 4.5},
		{FG: "focus", BG: "bg", Min: 3}, {FG: "line", BG: "bg", Min: 3}, {FG: "link", BG: "info-bg", Min: 4.5},
	}) {
		t.Error(p)
	}
}
