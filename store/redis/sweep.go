package redis

import (
	"context"
	"fmt"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/signpost-app/signpost/bot"
)

var _ bot.Orphans = (*Store)(nil)

// Orphans finds people whose inbox holds messages while nobody holds their
// lock (the process handling them died), takes their lock and returns a
// turn for each, so no message waits for the person's next one. It SCANs
// every master, so it costs O(keys): run it every few seconds, not per
// message.
func (s *Store) Orphans(ctx context.Context) ([]*bot.Turn, error) {
	var inboxes []string
	scan := func(ctx context.Context, c *goredis.Client) error {
		iter := c.Scan(ctx, 0, s.o.Prefix+"{*}:inbox", 500).Iterator()
		for iter.Next(ctx) {
			inboxes = append(inboxes, iter.Val())
		}
		return iter.Err()
	}
	var err error
	switch c := s.c.(type) {
	case *goredis.ClusterClient:
		err = c.ForEachMaster(ctx, scan)
	case *goredis.Client:
		err = scan(ctx, c)
	default:
		iter := s.c.Scan(ctx, 0, s.o.Prefix+"{*}:inbox", 500).Iterator()
		for iter.Next(ctx) {
			inboxes = append(inboxes, iter.Val())
		}
		err = iter.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("scanning inboxes: %w", err)
	}
	var turns []*bot.Turn
	for _, inbox := range inboxes {
		p := strings.TrimSuffix(inbox, "inbox")
		token := newToken()
		res, err := resumeScript.Run(ctx, s.c, []string{p + "session", inbox, p + "lock", p + "optout"},
			token, s.o.LockTTL.Milliseconds()).Slice()
		if err != nil {
			return turns, fmt.Errorf("resuming an inbox: %w", err)
		}
		if len(res) == 0 {
			continue
		}
		t, err := decodeTurn(token, res[1:])
		if err != nil {
			return turns, err
		}
		turns = append(turns, t)
	}
	return turns, nil
}
