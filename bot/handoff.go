package bot

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"
)

// Handoff kinds.
const (
	KindReferral = "referral" // the flow reached a handoff step
	KindAlert    = "alert"    // safeguarding: a risk was seen, at any step
)

// Urgency levels.
const (
	UrgencyRoutine = "routine"
	UrgencySoon    = "soon"
	UrgencyUrgent  = "urgent"
)

// Handoff is a referral or a safeguarding alert for the link workers, with
// what is known so far.
type Handoff struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Urgency  string          `json:"urgency"`
	Channel  string          `json:"channel"`
	Address  string          `json:"address"`
	Flow     string          `json:"flow"`
	Version  int             `json:"version"`
	Source   string          `json:"source,omitempty"`
	Language string          `json:"language,omitempty"`
	Created  time.Time       `json:"created"`
	Answers  []HandoffAnswer `json:"answers,omitempty"`
	Risks    []Risk          `json:"risks,omitempty"`
	Message  string          `json:"message,omitempty"` // for an alert: the message that raised it
	Summary  string          `json:"summary"`
}

// HandoffAnswer is one answer as the link worker sees it.
type HandoffAnswer struct {
	Name     string `json:"name"`
	Question string `json:"question"`
	Raw      string `json:"raw"`
	Value    string `json:"value"`
}

// Conversation is the handoff's conversation key.
func (h Handoff) Conversation() string { return ConversationKey(h.Channel, h.Address) }

// String renders the handoff for a log notifier or the terminal.
func (h Handoff) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "── %s %s (%s) ── flow %s v%d, %s", strings.ToUpper(h.Kind), h.ID, h.Urgency, h.Flow, h.Version, h.Channel)
	if h.Source != "" {
		fmt.Fprintf(&b, ", source %s", h.Source)
	}
	b.WriteString("\n")
	b.WriteString(h.Summary)
	if !strings.HasSuffix(h.Summary, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// newID returns a random id with a prefix, e.g. "r_k3j…".
func newID(prefix string) string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
