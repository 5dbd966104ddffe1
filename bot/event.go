package bot

import (
	"context"
	"strconv"
	"time"
)

// Event kinds: the anonymous monitoring record of what happens. Events hold
// no names, numbers or free text: only flow and step ids, channel, source
// code, option ids, banded ages and 0–10 scores, under the person's
// pseudonymous id (the store's salted hash of their conversation key), which
// DELETE removes with everything else about the person.
const (
	EventStart    = "start"    // a conversation started (Flow, Version, Channel, Source, Conv)
	EventStep     = "step"     // a question was reached (Flow, Step, Conv)
	EventAnswer   = "answer"   // a reported answer was given (Flow, Step, Name, Value, Conv; Ref in a follow-up)
	EventDropOff  = "dropoff"  // no reply before the conversation expired (Flow, Step, Conv)
	EventEnd      = "end"      // the flow reached an end step (Flow, Step, Conv; Ref in a follow-up)
	EventRisk     = "risk"     // a safeguarding hit (Value: the category; Flow, Step, Conv when in a flow)
	EventReferral = "referral" // a referral was made (Ref, Flow, Channel, Source, Conv; Attrs: the reported answers)
	EventClaim    = "claim"    // a link worker claimed a referral (Ref; Seconds: time from referral to claim)
	EventOutcome  = "outcome"  // a link worker recorded an outcome (Ref; Value: the outcome id)
	EventFollowUp = "followup" // a follow-up fell due (Ref, Flow; Value: a FollowUp* result)
)

// Follow-up results (EventFollowUp values).
const (
	FollowUpSent     = "sent"      // the follow-up flow started on the person's channel (Conv: its conversation)
	FollowUpOptedOut = "opted_out" // not sent: the person had opted out
	FollowUpBusy     = "busy"      // put off a day: the person was in the middle of another conversation
	FollowUpMissing  = "missing"   // not sent: the check-in flow is gone
)

// Event is one anonymous monitoring event.
type Event struct {
	ID      string            `json:"id"`             // unique; makes a repeat of the same event recognisable
	At      time.Time         `json:"t"`              // when it happened
	Kind    string            `json:"k"`              // Event* kinds
	Person  string            `json:"p,omitempty"`    // the pseudonymous person id; stores fill it in when reading
	Conv    int64             `json:"c,omitempty"`    // the conversation: its start time, unix ms (unique per person)
	Flow    string            `json:"f,omitempty"`    // flow id
	Version int               `json:"v,omitempty"`    // flow version
	Step    string            `json:"s,omitempty"`    // step id
	Channel string            `json:"ch,omitempty"`   // sms, telegram, web, chat
	Source  string            `json:"src,omitempty"`  // the school or link code
	Ref     string            `json:"ref,omitempty"`  // the referral id (referral, claim, outcome, follow-up events)
	Name    string            `json:"n,omitempty"`    // the answer's save name (answer events)
	Value   string            `json:"val,omitempty"`  // a coded value: option ids (comma-separated), yes/no, a number, an age band, an outcome, a risk category
	Seconds int64             `json:"sec,omitempty"`  // claim events: seconds from referral to claim
	Attrs   map[string]string `json:"attr,omitempty"` // referral events: every reported answer, coded
}

// EventLog is where events are kept (store/memory, store/redis). Turn
// events are written by Commit with the turn; Record is for events made
// outside a turn (claims and outcomes), about the person whose
// pseudonymous id is person.
type EventLog interface {
	// Record keeps events about person (the hashed id a referral id carries).
	Record(ctx context.Context, person string, evs ...Event) error
	// Events calls fn for every kept event about anyone active since from
	// (at or after from, up to now), in no particular order across people.
	Events(ctx context.Context, from time.Time, fn func(Event) error) error
}

// NewEvent returns an event of kind at at with a fresh id.
func NewEvent(kind string, at time.Time) Event {
	return Event{ID: newID("e_"), At: at, Kind: kind}
}

// AgeBand is the band an age falls in, the only form an age is kept in
// for figures: "under 11", "11-13", "14-15", "16-17", "18-21", "22-25",
// "over 25".
func AgeBand(age float64) string {
	switch {
	case age < 11:
		return "under 11"
	case age < 14:
		return "11-13"
	case age < 16:
		return "14-15"
	case age < 18:
		return "16-17"
	case age < 22:
		return "18-21"
	case age < 26:
		return "22-25"
	default:
		return "over 25"
	}
}

// AgeBands lists the age bands in order.
var AgeBands = []string{"under 11", "11-13", "14-15", "16-17", "18-21", "22-25", "over 25"}

// formatScore writes a number answer for an event: whole numbers without a
// decimal point.
func formatScore(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
