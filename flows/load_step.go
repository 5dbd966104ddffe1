package flows

import (
	"go.yaml.in/yaml/v3"
)

// step reads one step.
func (l *loader) step(kv yamlEntry) *Step {
	id := kv.key
	s := &Step{ID: id, Line: kv.line}
	src := &stepSource{keys: map[string]int{}, routes: map[*Route]routeSource{}}
	l.steps[id] = src
	kvs, ok := l.entries(kv.value, id)
	if !ok {
		l.errorf(kv.line, id, "a step must be a map of keys like say, ask, answer and next")
		return s
	}
	keys := l.known(kvs, stepKeys, id, "a step")
	for k, e := range keys {
		src.keys[k] = e.line
	}
	if e, ok := keys["say"]; ok {
		s.Say = l.text(e, id, "say", true, true)
	}
	if e, ok := keys["ask"]; ok {
		s.Ask = l.text(e, id, "ask", true, true)
	}
	if e, ok := keys["answer"]; ok {
		s.Answer = l.answer(e, id, src)
	}
	if e, ok := keys["invalid"]; ok {
		s.Invalid = l.text(e, id, "invalid", true, true)
	}
	if e, ok := keys["save"]; ok {
		if v, ok := l.scalar(e.value, id, "save"); ok {
			s.Save = v
			if !varRe.MatchString(v) {
				l.errorf(e.line, id, "save: %q is not a variable name; use a-z, 0-9 and _, starting with a letter or _", v)
			}
		}
	}
	if e, ok := keys["handoff"]; ok {
		s.Handoff = l.boolean(e.value, id, "handoff")
	}
	if e, ok := keys["end"]; ok {
		s.End = l.boolean(e.value, id, "end")
	}
	if e, ok := keys["next"]; ok {
		s.Next = l.next(e, id, src)
	}
	l.stepShape(s, keys)
	return s
}

// stepShape checks that the keys a step has make sense together.
func (l *loader) stepShape(s *Step, keys map[string]yamlEntry) {
	_, ask := keys["ask"]
	_, ans := keys["answer"]
	_, next := keys["next"]
	switch {
	case ask && !ans:
		l.errorf(keys["ask"].line, s.ID, "has ask but no answer; add the kind of answer, like answer: text")
	case ans && !ask:
		l.errorf(keys["answer"].line, s.ID, "has answer but no ask; add the question with ask:")
	}
	if e, ok := keys["save"]; ok && !ans {
		l.errorf(e.line, s.ID, "saves %q but asks nothing; only a step with ask and answer can save", s.Save)
	}
	if e, ok := keys["invalid"]; ok && !ans {
		l.warnf(e.line, s.ID, "invalid is only used by a step that asks; this step asks nothing")
	}
	if s.End && next {
		l.errorf(keys["end"].line, s.ID, "has both end: true and next; remove one")
	}
}

// next reads the three forms of next: a step id, a map of outcome → step,
// or a list of routes.
func (l *loader) next(kv yamlEntry, step string, src *stepSource) []*Route {
	n := kv.value
	switch {
	case yamlNull(n):
		l.errorf(kv.line, step, "next is empty")
		return nil
	case n.Kind == yaml.ScalarNode:
		r := &Route{Goto: n.Value, Line: n.Line}
		src.routes[r] = routeSource{target: n.Line}
		return []*Route{r}
	case n.Kind == yaml.MappingNode:
		kvs, _ := l.entries(n, step)
		var routes []*Route
		for _, e := range kvs {
			target, ok := l.scalar(e.value, step, "next "+e.key)
			if !ok {
				continue
			}
			r := &Route{On: e.key, Goto: target, Line: e.line}
			src.routes[r] = routeSource{on: e.line, target: e.value.Line}
			routes = append(routes, r)
		}
		return routes
	case n.Kind == yaml.SequenceNode:
		var routes []*Route
		for _, item := range n.Content {
			if r := l.route(yamlDeref(item), step, src); r != nil {
				routes = append(routes, r)
			}
		}
		if len(routes) == 0 && len(n.Content) == 0 {
			l.errorf(kv.line, step, "next is empty")
		}
		return routes
	}
	l.errorf(n.Line, step, "next must be a step id, a map of outcome → step, or a list of routes")
	return nil
}

// route reads one route of a list: {on, if, goto, return}.
func (l *loader) route(n *yaml.Node, step string, src *stepSource) *Route {
	kvs, ok := l.entries(n, step)
	if !ok {
		l.errorf(nodeLine(n), step, `each route in next is a map, like {goto: name} or {if: "age < 11", goto: too_young}`)
		return nil
	}
	keys := l.known(kvs, routeKeys, step, "a route")
	r := &Route{Line: n.Line}
	var rs routeSource
	e, ok := keys["goto"]
	if !ok {
		l.errorf(n.Line, step, "route has no goto; say which step it leads to")
		return nil
	}
	if r.Goto, ok = l.scalar(e.value, step, "goto"); !ok {
		return nil
	}
	rs.target = e.line
	if e, ok := keys["on"]; ok {
		r.On, _ = l.scalar(e.value, step, "on")
		rs.on = e.line
	}
	if e, ok := keys["if"]; ok {
		r.If, _ = l.scalar(e.value, step, "if")
		rs.cond = e.line
	}
	if e, ok := keys["return"]; ok {
		r.Return = l.boolean(e.value, step, "return")
	}
	src.routes[r] = rs
	return r
}
