package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/workatogen/workatogen/generator/testflags"
)

// TestMain lets the test binary double as the workatogen command: a script
// line `exec workatogen check` re-runs this binary, which then runs run()
// exactly as main does (testscript's Main; RunMain is its deprecated
// spelling). No separate build, and coverage still counts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"workatogen": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs every testdata/script/*.txtar as a user would type it:
// each in a fresh $WORK holding the files of its archive. Scripts are owned
// by whoever adds them; this runner stays generic.
//
// Environment the scripts can use:
//
//	REPO    the repository root (for scripts that copy a real spec)
//	SHARED  the shared/ folder beside the repository, when it exists
//	NO_COLOR=1, so output compared with cmp is plain text
//
// Extra command: `replace OLD NEW [OLD NEW]... FILE` edits FILE in place,
// as in the Go command's own script tests: OLD and NEW are read as the
// inside of a Go string literal ('a:\n  b' is two lines), and each OLD must
// occur, so a script fails loudly when the text it edits has moved on.
//
// Extra command: `exits N PROG [ARGS]...` is exec that also asserts the
// exit status, because the CLI's contract distinguishes 1 (drift, breaking
// change, failing case) from 2 (usage or input errors) and `! exec` cannot
// tell them apart. stdout and stderr are kept for the next commands.
//
// go test ./cmd/workatogen -run TestScripts/check_clean runs one script;
// -testwork keeps its $WORK; UPDATE_SCRIPTS=1 rewrites the expected stdout
// and stderr files inside the archives.
func TestScripts(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "" || *testflags.Update,
		Setup: func(e *testscript.Env) error {
			e.Setenv("REPO", repo)
			if shared := filepath.Join(repo, "..", "shared"); isDir(shared) {
				e.Setenv("SHARED", shared)
			}
			e.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"replace": cmdReplace,
			"exits":   cmdExits,
		},
	})
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exits (say the status you expect)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits N PROG [ARGS]...")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %q is not an exit status", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// cmdReplace is `replace OLD NEW [OLD NEW]... FILE`.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! replace")
	}
	if len(args) < 3 || len(args)%2 != 1 {
		ts.Fatalf("usage: replace OLD NEW [OLD NEW]... FILE")
	}
	file := ts.MkAbs(args[len(args)-1])
	data, err := os.ReadFile(file)
	ts.Check(err)
	s := string(data)
	for i := 0; i+1 < len(args)-1; i += 2 {
		oldS, newS := unquote(ts, args[i]), unquote(ts, args[i+1])
		if !strings.Contains(s, oldS) {
			ts.Fatalf("replace: %q does not occur in %s", oldS, args[len(args)-1])
		}
		s = strings.ReplaceAll(s, oldS, newS)
	}
	ts.Check(os.WriteFile(file, []byte(s), 0o644))
}

// unquote reads s as the inside of a Go string literal, so multi-line edits
// fit on one script line.
func unquote(ts *testscript.TestScript, s string) string {
	u, err := strconv.Unquote(`"` + s + `"`)
	if err != nil {
		ts.Fatalf("replace: cannot read %s as a Go string: %v", s, err)
	}
	return u
}
