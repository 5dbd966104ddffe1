package impact_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signpost-app/signpost/bot"
	"github.com/signpost-app/signpost/bot/impact"
)

// bySource scripts referrals in the period: n from each source code,
// each on channel.
func bySource(counts map[string]int, channel func(i int) string) []bot.Event {
	var s script
	i := 0
	for _, src := range []string{"a", "b", "c", "d", "e", "f"} {
		for range counts[src] {
			i++
			s.referral(referral{person: fmt.Sprintf("p%d", i), ref: fmt.Sprintf("r%d", i), channel: channel(i),
				source: src, at: day(i%28, 0), attrs: attrs("situation", "neet")})
		}
	}
	return s.evs
}

func sms(int) string { return bot.ChannelSMS }

func TestComplementarySuppression(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts map[string]int
		want   string
	}{
		{"nothing small", map[string]int{"a": 5, "b": 7}, "b=7 a=5 | 12"},
		{"one small row: the smallest other is hidden, hidden rows last",
			map[string]int{"a": 3, "b": 7, "c": 9}, "c=9 a=<5 b=[c] | 19"},
		{"1 and a [c] of 5 would make 6, so the 1 is known: the next is hidden too",
			map[string]int{"a": 1, "b": 5, "c": 6}, "a=<5 b=[c] c=[c] | 12"},
		{"4 and a [c] at most 6 would make 10, so the 4 is known: the next 6 is hidden too",
			map[string]int{"a": 4, "b": 6, "c": 6, "d": 20}, "d=20 a=<5 b=[c] c=[c] | 36"},
		{"two small rows of 1 make 2, so both are known: one more is hidden",
			map[string]int{"a": 1, "b": 1, "c": 8, "d": 9}, "d=9 a=<5 b=<5 c=[c] | 19"},
		{"two small rows that could be split several ways stand",
			map[string]int{"a": 2, "b": 3, "c": 8}, "c=8 a=<5 b=<5 | 13"},
		{"a table of one small row and zeros shows its total only as <5",
			map[string]int{"a": 3}, "a=<5 | <5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := build(t, bySource(tc.counts, sms), 5)
			if got := table(r.BySource); got != tc.want {
				t.Errorf("by source:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestComplementarySuppressionKeepsFixedRowsInPlace(t *testing.T) {
	r := build(t, bySource(map[string]int{"a": 11}, func(i int) string {
		if i <= 3 {
			return bot.ChannelTelegram
		}
		return bot.ChannelWeb
	}), 5)
	if got, want := table(r.ByChannel), "sms=0 telegram=<5 web=[c] | 11"; got != want {
		t.Errorf("by channel:\n got %s\nwant %s", got, want)
	}
}

// Where rows overlap nothing comes from subtraction, but the plain rule
// holds: one hidden row takes the smallest other with it; two need none.
func TestComplementarySuppressionOverlapping(t *testing.T) {
	help := func(pick func(i int) string) impact.Table {
		var s script
		for i := range 12 {
			s.referral(referral{person: fmt.Sprint(i), ref: fmt.Sprint("r", i), channel: bot.ChannelSMS, at: day(i, 0),
				attrs: attrs("support", pick(i))})
		}
		return build(t, s.evs, 5).ByHelp
	}
	if got, want := table(help(func(i int) string {
		return map[bool]string{true: "work,money,housing", false: "work,money"}[i < 2]
	})), "work=12 housing=<5 money=[c] | 12"; got != want {
		t.Errorf("one small row:\n got %s\nwant %s", got, want)
	}
	if got, want := table(help(func(i int) string {
		return map[bool]string{true: "work,housing,family", false: "work"}[i < 2]
	})), "work=12 family=<5 housing=<5 | 12"; got != want {
		t.Errorf("two small rows:\n got %s\nwant %s", got, want)
	}
}

// A percentage of a shown number of pairs gives away the count of its row.
func TestPercentageOfAHiddenRowIsHidden(t *testing.T) {
	var s script
	for i := range 8 {
		before := map[bool]string{true: "neet", false: "college"}[i < 2]
		s.referral(referral{person: fmt.Sprint(i), ref: fmt.Sprint("r", i), channel: bot.ChannelSMS, at: day(i, 0),
			attrs: attrs("situation", before), followUps: []string{bot.FollowUpSent}, checkin: []string{"situation", "work"}})
	}
	sc := build(t, s.evs, 5).Situation
	if got, want := fmt.Sprint(sc.Pairs, " ", sc.NEETBefore, " ", sc.NEETAfter, " ", table(sc.Before)),
		"8 [c] 0.0% school=0 college=[c] work=0 apprenticeship=0 training=0 neet=<5 other=0 | 8"; got != want {
		t.Errorf("situation:\n got %s\nwant %s", got, want)
	}
}

// A hidden count's number is nowhere in the outputs: St Anne's 3
// referrals, and the 17 others that would give it away, are only "<5"
// and "[c]" in every format.
func TestHiddenNumbersAreNotWritten(t *testing.T) {
	var s script
	for i := range 20 {
		src := map[bool]string{true: "st-anne", false: ""}[i < 3]
		s.referral(referral{person: fmt.Sprint(i), ref: fmt.Sprint("r", i), channel: bot.ChannelWeb, source: src,
			at: day(i%7, time.Duration(i)*time.Minute)})
	}
	r := build(t, s.evs, 5)
	if got, want := table(r.BySource), "direct=[c] st-anne=<5 | 20"; got != want {
		t.Fatalf("by source:\n got %s\nwant %s", got, want)
	}
	for _, format := range impact.Formats() {
		var buf bytes.Buffer
		if err := r.Write(&buf, format); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, pat := range []string{
			`referrals_by_source,st-anne,[^\n]*,3\b`, `referrals_by_source,direct,[^\n]*,17\b`, // CSV
			`"key": "st-anne",\s*"label": "st-anne",\s*"count": 3\b`, `"key": "direct",[^}]*"count": 17\b`, // JSON
			`\| st-anne \| 3 \|`, `\| No school or link code \| 17 \|`, // Markdown
		} {
			if regexp.MustCompile(pat).MatchString(out) {
				t.Errorf("%s: a hidden number is written (%s)", format, pat)
			}
		}
		for _, want := range []string{"st-anne", "<5", "[c]"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q missing", format, want)
			}
		}
		if regexp.MustCompile(`(^|[^\d-])17(\D|$)`).MatchString(out) {
			t.Errorf("%s: 17 (the other sources) is written somewhere", format)
		}
	}
	b, err := json.Marshal(r.BySource)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"name":"referrals_by_source","title":"Referrals by school or link code","rows":[`+
		`{"key":"direct","label":"No school or link code","count":"[c]"},{"key":"st-anne","label":"st-anne","count":"\u003c5"}],"total":20}`; got != want {
		t.Errorf("JSON:\n got %s\nwant %s", got, want)
	}
}
