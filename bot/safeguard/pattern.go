package safeguard

import (
	"errors"
	"fmt"
	"strings"
)

// maxExpansions caps how many phrases one list entry may stand for.
const maxExpansions = 2000

// expand returns every phrase a list entry stands for, in source form with
// spaces tidied. An entry is plain words with two kinds of alternatives:
// "(hits|beats|punches)" inline, and "<carer>" for every entry of the
// group named carer. An empty inline alternative makes the words optional:
// "(really|)". Inline alternatives may hold group references but not
// further parentheses.
func expand(entry string, groups map[string][]string) ([]string, error) {
	out := []string{""}
	lit := 0 // start of the pending literal text
	for i := 0; i < len(entry); i++ {
		var alts []string
		switch entry[i] {
		case '(':
			end := strings.IndexByte(entry[i:], ')')
			if end < 0 {
				return nil, errors.New("unclosed \"(\"")
			}
			inner := entry[i+1 : i+end]
			if strings.ContainsRune(inner, '(') {
				return nil, errors.New("nested \"(\"")
			}
			for _, alt := range strings.Split(inner, "|") {
				more, err := expandGroups(alt, groups)
				if err != nil {
					return nil, err
				}
				alts = append(alts, more...)
			}
			out = cross(out, entry[lit:i], alts)
			i += end
		case '<':
			end := strings.IndexByte(entry[i:], '>')
			if end < 0 {
				return nil, errors.New("unclosed \"<\"")
			}
			g, err := group(entry[i+1:i+end], groups)
			if err != nil {
				return nil, err
			}
			out = cross(out, entry[lit:i], g)
			i += end
		case ')', '|', '>':
			return nil, fmt.Errorf("unexpected %q outside (…)", entry[i])
		default:
			continue
		}
		if len(out) > maxExpansions {
			return nil, fmt.Errorf("stands for more than %d phrases; split it", maxExpansions)
		}
		lit = i + 1
	}
	out = cross(out, entry[lit:], []string{""})
	for i, s := range out {
		out[i] = strings.Join(strings.Fields(s), " ")
	}
	return out, nil
}

// expandGroups expands the <group> references in one inline alternative.
func expandGroups(alt string, groups map[string][]string) ([]string, error) {
	out := []string{""}
	for {
		i := strings.IndexByte(alt, '<')
		if i < 0 {
			if j := strings.IndexAny(alt, ">|)"); j >= 0 {
				return nil, fmt.Errorf("unexpected %q", alt[j])
			}
			return cross(out, alt, []string{""}), nil
		}
		end := strings.IndexByte(alt[i:], '>')
		if end < 0 {
			return nil, errors.New("unclosed \"<\"")
		}
		g, err := group(alt[i+1:i+end], groups)
		if err != nil {
			return nil, err
		}
		out = cross(out, alt[:i], g)
		alt = alt[i+end+1:]
	}
}

// group returns the entries of a named group.
func group(name string, groups map[string][]string) ([]string, error) {
	g, ok := groups[strings.TrimSpace(name)]
	if !ok {
		return nil, fmt.Errorf("unknown group <%s>", name)
	}
	return g, nil
}

// cross returns every prefix + lit + alternative.
func cross(prefixes []string, lit string, alts []string) []string {
	out := make([]string, 0, len(prefixes)*len(alts))
	for _, p := range prefixes {
		for _, a := range alts {
			out = append(out, p+lit+" "+a+" ")
		}
	}
	return out
}
