package twiliofake

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Twilio error codes the fake answers with. See
// https://www.twilio.com/docs/api/errors.
const (
	CodeAuthenticate    = 20003 // wrong account SID or auth token (HTTP 401)
	CodeNotFound        = 20404 // no such resource (HTTP 404)
	CodeTooManyRequests = 20429 // rate limited (HTTP 429)
	CodeInternalError   = 20500 // Twilio's own failure (HTTP 500)
	CodeInvalidTo       = 21211 // the 'To' number is not a valid phone number (HTTP 400)
	CodeBodyRequired    = 21602 // no Body, MediaUrl or ContentSid (HTTP 400)
	CodeFromRequired    = 21603 // neither From nor MessagingServiceSid (HTTP 400)
	CodeToRequired      = 21604 // no To (HTTP 400)
	CodeUnsubscribed    = 21610 // the recipient replied STOP: a permanent opt-out (HTTP 400)
	CodeBodyTooLong     = 21617 // Body longer than 1600 characters (HTTP 400)
)

// step is what the fake does with one request before, or instead of,
// answering it normally.
type step struct {
	delay time.Duration // hang this long first
	fail  *failure      // then answer with this error; nil answers normally
}

type failure struct {
	status     int
	code       int
	retryAfter string
}

// Fail makes the next n requests fail with HTTP status and Twilio's JSON
// error body for code, with a Retry-After header when retryAfter is not
// empty (seconds, like "3", or an HTTP date). Scripted faults are used up one
// per request, in the order they were added, whatever the request is.
func (f *Fake) Fail(n, status, code int, retryAfter string) {
	f.push(n, step{fail: &failure{status: status, code: code, retryAfter: retryAfter}})
}

// Delay makes the next n requests hang for d before being answered normally,
// to test client timeouts. A request whose client gives up while it hangs is
// dropped: nothing is accepted or recorded.
func (f *Fake) Delay(n int, d time.Duration) {
	f.push(n, step{delay: d})
}

// FailRateLimit makes the next n requests fail as Twilio does when
// rate-limiting: HTTP 429, code 20429, with Retry-After when retryAfter is
// not empty.
func (f *Fake) FailRateLimit(n int, retryAfter string) {
	f.Fail(n, http.StatusTooManyRequests, CodeTooManyRequests, retryAfter)
}

// FailServerError makes the next n requests fail with HTTP 500, code 20500.
func (f *Fake) FailServerError(n int) {
	f.Fail(n, http.StatusInternalServerError, CodeInternalError, "")
}

// FailUnsubscribed makes the next n requests fail as sending to someone who
// replied STOP does: HTTP 400, code 21610.
func (f *Fake) FailUnsubscribed(n int) {
	f.Fail(n, http.StatusBadRequest, CodeUnsubscribed, "")
}

// FailInvalidTo makes the next n requests fail as sending to a number that
// is not a phone number does: HTTP 400, code 21211.
func (f *Fake) FailInvalidTo(n int) {
	f.Fail(n, http.StatusBadRequest, CodeInvalidTo, "")
}

func (f *Fake) push(n int, s step) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.script = append(f.script, s)
	}
}

// twilioError is Twilio's JSON error body, fields in Twilio's order.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// writeError answers with Twilio's JSON error body. path and to fill in the
// messages that name the resource or the number, as Twilio's do.
func writeError(w http.ResponseWriter, status, code int, path, to string) {
	writeJSON(w, status, twilioError{
		Code:     code,
		Message:  errorMessage(code, path, to),
		MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
		Status:   status,
	})
}

// errorMessage is Twilio's message for code.
func errorMessage(code int, path, to string) string {
	switch code {
	case CodeAuthenticate:
		return "Authenticate"
	case CodeNotFound:
		return fmt.Sprintf("The requested resource %s was not found", path)
	case CodeTooManyRequests:
		return "Too Many Requests"
	case CodeInternalError:
		return "An internal server error has occurred"
	case CodeInvalidTo:
		return fmt.Sprintf("The 'To' number %s is not a valid phone number.", to)
	case CodeBodyRequired:
		return "Message body is required."
	case CodeFromRequired:
		return "A 'From' phone number is required."
	case CodeToRequired:
		return "A 'To' phone number is required."
	case CodeUnsubscribed:
		return "Attempt to send to unsubscribed recipient"
	case CodeBodyTooLong:
		return "The concatenated message body exceeds the 1600 character limit."
	default:
		return "Error " + strconv.Itoa(code)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
