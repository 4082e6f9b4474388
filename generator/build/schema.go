package build

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/naming"
	"github.com/workatogen/workatogen/generator/rubylit"
	"github.com/workatogen/workatogen/generator/specload"
)

// direction says which side of an action a schema describes. Inputs drop
// readOnly properties and are expanded inline; outputs drop writeOnly ones and
// share component schemas through object definitions.
type direction int

const (
	input direction = iota
	output
)

// node is a schema after $ref resolution and allOf merging: what the field
// builder needs, with the JSON pointer of each part for diagnostics.
type node struct {
	ref        string // component schema name when reached through a $ref
	ptr        string
	at         string // where the reference to this schema sits
	types      []string
	format     string
	desc       string
	example    any
	hasExample bool
	enum       []any
	defaultV   any
	nullable   bool
	readOnly   bool
	writeOnly  bool
	deprecated bool
	props      []prop
	required   map[string]bool
	items      *openapi3.SchemaRef
	itemsPtr   string
	// freeform is true for objects whose keys are data (additionalProperties)
	// or which declare no properties at all.
	freeform bool
	// union notes a oneOf/anyOf the node was made from.
	union string
	// owner names what the node belongs to (its component schema or
	// parameter), for naming the pick list of an enum.
	owner string
	raw   *openapi3.Schema
}

type prop struct {
	name string
	ref  *openapi3.SchemaRef
	ptr  string
}

func (n *node) is(t string) bool {
	for _, x := range n.types {
		if x == t {
			return true
		}
	}
	return false
}

func (n *node) primary() string {
	for _, t := range n.types {
		if t != "null" {
			return t
		}
	}
	return ""
}

// componentName returns the component schema name of a $ref, if it is one.
func componentName(ref string) string {
	const p = "#/components/schemas/"
	if strings.HasPrefix(ref, p) {
		return strings.ReplaceAll(strings.ReplaceAll(strings.TrimPrefix(ref, p), "~1", "/"), "~0", "~")
	}
	return ""
}

// resolve builds the node for a schema reference. ptr is where the reference
// itself sits in the spec.
func (b *builder) resolve(sr *openapi3.SchemaRef, ptr string) *node {
	n := &node{ptr: ptr, at: ptr, required: map[string]bool{}}
	if sr == nil || sr.Value == nil {
		return n
	}
	if name := componentName(sr.Ref); name != "" {
		n.ref = name
		n.ptr = specload.Pointer("components", "schemas", name)
	}
	b.merge(n, sr.Value, n.ptr, 0)
	return n
}

// merge folds a schema (and its allOf parts) into n. allOf is flattened:
// Workato field lists have no inheritance, and a documented flattening is
// what engineers expect (anchors.md A.9). A property defined twice with
// different types is reported.
func (b *builder) merge(n *node, s *openapi3.Schema, ptr string, depth int) {
	if depth > 32 {
		return
	}
	if n.raw == nil {
		n.raw = s
	}
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			if !n.is(t) {
				n.types = append(n.types, t)
			}
		}
	}
	if n.format == "" {
		n.format = s.Format
	}
	if n.desc == "" {
		n.desc = s.Description
	}
	if !n.hasExample && s.Example != nil {
		n.example, n.hasExample = s.Example, true
	}
	if !n.hasExample && len(s.Examples) > 0 {
		n.example, n.hasExample = s.Examples[0], true
	}
	if len(n.enum) == 0 {
		n.enum = s.Enum
	}
	if n.defaultV == nil {
		n.defaultV = s.Default
	}
	n.nullable = n.nullable || s.Nullable
	n.readOnly = n.readOnly || s.ReadOnly
	n.writeOnly = n.writeOnly || s.WriteOnly
	n.deprecated = n.deprecated || s.Deprecated
	for _, r := range s.Required {
		n.required[r] = true
	}
	for i, part := range s.AllOf {
		if part == nil || part.Value == nil {
			continue
		}
		pp := fmt.Sprintf("%s/allOf/%d", ptr, i)
		if name := componentName(part.Ref); name != "" {
			pp = specload.Pointer("components", "schemas", name)
		}
		b.merge(n, part.Value, pp, depth+1)
	}
	b.mergeProps(n, s, ptr)
	if s.Items != nil && n.items == nil {
		n.items, n.itemsPtr = s.Items, ptr+"/items"
	}
	if ap := s.AdditionalProperties; (ap.Has != nil && *ap.Has) || ap.Schema != nil {
		n.freeform = true
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		b.mergeUnion(n, s, ptr, depth)
	}
}

