package build

import (
	"fmt"
	"strings"

	"github.com/workatogen/workatogen/generator/config"
	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/naming"
	"github.com/workatogen/workatogen/generator/rubylit"
)

// paging is the pagination config with defaults filled in.
func (b *builder) paging() config.Pagination {
	p := config.Pagination{PageParam: "page", PerPageParam: "per_page", MaxPages: 10, DefaultPerPage: 100}
	if c := b.cfg().Pagination; c != nil {
		if c.PageParam != "" {
			p.PageParam = c.PageParam
		}
		if c.PerPageParam != "" {
			p.PerPageParam = c.PerPageParam
		}
		p.CurrentPagePath, p.TotalPagesPath, p.NextLinkPath = c.CurrentPagePath, c.TotalPagesPath, c.NextLinkPath
		if c.MaxPages > 0 {
			p.MaxPages = c.MaxPages
		}
		if c.DefaultPerPage > 0 {
			p.DefaultPerPage = c.DefaultPerPage
		}
	}
	return p
}

// pagingSpec renders the settings hash the fetch_all_pages and poll_list
// methods read. maxPages and perPage are Ruby expressions.
func (b *builder) pagingSpec(itemsPath, maxPages, perPage string, extra ...string) ir.Code {
	p := b.paging()
	pairs := []string{
		"'page_param' => " + rubylit.Quote(p.PageParam),
		"'per_page_param' => " + rubylit.Quote(p.PerPageParam),
		"'items_path' => " + rubylit.Quote(itemsPath),
		"'current_page_path' => " + rubylit.Quote(p.CurrentPagePath),
		"'total_pages_path' => " + rubylit.Quote(p.TotalPagesPath),
		"'next_link_path' => " + rubylit.Quote(p.NextLinkPath),
		"'max_pages' => " + maxPages,
		"'per_page' => " + perPage,
	}
	pairs = append(pairs, extra...)
	return ir.Code("{\n  " + strings.Join(pairs, ",\n  ") + "\n}")
}

// addPaging gives a list action "fetch all pages": follow the response's
// pagination up to a bound, and return every item as one list. Lists that
// scale need it; recipes should not loop over pages by hand.
func (b *builder) addPaging(a *ir.Action, o *operation, ca *config.Action, namer *naming.Namer, itemsPath string) {
	if ca.Paginate != nil && !*ca.Paginate {
		return
	}
	p := b.paging()
	hasPage := false
	for _, pr := range o.params {
		if pr.In == "query" && pr.Name == p.PageParam {
			hasPage = true
		}
	}
	if !hasPage {
		if ca.Paginate != nil && *ca.Paginate {
			b.warn("Operation/NoPageParameter", o.ptr, fmt.Sprintf("add the %q query parameter to the operation, or set pagination.page_param", p.PageParam),
				"%s: paginate is on but the operation has no %q parameter", o.label(), p.PageParam)
		}
		return
	}
	fetchAll := ir.Text(namer.Claim("fetch_all_pages"))
	maxPages := ir.Text(namer.Claim("max_pages"))
	a.InputFields = append(a.InputFields,
		&ir.Field{Name: fetchAll, APIName: "#fetch_all_pages", Label: "Fetch all pages", Type: "boolean", ControlType: "checkbox",
			Optional: true, Sticky: true, ConvertInput: "boolean_conversion",
			Hint:       ir.Text(fmt.Sprintf("Follow the pagination and return the items of every page as one list (at most Max pages pages of %d items; Page then says where to start).", p.DefaultPerPage)),
			ToggleHint: "Select from list",
			ToggleField: &ir.Field{Name: fetchAll, APIName: "#fetch_all_pages", Label: "Fetch all pages", Type: "string", ControlType: "text",
				Optional: true, ToggleHint: "Use custom value", ConvertInput: "boolean_conversion", Hint: "Accepted values are true or false."}},
		&ir.Field{Name: maxPages, APIName: "#max_pages", Label: "Max pages", Type: "integer", ControlType: "integer",
			Optional: true, ConvertInput: "integer_conversion",
			Hint: ir.Text(fmt.Sprintf("Upper bound when fetching all pages. Default: %d.", p.MaxPages))},
	)
	a.Request.QueryVar = "page_query"
	a.Paging = &ir.Paging{Condition: ir.Code(fmt.Sprintf("input[%s]", fetchAll)), Spec: b.pagingSpec(itemsPath,
		fmt.Sprintf("input[%s].presence || %d", maxPages, p.MaxPages),
		fmt.Sprintf("input[%s].presence || %d", rubylit.Quote(p.PerPageParam), p.DefaultPerPage))}
	// per_page is the API name; its input may be named differently.
	for _, f := range a.InputFields {
		if f.APIName == p.PerPageParam {
			a.Paging.Spec = b.pagingSpec(itemsPath,
				fmt.Sprintf("input[%s].presence || %d", maxPages, p.MaxPages),
				fmt.Sprintf("input[%s].presence || %d", f.Name, p.DefaultPerPage))
		}
	}
	b.out.Helpers["fetch_all_pages"] = true
	b.out.Helpers["dig_path"] = true
}

