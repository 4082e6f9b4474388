package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Write puts the result's files into its OutDir. Every file is first written
// to a temporary file in the same folder and synced; only when all of them
// are on disk are they renamed into place, so a failure (disk full, a
// permission problem) leaves the previous output as it was.
func Write(res *Result) error {
	if err := os.MkdirAll(res.OutDir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", res.OutDir, err)
	}
	names := make([]string, 0, len(res.Files))
	for n := range res.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	temps := map[string]string{}
	cleanup := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	for _, n := range names {
		final := filepath.Join(res.OutDir, n)
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			cleanup()
			return err
		}
		f, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(n)+".tmp-*")
		if err != nil {
			cleanup()
			return fmt.Errorf("cannot write %s: %w", final, err)
		}
		temps[n] = f.Name()
		if _, err := f.Write(res.Files[n]); err != nil {
			f.Close()
			cleanup()
			return fmt.Errorf("cannot write %s: %w", final, err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			cleanup()
			return fmt.Errorf("cannot write %s: %w", final, err)
		}
		if err := f.Close(); err != nil {
			cleanup()
			return fmt.Errorf("cannot write %s: %w", final, err)
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			cleanup()
			return err
		}
	}
	for _, n := range names {
		if err := os.Rename(temps[n], filepath.Join(res.OutDir, n)); err != nil {
			cleanup()
			return fmt.Errorf("cannot move %s into place: %w", n, err)
		}
		delete(temps, n)
	}
	return nil
}
