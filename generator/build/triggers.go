package build

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/workatogen/workatogen/generator/config"
	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/naming"
	"github.com/workatogen/workatogen/generator/rubylit"
	"github.com/workatogen/workatogen/generator/specload"
)

// buildTriggers makes the polling and webhook triggers the config asks for.
func (b *builder) buildTriggers() {
	for _, key := range sortedKeys(b.cfg().Triggers) {
		tc := b.cfg().Triggers[key]
		ptr := "/triggers/" + key
		if (tc.Poll == nil) == (tc.Hook == nil) {
			b.cfgDiag(diag.Error, "Config/TriggerKind", ptr, "give exactly one of `poll:` and `webhook:`", "trigger %s must be either polling or webhook", key)
			continue
		}
		t := &ir.Trigger{Key: key, Title: ir.Text(firstNonEmpty(tc.Title, naming.Label(key)))}
		t.Subtitle = ir.Text(firstNonEmpty(tc.Subtitle, string(t.Title)+" in "+string(b.out.Title)))
		t.Description = ir.Text(firstNonEmpty(tc.Description, describe(string(t.Title), string(b.out.Title))))
		t.Help = ir.Help{Body: ir.Text(safeHTML(b.gloss.Apply(tc.Help)))}
		if link := firstNonEmpty(tc.HelpURL, b.cfg().DocsURL); link != "" {
			t.Help.URL = ir.Text(link)
			t.Help.LinkText = ir.Text(string(b.out.Title) + " API reference")
		}
		for i, f := range tc.Inputs {
			field := connField(f)
			if f.PickList != "" {
				known := map[string]bool{}
				b.applyPickList(field, f.PickList, nil, known, fmt.Sprintf("%s/inputs/%d/pick_list", ptr, i))
			}
			t.InputFields = append(t.InputFields, field)
		}
		var ok bool
		if tc.Poll != nil {
			ok = b.pollTrigger(t, tc, ptr)
		} else {
			ok = b.webhookTrigger(t, tc, ptr)
		}
		if ok {
			t.Docs = ir.OperationDocs{}
			for _, f := range t.InputFields {
				req := "no"
				if !f.Optional {
					req = "yes"
				}
				t.Docs.Inputs = append(t.Docs.Inputs, ir.DocField{Name: string(f.Name), Label: string(f.Label), Type: docType(f), Required: req, Hint: string(f.Hint)})
			}
			fields := t.OutputFields
			if t.OutputRef != "" {
				fields = b.defs[t.OutputRef].Fields
			}
			for _, f := range fields {
				t.Docs.Outputs = append(t.Docs.Outputs, ir.DocField{Name: string(f.Name), Label: string(f.Label), Type: docType(f)})
			}
			b.out.Triggers = append(b.out.Triggers, t)
		}
	}
}

