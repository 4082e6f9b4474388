// Package lock is the file `generate` writes beside its output
// (out/<name>/workatogen.lock): the sha256 of every input the output was
// made from (spec, config, methods files, templates), the tool version, and
// the sha256 of every file written.
//
// It has two jobs. `check` reads it to say *why* the committed output no
// longer matches what generate would write (spec changed, config changed,
// templates or tool changed, output edited by hand), and `generate` reads it
// to remove files it wrote before but no longer produces, and nothing else.
// The shape follows Speakeasy's gen.lock (docChecksum, configChecksum,
// generatedFiles) and Kiota's kiota-lock.json (description hash, lock format
// version).
//
// The file is JSON with a fixed key order, sorted lists and no timestamps, so
// generating twice writes the same bytes and a pull request shows a
// reviewable diff of it.
package lock

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FileName is the lock's name inside the output folder.
const FileName = "workatogen.lock"

// FormatVersion is bumped when the lock's shape changes incompatibly.
const FormatVersion = 1

// Input roles, in the order the lock lists them.
const (
	RoleSpec     = "spec"
	RoleConfig   = "config"
	RoleMethods  = "methods"
	RoleTemplate = "template"
)

// BuiltinPrefix marks a template embedded in the binary rather than a file.
const BuiltinPrefix = "builtin:"

var roleRank = map[string]int{RoleSpec: 0, RoleConfig: 1, RoleMethods: 2, RoleTemplate: 3}

// Lock is the parsed file. Field order here is the key order on disk.
type Lock struct {
	// Note tells a person who opens the file what it is for.
	Note          string `json:"note"`
	FormatVersion int    `json:"lock_version"`
	Generator     string `json:"generator"`
	Version       string `json:"version"`
	Connector     string `json:"connector"`
	// Inputs are sorted by role (spec, config, methods, template), then path.
	Inputs []Input `json:"inputs"`
	// Files are the generated files (not the lock itself), sorted by path.
	Files []File `json:"files"`
}

