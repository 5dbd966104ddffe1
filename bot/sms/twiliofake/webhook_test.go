package twiliofake_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"

	"github.com/signpost-app/signpost/bot/sms/twiliofake"
	twclient "github.com/twilio/twilio-go/client"
)

// first flattens a form as twilio-go's validator wants it.
func first(form url.Values) map[string]string {
	m := make(map[string]string, len(form))
	for k, v := range form {
		m[k] = v[0]
	}
	return m
}

func TestSignMatchesTwilioGo(t *testing.T) {
	form := twiliofake.InboundForm("+447700900123", "+447700900000", "hi there & more=yes ✓", "")
	urls := []string{
		"https://signpost.example.org/sms/inbound",
		"https://signpost.example.org:8443/sms/inbound?school=abc&x=1",
		"http://127.0.0.1:41234/sms/inbound",
	}
	for _, u := range urls {
		sig := twiliofake.Sign(token, u, form)
		v := twclient.NewRequestValidator(token)
		if !v.Validate(u, first(form), sig) {
			t.Errorf("%s: twilio-go rejects signature %s", u, sig)
		}
		if !v.ValidateBody(u, []byte(form.Encode()), sig) {
			t.Errorf("%s: twilio-go ValidateBody rejects signature %s", u, sig)
		}
		if v.Validate(u, first(form), twiliofake.Sign("othertoken", u, form)) {
			t.Errorf("%s: signature with another token accepted", u)
		}
		tampered := url.Values{}
		for k, vs := range form {
			tampered[k] = vs
		}
		tampered.Set("Body", "changed")
		if v.Validate(u, first(tampered), sig) {
			t.Errorf("%s: signature accepted for a changed body", u)
		}
	}
}

// TestSignKnownVector checks Sign against the vector in twilio-go's own
// tests (client/request_validator_test.go).
func TestSignKnownVector(t *testing.T) {
	form := url.Values{
		"Digits":                {"1234"},
		"CallSid":               {"CA1234567890ABCDE"},
		"To":                    {"+18005551212"},
		"Caller":                {"+14158675309"},
		"From":                  {"+14158675309"},
		"ReasonConferenceEnded": {"test"},
		"Reason":                {"Participant"},
	}
	got := twiliofake.Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form)
	if want := "vOEb5UThFn24KEfnOFLQY2AE5FY="; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestWebhook(t *testing.T) {
	f := twiliofake.New(t, account, token)
	var got *http.Request
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, "<Response/>")
	}))
	defer srv.Close()

	target := srv.URL + "/sms/inbound?school=abc"
	form := twiliofake.InboundForm("+447700900123", "+447700900000", "hello", "SM0123456789abcdef0123456789abcdef")
	resp := f.Webhook(t, target, token, form)

	if resp.StatusCode != 200 {
		t.Errorf("status = %d", resp.StatusCode)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != "<Response/>" {
		t.Errorf("response body = %q", b)
	}
	if got.Method != http.MethodPost ||
		got.Header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
		got.Header.Get("User-Agent") != "TwilioProxy/1.1" ||
		got.Header.Get("I-Twilio-Idempotency-Token") == "" {
		t.Errorf("request %s with headers %v", got.Method, got.Header)
	}
	v := twclient.NewRequestValidator(token)
	if !v.ValidateBody(target, gotBody, got.Header.Get("X-Twilio-Signature")) {
		t.Error("twilio-go rejects the webhook's signature")
	}
	posted, _ := url.ParseQuery(string(gotBody))
	if posted.Get("Body") != "hello" || posted.Get("From") != "+447700900123" {
		t.Errorf("posted form = %v", posted)
	}
}

func TestInboundForm(t *testing.T) {
	form := twiliofake.InboundForm("+447700900123", "+447700900000", "hi", "SMabc")
	want := map[string]string{
		"From": "+447700900123", "To": "+447700900000", "Body": "hi",
		"MessageSid": "SMabc", "SmsMessageSid": "SMabc", "SmsSid": "SMabc",
		"SmsStatus": "received", "NumMedia": "0", "NumSegments": "1",
		"ToCountry": "GB", "FromCountry": "GB", "ToState": "",
		"AccountSid": twiliofake.ExampleAccountSID, "ApiVersion": "2010-04-01",
	}
	for k, v := range want {
		if vs, ok := form[k]; !ok || vs[0] != v {
			t.Errorf("%s = %v, want %q", k, vs, v)
		}
	}
	if _, ok := form["MediaUrl0"]; ok {
		t.Error("MediaUrl0 without media")
	}

	mms := twiliofake.InboundForm("+447700900123", "+447700900000", "", "",
		"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", "https://example.org/a.png")
	if !regexp.MustCompile(`^MM[0-9a-f]{32}$`).MatchString(mms.Get("MessageSid")) {
		t.Errorf("MessageSid = %q, want a random MM sid", mms.Get("MessageSid"))
	}
	if mms.Get("NumMedia") != "2" || mms.Get("MediaContentType0") != "image/jpeg" ||
		mms.Get("MediaContentType1") != "image/png" || mms.Get("MediaUrl1") != "https://example.org/a.png" {
		t.Errorf("media fields = %v", mms)
	}
}

func TestStatusForm(t *testing.T) {
	delivered := twiliofake.StatusForm("SMabc", "delivered", "")
	if delivered.Get("MessageSid") != "SMabc" || delivered.Get("MessageStatus") != "delivered" ||
		delivered.Get("To") == "" || delivered.Get("From") == "" || delivered.Get("AccountSid") == "" ||
		delivered.Get("ApiVersion") != "2010-04-01" {
		t.Errorf("delivered = %v", delivered)
	}
	if _, ok := delivered["ErrorCode"]; ok {
		t.Error("ErrorCode on a delivered message")
	}
	failed := twiliofake.StatusForm("SMabc", "undelivered", "30003")
	if failed.Get("MessageStatus") != "undelivered" || failed.Get("ErrorCode") != "30003" {
		t.Errorf("undelivered = %v", failed)
	}
}
