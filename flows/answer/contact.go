package answer

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
)

// UK postcodes are checked with the pattern of the UK Government Data
// Standards Catalogue (Cabinet Office GovTalk schema for BS 7666,
// PostCodeType):
//
//	(GIR 0AA)|((([A-Z-[QVX]][0-9][0-9]?)|(([A-Z-[QVX]][A-Z-[IJZ]][0-9][0-9]?)|
//	(([A-Z-[QVX]][0-9][A-HJKSTUW])|([A-Z-[QVX]][A-Z-[IJZ]][0-9][ABEHMNPRVWXY]))))
//	[0-9][A-Z-[CIKMOV]]{2})
//
// rewritten without character class subtraction, which Go's regexp lacks:
// [A-Z-[QVX]] is [A-PR-UWYZ], [A-Z-[IJZ]] is [A-HK-Y] and [A-Z-[CIKMOV]] is
// [ABD-HJLNP-UW-Z]. The outward code (the part before the space, also
// called the postcode district) is accepted on its own too, because flows
// may ask for the district only. British Forces (BFPO) and overseas
// territory postcodes are not accepted.
const postcodeOutward = `GIR|[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]`

var (
	postcodeFull     = regexp.MustCompile(`^(` + postcodeOutward + `) ?([0-9][ABD-HJLNP-UW-Z]{2})$`)
	postcodeDistrict = regexp.MustCompile(`^(?:` + postcodeOutward + `)$`)
)

// parsePostcode reads a full UK postcode ("sw1a 1aa", "SW1A1AA" → "SW1A
// 1AA") or an outward code alone ("sw1a" → "SW1A").
func parsePostcode(s string) (Value, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(strings.TrimRight(s, ".,!")), ""))
	if m := postcodeFull.FindStringSubmatch(s); m != nil {
		if m[1] == "GIR" && m[2] != "0AA" {
			return Value{}, refuse(ReasonNotPostcode)
		}
		return Value{Type: Postcode, Text: m[1] + " " + m[2]}, nil
	}
	if postcodeDistrict.MatchString(s) {
		return Value{Type: Postcode, Text: s}, nil
	}
	return Value{}, refuse(ReasonNotPostcode)
}

// parsePhone reads a UK phone number written nationally ("07700 900123",
// "(020) 7946 0018") or internationally ("+44 7700 900123", "0044 …",
// "+44 (0)7700 …"), with spaces, dashes, dots or brackets, as E.164:
// "+447700900123". The national number (after the 0) must have 10 digits
// and start with 1, 2, 3, 7 or 8.
func parsePhone(s string) (Value, error) {
	var d []byte
	plus := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r == '+' && !plus && len(d) == 0:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/' || r == '–':
		default:
			return Value{}, refuse(ReasonNotPhone)
		}
	}
	digits := string(d)
	var nat string
	switch {
	case plus && strings.HasPrefix(digits, "44"):
		nat = digits[2:]
	case plus:
		return Value{}, refuse(ReasonNotPhone) // not a UK number
	case strings.HasPrefix(digits, "0044"):
		nat = digits[4:]
	case strings.HasPrefix(digits, "44") && len(digits) == 12:
		nat = digits[2:]
	case strings.HasPrefix(digits, "00"):
		return Value{}, refuse(ReasonNotPhone) // another country
	case strings.HasPrefix(digits, "0"):
		nat = digits[1:]
	default:
		return Value{}, refuse(ReasonNotPhone)
	}
	if len(nat) == 11 && nat[0] == '0' && len(digits) > 11 {
		nat = nat[1:] // +44 (0)7700 900123
	}
	if len(nat) != 10 || !strings.ContainsRune("12378", rune(nat[0])) {
		return Value{}, refuse(ReasonNotPhone)
	}
	return Value{Type: Phone, Text: "+44" + nat}, nil
}

// parseEmail reads a bare email address ("name@example.com", no display
// name or angle brackets) whose domain has a dot; the domain is lower-cased.
func parseEmail(s string) (Value, error) {
	s = strings.TrimRight(s, ".,;!")
	if len(s) > 254 {
		return Value{}, refuse(ReasonNotEmail)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return Value{}, refuse(ReasonNotEmail)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return Value{}, refuse(ReasonNotEmail)
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if !validDomain(domain) {
		return Value{}, refuse(ReasonNotEmail)
	}
	return Value{Type: Email, Text: local + "@" + domain}, nil
}

// validDomain reports whether d is a host name with at least two labels of
// letters, digits and inner hyphens, the last not all digits.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return !allDigits(labels[len(labels)-1])
}
