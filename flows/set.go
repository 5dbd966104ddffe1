package flows

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Set is a collection of loaded flows, by id and version. New conversations
// start on a flow's latest version; a running conversation keeps the version
// it started on.
type Set struct {
	flows  map[string]map[int]*Flow // id → version → flow
	latest map[string]*Flow         // id → version new conversations start on
}

// NewSet returns a set of the given flows; for each id the highest version
// is the latest. A later flow with the same id and version replaces an
// earlier one.
func NewSet(flows ...*Flow) *Set {
	s := &Set{flows: map[string]map[int]*Flow{}, latest: map[string]*Flow{}}
	for _, f := range flows {
		s.add(f)
		if cur := s.latest[f.ID]; cur == nil || f.Version >= cur.Version {
			s.latest[f.ID] = f
		}
	}
	return s
}

func (s *Set) add(f *Flow) {
	if s.flows[f.ID] == nil {
		s.flows[f.ID] = map[int]*Flow{}
	}
	s.flows[f.ID][f.Version] = f
}

// LoadDir loads every *.yaml and *.yml file under dir (and its
// subdirectories, skipping hidden ones), except example conversations named
// *.test.yaml or *.test.yml. Problems name files by their path under dir
// joined to dir. The set holds every flow that loaded; callers should refuse
// to run when Problems.Err is not nil.
func LoadDir(dir string, opt LoadOptions) (*Set, Problems) {
	s, probs := LoadFS(os.DirFS(dir), opt)
	for i := range probs {
		probs[i].File = filepath.Join(dir, filepath.FromSlash(probs[i].File))
	}
	return s, probs
}

// LoadFS is LoadDir over a file system, such as an embed.FS of built-in
// flows. Two files with the same flow id and version are an error; the
// first in path order is kept. The problems include those of Set.Check; a
// flow whose follow_up names no flow of the set stays in the set, but the
// problem is an error, so callers refuse to run it.
func LoadFS(fsys fs.FS, opt LoadOptions) (*Set, Problems) {
	var probs Problems
	var loaded []*Flow
	where := map[string]*Flow{} // "id@version" → first file
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			probs = append(probs, Problem{File: p, Msg: "cannot read: " + err.Error()})
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !isFlowFile(name) || !d.Type().IsRegular() {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			probs = append(probs, Problem{File: p, Msg: "cannot read: " + err.Error()})
			return nil
		}
		f, ps := Parse(p, data, opt)
		probs = append(probs, ps...)
		if f == nil {
			return nil
		}
		key := fmt.Sprintf("%s@%d", f.ID, f.Version)
		if first := where[key]; first != nil {
			probs = append(probs, Problem{File: p, Line: f.Line,
				Msg: fmt.Sprintf("flow %q version %d is also in %s; bump the version", f.ID, f.Version, first.File)})
			return nil
		}
		where[key] = f
		loaded = append(loaded, f)
		return nil
	})
	if err != nil {
		probs = append(probs, Problem{File: ".", Msg: "cannot read: " + err.Error()})
	}
	set := NewSet(loaded...)
	probs = append(probs, set.Check()...)
	probs.sort()
	return set, probs
}

// Check returns the problems that only show with every flow together: a
// follow_up naming a flow the set does not hold, or follow-ups that lead
// back round to where they started. LoadFS and LoadDir run it; call it on a
// set made with NewSet before running it.
func (s *Set) Check() Problems {
	if s == nil {
		return nil
	}
	probs := s.checkFollowUps() // followup.go
	probs.sort()
	return probs
}

// isFlowFile reports whether a file name is a flow file rather than an
// example conversation or something else.
func isFlowFile(name string) bool {
	ext := path.Ext(name)
	if ext != ".yaml" && ext != ".yml" {
		return false
	}
	return !strings.HasSuffix(strings.TrimSuffix(name, ext), ".test")
}

// Latest returns the version of flow id that new conversations start on,
// or nil.
func (s *Set) Latest(id string) *Flow {
	if s == nil {
		return nil
	}
	return s.latest[id]
}

// Get returns version of flow id, or nil when the set does not hold it.
func (s *Set) Get(id string, version int) *Flow {
	if s == nil {
		return nil
	}
	return s.flows[id][version]
}

// IDs returns the ids of the flows new conversations can start, sorted.
func (s *Set) IDs() []string {
	if s == nil {
		return nil
	}
	return sortedNames(s.latest)
}

// Versions returns the versions of flow id the set holds, oldest first.
func (s *Set) Versions(id string) []int {
	if s == nil {
		return nil
	}
	var vs []int
	for v := range s.flows[id] {
		vs = append(vs, v)
	}
	sort.Ints(vs)
	return vs
}

// Merge returns a new set for a reload: every flow of s, plus every version
// of old that s does not hold, so conversations started on a version since
// removed or changed can finish on it. Latest comes from s alone: a flow
// whose file was removed keeps its old versions for running conversations
// but no new conversation can start it. Where both hold the same id and
// version, s wins. Neither s nor old is changed.
func (s *Set) Merge(old *Set) *Set {
	out := NewSet()
	if old != nil {
		for _, byVersion := range old.flows {
			for _, f := range byVersion {
				out.add(f)
			}
		}
	}
	if s != nil {
		for _, byVersion := range s.flows {
			for _, f := range byVersion {
				out.add(f)
			}
		}
		for id, f := range s.latest {
			out.latest[id] = f
		}
	}
	return out
}
