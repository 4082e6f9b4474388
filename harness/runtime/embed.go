// Package runtime embeds the Ruby emulation of the Workato Connector SDK runtime that
// the replay harness runs generated connectors with. The protocol it speaks is
// described in harness/PROTOCOL.md; the behaviour it reproduces in
// shared docs workato-sdk.md.
package runtime

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// MainFile is the entry point inside the runtime directory:
// `ruby --disable-did_you_mean -W0 <dir>/main.rb`.
const MainFile = "main.rb"

//go:embed *.rb
var files embed.FS

// Files returns the embedded runtime files (flat, *.rb).
func Files() fs.FS { return files }

var (
	hashOnce sync.Once
	hashHex  string
)

// Hash returns a hex SHA-256 over the names and contents of the runtime files. Callers
// may use it to name a cache directory: WriteTo(filepath.Join(cacheRoot, Hash())).
func Hash() string {
	hashOnce.Do(func() {
		h := sha256.New()
		for _, name := range names() {
			data, err := files.ReadFile(name)
			if err != nil {
				panic(err) // embedded files are always readable
			}
			fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
			h.Write(data)
		}
		hashHex = hex.EncodeToString(h.Sum(nil))
	})
	return hashHex
}

// WriteTo writes the runtime files into dir (created if missing) and returns the path
// of main.rb. Files that already have the right content are left alone; others are
// written to a temporary file and renamed into place, so several processes may share
// one content-addressed directory safely.
func WriteTo(dir string) (mainPath string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("runtime: create %s: %w", dir, err)
	}
	for _, name := range names() {
		data, err := files.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("runtime: read embedded %s: %w", name, err)
		}
		if err := writeFile(filepath.Join(dir, name), data); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, MainFile), nil
}

func writeFile(path string, data []byte) error {
	if existing, err := os.ReadFile(path); err == nil && bytes.Equal(existing, data) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("runtime: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("runtime: write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("runtime: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("runtime: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("runtime: write %s: %w", path, err)
	}
	return nil
}

func names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err) // the embedded root is always readable
	}
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
