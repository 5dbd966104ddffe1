package redis_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/impact"
	"github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
)

// BenchmarkReportYear measures building the whole impact report from Redis
// for a busy service's year: 2,000 young people, each with a referral
// conversation of about 30 events (steps, answers, referral), a claim and an
// outcome, and half with a check-in, spread over 52 weeks. One iteration
// reads every event through the day index and computes every figure.
//
//	go test ./store/redis/ -run '^$' -bench BenchmarkReportYear -benchtime 5x
func BenchmarkReportYear(b *testing.B) {
	const people = 2000
	start := time.Date(2025, 11, 24, 10, 0, 0, 0, time.UTC)
	st := redis.New(srv.Client(b), redis.Options{Prefix: redistest.NewPrefix(), Now: func() time.Time { return start.AddDate(1, 0, 0) }})
	steps := []string{"welcome", "age", "consent_share", "name", "heard", "story", "support", "situation", "contact_how",
		"contact_when", "postcode", "wellbeing", "life_satisfaction", "worthwhile", "happy", "anxious", "follow_up", "check", "done"}
	sources := []string{"oakwood", "riverside", "hillview", "", "stmarys"}
	for i := range people {
		person := fmt.Sprintf("%016x", i+1)
		at := start.Add(time.Duration(i) * (52 * 7 * 24 * time.Hour / people))
		conv := at.UnixMilli()
		ref := "r-" + person + "-000000000001"
		ev := func(kind string, d time.Duration) bot.Event {
			e := bot.NewEvent(kind, at.Add(d))
			e.Conv, e.Flow, e.Version = conv, "youth-self-referral", 2
			return e
		}
		var evs []bot.Event
		s := ev(bot.EventStart, 0)
		s.Channel, s.Source = bot.ChannelSMS, sources[i%len(sources)]
		evs = append(evs, s)
		for j, step := range steps {
			e := ev(bot.EventStep, time.Duration(j)*time.Minute)
			e.Step = step
			evs = append(evs, e)
			if j%2 == 0 {
				a := ev(bot.EventAnswer, time.Duration(j)*time.Minute)
				a.Step, a.Name, a.Value = step, "happy", strconv.Itoa(i%11)
				evs = append(evs, a)
			}
		}
		r := ev(bot.EventReferral, 20*time.Minute)
		r.Ref, r.Channel, r.Source = ref, bot.ChannelSMS, sources[i%len(sources)]
		r.Attrs = map[string]string{"age": bot.AgeBand(float64(11 + i%15)), "support": "work,money", "situation": "neet",
			"life_satisfaction": strconv.Itoa(i % 11), "worthwhile": "5", "happy": "6", "anxious": "4"}
		c := ev(bot.EventClaim, 5*time.Hour)
		c.Ref, c.Seconds = ref, int64((i%48)*3600)
		o := ev(bot.EventOutcome, 10*24*time.Hour)
		o.Ref, o.Value = ref, "employment_training"
		evs = append(evs, r, c, o)
		if i%2 == 0 {
			f := ev(bot.EventFollowUp, 56*24*time.Hour)
			f.Ref, f.Value, f.Conv = ref, bot.FollowUpSent, conv+1
			a := ev(bot.EventAnswer, 56*24*time.Hour+time.Minute)
			a.Ref, a.Conv, a.Name, a.Value = ref, conv+1, "situation", "work"
			evs = append(evs, f, a)
		}
		if err := st.Record(ctx, person, evs...); err != nil {
			b.Fatal(err)
		}
	}
	o := impact.Options{From: start.Add(-10 * time.Hour), To: start.AddDate(1, 0, 0), Now: func() time.Time { return start.AddDate(1, 0, 0) }}
	var referrals int
	b.ResetTimer()
	for b.Loop() {
		r, err := impact.Build(ctx, st, o)
		if err != nil {
			b.Fatal(err)
		}
		referrals, _ = r.Referrals.Value()
	}
	if referrals != people {
		b.Fatalf("report counts %d referrals, want %d", referrals, people)
	}
	b.ReportMetric(float64(people)*float64(b.N)/b.Elapsed().Seconds(), "people/s")
}
