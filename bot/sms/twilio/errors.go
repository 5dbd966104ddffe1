package twilio

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	twclient "github.com/twilio/twilio-go/client"
)

// CodeUnsubscribed is Twilio's error 21610: the recipient replied STOP, and
// Twilio refuses every message to them until they reply START.
// https://www.twilio.com/docs/api/errors/21610
const CodeUnsubscribed = 21610

// Error is why Send failed. Decide with its fields, never its text.
type Error struct {
	// Status is the HTTP status of Twilio's answer; 0 when none arrived
	// (a network error or timeout).
	Status int
	// Code is Twilio's error code (https://www.twilio.com/docs/api/errors);
	// 0 when the answer had none.
	Code int
	// Message is Twilio's message, or the network error's. It may contain
	// the recipient's number: never log it.
	Message string
	// RetryAfter is how long Twilio asked us to wait (its Retry-After
	// header, in seconds or as a date); 0 when it did not say.
	RetryAfter time.Duration
	// Temporary is true when sending again later may work: HTTP 429, 5xx,
	// and network errors and timeouts. A timed-out message may have been
	// sent, so a retry may send it twice.
	Temporary bool
	// OptedOut is true when the recipient has unsubscribed (code 21610): a
	// permanent refusal, to be remembered and not retried.
	OptedOut bool

	cause error
}

// Error describes e without Message, so that logging it logs no phone
// number.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sending sms: ")
	if e.Status == 0 && e.Code == 0 {
		b.WriteString("twilio unreachable")
	} else {
		fmt.Fprintf(&b, "twilio http %d", e.Status)
		if e.Code != 0 {
			fmt.Fprintf(&b, " error %d", e.Code)
		}
	}
	switch {
	case e.OptedOut:
		b.WriteString(" (recipient opted out)")
	case e.Temporary && e.RetryAfter > 0:
		fmt.Fprintf(&b, " (temporary, retry after %v)", e.RetryAfter)
	case e.Temporary:
		b.WriteString(" (temporary)")
	default:
		b.WriteString(" (permanent)")
	}
	if e.Status == 0 && e.cause != nil {
		b.WriteString(": ")
		b.WriteString(e.cause.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error: a *client.TwilioRestError from
// twilio-go, or a network error.
func (e *Error) Unwrap() error { return e.cause }

// classify turns twilio-go's error, and what rec saw of the HTTP answer,
// into an *Error.
func classify(err error, rec *recorder) *Error {
	e := &Error{Status: rec.status, cause: err}
	var rest *twclient.TwilioRestError
	var restV1 *twclient.RestErrorV1
	switch {
	case errors.As(err, &rest):
		e.Code, e.Message = rest.Code, rest.Message
		if e.Status == 0 {
			// twilio-go's own refusal, before any request (bad
			// credentials): it reports a status of its own.
			e.Status = rest.Status
		}
	case errors.As(err, &restV1):
		e.Code, e.Message = restV1.Code, restV1.Message
		if e.Status == 0 {
			e.Status = restV1.HttpStatusCode
		}
	default:
		// No response (network error, timeout), or one twilio-go could
		// not decode (an HTML 502 from a proxy, a broken 201).
		e.Message = err.Error()
	}
	if rec.status == 0 && e.Code == 0 {
		e.Temporary = true // no answer at all: a network error or timeout
	}
	e.OptedOut = e.Code == CodeUnsubscribed
	if !e.OptedOut && (e.Status == http.StatusTooManyRequests || e.Status >= 500) {
		e.Temporary = true
	}
	e.RetryAfter = parseRetryAfter(rec.retryAfter, time.Now())
	return e
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3). It returns 0 for an empty, invalid or past value.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
