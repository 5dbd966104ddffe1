package redis_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
	"github.com/signpost-app/signpost/store/storetest"
)

// srv is this package's private redis-server; tests share it through
// distinct key prefixes, except those that stop or restart a server.
var srv *redistest.Server

func TestMain(m *testing.M) {
	s, stop, err := redistest.StartMain(redistest.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "redis tests:", err)
		os.Exit(1)
	}
	srv = s
	code := m.Run()
	stop()
	os.Exit(code)
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, o storetest.Options) storetest.Store {
		return redis.New(srv.Client(t), redis.Options{Prefix: redistest.NewPrefix(), SessionTTL: o.SessionTTL,
			DedupeTTL: o.DedupeTTL, LockTTL: o.LockTTL, Salt: o.Salt, Outbox: o.Outbox})
	})
}
