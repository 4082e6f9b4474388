package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"

	"golang.org/x/term"

	"github.com/workatogen/workatogen/harness"
)

// runTest is `workatogen test`: replay the fixtures against the connector.
// It only parses flags and prints; harness.Run does the work.
func runTest(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("test", flag.ContinueOnError)
	// Parse quietly; help and errors are printed below, help on stdout.
	fl.SetOutput(io.Discard)
	connector := fl.String("connector", "out/tallyfy/connector.rb", "generated connector to test (one Ruby hash)")
	fixtures := fl.String("fixtures", "spec/tallyfy/fixtures", "directory of case files, one YAML file per case (format: harness/fixture/FORMAT.md)")
	spec := fl.String("spec", "spec/tallyfy/openapi.yaml", "OpenAPI description to validate sent requests and recorded responses against; empty to skip")
	runRe := fl.String("run", "", "run only cases whose ID (path under --fixtures, no extension) matches this regular expression; \"coverage\" selects the coverage check")
	jsonOut := fl.String("json", "", "also write a machine-readable report to this file (\"-\" writes it to stdout instead of the text report)")
	timeout := fl.Duration("timeout", harness.DefaultTimeout, "time limit per case; a case past it is killed and reported, and the run goes on")
	ruby := fl.String("ruby", "ruby", "Ruby interpreter (2.7 or newer, with ActiveSupport) to run the connector with")
	noColor := fl.Bool("no-color", false, "never colour the output (colour is used only when stdout is a terminal and NO_COLOR is unset)")
	verbose := fl.Bool("v", false, "print each case's line as it finishes, not only at the end")
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), `Usage: workatogen test [flags]

Replays every recorded fixture against the generated connector in one Ruby
process: each forced request goes to a local replay server that answers
with the recorded responses in order. A case fails when a request differs
from the recorded one (method, host, path, query, headers the connector
sets, body), when a recorded interaction is never requested, when an extra
request is sent, when the output or error differs from the fixture, or when
traffic does not conform to the OpenAPI spec. A synthetic "coverage" case
fails when an action or trigger has no fixture.

Flags:
`)
		fl.PrintDefaults()
		fmt.Fprint(fl.Output(), `
Exit status: 0 all cases passed, 1 a case failed (or the run could not start), 2 usage error.
`)
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fl.SetOutput(stdout)
			fl.Usage()
			return exitOK
		}
		fmt.Fprintf(stderr, "workatogen test: %v\n\n", err)
		fl.SetOutput(stderr)
		fl.Usage()
		return exitUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "workatogen test: unexpected argument %q (select cases with --run REGEX)\n", fl.Arg(0))
		return exitUsage
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "workatogen test: --timeout must be positive")
		return exitUsage
	}
	var filter *regexp.Regexp
	if *runRe != "" {
		var err error
		if filter, err = regexp.Compile(*runRe); err != nil {
			fmt.Fprintf(stderr, "workatogen test: --run: %v\n", err)
			return exitUsage
		}
	}

	textOut := stdout
	if *jsonOut == "-" {
		textOut = stderr // stdout carries the JSON; people still see progress
	}
	color := !*noColor && os.Getenv("NO_COLOR") == "" && isTerminal(textOut)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := harness.Options{
		Connector: *connector, FixturesDir: *fixtures, SpecPath: *spec,
		RunFilter: filter, Timeout: *timeout, Ruby: *ruby,
	}
	if *verbose {
		opts.OnCase = func(c harness.CaseResult) {
			fmt.Fprintln(textOut, harness.CaseLine(c, 0, color))
		}
	}
	rep, err := harness.Run(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "workatogen test: %v\n", err)
		return exitDiag
	}
	if err := rep.WriteText(textOut, color); err != nil {
		fmt.Fprintf(stderr, "workatogen test: %v\n", err)
		return exitDiag
	}
	if *jsonOut != "" {
		if err := writeJSONReport(*jsonOut, stdout, rep); err != nil {
			fmt.Fprintf(stderr, "workatogen test: --json: %v\n", err)
			return exitDiag
		}
	}
	if !rep.OK() {
		return exitDiag
	}
	return exitOK
}

func writeJSONReport(path string, stdout io.Writer, rep *harness.Report) error {
	if path == "-" {
		return rep.WriteJSON(stdout)
	}
	// Write beside the target and rename, so CI never reads half a report.
	f, err := os.CreateTemp(filepath.Dir(path), ".workatogen-report-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := rep.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// isTerminal reports whether w is a terminal; only then is colour useful.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
