// Package drift compares what `generate` would write with what is on disk,
// and says why they differ. It is the engine of `workatogen check`, which CI
// runs so that a pull request cannot change the spec, the config or the
// generator without committing the regenerated connector (and cannot edit
// the connector by hand without it being noticed).
//
// "Up to date" means exactly: running generate with the same flags would
// write the same bytes to every file (the lock included) and remove nothing.
//
// The cause comes from the lock file generate writes (package lock): its
// input hashes against this run's tell spec, config, methods, templates and
// tool changes apart; its output hashes against the files on disk tell a
// hand edit from a stale regeneration.
package drift

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/workatogen/workatogen/generator"
	"github.com/workatogen/workatogen/generator/lock"
)

// Status of one file.
type Status string

const (
	Same    Status = "same"    // on disk as generate would write it
	Changed Status = "changed" // on disk, with other content
	Missing Status = "missing" // generate would write it; it is not there
	Stale   Status = "stale"   // the lock lists it, generate no longer produces it (and would remove it)
)

// File is the verdict on one file of the output folder.
type File struct {
	Name   string // relative to the output folder, slash-separated
	Status Status
	// Committed is the file on disk (nil when missing); Generated is what
	// generate would write (nil when stale).
	Committed, Generated []byte
}

// Cause kinds, stable for scripts and tests.
const (
	CauseLockMissing = "lock-missing"
	CauseLockBroken  = "lock-unreadable"
	CauseSpec        = "spec"
	CauseConfig      = "config"
	CauseMethods     = "methods"
	CauseTemplates   = "templates"
	CauseTool        = "tool"
	CauseHandEdit    = "hand-edit"
	CauseMissing     = "output-missing"
	CauseStale       = "stale"
	CauseLockStale   = "lock-out-of-date"
)

// Cause is one reason the output drifted.
type Cause struct {
	Kind   string
	Detail string
}

// String is the phrase used in the one-line summary.
func (c Cause) String() string { return c.Detail }

// Report is the result of a comparison.
type Report struct {
	OutDir string
	Files  []File // every file generate writes, the lock included, then stale files; sorted by name
	Causes []Cause
}

// Drifted reports whether generate would change anything on disk.
func (r *Report) Drifted() bool {
	for _, f := range r.Files {
		if f.Status != Same {
			return true
		}
	}
	return false
}

// Compare checks res (a Generate result, not written) against its OutDir.
// It reads only the files generate would write and the ones the lock lists,
// never the rest of the folder.
func Compare(res *generator.Result) (*Report, error) {
	rep := &Report{OutDir: res.OutDir}
	newLock := res.Lock()
	want := make(map[string][]byte, len(res.Files)+1)
	for n, b := range res.Files {
		want[filepath.ToSlash(n)] = b
	}
	want[lock.FileName] = newLock.Marshal()

	oldLock, _, lockErr := lock.Read(res.OutDir)

	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f := File{Name: n, Generated: want[n]}
		data, err := os.ReadFile(filepath.Join(res.OutDir, filepath.FromSlash(n)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			f.Status = Missing
		case err != nil:
			return nil, fmt.Errorf("cannot read %s: %w", filepath.Join(res.OutDir, n), err)
		case bytes.Equal(data, f.Generated):
			f.Status, f.Committed = Same, data
		default:
			f.Status, f.Committed = Changed, data
		}
		rep.Files = append(rep.Files, f)
	}
	for _, n := range lock.Stale(oldLock, res.Files) {
		data, err := os.ReadFile(filepath.Join(res.OutDir, filepath.FromSlash(n)))
		if errors.Is(err, fs.ErrNotExist) {
			continue // already gone: only the lock still names it, and the lock shows as changed
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", filepath.Join(res.OutDir, n), err)
		}
		rep.Files = append(rep.Files, File{Name: n, Status: Stale, Committed: data})
	}
	if rep.Drifted() {
		rep.Causes = causes(rep, oldLock, lockErr, newLock)
	}
	return rep, nil
}

// causes names why the output drifted, most fundamental first. Several can
// hold at once (the spec changed and someone also edited the connector).
func causes(rep *Report, old *lock.Lock, lockErr error, cur *lock.Lock) []Cause {
	var cs []Cause
	switch {
	case lockErr != nil:
		return []Cause{{CauseLockBroken, "lock unreadable: " + lockErr.Error()}}
	case old == nil:
		cs = append(cs, Cause{CauseLockMissing, fmt.Sprintf("lock missing (%s was not written by this version of generate, or was deleted)", lock.FileName)})
	default:
		cs = append(cs, inputCauses(old, cur, rep.OutDir)...)
	}

	var edited, missing, stale []string
	for _, f := range rep.Files {
		switch f.Status {
		case Missing:
			if f.Name != lock.FileName {
				missing = append(missing, f.Name)
			}
		case Stale:
			stale = append(stale, f.Name)
		case Changed:
			if f.Name == lock.FileName || old == nil {
				continue
			}
			// The lock says what generate wrote last time; anything else on
			// disk was put there by someone else.
			if sum := old.FileSum(f.Name); sum != "" && sum != lock.Sum(f.Committed) {
				edited = append(edited, f.Name)
			}
		}
	}
	if len(edited) > 0 {
		cs = append(cs, Cause{CauseHandEdit, "output edited by hand (" + strings.Join(edited, ", ") + " differs from what the last generate wrote)"})
	}
	if len(missing) > 0 {
		cs = append(cs, Cause{CauseMissing, "output missing (" + strings.Join(missing, ", ") + ")"})
	}
	if len(stale) > 0 {
		cs = append(cs, Cause{CauseStale, "stale output (" + strings.Join(stale, ", ") + " is listed in the lock but no longer generated)"})
	}
	switch {
	case len(cs) > 0 && old != nil && !outputsDiffer(rep) && len(stale) == 0:
		// A comment in the spec, a reformatted config: the inputs changed
		// but not the connector. Still drift: generate rewrites the lock.
		cs = append(cs, Cause{CauseLockStale, "the generated files are unchanged, only " + lock.FileName + " records the new inputs"})
	case len(cs) == 0 && old != nil:
		if outputsDiffer(rep) {
			// Inputs, version and committed files are all as the lock says,
			// yet the output differs: the generator's code changed without
			// a version bump (the usual case while developing workatogen).
			cs = append(cs, Cause{CauseTool, fmt.Sprintf("templates or tool changed (inputs and committed output match the lock, so the generator's own code now writes something else; version %s)", cur.Version)})
		} else {
			cs = append(cs, Cause{CauseLockStale, "lock out of date (the output is as generated, but " + lock.FileName + " differs from what generate writes: edited by hand, or written from other paths)"})
		}
	}
	return cs
}

