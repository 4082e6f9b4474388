// Package generator is the pipeline: load the config and the spec, build the
// connector model, render the templates, check the Ruby, and (separately)
// write the files atomically. Each step lives in its own package:
//
//	config/    connector.yaml, strict, with positions
//	specload/  OpenAPI 3.x and Swagger 2.0, with positions
//	build/     spec + config → ir (every decision about the connector)
//	ir/        the model templates see
//	render/    templates → bytes (deterministic)
//	rubycheck/ the Ruby parser's verdict on the result
package generator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/workatogen/workatogen/generator/build"
	"github.com/workatogen/workatogen/generator/config"
	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/naming"
	"github.com/workatogen/workatogen/generator/render"
	"github.com/workatogen/workatogen/generator/rubycheck"
	"github.com/workatogen/workatogen/generator/specload"
)

// Version is stamped into the lock file; changing the generator's output
// means changing it.
const Version = "0.1.0"

// DefaultConfig is what every command works on when given no flags.
const DefaultConfig = "spec/tallyfy/connector.yaml"

// Options select the inputs of a run.
type Options struct {
	// ConfigPath is connector.yaml; "" with SpecPath set means spec-only.
	ConfigPath string
	// SpecPath overrides the config's `spec:`.
	SpecPath string
	// OutDir overrides out/<name>.
	OutDir string
	// TemplatesDir shadows built-in templates by file name.
	TemplatesDir string
	// Strict turns warnings into failures.
	Strict bool
	// Ruby is the interpreter for the self-check ("" = from PATH).
	Ruby string
	// SkipRubyCheck skips the Ruby self-check (benchmarks of the Go side).
	SkipRubyCheck bool
}

// Input is one file the output depends on, hashed for the lock file.
type Input struct {
	Role   string `json:"role"` // spec, config, template, methods
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Result is a rendered connector, not yet written.
type Result struct {
	Name   string
	OutDir string
	// Files maps names relative to OutDir to their content.
	Files  map[string][]byte
	Inputs []Input
	Model  *ir.Connector
	// Timings of the pipeline stages, for the README's measurements.
	Timings map[string]time.Duration
}

// Resolve fills in defaults the way every subcommand does: no flags means the
// Tallyfy default; --spec alone means no config.
func (o Options) Resolve() Options {
	if o.ConfigPath == "" && o.SpecPath == "" {
		o.ConfigPath = DefaultConfig
	}
	return o
}

// Generate runs the pipeline in memory. It returns a nil Result when the
// diagnostics fail the run (errors, or warnings with Strict).
func Generate(ctx context.Context, opts Options) (*Result, diag.List) {
	opts = opts.Resolve()
	var ds diag.List
	res := &Result{Files: map[string][]byte{}, Timings: map[string]time.Duration{}}
	t0 := time.Now()

	// Boot Ruby for the self-check now, so it is ready when rendering ends.
	var checker *rubycheck.Checker
	var checkerErr error
	if !opts.SkipRubyCheck {
		checker, checkerErr = rubycheck.Start(ctx, opts.Ruby)
		defer checker.Close() // no-op after Check; stops it on early returns
	}

	var cfgFile *config.File
	if opts.ConfigPath != "" {
		f, cds := config.Load(opts.ConfigPath)
		ds = append(ds, cds...)
		if f == nil {
			return nil, ds
		}
		cfgFile = f
		res.Inputs = append(res.Inputs, hashInput("config", f.Path, f.Data))
	}
	specPath := opts.SpecPath
	if specPath == "" {
		specPath = "openapi.yaml"
		if cfgFile != nil && cfgFile.Config.Spec != "" {
			specPath = cfgFile.Config.Spec
		}
		specPath = cfgFile.Resolve(specPath)
	}
	spec, sds := specload.Load(ctx, specPath)
	ds = append(ds, sds...)
	if spec == nil {
		return nil, ds
	}
	res.Inputs = append(res.Inputs, hashInput("spec", spec.Path, spec.Data))
	res.Timings["load"] = time.Since(t0)

	t1 := time.Now()
	name := connectorName(cfgFile, spec)
	model, bds := build.Build(build.Input{Spec: spec, Config: cfgFile, Name: name})
	ds = append(ds, bds...)
	if model == nil {
		return nil, ds
	}
	res.Name = model.Name
	res.Model = model
	res.OutDir = opts.OutDir
	if res.OutDir == "" {
		res.OutDir = filepath.Join("out", model.Name)
	}

	methods, methodFiles, mds := loadMethods(cfgFile, res)
	ds = append(ds, mds...)
	if mds.Failing(false) {
		return nil, ds
	}
	model.UserMethods = methods
	res.Timings["build"] = time.Since(t1)

	t2 := time.Now()
	set, tds := render.Load(opts.TemplatesDir)
	ds = append(ds, tds...)
	if set == nil {
		return nil, ds
	}
	names := make([]string, 0, len(set.Files))
	for n := range set.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := "builtin:" + n
		for _, o := range set.Overridden {
			if o == n {
				p = filepath.Join(opts.TemplatesDir, n)
			}
		}
		res.Inputs = append(res.Inputs, hashInput("template", p, set.Files[n]))
	}
	files, rds := set.Render(model)
	ds = append(ds, rds...)
	if rds.Failing(false) {
		return nil, ds
	}
	res.Files = files
	res.Timings["render"] = time.Since(t2)

	t3 := time.Now()
	if !opts.SkipRubyCheck {
		ds = append(ds, selfCheck(checker, checkerErr, filepath.Join(res.OutDir, "connector.rb"), files["connector.rb"], methodFiles)...)
	}
	res.Timings["check"] = time.Since(t3)
	ds.Sort()
	if ds.Failing(opts.Strict) {
		return nil, ds
	}
	return res, ds
}

