package impact

import (
	"cmp"
	"maps"
	"slices"

	"github.com/signpost-app/signpost/bot"
)

// funnels makes one funnel for each flow with conversations started in the
// period. Each conversation is followed to now, so one started just
// before the end of the period is not counted as stopping there.
func (b *builder) funnels() []Funnel {
	byFlow := map[string][]conv{}
	seen := map[conv]bool{}
	for _, ev := range b.d.starts {
		c := conv{ev.Person, ev.Conv}
		if !b.in(ev.At) || seen[c] {
			continue
		}
		seen[c] = true
		byFlow[ev.Flow] = append(byFlow[ev.Flow], c)
	}
	out := []Funnel{}
	for _, flow := range slices.Sorted(maps.Keys(byFlow)) {
		out = append(out, b.funnel(flow, byFlow[flow]))
	}
	return out
}

func (b *builder) funnel(flow string, convs []conv) Funnel {
	reached, stopped, dropped := map[string]int{}, map[string]int{}, map[string]int{}
	for _, c := range convs {
		var last string
		var done bool
		steps, drops := map[string]bool{}, map[string]bool{}
		for _, e := range b.d.byConv[c] {
			switch e.Kind {
			case bot.EventStep:
				if !steps[e.Step] {
					steps[e.Step] = true
					reached[e.Step]++
				}
				last = e.Step
			case bot.EventDropOff:
				if !drops[e.Step] {
					drops[e.Step] = true
					dropped[e.Step]++
				}
			case bot.EventEnd, bot.EventReferral:
				done = true
			}
		}
		if last != "" && !done {
			stopped[last]++
		}
	}
	f := Funnel{Flow: flow, Started: b.count(len(convs)), Steps: []FunnelStep{}}
	step := func(id, label string) FunnelStep {
		return FunnelStep{Step: id, Label: label, Reached: b.count(reached[id]),
			StoppedAt: b.count(stopped[id]), DroppedOff: b.count(dropped[id])}
	}
	var known []string
	if b.o.Steps != nil {
		for _, s := range b.o.Steps(flow) {
			known = append(known, s.ID)
			f.Steps = append(f.Steps, step(s.ID, cmp.Or(s.Label, s.ID)))
		}
	}
	var extra []FunnelStep // steps reached that the flow does not list (an older version's)
	for _, id := range slices.Sorted(maps.Keys(reached)) {
		if !slices.Contains(known, id) {
			extra = append(extra, step(id, id))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(dropped)) {
		if !slices.Contains(known, id) && reached[id] == 0 {
			extra = append(extra, step(id, id))
		}
	}
	// By reach as shown; hidden ones after, by id, so that their order
	// says nothing more than "<5" does.
	slices.SortStableFunc(extra, func(x, y FunnelStep) int {
		xn, xok := x.Reached.Value()
		yn, yok := y.Reached.Value()
		return cmp.Or(cmp.Compare(shown(yn, yok), shown(xn, xok)), cmp.Compare(x.Step, y.Step))
	})
	f.Steps = append(f.Steps, extra...)
	return f
}

// shown is a count for ordering: -1 when hidden, so it goes after every
// shown one.
func shown(n int, ok bool) int {
	if !ok {
		return -1
	}
	return n
}
