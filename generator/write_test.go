package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workatogen/workatogen/generator/lock"
)

func testResult(dir string, files map[string]string) *Result {
	r := &Result{Name: "shop", OutDir: dir, Files: map[string][]byte{},
		Inputs: []Input{{Role: "spec", Path: "openapi.yaml", SHA256: "aa"}, {Role: "template", Path: "builtin:connector.rb.tmpl", SHA256: "bb"}}}
	for n, c := range files {
		r.Files[n] = []byte(c)
	}
	return r
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteWritesLockBesideFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "shop")
	res := testResult(dir, map[string]string{"connector.rb": "{}\n", "README.md": "# Shop\n"})
	if err := Write(res); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"README.md", "connector.rb", lock.FileName}, listDir(t, dir)); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	data, err := os.ReadFile(filepath.Join(dir, lock.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != string(res.Lock().Marshal()) {
		t.Errorf("lock on disk differs from Result.Lock():\n%s", data)
	}
	l, err := lock.Parse("lock", data)
	if err != nil {
		t.Fatal(err)
	}
	if l.Version != Version || l.FileSum("connector.rb") != lock.Sum([]byte("{}\n")) {
		t.Errorf("lock = %+v", l)
	}
}

// Stale files are the ones the previous lock lists and this run does not
// produce; everything else in the folder is left alone.
func TestWriteRemovesOnlyStaleFilesTheLockLists(t *testing.T) {
	tests := []struct {
		name      string
		lockFiles []string // extra names in the previous lock
		onDisk    []string // extra files present before the run
		removed   []string // what WriteAndPrune reports
		wantGone  []string // paths that must not exist afterwards
		wantKept  []string
	}{
		{"stale listed file removed", []string{"old.rb"}, []string{"old.rb", "notes.txt"}, []string{"old.rb"}, []string{"old.rb"}, []string{"notes.txt"}},
		{"listed but already gone", []string{"old.rb"}, nil, nil, nil, nil},
		{"stale in a subfolder, folder emptied", []string{"sub/old.rb"}, []string{"sub/old.rb"}, []string{"sub/old.rb"}, []string{"sub/old.rb", "sub"}, nil},
		{"unlisted files are never removed", nil, []string{"old.rb"}, nil, nil, []string{"old.rb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			res := testResult(dir, map[string]string{"connector.rb": "{}\n"})
			prev := res.Lock()
			for _, n := range tt.lockFiles {
				prev.Files = append(prev.Files, lock.File{Path: n, SHA256: "00"})
			}
			writeFile(t, filepath.Join(dir, lock.FileName), string(prev.Marshal()))
			for _, n := range tt.onDisk {
				writeFile(t, filepath.Join(dir, n), "x")
			}
			removed, err := WriteAndPrune(res)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range tt.wantGone {
				if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
					t.Errorf("%s still exists", n)
				}
			}
			if d := cmp.Diff(tt.removed, removed); d != "" {
				t.Errorf("removed (-want +got):\n%s", d)
			}
			for _, n := range tt.wantKept {
				if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
					t.Errorf("%s was removed: %v", n, err)
				}
			}
		})
	}
}

// A lock is a file in a pull request: one that points outside its folder
// must not make generate delete anything.
func TestWriteIgnoresLockPointingOutside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out", "shop")
	victim := filepath.Join(root, "keep.txt")
	writeFile(t, victim, "mine")
	writeFile(t, filepath.Join(dir, lock.FileName), `{"lock_version": 1, "files": [{"path": "../../keep.txt", "sha256": "x"}]}`)
	if err := Write(testResult(dir, map[string]string{"connector.rb": "{}\n"})); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(victim); err != nil {
		t.Fatalf("a file outside the output folder was removed: %v", err)
	}
}

func TestWriteFailureLeavesPreviousOutput(t *testing.T) {
	dir := t.TempDir()
	if err := Write(testResult(dir, map[string]string{"connector.rb": "old\n"})); err != nil {
		t.Fatal(err)
	}
	before := listDir(t, dir)
	// A file name that cannot be created (its parent is a regular file).
	res := testResult(dir, map[string]string{"connector.rb": "new\n", "connector.rb/x": "y"})
	if err := Write(res); err == nil {
		t.Fatal("want an error")
	}
	if d := cmp.Diff(before, listDir(t, dir)); d != "" {
		t.Errorf("folder changed (-want +got):\n%s", d)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "connector.rb")); string(b) != "old\n" {
		t.Errorf("connector.rb = %q, want the old content", b)
	}

	clash := testResult(dir, map[string]string{lock.FileName: "x"})
	if err := Write(clash); err == nil || !strings.Contains(err.Error(), "lock file's name") {
		t.Errorf("err = %v, want a clash with the lock's name", err)
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
