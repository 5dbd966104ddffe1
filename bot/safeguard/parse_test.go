package safeguard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"bad yaml", "categories:\n  suicide: [\n", "line 2"},
		{"tab indent", "categories:\n\tsuicide:\n", "line 2"},
		{"empty", "", "empty phrase list"},
		{"not a mapping", "- a\n- b\n", "line 1: the phrase list must be a mapping"},
		{"no categories", "fillers: [just]\n", "line 1: the phrase list has no categories"},
		{"unknown key", "categories:\n  x: {phrases: [a]}\ncatagories: {}\n", `line 3: the phrase list: unknown key "catagories"`},
		{"duplicate key", "categories:\n  x: {phrases: [a]}\n  x: {phrases: [b]}\n", `line 3: categories: "x" given twice`},
		{"empty phrase", "categories:\n  suicide:\n    phrases:\n      - kill myself\n      -\n", `line 5: category "suicide" phrases: empty phrase`},
		{"blank phrase", "categories:\n  suicide:\n    phrases: [\"  \"]\n", `line 3: category "suicide" phrases: empty phrase`},
		{"phrase of punctuation", "categories:\n  suicide:\n    phrases:\n      - \"!!!\"\n", `line 4: category "suicide" phrases: phrase "!!!": empty phrase`},
		{"unknown category field", "categories:\n  suicide:\n    phrases: [a]\n    exept: [b]\n", `line 4: category "suicide": unknown key "exept" (want one of phrases, except)`},
		{"no phrases", "categories:\n  suicide:\n    except: [b]\n", `line 2: category "suicide" has no phrases`},
		{"category not a mapping", "categories:\n  suicide: [a, b]\n", `line 2: category "suicide" must be a mapping`},
		{"phrases not a list", "categories:\n  suicide:\n    phrases: kill myself\n", `line 3: category "suicide" phrases must be a list`},
		{"nested list", "categories:\n  suicide:\n    phrases:\n      - [a, b]\n", `line 4: category "suicide" phrases: each entry must be plain text`},
		{"bad category name", "categories:\n  Self Harm:\n    phrases: [a]\n", `line 2: category name "Self Harm" must be lower_snake_case`},
		{"unknown group", "categories:\n  x:\n    phrases: [<carer> hits me]\n", `line 3: category "x" phrases: phrase "<carer> hits me": unknown group <carer>`},
		{"unclosed choice", "categories:\n  x:\n    phrases:\n      - (he|she hits me\n", `line 4: category "x" phrases: phrase "(he|she hits me": unclosed "("`},
		{"nested choice", "categories:\n  x:\n    phrases:\n      - (a|(b|c))\n", `line 4: category "x" phrases: phrase "(a|(b|c))": nested "("`},
		{"stray bar", "categories:\n  x:\n    phrases:\n      - a|b\n", `line 4: category "x" phrases: phrase "a|b": unexpected '|'`},
		{"empty choice", "categories:\n  x:\n    phrases:\n      - (a|)\n", `line 4: category "x" phrases: phrase "(a|)": empty phrase`},
		{"too long", "categories:\n  x:\n    phrases:\n      - a b c d e f g h i j k l m\n", "line 4: category \"x\" phrases: phrase \"a b c d e f g h i j k l m\": more than 12 words"},
		{"too many choices", "groups:\n  g: [a, b, c, d, e, f, g, h, i, j, k, l, m]\ncategories:\n  x:\n    phrases:\n      - <g> <g> <g> <g>\n", "line 6: category \"x\" phrases: phrase \"<g> <g> <g> <g>\": stands for more than 2000 phrases"},
		{"max_gap", "max_gap: 9\ncategories:\n  x: {phrases: [a]}\n", "line 1: max_gap must be a whole number from 0 to 3"},
		{"max_gap text", "max_gap: two\ncategories:\n  x: {phrases: [a]}\n", "line 1: max_gap must be"},
		{"filler of two words", "fillers: [just, kind of]\ncategories:\n  x: {phrases: [a]}\n", `line 1: filler "kind of" must be one word`},
		{"misspelling key", "misspellings:\n  ok: fine\n  i m: i am\ncategories:\n  x: {phrases: [a]}\n", `line 3: misspelling "i m" must be one word`},
		{"misspelling empty", "misspellings:\n  kms:\ncategories:\n  x: {phrases: [a]}\n", `line 2: misspelling "kms" has an empty replacement`},
		{"misspelling clash", "misspellings:\n  wanna: want to\n  wana: want a\ncategories:\n  x: {phrases: [a]}\n", `line 3: misspelling "wana" is "wana" once normalised, already mapped to "want to"`},
		{"misspelling chain", "misspellings:\n  u: you\n  ya: u\ncategories:\n  x: {phrases: [a]}\n", `line 3: misspelling replacement "u" holds "u", itself a misspelling`},
		{"group name", "groups:\n  Carer: [mum]\ncategories:\n  x: {phrases: [a]}\n", `line 2: group name "Carer" must be lower_snake_case`},
		{"group entry", "groups:\n  carer: [mum, (dad|nan)]\ncategories:\n  x: {phrases: [a]}\n", `line 2: group "carer": entry "(dad|nan)" must be plain words`},
		{"empty group", "groups:\n  carer: []\ncategories:\n  x: {phrases: [a]}\n", `line 2: group "carer" is empty`},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.yaml))
			if err == nil {
				t.Fatalf("Parse succeeded (%d phrases), want error containing %q", len(m.phrases), c.want)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "safeguard: ") {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
		})
	}
}

const customList = `
max_gap: 1
fillers: [really]
misspellings:
  mam: mum
groups:
  carer: [mum, step dad]
categories:
  abuse:
    phrases:
      - <carer> (hits|beats) me
      - (really|) scared of <carer>
    except:
      - beats me at chess
  bored:
    phrases: [so bored]
`

func TestParseCustom(t *testing.T) {
	m, err := Parse([]byte(customList))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want Hit
	}{
		{"my mam hits me", Hit{"abuse", "mum hits me"}},
		{"my step-dad really beats me", Hit{"abuse", "step dad beats me"}},
		{"my step dad really really beats me", Hit{}}, // max_gap 1
		{"step dad just beats me", Hit{}},             // just is no filler here
		{"scared of mum", Hit{"abuse", "scared of mum"}},
		{"mum beats me at chess", Hit{}},
		{"im sooo bored", Hit{"bored", "so bored"}},
		{"i want to die", Hit{}}, // not in this list
	} {
		got, _ := m.Check(c.text)
		if got != c.want {
			t.Errorf("Check(%q) = %v, want %v", c.text, got, c.want)
		}
	}
	if got := m.normalise("mam"); got != "mum" {
		t.Errorf("custom misspelling: normalise(mam) = %q", got)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "phrases.yaml")
	if err := os.WriteFile(good, []byte(customList), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := LoadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Check("my mum hits me"); !ok {
		t.Error("loaded list does not match")
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("categories:\n  x:\n    phrases: [\"\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": safeguard: line 3:") {
		t.Errorf("LoadFile(bad) error = %v, want it to start with the path and line", err)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("LoadFile of a missing file succeeded")
	}
}

// TestDefaultList checks the shipped list parses and its header documents
// every top-level key.
func TestDefaultList(t *testing.T) {
	if _, err := Parse(defaultList); err != nil {
		t.Fatal(err)
	}
	for _, key := range topKeys {
		if !strings.Contains(string(defaultList[:2000]), key+":") {
			t.Errorf("phrases.yaml header does not document %q", key)
		}
	}
}
