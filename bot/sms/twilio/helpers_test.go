package twilio_test

import (
	"io"
	"net/http"
	"net/url"
)

// rewriteTo returns r as an outgoing request to base.
func rewriteTo(r *http.Request, base string) *http.Request {
	u, _ := url.Parse(base)
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host, out.Host = u.Scheme, u.Host, ""
	return out
}

func readAll(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
