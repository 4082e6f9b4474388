package build

import (
	"fmt"
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

// successResponse picks the response an action turns into output: the
// lowest 2xx status that has content, else the lowest 2xx.
func successResponse(o *operation) (string, *openapi3.Response) {
	if o.op.Responses == nil {
		return "", nil
	}
	var codes []string
	for k, v := range o.op.Responses.Map() {
		if v == nil || v.Value == nil {
			continue
		}
		if (len(k) == 3 && k[0] == '2') || strings.EqualFold(k, "2XX") {
			codes = append(codes, k)
		}
	}
	sort.Strings(codes)
	for _, k := range codes {
		if r := o.op.Responses.Value(k).Value; len(r.Content) > 0 {
			return k, r
		}
	}
	if len(codes) > 0 {
		return codes[0], o.op.Responses.Value(codes[0]).Value
	}
	if d := o.op.Responses.Default(); d != nil && d.Value != nil {
		return "default", d.Value
	}
	return "", nil
}

// output decides the action's output: fields, the Ruby expression that builds
// it from the response, and the sample.
// It returns the envelope key holding the items when the output is a list
// (so pagination can be added), else "".
func (b *builder) output(a *ir.Action, o *operation, ca *config.Action, req *ir.Request) string {
	return b.outputVar(a, o, ca, req, "response")
}

// outputVar is output over a response held in the Ruby variable v.
func (b *builder) outputVar(a *ir.Action, o *operation, ca *config.Action, req *ir.Request, v string) string {
	code, resp := successResponse(o)
	if resp == nil || len(resp.Content) == 0 {
		a.Output = ir.Code(v)
		a.SampleOutput = "{}"
		return ""
	}
	rptr := o.ptr + "/responses/" + code
	if ref := o.op.Responses.Value(code).Ref; ref != "" {
		if name := refName(ref, "#/components/responses/"); name != "" {
			rptr = specload.Pointer("components", "responses", name)
		}
	}
	mt, media := pickResponseMedia(resp.Content)
	if !isJSONMedia(mt) {
		// Files and other bodies come back raw with their name and type.
		req.RawResponse = true
		b.out.Helpers["file_name_from_disposition"] = true
		a.OutputFields = []*ir.Field{
			{Name: "content", APIName: "content", Label: "Content", Type: "string", Optional: true, Hint: "The file's bytes; map it into an upload step."},
			{Name: "file_name", APIName: "file_name", Label: "File name", Type: "string", Optional: true},
			{Name: "content_type", APIName: "content_type", Label: "Content type", Type: "string", Optional: true},
			{Name: "size", APIName: "size", Label: "Size in bytes", Type: "integer", Optional: true},
		}
		a.Output = ir.Code(v)
		a.SampleOutput = ir.Code(rubyLiteral(map[string]any{"content": "<file content>", "file_name": "report.pdf", "content_type": firstNonEmpty(mt, "application/octet-stream"), "size": 1024.0}, "  "))
		return ""
	}
	mptr := rptr + "/content/" + specload.EscapePointer(mt)
	top := b.resolve(media.Schema, mptr+"/schema")
	example, hasExample := b.mediaExample(media, top, mptr)

	dataKey := ""
	if b.envelopeData != "" && hasProp(top, b.envelopeData) && (!b.autoEnvelope || envelopeOnly(top, b.envelopeData, b.envelopeMeta)) {
		dataKey = b.envelopeData
	}
	if dataKey == "" {
		b.outputUnwrapped(a, top, example, hasExample, v)
		return ""
	}
	var data *node
	var metaProp *prop
	for i, p := range top.props {
		if p.name == dataKey {
			data = b.resolve(p.ref, p.ptr)
		}
		if p.name == b.envelopeMeta {
			metaProp = &top.props[i]
		}
	}
	var dataExample any
	if hasExample {
		if m, ok := example.(map[string]any); ok {
			dataExample = m[dataKey]
		}
	}
	dk := rubylit.Quote(dataKey)
	switch {
	case data.is("array"):
		item := b.resolve(data.items, data.itemsPtr)
		listKey := ""
		if ca.Output != nil {
			listKey = ca.Output.ListKey
		}
		var listField *ir.Field
		if len(item.props) > 0 || item.is("object") {
			listField = b.field(dataKey, data, false, output, nil)
			if listKey == "" {
				switch {
				case listField.PropertiesRef != "":
					listKey = naming.Plural(listField.PropertiesRef)
				case item.ref != "":
					listKey = naming.Plural(naming.Snake(item.ref))
				default:
					listKey = "items"
				}
			}
		} else {
			listField = b.field(dataKey, data, false, output, nil)
			if listKey == "" {
				listKey = "items"
			}
		}
		listField.Name = ir.Text(listKey)
		listField.Label = ir.Text(b.gloss.Apply(naming.Label(listKey)))
		fields := []*ir.Field{listField}
		pairs := []string{fmt.Sprintf("%s => %s", rubylit.Quote(listKey), b.reshapeOut(fmt.Sprintf("%s[%s]", v, dk), []*ir.Field{listField}))}
		var metaExample any
		if metaProp != nil {
			mn := b.resolve(metaProp.ref, metaProp.ptr)
			mf := b.field(b.envelopeMeta, mn, false, output, nil)
			mf.Name = ir.Text(naming.FieldName(b.envelopeMeta))
			fields = append(fields, mf)
			pairs = append(pairs, fmt.Sprintf("%s => %s[%s]", rubylit.Quote(string(mf.Name)), v, rubylit.Quote(b.envelopeMeta)))
			if m, ok := example.(map[string]any); ok && hasExample {
				metaExample = m[b.envelopeMeta]
			} else {
				metaExample, _ = b.synth(mn, 0)
			}
		}
		a.OutputFields = fields
		a.Output = ir.Code("{\n  " + strings.Join(pairs, ",\n  ") + "\n}")
		items := dataExample
		if items == nil {
			if s, ok := b.synth(item, 0); ok {
				items = []any{s}
			} else {
				items = []any{}
			}
		}
		sample := map[string]any{listKey: b.renameSample(items, listField)}
		if metaProp != nil && metaExample != nil {
			sample[string(fields[1].Name)] = metaExample
		}
		a.SampleOutput = ir.Code(rubyLiteral(sample, ""))
		return dataKey
	case data.is("object") || (len(data.types) == 0 && len(data.props) > 0):
		f := b.field(dataKey, data, false, output, nil)
		if f.PropertiesRef != "" && (ca.Output == nil || ca.Output.ObjectDefinition == "") {
			a.OutputRef = f.PropertiesRef
		} else if ca.Output != nil && ca.Output.ObjectDefinition != "" {
			a.OutputRef = ca.Output.ObjectDefinition
		} else {
			a.OutputFields = f.Properties
		}
		props := f.Properties
		if f.PropertiesRef != "" {
			props = b.defs[f.PropertiesRef].Fields
		}
		expr := fmt.Sprintf("%s[%s]", v, dk)
		if shape := b.outputShape(props); shape != "" {
			b.out.Helpers["reshape"] = true
			b.out.Helpers["coerce_list"] = true
			b.out.Helpers["parse_json_input"] = true
			expr = fmt.Sprintf("call(:reshape, %s, %s)", expr, shape)
		}
		a.Output = ir.Code(expr + " || {}")
		if dataExample == nil {
			dataExample, _ = b.synth(data, 0)
		}
		if dataExample == nil {
			dataExample = map[string]any{}
		}
		a.SampleOutput = ir.Code(rubyLiteral(b.renameSampleObject(dataExample, props), ""))
	default:
		f := b.field("result", data, false, output, nil)
		a.OutputFields = []*ir.Field{f}
		a.Output = ir.Code(fmt.Sprintf("{ 'result' => %s[%s] }", v, dk))
		if dataExample == nil {
			dataExample, _ = b.synth(data, 0)
		}
		a.SampleOutput = ir.Code(rubyLiteral(map[string]any{"result": dataExample}, ""))
	}
	return ""
}

// outputUnwrapped handles responses without an envelope.
func (b *builder) outputUnwrapped(a *ir.Action, top *node, example any, hasExample bool, v string) {
	switch {
	case top.is("array"):
		f := b.field("items", top, false, output, nil)
		a.OutputFields = []*ir.Field{f}
		// A request is a lazy proxy that is not an Array until forced: force
		// it with to_a before reshaping (reshape checks is_a?(Array)).
		items := b.reshapeOut(v+".to_a", []*ir.Field{f})
		if items == v+".to_a" {
			items = v
		}
		a.Output = ir.Code(fmt.Sprintf("{ 'items' => %s }", items))
		if !hasExample {
			item := b.resolve(top.items, top.itemsPtr)
			if s, ok := b.synth(item, 0); ok {
				example = []any{s}
			}
		}
		a.SampleOutput = ir.Code(rubyLiteral(map[string]any{"items": nonNil(example, []any{})}, ""))
	case top.is("object") || len(top.props) > 0:
		f := b.field("response", top, false, output, nil)
		props := f.Properties
		if f.PropertiesRef != "" {
			a.OutputRef = f.PropertiesRef
			props = b.defs[f.PropertiesRef].Fields
		} else {
			a.OutputFields = f.Properties
		}
		expr := v
		if shape := b.outputShape(props); shape != "" {
			b.out.Helpers["reshape"] = true
			b.out.Helpers["coerce_list"] = true
			b.out.Helpers["parse_json_input"] = true
			// force the lazy request (to_h) before reshape inspects its class
			expr = fmt.Sprintf("call(:reshape, %s.to_h, %s)", v, shape)
		}
		a.Output = ir.Code(expr)
		if !hasExample {
			example, _ = b.synth(top, 0)
		}
		a.SampleOutput = ir.Code(rubyLiteral(b.renameSampleObject(nonNil(example, map[string]any{}), props), ""))
	default:
		a.OutputFields = []*ir.Field{{Name: "result", APIName: "result", Label: "Result", Type: workatoScalar(top), Optional: true}}
		a.Output = ir.Code(fmt.Sprintf("{ 'result' => %s }", v))
		a.SampleOutput = ir.Code(rubyLiteral(map[string]any{"result": example}, ""))
	}
}

func nonNil(v, def any) any {
	if v == nil {
		return def
	}
	return v
}

// reshapeOut wraps an expression so renamed output fields get their names.
func (b *builder) reshapeOut(expr string, fields []*ir.Field) string {
	f := fields[0]
	props := f.Properties
	if f.PropertiesRef != "" {
		props = b.defs[f.PropertiesRef].Fields
	}
	shape := b.outputShape(props)
	if shape == "" {
		return expr
	}
	b.out.Helpers["reshape"] = true
	b.out.Helpers["coerce_list"] = true
	b.out.Helpers["parse_json_input"] = true
	return fmt.Sprintf("call(:reshape, %s, %s)", expr, shape)
}

func hasProp(n *node, name string) bool {
	for _, p := range n.props {
		if p.name == name {
			return true
		}
	}
	return false
}

// envelopeOnly is the auto-detection rule: an object whose properties are
// only the data key and envelope companions is an envelope.
func envelopeOnly(n *node, data, meta string) bool {
	for _, p := range n.props {
		switch p.name {
		case data, meta, "links", "included", "errors", "message", "success", "status":
		default:
			return false
		}
	}
	return true
}

func pickResponseMedia(c openapi3.Content) (string, *openapi3.MediaType) {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(k, ";")[0]))
		if isJSONMedia(mt) {
			return mt, c[k]
		}
	}
	for _, k := range keys {
		if mt := strings.ToLower(strings.TrimSpace(strings.Split(k, ";")[0])); isWildcardMedia(mt) {
			return "application/json", c[k]
		}
	}
	if len(keys) > 0 {
		return strings.ToLower(strings.TrimSpace(strings.Split(keys[0], ";")[0])), c[keys[0]]
	}
	return "", nil
}