func (b *builder) mergeProps(n *node, s *openapi3.Schema, ptr string) {
	if len(s.Properties) == 0 {
		return
	}
	// Keep the order the spec author wrote: it is the order users see.
	order := b.spec.KeyOrder(ptr + "/properties")
	names := make([]string, 0, len(s.Properties))
	seen := map[string]bool{}
	for _, k := range order {
		if _, ok := s.Properties[k]; ok && !seen[k] {
			names = append(names, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range s.Properties {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	names = append(names, rest...)
	for _, k := range names {
		pr := s.Properties[k]
		pp := ptr + "/properties/" + specload.EscapePointer(k)
		dup := false
		for i, existing := range n.props {
			if existing.name == k {
				dup = true
				if t1, t2 := typeOf(existing.ref), typeOf(pr); t1 != "" && t2 != "" && t1 != t2 {
					b.warn("Schema/AllOfConflict", pp, "make both definitions of the property agree (the later one wins)",
						"allOf defines %q twice with different types (%s at %s, %s here)", k, t1, existing.ptr, t2)
				}
				n.props[i] = prop{name: k, ref: pr, ptr: pp}
			}
		}
		if !dup {
			n.props = append(n.props, prop{name: k, ref: pr, ptr: pp})
		}
	}
}

func typeOf(sr *openapi3.SchemaRef) string {
	if sr == nil || sr.Value == nil || sr.Value.Type == nil {
		return ""
	}
	return strings.Join(sr.Value.Type.Slice(), "|")
}

// mergeUnion applies the documented oneOf/anyOf rule:
//   - [T, null] is T, nullable;
//   - variants that are all objects become the union of their properties
//     (all optional) — a note, since nothing is lost for reading output;
//   - variants that are all the same primitive type become that type;
//   - anything else cannot be expressed as Workato fields: the value is
//     passed as JSON text (input) or untyped (output), with a warning.
func (b *builder) mergeUnion(n *node, s *openapi3.Schema, ptr string, depth int) {
	variants := s.OneOf
	kw := "oneOf"
	if len(variants) == 0 {
		variants, kw = s.AnyOf, "anyOf"
	}
	var parts []*node
	for i, v := range variants {
		vp := fmt.Sprintf("%s/%s/%d", ptr, kw, i)
		if name := componentName(v.Ref); name != "" {
			vp = specload.Pointer("components", "schemas", name)
		}
		pn := &node{ptr: vp, required: map[string]bool{}}
		if v.Value != nil {
			b.merge(pn, v.Value, vp, depth+1)
		}
		if len(pn.types) == 0 && len(pn.props) > 0 {
			pn.types = []string{"object"}
		}
		if len(pn.types) == 1 && pn.types[0] == "null" {
			n.nullable = true
			continue
		}
		parts = append(parts, pn)
	}
	if len(parts) == 0 {
		return
	}
	kinds := map[string]bool{}
	for _, p := range parts {
		kinds[p.primary()] = true
	}
	switch {
	case len(parts) == 1:
		one := parts[0]
		n.types = append(n.types, one.types...)
		n.props = append(n.props, one.props...)
		if n.items == nil {
			n.items, n.itemsPtr = one.items, one.itemsPtr
		}
		for k := range one.required {
			n.required[k] = true
		}
		if n.format == "" {
			n.format = one.format
		}
	case len(kinds) == 1 && kinds["object"]:
		n.types = []string{"object"}
		have := map[string]bool{}
		for _, p := range n.props {
			have[p.name] = true
		}
		for _, p := range parts {
			for _, pr := range p.props {
				if !have[pr.name] {
					n.props = append(n.props, pr)
					have[pr.name] = true
				}
			}
		}
		n.union = kw + " of objects: fields of every variant are offered, all optional"
		b.note("Schema/UnionOfObjects", ptr, "", "%s of %d object schemas becomes one object with the fields of all of them, all optional", kw, len(parts))
	case len(kinds) == 1 && !kinds[""]:
		for k := range kinds {
			n.types = []string{k}
		}
	default:
		n.types = nil
		n.union = "json"
		b.warn("Schema/UnsupportedUnion", ptr, "add a discriminating type, or split the operation; the value is passed as JSON text meanwhile",
			"%s mixes %s: Workato fields cannot express it", kw, joinKinds(kinds))
	}
}

func joinKinds(m map[string]bool) string {
	var ks []string
	for k := range m {
		if k == "" {
			k = "untyped"
		}
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " and ")
}

// fieldSet converts the properties of an object node into sibling fields.
func (b *builder) fieldSet(n *node, dir direction, stack []string) []*ir.Field {
	namer := naming.NewNamer()
	var out []*ir.Field
	for _, p := range n.props {
		pn := b.resolve(p.ref, p.ptr)
		if n.ref != "" && pn.ref == "" {
			pn.owner = n.ref + " " + p.name
		}
		if dir == input && pn.readOnly {
			continue
		}
		if dir == output && pn.writeOnly {
			continue
		}
		f := b.field(p.name, pn, n.required[p.name], dir, stack)
		f.Name = ir.Text(namer.Claim(string(f.Name)))
		out = append(out, f)
	}
	return out
}

// field converts one named schema into a Workato field.
func (b *builder) field(apiName string, n *node, required bool, dir direction, stack []string) *ir.Field {
	if fn := naming.FieldName(apiName); fn != apiName && !b.renamed[n.at+"\x00"+apiName] {
		b.renamed[n.at+"\x00"+apiName] = true
		b.note("Schema/FieldRenamed", n.at, "", "field %q becomes %q: Workato datapills break on its characters; the connector maps the name back", apiName, fn)
	}
	f := &ir.Field{
		Name:     ir.Text(naming.FieldName(apiName)),
		APIName:  apiName,
		Label:    ir.Text(b.gloss.Apply(naming.Label(apiName))),
		Optional: !required || n.nullable,
	}
	if dir == output {
		f.Optional = true
	}
	f.Hint = ir.Text(b.hint(n, dir))

	var ok bool
	if stack, ok = b.enter(n, stack, apiName); !ok {
		f.Type = "object"
		return f
	}

	switch {
	case n.union == "json":
		b.jsonField(f, dir)
	case n.is("object") || (len(n.types) == 0 && len(n.props) > 0):
		b.objectField(f, n, dir, stack)
	case n.is("array"):
		b.arrayField(f, n, dir, stack)
	case n.is("integer"), n.is("number"), n.is("boolean"), n.is("string"):
		b.scalarField(f, n, dir)
	default:
		// No type at all: any JSON value. Text in, as-is out.
		if dir == input {
			b.jsonField(f, dir)
			f.Hint = ir.Text(joinSentences(string(f.Hint), "Plain text is sent as text; text starting with { or [ is sent as JSON."))
		} else {
			f.Type = "string"
		}
	}
	return f
}

func (b *builder) objectField(f *ir.Field, n *node, dir direction, stack []string) {
	f.Type = "object"
	if len(n.props) == 0 {
		// Keys are data (a map) or unknown: Workato fields cannot list them.
		if dir == input {
			b.jsonField(f, dir)
			if n.hasExample {
				f.Hint = ir.Text(joinSentences(string(f.Hint), "Example: "+compactJSON(n.example)))
			}
		}
		return
	}
	if dir == output && n.ref != "" && !n.freeform {
		// stack already ends with n.ref (field() entered it)
		f.PropertiesRef = b.objectDef(n, stack[:len(stack)-1])
		return
	}
	f.Properties = b.fieldSet(n, dir, stack)
}

func (b *builder) arrayField(f *ir.Field, n *node, dir direction, stack []string) {
	f.Type = "array"
	item := b.resolve(n.items, n.itemsPtr)
	switch {
	case n.items == nil:
		f.Of = "string"
		if dir == input {
			b.jsonField(f, dir)
		}
	case item.is("object") || (len(item.types) == 0 && len(item.props) > 0):
		f.Of = "object"
		if len(item.props) == 0 {
			if dir == input {
				b.jsonField(f, dir)
			}
			return
		}
		inner, ok := b.enter(item, stack, f.APIName)
		if !ok {
			return
		}
		if dir == output && item.ref != "" && !item.freeform {
			f.PropertiesRef = b.objectDef(item, stack)
			return
		}
		f.Properties = b.fieldSet(item, dir, inner)
	case item.is("array") || item.union == "json" || len(item.types) == 0:
		f.Of = "string"
		if dir == input {
			b.jsonField(f, dir)
		}
	default:
		f.Of = workatoScalar(item)
		if len(item.enum) > 0 && dir == input {
			f.Hint = ir.Text(joinSentences(string(f.Hint), "Each item is one of: "+enumList(item.enum)+"."))
		}
	}
}

// enter pushes a component schema onto the expansion stack. Reaching a
// component that is already being expanded is a cycle: Workato object
// definitions cannot recurse (the SDK raises CircleReferenceObjectDefinitionError),
// so it is an error unless the config allows cutting it.
func (b *builder) enter(n *node, stack []string, apiName string) ([]string, bool) {
	if n.ref == "" {
		return stack, true
	}
	for i, s := range stack {
		if s != n.ref {
			continue
		}
		chain := strings.Join(append(append([]string{}, stack[i:]...), n.ref), " → ")
		if b.cfgSchemas().CutCycles {
			b.note("Schema/CycleCut", n.at, "", "schema cycle %s cut at %q: the field is an untyped object", chain, apiName)
		} else {
			b.errorf("Schema/Cycle", n.at,
				"Workato object definitions cannot refer to themselves; set `schemas: {cut_cycles: true}` in connector.yaml to make the repeating property an untyped object, or remove the self-reference",
				"schema %s refers to itself (%s)", n.ref, chain)
		}
		return stack, false
	}
	return append(append([]string{}, stack...), n.ref), true
}

func workatoScalar(n *node) string {
	switch n.primary() {
	case "integer":
		return "integer"
	case "number":
		return "number"
	case "boolean":
		return "boolean"
	case "string":
		switch n.format {
		case "date-time":
			return "date_time"
		case "date":
			return "date"
		}
	}
	return "string"
}

func (b *builder) scalarField(f *ir.Field, n *node, dir direction) {
	f.Type = workatoScalar(n)
	if dir == output {
		return
	}
	switch f.Type {
	case "integer":
		f.ControlType = "integer"
		f.ConvertInput = "integer_conversion"
	case "number":
		f.ControlType = "number"
		f.ConvertInput = "float_conversion"
	case "boolean":
		f.ControlType = "checkbox"
		f.ConvertInput = "boolean_conversion"
		f.ToggleHint = "Select from list"
		f.ToggleField = &ir.Field{Name: f.Name, APIName: f.APIName, Label: f.Label, Type: "string", ControlType: "text",
			Optional: f.Optional, ToggleHint: "Use custom value", ConvertInput: "boolean_conversion",
			Hint: "Accepted values are true or false."}
	case "date_time":
		f.ControlType = "date_time"
		f.ConvertInput = "render_iso8601_timestamp"
	case "date":
		f.ControlType = "date"
		f.ConvertInput = "render_iso8601_date"
	default:
		switch n.format {
		case "email":
			f.ControlType = "email"
		case "uri", "url":
			f.ControlType = "url"
		case "binary":
			f.Hint = ir.Text(joinSentences(string(f.Hint), "Map the file content datapill."))
		}
		if f.ControlType == "" {
			f.ControlType = "text"
		}
	}
	if len(n.enum) > 0 {
		b.enumField(f, n)
	}
}

// enumField turns an enum into a select over a static pick list, with a text
// toggle so recipe builders can still map a datapill.
func (b *builder) enumField(f *ir.Field, n *node) {
	var opts [][2]ir.Text
	for _, v := range n.enum {
		if v == nil {
			continue
		}
		s := fmt.Sprint(v)
		opts = append(opts, [2]ir.Text{ir.Text(b.gloss.Apply(naming.Sentence(strings.ReplaceAll(s, "_", " ")))), ir.Text(s)})
	}
	if len(opts) == 0 {
		return
	}
	name := b.staticPickList(string(f.Name), n, opts)
	toggle := &ir.Field{Name: f.Name, APIName: f.APIName, Label: f.Label, Type: "string", ControlType: "text",
		Optional: f.Optional, ToggleHint: "Use custom value", ConvertInput: f.ConvertInput,
		Hint: ir.Text("Allowed values: " + enumList(n.enum) + ".")}
	if f.Type != "string" {
		toggle.Type = f.Type
	}
	f.ControlType = "select"
	f.PickList = name
	f.ToggleHint = "Select from list"
	f.ToggleField = toggle
}

// staticPickList registers a pick list for an enum. Identical value sets
// share one pick list; names come from the first field that uses them.
func (b *builder) staticPickList(fieldName string, n *node, opts [][2]ir.Text) string {
	var keyParts []string
	for _, o := range opts {
		keyParts = append(keyParts, string(o[1]))
	}
	key := strings.Join(keyParts, "\x00")
	if name, ok := b.enumLists[key]; ok {
		return name
	}
	// Prefer the short name (status_options); qualify it with the owner
	// (run_status_filter_options) only when another enum already took it.
	var candidates []string
	if n.ref != "" {
		candidates = append(candidates, naming.Snake(n.ref)+"_options")
	}
	if f := naming.Snake(fieldName); f != "" {
		candidates = append(candidates, f+"_options")
	}
	if n.owner != "" {
		candidates = append(candidates, naming.Snake(n.owner)+"_options")
	}
	candidates = append(candidates, "values_options")
	name := ""
	for _, c := range candidates {
		if !b.pickNames.Taken(c) {
			name = b.pickNames.Claim(c)
			break
		}
	}
	if name == "" {
		name = b.pickNames.Claim(candidates[0])
	}
	b.enumLists[key] = name
	b.out.PickLists = append(b.out.PickLists, &ir.PickList{Name: name, Options: opts})
	return name
}

// jsonField makes an input that takes JSON text (objects whose keys are
// data, unions, nested arrays): the execute code parses it.
func (b *builder) jsonField(f *ir.Field, dir direction) {
	if dir == output {
		if f.Type == "" {
			f.Type = "object"
		}
		return
	}
	f.Type = "string"
	f.Of = ""
	f.Properties = nil
	f.PropertiesRef = ""
	f.ControlType = "text-area"
	f.Hint = ir.Text(joinSentences(string(f.Hint), "Enter JSON."))
	f.ConvertInput = ""
	b.jsonInputs[f] = true
}

// objectDef returns the name of the object definition for a component schema,
// building it the first time it is needed. stack holds the components being
// expanded around it, to find cycles between definitions.
func (b *builder) objectDef(n *node, stack []string) string {
	if name, ok := b.defNames[n.ref]; ok {
		return name
	}
	name := b.defName(n.ref)
	b.defNames[n.ref] = name
	def := &ir.ObjectDefinition{Name: name, Source: n.ref}
	b.defs[name] = def
	inner := append(append([]string{}, stack...), n.ref)
	def.Fields = b.fieldSet(n, output, inner)
	return name
}

// defName picks the object definition key for a component schema: the
// config's object_definitions mapping first, else snake_case of the name.
func (b *builder) defName(schema string) string {
	for _, k := range sortedKeys(b.cfg().ObjectDefinitions) {
		if b.cfg().ObjectDefinitions[k] == schema {
			return b.defNamer.Claim(k)
		}
	}
	name := naming.Snake(schema)
	if name == "" {
		name = "object"
	}
	return b.defNamer.Claim(name)
}

func enumList(vals []any) string {
	var s []string
	for _, v := range vals {
		if v != nil {
			s = append(s, fmt.Sprint(v))
		}
	}
	return strings.Join(s, ", ")
}

// rubyLiteral renders a JSON value as a Ruby literal (for defaults and sample
// output). Hash keys are strings, as Workato hands them to recipes.
func rubyLiteral(v any, indent string) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case string:
		return rubylit.Quote(x)
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			return fmt.Sprintf("%d", int64(x))
		}
		return fmt.Sprintf("%g", x)
	case int:
		return fmt.Sprintf("%d", x)
	case int64:
		return fmt.Sprintf("%d", x)
	case []any:
		if len(x) == 0 {
			return "[]"
		}
		var parts []string
		for _, e := range x {
			parts = append(parts, indent+"  "+rubyLiteral(e, indent+"  "))
		}
		return "[\n" + strings.Join(parts, ",\n") + "\n" + indent + "]"
	case map[string]any:
		if len(x) == 0 {
			return "{}"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, indent+"  "+rubylit.Quote(k)+" => "+rubyLiteral(x[k], indent+"  "))
		}
		return "{\n" + strings.Join(parts, ",\n") + "\n" + indent + "}"
	}
	return rubylit.Quote(fmt.Sprint(v))
}
