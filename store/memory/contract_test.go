package memory_test

import (
	"testing"

	"github.com/signpost-app/signpost/store/memory"
	"github.com/signpost-app/signpost/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, o storetest.Options) storetest.Store {
		return memory.New(memory.Options{SessionTTL: o.SessionTTL, DedupeTTL: o.DedupeTTL, LockTTL: o.LockTTL, Salt: o.Salt, Outbox: o.Outbox})
	})
}
