// Package inbox is the link workers' web inbox at /inbox: sign-in, the
// referrals by urgency and age, a referral's summary and conversation, and
// Claim, Reply and Outcome.
package inbox

import (
	"context"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/handoff"
)

// Referrals is what the inbox reads from the store.
type Referrals interface {
	handoff.Records
	// ListReferrals returns up to n referrals and alerts, newest first.
	ListReferrals(ctx context.Context, n int) ([]*bot.Handoff, error)
	// PersonRecords returns every record of the person a handoff id
	// belongs to (their referrals, alerts and later messages).
	PersonRecords(ctx context.Context, id string) ([]*bot.Handoff, error)
}
