// Package twilio sends SMS through Twilio's Messages API with twilio-go,
// adding what that library lacks: a context, a TWILIO_API_URL override (so
// tests and staging hit a fake, never api.twilio.com), the Retry-After
// header, and typed errors that say whether to retry and whether the
// recipient has opted out.
//
// twilio-go neither retries nor takes a context; Send does not retry either.
// Callers decide from *Error.
package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	twclient "github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// DefaultAPIURL is Twilio's REST API.
const DefaultAPIURL = "https://api.twilio.com"

// DefaultTimeout bounds one Send when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config configures a Client.
type Config struct {
	AccountSID string // "AC…"; also the basic-auth username
	AuthToken  string
	// From is the sending number (E.164) and MessagingServiceSID ("MG…")
	// the Messaging Service; at least one is needed. With both, Twilio
	// sends from From and applies the service's features.
	From                string
	MessagingServiceSID string
	// APIURL replaces the scheme and host (and prefixes any path) of every
	// request twilio-go makes; DefaultAPIURL when empty. This is
	// TWILIO_API_URL.
	APIURL string
	// StatusCallback, when set, is the URL Twilio posts delivery status to.
	StatusCallback string
	// Timeout bounds one request, from dialling to reading the answer;
	// DefaultTimeout when zero.
	Timeout time.Duration
}

// Client sends SMS. It is safe for concurrent use.
type Client struct {
	creds          *twclient.Credentials
	accountSID     string
	from           string
	serviceSID     string
	statusCallback string
	timeout        time.Duration
	transport      http.RoundTripper // shared: connection pool and host rewrite
}

// alphanumeric is what twilio-go accepts in credentials; anything else it
// refuses, with a fake HTTP 400, at every send.
var alphanumeric = regexp.MustCompile(`^[a-zA-Z0-9]+$`)

// New returns a Client for c, or an error naming what is wrong with c.
func New(c Config) (*Client, error) {
	switch {
	case c.AccountSID == "":
		return nil, errors.New("twilio: account SID is required")
	case !alphanumeric.MatchString(c.AccountSID):
		return nil, errors.New("twilio: account SID must be letters and digits")
	case c.AuthToken == "":
		return nil, errors.New("twilio: auth token is required")
	case !alphanumeric.MatchString(c.AuthToken):
		return nil, errors.New("twilio: auth token must be letters and digits")
	case c.From == "" && c.MessagingServiceSID == "":
		return nil, errors.New("twilio: a From number or a messaging service SID is required")
	case c.Timeout < 0:
		return nil, fmt.Errorf("twilio: negative timeout %v", c.Timeout)
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	base, err := url.Parse(c.APIURL)
	if err != nil {
		return nil, fmt.Errorf("twilio: parsing API URL: %w", err)
	}
	if (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("twilio: API URL %q: want http(s)://host[:port][/path]", c.APIURL)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return &Client{
		creds:          twclient.NewCredentials(c.AccountSID, c.AuthToken),
		accountSID:     c.AccountSID,
		from:           c.From,
		serviceSID:     c.MessagingServiceSID,
		statusCallback: c.StatusCallback,
		timeout:        c.Timeout,
		transport:      &rewrite{base: base, next: http.DefaultTransport.(*http.Transport).Clone()},
	}, nil
}

// Send sends body to to (E.164) and returns the new message's SID. It makes
// one request and never retries. A refusal or failure is an *Error. When ctx
// ends first, Send returns at once with an error wrapping ctx.Err() (not an
// *Error) and cancels the request; as after a timeout, Twilio may still have
// accepted the message.
func (c *Client) Send(ctx context.Context, to, body string) (sid string, err error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("sending sms: %w", err)
	}
	params := &openapi.CreateMessageParams{}
	params.SetTo(to)
	params.SetBody(body)
	if c.from != "" {
		params.SetFrom(c.from)
	}
	if c.serviceSID != "" {
		params.SetMessagingServiceSid(c.serviceSID)
	}
	if c.statusCallback != "" {
		params.SetStatusCallback(c.statusCallback)
	}

	api, rec := c.call(ctx)
	type result struct {
		sid string
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned call never blocks
	go func() {
		// Spec: https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
		msg, err := api.CreateMessage(params)
		if err != nil {
			done <- result{err: classify(err, rec)}
			return
		}
		if msg.Sid == nil || *msg.Sid == "" {
			done <- result{err: &Error{Status: rec.status, Message: "response has no message sid"}}
			return
		}
		done <- result{sid: *msg.Sid}
	}()
	// twilio-go takes no context: wait for ctx here too. The recorder
	// cancels the request when ctx ends, and the http.Client's Timeout
	// bounds it regardless, so the goroutine ends soon after.
	select {
	case r := <-done:
		return r.sid, r.err
	case <-ctx.Done():
		return "", fmt.Errorf("sending sms: %w", ctx.Err())
	}
}

// call returns a twilio-go Messages API for one Send with context ctx, and
// the recorder that will hold the HTTP status and Retry-After header of its
// response.
//
// twilio-go's errors carry no response headers and its requests carry no
// context, so nothing on a shared client could tell which response belongs
// to which concurrent Send. Each Send therefore gets its own http.Client
// whose transport records into that Send's recorder, wrapping the shared
// transport (one connection pool). The RequestHandler is built directly,
// with no Edge or Region, so TWILIO_EDGE and TWILIO_REGION in the
// environment cannot change the URL.
func (c *Client) call(ctx context.Context) (*openapi.ApiService, *recorder) {
	rec := &recorder{ctx: ctx, next: c.transport}
	tc := &twclient.Client{
		Credentials: c.creds,
		HTTPClient: &http.Client{
			Transport: rec,
			Timeout:   c.timeout,
			// As twilio-go's default client: answer with a redirect, never
			// follow it (it would resend the message).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	tc.SetAccountSid(c.accountSID)
	return openapi.NewApiService(&twclient.RequestHandler{Client: tc}), rec
}
