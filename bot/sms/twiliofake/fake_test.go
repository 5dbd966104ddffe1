package twiliofake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot/sms/twiliofake"
)

const (
	account = "AC0123456789abcdef0123456789abcdef"
	token   = "secrettoken0123456789"
)

var sidPattern = regexp.MustCompile(`^SM[0-9a-f]{32}$`)

// post sends a Messages create request as twilio-go does.
func post(t *testing.T, f *twiliofake.Fake, user, pass string, form url.Values) (*http.Response, map[string]any) {
	t.Helper()
	u := f.URL() + "/2010-04-01/Accounts/" + user + "/Messages.json"
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", raw, err)
	}
	return resp, body
}

func message(to, from, body string) url.Values {
	v := url.Values{"To": {to}, "Body": {body}}
	if from != "" {
		v.Set("From", from)
	}
	return v
}

func TestCreateMessage(t *testing.T) {
	f := twiliofake.New(t, account, token)
	form := message("+447700900123", "+447700900000", "Hello")
	form.Set("StatusCallback", "https://example.org/status")
	resp, body := post(t, f, account, token, form)

	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status = %d, want 201; body %v", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	sid, _ := body["sid"].(string)
	if !sidPattern.MatchString(sid) {
		t.Errorf("sid = %q, want SM and 32 hex digits", sid)
	}
	want := map[string]any{
		"account_sid":           account,
		"to":                    "+447700900123",
		"from":                  "+447700900000",
		"messaging_service_sid": nil,
		"body":                  "Hello",
		"status":                "queued",
		"num_segments":          "1",
		"num_media":             "0",
		"direction":             "outbound-api",
		"api_version":           "2010-04-01",
		"error_code":            nil,
		"error_message":         nil,
		"price":                 nil,
		"date_sent":             nil,
		"uri":                   "/2010-04-01/Accounts/" + account + "/Messages/" + sid + ".json",
	}
	for k, v := range want {
		got, ok := body[k]
		if !ok {
			t.Errorf("%s missing", k)
		} else if got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	created, _ := body["date_created"].(string)
	if at, err := time.Parse(time.RFC1123Z, created); err != nil || time.Since(at) > time.Minute {
		t.Errorf("date_created = %q (%v), want an RFC 2822 time of now", created, err)
	}

	sent := f.Sent()
	if len(sent) != 1 {
		t.Fatalf("Sent() has %d messages, want 1", len(sent))
	}
	m := sent[0]
	if m.To != "+447700900123" || m.From != "+447700900000" || m.Body != "Hello" ||
		m.StatusCallback != "https://example.org/status" || m.SID != sid || m.Username != account ||
		m.MessagingServiceSID != "" || m.At.IsZero() {
		t.Errorf("Sent()[0] = %+v", m)
	}
	if f.Attempts() != 1 {
		t.Errorf("Attempts() = %d, want 1", f.Attempts())
	}
}

func TestCreateMessageWithService(t *testing.T) {
	f := twiliofake.New(t, account, token)
	form := message("+447700900123", "", strings.Repeat("é", 161)) // GSM-7, 2 segments
	form.Set("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef")
	resp, body := post(t, f, account, token, form)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status = %d, body %v", resp.StatusCode, body)
	}
	if body["from"] != nil || body["messaging_service_sid"] != "MG0123456789abcdef0123456789abcdef" ||
		body["status"] != "accepted" || body["num_segments"] != "2" {
		t.Errorf("body = %v", body)
	}
	if m := f.Sent()[0]; m.MessagingServiceSID != "MG0123456789abcdef0123456789abcdef" || m.From != "" {
		t.Errorf("Sent()[0] = %+v", m)
	}
}

func TestCreateMessageRefused(t *testing.T) {
	tests := []struct {
		name       string
		user, pass string
		form       url.Values
		status     int
		code       float64
		message    string
	}{
		{"wrong token", account, "nope", message("+447700900123", "+447700900000", "Hi"), 401, 20003, "Authenticate"},
		{"wrong account", "AC99999999999999999999999999999999", token, message("+447700900123", "+447700900000", "Hi"), 401, 20003, "Authenticate"},
		{"no To", account, token, message("", "+447700900000", "Hi"), 400, 21604, "A 'To' phone number is required."},
		{"no From", account, token, message("+447700900123", "", "Hi"), 400, 21603, "A 'From' phone number is required."},
		{"no Body", account, token, message("+447700900123", "+447700900000", ""), 400, 21602, "Message body is required."},
		{"Body too long", account, token, message("+447700900123", "+447700900000", strings.Repeat("a", 1601)), 400, 21617, "The concatenated message body exceeds the 1600 character limit."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := twiliofake.New(t, account, token)
			resp, body := post(t, f, tt.user, tt.pass, tt.form)
			want := map[string]any{
				"code":      tt.code,
				"message":   tt.message,
				"more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(int(tt.code)),
				"status":    float64(tt.status),
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if len(body) != len(want) {
				t.Errorf("body = %v, want exactly %v", body, want)
			}
			for k, v := range want {
				if body[k] != v {
					t.Errorf("%s = %#v, want %#v", k, body[k], v)
				}
			}
			if len(f.Sent()) != 0 || f.Attempts() != 1 {
				t.Errorf("Sent() = %v, Attempts() = %d; want none, 1", f.Sent(), f.Attempts())
			}
		})
	}
}

