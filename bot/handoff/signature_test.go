package handoff

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Vectors computed independently with
// printf '<ts>.<body>' | openssl dgst -sha256 -hmac '<secret>'.
func TestSignKnownVectors(t *testing.T) {
	for _, v := range []struct {
		secret string
		ts     int64
		body   string
		want   string
	}{
		{"shh-its-a-secret", 1718031600, `{"event":"referral","id":"r-1"}`, "sha256=d2cfddd6dcd30db2dbb198220f6486b89e31b4b0d480624c0a01172b9ba43949"},
		{"", 0, "", "sha256=b849d5a581847b281957065739df36df2463d1977ea8d6e1e4e6cf33fadc68c3"},
	} {
		if got := Sign([]byte(v.secret), v.ts, []byte(v.body)); got != v.want {
			t.Errorf("Sign(%q, %d, %q) = %s, want %s", v.secret, v.ts, v.body, got, v.want)
		}
	}
}

func TestVerify(t *testing.T) {
	secret := []byte("shh-its-a-secret")
	body := []byte(`{"event":"alert","id":"a-1"}`)
	now := time.Unix(1718031600, 0)
	ts := now.Unix()
	sig := Sign(secret, ts, body)
	tsh := strconv.FormatInt(ts, 10)
	flip := func(s string) string { // change the last hex digit
		last := s[len(s)-1]
		if last == '0' {
			return s[:len(s)-1] + "1"
		}
		return s[:len(s)-1] + "0"
	}

	tests := []struct {
		name    string
		secret  []byte
		sig, ts string
		body    []byte
		now     time.Time
		skew    time.Duration
		want    error
	}{
		{"good", secret, sig, tsh, body, now, 0, nil},
		{"upper-case hex", secret, "sha256=" + strings.ToUpper(strings.TrimPrefix(sig, "sha256=")), tsh, body, now, 0, nil},
		{"spaces around", secret, " " + sig + " ", " " + tsh, body, now, 0, nil},
		{"4 min late: within the default 5", secret, sig, tsh, body, now.Add(4 * time.Minute), 0, nil},
		{"tampered body", secret, sig, tsh, []byte(`{"event":"alert","id":"a-2"}`), now, 0, ErrBadSignature},
		{"body with a trailing newline", secret, sig, tsh, append(append([]byte(nil), body...), '\n'), now, 0, ErrBadSignature},
		{"wrong secret", []byte("other"), sig, tsh, body, now, 0, ErrBadSignature},
		{"one digit changed", secret, flip(sig), tsh, body, now, 0, ErrBadSignature},
		{"timestamp changed, signature kept", secret, sig, strconv.FormatInt(ts+1, 10), body, now, 0, ErrBadSignature},
		{"no prefix", secret, strings.TrimPrefix(sig, "sha256="), tsh, body, now, 0, ErrBadSignature},
		{"other algorithm", secret, "sha1=" + strings.TrimPrefix(sig, "sha256="), tsh, body, now, 0, ErrBadSignature},
		{"short", secret, sig[:len(sig)-2], tsh, body, now, 0, ErrBadSignature},
		{"not hex", secret, "sha256=" + strings.Repeat("zz", 32), tsh, body, now, 0, ErrBadSignature},
		{"empty", secret, "", tsh, body, now, 0, ErrBadSignature},
		{"replayed 6 min later", secret, sig, tsh, body, now.Add(6 * time.Minute), 0, ErrBadTimestamp},
		{"from the future", secret, sig, tsh, body, now.Add(-6 * time.Minute), 0, ErrBadTimestamp},
		{"outside a tighter skew", secret, sig, tsh, body, now.Add(31 * time.Second), 30 * time.Second, ErrBadTimestamp},
		{"inside a looser skew", secret, sig, tsh, body, now.Add(9 * time.Minute), 10 * time.Minute, nil},
		{"no timestamp", secret, sig, "", body, now, 0, ErrBadTimestamp},
		{"timestamp in ms", secret, sig, strconv.FormatInt(ts*1000, 10), body, now, 0, ErrBadTimestamp},
		{"huge timestamp", secret, sig, "9223372036854775807", body, now, 0, ErrBadTimestamp},
		{"negative timestamp", secret, sig, "-9223372036854775808", body, now, 0, ErrBadTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, tt.sig, tt.ts, tt.body, tt.now, tt.skew)
			if tt.want == nil && err != nil {
				t.Errorf("Verify: %v, want nil", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Verify: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	secret := []byte{0, 1, 2, 255}
	now := time.Now()
	for _, body := range [][]byte{nil, {}, []byte("x"), []byte(strings.Repeat("é", 5000))} {
		if err := Verify(secret, Sign(secret, now.Unix(), body), strconv.FormatInt(now.Unix(), 10), body, now, 0); err != nil {
			t.Errorf("round trip of %d bytes: %v", len(body), err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	secret := []byte("shh-its-a-secret")
	body := []byte(strings.Repeat(`{"k":"v"}`, 400))
	now := time.Now()
	sig, ts := Sign(secret, now.Unix(), body), strconv.FormatInt(now.Unix(), 10)
	for b.Loop() {
		if err := Verify(secret, sig, ts, body, now, 0); err != nil {
			b.Fatal(err)
		}
	}
}
