package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/workatogen/workatogen/generator"
	"github.com/workatogen/workatogen/generator/diag"
)

// generateFlags are shared by generate and check: both must see exactly the
// same inputs.
type generateFlags struct {
	config, spec, out, templates, ruby string
	strict, quiet                      bool
}

func (g *generateFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.config, "config", "", "connector config `FILE` (default "+generator.DefaultConfig+" when --spec is not given)")
	fs.StringVar(&g.spec, "spec", "", "OpenAPI 3.x or Swagger 2.0 `FILE`; alone (without --config) it generates a connector from the spec only")
	fs.StringVar(&g.out, "out", "", "output `DIR` (default out/<name>, where name comes from the config or the spec title)")
	fs.StringVar(&g.templates, "templates", "", "`DIR` of templates that shadow the built-in ones by file name (e.g. actions.rb.tmpl)")
	fs.BoolVar(&g.strict, "strict", false, "fail on warnings too (unsupported constructs, invalid examples, ...)")
	fs.StringVar(&g.ruby, "ruby", "", "Ruby interpreter `PATH` for the syntax self-check (default: ruby on PATH)")
	fs.BoolVar(&g.quiet, "quiet", false, "print only errors and warnings, not notes or the summary")
}

func (g *generateFlags) options() generator.Options {
	return generator.Options{ConfigPath: g.config, SpecPath: g.spec, OutDir: g.out, TemplatesDir: g.templates, Strict: g.strict, Ruby: g.ruby}
}

func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags returns (done, status): done is true when the caller must
// return status (help printed, or a usage error).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (bool, int) {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return true, exitOK
		}
	}
	if err := fs.Parse(args); err != nil {
		return true, exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "workatogen %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return true, exitUsage
	}
	return false, exitOK
}

const generateUsage = `Usage: workatogen generate [flags]

Reads an OpenAPI description and a connector config and writes
out/<name>/connector.rb (one Ruby hash, ready to paste into the Workato SDK
console) and out/<name>/README.md. With no flags it generates the Tallyfy
connector from spec/tallyfy/. Nothing is written unless the whole connector
rendered and Ruby's parser accepted it; files are replaced atomically.

Examples:
  workatogen generate                                  # the Tallyfy default
  workatogen generate --spec petstore.yaml             # any spec, no config
  workatogen generate --config spec/x/connector.yaml --strict
`

// parseGenerate parses the flags generate and check share, then runs the
// pipeline in memory and prints its diagnostics. done is true when the
// caller must return code (help, usage error, or diagnostics that failed the
// run, reported with failMsg).
func parseGenerate(name, usage string, args []string, stdout, stderr io.Writer, failMsg string, failCode int) (g generateFlags, res *generator.Result, ds diag.List, done bool, code int) {
	fs := newFlagSet(name, usage, stderr)
	g.register(fs)
	if done, code := parseFlags(fs, args, stdout); done {
		return g, nil, nil, true, code
	}
	res, ds = generator.Generate(context.Background(), g.options())
	printDiags(stderr, ds, g.quiet)
	if res == nil {
		fmt.Fprintf(stderr, "%s (%s)\n", failMsg, ds.Summary())
		return g, nil, ds, true, failCode
	}
	return g, res, ds, false, exitOK
}

func runGenerate(args []string, stdout, stderr io.Writer) int {
	g, res, ds, done, code := parseGenerate("generate", generateUsage, args, stdout, stderr, "workatogen: nothing written", exitDiag)
	if done {
		return code
	}
	removed, err := generator.WriteAndPrune(res)
	if err != nil {
		fmt.Fprintf(stderr, "workatogen: %v\n", err)
		return exitDiag
	}
	if !g.quiet {
		for _, r := range removed {
			fmt.Fprintf(stdout, "removed stale %s (listed in the previous lock, no longer generated)\n", filepath.Join(res.OutDir, r))
		}
		var names []string
		for n := range res.Files {
			names = append(names, filepath.Join(res.OutDir, n))
		}
		fmt.Fprintf(stdout, "wrote %s: %d actions, %d triggers, %d object definitions (%s)\n",
			strings.Join(sortedStrings(names), ", "), len(res.Model.Actions), len(res.Model.Triggers), len(res.Model.ObjectDefinitions), ds.Summary())
	}
	return exitOK
}

// printDiags writes diagnostics to stderr; notes only when not quiet.
func printDiags(w io.Writer, ds diag.List, quiet bool) {
	for _, d := range ds {
		if quiet && d.Severity == diag.Note {
			continue
		}
		fmt.Fprintln(w, d.String())
	}
}

func runVersion(_ []string, stdout, _ io.Writer) int {
	fmt.Fprintf(stdout, "workatogen %s\n", generator.Version)
	return exitOK
}
