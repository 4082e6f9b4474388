// Package specload reads an OpenAPI description (3.0, 3.1, or Swagger 2.0
// converted on load) and keeps enough of the source to say file:line for any
// JSON pointer, so every later diagnostic can point at the spec text.
package specload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/yamlcheck"
)

// Spec is a loaded description: the kin-openapi model plus its source.
type Spec struct {
	Path    string // as given by the user, used in diagnostics
	Data    []byte // raw bytes, hashed by the lock file
	Doc     *openapi3.T
	Swagger bool // true when the file was Swagger 2.0 and converted
	root    *yaml.Node
}

// Load reads and validates the spec at path. Problems that make the spec
// unusable are errors in the returned list (and Doc is nil); problems the
// generator can work around are warnings.
func Load(ctx context.Context, path string) (*Spec, diag.List) {
	var diags diag.List
	data, err := os.ReadFile(path)
	if err != nil {
		diags.Errorf("Spec/Read", path, "", "check the path given to --spec (or `spec:` in connector.yaml)", "cannot read the spec: %v", errors.Unwrap(err))
		return nil, diags
	}
	return LoadData(ctx, path, data)
}

// LoadData is Load for bytes already in memory (tests, the drift checker).
func LoadData(ctx context.Context, path string, data []byte) (*Spec, diag.List) {
	var diags diag.List
	s := &Spec{Path: path, Data: data}

	// kin-openapi parses the document again for its model; do that on the
	// other core while the position tree is built and the refs checked.
	guess := guessSwagger(data)
	docCh := make(chan loadedDoc, 1)
	go func() { docCh <- loadDoc(ctx, path, data, guess) }() // buffered: never blocks

	root, err := parseTree(data)
	if err != nil {
		diags.Add(syntaxDiag(path, data, err))
		return nil, diags
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		diags.Errorf("Spec/NotAnObject", path, "", "an OpenAPI description is a YAML or JSON object with an `openapi:` (or `swagger:`) key", "the spec is not a YAML/JSON object")
		return nil, diags
	}
	s.root = root.Content[0]

	version := scalarAt(s.root, "openapi")
	swagger := scalarAt(s.root, "swagger")
	switch {
	case strings.HasPrefix(version, "3."):
	case swagger == "2.0":
		s.Swagger = true
	default:
		diags.Add(diag.Diagnostic{Severity: diag.Error, Code: "Spec/UnknownVersion", File: path, Line: 1,
			Message: fmt.Sprintf("unsupported description version (openapi: %q, swagger: %q)", version, swagger),
			Fix:     "workatogen reads OpenAPI 3.0/3.1 and Swagger 2.0; set `openapi: 3.0.3` (or convert the file)"})
		return nil, diags
	}

	// Dangling local references are the most common hand-editing mistake; find
	// them here, where we still know their line, instead of letting the loader
	// fail with a bare "error resolving reference".
	if refDiags := s.checkLocalRefs(); len(refDiags) > 0 {
		diags = append(diags, refDiags...)
		return nil, diags
	}

	ld := <-docCh
	if ld.swagger != s.Swagger {
		ld = loadDoc(ctx, path, data, s.Swagger) // the early guess was wrong
	}
	doc, err := ld.doc, ld.err
	if s.Swagger {
		if err != nil {
			diags.Errorf("Spec/Convert", path, "", "fix the Swagger 2.0 document (validate it with a Swagger 2.0 validator) or convert it to OpenAPI 3", "cannot convert Swagger 2.0 to OpenAPI 3: %v", err)
			return nil, diags
		}
		diags.Add(diag.Diagnostic{Severity: diag.Note, Code: "Spec/ConvertedFromSwagger2", File: path, Line: 1,
			Message: "Swagger 2.0 description converted to OpenAPI 3.0 on load"})
	} else if err != nil {
		diags.Errorf("Spec/Load", path, "", "fix the spec so that it loads; external $refs must be relative files next to it", "cannot load the spec: %v", err)
		return nil, diags
	}
	s.Doc = doc

	// Validation failures are warnings: real-world specs (Tallyfy's own among
	// them) carry invalid examples and loose types, and the generator copes.
	opts := []openapi3.ValidationOption{openapi3.EnableMultiError(), openapi3.DisableExamplesValidation(), openapi3.AllowExtraSiblingFields("description", "example", "nullable", "readOnly")}
	if err := doc.Validate(ctx, opts...); err != nil {
		for _, e := range flattenErrors(err) {
			diags.Add(diag.Diagnostic{Severity: diag.Warning, Code: "Spec/Invalid", File: path, Line: 1,
				Message: "the spec does not validate: " + e,
				Fix:     "the connector is still generated; fix the spec so that other OpenAPI tools accept it too"})
		}
	}
	return s, diags
}