// pollTrigger builds a trigger that polls a list operation. Events are
// recognised on the client (newer than the cursor, matching the filter) and
// de-duplicated by key, because APIs like Tallyfy ignore "since" filters.
func (b *builder) pollTrigger(t *ir.Trigger, tc *config.Trigger, ptr string) bool {
	pc := tc.Poll
	o := b.resolveConfigOp(pc.Operation, ptr+"/poll/operation")
	if o == nil {
		return false
	}
	if o.method != "GET" {
		b.cfgDiag(diag.Error, "Config/PollMethod", ptr+"/poll/operation", "poll a GET list operation", "trigger %s polls %s", t.Key, o.label())
		return false
	}
	t.Kind = "poll"
	namer := naming.NewNamer()
	for _, f := range t.InputFields {
		namer.Claim(string(f.Name))
	}
	since := &ir.Field{Name: ir.Text(namer.Claim("since")), Label: "When first started, this recipe should pick up events from",
		Type: "date_time", ControlType: "date_time", Optional: true, Sticky: true, ConvertInput: "render_iso8601_timestamp",
		Hint: "When you start the recipe for the first time, it picks up events from this time. Leave empty to start from one hour ago."}
	if pc.TimeField == "" {
		since = nil
	}
	path, sources, ok := b.pathExpr(o, namer, map[string]bool{}, nil)
	if !ok {
		return false
	}
	var inputs []*ir.Field
	for _, s := range sources {
		inputs = append(inputs, s.field)
	}
	req := &ir.Request{Verb: "get", Path: path, Title: t.Title, ErrorMatchers: b.errorMatchersFor(o, false), QueryVar: "page_query"}
	for _, k := range sortedKeys(pc.Params) {
		req.Query = append(req.Query, ir.Pair{Key: ir.Text(k), Value: ir.Code(rubylit.Quote(pc.Params[k]))})
	}
	for i, name := range pc.Inputs {
		var param *openapi3.Parameter
		for _, p := range o.params {
			if p.In == "query" && p.Name == name {
				param = p
			}
		}
		if param == nil {
			b.cfgDiag(diag.Error, "Config/UnknownInput", fmt.Sprintf("%s/poll/inputs/%d", ptr, i), "name a query parameter of the operation", "%s has no query parameter %q", o.label(), name)
			continue
		}
		n := b.resolve(param.Schema, paramPtr(o, param)+"/schema")
		if n.desc == "" {
			n.desc = param.Description
		}
		f := b.field(name, n, false, input, nil)
		f.Name = ir.Text(namer.Claim(string(f.Name)))
		inputs = append(inputs, f)
		b.queryPair(req, &inputSource{field: f, in: "query", param: param}, fmt.Sprintf("input[%s]", rubylit.Quote(string(f.Name))))
	}
	if len(req.ExplodedQuery) > 0 {
		b.cfgDiag(diag.Error, "Config/PollInput", ptr+"/poll/inputs", "poll inputs must be scalar or comma-joined parameters", "trigger %s: array parameters sent as repeated keys are not supported in polls", t.Key)
		return false
	}
	if since != nil {
		inputs = append([]*ir.Field{since}, inputs...)
	}
	t.InputFields = append(t.InputFields, inputs...)
	t.Request = req

	itemsPath := b.listItemsPath(o)
	item := b.listItemNode(o)
	if item == nil {
		b.cfgDiag(diag.Error, "Config/PollNotList", ptr+"/poll/operation", "poll an operation whose response is a list", "%s does not return a list", o.label())
		return false
	}
	event := item
	parentField := (*ir.Field)(nil)
	if pc.Each != "" {
		nested := b.nestedNode(item, pc.Each)
		if nested == nil || !nested.is("array") {
			b.cfgDiag(diag.Error, "Config/PollEach", ptr+"/poll/each", "give a dotted path to an array inside each item (e.g. threads.data)", "%q is not a list inside the items of %s", pc.Each, o.label())
			return false
		}
		event = b.resolve(nested.items, nested.itemsPtr)
		if pc.Parent != "" {
			parentField = b.field(pc.Parent, item, false, output, nil)
			parentField.Name = ir.Text(naming.FieldName(pc.Parent))
			parentField.Label = ir.Text(b.gloss.Apply(naming.Label(pc.Parent)))
		}
	}
	b.triggerOutput(t, tc, event, parentField)

	perPage := pc.PerPage
	if perPage == 0 {
		perPage = 50
	}
	maxPages := pc.MaxPages
	if maxPages == 0 {
		maxPages = 5
	}
	var filter []string
	for _, k := range sortedKeys(pc.Filter) {
		filter = append(filter, rubylit.Quote(k)+" => "+rubylit.Quote(pc.Filter[k]))
	}
	sorted := pc.Sorted == nil || *pc.Sorted
	extra := []string{
		"'time_field' => " + rubylit.Quote(pc.TimeField),
		fmt.Sprintf("'sorted' => %v", sorted),
		"'filter' => {" + wrapSpaces(strings.Join(filter, ", ")) + "}",
		"'each' => " + rubylit.Quote(pc.Each),
		"'parent' => " + rubylit.Quote(pc.Parent),
		"'since_input' => " + rubylit.Quote(func() string {
			if since != nil {
				return string(since.Name)
			}
			return ""
		}()),
	}
	if t.Rename != "" {
		extra = append(extra, "'rename' => "+string(t.Rename))
		b.out.Helpers["reshape"] = true
		b.out.Helpers["coerce_list"] = true
		b.out.Helpers["parse_json_input"] = true
	}
	t.PollSpec = b.pagingSpec(itemsPath, fmt.Sprint(maxPages), fmt.Sprint(perPage), extra...)
	keys := pc.DedupKeys
	if len(keys) == 0 {
		keys = []string{"id"}
		if pc.TimeField != "" {
			keys = append(keys, pc.TimeField)
		}
	}
	for _, k := range keys {
		t.DedupPaths = append(t.DedupPaths, ir.Text(k))
	}
	b.out.Helpers["poll_list"] = true
	b.out.Helpers["dig_path"] = true
	return true
}

func wrapSpaces(s string) string {
	if s == "" {
		return ""
	}
	return " " + s + " "
}

// listItemNode is the schema of one item of a list operation's response.
func (b *builder) listItemNode(o *operation) *node {
	code, resp := successResponse(o)
	if resp == nil {
		return nil
	}
	mt, media := pickResponseMedia(resp.Content)
	if media == nil || !isJSONMedia(mt) {
		return nil
	}
	rptr := o.ptr + "/responses/" + code + "/content/" + specload.EscapePointer(mt) + "/schema"
	top := b.resolve(media.Schema, rptr)
	list := top
	if key := b.listItemsPath(o); key != "" {
		for _, p := range top.props {
			if p.name == key {
				list = b.resolve(p.ref, p.ptr)
			}
		}
	}
	if !list.is("array") {
		return nil
	}
	return b.resolve(list.items, list.itemsPtr)
}

