package flows

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlEntry is one entry of a YAML mapping.
type yamlEntry struct {
	key   string
	line  int // the key's line
	value *yaml.Node
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): `)

// document parses data as a single YAML document and returns its root node,
// or nil after reporting a syntax error.
func (l *loader) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.errorf(1, "", "the file is empty; a flow needs flow, version, start and steps")
		} else {
			l.syntaxError(data, err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		l.errorf(extra.Line, "", "only one flow per file: remove this second YAML document (after ---)")
	} else if !errors.Is(err, io.EOF) {
		l.syntaxError(data, err)
	}
	if size := expandedSize(&doc, map[*yaml.Node]int{}); size > maxExpandedNodes {
		l.errorf(1, "", "the file uses aliases (*name) that expand to over %d values; write it out more simply", maxExpandedNodes)
		return nil
	}
	return yamlDeref(&doc)
}

// maxExpandedNodes caps the size of a document once aliases are expanded,
// so a few lines of nested aliases cannot make loading take for ever.
const maxExpandedNodes = 100_000

// expandedSize counts the nodes of n with every alias expanded, stopping
// early past maxExpandedNodes. Each node is counted once thanks to memo, so
// this takes time in proportion to the file, not to the expansion.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if size, ok := memo[n]; ok {
		return size
	}
	memo[n] = maxExpandedNodes + 1 // guards against an alias that contains itself
	size := 1
	if n.Kind == yaml.AliasNode {
		size += expandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		if size += expandedSize(c, memo); size > maxExpandedNodes {
			break
		}
	}
	memo[n] = size
	return size
}

// syntaxError reports a YAML syntax error at the line yaml gives, or the
// best guess when it gives none (it leaves the line out for line 1).
func (l *loader) syntaxError(data []byte, err error) {
	msg := err.Error()
	line := 1
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		if parserErrors[msg] {
			// yaml gives parser (not scanner) errors the 0-based line of
			// the block or bracket the problem is in.
			line++
			msg += " (in the part that starts on this line: check the indentation and brackets after it)"
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
		line = guessLine(data, msg, line)
	}
	l.errorf(line, "", "YAML syntax: %s", msg)
}

// parserErrors are the problems yaml's parser (as opposed to its scanner)
// reports, which it reports with lines counted from 0.
var parserErrors = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// guessLine finds the line of errors yaml reports without one.
func guessLine(data []byte, msg string, def int) int {
	at := -1
	switch {
	case strings.HasPrefix(msg, "unknown anchor '"):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		at = bytes.Index(data, []byte("*"+name))
	case strings.Contains(msg, "control characters"), strings.Contains(msg, "invalid"):
		at = bytes.IndexFunc(data, func(r rune) bool {
			return r == '\uFFFD' || (r < 0x20 && r != '\n' && r != '\r' && r != '\t')
		})
	}
	if at < 0 {
		return def
	}
	return bytes.Count(data[:at], []byte("\n")) + 1
}

// yamlDeref follows document and alias nodes to the node they stand for.
func yamlDeref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < 100; i++ {
		switch {
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return n
}

// yamlNull reports whether n is missing or an empty value.
func yamlNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// entries returns the entries of a mapping node in file order, reporting
// repeated keys, merge keys and keys that are not plain words. ok is false
// when n is not a mapping.
func (l *loader) entries(n *yaml.Node, step string) (kvs []yamlEntry, ok bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamlDeref(n.Content[i]), yamlDeref(n.Content[i+1])
		if k == nil || k.Kind != yaml.ScalarNode {
			l.errorf(n.Content[i].Line, step, "keys must be plain words, not lists or maps")
			continue
		}
		if k.Tag == "!!merge" {
			l.errorf(k.Line, step, "YAML merge keys (<<) are not supported; write the keys out")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			l.errorf(k.Line, step, "key %q is repeated (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		if v != nil && yamlNull(v) && v.Line != k.Line {
			c := *v // an empty value: point at its key
			c.Line = k.Line
			v = &c
		}
		kvs = append(kvs, yamlEntry{key: k.Value, line: k.Line, value: v})
	}
	return kvs, true
}

// known splits entries into those whose key is allowed, reporting the rest
// as unknown keys with a near miss.
func (l *loader) known(kvs []yamlEntry, allowed []string, step, where string) map[string]yamlEntry {
	out := map[string]yamlEntry{}
	for _, kv := range kvs {
		if !slices.Contains(allowed, kv.key) {
			l.errorf(kv.line, step, "unknown key %q in %s%s", kv.key, where, keyDidYouMean(kv.key, allowed))
			continue
		}
		out[kv.key] = kv
	}
	return out
}

// scalar returns the text of a scalar node, reporting what when n is a list
// or map or empty.
func (l *loader) scalar(n *yaml.Node, step, what string) (string, bool) {
	switch {
	case yamlNull(n):
		l.errorf(nodeLine(n), step, "%s is empty", what)
		return "", false
	case n.Kind != yaml.ScalarNode:
		l.errorf(n.Line, step, "%s must be a single value, not a list or map", what)
		return "", false
	}
	return n.Value, true
}

// boolean reads true/false (also yes/no and on/off).
func (l *loader) boolean(n *yaml.Node, step, what string) bool {
	s, ok := l.scalar(n, step, what)
	if !ok {
		return false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true
	case "false", "no", "off":
		return false
	}
	l.errorf(n.Line, step, "%s must be true or false, not %q", what, s)
	return false
}

// nodeLine returns n's line, or 0 for a missing node.
func nodeLine(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}