func TestUnauthorizedBodyIsTwilios(t *testing.T) {
	f := twiliofake.New(t, account, token)
	req, _ := http.NewRequest(http.MethodPost, f.URL()+"/2010-04-01/Accounts/"+account+"/Messages.json",
		strings.NewReader(message("+447700900123", "+447700900000", "Hi").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req) // no basic auth at all
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	want := `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`
	if resp.StatusCode != 401 || strings.TrimSpace(string(raw)) != want {
		t.Errorf("got %d %s, want 401 %s", resp.StatusCode, raw, want)
	}
	if resp.Header.Get("WWW-Authenticate") == "" {
		t.Error("no WWW-Authenticate header")
	}
}

func TestFaultScript(t *testing.T) {
	f := twiliofake.New(t, account, token)
	f.FailRateLimit(1, "3")
	f.FailServerError(1)
	f.FailUnsubscribed(1)
	f.FailInvalidTo(1)
	f.Fail(2, 503, 20503, "")

	type answer struct {
		status     int
		code       float64
		retryAfter string
		message    string
	}
	want := []answer{
		{429, 20429, "3", "Too Many Requests"},
		{500, 20500, "", "An internal server error has occurred"},
		{400, 21610, "", "Attempt to send to unsubscribed recipient"},
		{400, 21211, "", "The 'To' number +447700900123 is not a valid phone number."},
		{503, 20503, "", "Error 20503"},
		{503, 20503, "", "Error 20503"},
		{201, 0, "", ""},
	}
	for i, w := range want {
		resp, body := post(t, f, account, token, message("+447700900123", "+447700900000", "Hi"))
		got := answer{resp.StatusCode, 0, resp.Header.Get("Retry-After"), ""}
		if c, ok := body["code"].(float64); ok {
			got.code, got.message = c, body["message"].(string)
		}
		if got != w {
			t.Errorf("request %d: got %+v, want %+v", i, got, w)
		}
	}
	if f.Attempts() != len(want) || len(f.Sent()) != 1 {
		t.Errorf("Attempts() = %d, Sent() = %d; want %d, 1", f.Attempts(), len(f.Sent()), len(want))
	}
}

func TestDelay(t *testing.T) {
	f := twiliofake.New(t, account, token)
	f.Delay(1, 300*time.Millisecond)

	// A client that gives up first: nothing is accepted.
	client := &http.Client{Timeout: 50 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodPost, f.URL()+"/2010-04-01/Accounts/"+account+"/Messages.json",
		strings.NewReader(message("+447700900123", "+447700900000", "Hi").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(account, token)
	start := time.Now()
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("want a timeout")
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("timed out after %v", d)
	}

	// A patient client gets its answer after the delay.
	f.Delay(1, 100*time.Millisecond)
	start = time.Now()
	resp, _ := post(t, f, account, token, message("+447700900123", "+447700900000", "Hi"))
	if resp.StatusCode != 201 || time.Since(start) < 100*time.Millisecond {
		t.Errorf("status %d after %v, want 201 after ≥100ms", resp.StatusCode, time.Since(start))
	}
	if n := len(f.Sent()); n != 1 {
		t.Errorf("Sent() has %d, want 1 (the abandoned request is not accepted)", n)
	}
}

func TestWait(t *testing.T) {
	f := twiliofake.New(t, account, token)
	go func() {
		for range 3 {
			time.Sleep(10 * time.Millisecond)
			req, _ := http.NewRequest(http.MethodPost, f.URL()+"/2010-04-01/Accounts/"+account+"/Messages.json",
				strings.NewReader(message("+447700900123", "+447700900000", "Hi").Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(account, token)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}()
	if got := f.Wait(t, 3, 5*time.Second); len(got) != 3 {
		t.Errorf("Wait returned %d messages, want 3", len(got))
	}
}

func TestUnknownPath(t *testing.T) {
	f := twiliofake.New(t, account, token)
	resp, err := http.Get(f.URL() + "/2010-04-01/Accounts/" + account + "/Calls.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 404 || body["code"] != float64(20404) {
		t.Errorf("got %d %v, want 404 code 20404", resp.StatusCode, body)
	}
}