// buildPickLists registers the pick lists the config feeds from list
// operations (templates, processes, members, groups, ...).
func (b *builder) buildPickLists() {
	for _, name := range sortedKeys(b.cfg().PickLists) {
		pl := b.cfg().PickLists[name]
		ptr := "/pick_lists/" + name
		o := b.resolveConfigOp(pl.Operation, ptr+"/operation")
		if o == nil {
			continue
		}
		if o.method != "GET" {
			b.cfgDiag(diag.Error, "Config/PickListMethod", ptr+"/operation", "pick lists are read with a GET list operation", "pick list %s uses %s", name, o.label())
			continue
		}
		depends := map[string]bool{}
		for _, d := range pl.DependsOn {
			depends[d] = true
		}
		path, _, ok := b.pathExpr(o, naming.NewNamer(), map[string]bool{}, func(v string) (string, bool) {
			if depends[v] {
				return naming.Snake(v), true
			}
			b.cfgDiag(diag.Error, "Config/PickListParameter", ptr, fmt.Sprintf("add %q to depends_on (its value then comes from a sibling input through pick_list_params)", v),
				"pick list %s needs path parameter {%s}", name, v)
			return "", false
		})
		if !ok {
			continue
		}
		query := map[string]string{}
		for k, v := range pl.Params {
			query[k] = rubylit.Quote(v)
		}
		var params []string
		for _, d := range pl.DependsOn {
			params = append(params, naming.Snake(d))
			isPath := strings.Contains(o.path, "{"+d+"}")
			if !isPath {
				query[d] = naming.Snake(d)
			}
		}
		items := b.listItemsExpr(o, "response")
		var body strings.Builder
		body.WriteString("response = get(" + string(path) + ")")
		if len(query) > 0 {
			var pairs []string
			for _, k := range sortedKeys(query) {
				pairs = append(pairs, rubylit.Quote(k)+" => "+query[k])
			}
			body.WriteString("\n  .params(call(:deep_compact, { " + strings.Join(pairs, ", ") + " }))")
		}
		body.WriteString(fmt.Sprintf("\n  .after_error_response(%s) do |code, body, headers, message|\n    call(:api_error, %s, code, body, headers, message)\n  end\n",
			b.errorMatchersFor(o, false), rubylit.Quote(naming.Label(name)+" pick list")))
		body.WriteString(fmt.Sprintf("Array.wrap(%s).map do |item|\n  [call(:dig_path, item, %s).to_s, call(:dig_path, item, %s)]\nend", items, rubylit.Quote(pl.Label), rubylit.Quote(pl.Value)))
		b.out.Helpers["dig_path"] = true
		b.pickNames.Claim(name)
		b.out.PickLists = append(b.out.PickLists, &ir.PickList{Name: name, Params: params, Body: ir.Code(body.String())})
	}
}

// listItemsExpr is the Ruby expression of the item list in a list
// operation's response held in variable v (forcing the lazy request).
func (b *builder) listItemsExpr(o *operation, v string) string {
	if key := b.listItemsPath(o); key != "" {
		return fmt.Sprintf("%s[%s]", v, rubylit.Quote(key))
	}
	return v + ".to_a"
}

