package twiliofake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/sms/segment"
)

// Example values for webhook forms. They are in Ofcom's drama range
// (07700 900000–900999), reserved for fiction, so they reach no one.
const (
	ExampleAccountSID = "AC00000000000000000000000000000000"
	ExampleNumber     = "+447700900000" // our Twilio number
	ExampleRecipient  = "+447700900123" // a young person
)

// Sign returns the X-Twilio-Signature Twilio sends with a webhook to
// fullURL carrying form: the base64 HMAC-SHA1, keyed with the auth token, of
// the full URL (scheme, host, any port, path and query, as configured)
// followed by every POST parameter's name and value, sorted by name (and a
// repeated name's values sorted too).
// Spec: https://www.twilio.com/docs/usage/webhooks/webhooks-security#validating-signatures-from-twilio
func Sign(authToken, fullURL string, form url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	for _, name := range slices.Sorted(maps.Keys(form)) {
		values := slices.Clone(form[name])
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Webhook posts form to targetURL as Twilio does: form-encoded, signed with
// authToken in X-Twilio-Signature, with Twilio's User-Agent and idempotency
// token. It fails the test if the request cannot be made. The returned
// response's body is already read and closed; it can still be read.
func (f *Fake) Webhook(t testing.TB, targetURL, authToken string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, targetURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("twiliofake: webhook request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", Sign(authToken, targetURL, form))
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Cache-Control", "max-age=259200")
	req.Header.Set("I-Twilio-Idempotency-Token", NewSID(""))
	client := &http.Client{Timeout: 15 * time.Second} // Twilio's webhook timeout
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("twiliofake: webhook: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("twiliofake: reading webhook response: %v", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// InboundForm returns the form Twilio posts to a Messaging webhook when from
// texts body to our number to, with media URLs for an MMS. An empty
// messageSID gets a random one ("MM…" with media, "SM…" without). The
// account is ExampleAccountSID; Set "AccountSid" to change it.
// Spec: https://www.twilio.com/docs/messaging/guides/webhook-request
func InboundForm(from, to, body, messageSID string, media ...string) url.Values {
	if messageSID == "" {
		messageSID = NewSID("SM")
		if len(media) > 0 {
			messageSID = NewSID("MM")
		}
	}
	segments, _ := segment.Count(body)
	form := url.Values{
		"ToCountry":     {country(to)},
		"ToState":       {""},
		"ToCity":        {""},
		"ToZip":         {""},
		"FromCountry":   {country(from)},
		"FromState":     {""},
		"FromCity":      {""},
		"FromZip":       {""},
		"SmsMessageSid": {messageSID},
		"NumMedia":      {strconv.Itoa(len(media))},
		"SmsSid":        {messageSID},
		"SmsStatus":     {"received"},
		"Body":          {body},
		"To":            {to},
		"NumSegments":   {strconv.Itoa(max(segments, 1))},
		"MessageSid":    {messageSID},
		"AccountSid":    {ExampleAccountSID},
		"From":          {from},
		"ApiVersion":    {APIVersion},
	}
	for i, u := range media {
		n := strconv.Itoa(i)
		form.Set("MediaUrl"+n, u)
		form.Set("MediaContentType"+n, contentType(u))
	}
	return form
}

// StatusForm returns the form Twilio posts to a message's StatusCallback
// when messageSID reaches status ("queued", "sent", "delivered",
// "undelivered", "failed"…). errorCode (like "30003") is sent only when not
// empty, as Twilio sends it only for failed and undelivered messages. To and
// From are ExampleRecipient and ExampleNumber; Set them to change them.
// Spec: https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
func StatusForm(messageSID, status, errorCode string) url.Values {
	form := url.Values{
		"MessageSid":    {messageSID},
		"SmsSid":        {messageSID},
		"MessageStatus": {status},
		"SmsStatus":     {status},
		"To":            {ExampleRecipient},
		"From":          {ExampleNumber},
		"AccountSid":    {ExampleAccountSID},
		"ApiVersion":    {APIVersion},
	}
	if errorCode != "" {
		form.Set("ErrorCode", errorCode)
	}
	return form
}

// country guesses the ISO country of an E.164 number from its calling code,
// as Twilio reports it in ToCountry and FromCountry.
func country(number string) string {
	for _, c := range []struct{ prefix, iso string }{
		{"+44", "GB"}, {"+353", "IE"}, {"+1", "US"}, {"+61", "AU"}, {"+64", "NZ"},
		{"+33", "FR"}, {"+49", "DE"}, {"+34", "ES"}, {"+91", "IN"},
	} {
		if strings.HasPrefix(number, c.prefix) {
			return c.iso
		}
	}
	return ""
}

// contentType guesses a media URL's content type from its extension; Twilio
// reports the type it fetched, most often a JPEG photo.
func contentType(mediaURL string) string {
	p := mediaURL
	if u, err := url.Parse(mediaURL); err == nil {
		p = u.Path
	}
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return "image/jpeg"
}
