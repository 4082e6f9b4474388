// Package testflags registers the flags every test binary of the project
// accepts. `go test ./... -update` hands -update to every test binary, and
// one that does not define it fails, so each test package imports this
// package (a blank import in flags_test.go), including those without golden
// files.
package testflags

import "flag"

// Update asks golden tests to rewrite their expected files (out/tallyfy/ and
// the CLI scripts' expected output) instead of comparing.
var Update = flag.Bool("update", false, "rewrite golden files (out/tallyfy, CLI script output) from the current code")
