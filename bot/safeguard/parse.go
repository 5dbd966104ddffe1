package safeguard

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadFile reads and parses a phrase list file; see Parse.
func LoadFile(path string) (*Matcher, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("safeguard: %w", err)
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Parse builds a Matcher from a phrase list in the YAML format described in
// the package documentation. Errors name the line of the offending entry,
// e.g. `safeguard: line 12: category "suicide" phrases: empty phrase`.
func Parse(data []byte) (*Matcher, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("safeguard: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("safeguard: empty phrase list")
	}
	c := &compiler{maxGap: defaultMaxGap, groups: map[string][]string{}, misspell: map[string]string{}}
	if err := c.document(deref(doc.Content[0])); err != nil {
		return nil, err
	}
	return c.build()
}

// nameRE is the form of category and group names.
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// topKeys are the keys allowed at the top of a phrase list, in the order
// they are read (categories use the others).
var topKeys = []string{"max_gap", "misspellings", "groups", "fillers", "categories"}

// lineError is an error about the entry at node n.
func lineError(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("safeguard: line %d: %s", n.Line, fmt.Sprintf(format, args...))
}

// deref follows a YAML alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mapping returns the key and value nodes of a mapping node, checking that
// keys are scalars, unique and (when allowed is not nil) among allowed.
func mapping(n *yaml.Node, what string, allowed []string) ([][2]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, lineError(n, "%s must be a mapping", what)
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return nil, lineError(k, "%s: keys must be plain text", what)
		}
		if seen[k.Value] {
			return nil, lineError(k, "%s: %q given twice", what, k.Value)
		}
		seen[k.Value] = true
		if allowed != nil && !contains(allowed, k.Value) {
			return nil, lineError(k, "%s: unknown key %q (want one of %s)", what, k.Value, strings.Join(allowed, ", "))
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

// sequence returns the scalar entries of a sequence node.
func sequence(n *yaml.Node, what string) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, lineError(n, "%s must be a list", what)
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, e := range n.Content {
		e = deref(e)
		if e.Kind != yaml.ScalarNode {
			return nil, lineError(e, "%s: each entry must be plain text", what)
		}
		out = append(out, e)
	}
	return out, nil
}

// scalar returns the text of a scalar node; null is empty.
func scalar(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", lineError(n, "%s must be plain text", what)
	}
	if n.Tag == "!!null" {
		return "", nil
	}
	return n.Value, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// document reads the top-level mapping, in the order of topKeys.
func (c *compiler) document(root *yaml.Node) error {
	pairs, err := mapping(root, "the phrase list", topKeys)
	if err != nil {
		return err
	}
	byKey := map[string]*yaml.Node{}
	for _, p := range pairs {
		byKey[p[0].Value] = p[1]
	}
	if byKey["categories"] == nil {
		return lineError(root, "the phrase list has no categories")
	}
	for _, key := range topKeys {
		n := byKey[key]
		if n == nil {
			continue
		}
		var err error
		switch key {
		case "max_gap":
			err = c.readMaxGap(n)
		case "misspellings":
			err = c.readMisspellings(n)
		case "groups":
			err = c.readGroups(n)
		case "fillers":
			err = c.readFillers(n)
		case "categories":
			err = c.readCategories(n)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