// mediaExample finds a documented example of a response body, validated
// against its schema. Invalid examples are reported and not used: a sample
// output that contradicts the output fields would mislead recipe builders.
func (b *builder) mediaExample(media *openapi3.MediaType, top *node, ptr string) (any, bool) {
	var ex any
	var exPtr string
	switch {
	case media.Example != nil:
		ex, exPtr = media.Example, ptr+"/example"
	case len(media.Examples) > 0:
		keys := make([]string, 0, len(media.Examples))
		for k := range media.Examples {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if e := media.Examples[keys[0]]; e != nil && e.Value != nil {
			ex, exPtr = e.Value.Value, ptr+"/examples/"+specload.EscapePointer(keys[0])
		}
	case top.hasExample:
		ex, exPtr = top.example, top.ptr+"/example"
	}
	if ex == nil {
		return nil, false
	}
	if media.Schema != nil && media.Schema.Value != nil {
		if err := media.Schema.Value.VisitJSON(ex, openapi3.MultiErrors()); err != nil {
			b.warn("Spec/InvalidExample", exPtr, "fix the example so it matches its schema; the sample output is built from property examples meanwhile",
				"example does not match its schema: %s", firstLine(err.Error()))
			return nil, false
		}
	}
	return ex, true
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// synth builds a sample from examples on the schema and its properties. It
// never invents values: properties without an example are left out.
func (b *builder) synth(n *node, depth int) (any, bool) {
	if depth > 8 {
		return nil, false
	}
	if n.hasExample {
		if n.raw != nil {
			if err := n.raw.VisitJSON(n.example, openapi3.MultiErrors()); err != nil {
				key := n.ptr
				if !b.badExample[key] {
					b.badExample[key] = true
					b.warn("Spec/InvalidExample", n.ptr+"/example", "fix the example so it matches its schema",
						"example does not match its schema: %s", firstLine(err.Error()))
				}
				goto derive
			}
		}
		return n.example, true
	}
derive:
	switch {
	case n.is("object") || len(n.props) > 0:
		out := map[string]any{}
		for _, p := range n.props {
			pn := b.resolve(p.ref, p.ptr)
			if pn.writeOnly {
				continue
			}
			if v, ok := b.synth(pn, depth+1); ok {
				out[p.name] = v
			}
		}
		if len(out) == 0 {
			return nil, false
		}
		return out, true
	case n.is("array"):
		if v, ok := b.synth(b.resolve(n.items, n.itemsPtr), depth+1); ok {
			return []any{v}, true
		}
	case len(n.enum) > 0:
		return n.enum[0], true
	}
	return nil, false
}

// renameSample applies output field renames to a sample list.
func (b *builder) renameSample(v any, f *ir.Field) any {
	props := f.Properties
	if f.PropertiesRef != "" {
		props = b.defs[f.PropertiesRef].Fields
	}
	if list, ok := v.([]any); ok {
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = b.renameSampleObject(e, props)
		}
		return out
	}
	return b.renameSampleObject(v, props)
}

func (b *builder) renameSampleObject(v any, props []*ir.Field) any {
	m, ok := v.(map[string]any)
	if !ok || len(props) == 0 {
		return v
	}
	out := map[string]any{}
	for k, val := range m {
		out[k] = val
	}
	for _, f := range props {
		val, ok := m[f.APIName]
		if !ok {
			continue
		}
		delete(out, f.APIName)
		if f.Type == "object" || f.Type == "array" {
			val = b.renameSample(val, f)
		}
		out[string(f.Name)] = val
	}
	return out
}

// buildTest picks the request the connection test sends: the config's
// operation, else a cheap "who am I" GET that needs no input.
func (b *builder) buildTest() {
	var o *operation
	if t := b.cfg().Test; t != nil && t.Operation != "" {
		o = b.resolveConfigOp(t.Operation, "/test/operation")
		if o == nil {
			return
		}
	} else {
		o = b.guessTestOp()
	}
	if o == nil {
		b.warn("Connection/NoTest", "/paths", "add `test: {operation: <a GET that needs no input>}` to connector.yaml",
			"no GET operation without required inputs was found for the connection test: the test only checks that a request to the base URI succeeds")
		b.out.Test = &ir.Request{Verb: "get", Path: "''", Title: "Connection test", ErrorMatchers: "400, 401, 403, 404, 429, 500, 502, 503, 504"}
		return
	}
	namer := naming.NewNamer()
	path, sources, ok := b.pathExpr(o, namer, map[string]bool{}, nil)
	if !ok {
		return
	}
	if len(sources) > 0 {
		b.cfgOrSpecErr(o, "the connection test must not need action inputs: pick an operation whose path parameters are all bound to connection fields")
		return
	}
	for _, p := range o.params {
		if p.Required && p.In != "path" {
			b.cfgOrSpecErr(o, fmt.Sprintf("the connection test cannot send required %s parameter %q: pick an operation without required inputs", p.In, p.Name))
			return
		}
	}
	// The test is not an action: Workato never retries it, so every error
	// status gets the readable message.
	b.out.Test = &ir.Request{Verb: strings.ToLower(o.method), Path: path, Title: "Connection test", ErrorMatchers: b.errorMatchersFor(o, false)}
}

func (b *builder) cfgOrSpecErr(o *operation, msg string) {
	if b.in.Config != nil && b.cfg().Test != nil {
		b.cfgDiag(diag.Error, "Config/BadTestOperation", "/test/operation", "pick another operation, e.g. GET /me", "%s: %s", o.label(), msg)
		return
	}
	b.errorf("Spec/BadTestOperation", o.ptr, "add `test: {operation: ...}` to connector.yaml", "%s: %s", o.label(), msg)
}

var whoAmI = []string{"/me", "/user", "/users/me", "/account", "/whoami", "/self", "/profile", "/ping", "/health", "/status"}

func (b *builder) guessTestOp() *operation {
	usable := func(o *operation) bool {
		if o.method != "GET" {
			return false
		}
		for _, p := range o.params {
			if p.Required && (p.In != "path" || b.bound[p.Name] == "") {
				return false
			}
		}
		return true
	}
	for _, want := range whoAmI {
		for _, o := range b.ops {
			if usable(o) && (o.path == want || strings.HasSuffix(o.path, want)) {
				return o
			}
		}
	}
	var best *operation
	for _, o := range b.ops {
		if usable(o) && (best == nil || len(o.path) < len(best.path)) {
			best = o
		}
	}
	return best
}

// setupErrors fills the error policy the shared error method reads.
func (b *builder) setupErrors() {
	e := b.cfg().Errors
	paths := []string{"message", "error.message", "error_description", "error", "detail", "title"}
	fieldPath := "errors"
	hints := map[int]string{
		401: "Check the credentials in the connection.",
		403: "The connected account is not allowed to do this.",
		404: "Check the IDs given to this step.",
		422: "Fix the fields listed above.",
		429: "The API's rate limit was reached.",
	}
	if e != nil {
		if len(e.MessagePaths) > 0 {
			paths = e.MessagePaths
		}
		if e.FieldErrorsPath != "" {
			fieldPath = e.FieldErrorsPath
		}
		for c, h := range e.Hints {
			hints[c] = h
		}
	}
	for _, p := range paths {
		b.out.Errors.MessagePaths = append(b.out.Errors.MessagePaths, ir.Text(p))
	}
	b.out.Errors.FieldErrorsPath = ir.Text(fieldPath)
	codes := make([]int, 0, len(hints))
	for c := range hints {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		b.out.Errors.Hints = append(b.out.Errors.Hints, ir.CodeHint{Code: c, Hint: ir.Text(hints[c])})
	}
}