// fileURL gives the loader the spec's location so relative external $refs
// ("./schemas/run.yaml") resolve next to the file.
type loadedDoc struct {
	doc     *openapi3.T
	err     error
	swagger bool
}

var swaggerRE = regexp.MustCompile(`["']?swagger["']?\s*:\s*["']?2\.0`)

// guessSwagger looks for `swagger: "2.0"` near the start, to pick the loader
// before the document is parsed; Load corrects a wrong guess.
func guessSwagger(data []byte) bool {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	return swaggerRE.Match(head)
}

// loadDoc builds the kin-openapi model: OpenAPI 3 directly, Swagger 2.0
// through openapi2conv.
func loadDoc(ctx context.Context, path string, data []byte, swagger bool) loadedDoc {
	if swagger {
		var doc2 openapi2.T
		jsonData, err := toJSON(data)
		if err == nil {
			err = json.Unmarshal(jsonData, &doc2)
		}
		var doc *openapi3.T
		if err == nil {
			doc, err = openapi2conv.ToV3(&doc2)
		}
		return loadedDoc{doc: doc, err: err, swagger: true}
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.Context = ctx
	doc, err := loader.LoadFromDataWithPath(data, fileURL(path))
	return loadedDoc{doc: doc, err: err}
}

func isJSON(data []byte) bool { return bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) }

// parseTree parses YAML or JSON into a node tree with positions.
func parseTree(data []byte) (*yaml.Node, error) {
	if isJSON(data) {
		return jsonNode(data)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	return &root, nil
}

func fileURL(path string) *url.URL {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return &url.URL{Path: filepath.ToSlash(path)}
}

func flattenErrors(err error) []string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []string
		for _, e := range me {
			out = append(out, flattenErrors(e)...)
		}
		sort.Strings(out)
		return out
	}
	return []string{err.Error()}
}

// syntaxDiag turns a YAML/JSON parse error into a located diagnostic.
func syntaxDiag(path string, data []byte, err error) diag.Diagnostic {
	line, col, msg := yamlcheck.Locate(data, err)
	d := diag.Diagnostic{Severity: diag.Error, Code: "Spec/Syntax", File: path, Line: line, Column: col,
		Message: "the spec is not valid YAML or JSON: " + msg,
		Fix:     "fix the syntax at the line shown (a YAML linter or `python3 -m json.tool` points at the exact character)"}
	if isJSON(data) {
		// JSON: encoding/json knows the byte offset, which is more precise.
		var v any
		var se *json.SyntaxError
		if jerr := json.Unmarshal(data, &v); errors.As(jerr, &se) {
			d.Line, d.Column = lineCol(data, int(se.Offset))
			d.Message = "the spec is not valid JSON: " + se.Error()
		}
	}
	return d
}

func lineCol(data []byte, offset int) (int, int) {
	if offset > len(data) {
		offset = len(data)
	}
	line := 1 + bytes.Count(data[:offset], []byte("\n"))
	col := offset - bytes.LastIndexByte(data[:offset], '\n')
	return line, col
}

