package web_test

import (
	"os"
	"testing"

	"github.com/signpost-app/signpost/server/a11y"
)

// The chat's colours meet WCAG 2.2 AA: 4.5:1 for text (1.4.3), 3:1 for the
// focus outline, field borders and the crisis bubble's edge against the
// page (1.4.11).
func TestColoursHaveEnoughContrast(t *testing.T) {
	raw, err := os.ReadFile("static/chat.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range a11y.CheckCSS(string(raw), []a11y.Pair{
		{FG: "text", BG: "bg", Min: 4.5}, {FG: "text", BG: "bot-bg", Min: 4.5}, {FG: "text", BG: "urgent-bg", Min: 4.5}, {FG: "muted", BG: "bg", Min: 4.5},
		{FG: "on-brand", BG: "brand", Min: 4.5}, {FG: "brand", BG: "bg", Min: 4.5}, {FG: "brand", BG: "option-hover", Min: 4.5},
		{FG: "on-brand", BG: "leave", Min: 4.5}, {FG: "on-brand", BG: "leave-hover", Min: 4.5},
		{FG: "crisis-text", BG: "crisis-bg", Min: 4.5}, {FG: "error", BG: "bg", Min: 4.5},
		{FG: "focus", BG: "bg", Min: 3}, {FG: "focus", BG: "crisis-bg", Min: 3}, {FG: "focus", BG: "bot-bg", Min: 3},
		{FG: "field-line", BG: "bg", Min: 3}, {FG: "urgent-line", BG: "bg", Min: 3}, {FG: "urgent-line", BG: "urgent-bg", Min: 3},
		{FG: "on-brand", BG: "#1d4f91", Min: 4.5}, // embed.js's button
	}) {
		t.Error(p)
	}
}
