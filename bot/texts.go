package bot

import (
	_ "embed"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed texts.yaml
var defaultTexts []byte

// Texts are Signpost's own messages by language (see texts.yaml).
type Texts map[string]map[string]string

// DefaultTexts returns the shipped texts.
func DefaultTexts() Texts {
	t, err := ParseTexts(defaultTexts)
	if err != nil {
		panic(fmt.Sprintf("bot: embedded texts.yaml: %v", err)) // a build defect, caught by tests
	}
	return t
}

// textKeys are the texts every language block may define; English must define all.
var textKeys = []string{"crisis", "risk", "carry_on", "help", "not_text", "empty", "unreadable",
	"stopped", "started", "already_started", "delete_confirm", "deleted", "delete_kept",
	"restarted", "handed_off", "stuck", "reminder", "closed", "stale_button", "deleted_opted_out", "done_button", "handed_off_claimed", "claimed", "relay", "after_hours"}

// ParseTexts reads a texts file; English must have every text.
func ParseTexts(data []byte) (Texts, error) {
	var t Texts
	if err := yaml.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("parsing texts: %w", err)
	}
	for _, k := range textKeys {
		if strings.TrimSpace(t["en"][k]) == "" {
			return nil, fmt.Errorf("parsing texts: en.%s is missing", k)
		}
	}
	for lang, m := range t {
		for k, v := range m {
			m[k] = strings.ReplaceAll(v, "{{crisis}}", t.get(lang, "crisis"))
		}
	}
	return t, nil
}

func (t Texts) get(lang, key string) string {
	if s, ok := t[lang][key]; ok {
		return s
	}
	return t["en"][key]
}

// Get returns the text for key in lang, falling back to English.
func (t Texts) Get(lang, key string) string { return t.get(lang, key) }
