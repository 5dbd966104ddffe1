package flows

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/signpost-app/signpost/flows/answer"
)

// answerTypeNames lists the answer type names for messages and near misses.
func answerTypeNames() []string {
	names := make([]string, len(answer.Types))
	for i, t := range answer.Types {
		names[i] = string(t)
	}
	return names
}

// answer reads a step's answer: a type name, or a map with type and
// settings.
func (l *loader) answer(kv yamlEntry, step string, src *stepSource) *Answer {
	n := kv.value
	a := &Answer{Line: kv.line}
	if n != nil && n.Kind == yaml.MappingNode {
		l.answerMap(n, step, a, src)
	} else if t, ok := l.scalar(n, step, "answer"); ok {
		a.Type = answer.Type(t)
		l.answerType(a, n.Line, step, src)
	} else {
		src.badAnswer = true
	}
	if (a.Type == answer.Choice || a.Type == answer.Choices) && len(a.Options) == 0 && !src.badAnswer {
		l.errorf(kv.line, step, "a %s answer needs options, like options: [{id: work, text: \"Work or training\"}]", a.Type)
		src.badAnswer = true
	}
	return a
}

// answerType checks that a's type is known.
func (l *loader) answerType(a *Answer, line int, step string, src *stepSource) {
	if answer.Known(a.Type) {
		return
	}
	src.badAnswer = true
	hint := didYouMean(string(a.Type), answerTypeNames())
	if hint == "" {
		hint = "; use one of " + strings.Join(answerTypeNames(), ", ")
	}
	l.errorf(line, step, "unknown answer type %q%s", a.Type, hint)
}

// answerMap reads {type, min, max, max_length, optional, options}.
func (l *loader) answerMap(n *yaml.Node, step string, a *Answer, src *stepSource) {
	kvs, _ := l.entries(n, step)
	keys := l.known(kvs, answerKeys, step, "answer")
	e, ok := keys["type"]
	if !ok {
		l.errorf(n.Line, step, "answer has no type; add one, like type: number")
		src.badAnswer = true
		return
	}
	t, ok := l.scalar(e.value, step, "answer type")
	if !ok {
		src.badAnswer = true
		return
	}
	a.Type = answer.Type(t)
	l.answerType(a, e.value.Line, step, src)
	a.Min = l.number(keys, "min", step)
	a.Max = l.number(keys, "max", step)
	if e, ok := keys["max_length"]; ok {
		if s, ok := l.scalar(e.value, step, "max_length"); ok {
			v, err := strconv.Atoi(s)
			if err != nil || v < 1 {
				l.errorf(e.line, step, "max_length must be a whole number, 1 or more, not %q", s)
			}
			a.MaxLength = v
		}
		if a.Type != answer.Text {
			l.errorf(e.line, step, "max_length only applies to text answers, not %s", a.Type)
		}
	}
	if e, ok := keys["optional"]; ok {
		a.Optional = l.boolean(e.value, step, "optional")
	}
	if a.Min != nil && a.Max != nil && *a.Min > *a.Max {
		l.errorf(keys["min"].line, step, "min (%g) is greater than max (%g)", *a.Min, *a.Max)
	}
	for _, k := range []string{"min", "max"} {
		if e, ok := keys[k]; ok && a.Type != answer.Number {
			l.errorf(e.line, step, "%s only applies to number answers, not %s", k, a.Type)
		}
	}
	if e, ok := keys["options"]; ok {
		a.Options = l.options(e, step)
		if a.Type != answer.Choice && a.Type != answer.Choices {
			l.errorf(e.line, step, "options only apply to choice and choices answers, not %s", a.Type)
		}
	}
}

// number reads an optional number setting.
func (l *loader) number(keys map[string]yamlEntry, key, step string) *float64 {
	e, ok := keys[key]
	if !ok {
		return nil
	}
	s, ok := l.scalar(e.value, step, key)
	if !ok {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v {
		l.errorf(e.line, step, "%s must be a number, not %q", key, s)
		return nil
	}
	return &v
}

// options reads a list of {id, text}.
func (l *loader) options(kv yamlEntry, step string) []Option {
	n := kv.value
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		l.errorf(kv.line, step, `options must be a list, like - {id: work, text: "Work or training"}`)
		return nil
	}
	var opts []Option
	seen := map[string]int{}
	for _, item := range n.Content {
		item = yamlDeref(item)
		kvs, ok := l.entries(item, step)
		if !ok {
			l.errorf(nodeLine(item), step, `each option needs an id and a text, like {id: work, text: "Work or training"}`)
			continue
		}
		keys := l.known(kvs, optionKeys, step, "an option")
		o := Option{Line: item.Line}
		e, ok := keys["id"]
		if !ok {
			l.errorf(item.Line, step, "option has no id; add one, like id: work")
			continue
		}
		if o.ID, ok = l.scalar(e.value, step, "option id"); !ok {
			continue
		}
		if !optionIDRe.MatchString(o.ID) {
			l.errorf(e.line, step, "option id %q may only use a-z, 0-9 and _", o.ID)
		}
		if first, dup := seen[o.ID]; dup {
			l.errorf(e.line, step, "option id %q is used twice (first at line %d)", o.ID, first)
			continue
		}
		seen[o.ID] = e.line
		if e, ok := keys["text"]; ok {
			o.Text = l.text(e, step, "option "+o.ID, true, false)
		} else {
			l.errorf(item.Line, step, "option %q has no text; add what the young person sees", o.ID)
		}
		opts = append(opts, o)
	}
	return opts
}
