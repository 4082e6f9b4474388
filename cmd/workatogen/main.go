// Command workatogen generates a Workato Connector SDK connector from an
// OpenAPI description and proves it against recorded API fixtures.
//
// This file only dispatches subcommands; each subcommand lives in its own file
// and calls into generator/ or harness/, where the logic is.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// Exit statuses shared by every subcommand.
const (
	exitOK    = 0 // success
	exitDiag  = 1 // the inputs have problems (diagnostics), or tests failed, or drift found
	exitUsage = 2 // the command line itself is wrong
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"generate", "render the connector from an OpenAPI spec (and optional config)", runGenerate},
		{"test", "replay recorded fixtures against the generated connector", runTest},
		{"check", "fail when the committed output differs from what generate would write", runCheck},
		{"diff", "report what changes for recipe builders between two API descriptions", runDiff},
		{"version", "print the tool version", runVersion},
	}
}

func main() {
	// A run is short and allocates a few tens of MB: collecting less often
	// is measurably faster (README, "Measured") and the memory is returned
	// at exit anyway.
	debug.SetGCPercent(400)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		return runVersion(nil, stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "workatogen: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `workatogen turns an OpenAPI description into a Workato Connector SDK connector
(one Ruby hash to paste into the Workato SDK console) and replays recorded API
fixtures against it to prove every action sends what the API expects.

Usage:
  workatogen <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
With no flags every command works on the Tallyfy default (spec/tallyfy/).
Run "workatogen <command> --help" for the flags of one command.

Exit status: 0 ok, 1 problems found (diagnostics, failing cases, drift), 2 usage error.
`)
}
