package inbox

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
)

// The pages are server-rendered from embedded templates, with one style
// sheet and no scripts.
//
//go:embed templates/*.html static/inbox.css
var assets embed.FS

// cssPath is where the style sheet is served.
const cssPath = "/inbox/static/inbox.css"

var css, _ = assets.ReadFile("static/inbox.css")

// cssURL carries the sheet's hash, so a browser may cache it for long.
var cssURL = func() string {
	sum := sha256.Sum256(css)
	return cssPath + "?v=" + hex.EncodeToString(sum[:6])
}()

func serveCSS(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(css)
	return err
}

// pages are the parsed templates by name.
type pages map[string]*template.Template

func loadPages() pages {
	p := pages{}
	for _, name := range []string{"login", "list", "detail", "dashboard"} {
		p[name] = template.Must(template.New("layout.html").ParseFS(assets, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// base is what every page's layout shows.
type base struct {
	Title  string
	CSS    string
	Worker string // signed-in worker, "" on the sign-in page
	CSRF   string
	Flash  *flash
	// Dashboard shows the link to the dashboard (Options.Report is set).
	Dashboard bool
}

func (in *Inbox) base(w http.ResponseWriter, r *http.Request, s *session, title string) base {
	b := base{Title: title, CSS: cssURL, Flash: in.takeFlash(w, r), Dashboard: in.o.Report != nil}
	if s != nil {
		b.Worker, b.CSRF = s.name, in.csrfToken(s)
	}
	return b
}

// render writes page name with data.
func (in *Inbox) render(w http.ResponseWriter, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := in.pages[name].Execute(&buf, data); err != nil {
		return fmt.Errorf("rendering the %s page: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// outcomeLabels are the outcomes as link workers read them.
var outcomeLabels = map[string]string{
	"connected_activity":  "Connected to an activity or group",
	"employment_training": "Employment or training support",
	"money_advice":        "Money advice",
	"other_service":       "Referred to another service",
	"declined":            "Young person declined",
	"no_contact":          "Could not make contact",
}

// outcomeLabel is an outcome's label (an outcome added later without one
// is shown by its id, in words).
func outcomeLabel(o string) string {
	if l, ok := outcomeLabels[o]; ok {
		return l
	}
	return strings.ReplaceAll(o, "_", " ")
}

// option is one choice of the outcome select.
type option struct {
	Value, Label string
	Selected     bool
}

func outcomeOptions(current string) []option {
	out := make([]option, len(handoff.Outcomes))
	for i, o := range handoff.Outcomes {
		out[i] = option{Value: o, Label: outcomeLabel(o), Selected: o == current}
	}
	return out
}

// urgency is how urgent a record is, in words and with an icon (the
// icon is decoration: the words carry the meaning).
type urgency struct {
	Rank  int    // 0 most urgent
	Icon  string // hidden from screen readers
	Label string
	Class string // styles the badge
}

func urgencyOf(h *bot.Handoff) urgency {
	switch {
	case h.Kind == bot.KindAlert || h.Urgency == bot.UrgencyUrgent:
		return urgency{0, "🚨", "Urgent", "urgent"}
	case h.Urgency == bot.UrgencySoon:
		return urgency{1, "⏱", "Soon", "soon"}
	}
	return urgency{2, "•", "Routine", "routine"}
}

// kindLabel is a record's kind in words.
func kindLabel(k string) string {
	switch k {
	case bot.KindAlert:
		return "Safeguarding alert"
	case bot.KindReferral:
		return "Referral"
	case bot.KindMessage:
		return "Message"
	}
	return k
}

// statusLabel is a record's status in words.
func statusLabel(h *bot.Handoff) string {
	switch h.Status {
	case bot.StatusNew:
		return "New"
	case bot.StatusNotified:
		return "Waiting"
	case bot.StatusClaimed:
		return "Claimed"
	case bot.StatusClosed:
		return "Closed: " + outcomeLabel(h.Outcome)
	}
	return h.Status
}

// ukTime is where link workers are.
var ukTime = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London") // handoff embeds time/tzdata
	if err != nil {
		return time.UTC
	}
	return loc
}()

// when is a UK date and time, "14:05, Tue 3 Jun".
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ukTime).Format("15:04, Mon 2 Jan")
}

// duration is d in words to the minute: "2 h 5 min", "3 d 4 h",
// "under 1 min".
func duration(d time.Duration) string {
	if d < time.Minute {
		return "under 1 min"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%d d", days))
		if hours > 0 {
			parts = append(parts, fmt.Sprintf("%d h", hours))
		}
		return strings.Join(parts, " ")
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%d h", hours))
	}
	if mins > 0 {
		parts = append(parts, fmt.Sprintf("%d min", mins))
	}
	return strings.Join(parts, " ")
}

// answer is the value of the answer saved as name, "" when not given.
func answer(h *bot.Handoff, name string) string {
	for _, a := range h.Answers {
		if a.Name == name && a.Value != "" {
			return a.Value
		}
	}
	return ""
}

// firstName is the first word of the name the young person gave.
func firstName(h *bot.Handoff) string {
	if f := strings.Fields(answer(h, "name")); len(f) > 0 {
		return f[0]
	}
	return ""
}

// sourceName is a source as link workers know it.
func (in *Inbox) sourceName(code string) string {
	if n := in.o.Sources[code]; n != "" {
		return n
	}
	return code
}
