package handoff

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Webhook signatures.
//
// Every webhook delivery (SIGNPOST_HANDOFF_WEBHOOK_URL) is a POST with a
// JSON body and these headers:
//
//	X-Signpost-Timestamp: 1718031600
//	X-Signpost-Signature: sha256=5f0c…   (64 lowercase hex digits)
//	Idempotency-Key: r-0123456789abcdef-k3jx9q2m4w7p:referral
//
// The signature is HMAC-SHA256, keyed with the shared secret
// (SIGNPOST_HANDOFF_WEBHOOK_SECRET), of the timestamp in decimal Unix
// seconds, a full stop, and the raw body bytes exactly as received:
//
//	hex(HMAC-SHA256(secret, "1718031600." + body))
//
// Signing the timestamp with the body means a captured request cannot be
// replayed later with a new timestamp. A receiver should:
//
//  1. check the signature over the raw body, before parsing it, with a
//     constant-time comparison (Verify does);
//  2. refuse a timestamp more than a few minutes from its own clock
//     (Verify: maxSkew, 5 minutes by default), which bounds replays;
//  3. drop a repeat of an Idempotency-Key it has already processed:
//     deliveries are at least once, and a retry after a timeout repeats
//     the same key with a new timestamp and signature.
//
// Answer 2xx when done; 429 or 5xx (with Retry-After, in seconds, if you
// like) to have the delivery retried later; any other status refuses it
// for good.
const (
	HeaderSignature   = "X-Signpost-Signature"
	HeaderTimestamp   = "X-Signpost-Timestamp"
	HeaderIdempotency = "Idempotency-Key"
)

// DefaultMaxSkew is how far a webhook timestamp may be from the
// receiver's clock when Verify is given no maxSkew.
const DefaultMaxSkew = 5 * time.Minute

// Errors from Verify.
var (
	// ErrBadSignature: the signature is missing, malformed, or does not
	// match the body and timestamp (a wrong secret or a changed body).
	ErrBadSignature = errors.New("webhook signature does not match")
	// ErrBadTimestamp: the timestamp is missing, malformed, or too far
	// from now (a replay, or a clock that is badly wrong).
	ErrBadTimestamp = errors.New("webhook timestamp missing or out of range")
)

// Sign returns the X-Signpost-Signature value for body sent at timestamp
// (Unix seconds): "sha256=" and the hex HMAC-SHA256, keyed with secret, of
// the decimal timestamp, ".", and body.
func Sign(secret []byte, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a webhook delivery for a receiver: header is the
// X-Signpost-Signature value, timestampHeader the X-Signpost-Timestamp
// value, body the raw body. It returns an error wrapping ErrBadTimestamp
// when the timestamp is not within maxSkew of now (DefaultMaxSkew when
// maxSkew <= 0), either way, and one wrapping ErrBadSignature when the
// signature does not match. The comparison takes constant time.
func Verify(secret []byte, header, timestampHeader string, body []byte, now time.Time, maxSkew time.Duration) error {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	ts, err := strconv.ParseInt(strings.TrimSpace(timestampHeader), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not Unix seconds", ErrBadTimestamp, timestampHeader)
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > maxSkew || skew < -maxSkew {
		return fmt.Errorf("%w: %v from now, more than %v", ErrBadTimestamp, skew.Round(time.Second), maxSkew)
	}
	hexSum, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return fmt.Errorf("%w: no sha256= signature", ErrBadSignature)
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: not %d hex bytes", ErrBadSignature, sha256.Size)
	}
	want, _ := hex.DecodeString(strings.TrimPrefix(Sign(secret, ts, body), "sha256="))
	if !hmac.Equal(got, want) {
		return ErrBadSignature
	}
	return nil
}
