// Package segment counts how many SMS segments a message body costs, splits
// long replies into bodies Twilio accepts, and swaps typographic punctuation
// for GSM-7 characters so a reply is not sent, and billed, as UCS-2 because
// of one curly quote.
//
// The character sets are those of 3GPP TS 23.038 (GSM 03.38), §6.2.1: the
// GSM 7-bit default alphabet and its extension table. No national language
// shift tables are used: UK carriers and Twilio do not apply them.
package segment

// Encoding is how a message body is encoded on the air.
type Encoding uint8

const (
	// GSM7 is the GSM 7-bit default alphabet: 160 septets in a single SMS,
	// 153 in each part of a concatenated one. Extension-table characters
	// (^ { } \ [ ~ ] | € and form feed) take two septets.
	GSM7 Encoding = iota
	// UCS2 is UTF-16: 70 code units in a single SMS, 67 in each part of a
	// concatenated one. Characters outside the Basic Multilingual Plane,
	// such as most emoji, take two code units (a surrogate pair).
	UCS2
)

// String returns "GSM-7" or "UCS-2".
func (e Encoding) String() string {
	if e == UCS2 {
		return "UCS-2"
	}
	return "GSM-7"
}

// Segment sizes, in septets (GSM-7) or UTF-16 code units (UCS-2). A part of
// a concatenated message loses room to its user data header.
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// MaxBody is the longest message body, in characters, that Twilio's
// Messages API accepts; longer bodies are refused with error 21617.
const MaxBody = 1600

// gsmBasic is the GSM 7-bit default alphabet in code order 0x00–0x7F, with
// ESC (0x1B) left out: it introduces an extension character and is not a
// character a sender can use. Note 0x09 is capital Ç; small ç is not in the
// alphabet.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension is the extension table: each is sent as ESC plus a septet.
const gsmExtension = "\f^{}\\[~]|€"

// Septet costs: 0 means not in GSM-7.
var (
	asciiSeptets [128]uint8
	otherSeptets = map[rune]uint8{}
)

func init() {
	for _, r := range gsmBasic {
		setSeptets(r, 1)
	}
	for _, r := range gsmExtension {
		setSeptets(r, 2)
	}
}

func setSeptets(r rune, n uint8) {
	if r < 128 {
		asciiSeptets[r] = n
	} else {
		otherSeptets[r] = n
	}
}

// septets returns how many septets r takes in GSM-7, or 0 if it cannot be
// sent in GSM-7.
func septets(r rune) int {
	if r < 128 {
		return int(asciiSeptets[r])
	}
	return int(otherSeptets[r])
}

// IsGSM7 reports whether every character of s is in the GSM-7 default
// alphabet or its extension table.
func IsGSM7(s string) bool {
	for _, r := range s {
		if septets(r) == 0 {
			return false
		}
	}
	return true
}

// Count returns how many SMS segments s costs and the encoding it will be
// sent in. s is GSM-7 when every character is in the GSM-7 alphabet or its
// extension table, and UCS-2 otherwise. When s needs several segments they
// are filled greedily, and a two-septet extension character or a surrogate
// pair is never split across two segments, as handsets and Twilio do. An
// empty body costs 0 segments. Invalid UTF-8 counts as U+FFFD.
func Count(s string) (segments int, encoding Encoding) {
	if s == "" {
		return 0, GSM7
	}
	encoding, single, part := GSM7, gsmSingle, gsmPart
	total := 0
	for _, r := range s {
		n := septets(r)
		if n == 0 {
			encoding, single, part = UCS2, ucs2Single, ucs2Part
			break
		}
		total += n
	}
	if encoding == UCS2 {
		total = 0
		for _, r := range s {
			total += utf16Units(r)
		}
	}
	if total <= single {
		return 1, encoding
	}
	segments, used := 1, 0
	for _, r := range s {
		n := utf16Units(r)
		if encoding == GSM7 {
			n = septets(r)
		}
		if used+n > part {
			segments, used = segments+1, 0
		}
		used += n
	}
	return segments, encoding
}

// utf16Units returns how many UTF-16 code units r takes.
func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
