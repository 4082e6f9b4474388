package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/workatogen/workatogen/generator/lock"
)

// Lock returns the lock file generate writes beside the result's files: the
// inputs' and outputs' sha256 and the tool version (package lock).
func (r *Result) Lock() *lock.Lock {
	inputs := make([]lock.Input, 0, len(r.Inputs))
	for _, in := range r.Inputs {
		inputs = append(inputs, lock.Input{Role: in.Role, Path: in.Path, SHA256: in.SHA256})
	}
	return lock.New("workatogen", Version, r.Name, r.OutDir, inputs, r.Files)
}

// Write puts the result's files and its lock into OutDir, then removes the
// files the previous lock listed that this run no longer produces.
func Write(res *Result) error {
	_, err := WriteAndPrune(res)
	return err
}

// WriteAndPrune is Write that also says which stale files it removed
// (paths relative to OutDir).
//
// Every file is first written to a temporary file in the same folder and
// synced; only when all of them are on disk are they renamed into place, so a
// failure (disk full, a permission problem) leaves the previous output as it
// was. The order after that is chosen so that an interrupted run is always
// explained by the lock on disk:
//
//  1. rename the generated files into place;
//  2. remove stale files: only names the previous lock lists, inside OutDir,
//     never anything else in the folder (a user's notes next to the
//     connector survive);
//  3. rename the new lock into place last. Until then the old lock still
//     lists the stale files, so a run that failed at step 2 retries them.
func WriteAndPrune(res *Result) (removed []string, err error) {
	if _, clash := res.Files[lock.FileName]; clash {
		return nil, fmt.Errorf("a template renders %s, which is the lock file's name: rename that output", lock.FileName)
	}
	if err := os.MkdirAll(res.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", res.OutDir, err)
	}
	// A damaged previous lock is replaced; it only costs the stale-file
	// cleanup of this one run, which is not worth failing generate over.
	old, _, _ := lock.Read(res.OutDir)

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
		t, err := writeTemp(filepath.Join(res.OutDir, n), res.Files[n])
		if err != nil {
			cleanup()
			return nil, err
		}
		temps[n] = t
	}
	lockTemp, err := writeTemp(filepath.Join(res.OutDir, lock.FileName), res.Lock().Marshal())
	if err != nil {
		cleanup()
		return nil, err
	}
	temps[lock.FileName] = lockTemp

	for _, n := range names {
		if err := os.Rename(temps[n], filepath.Join(res.OutDir, n)); err != nil {
			cleanup()
			return nil, fmt.Errorf("cannot move %s into place: %w", n, err)
		}
		delete(temps, n)
	}
	for _, n := range lock.Stale(old, res.Files) {
		gone, err := removeStale(res.OutDir, n)
		if err != nil {
			cleanup()
			return removed, err
		}
		if gone {
			removed = append(removed, n)
		}
	}
	if err := os.Rename(lockTemp, filepath.Join(res.OutDir, lock.FileName)); err != nil {
		cleanup()
		return removed, fmt.Errorf("cannot move %s into place: %w", lock.FileName, err)
	}
	return removed, nil
}

// writeTemp writes data to a synced temporary file beside final and
// returns its name.
func writeTemp(final string, data []byte) (string, error) {
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(final), "."+filepath.Base(final)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("cannot write %s: %w", final, err)
	}
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("cannot write %s: %w", final, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("cannot write %s: %w", final, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// removeStale deletes one file a previous lock listed. Folders are left
// alone (the lock only ever lists files); an already missing file is fine.
// Emptied subfolders inside outDir are removed too, best effort.
func removeStale(outDir, name string) (bool, error) {
	if !lock.Local(name) {
		return false, nil
	}
	path := filepath.Join(outDir, filepath.FromSlash(name))
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot remove stale %s: %w", path, err)
	}
	if fi.IsDir() {
		return false, nil
	}
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("cannot remove stale %s (the previous lock lists it, this run no longer generates it): %w", path, err)
	}
	for dir := filepath.Dir(path); dir != filepath.Clean(outDir) && dir != "."; dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty (or not ours to remove): stop climbing
		}
	}
	return true, nil
}
