package rubyrun

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// extract puts the runtime files on disk once per content: the directory is
// named after a hash of every file, so a cached copy is reused across runs
// and a new build of the tool never runs a stale runtime. It is written to a
// temporary sibling and renamed into place, so a concurrent run sees either
// nothing or a complete copy.
func extract(opts Options) (mainPath string, cleanup func(), err error) {
	sum, err := hashFS(opts.Runtime)
	if err != nil {
		return "", nil, err
	}
	root := opts.CacheDir
	if root == "" {
		if d, err := os.UserCacheDir(); err == nil {
			root = filepath.Join(d, "workatogen")
		}
	}
	if root != "" {
		if p, err := extractInto(opts, root, "runtime-"+sum[:16]); err == nil {
			return p, func() {}, nil
		}
		// An unwritable cache is not fatal; fall through to a private copy.
	}
	tmp, err := os.MkdirTemp("", "workatogen-runtime-")
	if err != nil {
		return "", nil, err
	}
	p, err := writeRuntime(opts, tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	return p, func() { os.RemoveAll(tmp) }, nil
}

func extractInto(opts Options, root, name string) (string, error) {
	final := filepath.Join(root, name)
	if p, ok := existingMain(final); ok {
		return p, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, ".tmp-"+name+"-")
	if err != nil {
		return "", err
	}
	if _, err := writeRuntime(opts, tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		// Another run may have won the race; its copy is identical.
		if p, ok := existingMain(final); ok {
			return p, nil
		}
		return "", err
	}
	p, ok := existingMain(final)
	if !ok {
		return "", errors.New("runtime has no main.rb")
	}
	return p, nil
}

func existingMain(dir string) (string, bool) {
	p := filepath.Join(dir, "main.rb")
	st, err := os.Stat(p)
	return p, err == nil && st.Mode().IsRegular()
}

func writeRuntime(opts Options, dir string) (string, error) {
	if opts.WriteRuntime != nil {
		return opts.WriteRuntime(dir)
	}
	err := fs.WalkDir(opts.Runtime, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := fs.ReadFile(opts.Runtime, p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	return filepath.Join(dir, "main.rb"), err
}

// hashFS hashes every regular file's path and content, in WalkDir's
// lexical order.
func hashFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		io.WriteString(h, p+"\x00")
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		h.Write([]byte{0})
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}
