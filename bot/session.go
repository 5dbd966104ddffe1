package bot

import (
	"slices"
	"time"

	"github.com/signpost-app/signpost/flows/answer"
)

// Status is where a conversation stands.
type Status string

// Conversation statuses.
const (
	StatusActive    Status = "active"     // answering the flow
	StatusEnded     Status = "ended"      // reached an end step; a new message starts again
	StatusHandedOff Status = "handed_off" // a referral was made; the bot stays quiet
)

// Session is one person's conversation state, saved after every turn.
type Session struct {
	Channel  string                 `json:"c"`
	Address  string                 `json:"a"`
	Flow     string                 `json:"f"`
	Version  int                    `json:"v"`
	Step     string                 `json:"s"`
	Status   Status                 `json:"st"`
	Language string                 `json:"l,omitempty"`
	Source   string                 `json:"src,omitempty"`
	Answers  map[string]SavedAnswer `json:"ans,omitempty"`
	ReturnTo string                 `json:"ret,omitempty"` // a review step to come back to after this answer
	Confirm  string                 `json:"cf,omitempty"`  // a pending confirmation ("delete")
	Risks    []Risk                 `json:"rk,omitempty"`
	Referral string                 `json:"ref,omitempty"` // the referral id once handed off
	Worker   string                 `json:"wk,omitempty"`  // the first name of the link worker who claimed it
	NotedAt  int64                  `json:"nat,omitempty"` // when the "a link worker has your referral" note was last sent, unix ms
	Turn     int64                  `json:"n"`             // increments every turn
	RemindAt int64                  `json:"ra,omitempty"`  // the pending no-reply reminder, unix ms (0: none)
	Reminded bool                   `json:"rd,omitempty"`  // the one reminder was sent
	CloseAt  int64                  `json:"xa,omitempty"`  // the pending expiry notice, unix ms (0: none)
	Started  time.Time              `json:"t0"`
	Updated  time.Time              `json:"t1"`
}

// Key is the session's conversation key.
func (s *Session) Key() string { return ConversationKey(s.Channel, s.Address) }

// SavedAnswer is one answer kept under its `save` name.
type SavedAnswer struct {
	Step  string       `json:"p"`
	Raw   string       `json:"r"`
	Value answer.Value `json:"v"`
}

// Risk is a safeguarding flag raised in a conversation.
type Risk struct {
	Category string    `json:"c"`
	At       time.Time `json:"t"`
}

// Clone returns a deep copy, so a store never shares memory with a turn.
func (s *Session) Clone() *Session {
	if s == nil {
		return nil
	}
	c := *s
	if s.Answers != nil {
		c.Answers = make(map[string]SavedAnswer, len(s.Answers))
		for k, a := range s.Answers {
			a.Value.IDs = slices.Clone(a.Value.IDs)
			c.Answers[k] = a
		}
	}
	c.Risks = slices.Clone(s.Risks)
	return &c
}
