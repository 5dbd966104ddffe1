package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/safeguard"
	"github.com/signpost-app/signpost/bot/telegram/tgfake"
	"github.com/signpost-app/signpost/config"
	"github.com/signpost-app/signpost/flows"
	"github.com/signpost-app/signpost/flows/builtin"
	redisstore "github.com/signpost-app/signpost/store/redis"
	"github.com/signpost-app/signpost/store/redistest"
)

// linkWorker claims the referrals.
const linkWorker = "Sam Jones"

// TestServeImpactFiguresFromRealUse scripts young people through the real
// binary over Telegram, claims and closes their referrals through the API,
// runs their 8-week check-ins from a process whose clock is 8 weeks ahead,
// and checks every impact figure against the script (report_script_test.go),
// the report command against the API, small-number suppression in every
// format, and that no log line or event holds what they typed.
func TestServeImpactFiguresFromRealUse(t *testing.T) {
	const (
		token    = "123456:impact-test-token"
		apiToken = "impact-api-token-0123456789"
		salt     = "impact-test-salt-0123456789abcdef"
	)
	ctx := context.Background()
	rs := redistest.Start(t, redistest.Options{})
	fake := tgfake.New(t, token)
	addr := freeAddr(t)
	base := "http://" + addr
	cfgPath := filepath.Join(t.TempDir(), "signpost.yaml")
	hash, err := bcrypt.GenerateFromPassword([]byte("correct horse battery staple"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	sources := "sources:\n  - {code: oakwood, name: Oakwood Academy}\n  - {code: riverside, name: Riverside College}\n" +
		fmt.Sprintf("inbox:\n  users:\n    - {name: Dana Lead, password_hash: %q}\n", hash)
	if err := os.WriteFile(cfgPath, []byte(sources), 0o600); err != nil {
		t.Fatal(err)
	}
	storeEnv := []string{"SIGNPOST_REDIS_URL=" + rs.URL(), "SIGNPOST_HASH_SALT=" + salt}
	env := append([]string{"SIGNPOST_ADDR=" + addr, "TELEGRAM_BOT_TOKEN=" + token, "TELEGRAM_API_URL=" + fake.URL(),
		"TELEGRAM_MODE=polling", "SIGNPOST_API_TOKEN=" + apiToken}, storeEnv...)
	var logs syncBuffer
	startServe(t, base, env, &logs, "--config", cfgPath)

	// The configuration and store as the binary has them.
	cfg, err := config.Load(cfgPath, func(k string) (string, bool) {
		for _, kv := range env {
			if name, v, _ := strings.Cut(kv, "="); name == k {
				return v, true
			}
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	st := redisstore.New(rs.Client(t), redisstore.Options{Salt: salt, Outbox: outboxChannels(cfg)})

	// 1. The young people refer themselves.
	tp := &telegramPeople{fake: fake, logs: &logs}
	scripts := map[int64][]exchange{}
	for _, p := range people {
		scripts[p.chat] = referralScript(p)
	}
	tp.converse(t, scripts)

	// 2. Link workers claim referrals and record outcomes through the API.
	records, err := st.ListReferrals(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	refs, alerts := map[string]string{}, 0 // chat id → referral id
	for _, h := range records {
		switch h.Kind {
		case bot.KindReferral:
			refs[h.Address] = h.ID
		case bot.KindAlert:
			alerts++
		}
	}
	if len(refs) != 12 || alerts != 1 {
		t.Fatalf("%d referrals and %d alerts in the store, want 12 and 1", len(refs), alerts)
	}
	for _, p := range people {
		id := refs[strconv.FormatInt(p.chat, 10)]
		if p.claim {
			apiOK(t, base+"/api/referrals/"+id+"/claim", apiToken, `{"worker":"`+linkWorker+`"}`)
		}
		if p.outcome != "" {
			apiOK(t, base+"/api/referrals/"+id+"/outcome", apiToken, `{"outcome":"`+p.outcome+`"}`)
		}
	}
	stops := map[int64][]exchange{}
	for _, p := range people {
		if p.stop {
			stops[p.chat] = []exchange{{"STOP", "you won't get any more messages"}}
		}
	}
	tp.converse(t, stops)

	// 3. Eight weeks and a day later, another process fires the check-ins;
	// this one's dispatcher sends them.
	laterLogs := checkIns(t, ctx, tp, st, cfg, salt)

	// 4. The figures.
	assertFigures(t, base, apiToken, cfgPath, storeEnv)
	dashboardScreenshot(t, base, &logs)

	// The live counters on /metrics (the check-ins were started by the
	// test's engine, so they are not this process's to count).
	code, metrics := call(t, http.MethodGet, base+"/metrics", "", "")
	for _, want := range []string{`signpost_events_total{kind="referral"} 12`, `signpost_events_total{kind="claim"} 10`,
		`signpost_outcomes_total{outcome="money_advice"}`, `signpost_time_to_claim_seconds_count 10`} {
		if code != http.StatusOK || !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// 5. Nothing personal in the logs or the events.
	assertNothingPersonal(t, ctx, rs.Client(t), logs.String()+laterLogs)
}

// apiOK posts body to url with the API token and fails unless it is 200.
func apiOK(t *testing.T, url, token, body string) {
	t.Helper()
	if code, resp := call(t, http.MethodPost, url, token, body); code != http.StatusOK {
		t.Fatalf("POST %s: %d %s", url, code, resp)
	}
}

// checkIns runs the engine 8 weeks and a day ahead on the binary's store
// to fire the due timers, then has the young people answer the check-ins
// through the binary. It returns the later process's logs.
func checkIns(t *testing.T, ctx context.Context, tp *telegramPeople, st *redisstore.Store, cfg config.Config, salt string) string {
	t.Helper()
	set, problems := flows.LoadFS(builtin.FS, flows.LoadOptions{})
	if err := problems.Err(); err != nil {
		t.Fatal(err)
	}
	var laterLogs syncBuffer
	later := bot.New(bot.Options{Flows: set, Store: st, Screener: safeguard.Default(), StartFlow: builtin.DefaultFlow,
		MinAge: float64(cfg.Bot.MinAge), StopConfirmation: cfg.Bot.StopConfirmation,
		ReminderAfter: cfg.Bot.ReminderAfter.Duration(), SessionTTL: cfg.Privacy.SessionTTL.Duration(),
		Now:  func() time.Time { return time.Now().Add(57 * 24 * time.Hour) },
		Salt: salt, Location: serviceLocation(cfg), Logger: slog.New(slog.NewJSONHandler(&laterLogs, nil))})
	// Every reply so far sent (a reply's second message, such as the
	// after-hours notice, may still be queued), so that what comes next is
	// what the check-ins sent.
	drain(t, ctx, st)
	before := map[int64]int{}
	for _, p := range people {
		before[p.chat] = len(sentTo(tp.fake, p.chat))
	}
	fired, err := later.FireTimers(ctx, st)
	if err != nil {
		t.Fatalf("firing the timers 8 weeks on: %v", err)
	}
	t.Logf("%d timers fired 8 weeks on", fired)
	scripts := map[int64][]exchange{}
	for _, p := range people {
		switch {
		case len(p.checkIn) > 0 || p.followUp && !p.stop:
			scripts[p.chat] = append([]exchange{{"", "you said we could check in"}}, checkInScript(p)...)
		case p.stopAt != "":
			// The quiet ones' conversations were closed with a notice.
			scripts[p.chat] = []exchange{{"", "we've closed this chat"}}
		}
	}
	tp.converse(t, scripts)
	for _, p := range people {
		if _, ok := scripts[p.chat]; ok {
			continue
		}
		key := bot.ConversationKey(bot.ChannelTelegram, strconv.FormatInt(p.chat, 10))
		pending, err := st.Pending(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if got := sentTo(tp.fake, p.chat)[before[p.chat]:]; len(got) > 0 || len(pending) > 0 {
			t.Errorf("%s (follow_up %v, STOP %v) got a check-in: sent %q, queued %+v", p.name, p.followUp, p.stop, got, pending)
		}
	}
	if s := laterLogs.String(); strings.Contains(s, `"level":"ERROR"`) {
		t.Errorf("the later process logged errors:\n%s", s)
	}
	return laterLogs.String()
}

// drain waits until the outbox holds nothing for anyone in the script:
// every reply queued so far has reached the fake Bot API.
func drain(t *testing.T, ctx context.Context, st *redisstore.Store) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, p := range people {
		for {
			pending, err := st.Pending(ctx, bot.ConversationKey(bot.ChannelTelegram, strconv.FormatInt(p.chat, 10)))
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the outbox still holds %+v", pending)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// report runs `signpost report` for the test's period in format, with
// extra environment.
func report(t *testing.T, cfgPath, format string, env ...string) string {
	t.Helper()
	from, to := period()
	out, errOut, code := signpost(t, "", env, "report", "--config", cfgPath, "--from", from, "--to", to, "--format", format)
	if code != 0 {
		t.Fatalf("report --format %s: exit %d\n%s", format, code, errOut)
	}
	return out
}

// period is a week ago to 70 days on, in the service's time zone: it
// holds today's referrals and the check-ins 8 weeks on.
func period() (from, to string) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		loc = time.UTC
	}
	now := time.Now().In(loc)
	return now.AddDate(0, 0, -7).Format(time.DateOnly), now.AddDate(0, 0, 70).Format(time.DateOnly)
}

func assertFigures(t *testing.T, base, apiToken, cfgPath string, storeEnv []string) {
	t.Helper()
	// The command and the API give the same report, with the threshold 5.
	cmdJSON := report(t, cfgPath, "json", storeEnv...)
	from, to := period()
	code, apiJSON := call(t, http.MethodGet, base+"/api/reports?from="+from+"&to="+to, apiToken, "")
	if code != http.StatusOK {
		t.Fatalf("GET /api/reports: %d %s", code, apiJSON)
	}
	a, b := decodeReport(t, cmdJSON), decodeReport(t, apiJSON)
	delete(a, "generated")
	delete(b, "generated")
	if !reflect.DeepEqual(a, b) {
		t.Errorf("report command and API differ:\ncommand:\n%s\nAPI:\n%s", cmdJSON, apiJSON)
	}
	checkFigures(t, "threshold 5", flatten(b), map[string]string{
		"suppress_below": "5", "referrals": "12", "conversations": "14",
		"referrals_by_source.rows.riverside.count": "<5", "referrals_by_source.rows.oakwood.count": "7",
		"wellbeing.life_satisfaction.pairs": "5", "wellbeing.life_satisfaction.before": "3.4",
		"follow_ups.opted_out": "<5", "situation_change.into_eet": "5",
	})
	// The 4 referrals from riverside appear nowhere as a number.
	rows, err := csv.NewReader(strings.NewReader(report(t, cfgPath, "csv", storeEnv...))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var riverside []string
	for _, r := range rows {
		if slices.Contains(r, "riverside") {
			riverside = append(riverside, strings.Join(r, ","))
		}
	}
	if !slices.Equal(riverside, []string{"referrals_by_source,riverside,Riverside College,count,<5"}) {
		t.Errorf("csv riverside lines = %q", riverside)
	}
	md := report(t, cfgPath, "md", storeEnv...)
	if !strings.Contains(md, "| Riverside College | <5 |") || strings.Contains(md, "| Riverside College | 4 |") {
		t.Errorf("markdown riverside row is not <5:\n%s", md)
	}
	code, fig := call(t, http.MethodGet, base+"/api/reports/referrals_by_source?format=csv&from="+from+"&to="+to, apiToken, "")
	if code != http.StatusOK || !strings.Contains(fig, "riverside,Riverside College,count,<5") || strings.Contains(fig, "count,4") {
		t.Errorf("GET /api/reports/referrals_by_source: %d\n%s", code, fig)
	}

	// Every count shown: the figures worked out by hand from the script.
	exact := flatten(decodeReport(t, report(t, cfgPath, "json", append(storeEnv, "SIGNPOST_REPORT_SUPPRESS_BELOW=1")...)))
	checkFigures(t, "threshold 1", exact, wantFigures)
}

// dashboardScreenshot signs in to the inbox as a service lead, opens the
// dashboard for the test's period and checks the suppression shows there
// too; the whole page is the README's picture of the dashboard.
func dashboardScreenshot(t *testing.T, base string, logs *syncBuffer) {
	t.Helper()
	from, to := period()
	ctx := browser(t, 1100, 1250)
	var bySource string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/inbox/dashboard?from="+from+"&to="+to),
		chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.SendKeys("#username", "Dana Lead", chromedp.ByQuery),
		chromedp.SendKeys("#password", "correct horse battery staple", chromedp.ByQuery),
		chromedp.Click("#signin", chromedp.ByQuery),
		chromedp.WaitVisible("#dashboard", chromedp.ByQuery),
		chromedp.Text("#by-source", &bySource, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("the dashboard: %v\nlogs:\n%s", err, logs.String())
	}
	if !strings.Contains(bySource, "Oakwood Academy") || !strings.Contains(bySource, "<5") {
		t.Errorf("the dashboard's sources lack Oakwood or the hidden Riverside count:\n%s", bySource)
	}
	screenshot(t, ctx, "dashboard")
	elementScreenshot(t, ctx, "#wellbeing", "dashboard-wellbeing")
}

func decodeReport(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, s)
	}
	return m
}

// flatten turns a report into path → value: objects by field name, list
// items by their key, step, name or flow ("funnels.check-in.steps.hello.
// reached"), numbers as JSON writes them, hidden ones as their marks.
func flatten(m map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				id := strconv.Itoa(i)
				if o, ok := x.(map[string]any); ok {
					for _, k := range []string{"key", "step", "name", "flow"} {
						if s, ok := o[k].(string); ok {
							id = s
							break
						}
					}
				}
				walk(path+"."+id, x)
			}
		default:
			out[strings.TrimPrefix(path, ".")] = fmt.Sprint(v)
		}
	}
	walk("", m)
	return out
}

func checkFigures(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got[k] != want[k] {
			t.Errorf("%s: %s = %q, want %q", what, k, got[k], want[k])
		}
	}
}

// assertNothingPersonal checks that no name, chat id or free text typed
// reaches the logs (and no chat id or typed text a log line could carry),
// or the events kept in Redis.
func assertNothingPersonal(t *testing.T, ctx context.Context, c redis.UniversalClient, logs string) {
	t.Helper()
	var typed []string // what every person typed that is about them
	for _, p := range people {
		typed = append(typed, strconv.FormatInt(p.chat, 10))
		for _, s := range []string{p.name, p.story, p.when} {
			if s != "" {
				typed = append(typed, s)
			}
		}
	}
	for _, s := range typed {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain %q", s)
		}
	}
	var keys []string
	iter := c.Scan(ctx, 0, "*:events", 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if len(keys) != len(people) {
		t.Errorf("%d people with events, want %d", len(keys), len(people))
	}
	kinds := map[string]int{}
	for _, k := range keys {
		evs, err := c.ZRange(ctx, k, 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			for _, s := range append(typed, riskPhrase, "kill myself", linkWorker) {
				if strings.Contains(ev, s) {
					t.Errorf("an event contains %q: %s", s, ev)
				}
			}
			var e bot.Event
			if err := json.Unmarshal([]byte(ev), &e); err != nil {
				t.Fatalf("event %s: %v", ev, err)
			}
			kinds[e.Kind]++
		}
	}
	if kinds[bot.EventReferral] != 12 || kinds[bot.EventAnswer] == 0 {
		t.Errorf("events by kind = %v, want 12 referrals and some answers", kinds)
	}
}

// The report command explains what it needs instead of printing an empty
// report: Redis (the memory store keeps nothing between runs) and real dates.
func TestReportNeedsRedisAndGoodDates(t *testing.T) {
	if _, errOut, code := signpost(t, "", nil, "report"); code != 1 || !strings.Contains(errOut, "SIGNPOST_REDIS_URL") {
		t.Errorf("report without Redis: exit %d, %q", code, errOut)
	}
	rs := redistest.Start(t, redistest.Options{})
	env := []string{"SIGNPOST_REDIS_URL=" + rs.URL(), "SIGNPOST_HASH_SALT=report-test-salt-0123456789"}
	for _, args := range [][]string{{"--from", "2026-13-01"}, {"--from", "2026-10-01", "--to", "2026-09-01"}, {"--format", "xlsx"}, {"extra"}} {
		if _, errOut, code := signpost(t, "", env, append([]string{"report"}, args...)...); code == 0 || errOut == "" {
			t.Errorf("report %v: exit %d, %q", args, code, errOut)
		}
	}
	out, errOut, code := signpost(t, "", env, "report", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "figure,key,label,column,value\n") || !strings.Contains(out, "referrals,,Referrals made,count,0") {
		t.Errorf("an empty store's report: exit %d, %q\n%s", code, errOut, out)
	}
}