func outputsDiffer(rep *Report) bool {
	for _, f := range rep.Files {
		if f.Name != lock.FileName && f.Status != Same {
			return true
		}
	}
	return false
}

// inputCauses compares the inputs recorded in the committed lock with this
// run's. Paths are only shown; hashes decide (a moved but identical spec is
// not a change of the output).
func inputCauses(old, cur *lock.Lock, outDir string) []Cause {
	var cs []Cause
	// Lock paths are relative to the output folder; people know them
	// relative to where they run the command.
	show := func(p string) string {
		if strings.HasPrefix(p, lock.BuiltinPrefix) || filepath.IsAbs(filepath.FromSlash(p)) {
			return p
		}
		full := filepath.Join(outDir, filepath.FromSlash(p))
		if filepath.IsAbs(full) {
			if wd, err := os.Getwd(); err == nil {
				if rel, err := filepath.Rel(wd, full); err == nil && filepath.IsLocal(rel) {
					full = rel
				}
			}
		}
		return filepath.ToSlash(full)
	}
	single := func(role, kind, what string) {
		o, n := old.InputsOf(role), cur.InputsOf(role)
		switch {
		case len(o) == 0 && len(n) == 0:
		case len(o) == 0:
			cs = append(cs, Cause{kind, fmt.Sprintf("%s changed (%s is new since the last generate)", what, show(n[0].Path))})
		case len(n) == 0:
			cs = append(cs, Cause{kind, fmt.Sprintf("%s changed (the last generate used %s, this run uses none)", what, show(o[0].Path))})
		case o[0].SHA256 != n[0].SHA256:
			cs = append(cs, Cause{kind, fmt.Sprintf("%s changed (%s: sha256 %s… in the lock, %s… now)", what, show(n[0].Path), short(o[0].SHA256), short(n[0].SHA256))})
		}
	}
	single(lock.RoleSpec, CauseSpec, "spec")
	single(lock.RoleConfig, CauseConfig, "config")

	if ch := setChanges(old.InputsOf(lock.RoleMethods), cur.InputsOf(lock.RoleMethods), func(in lock.Input) string { return show(in.Path) }, show); len(ch) > 0 {
		cs = append(cs, Cause{CauseMethods, "methods changed (" + strings.Join(ch, ", ") + ")"})
	}
	var tool []string
	if old.Version != cur.Version {
		tool = append(tool, fmt.Sprintf("workatogen %s in the lock, %s now", old.Version, cur.Version))
	}
	// Templates are matched by file name: an override of actions.rb.tmpl
	// replaces builtin:actions.rb.tmpl, and that is what the user wants named.
	tool = append(tool, setChanges(old.InputsOf(lock.RoleTemplate), cur.InputsOf(lock.RoleTemplate), templateName, show)...)
	if len(tool) > 0 {
		cs = append(cs, Cause{CauseTemplates, "templates or tool changed (" + strings.Join(tool, ", ") + ")"})
	}
	return cs
}

func templateName(in lock.Input) string {
	return filepath.Base(strings.TrimPrefix(in.Path, lock.BuiltinPrefix))
}

// setChanges lists added, removed and edited inputs, keyed by key().
func setChanges(old, cur []lock.Input, key func(lock.Input) string, show func(string) string) []string {
	o := map[string]lock.Input{}
	for _, in := range old {
		o[key(in)] = in
	}
	n := map[string]lock.Input{}
	for _, in := range cur {
		n[key(in)] = in
	}
	var out []string
	for k, ni := range n {
		oi, ok := o[k]
		switch {
		case !ok:
			out = append(out, k+" added")
		case oi.SHA256 != ni.SHA256 && oi.Path != ni.Path:
			out = append(out, fmt.Sprintf("%s now from %s", k, show(ni.Path)))
		case oi.SHA256 != ni.SHA256:
			out = append(out, k+" edited")
		}
	}
	for k := range o {
		if _, ok := n[k]; !ok {
			out = append(out, k+" removed")
		}
	}
	sort.Strings(out)
	return out
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
