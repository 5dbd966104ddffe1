package flows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseBadFlows loads each testdata/bad/*.yaml, one mistake a file. Each
// file starts with the problems it must produce, exactly as an author sees
// them: "# want: file:line: step: message" for an error and "# warn: ..."
// for a warning.
func TestParseBadFlows(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad flows: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, probs := Parse(name, data, LoadOptions{})
			wants := 0
			for _, line := range strings.Split(string(data), "\n") {
				want, warning := strings.CutPrefix(line, "# warn: ")
				if !warning {
					var ok bool
					if want, ok = strings.CutPrefix(line, "# want: "); !ok {
						break
					}
				}
				wants++
				assertProblem(t, probs, want, warning)
			}
			if wants == 0 {
				t.Fatal("the file does not start with # want: or # warn:")
			}
			if f != nil && probs.Err() != nil {
				t.Error("Parse returned a flow despite errors")
			}
		})
	}
}

// assertProblem fails unless probs holds a problem whose String contains
// want, with the given Warning.
func assertProblem(t *testing.T, probs Problems, want string, warning bool) {
	t.Helper()
	for _, p := range probs {
		if strings.Contains(p.String(), want) {
			if p.Warning != warning {
				t.Errorf("%s: Warning = %v, want %v", p, p.Warning, warning)
			}
			return
		}
	}
	t.Errorf("no problem %q; got:\n%s", want, probs.Error())
}

func TestParseAliasBomb(t *testing.T) {
	src := "flow: f\nversion: 1\nstart: a\nlanguages: &l [en, en, en, en, en, en, en, en, en, en]\n"
	prev := "l"
	for i := range 8 {
		name := string(rune('m' + i))
		src += "x" + name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	src += "steps:\n  a: {say: hi, end: true}\n"
	_, probs := Parse("bomb.yaml", []byte(src), LoadOptions{})
	want := "bomb.yaml:1: the file uses aliases (*name) that expand to over 100000 values; write it out more simply"
	if probs.Error() != want {
		t.Errorf("got:\n%s\nwant:\n%s", probs.Error(), want)
	}
}
