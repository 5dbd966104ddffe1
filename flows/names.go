package flows

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Name rules for the identifiers authors write.
var (
	flowIDRe   = regexp.MustCompile(`^[a-z0-9_-]+$`)
	stepIDRe   = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	varRe      = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	optionIDRe = regexp.MustCompile(`^[a-z0-9_]+$`)
	languageRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// The keys allowed at each level of a flow file, in documentation order.
var (
	flowKeys     = []string{"flow", "version", "title", "languages", "start", "summary", "report", "follow_up", "steps"}
	stepKeys     = []string{"say", "ask", "answer", "invalid", "save", "next", "handoff", "end"}
	answerKeys   = []string{"type", "min", "max", "max_length", "optional", "options"}
	optionKeys   = []string{"id", "text"}
	routeKeys    = []string{"on", "if", "goto", "return"}
	followUpKeys = []string{"flow", "after_weeks", "if"}
)

// keyHints maps words authors often use by mistake to the key they meant,
// for near misses that edit distance alone would not find.
var keyHints = map[string]string{
	"question": "ask", "message": "say", "reply": "answer", "type": "answer",
	"variable": "save", "goto": "next", "then": "goto", "to": "goto",
	"step": "goto", "when": "if", "condition": "if", "outcome": "on",
	"label": "text", "name": "id", "value": "id", "choices": "options",
	"maximum": "max", "minimum": "min", "maxlength": "max_length",
	"id": "flow", "language": "languages", "title": "title",
	"weeks": "after_weeks", "after": "after_weeks", "delay": "after_weeks", "wait": "after_weeks",
	"checkin": "follow_up", "check_in": "follow_up", "figures": "report", "monitoring": "report",
}

// nearest returns the candidate nearest to word — edit distance at most 2,
// or one a prefix of the other with at least 3 letters in common — or "".
func nearest(word string, candidates []string) string {
	best, bestD := "", 3
	lw := strings.ToLower(word)
	for _, c := range candidates {
		if c == word {
			continue
		}
		lc := strings.ToLower(c)
		d := levenshtein.ComputeDistance(lw, lc)
		if d > 2 || d >= len(lw) || d >= len(lc) {
			d = 3
			if len(lw) >= 3 && len(lc) >= 3 && (strings.HasPrefix(lw, lc) || strings.HasPrefix(lc, lw)) {
				d = 2
			}
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// didYouMean returns `; did you mean "x"?` for the nearest candidate, or "".
func didYouMean(word string, candidates []string) string {
	if s := nearest(word, candidates); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// keyDidYouMean is didYouMean for keys, also trying keyHints.
func keyDidYouMean(key string, allowed []string) string {
	if s := nearest(key, allowed); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	if h, ok := keyHints[strings.ToLower(key)]; ok && h != key {
		for _, a := range allowed {
			if a == h {
				return fmt.Sprintf("; did you mean %q?", h)
			}
		}
	}
	return ""
}

// quoteList renders names as `"a", "b" and "c"`.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// sortedNames returns the keys of m in order.
func sortedNames[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
