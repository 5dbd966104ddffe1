package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot"
)

// webTranscriptMax is how many replies a web chat keeps for its page.
const webTranscriptMax = 200

// appendWebScript adds a reply to a web chat's transcript with the next
// sequence number.
//
// KEYS[1] {h}:web (list)  KEYS[2] {h}:webseq (counter)
// ARGV[1] the reply JSON  ARGV[2] keep (max entries)  ARGV[3] TTL ms
// Returns the new sequence number.
var appendWebScript = goredis.NewScript(`
local seq = redis.call('INCR', KEYS[2])
redis.call('RPUSH', KEYS[1], '{"seq":' .. seq .. ',"out":' .. ARGV[1] .. '}')
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return seq
`)

// AppendWeb implements web.Transcript.
func (s *Store) AppendWeb(ctx context.Context, address string, o bot.Outbound) error {
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("encoding a web reply: %w", err)
	}
	k := s.personKeys(bot.ConversationKey(bot.ChannelWeb, address))
	if err := appendWebScript.Run(ctx, s.c, []string{k.web, k.webseq}, b, webTranscriptMax,
		(s.o.SessionTTL + s.sessionGrace()).Milliseconds()).Err(); err != nil {
		return fmt.Errorf("appending a web reply: %w", err)
	}
	return nil
}

// WebSince implements web.Transcript.
func (s *Store) WebSince(ctx context.Context, address string, after int64) ([]bot.WebMessage, error) {
	k := s.personKeys(bot.ConversationKey(bot.ChannelWeb, address))
	vals, err := s.c.LRange(ctx, k.web, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("reading a web transcript: %w", err)
	}
	var out []bot.WebMessage
	for _, v := range vals {
		var m bot.WebMessage
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, fmt.Errorf("decoding a web reply: %w", err)
		}
		if m.Seq > after {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *Store) referralsKey() string { return s.o.Prefix + "referrals" }

// indexReferrals adds a turn's referrals and alerts to the inbox index (in
// the commit pipeline).
func (s *Store) indexReferrals(ctx context.Context, pipe goredis.Pipeliner, hs []bot.Handoff) {
	for _, h := range hs {
		if h.Kind == bot.KindReferral || h.Kind == bot.KindAlert {
			pipe.ZAdd(ctx, s.referralsKey(), goredis.Z{Score: float64(h.Created.UnixMilli()), Member: h.ID})
		}
	}
}

// ListReferrals implements inbox.Referrals: newest first. Index entries
// whose record is gone (erased or expired) are dropped on the way.
func (s *Store) ListReferrals(ctx context.Context, n int) ([]*bot.Handoff, error) {
	ids, err := s.c.ZRevRange(ctx, s.referralsKey(), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("listing referrals: %w", err)
	}
	out := make([]*bot.Handoff, 0, len(ids))
	for _, id := range ids {
		h, err := s.Referral(ctx, id)
		if err != nil {
			return nil, err
		}
		if h == nil {
			s.c.ZRem(ctx, s.referralsKey(), id)
			continue
		}
		out = append(out, h)
	}
	return out, nil
}

// PersonRecords implements inbox.Referrals.
func (s *Store) PersonRecords(ctx context.Context, id string) ([]*bot.Handoff, error) {
	key, err := s.refsKey(id)
	if err != nil {
		return nil, nil
	}
	vals, err := s.c.HVals(ctx, key).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading a person's records: %w", err)
	}
	out := make([]*bot.Handoff, 0, len(vals))
	for _, v := range vals {
		var h bot.Handoff
		if err := json.Unmarshal([]byte(v), &h); err != nil {
			return nil, fmt.Errorf("decoding a record: %w", err)
		}
		out = append(out, &h)
	}
	return out, nil
}
