// Package answer parses a young person's reply to a question into a typed
// value: text, yes_no, number, choice, choices, date, postcode, phone, email.
// Word lists (yes/no words, number words, skip words) live in data
// (words.yaml), not in code.
package answer

import (
	"errors"
	"strconv"
	"strings"
)

// Type is an answer type name as written in a flow file.
type Type string

// The answer types a flow may use.
const (
	Text     Type = "text"
	YesNo    Type = "yes_no"
	Number   Type = "number"
	Choice   Type = "choice"
	Choices  Type = "choices"
	Date     Type = "date"
	Postcode Type = "postcode"
	Phone    Type = "phone"
	Email    Type = "email"
)

// Types lists every known answer type, in documentation order.
var Types = []Type{Text, YesNo, Number, Choice, Choices, Date, Postcode, Phone, Email}

// Known reports whether t is a known answer type.
func Known(t Type) bool {
	for _, k := range Types {
		if k == t {
			return true
		}
	}
	return false
}

// Outcomes that are not option ids.
const (
	OutcomeAnswered = "answered"
	OutcomeSkipped  = "skipped"
	OutcomeYes      = "yes"
	OutcomeNo       = "no"
)

// DefaultMaxLength caps a text answer when the flow sets no max_length.
const DefaultMaxLength = 1000

// Spec is what a parser needs to know about a question.
type Spec struct {
	Type      Type
	Min, Max  *float64 // number bounds, inclusive
	MaxLength int      // text cap in characters (runes); 0 → DefaultMaxLength
	Optional  bool     // skip words ("skip", "rather not say") give a skipped value
	Options   []Option // choice and choices

	chooser *chooser // the options' match keys, built once by Prepared
}

// Prepared returns the spec with its option match keys built once, so a
// spec kept for many replies (a loaded flow's) does not rebuild them per
// reply. Parse works on an unprepared spec too.
func (s Spec) Prepared() Spec {
	if s.Type == Choice || s.Type == Choices {
		s.chooser = newChooser(s.Options)
	}
	return s
}

// Option is a choice. Labels holds its text in every language of the flow;
// a reply may give the option's number, its id or any of its labels.
type Option struct {
	ID     string
	Labels []string
}

// Value is a parsed answer.
type Value struct {
	Type    Type     `json:"t"`
	Text    string   `json:"s,omitempty"` // text; choice id; date as 2006-01-02; postcode; phone as E.164; email
	Number  float64  `json:"n,omitempty"`
	Bool    bool     `json:"b,omitempty"`
	IDs     []string `json:"l,omitempty"` // choices, in option order
	Skipped bool     `json:"k,omitempty"`
}

// Outcome is the value's outcome name used by routes: yes/no for yes_no, the
// option id for choice, "skipped" for a skipped optional answer, and
// "answered" otherwise.
func (v Value) Outcome() string {
	switch {
	case v.Skipped:
		return OutcomeSkipped
	case v.Type == YesNo && v.Bool:
		return OutcomeYes
	case v.Type == YesNo:
		return OutcomeNo
	case v.Type == Choice:
		return v.Text
	}
	return OutcomeAnswered
}

// Any is the value as an expression-language value: float64 for number, bool
// for yes_no, []string for choices, string otherwise.
func (v Value) Any() any {
	switch v.Type {
	case Number:
		return v.Number
	case YesNo:
		return v.Bool
	case Choices:
		if v.IDs == nil {
			return []string{}
		}
		return v.IDs
	}
	return v.Text
}

// Zero is the zero expression value of an answer type, used to type-check
// conditions at load time and to stand in for answers not given yet.
func Zero(t Type) any {
	switch t {
	case Number:
		return 0.0
	case YesNo:
		return false
	case Choices:
		return []string{}
	}
	return ""
}

// String renders the value for a person (numbers without trailing zeros).
// Choice ids are rendered as ids; callers that know the option labels should
// render those instead.
func (v Value) String() string {
	switch {
	case v.Skipped:
		return ""
	case v.Type == Number:
		return strconv.FormatFloat(v.Number, 'f', -1, 64)
	case v.Type == YesNo && v.Bool:
		return "yes"
	case v.Type == YesNo:
		return "no"
	case v.Type == Choices:
		return strings.Join(v.IDs, ", ")
	}
	return v.Text
}

// Reason says why a reply did not parse. The engine turns it into the step's
// `invalid` text or the default message for the reason.
type Reason string

// Reasons a reply may be refused.
const (
	ReasonEmpty       Reason = "empty"
	ReasonTooLong     Reason = "too_long"
	ReasonNotYesNo    Reason = "not_yes_no"
	ReasonNotNumber   Reason = "not_number"
	ReasonTooSmall    Reason = "too_small"
	ReasonTooBig      Reason = "too_big"
	ReasonNotChoice   Reason = "not_choice"
	ReasonOneChoice   Reason = "one_choice"
	ReasonNotDate     Reason = "not_date"
	ReasonNotPostcode Reason = "not_postcode"
	ReasonNotPhone    Reason = "not_phone"
	ReasonNotEmail    Reason = "not_email"
)

// Error is a refused reply.
type Error struct {
	Reason Reason
}

func (e *Error) Error() string { return "answer: " + string(e.Reason) }

// ReasonOf returns the Reason of a parse error, or "" when err is not one.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