func hashInput(role, path string, data []byte) Input {
	sum := sha256.Sum256(data)
	return Input{Role: role, Path: filepath.ToSlash(path), SHA256: hex.EncodeToString(sum[:])}
}

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

// connectorName picks the output folder name: the config's name, else the
// config's folder (spec/tallyfy → tallyfy), else the spec's title.
func connectorName(cfg *config.File, spec *specload.Spec) string {
	if cfg != nil {
		if cfg.Config.Name != "" {
			return cfg.Config.Name
		}
		if base := filepath.Base(filepath.Dir(cfg.Path)); base != "." && base != "/" {
			return slugRE.ReplaceAllString(strings.ToLower(base), "_")
		}
	}
	if spec.Doc.Info != nil && spec.Doc.Info.Title != "" {
		if n := strings.Trim(slugRE.ReplaceAllString(strings.ToLower(strings.TrimSuffix(spec.Doc.Info.Title, " API")), "_"), "_"); n != "" {
			return n
		}
	}
	return naming.Snake(strings.TrimSuffix(filepath.Base(spec.Path), filepath.Ext(spec.Path)))
}

// selfCheck asks Ruby, in one process, whether each hand-written methods
// file and the connector are one valid hash literal. A broken methods file
// is reported at its own line (the connector error it causes is then noise).
func selfCheck(checker *rubycheck.Checker, startErr error, name string, src []byte, methods []methodFile) diag.List {
	var ds diag.List
	var sources []rubycheck.Source
	for _, m := range methods {
		sources = append(sources, rubycheck.Source{Name: m.path, Code: string(m.data)})
	}
	sources = append(sources, rubycheck.Source{Name: name, Code: string(src)})
	var rs []rubycheck.Result
	err := startErr
	if err == nil {
		rs, err = checker.Check(sources)
	}
	if errors.Is(err, rubycheck.ErrNoRuby) {
		ds.Add(diag.Diagnostic{Severity: diag.Warning, Code: "Generate/NoRuby", File: name,
			Message: "Ruby is not installed: the generated connector was not syntax-checked",
			Fix:     "install Ruby (apt-get install -y ruby ruby-activesupport) so every run checks its output"})
		return ds
	}
	if err != nil {
		ds.Add(diag.Diagnostic{Severity: diag.Error, Code: "Generate/RubyCheck", File: name, Message: err.Error()})
		return ds
	}
	methodsOK := true
	seen := map[string]string{}
	for i, m := range methods {
		r := rs[i]
		if !r.OK {
			methodsOK = false
			ds.Add(diag.Diagnostic{Severity: diag.Error, Code: "Methods/InvalidRuby", File: m.path, Line: r.Line,
				Message: "hand-written methods are not one valid Ruby hash literal: " + r.Message,
				Fix:     "the file must be `{ name: lambda do |...| ... end, ... }`"})
			continue
		}
		for _, k := range r.Keys {
			if prev, dup := seen[k]; dup {
				ds.Add(diag.Diagnostic{Severity: diag.Error, Code: "Methods/Duplicate", File: m.path,
					Message: fmt.Sprintf("method %q is defined twice (also in %s)", k, prev), Fix: "rename one of them"})
			}
			seen[k] = m.path
			if reservedMethods[k] {
				ds.Add(diag.Diagnostic{Severity: diag.Error, Code: "Methods/Reserved", File: m.path,
					Message: fmt.Sprintf("method %q clashes with a method the generator writes", k), Fix: "rename it"})
			}
		}
	}
	if r := rs[len(rs)-1]; !r.OK && methodsOK {
		ds.Add(diag.Diagnostic{Severity: diag.Error, Code: "Generate/InvalidRuby", File: name, Line: r.Line,
			Message: "the generated connector is not valid Ruby: " + r.Message,
			Fix:     "this is a bug in a template (or a template override): nothing was written; run with --templates removed to compare"})
	}
	return ds
}

