package flows

import (
	"slices"
	"strings"
)

// checkReachable reports steps that no chain of routes leads to from start.
func (l *loader) checkReachable() {
	f := l.f
	if f.Steps[f.Start] == nil {
		return // reported already; every step would look unreachable
	}
	seen := map[string]bool{f.Start: true}
	queue := []string{f.Start}
	for len(queue) > 0 {
		s := f.Steps[queue[0]]
		queue = queue[1:]
		for _, r := range s.Next {
			if f.Steps[r.Goto] != nil && !seen[r.Goto] {
				seen[r.Goto] = true
				queue = append(queue, r.Goto)
			}
		}
	}
	for _, id := range f.Order {
		if !seen[id] {
			l.errorf(f.Steps[id].Line, id, "cannot be reached: no route leads here from start %q", f.Start)
		}
	}
}

// checkLoops reports loops of steps that ask nothing: once entered, the
// conversation would go round them for ever, since nothing a condition
// looks at can change without an answer.
func (l *loader) checkLoops() {
	f := l.f
	silent := func(id string) bool { s := f.Steps[id]; return s != nil && !s.Asks() }
	next := func(id string) []string {
		var out []string
		for _, r := range f.Steps[id].Next {
			if silent(r.Goto) && !slices.Contains(out, r.Goto) {
				out = append(out, r.Goto)
			}
		}
		return out
	}
	// Tarjan's strongly connected components over the silent steps.
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		index[id], low[id] = len(index), len(index)
		stack = append(stack, id)
		onStack[id] = true
		for _, n := range next(id) {
			if _, ok := index[n]; !ok {
				visit(n)
				low[id] = min(low[id], low[n])
			} else if onStack[n] {
				low[id] = min(low[id], index[n])
			}
		}
		if low[id] != index[id] {
			return
		}
		comp := map[string]bool{}
		for {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[n] = false
			comp[n] = true
			if n == id {
				break
			}
		}
		l.reportLoop(comp, next)
	}
	for _, id := range f.Order {
		if _, ok := index[id]; !ok && silent(id) {
			visit(id)
		}
	}
}

// reportLoop reports a strongly connected component when it holds a loop,
// naming the shortest way round from its first step in file order.
func (l *loader) reportLoop(comp map[string]bool, next func(string) []string) {
	var first string
	for _, id := range l.f.Order {
		if comp[id] {
			first = id
			break
		}
	}
	if len(comp) == 1 && !slices.Contains(next(first), first) {
		return
	}
	// Breadth-first search inside the component back to first.
	prev := map[string]string{}
	queue := []string{first}
	for len(queue) > 0 && prev[first] == "" {
		id := queue[0]
		queue = queue[1:]
		for _, n := range next(id) {
			if comp[n] && prev[n] == "" {
				prev[n] = id
				queue = append(queue, n)
			}
		}
	}
	path := []string{first}
	for at := prev[first]; at != first; at = prev[at] {
		path = append([]string{at}, path...)
	}
	path = append([]string{first}, path...)
	l.errorf(l.f.Steps[first].Line, first, "steps loop for ever without asking anything: %s", strings.Join(path, " → "))
}
