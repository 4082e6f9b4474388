package main

import (
	"fmt"
	"io"
)

// runCheck is replaced by the drift checker (issue: connector drift in CI).
func runCheck(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "workatogen check: not available yet")
	return exitUsage
}

func runDiff(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "workatogen diff: not available yet")
	return exitUsage
}
