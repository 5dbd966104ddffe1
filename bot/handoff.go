package bot

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Handoff kinds.
const (
	KindReferral = "referral" // the flow reached a handoff step
	KindAlert    = "alert"    // safeguarding: a risk was seen, at any step
	KindMessage  = "message"  // a message from the young person after their referral, for the link worker
)

// Referral statuses.
const (
	StatusNew      = "new"      // made, not yet delivered to a link worker
	StatusNotified = "notified" // delivered to at least one notifier
	StatusClaimed  = "claimed"  // a link worker has it
	StatusClosed   = "closed"   // an outcome was recorded
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
	Message  string          `json:"message,omitempty"` // for an alert: the message that raised it; for a message: its text
	Summary  string          `json:"summary"`

	Needs     []string  `json:"needs,omitempty"`     // the help wanted, in words (from the flow's `support` answer)
	Consent   bool      `json:"consent"`             // agreed to share their answers with a link worker (the `consent` answer)
	Referral  string    `json:"referral,omitempty"`  // for a message: the referral it belongs to
	Status    string    `json:"status"`              // new, notified, claimed, closed
	Assignee  string    `json:"assignee,omitempty"`  // the link worker who claimed it
	ClaimedAt time.Time `json:"claimed_at,omitzero"` // when it was claimed
	Outcome   string    `json:"outcome,omitempty"`   // recorded by the link worker
	OutcomeAt time.Time `json:"outcome_at,omitzero"`

	Delivered  map[string]string `json:"delivered,omitempty"`  // notifier name → the provider's id of what it sent
	Escalated  int               `json:"escalated,omitempty"`  // how many times it was re-notified unclaimed
	NotifiedAt time.Time         `json:"notified_at,omitzero"` // first delivered to a link worker
}

// Person returns the hashed person id a handoff id carries ("r-<person>-<rand>"),
// so a store can find the record from the id alone.
func Person(id string) (string, bool) {
	parts := strings.Split(id, "-")
	if len(parts) != 3 || len(parts[1]) != 16 {
		return "", false
	}
	return parts[1], true
}

// handoffID returns a new id for a handoff of kind about the person hashed as person.
func handoffID(kind, person string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return kind[:1] + "-" + person + "-" + hex.EncodeToString(b[:])
}

// HandoffAnswer is one answer as the link worker sees it.
type HandoffAnswer struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // the answer type: phone and email answers are contact details
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

// idPrefix makes this process's ids unique among processes; idSeq makes
// them unique within it. Cheaper than reading crypto/rand for every reply.
var (
	idPrefix = func() string {
		var b [10]byte
		_, _ = rand.Read(b[:])
		return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	}()
	idSeq atomic.Uint64
)

// newID returns an id unique across processes, e.g. "o_k3j…x-1f".
func newID(prefix string) string {
	var b [48]byte // one allocation: the string
	buf := append(append(append(b[:0], prefix...), idPrefix...), '-')
	return string(strconv.AppendUint(buf, idSeq.Add(1), 36))
}
