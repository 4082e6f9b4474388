// Package build turns a loaded OpenAPI description and a connector config
// into the connector model (package ir). Every decision about what the
// connector looks like is made here, in Go, where it can be tested; the
// templates only lay the model out as Ruby.
package build

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/workatogen/workatogen/generator/config"
	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/naming"
	"github.com/workatogen/workatogen/generator/rubylit"
	"github.com/workatogen/workatogen/generator/specload"
)

// Input is what Build needs.
type Input struct {
	Spec   *specload.Spec
	Config *config.File // nil when generating from the spec alone
	// Name is the connector name (output folder) when the config gives none.
	Name string
}

// operation is one method+path of the spec with its resolved parameters.
type operation struct {
	method string // upper case
	path   string
	op     *openapi3.Operation
	item   *openapi3.PathItem
	ptr    string
	params []*openapi3.Parameter
	id     string // operationId as written (may be empty or contain spaces)
}

func (o *operation) label() string { return o.method + " " + o.path }

type builder struct {
	in    Input
	spec  *specload.Spec
	diags diag.List
	gloss *naming.Glossary
	out   *ir.Connector

	ops      []*operation
	byID     map[string]*operation
	byMethod map[string]*operation

	// connection-bound path parameters: {org} → connection field name
	bound map[string]string

	defs       map[string]*ir.ObjectDefinition
	defNames   map[string]string // component schema → definition name
	defNamer   *naming.Namer
	enumLists  map[string]string
	pickNames  *naming.Namer
	jsonInputs map[*ir.Field]bool
	// fileParts maps a multipart file content field to its name and
	// content-type fields and the default content type.
	fileParts map[*ir.Field][3]string
	// badExample remembers schemas whose example was already reported.
	badExample map[string]bool
	// renamed remembers field renames already reported.
	renamed map[string]bool

	envelopeData string
	envelopeMeta string
	autoEnvelope bool
	retry        ir.Retry
}

// Build converts spec + config into a connector model. The diagnostics list
// says what was degraded or wrong; the model is nil when errors make it
// unusable.
func Build(in Input) (*ir.Connector, diag.List) {
	b := &builder{
		in:         in,
		spec:       in.Spec,
		out:        &ir.Connector{Helpers: map[string]bool{}},
		byID:       map[string]*operation{},
		byMethod:   map[string]*operation{},
		bound:      map[string]string{},
		defs:       map[string]*ir.ObjectDefinition{},
		defNames:   map[string]string{},
		defNamer:   naming.NewNamer(),
		enumLists:  map[string]string{},
		pickNames:  naming.NewNamer(),
		jsonInputs: map[*ir.Field]bool{},
		fileParts:  map[*ir.Field][3]string{},
		badExample: map[string]bool{},
		renamed:    map[string]bool{},
	}
	b.setup()
	b.indexOperations()
	b.buildConnection()
	b.buildTest()
	b.buildPickLists()
	b.buildActions()
	b.buildTriggers()
	b.finish()
	b.diags.Sort()
	if b.diags.Failing(false) {
		return nil, b.diags
	}
	return b.out, b.diags
}

func (b *builder) cfg() *config.Config {
	if b.in.Config == nil || b.in.Config.Config == nil {
		return &config.Config{}
	}
	return b.in.Config.Config
}

func (b *builder) cfgSchemas() config.Schemas {
	if s := b.cfg().Schemas; s != nil {
		return *s
	}
	return config.Schemas{}
}

// Diagnostics about the spec carry a JSON pointer and get their line here.
func (b *builder) add(sev diag.Severity, code, ptr, fix, format string, args ...any) {
	d := diag.Diagnostic{Severity: sev, Code: code, Pointer: ptr, Fix: fix, Message: fmt.Sprintf(format, args...), File: b.spec.Path}
	b.diags.Add(b.spec.Locate(d))
}

func (b *builder) errorf(code, ptr, fix, format string, args ...any) {
	b.add(diag.Error, code, ptr, fix, format, args...)
}
func (b *builder) warn(code, ptr, fix, format string, args ...any) {
	b.add(diag.Warning, code, ptr, fix, format, args...)
}
func (b *builder) note(code, ptr, fix, format string, args ...any) {
	b.add(diag.Note, code, ptr, fix, format, args...)
}

// cfgDiag reports a problem located in connector.yaml.
func (b *builder) cfgDiag(sev diag.Severity, code, ptr, fix, format string, args ...any) {
	b.diags.Add(b.in.Config.Diag(sev, code, ptr, fix, format, args...))
}

func (b *builder) setup() {
	c := b.cfg()
	b.out.Name = c.Name
	if b.out.Name == "" {
		b.out.Name = b.in.Name
	}
	title := c.Title
	if title == "" && b.spec.Doc.Info != nil {
		title = strings.TrimSuffix(strings.TrimSpace(b.spec.Doc.Info.Title), " API")
	}
	if title == "" {
		title = naming.Label(b.out.Name)
	}
	b.out.Title = ir.Text(title)

	pairs := map[string]string{}
	for _, g := range c.Glossary {
		pairs[g.API] = g.UI
		b.out.Docs.Glossary = append(b.out.Docs.Glossary, [3]string{g.API, g.UI, g.Explain})
	}
	b.gloss = naming.NewGlossary(pairs)

	b.envelopeData, b.envelopeMeta, b.autoEnvelope = "data", "meta", true
	if e := c.Envelope; e != nil {
		b.envelopeData, b.envelopeMeta, b.autoEnvelope = e.Data, e.Meta, false
		if b.envelopeMeta == "" {
			b.envelopeMeta = "meta"
		}
	}

	b.retry = ir.Retry{MaxRetries: 3, OnResponse: []int{429, 500, 502, 503, 504}, Methods: []string{"GET", "HEAD"}}
	if r := c.Retry; r != nil {
		if r.MaxRetries > 0 || len(r.OnResponse) > 0 || len(r.Methods) > 0 {
			b.retry.MaxRetries = r.MaxRetries
		}
		if len(r.OnResponse) > 0 {
			b.retry.OnResponse = append([]int(nil), r.OnResponse...)
			sort.Ints(b.retry.OnResponse)
		}
		if len(r.Methods) > 0 {
			b.retry.Methods = nil
			for _, m := range r.Methods {
				b.retry.Methods = append(b.retry.Methods, strings.ToUpper(m))
			}
		}
	}

	b.out.Docs.Description = c.Description
	if b.out.Docs.Description == "" && b.spec.Doc.Info != nil {
		b.out.Docs.Description = firstSentence(b.spec.Doc.Info.Description)
	}
	b.out.Docs.DocsURL = c.DocsURL
	if b.out.Docs.DocsURL == "" && b.spec.Doc.ExternalDocs != nil {
		b.out.Docs.DocsURL = b.spec.Doc.ExternalDocs.URL
	}
	b.setupErrors()
}

