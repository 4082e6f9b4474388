package runtime

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// TestRubySuite runs the Ruby tests of the runtime (harness/runtime/test, minitest with
// an in-process fixture server). Ruby is required: CI installs it, so a missing
// interpreter is a failure, not a skip.
func TestRubySuite(t *testing.T) {
	ruby, err := exec.LookPath("ruby")
	if err != nil {
		t.Fatal("ruby not found: install it with apt-get install -y ruby ruby-activesupport")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ruby, "-I", ".", filepath.Join("test", "all.rb"))
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("ruby runtime suite failed (%v):\n%s", err, out.String())
	}
	if !regexp.MustCompile(`\d+ runs, \d+ assertions, 0 failures, 0 errors`).Match(out.Bytes()) {
		t.Fatalf("unexpected ruby suite output:\n%s", out.String())
	}
	t.Log(lastLine(out.String()))
}

func TestWriteToAndHash(t *testing.T) {
	dir := filepath.Join(t.TempDir(), Hash())
	mainPath, err := WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if mainPath != filepath.Join(dir, MainFile) {
		t.Fatalf("main path %q", mainPath)
	}
	count := 0
	err = fs.WalkDir(Files(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		count++
		want, _ := fs.ReadFile(Files(), path)
		got, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the embedded file", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"main.rb", "runtime.rb", "request.rb", "schema.rb"} {
		if _, err := fs.Stat(Files(), name); err != nil {
			t.Errorf("embedded runtime lacks %s", name)
		}
	}
	if _, err := fs.Stat(Files(), "test/helper.rb"); err == nil {
		t.Error("tests must not be embedded")
	}
	if count < 10 {
		t.Fatalf("only %d files embedded", count)
	}

	// A second write over an existing (and a tampered) directory restores the content.
	if err := os.WriteFile(filepath.Join(dir, "query.rb"), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	want, _ := fs.ReadFile(Files(), "query.rb")
	if got, _ := os.ReadFile(filepath.Join(dir, "query.rb")); !bytes.Equal(got, want) {
		t.Fatal("WriteTo did not restore query.rb")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left behind: %v", leftovers)
	}

	if h := Hash(); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) || h != Hash() {
		t.Fatalf("bad hash %q", h)
	}
}

func lastLine(s string) string {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	return string(lines[len(lines)-1])
}
