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
	Channel  string        `json:"c"`
	Address  string        `json:"a"`
	Flow     string        `json:"f"`
	Version  int           `json:"v"`
	Step     string        `json:"s"`
	Status   Status        `json:"st"`
	Language string        `json:"l,omitempty"`
	Source   string        `json:"src,omitempty"`
	Answers  []SavedAnswer `json:"ans,omitempty"` // in the order first given
	ReturnTo string        `json:"ret,omitempty"` // a review step to come back to after this answer
	Confirm  string        `json:"cf,omitempty"`  // a pending confirmation ("delete")
	Risks    []Risk        `json:"rk,omitempty"`
	Referral string        `json:"ref,omitempty"` // the referral id once handed off
	Worker   string        `json:"wk,omitempty"`  // the first name of the link worker who claimed it
	NotedAt  int64         `json:"nat,omitempty"` // when the "a link worker has your referral" note was last sent, unix ms
	Turn     int64         `json:"n"`             // increments every turn
	RemindAt int64         `json:"ra,omitempty"`  // the pending no-reply reminder, unix ms (0: none)
	Reminded bool          `json:"rd,omitempty"`  // the one reminder was sent
	CloseAt  int64         `json:"xa,omitempty"`  // the pending expiry notice, unix ms (0: none)
	FollowAt int64         `json:"fa,omitempty"`  // the pending check-in, unix ms (0: none)
	FollowUp string        `json:"fu,omitempty"`  // the pending check-in: "<flow>|<referral id>"
	Started  time.Time     `json:"t0"`
	Updated  time.Time     `json:"t1"`
}

// TTL is how long a store keeps the session from now: ttl, or while a
// check-in is pending, until a week after it falls due (so a check-in
// held up by an outage still finds the session).
func (s *Session) TTL(now time.Time, ttl time.Duration) time.Duration {
	if s.FollowAt > 0 {
		if d := time.UnixMilli(s.FollowAt).Sub(now) + 7*24*time.Hour; d > ttl {
			return d
		}
	}
	return ttl
}

// Key is the session's conversation key.
func (s *Session) Key() string { return ConversationKey(s.Channel, s.Address) }

// SavedAnswer is one answer kept under its `save` name.
type SavedAnswer struct {
	Name  string       `json:"k"`
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
		// Room for one more: most turns save an answer.
		c.Answers = append(make([]SavedAnswer, 0, len(s.Answers)+1), s.Answers...)
		for i := range c.Answers {
			c.Answers[i].Value.IDs = slices.Clone(c.Answers[i].Value.IDs)
		}
	}
	c.Risks = slices.Clone(s.Risks)
	return &c
}

// Lookup returns the answer saved under name. A session keeps a handful of
// answers, so a slice beats a map (cheaper to copy, smaller in Redis).
func (s *Session) Lookup(name string) (SavedAnswer, bool) {
	for _, a := range s.Answers {
		if a.Name == name {
			return a, true
		}
	}
	return SavedAnswer{}, false
}

// Answer returns the answer saved under name (the zero value when none).
func (s *Session) Answer(name string) SavedAnswer {
	a, _ := s.Lookup(name)
	return a
}

// Save keeps a under its name, replacing an earlier answer of that name.
func (s *Session) Save(a SavedAnswer) {
	for i := range s.Answers {
		if s.Answers[i].Name == a.Name {
			s.Answers[i] = a
			return
		}
	}
	s.Answers = append(s.Answers, a)
}