// toJSON re-encodes YAML as JSON (Swagger 2.0 is decoded with encoding/json).
func toJSON(data []byte) ([]byte, error) {
	if isJSON(data) {
		return data, nil
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func scalarAt(m *yaml.Node, key string) string {
	if v := mapValue(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func mapKeys(m *yaml.Node) []string {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	keys := make([]string, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		keys = append(keys, m.Content[i].Value)
	}
	return keys
}

// checkLocalRefs reports every "#/..." reference that does not resolve, with
// the line of the $ref and the closest existing name at the failing step.
func (s *Spec) checkLocalRefs() diag.List {
	var diags diag.List
	var walk func(n *yaml.Node, ptr string)
	walk = func(n *yaml.Node, ptr string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				child := ptr + "/" + EscapePointer(k.Value)
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode && strings.HasPrefix(v.Value, "#") {
					if d, ok := s.resolveRef(v, child); !ok {
						diags.Add(d)
					}
					continue
				}
				walk(v, child)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(s.root, "")
	return diags
}

func (s *Spec) resolveRef(ref *yaml.Node, at string) (diag.Diagnostic, bool) {
	target := strings.TrimPrefix(ref.Value, "#")
	cur := s.root
	walked := ""
	for _, seg := range splitPointer(target) {
		next := child(cur, seg)
		if next == nil {
			fix := fmt.Sprintf("define %q, or point the $ref at an existing entry", target)
			if near := diag.Closest(seg, mapKeys(cur)); near != "" {
				fix = fmt.Sprintf("did you mean %q?", "#"+walked+"/"+EscapePointer(near))
			}
			return diag.Diagnostic{Severity: diag.Error, Code: "Spec/DanglingRef", File: s.Path,
				Line: ref.Line, Column: ref.Column, Pointer: at,
				Message: fmt.Sprintf("$ref %q points nowhere: %q has no entry %q", ref.Value, "#"+walked, seg),
				Fix:     fix}, false
		}
		walked += "/" + EscapePointer(seg)
		cur = next
	}
	return diag.Diagnostic{}, true
}

func child(n *yaml.Node, seg string) *yaml.Node {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		return mapValue(n, seg)
	case yaml.SequenceNode:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i >= len(n.Content) {
			return nil
		}
		return n.Content[i]
	case yaml.AliasNode:
		return child(n.Alias, seg)
	}
	return nil
}

// EscapePointer escapes one JSON pointer segment (RFC 6901).
func EscapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func splitPointer(p string) []string {
	if p == "" || p == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts
}

// Pointer joins segments into an escaped JSON pointer.
func Pointer(segs ...string) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(EscapePointer(s))
	}
	return b.String()
}

// Position returns the line and column of the deepest node along ptr (an
// OpenAPI 3 pointer; for converted Swagger files it is mapped back to the 2.0
// layout first). Unknown pointers fall back to their nearest ancestor.
func (s *Spec) Position(ptr string) (line, col int) {
	if s == nil || s.root == nil {
		return 0, 0
	}
	if s.Swagger {
		ptr = toSwaggerPointer(ptr)
	}
	cur := s.root
	line, col = cur.Line, cur.Column
	for _, seg := range splitPointer(ptr) {
		next := child(cur, seg)
		if next == nil {
			break
		}
		// Point at the key of a mapping entry ("Node:"), which is the line a
		// reader looks for, rather than at its value's first line.
		if k := keyNode(cur, seg); k != nil {
			line, col = k.Line, k.Column
		} else {
			line, col = next.Line, next.Column
		}
		cur = next
	}
	return line, col
}

func keyNode(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// Locate fills in the line and column of a diagnostic from its pointer.
func (s *Spec) Locate(d diag.Diagnostic) diag.Diagnostic {
	if s == nil {
		return d
	}
	if d.File == "" {
		d.File = s.Path
	}
	if d.Line == 0 && d.Pointer != "" && d.File == s.Path {
		d.Line, d.Column = s.Position(d.Pointer)
	}
	return d
}

var swaggerPtr = []struct{ from, to string }{
	{"/components/schemas/", "/definitions/"},
	{"/components/parameters/", "/parameters/"},
	{"/components/responses/", "/responses/"},
	{"/components/securitySchemes/", "/securityDefinitions/"},
}

func toSwaggerPointer(p string) string {
	for _, m := range swaggerPtr {
		if strings.HasPrefix(p, m.from) {
			return m.to + strings.TrimPrefix(p, m.from)
		}
	}
	// Request bodies and response contents have no counterpart in 2.0; the
	// operation (or the response) is the nearest meaningful place.
	if i := strings.Index(p, "/requestBody"); i >= 0 {
		return p[:i] + "/parameters"
	}
	if i := strings.Index(p, "/content/"); i >= 0 {
		rest := p[i+len("/content/"):]
		if j := strings.Index(rest, "/"); j >= 0 {
			return p[:i] + rest[j:]
		}
		return p[:i]
	}
	return p
}

// KeyOrder returns the keys of the mapping at ptr in source order (nil when
// the pointer does not lead to a mapping). kin-openapi keeps properties in
// maps; this restores the order the spec author chose, which is the order
// users see the fields in.
func (s *Spec) KeyOrder(ptr string) []string {
	if s == nil || s.root == nil {
		return nil
	}
	if s.Swagger {
		ptr = toSwaggerPointer(ptr)
	}
	cur := s.root
	for _, seg := range splitPointer(ptr) {
		cur = child(cur, seg)
		if cur == nil {
			return nil
		}
	}
	return mapKeys(cur)
}
