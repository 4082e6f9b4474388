package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/workatogen/workatogen/generator/drift"
)

const checkUsage = `Usage: workatogen check [flags]

Regenerates the connector in memory, exactly as "workatogen generate" with
the same flags would, writes nothing, and compares the result with the
files in the output folder (connector.rb, README.md, workatogen.lock).

Up to date: one line, exit 0. Drift: a unified diff of each differing file,
the missing and stale files, and the cause, read from workatogen.lock: spec
changed, config changed, methods changed, templates or tool changed, output
edited by hand, output missing, stale output, lock missing. Exit 1.
Problems in the inputs print the usual diagnostics and exit 2.

Diff lines are coloured only when stdout is a terminal and NO_COLOR is unset.

Examples:
  workatogen check                                 # the Tallyfy default, as CI runs it
  workatogen check --config spec/x/connector.yaml --templates my-templates
`

// runCheck is `workatogen check`: the drift gate CI runs on every pull request.
func runCheck(args []string, stdout, stderr io.Writer) int {
	_, res, _, done, code := parseGenerate("check", checkUsage, args, stdout, stderr, "workatogen check: cannot regenerate to compare", exitUsage)
	if done {
		return code
	}
	rep, err := drift.Compare(res)
	if err != nil {
		fmt.Fprintf(stderr, "workatogen check: %v\n", err)
		return exitUsage
	}
	color := os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
	if err := rep.WriteText(stdout, color, regenCommand(args)); err != nil {
		fmt.Fprintf(stderr, "workatogen check: %v\n", err)
		return exitUsage
	}
	if rep.Drifted() {
		return exitDiag
	}
	return exitOK
}

// regenCommand is the generate command with the flags check was given, so
// the fix line can be pasted as is.
func regenCommand(args []string) string {
	parts := []string{"workatogen", "generate"}
	for _, a := range args {
		if strings.ContainsAny(a, " \t'\"$`\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