// Input is one file the output depends on. Path is relative to the lock's
// folder (slash-separated) so the lock does not depend on the directory
// generate was run from; built-in templates are "builtin:<name>".
type Input struct {
	Role   string `json:"role"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// File is one generated file, relative to the lock's folder.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

const note = "Written by `workatogen generate`; read by `workatogen check` (why the output drifted) and by generate (which files it may remove). Do not edit."

// Sum is the hex sha256 the lock records.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// New builds the lock for a run. inputs carry paths as the run saw them
// (relative to the working directory, or absolute); they are rewritten
// relative to outDir. files maps output-relative names to their content.
func New(generator, version, connector, outDir string, inputs []Input, files map[string][]byte) *Lock {
	l := &Lock{Note: note, FormatVersion: FormatVersion, Generator: generator, Version: version, Connector: connector,
		Inputs: []Input{}, Files: []File{}}
	for _, in := range inputs {
		in.Path = relTo(outDir, in.Path)
		l.Inputs = append(l.Inputs, in)
	}
	for name, data := range files {
		l.Files = append(l.Files, File{Path: filepath.ToSlash(name), SHA256: Sum(data)})
	}
	l.sort()
	return l
}

func (l *Lock) sort() {
	sort.SliceStable(l.Inputs, func(i, j int) bool {
		a, b := l.Inputs[i], l.Inputs[j]
		if roleRank[a.Role] != roleRank[b.Role] {
			return roleRank[a.Role] < roleRank[b.Role]
		}
		return a.Path < b.Path
	})
	sort.Slice(l.Files, func(i, j int) bool { return l.Files[i].Path < l.Files[j].Path })
}

// relTo rewrites path relative to dir. Built-in names stay as they are; a
// path that cannot be made relative (another drive) stays absolute.
func relTo(dir, path string) string {
	if strings.HasPrefix(path, BuiltinPrefix) {
		return path
	}
	absDir, err1 := filepath.Abs(dir)
	absPath, err2 := filepath.Abs(filepath.FromSlash(path))
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(path)
	}
	rel, err := filepath.Rel(absDir, absPath)
	if err != nil {
		return filepath.ToSlash(absPath)
	}
	return filepath.ToSlash(rel)
}

// Marshal renders the lock: JSON with the keys in struct order and one
// input or file per line, so that a changed spec is a one-line change in a
// pull request. Lists are sorted; the file ends with a newline.
func (l *Lock) Marshal() []byte {
	c := *l
	c.Inputs = append([]Input(nil), l.Inputs...)
	c.Files = append([]File(nil), l.Files...)
	c.sort()
	var b bytes.Buffer
	b.WriteString("{\n")
	fmt.Fprintf(&b, "  \"note\": %s,\n", str(c.Note))
	fmt.Fprintf(&b, "  \"lock_version\": %d,\n", c.FormatVersion)
	fmt.Fprintf(&b, "  \"generator\": %s,\n", str(c.Generator))
	fmt.Fprintf(&b, "  \"version\": %s,\n", str(c.Version))
	fmt.Fprintf(&b, "  \"connector\": %s,\n", str(c.Connector))
	b.WriteString("  \"inputs\": [")
	for i, in := range c.Inputs {
		sep := ","
		if i == len(c.Inputs)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "\n    {\"role\": %s, \"path\": %s, \"sha256\": %s}%s", str(in.Role), str(in.Path), str(in.SHA256), sep)
	}
	if len(c.Inputs) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("],\n  \"files\": [")
	for i, f := range c.Files {
		sep := ","
		if i == len(c.Files)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "\n    {\"path\": %s, \"sha256\": %s}%s", str(f.Path), str(f.SHA256), sep)
	}
	if len(c.Files) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("]\n}\n")
	return b.Bytes()
}

// str is a JSON string literal (no HTML escaping: paths stay readable).
func str(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// Parse reads a lock file's bytes. path is only used in the error, which
// says what to do about a damaged lock.
func Parse(path string, data []byte) (*Lock, error) {
	var l Lock
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%s is not a workatogen lock file (%v): delete it and run `workatogen generate` to write a new one", path, err)
	}
	if l.FormatVersion > FormatVersion {
		return nil, fmt.Errorf("%s has lock_version %d, newer than this workatogen understands (%d): upgrade workatogen", path, l.FormatVersion, FormatVersion)
	}
	for _, f := range l.Files {
		if !Local(f.Path) {
			return nil, fmt.Errorf("%s lists %q, which is outside its folder: the lock was edited by hand; delete it and run `workatogen generate`", path, f.Path)
		}
	}
	return &l, nil
}

// Local reports whether a file name from a lock stays inside the lock's
// folder. Only such names may ever be removed as stale: a lock is a file
// in a pull request, and a crafted "../../x" must not delete anything.
func Local(name string) bool {
	return name != "" && name != FileName && filepath.IsLocal(filepath.FromSlash(name))
}

// FileSum returns the recorded sha256 of a generated file, or "" when the
// lock does not list it.
func (l *Lock) FileSum(name string) string {
	for _, f := range l.Files {
		if f.Path == name {
			return f.SHA256
		}
	}
	return ""
}

// InputsOf returns the inputs with the given role, in lock order.
func (l *Lock) InputsOf(role string) []Input {
	var out []Input
	for _, in := range l.Inputs {
		if in.Role == role {
			out = append(out, in)
		}
	}
	return out
}

// Stale lists the files the old lock records that the new run does not
// produce, in order. Names that would leave the folder are never returned.
func Stale(old *Lock, produced map[string][]byte) []string {
	if old == nil {
		return nil
	}
	var out []string
	for _, f := range old.Files {
		if _, ok := produced[filepath.FromSlash(f.Path)]; ok {
			continue
		}
		if _, ok := produced[f.Path]; ok {
			continue
		}
		if Local(f.Path) {
			out = append(out, f.Path)
		}
	}
	sort.Strings(out)
	return out
}

// Read loads dir/workatogen.lock. A missing lock is (nil, nil, nil): older
// output, or a folder generate never wrote. data is the file as on disk.
func Read(dir string) (l *Lock, data []byte, err error) {
	path := filepath.Join(dir, FileName)
	data, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	l, err = Parse(path, data)
	return l, data, err
}