var methodOrder = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}

// indexOperations lists every operation in a stable order (path, then
// method) with its parameters merged from the path item.
func (b *builder) indexOperations() {
	paths := b.spec.Doc.Paths.Keys()
	sort.Strings(paths)
	for _, p := range paths {
		item := b.spec.Doc.Paths.Value(p)
		for _, m := range methodOrder {
			op := item.GetOperation(m)
			if op == nil {
				continue
			}
			o := &operation{method: m, path: p, op: op, item: item, id: op.OperationID,
				ptr: specload.Pointer("paths", p, strings.ToLower(m))}
			o.params = mergeParams(item.Parameters, op.Parameters)
			b.ops = append(b.ops, o)
			if o.id != "" {
				if prev, dup := b.byID[o.id]; dup {
					b.warn("Spec/DuplicateOperationId", o.ptr+"/operationId", "give every operation a unique operationId",
						"operationId %q is used by %s and %s", o.id, prev.label(), o.label())
				} else {
					b.byID[o.id] = o
				}
			}
			b.byMethod[o.label()] = o
		}
	}
}

// mergeParams applies OpenAPI's rule: operation parameters override path-item
// parameters with the same name and location.
func mergeParams(pathLevel, opLevel openapi3.Parameters) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	seen := map[string]bool{}
	for _, pr := range opLevel {
		if pr == nil || pr.Value == nil {
			continue
		}
		seen[pr.Value.In+":"+pr.Value.Name] = true
	}
	for _, pr := range pathLevel {
		if pr == nil || pr.Value == nil || seen[pr.Value.In+":"+pr.Value.Name] {
			continue
		}
		out = append(out, pr.Value)
	}
	for _, pr := range opLevel {
		if pr != nil && pr.Value != nil {
			out = append(out, pr.Value)
		}
	}
	return out
}

var methodPathRE = regexp.MustCompile(`^(?i)(get|put|post|delete|patch|head|options|trace)\s+(/\S*)$`)

// lookup finds an operation by operationId or "METHOD /path". When nothing
// matches, the second result is the closest known name, for "did you mean".
func (b *builder) lookup(name string) (*operation, string) {
	if o := b.byID[name]; o != nil {
		return o, ""
	}
	if m := methodPathRE.FindStringSubmatch(strings.TrimSpace(name)); m != nil {
		if o := b.byMethod[strings.ToUpper(m[1])+" "+m[2]]; o != nil {
			return o, ""
		}
	}
	var candidates []string
	for id := range b.byID {
		candidates = append(candidates, id)
	}
	for k := range b.byMethod {
		candidates = append(candidates, k)
	}
	sort.Strings(candidates)
	return nil, diag.Closest(name, candidates)
}

// resolveConfigOp looks up an operation named in the config and reports a
// located error with a suggestion when the spec lacks it.
func (b *builder) resolveConfigOp(name, ptr string) *operation {
	o, near := b.lookup(name)
	if o != nil {
		return o
	}
	fix := "use an operationId from the spec, or \"METHOD /path\" exactly as the spec writes the path"
	if near != "" {
		fix = fmt.Sprintf("did you mean %q?", near)
	}
	b.cfgDiag(diag.Error, "Config/UnknownOperation", ptr, fix, "operation %q is not in %s", name, b.spec.Path)
	return nil
}

func (b *builder) finish() {
	names := make([]string, 0, len(b.defs))
	for n := range b.defs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b.out.ObjectDefinitions = append(b.out.ObjectDefinitions, b.defs[n])
	}
	sort.Slice(b.out.PickLists, func(i, j int) bool { return b.out.PickLists[i].Name < b.out.PickLists[j].Name })
	sort.Slice(b.out.Actions, func(i, j int) bool { return b.out.Actions[i].Key < b.out.Actions[j].Key })
	sort.Slice(b.out.Triggers, func(i, j int) bool { return b.out.Triggers[i].Key < b.out.Triggers[j].Key })
	b.out.Header = []string{
		rubylit.Comment("Workato connector: " + string(b.out.Title)),
		rubylit.Comment("Generated by workatogen from " + b.spec.Path + configNote(b.in.Config) + "."),
		"Do not edit by hand: change the spec or the config and run `workatogen generate`.",
	}
	b.out.Docs.SpecPath = b.spec.Path
	if b.in.Config != nil {
		b.out.Docs.ConfigPath = b.in.Config.Path
	}
}

func configNote(f *config.File) string {
	if f == nil {
		return " (no config)"
	}
	return " and " + f.Path
}

func sortedKeys[V any](m map[string]V) []string { return config.SortedKeys(m) }
