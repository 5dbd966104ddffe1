package impact_test

import (
	"context"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/store/memory"
	redisstore "github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
)

// The report is the same from the stores as from the slice: the events go
// through each store's Record and Events (JSON in Redis, the person's id
// filled in on reading), repeats included.
func TestBuildFromTheStores(t *testing.T) {
	want := jsonOf(t, build(t, larger(), 5))
	now := func() time.Time { return reportNow }
	srv := redistest.Start(t, redistest.Options{})
	for name, log := range map[string]bot.EventLog{
		"memory": memory.New(memory.Options{Now: now}),
		"redis":  redisstore.New(srv.Client(t), redisstore.Options{Prefix: redistest.NewPrefix(), Now: now}),
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			byPerson := map[string][]bot.Event{}
			var people []string
			for _, ev := range larger() {
				if byPerson[ev.Person] == nil {
					people = append(people, ev.Person)
				}
				p := ev.Person
				ev.Person = "" // the store knows whose events they are
				byPerson[p] = append(byPerson[p], ev)
			}
			for _, p := range people {
				if err := log.Record(ctx, p, byPerson[p]...); err != nil {
					t.Fatal(err)
				}
			}
			r, err := buildAt(log, 5)
			if err != nil {
				t.Fatal(err)
			}
			if got := jsonOf(t, r); got != want {
				t.Errorf("the report from %s differs:\n%s", name, diff(want, got))
			}
		})
	}
}
