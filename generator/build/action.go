package build

import (
	"fmt"
	"net/url"
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

// buildActions decides which operations become actions and builds them.
func (b *builder) buildActions() {
	c := b.cfg()
	keys := naming.NewNamer()
	used := map[*operation]bool{}
	usedParams := map[string]bool{}

	for _, key := range sortedKeys(c.Actions) {
		ca := c.Actions[key]
		o := b.resolveConfigOp(ca.Operation, "/actions/"+key+"/operation")
		if o == nil {
			continue
		}
		if used[o] {
			b.cfgDiag(diag.Note, "Config/SharedOperation", "/actions/"+key+"/operation", "", "operation %s is used by more than one action", o.label())
		}
		used[o] = true
		keys.Claim(key)
		if a := b.action(key, o, ca, "/actions/"+key, usedParams); a != nil {
			b.out.Actions = append(b.out.Actions, a)
		}
	}

	include := "listed"
	if b.in.Config == nil || len(c.Actions) == 0 {
		include = "all"
	}
	var excludeDeprecated = true
	var excludeTags map[string]bool
	var excludePaths []*regexp.Regexp
	if f := c.Operations; f != nil {
		if f.Include != "" {
			include = f.Include
		}
		if f.ExcludeDeprecated != nil {
			excludeDeprecated = *f.ExcludeDeprecated
		}
		excludeTags = map[string]bool{}
		for _, t := range f.ExcludeTags {
			excludeTags[t] = true
		}
		for _, p := range f.ExcludePaths {
			excludePaths = append(excludePaths, regexp.MustCompile(p))
		}
	}
	if include == "all" {
	ops:
		for _, o := range b.ops {
			if used[o] || skipExt(o.op) {
				continue
			}
			if o.op.Deprecated && excludeDeprecated {
				continue
			}
			for _, t := range o.op.Tags {
				if excludeTags[t] {
					continue ops
				}
			}
			for _, re := range excludePaths {
				if re.MatchString(o.path) {
					continue ops
				}
			}
			key := keys.Claim(b.actionKey(o))
			if a := b.action(key, o, nil, "", usedParams); a != nil {
				b.out.Actions = append(b.out.Actions, a)
			}
		}
	}
	b.checkBindings(usedParams)
	if len(b.out.Actions) == 0 {
		b.warn("Spec/NoActions", "/paths", "check the spec's paths and the config's `actions`", "the connector has no actions")
	}
}

func skipExt(op *openapi3.Operation) bool {
	v, ok := op.Extensions["x-workato-skip"].(bool)
	return ok && v
}

func extString(op *openapi3.Operation, key string) string {
	if s, ok := op.Extensions[key].(string); ok {
		return s
	}
	return ""
}

// actionKey names an action from its operation: x-workato-name, else the
// operationId in snake_case, else method and the path's fixed words.
func (b *builder) actionKey(o *operation) string {
	if n := naming.Snake(extString(o.op, "x-workato-name")); n != "" {
		return n
	}
	if o.id != "" {
		key := naming.Snake(o.id)
		if !identRE.MatchString(o.id) {
			b.note("Spec/OperationIdRenamed", o.ptr+"/operationId", "", "operationId %q is not an identifier: the action is named %q", o.id, key)
		}
		if key != "" {
			return key
		}
	}
	var words []string
	for _, seg := range strings.Split(o.path, "/") {
		if seg == "" || strings.HasPrefix(seg, "{") {
			continue
		}
		words = append(words, seg)
	}
	key := naming.Snake(strings.ToLower(o.method) + " " + strings.Join(words, " "))
	b.note("Spec/MissingOperationId", o.ptr, "add an operationId so the action name does not depend on the path", "%s has no operationId: the action is named %q", o.label(), key)
	return key
}

// inputSource tracks one generated input: where its value goes in the request.
type inputSource struct {
	field *ir.Field
	in    string // path, query, header, body, multipart
	param *openapi3.Parameter
	// fixed is a Ruby literal sent instead of an input (config `value:`).
	fixed string
}

// action builds one action from an operation and its optional config.
func (b *builder) action(key string, o *operation, ca *config.Action, cptr string, usedParams map[string]bool) *ir.Action {
	if ca == nil {
		ca = &config.Action{}
	}
	title := firstNonEmpty(ca.Title, extString(o.op, "x-workato-title"), b.titleFrom(o.op.Summary, o.id))
	if title == "" {
		title = naming.Label(key)
	}
	a := &ir.Action{
		Key:             key,
		Title:           ir.Text(title),
		DisplayPriority: ca.DisplayPriority,
		Deprecated:      o.op.Deprecated,
		Operation:       o.label(),
	}
	sub := firstNonEmpty(ca.Subtitle, extString(o.op, "x-workato-subtitle"))
	if sub == "" {
		sub = firstSentence(b.gloss.Apply(o.op.Description))
		if sub == "" || len(sub) > 160 {
			sub = title + " in " + string(b.out.Title)
		}
	}
	a.Subtitle = ir.Text(sub)
	desc := ca.Description
	if desc == "" {
		desc = describe(title, string(b.out.Title))
	}
	a.Description = ir.Text(desc)
	a.Help = b.help(ca.Help, ca.HelpURL, o, title)

	req := &ir.Request{Verb: strings.ToLower(o.method), Title: ir.Text(title)}
	namer := naming.NewNamer()
	var sources []*inputSource
	overrides := ca.Inputs
	usedOverride := map[string]bool{}

	// path parameters, in the order they appear in the path
	path, pathSources, ok := b.pathExpr(o, namer, usedParams, nil)
	if !ok {
		return nil
	}
	req.Path = path
	sources = append(sources, pathSources...)

	for _, p := range o.params {
		switch p.In {
		case "path":
			continue
		case "cookie":
			b.warn("Operation/CookieParameter", o.ptr, "send the value as a header or query parameter, or set it in connector.yaml auth",
				"%s: cookie parameter %q is not supported by Workato connectors and is left out", o.label(), p.Name)
			continue
		case "header":
			switch strings.ToLower(p.Name) {
			case "authorization", "accept", "content-type", "content-length", "user-agent":
				continue // the runtime and the auth block own these
			}
		}
		if b.skipOverride(overrides, p.Name, usedOverride) {
			continue
		}
		pptr := paramPtr(o, p)
		n := b.resolve(p.Schema, pptr+"/schema")
		if p.Schema == nil {
			n.types = []string{"string"}
		}
		if n.desc == "" {
			n.desc = p.Description
		}
		if name := strings.TrimPrefix(pptr, "/components/parameters/"); name != pptr && n.ref == "" {
			n.owner = name
		} else if n.ref == "" {
			n.owner = key + " " + p.Name
		}
		if p.Deprecated {
			n.deprecated = true
		}
		f := b.field(p.Name, n, p.Required, input, nil)
		f.Name = ir.Text(namer.Claim(string(f.Name), p.In))
		sources = append(sources, &inputSource{field: f, in: p.In, param: p})
	}

	// request body
	bodySources, bodyKind, bodyValue, ok := b.body(o, namer, overrides, usedOverride)
	if !ok {
		return nil
	}
	req.BodyKind = bodyKind
	sources = append(sources, bodySources...)

	// apply input overrides
	known := map[string]bool{}
	for _, s := range sources {
		known[string(s.field.Name)] = true
	}
	for _, s := range sources {
		if ov := overrides[s.field.APIName]; ov != nil {
			usedOverride[s.field.APIName] = true
			applyOverride(s.field, ov)
			if ov.Value != "" {
				s.fixed = fixedLiteral(s.field, ov.Value)
			}
			if ov.PickList != "" {
				b.applyPickList(s.field, ov.PickList, ov.PickListParams, known, cptr+"/inputs/"+s.field.APIName+"/pick_list")
			}
		}
	}

	// dynamic inputs replace the static input of the body property they fill
	var dynamicInto string
	if d := ca.DynamicInputs; d != nil {
		dynamicInto = d.Into
		found := d.Into == ""
		kept := sources[:0]
		for _, s := range sources {
			if (s.in == "body" || s.in == "multipart") && s.field.APIName == d.Into {
				found = true
				continue
			}
			kept = append(kept, s)
		}
		sources = kept
		if !found {
			b.cfgDiag(diag.Error, "Config/DynamicInto", cptr+"/dynamic_inputs/into", "name a top-level property of the request body", "%s has no body property %q", o.label(), d.Into)
		}
		if d.Method == "" || (d.Into != "" && d.Build == "") {
			b.cfgDiag(diag.Error, "Config/MissingField", cptr+"/dynamic_inputs", "give `method:`, and `build:` when `into:` is set", "dynamic_inputs needs method (and build with into)")
		}
		a.DynamicInputs = d.Method
	}
	for _, name := range sortedKeys(overrides) {
		if !usedOverride[name] {
			var known []string
			for _, s := range sources {
				known = append(known, s.field.APIName)
			}
			fix := "use one of: " + strings.Join(known, ", ")
			if near := diag.Closest(name, known); near != "" {
				fix = fmt.Sprintf("did you mean %q?", near)
			}
			b.cfgDiag(diag.Error, "Config/UnknownInput", cptr+"/inputs/"+name, fix, "action %s has no input %q", key, name)
		}
	}

	for _, s := range sources {
		src := fmt.Sprintf("input[%s]", rubylit.Quote(string(s.field.Name)))
		if s.fixed != "" {
			src = s.fixed
		}
		switch s.in {
		case "path":
			// already in the path expression
		case "query":
			b.queryPair(req, s, src)
		case "header":
			req.Headers = append(req.Headers, ir.Pair{Key: ir.Text(s.param.Name), Value: ir.Code(src)})
		case "body":
			req.Body = append(req.Body, ir.Pair{Key: ir.Text(s.field.APIName), Value: ir.Code(b.valueExpr(s.field, src)), Raw: b.jsonInputs[s.field]})
		case "multipart":
			req.Body = append(req.Body, ir.Pair{Key: ir.Text(s.field.APIName), Value: ir.Code(b.multipartValue(s.field, src))})
		case "file_meta":
			// consumed by the file part's expression
		}
		if s.fixed == "" {
			a.InputFields = append(a.InputFields, s.field)
		}
	}
	for i, f := range ca.ExtraInputs {
		field := connField(f)
		field.APIName = "#" + f.Name
		field.Name = ir.Text(namer.Claim(f.Name))
		if f.PickList != "" {
			b.applyPickList(field, f.PickList, nil, known, fmt.Sprintf("%s/extra_inputs/%d/pick_list", cptr, i))
		}
		a.InputFields = append(a.InputFields, field)
	}
	if dynamicInto != "" {
		req.Body = append(req.Body, ir.Pair{Key: ir.Text(dynamicInto), Value: ir.Code(fmt.Sprintf("call(%s, connection, input)", methodRef(ca.DynamicInputs.Build))), Raw: true})
	}
	// config fields are shown first and drive the dynamic inputs
	for _, name := range ca.ConfigFields {
		moved := false
		for i, f := range a.InputFields {
			if f.APIName == name || string(f.Name) == name {
				a.ConfigFields = append(a.ConfigFields, f)
				a.InputFields = append(a.InputFields[:i], a.InputFields[i+1:]...)
				moved = true
				break
			}
		}
		if !moved {
			b.cfgDiag(diag.Error, "Config/UnknownInput", cptr+"/config_fields", "name an input of this action", "config field %q is not an input of %s", name, key)
		}
	}
	if bodyValue != "" {
		req.BodyValue = ir.Code(bodyValue)
	}
	req.ErrorMatchers = b.errorMatchers(o)

	itemsPath := b.output(a, o, ca, req)
	a.Request = req
	if itemsPath != "" {
		b.addPaging(a, o, ca, namer, itemsPath)
	}
	inputsByAPI := map[string]string{}
	for _, f := range append(append([]*ir.Field{}, a.ConfigFields...), a.InputFields...) {
		inputsByAPI[strings.TrimPrefix(f.APIName, "#")] = string(f.Name)
	}
	if ca.Before != nil {
		step, _ := b.stepRequest(ca.Before, cptr+"/before", title, inputsByAPI, usedParams)
		if step != nil {
			step.Request.PayloadVar = "before_payload"
			a.Before = step
		}
	}
	if ca.Then != nil {
		step, so := b.stepRequest(ca.Then, cptr+"/then", title, inputsByAPI, usedParams)
		if step != nil {
			step.Request.PayloadVar = "then_payload"
			step.KeepFirst = ca.Then.Output != "last"
			if !step.KeepFirst {
				tmp := &ir.Action{}
				b.outputVar(tmp, so, &config.Action{}, step.Request, "then_response")
				a.OutputRef, a.OutputFields, a.SampleOutput = tmp.OutputRef, tmp.OutputFields, tmp.SampleOutput
				step.Output = tmp.Output
			}
			a.Then = step
		}
	}
	if b.retry.MaxRetries > 0 {
		// Written on every action: retry_on_request limits it to idempotent
		// methods, so the policy is visible where it applies.
		r := b.retry
		a.Retry = &r
	}
	a.Docs = b.opDocs(o, a)
	return a
}

// methodRef renders a method name for call(): a symbol when possible.
func methodRef(name string) string {
	if identRE.MatchString(name) {
		return ":" + name
	}
	return rubylit.Quote(name)
}

// fixedLiteral renders a config `value:` as a Ruby literal of the field's type.
func fixedLiteral(f *ir.Field, v string) string {
	switch f.Type {
	case "integer", "number":
		if _, err := fmt.Sscanf(v, "%g", new(float64)); err == nil {
			return v
		}
	case "boolean":
		if v == "true" || v == "false" {
			return v
		}
	}
	return rubylit.Quote(v)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func (b *builder) skipOverride(ov map[string]*config.InputOverride, name string, used map[string]bool) bool {
	if o := ov[name]; o != nil && o.Skip {
		used[name] = true
		return true
	}
	return false
}

func applyOverride(f *ir.Field, ov *config.InputOverride) {
	if ov.Label != "" {
		f.Label = ir.Text(ov.Label)
		if f.ToggleField != nil {
			f.ToggleField.Label = f.Label
		}
	}
	if ov.Hint != "" {
		f.Hint = ir.Text(safeHTML(ov.Hint))
	}
	if ov.Optional != nil {
		f.Optional = *ov.Optional
		if f.ToggleField != nil {
			f.ToggleField.Optional = f.Optional
		}
	}
	if ov.Sticky != nil {
		f.Sticky = *ov.Sticky
	}
	if ov.Default != "" {
		f.Default = ir.Code(rubylit.Quote(ov.Default))
	}
}

func paramPtr(o *operation, p *openapi3.Parameter) string {
	for i, pr := range o.op.Parameters {
		if pr != nil && pr.Value == p {
			if name := refName(pr.Ref, "#/components/parameters/"); name != "" {
				return specload.Pointer("components", "parameters", name)
			}
			return fmt.Sprintf("%s/parameters/%d", o.ptr, i)
		}
	}
	for i, pr := range o.item.Parameters {
		if pr != nil && pr.Value == p {
			if name := refName(pr.Ref, "#/components/parameters/"); name != "" {
				return specload.Pointer("components", "parameters", name)
			}
			return fmt.Sprintf("%s/parameters/%d", specload.Pointer("paths", o.path), i)
		}
	}
	return o.ptr
}

func refName(ref, prefix string) string {
	if strings.HasPrefix(ref, prefix) {
		return strings.TrimPrefix(ref, prefix)
	}
	return ""
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

var pathVarRE = regexp.MustCompile(`\{([^{}]+)\}`)

// pathExpr renders the request path as a Ruby string relative to base_uri
// (no leading "/", workato-sdk.md §2.4), with every variable URL-encoded.
// Variables bound to the connection read `connection`; others become
// required inputs.
//
// from, when set, supplies the Ruby expression of an unbound variable
// (pick lists read keyword arguments, steps read the action's inputs) and
// no input field is created for it.
func (b *builder) pathExpr(o *operation, namer *naming.Namer, usedParams map[string]bool, from func(name string) (string, bool)) (ir.Code, []*inputSource, bool) {
	tmpl := o.path
	prefix := ""
	if srv := operationServer(o); srv != "" {
		prefix = strings.TrimSuffix(srv, "/")
	} else {
		tmpl = strings.TrimPrefix(tmpl, "/")
	}
	var sources []*inputSource
	var s strings.Builder
	last := 0
	hasVar := false
	for _, m := range pathVarRE.FindAllStringSubmatchIndex(tmpl, -1) {
		s.WriteString(rubylit.DQBody(escapePathLiteral(tmpl[last:m[0]])))
		name := tmpl[m[2]:m[3]]
		last = m[1]
		hasVar = true
		var param *openapi3.Parameter
		for _, p := range o.params {
			if p.In == "path" && p.Name == name {
				param = p
			}
		}
		if field, ok := b.bound[name]; ok {
			usedParams[name] = true
			s.WriteString(fmt.Sprintf("#{connection[%s].to_s.encode_url}", rubylit.Quote(field)))
			continue
		}
		if from != nil {
			expr, ok := from(name)
			if !ok {
				return "", nil, false
			}
			s.WriteString(fmt.Sprintf("#{%s.to_s.encode_url}", expr))
			continue
		}
		if param == nil {
			b.errorf("Spec/UnboundPathParameter", specload.Pointer("paths", o.path), fmt.Sprintf("declare {%s} under the operation's parameters (in: path), or bind it to a connection field with `connection.path_parameters: {%s: <field>}` in connector.yaml", name, name),
				"%s: path variable {%s} has no parameter and no binding", o.label(), name)
			return "", nil, false
		}
		n := b.resolve(param.Schema, paramPtr(o, param)+"/schema")
		if param.Schema == nil {
			n.types = []string{"string"}
		}
		if n.desc == "" {
			n.desc = param.Description
		}
		f := b.field(name, n, true, input, nil)
		f.Optional = false
		// path values are always strings on the wire: no select/toggle games
		f.Name = ir.Text(namer.Claim(string(f.Name), "path"))
		sources = append(sources, &inputSource{field: f, in: "path", param: param})
		s.WriteString(fmt.Sprintf("#{input[%s].to_s.encode_url}", rubylit.Quote(string(f.Name))))
	}
	s.WriteString(rubylit.DQBody(escapePathLiteral(tmpl[last:])))
	body := rubylit.DQBody(prefix) + s.String()
	if !hasVar {
		return ir.Code(rubylit.Quote(prefix + escapePathLiteral(tmpl))), sources, true
	}
	return ir.Code(`"` + body + `"`), sources, true
}

// escapePathLiteral percent-encodes what Ruby's URI parser rejects in a path.
func escapePathLiteral(s string) string {
	return (&url.URL{Path: s}).EscapedPath()
}

func operationServer(o *operation) string {
	if o.op.Servers != nil && len(*o.op.Servers) > 0 {
		return (*o.op.Servers)[0].URL
	}
	if len(o.item.Servers) > 0 {
		return o.item.Servers[0].URL
	}
	return ""
}

// queryPair places one query input according to its style and explode
// (OpenAPI 3 defaults: form, explode true for arrays → ids=1&ids=2, which
// Workato's .params cannot produce: it writes ids[]=1).
func (b *builder) queryPair(req *ir.Request, s *inputSource, src string) {
	p := s.param
	f := s.field
	style := p.Style
	if style == "" {
		style = "form"
	}
	explode := style == "form"
	if p.Explode != nil {
		explode = *p.Explode
	}
	key := ir.Text(p.Name)
	if f.Type == "array" && !b.jsonInputs[f] {
		switch {
		case style == "form" && explode:
			req.ExplodedQuery = append(req.ExplodedQuery, ir.Pair{Key: key, Value: ir.Code(src)})
			b.out.Helpers["with_query"] = true
		case style == "spaceDelimited":
			req.Query = append(req.Query, ir.Pair{Key: key, Value: ir.Code(fmt.Sprintf("call(:join_list, %s, ' ')", src))})
		case style == "pipeDelimited":
			req.Query = append(req.Query, ir.Pair{Key: key, Value: ir.Code(fmt.Sprintf("call(:join_list, %s, '|')", src))})
		default:
			req.Query = append(req.Query, ir.Pair{Key: key, Value: ir.Code(fmt.Sprintf("call(:join_list, %s, ',')", src))})
		}
		b.out.Helpers["join_list"] = true
		return
	}
	if f.Type == "object" && style == "form" {
		b.warn("Operation/ObjectQuery", "", "use style: deepObject, or describe the parameters one by one", "query parameter %q is an object with style form; it is sent as %s[key]=value", p.Name, p.Name)
	}
	req.Query = append(req.Query, ir.Pair{Key: key, Value: ir.Code(b.valueExpr(f, src))})
}

// body adds the request body's inputs. Object bodies are flattened into
// top-level inputs (what recipe builders expect); other bodies become one
// input named "body".
func (b *builder) body(o *operation, namer *naming.Namer, ov map[string]*config.InputOverride, usedOv map[string]bool) ([]*inputSource, string, string, bool) {
	rb := o.op.RequestBody
	if rb == nil || rb.Value == nil || len(rb.Value.Content) == 0 {
		return nil, "", "", true
	}
	ptr := o.ptr + "/requestBody"
	if name := refName(rb.Ref, "#/components/requestBodies/"); name != "" {
		ptr = specload.Pointer("components", "requestBodies", name)
	}
	mt, media := pickMedia(rb.Value.Content)
	kind := ""
	switch {
	case mt == "":
		var types []string
		for k := range rb.Value.Content {
			types = append(types, k)
		}
		sort.Strings(types)
		b.warn("Operation/UnsupportedBody", ptr, "offer an application/json, multipart/form-data or application/x-www-form-urlencoded body; the action is left out",
			"%s: request body type %s is not supported", o.label(), strings.Join(types, ", "))
		return nil, "", "", false
	case isJSONMedia(mt) || isWildcardMedia(mt):
		kind = "json"
	case mt == "multipart/form-data":
		kind = "multipart"
	default:
		kind = "form"
	}
	mptr := ptr + "/content/" + specload.EscapePointer(mt)
	n := b.resolve(media.Schema, mptr+"/schema")
	// A property's own `required` decides: specs rarely mark the body itself
	// required, and a body sent without its required properties fails anyway.
	required := rb.Value.Required
	var sources []*inputSource
	if (n.is("object") || (len(n.types) == 0 && len(n.props) > 0)) && len(n.props) > 0 && !n.freeform {
		in := "body"
		if kind == "multipart" {
			in = "multipart"
		}
		stack := []string{}
		if n.ref != "" {
			stack = []string{n.ref}
		}
		for _, p := range n.props {
			if b.skipOverride(ov, p.name, usedOv) {
				continue
			}
			pn := b.resolve(p.ref, p.ptr)
			if pn.readOnly {
				continue
			}
			if n.ref != "" && pn.ref == "" {
				pn.owner = n.ref + " " + p.name
			}
			var f *ir.Field
			if kind == "multipart" && pn.format == "binary" {
				fs := b.fileFields(p.name, pn, n.required[p.name], namer, media, kind)
				sources = append(sources, fs...)
				continue
			}
			f = b.field(p.name, pn, n.required[p.name], input, stack)
			f.Name = ir.Text(namer.Claim(string(f.Name), "body"))
			sources = append(sources, &inputSource{field: f, in: in})
		}
		return sources, kind, "", true
	}
	if kind != "json" {
		b.warn("Operation/UnsupportedBody", mptr, "describe the form body as an object with properties", "%s: %s body is not an object; the action is left out", o.label(), mt)
		return nil, "", "", false
	}
	f := b.field("body", n, required, input, nil)
	f.Name = ir.Text(namer.Claim("body"))
	f.Label = "Request body"
	src := fmt.Sprintf("input[%s]", rubylit.Quote(string(f.Name)))
	return []*inputSource{{field: f, in: "whole_body"}}, kind, b.valueExpr(f, src), true
}

func isJSONMedia(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// isWildcardMedia matches */* and application/*: Swagger 2.0 files without
// `consumes`/`produces` convert to */*, and such APIs speak JSON in practice.
func isWildcardMedia(mt string) bool {
	return mt == "*/*" || mt == "application/*"
}

// pickMedia chooses the request content type Workato can send best.
func pickMedia(c openapi3.Content) (string, *openapi3.MediaType) {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, want := range []func(string) bool{
		isJSONMedia,
		func(s string) bool { return s == "multipart/form-data" },
		func(s string) bool { return s == "application/x-www-form-urlencoded" },
		isWildcardMedia,
	} {
		for _, k := range keys {
			if want(strings.ToLower(strings.TrimSpace(strings.Split(k, ";")[0]))) {
				return strings.ToLower(strings.TrimSpace(strings.Split(k, ";")[0])), c[k]
			}
		}
	}
	return "", nil
}

// fileFields describes a multipart file part with three inputs: the content
// (a file datapill), its name and its content type.
func (b *builder) fileFields(apiName string, n *node, required bool, namer *naming.Namer, media *openapi3.MediaType, kind string) []*inputSource {
	base := naming.FieldName(apiName)
	content := &ir.Field{
		Name: ir.Text(namer.Claim(base, "file")), APIName: apiName,
		Label: ir.Text(b.gloss.Apply(naming.Label(apiName))) + " (file content)", Type: "string", ControlType: "text",
		Optional: !required,
		Hint:     ir.Text(joinSentences(b.plainHint(n.desc), "Map the file content from a previous step (for example a download action's Content datapill).")),
	}
	fileName := &ir.Field{Name: ir.Text(namer.Claim(base + "_file_name")), APIName: apiName + "#filename",
		Label: "File name", Type: "string", ControlType: "text", Optional: true, Sticky: true,
		Hint: "Name the file gets, with its extension (e.g. contract.pdf)."}
	ctype := "application/octet-stream"
	if media != nil && media.Encoding != nil {
		if enc := media.Encoding[apiName]; enc != nil && enc.ContentType != "" {
			ctype = strings.TrimSpace(strings.Split(enc.ContentType, ",")[0])
		}
	}
	contentType := &ir.Field{Name: ir.Text(namer.Claim(base + "_content_type")), APIName: apiName + "#content_type",
		Label: "Content type", Type: "string", ControlType: "text", Optional: true,
		Hint: ir.Text("MIME type of the file. Default: " + ctype + ".")}
	b.fileParts[content] = [3]string{string(fileName.Name), string(contentType.Name), ctype}
	return []*inputSource{{field: content, in: "multipart"}, {field: fileName, in: "file_meta"}, {field: contentType, in: "file_meta"}}
}

// multipartValue renders one multipart part. File parts are
// [content, content_type, filename] as Workato's request_format_multipart_form expects.
func (b *builder) multipartValue(f *ir.Field, src string) string {
	if meta, ok := b.fileParts[f]; ok {
		b.out.Helpers["file_part"] = true
		// file_part(content, content_type, file_name, default_type)
		return fmt.Sprintf("call(:file_part, %s, input[%s], input[%s], %s)", src, rubylit.Quote(meta[1]), rubylit.Quote(meta[0]), rubylit.Quote(meta[2]))
	}
	return b.valueExpr(f, src)
}

// valueExpr is the Ruby expression that turns an input value into what the
// API expects: JSON text parsed, arrays of numbers coerced (Workato converts
// scalars through convert_input but not array items), and renamed nested
// fields mapped back to the API's names.
func (b *builder) valueExpr(f *ir.Field, src string) string {
	if b.jsonInputs[f] {
		b.out.Helpers["parse_json_input"] = true
		return fmt.Sprintf("call(:parse_json_input, %s)", src)
	}
	if f.Type == "array" && len(f.Properties) == 0 {
		switch f.Of {
		case "integer", "number", "boolean":
			b.out.Helpers["coerce_list"] = true
			return fmt.Sprintf("call(:coerce_list, %s, %s)", src, rubylit.Quote(f.Of))
		}
		return src
	}
	if shape := b.inputShape(f.Properties); shape != "" {
		b.out.Helpers["reshape"] = true
		b.out.Helpers["coerce_list"] = true
		b.out.Helpers["parse_json_input"] = true
		return fmt.Sprintf("call(:reshape, %s, %s)", src, shape)
	}
	return src
}

// inputShape renders the mapping reshape needs for nested input fields, or ""
// when the value can be sent as it is.
func (b *builder) inputShape(fields []*ir.Field) string {
	var entries []string
	for _, f := range fields {
		sub := ""
		switch {
		case b.jsonInputs[f]:
			sub = "'json'"
		case f.Type == "array" && len(f.Properties) == 0 && (f.Of == "integer" || f.Of == "number" || f.Of == "boolean"):
			sub = rubylit.Quote(f.Of)
		default:
			sub = b.inputShape(f.Properties)
		}
		if sub == "" && string(f.Name) == f.APIName {
			continue
		}
		if sub == "" {
			sub = "nil"
		}
		entries = append(entries, fmt.Sprintf("%s => [%s, %s]", rubylit.Quote(string(f.Name)), rubylit.Quote(f.APIName), sub))
	}
	if len(entries) == 0 {
		return ""
	}
	return "{ " + strings.Join(entries, ", ") + " }"
}

// outputShape maps API names to field names for output values whose names
// had to change (e.g. "process-tasks" → "process_tasks").
func (b *builder) outputShape(fields []*ir.Field) string {
	var entries []string
	for _, f := range fields {
		props := f.Properties
		if f.PropertiesRef != "" {
			if d := b.defs[f.PropertiesRef]; d != nil {
				props = d.Fields
			}
		}
		sub := b.outputShape(props)
		if sub == "" && string(f.Name) == f.APIName {
			continue
		}
		if sub == "" {
			sub = "nil"
		}
		entries = append(entries, fmt.Sprintf("%s => [%s, %s]", rubylit.Quote(f.APIName), rubylit.Quote(string(f.Name)), sub))
	}
	if len(entries) == 0 {
		return ""
	}
	return "{ " + strings.Join(entries, ", ") + " }"
}

// retryable reports whether Workato should retry this method: only
// idempotent ones, so a retried request can never create a record twice.
func (b *builder) retryable(method string) bool {
	for _, m := range b.retry.Methods {
		if m == method {
			return true
		}
	}
	return false
}

// baseErrorCodes are always handled with a readable message.
var baseErrorCodes = []int{400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504}

// errorMatchers lists the statuses after_error_response handles. The gem
// (and the platform) retry only when the request itself fails, so statuses
// the action retries must not be caught here, or the retry never happens
// (workato-sdk.md §3, action.rb). Those statuses surface as Workato's own
// "429 Too Many Requests" after the last retry.
func (b *builder) errorMatchers(o *operation) ir.Code {
	return b.errorMatchersFor(o, b.retryable(o.method) && b.retry.MaxRetries > 0)
}

func (b *builder) errorMatchersFor(o *operation, retried bool) ir.Code {
	codes := map[int]bool{}
	for _, c := range baseErrorCodes {
		codes[c] = true
	}
	if o.op.Responses != nil {
		for k := range o.op.Responses.Map() {
			var c int
			if _, err := fmt.Sscanf(k, "%d", &c); err == nil && c >= 400 && c <= 599 {
				codes[c] = true
			}
		}
	}
	if retried {
		for _, c := range b.retry.OnResponse {
			delete(codes, c)
		}
	}
	list := make([]int, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	sort.Ints(list)
	parts := make([]string, len(list))
	for i, c := range list {
		parts[i] = fmt.Sprint(c)
	}
	return ir.Code(strings.Join(parts, ", "))
}

// help builds the help hash: what the action does, the glossary terms it
// touches, and a link to the API reference.
func (b *builder) help(cfgHelp, cfgURL string, o *operation, title string) ir.Help {
	body := cfgHelp
	if body == "" {
		body = firstNonEmpty(extString(o.op, "x-workato-help"), o.op.Description, o.op.Summary)
	}
	body = b.plainHint(body)
	// Explain the API's words the action really uses: those in its path and
	// parameter names (run_id, /checklists/, prerun), not UI words that happen
	// to appear in prose.
	words := apiWords(o)
	var explain []string
	seen := map[string]bool{}
	for _, g := range b.cfg().Glossary {
		if g.Explain == "" || seen[g.Explain] {
			continue
		}
		api := strings.ToLower(g.API)
		if words[api] || words[strings.ToLower(naming.Plural(g.API))] {
			explain = append(explain, g.Explain)
			seen[g.Explain] = true
		}
	}
	for _, e := range explain {
		body = joinSentences(body, safeHTML(e))
	}
	link := firstNonEmpty(cfgURL)
	if link == "" && o.op.ExternalDocs != nil {
		link = o.op.ExternalDocs.URL
	}
	if link == "" {
		link = b.cfg().DocsURL
	}
	if link == "" && b.spec.Doc.ExternalDocs != nil {
		link = b.spec.Doc.ExternalDocs.URL
	}
	h := ir.Help{Body: ir.Text(body)}
	if link != "" {
		h.URL = ir.Text(link)
		h.LinkText = ir.Text(string(b.out.Title) + " API reference: " + o.label())
	}
	return h
}

// apiWords lists the lower-case words of an operation's path, parameter
// names and top-level body property names.
func apiWords(o *operation) map[string]bool {
	words := map[string]bool{}
	addAll := func(s string) {
		for _, w := range regexp.MustCompile(`[a-z]+`).FindAllString(strings.ToLower(s), -1) {
			words[w] = true
		}
	}
	addAll(o.path)
	for _, p := range o.params {
		addAll(p.Name)
	}
	if rb := o.op.RequestBody; rb != nil && rb.Value != nil {
		for _, mt := range rb.Value.Content {
			if mt.Schema != nil && mt.Schema.Value != nil {
				for name := range mt.Schema.Value.Properties {
					addAll(name)
				}
			}
		}
	}
	return words
}

func (b *builder) opDocs(o *operation, a *ir.Action) ir.OperationDocs {
	d := ir.OperationDocs{Method: o.method, Path: o.path}
	for _, f := range a.InputFields {
		req := "no"
		if !f.Optional {
			req = "yes"
		}
		d.Inputs = append(d.Inputs, ir.DocField{Name: string(f.Name), Label: string(f.Label), Type: docType(f), Required: req, Hint: string(f.Hint)})
	}
	fields := a.OutputFields
	if a.OutputRef != "" {
		if def := b.defs[a.OutputRef]; def != nil {
			fields = def.Fields
		}
	}
	for _, f := range fields {
		d.Outputs = append(d.Outputs, ir.DocField{Name: string(f.Name), Label: string(f.Label), Type: docType(f)})
	}
	return d
}

func docType(f *ir.Field) string {
	switch {
	case f.Type == "array" && f.PropertiesRef != "":
		return "array of " + f.PropertiesRef
	case f.Type == "array":
		return "array of " + firstNonEmpty(f.Of, "object")
	case f.Type == "object" && f.PropertiesRef != "":
		return f.PropertiesRef
	case f.Type == "":
		return "string"
	}
	return f.Type
}
