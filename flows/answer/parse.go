package answer

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Now is the clock used for dates given without a year and for "today",
// "tomorrow" and "yesterday". Its location decides what "today" is. Tests
// may replace it.
var Now = time.Now

// maxReply caps the characters read of a reply to any question that is not
// text; a longer reply is refused with the type's "not_…" reason.
const maxReply = 1000

// Parse parses a reply to a question described by spec.
//
// The reply is cleaned first: invalid UTF-8 bytes and control characters
// are removed (new lines are kept in text answers) and it is trimmed. A
// reply with nothing left is refused with ReasonEmpty. For an optional
// question a skip word ("skip", "rather not say", and for every type but
// yes_no also "no", "none", "no thanks") as the whole reply gives a value
// with Skipped set; for choice and choices the options are tried first.
//
// A refused reply gives an error of type *Error with the Reason. Any other
// error means the spec itself is wrong (an unknown type).
func Parse(spec Spec, input string) (Value, error) {
	if !Known(spec.Type) {
		return Value{}, fmt.Errorf("answer: unknown answer type %q", spec.Type)
	}
	s := clean(input, spec.Type == Text)
	if s == "" {
		return Value{}, refuse(ReasonEmpty)
	}
	if spec.Type == Text {
		return parseText(spec, s)
	}
	if runeLen(s) > maxReply {
		return Value{}, refuse(notReason[spec.Type])
	}
	switch spec.Type {
	case Choice, Choices:
		return parseChoice(spec, s)
	case YesNo:
		if spec.Optional && isExplicitSkip(s) {
			return skipped(spec), nil
		}
		return parseYesNo(s)
	}
	if spec.Optional && isSkip(s) {
		return skipped(spec), nil
	}
	switch spec.Type {
	case Number:
		return parseNumber(spec, s)
	case Date:
		return parseDate(s)
	case Postcode:
		return parsePostcode(s)
	case Phone:
		return parsePhone(s)
	}
	return parseEmail(s)
}

// notReason is the reason a reply of each type is refused when it is not
// understood at all.
var notReason = map[Type]Reason{
	Text:     ReasonTooLong,
	YesNo:    ReasonNotYesNo,
	Number:   ReasonNotNumber,
	Choice:   ReasonNotChoice,
	Choices:  ReasonNotChoice,
	Date:     ReasonNotDate,
	Postcode: ReasonNotPostcode,
	Phone:    ReasonNotPhone,
	Email:    ReasonNotEmail,
}

func refuse(r Reason) *Error { return &Error{Reason: r} }

func skipped(spec Spec) Value { return Value{Type: spec.Type, Skipped: true} }

// maxSkip caps the length in bytes of a reply that may be a skip word
// with filler; longer replies are answers.
const maxSkip = 200

// isSkip reports whether the whole of s is a skip or decline word.
func isSkip(s string) bool {
	return len(s) <= maxSkip && words.skipDecline.only(tokens(s, false), catSkip)
}

// isExplicitSkip reports whether the whole of s is an explicit skip word,
// the only kind that skips a yes_no question.
func isExplicitSkip(s string) bool {
	return len(s) <= maxSkip && words.skip.only(tokens(s, false), catSkip)
}

func parseText(spec Spec, s string) (Value, error) {
	if spec.Optional && isSkip(s) {
		return skipped(spec), nil
	}
	if runeLen(s) > maxLength(spec) {
		return Value{}, refuse(ReasonTooLong)
	}
	return Value{Type: Text, Text: s}, nil
}

// parseYesNo reads a reply made of yes words, or of no words, and filler.
func parseYesNo(s string) (Value, error) {
	toks := tokens(s, false)
	yes, no := false, false
	for i := 0; i < len(toks); {
		c, n := words.yesNo.at(toks[i:])
		switch c {
		case catYes:
			yes = true
		case catNo:
			no = true
		case catFiller:
		default:
			return Value{}, refuse(ReasonNotYesNo)
		}
		i += n
	}
	if yes == no {
		return Value{}, refuse(ReasonNotYesNo)
	}
	return Value{Type: YesNo, Bool: yes}, nil
}

