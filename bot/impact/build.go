package impact

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/signpost-app/signpost/bot"
)

// Options say which figures Build makes and how they are shown.
type Options struct {
	From, To      time.Time        // the period: [From, To); weeks and dates are in From's location
	SuppressBelow int              // counts from 1 to below this are hidden; 0 means 5, 1 shows every count
	Now           func() time.Time // nil: time.Now
	// Labels returns words for an option id of a saved answer, such as
	// Labels("support", "work"), or "" for the built-in words or the id.
	Labels func(name, key string) string
	// Steps returns a flow's question steps in order with short labels;
	// nil (or no steps) puts a funnel's steps in order of reach.
	Steps func(flow string) []StepInfo
}

// StepInfo is a flow step as a funnel shows it.
type StepInfo struct{ ID, Label string }

// ErrEmptyPeriod is returned by Build for a period that does not start
// before it ends.
var ErrEmptyPeriod = errors.New("the period must start before it ends")

// Build reads the events from log and makes the report for o's period,
// every count already suppressed.
func Build(ctx context.Context, log bot.EventLog, o Options) (*Report, error) {
	if !o.From.Before(o.To) {
		return nil, fmt.Errorf("building the impact report: %w", ErrEmptyPeriod)
	}
	if o.SuppressBelow <= 0 {
		o.SuppressBelow = defaultSuppressBelow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	d, err := read(ctx, log, o.From)
	if err != nil {
		return nil, err
	}
	b := &builder{o: o, d: d, below: o.SuppressBelow}
	return b.report(), nil
}

// conv identifies a conversation: its start time is unique per person.
type conv struct {
	person string
	start  int64
}

// data is the events of the period and after, deduplicated and sorted by
// time (then by the order they were read in, which keeps one person's
// events of the same instant in order).
type data struct {
	starts, risks, referrals []bot.Event
	byConv                   map[conv][]bot.Event // step, dropoff, end, answer and referral events
	claims                   map[string]bot.Event // the first claim of each referral
	outcomes                 map[string]string    // the last outcome recorded for each referral
	followUps                map[string][]bot.Event
}

// read collects every event at or after from, once each.
func read(ctx context.Context, log bot.EventLog, from time.Time) (*data, error) {
	seen := map[string]bool{}
	var all []bot.Event
	err := log.Events(ctx, from, func(ev bot.Event) error {
		if ev.At.Before(from) || ev.ID != "" && seen[ev.ID] {
			return nil
		}
		seen[ev.ID] = true
		all = append(all, ev)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading events: %w", err)
	}
	slices.SortStableFunc(all, func(a, b bot.Event) int { return a.At.Compare(b.At) })
	d := &data{byConv: map[conv][]bot.Event{}, claims: map[string]bot.Event{},
		outcomes: map[string]string{}, followUps: map[string][]bot.Event{}}
	seenRef := map[string]bool{}
	for _, ev := range all {
		switch ev.Kind {
		case bot.EventStart:
			d.starts = append(d.starts, ev)
		case bot.EventRisk:
			d.risks = append(d.risks, ev)
		case bot.EventReferral:
			if ev.Ref != "" && seenRef[ev.Ref] {
				continue
			}
			seenRef[ev.Ref] = true
			d.referrals = append(d.referrals, ev)
			d.byConv[conv{ev.Person, ev.Conv}] = append(d.byConv[conv{ev.Person, ev.Conv}], ev)
		case bot.EventStep, bot.EventDropOff, bot.EventEnd, bot.EventAnswer:
			d.byConv[conv{ev.Person, ev.Conv}] = append(d.byConv[conv{ev.Person, ev.Conv}], ev)
		case bot.EventClaim:
			if _, ok := d.claims[ev.Ref]; !ok {
				d.claims[ev.Ref] = ev
			}
		case bot.EventOutcome:
			d.outcomes[ev.Ref] = ev.Value // sorted by time: the last one wins
		case bot.EventFollowUp:
			d.followUps[ev.Ref] = append(d.followUps[ev.Ref], ev)
		}
	}
	return d, nil
}

// builder makes the figures of one report.
type builder struct {
	o     Options
	d     *data
	below int
}

func (b *builder) count(n int) Count { return newCount(n, b.below) }

func (b *builder) in(t time.Time) bool { return !t.Before(b.o.From) && t.Before(b.o.To) }

// words returns the labeller of the option ids of the saved answer name:
// the caller's words, else the built-in ones, else the id itself.
func (b *builder) words(name string) func(key string) string {
	return func(key string) string {
		if b.o.Labels != nil {
			if s := b.o.Labels(name, key); s != "" {
				return s
			}
		}
		if s := builtinLabels[name][key]; s != "" {
			return s
		}
		return key
	}
}

func (b *builder) report() *Report {
	r := &Report{From: b.o.From, To: b.o.To, Generated: b.o.Now(), SuppressBelow: b.below}
	var convs, hits int
	risks := map[string]int{}
	for _, ev := range b.d.starts {
		if b.in(ev.At) && ev.Ref == "" {
			convs++
		}
	}
	for _, ev := range b.d.risks {
		if b.in(ev.At) {
			hits++
			risks[given(ev.Value)]++
		}
	}
	r.Conversations, r.Safeguarding = b.count(convs), b.count(hits)
	r.RisksByKind = b.split("safeguarding_by_category", "Safeguarding by category", b.words("risk"), risks, nil, hits)
	r.Funnels = b.funnels()
	refs := b.cohort()
	r.Referrals = b.count(len(refs))
	b.referralTables(r, refs)
	r.Outcomes = b.outcomes(refs)
	r.ClaimTimes = b.claimTimes(refs)
	r.FollowUps = b.followUps(refs)
	r.Wellbeing = b.wellbeing(refs)
	r.Situation = b.situation(refs)
	return r
}

// split makes a table whose rows split total, with complementary
// suppression: the fixed keys first (zero rows included), then any others.
func (b *builder) split(name, title string, label func(string) string, counts map[string]int, fixed []string, total int) Table {
	t, lo, hi := b.table(name, title, label, counts, fixed, total)
	protectSplit(&t, b.below)
	order(t.Rows[lo:hi])
	return t
}

// overlapping is split for a table whose rows may overlap.
func (b *builder) overlapping(name, title string, label func(string) string, counts map[string]int, fixed []string, total int) Table {
	t, lo, hi := b.table(name, title, label, counts, fixed, total)
	protectOverlapping(&t)
	order(t.Rows[lo:hi])
	return t
}

// table makes the rows: fixed keys, the other keys seen (rows lo to hi, to
// be put in order once suppressed), and "not given" when there are any.
func (b *builder) table(name, title string, label func(string) string, counts map[string]int, fixed []string, total int) (t Table, lo, hi int) {
	t = Table{Name: name, Title: title, Total: b.count(total), Rows: []Row{}}
	for _, k := range fixed {
		t.Rows = append(t.Rows, Row{Key: k, Label: label(k), Count: b.count(counts[k])})
	}
	var rest []string // by key, so that suppression picks among equals the same way every time
	for k, n := range counts {
		if n > 0 && !slices.Contains(fixed, k) && k != notGiven {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		t.Rows = append(t.Rows, Row{Key: k, Label: label(k), Count: b.count(counts[k])})
	}
	lo, hi = len(fixed), len(t.Rows)
	if n := counts[notGiven]; n > 0 {
		t.Rows = append(t.Rows, Row{Key: notGiven, Label: "Not given", Count: b.count(n)})
	}
	return t, lo, hi
}

// order sorts rows largest first by their shown counts, then hidden rows,
// each group by key: the place of a hidden row among the others must not
// tell more about it than its mark does.
func order(rows []Row) {
	slices.SortFunc(rows, func(x, y Row) int {
		xn, xok := x.Count.Value()
		yn, yok := y.Count.Value()
		return cmp.Or(cmp.Compare(shown(yn, yok), shown(xn, xok)), cmp.Compare(x.Key, y.Key))
	})
}