type methodFile struct {
	path string
	data []byte
}

// loadMethods reads the hand-written method files the config lists. Each is
// one Ruby hash literal (so editors and `ruby -c` can check it alone); its
// entries are copied verbatim into the connector's `methods`.
func loadMethods(cfg *config.File, res *Result) ([]ir.Code, []methodFile, diag.List) {
	var ds diag.List
	if cfg == nil {
		return nil, nil, ds
	}
	var out []ir.Code
	var files []methodFile
	for i, rel := range cfg.Config.Methods {
		path := cfg.Resolve(rel)
		data, err := os.ReadFile(path)
		if err != nil {
			ds.Add(cfg.Diag(diag.Error, "Config/MethodsFile", fmt.Sprintf("/methods/%d", i), "check the path (relative to connector.yaml)", "cannot read methods file: %v", errors.Unwrap(err)))
			continue
		}
		res.Inputs = append(res.Inputs, hashInput("methods", path, data))
		inner, ok := hashBody(data)
		if !ok {
			ds.Add(diag.Diagnostic{Severity: diag.Error, Code: "Methods/InvalidRuby", File: path,
				Message: "expected the file to be one hash literal: `{ ... }`", Fix: "wrap the methods in { }"})
			continue
		}
		files = append(files, methodFile{path: path, data: data})
		out = append(out, ir.Code(inner))
	}
	return out, files, ds
}

// reservedMethods are the helpers templates/methods.rb.tmpl defines.
var reservedMethods = map[string]bool{
	"compact_params": true, "deep_compact": true, "with_query": true, "join_list": true,
	"coerce_list": true, "parse_json_input": true, "reshape": true, "file_part": true,
	"file_name_from_disposition": true, "api_error": true,
}

// hashBody returns what is between the outer braces of a hash literal file,
// keeping comments inside, without a trailing comma.
func hashBody(data []byte) (string, bool) {
	lines := strings.Split(string(bytes.TrimSpace(data)), "\n")
	start := 0
	for start < len(lines) && (strings.HasPrefix(strings.TrimSpace(lines[start]), "#") || strings.TrimSpace(lines[start]) == "") {
		start++
	}
	body := strings.TrimSpace(strings.Join(lines[start:], "\n"))
	if !strings.HasPrefix(body, "{") || !strings.HasSuffix(body, "}") {
		return "", false
	}
	inner := strings.TrimSpace(body[1 : len(body)-1])
	inner = strings.TrimSuffix(inner, ",")
	// Re-indent to the left margin: the template indents it into `methods`.
	return dedent(inner), true
}

func dedent(s string) string {
	lines := strings.Split(s, "\n")
	minIndent := -1
	for i, l := range lines {
		if i == 0 || strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if minIndent < 0 || n < minIndent {
			minIndent = n
		}
	}
	if minIndent <= 0 {
		return s
	}
	for i, l := range lines {
		if i > 0 && len(l) >= minIndent {
			lines[i] = l[minIndent:]
		}
	}
	return strings.Join(lines, "\n")
}
