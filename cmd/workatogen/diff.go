package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/workatogen/workatogen/generator"
	"github.com/workatogen/workatogen/generator/config"
	"github.com/workatogen/workatogen/generator/irdiff"
)

const diffUsage = `Usage: workatogen diff [flags] OLD NEW

Builds the connector for two versions of an API description with the same
config and reports what changes for recipe builders, in connector terms:
actions and triggers added or removed; input fields added, removed, made
required, retyped, or limited to a pick list; pick-list values removed;
output datapills removed or retyped. Each change is marked BREAKING (existing
recipes stop working) or safe, with the reason. An action whose operation
the config names but NEW lacks is reported as removed.

Exit status: 0 no breaking change, 1 breaking changes found, 2 usage error
or a spec/config that cannot be built (diagnostics on stderr).

Examples:
  workatogen diff old/openapi.yaml spec/tallyfy/openapi.yaml
  git show main:spec/tallyfy/openapi.yaml > /tmp/old.yaml && workatogen diff /tmp/old.yaml spec/tallyfy/openapi.yaml
  workatogen diff --json --config "" a.yaml b.yaml      # spec-only, machine-readable
`

// runDiff is `workatogen diff OLD NEW`: irdiff does the work.
func runDiff(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("diff", diffUsage, stderr)
	cfgPath := fs.String("config", generator.DefaultConfig, "connector config `FILE` used for both specs (\"\" for none: connectors from the specs alone)")
	jsonOut := fs.Bool("json", false, "print the report as JSON on stdout")
	quiet := fs.Bool("quiet", false, "print only errors and warnings, not notes")
	pos, done, code := parseInterleaved(fs, args, stdout)
	if done {
		return code
	}
	if len(pos) != 2 {
		fmt.Fprintf(stderr, "workatogen diff: want two specs, OLD and NEW; got %d argument(s)\n\n", len(pos))
		fs.Usage()
		return exitUsage
	}
	ctx := context.Background()
	var cfg *config.File
	if *cfgPath != "" {
		f, ds := config.Load(*cfgPath)
		if f == nil {
			printDiags(stderr, ds, *quiet)
			return exitUsage
		}
		cfg = f
	}
	rep, ds := irdiff.Diff(ctx, cfg, pos[0], pos[1])
	if rep == nil {
		printDiags(stderr, ds, *quiet)
		fmt.Fprintf(stderr, "workatogen diff: cannot build both connectors (%s)\n", ds.Summary())
		return exitUsage
	}
	var err error
	if *jsonOut {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout, os.Getenv("NO_COLOR") == "" && isTerminal(stdout))
	}
	if err != nil {
		fmt.Fprintf(stderr, "workatogen diff: %v\n", err)
		return exitUsage
	}
	if rep.Breaking > 0 {
		return exitDiag
	}
	return exitOK
}

// parseInterleaved parses flags placed before, between or after the
// positional arguments (`diff a.yaml b.yaml --json` is what people type),
// which flag.Parse alone does not allow.
func parseInterleaved(fs *flag.FlagSet, args []string, stdout io.Writer) (pos []string, done bool, code int) {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, true, exitOK
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, true, exitUsage
		}
		if fs.NArg() == 0 {
			return pos, false, exitOK
		}
		args = fs.Args()
		pos = append(pos, args[0])
		args = args[1:]
	}
}
