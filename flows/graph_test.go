package flows

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/graph")

func TestGraphGolden(t *testing.T) {
	for _, name := range []string{"product-example", "review"} {
		t.Run(name, func(t *testing.T) {
			got := Graph(loadGood(t, name+".yaml"))
			golden := filepath.Join("testdata", "graph", name+".mmd")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGraphGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("Graph differs from %s (run with -update if intended):\n%s", golden, got)
			}
			if again := Graph(loadGood(t, name+".yaml")); again != got {
				t.Error("Graph is not deterministic")
			}
		})
	}
}

func TestGraphParts(t *testing.T) {
	f := loadGood(t, "review.yaml")
	g := Graph(f)
	tests := []struct{ name, want string }{
		{"header", "flowchart TD\n"},
		{"start", "start((start)) --> s1\n"},
		{"quotes escaped", `s1["hello<br/>Hi! Reply #quot;STOP#quot; to stop, #amp; #quot;HELP#quot; for…"]`},
		{"question is rounded", `s2("name<br/>What should we call you?")`},
		{"handoff highlighted", `s6[["refer_sms<br/>Thanks {{name}}. We'll text you."]]:::handoff`},
		{"end is a stadium", `s8(["bye<br/>Bye for now."])`},
		{"outcome", `s3 -->|"skipped"| s4`},
		{"condition", `s3 -->|"age #lt; min_age"| s9`},
		{"otherwise", `s3 -->|"otherwise"| s4`},
		{"return", `s5 -.->|"name ↩ return"| s2`},
		{"outcome and condition", `s5 -->|"ok, if channel == 'sms'"| s6`},
		{"plain next", "s1 --> s2\n"},
		{"class", "classDef handoff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(g, tc.want) {
				t.Errorf("graph lacks %q:\n%s", tc.want, g)
			}
		})
	}
}
