package flows

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// tiny returns a minimal valid flow file.
func tiny(id string, version int, say string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("flow: " + id + "\nversion: " + strconv.Itoa(version) +
		"\nstart: a\nsteps:\n  a: {say: \"" + say + "\", end: true}\n")}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"a.yaml":            tiny("alpha", 1, "one"),
		"sub/a2.yml":        tiny("alpha", 2, "two"),
		"beta.yaml":         tiny("beta", 1, "b"),
		"beta.test.yaml":    {Data: []byte("not a flow: [")},
		"beta.test.yml":     {Data: []byte("not a flow: [")},
		"notes.txt":         {Data: []byte("ignored")},
		".hidden/x.yaml":    {Data: []byte("ignored: [")},
		"z-dup.yaml":        tiny("beta", 1, "again"),
		"broken/bad.yaml":   {Data: []byte("flow: gamma\nversion: 1\nstart: a\nsteps:\n  a: {say: hi}\n")},
		"broken/empty.yaml": {Data: nil},
	}
	s, probs := LoadFS(fsys, LoadOptions{})
	want := []string{
		"broken/bad.yaml:5: a: has no way out; add next: <step>, or end: true",
		"broken/empty.yaml:1: the file is empty; a flow needs flow, version, start and steps",
		`z-dup.yaml:1: flow "beta" version 1 is also in beta.yaml; bump the version`,
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ids := s.IDs(); !reflect.DeepEqual(ids, []string{"alpha", "beta"}) {
		t.Errorf("IDs = %v", ids)
	}
	if f := s.Latest("alpha"); f == nil || f.Version != 2 {
		t.Errorf("Latest(alpha) = %v, want version 2", f)
	}
	if f := s.Get("alpha", 1); f == nil || f.Step("a").Say.In("en", "en") != "one" {
		t.Errorf("Get(alpha, 1) = %v", f)
	}
	if f := s.Get("beta", 1); f == nil || f.File != "beta.yaml" {
		t.Errorf("Get(beta, 1) should be the first file, got %v", f)
	}
	for _, tc := range []struct {
		id string
		v  int
	}{{"alpha", 3}, {"gamma", 1}, {"nope", 1}} {
		if f := s.Get(tc.id, tc.v); f != nil {
			t.Errorf("Get(%s, %d) = %v, want nil", tc.id, tc.v, f)
		}
	}
	if s.Latest("gamma") != nil {
		t.Error("a broken flow must not load")
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.yaml", string(tiny("ok", 1, "hi").Data))
	write("bad.yaml", "flow: bad\nversion: 1\nstart: a\nsteps:\n  a: {say: hi, nxt: a}\n")
	s, probs := LoadDir(dir, LoadOptions{})
	if s.Latest("ok") == nil {
		t.Error("ok.yaml did not load")
	}
	want := filepath.Join(dir, "bad.yaml") + `:5: a: unknown key "nxt" in a step; did you mean "next"?`
	if !strings.Contains(probs.Error(), want) {
		t.Errorf("problems:\n%s\nwant %s", probs.Error(), want)
	}
}

func TestSetMerge(t *testing.T) {
	load := func(files fstest.MapFS) *Set {
		s, probs := LoadFS(files, LoadOptions{})
		if err := probs.Err(); err != nil {
			t.Fatal(err)
		}
		return s
	}
	old := load(fstest.MapFS{
		"a1.yaml": tiny("alpha", 1, "old one"),
		"a2.yaml": tiny("alpha", 2, "old two"),
		"g.yaml":  tiny("gone", 4, "bye"),
	})
	cur := load(fstest.MapFS{
		"a2.yaml": tiny("alpha", 2, "new two"),
		"a3.yaml": tiny("alpha", 3, "three"),
		"n.yaml":  tiny("new", 1, "new"),
	})
	m := cur.Merge(old)
	tests := []struct {
		name string
		got  *Flow
		want string // the say text of step a, or "" for nil
	}{
		{"old version kept", m.Get("alpha", 1), "old one"},
		{"new set wins on the same version", m.Get("alpha", 2), "new two"},
		{"new version", m.Get("alpha", 3), "three"},
		{"latest from the new set", m.Latest("alpha"), "three"},
		{"removed flow kept for running conversations", m.Get("gone", 4), "bye"},
		{"removed flow cannot start", m.Latest("gone"), ""},
		{"new flow", m.Latest("new"), "new"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if tc.got != nil {
				got = tc.got.Step("a").Say.In("en", "en")
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if ids := m.IDs(); !reflect.DeepEqual(ids, []string{"alpha", "new"}) {
		t.Errorf("IDs = %v", ids)
	}
	if vs := m.Versions("alpha"); !reflect.DeepEqual(vs, []int{1, 2, 3}) {
		t.Errorf("Versions = %v", vs)
	}
	if old.Get("alpha", 3) != nil || cur.Get("alpha", 1) != nil {
		t.Error("Merge changed its inputs")
	}
	var nilSet *Set
	if nilSet.Latest("x") != nil || nilSet.Merge(old).Latest("alpha") != nil || len(nilSet.Merge(old).Versions("alpha")) != 2 {
		t.Error("nil set")
	}
}
