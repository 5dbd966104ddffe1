package flows

import (
	"io"
	"slices"
	"strings"

	"github.com/valyala/fasttemplate"
	"go.yaml.in/yaml/v3"
)

// text reads a Text: a plain string in the default language, or a map of
// language → string. field names it in messages ("say", "ask", "option
// work"); template marks texts that may name variables; check marks texts
// the LoadOptions.Checks look at.
func (l *loader) text(kv yamlEntry, step, field string, template, check bool) Text {
	n := kv.value
	def := l.f.DefaultLanguage()
	ref := func(lang, s string, line int) {
		l.texts = append(l.texts, textRef{step: step, field: field, lang: lang, text: s, line: line, template: template, check: check})
	}
	switch {
	case yamlNull(n):
		l.errorf(kv.line, step, "%s is empty", field)
		return nil
	case n.Kind == yaml.ScalarNode:
		if strings.TrimSpace(n.Value) == "" {
			l.errorf(n.Line, step, "%s is empty", field)
		}
		ref(def, n.Value, n.Line)
		return Text{def: n.Value}
	case n.Kind != yaml.MappingNode:
		l.errorf(n.Line, step, "%s must be text, or a map of language → text", field)
		return nil
	}
	kvs, _ := l.entries(n, step)
	t := Text{}
	for _, e := range kvs {
		if !slices.Contains(l.f.Languages, e.key) {
			l.errorf(e.line, step, "%s: language %q is not in languages (%s)%s",
				field, e.key, strings.Join(l.f.Languages, ", "), didYouMean(e.key, l.f.Languages))
			continue
		}
		s, ok := l.scalar(e.value, step, field+" ("+e.key+")")
		if !ok {
			continue
		}
		if strings.TrimSpace(s) == "" {
			l.errorf(e.value.Line, step, "%s (%s) is empty", field, e.key)
		}
		t[e.key] = s
		ref(e.key, s, e.value.Line)
	}
	if _, ok := t[def]; !ok {
		l.errorf(n.Line, step, "%s: no text in the default language %q", field, def)
	}
	return t
}

// templateTags returns the trimmed {{tags}} in s, and whether a {{ is left
// open.
func templateTags(s string) (tags []string, open bool) {
	out := fasttemplate.ExecuteFuncString(s, "{{", "}}", func(_ io.Writer, tag string) (int, error) {
		tags = append(tags, strings.TrimSpace(tag))
		return 0, nil
	})
	return tags, strings.Contains(out, "{{")
}

// checkTexts checks every template's variables and runs the text checks.
func (l *loader) checkTexts() {
	names := sortedNames(l.f.vars)
	for _, t := range l.texts {
		field := t.field
		if len(l.f.Languages) > 1 {
			field += " (" + t.lang + ")"
		}
		if t.template {
			l.checkTemplate(t, field, names)
		}
		if !t.check {
			continue
		}
		for _, c := range l.opt.Checks {
			if msg, warn := c(t.text); warn {
				l.warnf(t.line, t.step, "%s: %s", field, msg)
			}
		}
	}
}

// checkTemplate reports tags that are not variables any step saves.
func (l *loader) checkTemplate(t textRef, field string, names []string) {
	tags, open := templateTags(t.text)
	if open {
		l.errorf(t.line, t.step, "%s: {{ has no closing }}", field)
	}
	for _, tag := range tags {
		switch {
		case !varRe.MatchString(tag):
			l.errorf(t.line, t.step, "%s: {{%s}} is not a variable name; write {{name}} with a-z, 0-9 and _", field, tag)
		case l.f.vars[tag].Name == "":
			l.errorf(t.line, t.step, "%s: {{%s}} is not saved by any step%s", field, tag, didYouMean(tag, names))
		}
	}
}
