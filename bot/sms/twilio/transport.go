package twilio

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// rewrite sends every request to base instead of the host twilio-go
// addresses (https://api.twilio.com): it replaces the scheme and host and
// puts base's path, if any, in front of the request's path.
type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper. It leaves req untouched, as the
// interface requires, and sends a changed copy.
func (t *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme = t.base.Scheme
	out.URL.Host = t.base.Host
	if p := strings.TrimSuffix(t.base.Path, "/"); p != "" {
		out.URL.Path = p + req.URL.Path
		out.URL.RawPath = ""
	}
	out.Host = "" // the Host header follows the URL
	return t.next.RoundTrip(out)
}

// maxErrorBody bounds how much of an error response is kept.
const maxErrorBody = 64 << 10

// recorder records the HTTP status and Retry-After header of the one
// response of one Send, and ties that Send's context to the request. It is
// used by a single goroutine: twilio-go calls RoundTrip, through
// http.Client.Do, on the goroutine that then returns the error that Send
// classifies, so no lock is needed.
type recorder struct {
	ctx        context.Context // the Send's
	next       http.RoundTripper
	status     int    // 0 when no response arrived
	retryAfter string // the Retry-After header, verbatim
}

// RoundTrip implements http.RoundTripper.
//
// twilio-go builds its requests with context.Background, so RoundTrip
// cancels the request when the Send's context ends, keeping the deadline of
// the http.Client's Timeout: an abandoned Send does not leave its request
// running. The tie lasts until the response body is closed.
//
// An error response's body is read into memory and the connection's body
// closed: twilio-go decodes an error body but never closes it, which would
// leak the connection.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := context.AfterFunc(r.ctx, func() { cancel(context.Cause(r.ctx)) })
	release := func() {
		stop()
		cancel(nil)
	}
	resp, err := r.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		release()
		return nil, err
	}
	r.status = resp.StatusCode
	r.retryAfter = resp.Header.Get("Retry-After")
	if resp.StatusCode >= 400 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		release()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releasingBody calls release once when closed.
type releasingBody struct {
	io.ReadCloser
	release func()
	once    sync.Once
}

// Close closes the body and releases its request's context.
func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
