package twilio

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRewrite(t *testing.T) {
	tests := []struct{ base, in, want string }{
		{"http://127.0.0.1:8080", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
			"http://127.0.0.1:8080/2010-04-01/Accounts/AC1/Messages.json"},
		{"https://proxy.example/twilio/", "https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1",
			"https://proxy.example/twilio/2010-04-01/Accounts/AC1/Messages.json?x=1"},
	}
	for _, tt := range tests {
		base, _ := url.Parse(tt.base)
		var got *http.Request
		rt := &rewrite{base: base, next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			got = r
			return nil, errors.New("stop")
		})}
		req, _ := http.NewRequest(http.MethodPost, tt.in, strings.NewReader("To=x"))
		_, _ = rt.RoundTrip(req)
		if got.URL.String() != tt.want || got.Host != "" {
			t.Errorf("%s → %s (Host %q), want %s", tt.in, got.URL, got.Host, tt.want)
		}
		if req.URL.String() != tt.in {
			t.Errorf("the caller's request changed to %s", req.URL)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"soon", 0},
		{"Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second},
		{"Sun, 01 Mar 2026 11:00:00 GMT", 0},
		{"99999999999", 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		e    *Error
		want string
	}{
		{&Error{Status: 429, Code: 20429, Temporary: true, RetryAfter: 3 * time.Second}, "sending sms: twilio http 429 error 20429 (temporary, retry after 3s)"},
		{&Error{Status: 400, Code: 21610, OptedOut: true, Message: "Attempt to send to unsubscribed recipient"}, "sending sms: twilio http 400 error 21610 (recipient opted out)"},
		{&Error{Status: 400, Code: 21211, Message: "The 'To' number +447700900123 is not a valid phone number."}, "sending sms: twilio http 400 error 21211 (permanent)"},
		{&Error{Temporary: true, cause: errors.New("dial tcp: connection refused")}, "sending sms: twilio unreachable (temporary): dial tcp: connection refused"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