// nestedNode follows a dotted path of properties from n.
func (b *builder) nestedNode(n *node, path string) *node {
	cur := n
	for _, seg := range strings.Split(path, ".") {
		var next *node
		for _, p := range cur.props {
			if p.name == seg {
				next = b.resolve(p.ref, p.ptr)
			}
		}
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

// triggerOutput sets a trigger's output fields and sample from the event
// schema (or the config's schema / object definition).
func (b *builder) triggerOutput(t *ir.Trigger, tc *config.Trigger, event *node, parent *ir.Field) {
	if tc.Output != nil && tc.Output.Schema != "" {
		sr := b.componentSchema(tc.Output.Schema)
		if sr == nil {
			var names []string
			if b.spec.Doc.Components != nil {
				for k := range b.spec.Doc.Components.Schemas {
					names = append(names, k)
				}
			}
			fix := "name a schema under components.schemas"
			if near := diag.Closest(tc.Output.Schema, names); near != "" {
				fix = fmt.Sprintf("did you mean %q?", near)
			}
			b.cfgDiag(diag.Error, "Config/UnknownSchema", "/triggers/"+t.Key+"/output/schema", fix, "schema %q is not in the spec", tc.Output.Schema)
			return
		}
		event = b.resolve(sr, specload.Pointer("components", "schemas", tc.Output.Schema))
	}
	f := b.field("event", event, false, output, nil)
	var props []*ir.Field
	switch {
	case tc.Output != nil && tc.Output.ObjectDefinition != "":
		t.OutputRef = tc.Output.ObjectDefinition
	case f.PropertiesRef != "" && parent == nil:
		t.OutputRef = f.PropertiesRef
		props = b.defs[f.PropertiesRef].Fields
	case f.PropertiesRef != "":
		props = b.defs[f.PropertiesRef].Fields
		t.OutputFields = append(append([]*ir.Field{}, props...), parent)
	default:
		props = f.Properties
		t.OutputFields = f.Properties
		if parent != nil {
			t.OutputFields = append(append([]*ir.Field{}, f.Properties...), parent)
		}
	}
	if shape := b.outputShape(props); shape != "" {
		t.Rename = ir.Code(shape)
	}
	sample, _ := b.synth(event, 0)
	if sample == nil {
		sample = map[string]any{}
	}
	t.SampleOutput = ir.Code(rubyLiteral(b.renameSampleObject(sample, props), ""))
}

func (b *builder) componentSchema(name string) *openapi3.SchemaRef {
	if b.spec.Doc.Components == nil {
		return nil
	}
	sr := b.spec.Doc.Components.Schemas[name]
	if sr == nil {
		return nil
	}
	return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: sr.Value}
}

// webhookTrigger builds a dynamic webhook trigger: subscribe and
// unsubscribe are hand-written methods (they know the API's watcher
// endpoints); the notification filters events and shapes the payload
// inline, because Workato runs it without HTTP or `call`.
func (b *builder) webhookTrigger(t *ir.Trigger, tc *config.Trigger, ptr string) bool {
	wc := tc.Hook
	t.Kind = "webhook"
	t.SubscribeMethod, t.UnsubscribeMethod = wc.SubscribeMethod, wc.UnsubscribeMethod
	if wc.SubscribeMethod == "" || wc.UnsubscribeMethod == "" {
		b.cfgDiag(diag.Error, "Config/MissingField", ptr+"/webhook", "name the hand-written subscribe_method and unsubscribe_method", "webhook trigger %s needs subscribe and unsubscribe methods", t.Key)
		return false
	}
	if len(wc.Events) > 0 {
		field := firstNonEmpty(wc.EventField, "event")
		var segs []string
		for _, s := range strings.Split(field, ".") {
			segs = append(segs, rubylit.Quote(s))
		}
		t.EventPath = ir.Code("[" + strings.Join(segs, ", ") + "]")
		for _, e := range wc.Events {
			t.Events = append(t.Events, ir.Text(e))
		}
	}
	if v := wc.VerifyHeader; v != nil {
		t.VerifyHeader, t.VerifyField = ir.Text(v.Header), ir.Text(v.Field)
	}
	if tc.Output == nil || (tc.Output.Schema == "" && tc.Output.ObjectDefinition == "") {
		b.cfgDiag(diag.Error, "Config/MissingField", ptr+"/output", "add `output: {schema: <component schema of the payload>}`", "webhook trigger %s needs the payload's schema", t.Key)
		return false
	}
	b.triggerOutput(t, tc, &node{required: map[string]bool{}}, nil)
	keys := wc.DedupKeys
	if len(keys) == 0 {
		keys = []string{"id"}
	}
	for _, k := range keys {
		t.DedupPaths = append(t.DedupPaths, ir.Text(k))
	}
	return true
}