// listItemsPath is the envelope key holding a list response's items, or ""
// when the response is a bare array.
func (b *builder) listItemsPath(o *operation) string {
	_, resp := successResponse(o)
	if resp == nil {
		return ""
	}
	mt, media := pickResponseMedia(resp.Content)
	if media == nil || !isJSONMedia(mt) {
		return ""
	}
	top := b.resolve(media.Schema, "")
	if b.envelopeData != "" && hasProp(top, b.envelopeData) && (!b.autoEnvelope || envelopeOnly(top, b.envelopeData, b.envelopeMeta)) {
		return b.envelopeData
	}
	return ""
}

// applyPickList turns an input into a select over a named pick list, keeping
// a text toggle for datapills.
func (b *builder) applyPickList(f *ir.Field, name string, params map[string]string, known map[string]bool, ptr string) {
	if !b.pickNames.Taken(name) {
		var names []string
		for _, p := range b.out.PickLists {
			names = append(names, p.Name)
		}
		fix := "define it under pick_lists"
		if near := diag.Closest(name, names); near != "" {
			fix = fmt.Sprintf("did you mean %q?", near)
		}
		b.cfgDiag(diag.Error, "Config/UnknownPickList", ptr, fix, "pick list %q is not defined", name)
		return
	}
	toggle := *f
	toggle.ToggleField, toggle.ToggleHint, toggle.PickList, toggle.PickListParams = nil, "", "", nil
	if toggle.ControlType == "select" || toggle.ControlType == "" {
		toggle.ControlType = "text"
	}
	toggle.ToggleHint = "Use custom value"
	if f.ToggleField != nil {
		toggle.Hint = f.ToggleField.Hint
	}
	f.ControlType = "select"
	f.PickList = name
	f.PickListParams = nil
	for _, k := range sortedKeys(params) {
		if !known[params[k]] {
			b.cfgDiag(diag.Error, "Config/UnknownInput", ptr, "name an input of this action", "pick_list_params %s refers to %q, which is not an input", k, params[k])
		}
		f.PickListParams = append(f.PickListParams, [2]string{k, params[k]})
	}
	f.ToggleHint = "Select from list"
	f.ToggleField = &toggle
}

// stepRequest builds the request of a before/then step: its path parameters
// come from the action's inputs of the same name.
//
// Errors name the action first and the step second ("Upload file to a task
// form field (Update a process task)"): the recipe builder knows the action.
func (b *builder) stepRequest(st *config.Step, ptr, actionTitle string, inputs map[string]string, usedParams map[string]bool) (*ir.Step, *operation) {
	o := b.resolveConfigOp(st.Operation, ptr+"/operation")
	if o == nil {
		return nil, nil
	}
	path, _, ok := b.pathExpr(o, naming.NewNamer(), usedParams, func(v string) (string, bool) {
		src := v
		if mapped, ok := st.Params[v]; ok {
			src = mapped
		}
		if name, ok := inputs[src]; ok {
			return fmt.Sprintf("input[%s]", rubylit.Quote(name)), true
		}
		b.cfgDiag(diag.Error, "Config/StepParameter", ptr+"/operation",
			fmt.Sprintf("the action needs an input named %q (the step's path parameters come from the action's inputs)", v),
			"step %s needs path parameter {%s}", o.label(), v)
		return "", false
	})
	if !ok {
		return nil, nil
	}
	if st.Method == "" {
		b.cfgDiag(diag.Error, "Config/MissingField", ptr, "add `method:` naming the hand-written method that builds the step's body", "step %s has no method", o.label())
		return nil, nil
	}
	req := &ir.Request{Verb: strings.ToLower(o.method), Path: path, Title: ir.Text(actionTitle + " (" + b.titleFrom(o.op.Summary, o.id) + ")"), ErrorMatchers: b.errorMatchersFor(o, false)}
	if req.Verb != "get" && req.Verb != "head" && req.Verb != "delete" {
		req.BodyKind = "json"
	}
	return &ir.Step{Request: req, Method: st.Method}, o
}