// digitNumber finds numbers written in digits: "15", "-3", "15.5", "1,000".
var digitNumber = regexp.MustCompile(`-?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?`)

// parseNumber finds the one number in a reply, in digits or in words.
func parseNumber(spec Spec, s string) (Value, error) {
	var found []float64
	for _, m := range digitNumber.FindAllStringIndex(s, -1) {
		txt := s[m[0]:m[1]]
		// A minus is a sign only at the start of a word: "12-15" is two
		// numbers, not 12 and -15.
		if txt[0] == '-' && m[0] > 0 && wordByte(s[m[0]-1]) {
			txt = txt[1:]
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(txt, ",", ""), 64)
		if err != nil || math.IsInf(f, 0) {
			return Value{}, refuse(ReasonNotNumber)
		}
		found = append(found, f)
	}
	found = append(found, words.spelt(tokens(s, false))...)
	if len(found) == 0 {
		return Value{}, refuse(ReasonNotNumber)
	}
	n := found[0]
	for _, f := range found[1:] {
		if f != n {
			return Value{}, refuse(ReasonNotNumber)
		}
	}
	if n == 0 {
		n = 0 // no negative zero
	}
	if spec.Min != nil && n < *spec.Min {
		return Value{}, refuse(ReasonTooSmall)
	}
	if spec.Max != nil && n > *spec.Max {
		return Value{}, refuse(ReasonTooBig)
	}
	return Value{Type: Number, Number: n}, nil
}

// spelt returns the numbers spelt out in words in toks: "fifteen",
// "twenty one", "a hundred and five".
func (lx *lexicon) spelt(toks []string) []float64 {
	var out []float64
	for i := 0; i < len(toks); {
		v, n := lx.speltAt(toks[i:])
		if n == 0 {
			i++
			continue
		}
		out = append(out, float64(v))
		i += n
	}
	return out
}

// speltAt reads one spelt-out number at the start of toks and returns its
// value and the number of tokens it takes, 0 when there is none.
func (lx *lexicon) speltAt(toks []string) (value, used int) {
	total := 0 // thousands
	group := 0 // below a thousand
	small := 0 // below a hundred, within group
	last := numNone
	for i, t := range toks {
		w, ok := lx.numbers[t]
		if !ok {
			break
		}
		next := numNone
		if i+1 < len(toks) {
			next = lx.numbers[toks[i+1]].kind
		}
		switch w.kind {
		case numUnit, numTeen, numTens, numCompound:
			switch last {
			case numNone, numHundred, numThousand, numAnd:
			case numTens:
				if w.kind != numUnit || w.value == 0 {
					return total + group, used
				}
			default:
				return total + group, used
			}
			small += w.value
			group += w.value
		case numHundred:
			switch last {
			case numNone, numA:
				small, group = 1, 1
			case numUnit, numTeen:
			default:
				return total + group, used
			}
			if group != small || small == 0 { // "zero hundred", "two hundred one hundred"
				return total + group, used
			}
			group = small * 100
			small = 0
		case numThousand:
			if total != 0 || last == numAnd || last == numThousand {
				return total + group, used
			}
			if last == numNone || last == numA {
				group = 1
			}
			if group == 0 {
				return total + group, used
			}
			total = group * 1000
			group, small = 0, 0
		case numAnd:
			if (last != numHundred && last != numThousand) || next < numUnit || next > numCompound {
				return total + group, used
			}
		case numA:
			if last != numNone || (next != numHundred && next != numThousand) {
				return total + group, used
			}
		}
		last = w.kind
		if w.kind != numAnd && w.kind != numA {
			used = i + 1
		}
	}
	return total + group, used
}

// wordByte reports whether b is an ASCII letter, digit or dot.
func wordByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '.'
}
