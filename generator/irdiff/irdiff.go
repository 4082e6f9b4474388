// Package irdiff compares two connector models (package ir) in the terms a
// recipe builder sees: actions and triggers, their input fields, their
// output datapills, pick-list values, connection fields. Each change is
// marked breaking or safe with the reason, because the question it answers
// is "can we ship this API description without breaking running recipes?".
//
// It works on the IR rather than the OpenAPI documents so that only what
// reaches the connector counts: an operation the config does not use, a
// schema property hidden by the config, or a renamed path are not reported;
// a renamed body property is (recipes map it by name).
package irdiff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/workatogen/workatogen/generator/ir"
)

// Change is one difference that matters to recipes.
type Change struct {
	Breaking bool `json:"breaking"`
	// Group is what the change belongs to: "connection", "action <key>" or
	// "trigger <key>"; text output is grouped by it.
	Group string `json:"group"`
	Kind  string `json:"kind"`          // connection, action, trigger
	Key   string `json:"key,omitempty"` // action or trigger key
	// Operation is the API operation behind the action ("POST /orders"),
	// from the new spec, or the old one when the action was removed.
	Operation string `json:"operation,omitempty"`
	// Side is input, output or connection for field changes; empty for a
	// whole action or trigger.
	Side string `json:"side,omitempty"`
	// Field is the dotted field path (body.name, tasks.id).
	Field string `json:"field,omitempty"`
	// Change is a stable word: added, removed, required, optional, type,
	// pick-list-added, pick-list-removed, values-removed, values-added,
	// deprecated.
	Change string `json:"change"`
	Old    string `json:"old,omitempty"`
	New    string `json:"new,omitempty"`
	// RenamedTo guesses a rename: a removed field with exactly one field of
	// the same type added beside it.
	RenamedTo string `json:"renamed_to,omitempty"`
	Message   string `json:"message"`
	Reason    string `json:"reason"`
}

// String is the line the text report prints:
//
//	BREAKING  action launch_process: input checklist_id removed (recipes mapping it fail to start)
func (c Change) String() string {
	tag := "safe"
	if c.Breaking {
		tag = "BREAKING"
	}
	return fmt.Sprintf("%-8s  %s: %s (%s)", tag, c.Group, c.Message, c.Reason)
}

// Compare lists what changes for recipes when a connector built from old is
// replaced by one built from new. The order is stable: connection first,
// then actions and triggers by key; inside a group the action itself, then
// inputs, then outputs, each by field path.
func Compare(old, new *ir.Connector) []Change {
	var out []Change
	out = append(out, compareFields(old, new, "connection", "connection", "", "connection",
		side{fields: old.Connection.Fields}, side{fields: new.Connection.Fields})...)

	oa, na := actionsByKey(old), actionsByKey(new)
	for _, k := range unionKeys(oa, na) {
		out = append(out, compareOp(old, new, "action", k, oa[k], na[k])...)
	}
	ot, nt := triggersByKey(old), triggersByKey(new)
	for _, k := range unionKeys(ot, nt) {
		out = append(out, compareOp(old, new, "trigger", k, ot[k], nt[k])...)
	}
	return out
}

// op is what actions and triggers share for comparison.
type op struct {
	title      string
	deprecated bool
	inputs     []*ir.Field
	outputs    []*ir.Field
	// outRef is the object definition the outputs came from, so that a
	// definition containing itself is expanded as deep on every path.
	outRef    string
	operation string
}

func actionsByKey(c *ir.Connector) map[string]*op {
	m := map[string]*op{}
	for _, a := range c.Actions {
		// Config fields are inputs too: shown first, mapped like the others.
		inputs := append(append([]*ir.Field{}, a.ConfigFields...), a.InputFields...)
		m[a.Key] = &op{title: a.Title.Raw(), deprecated: a.Deprecated, inputs: inputs,
			outputs: outputFields(c, a.OutputRef, a.OutputFields), outRef: a.OutputRef, operation: a.Operation}
	}
	return m
}

func triggersByKey(c *ir.Connector) map[string]*op {
	m := map[string]*op{}
	for _, t := range c.Triggers {
		m[t.Key] = &op{title: t.Title.Raw(), inputs: t.InputFields, outputs: outputFields(c, t.OutputRef, t.OutputFields), outRef: t.OutputRef}
	}
	return m
}

// outputFields resolves an output that names an object definition.
func outputFields(c *ir.Connector, ref string, fields []*ir.Field) []*ir.Field {
	if ref == "" {
		return fields
	}
	if d := objectDef(c, ref); d != nil {
		return d.Fields
	}
	return fields
}

func objectDef(c *ir.Connector, name string) *ir.ObjectDefinition {
	for _, d := range c.ObjectDefinitions {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func unionKeys(a, b map[string]*op) []string {
	seen := map[string]bool{}
	var keys []string
	for k := range a {
		seen[k] = true
		keys = append(keys, k)
	}
	for k := range b {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func compareOp(oldC, newC *ir.Connector, kind, key string, o, n *op) []Change {
	group := kind + " " + key
	base := Change{Group: group, Kind: kind, Key: key}
	if n != nil {
		base.Operation = n.operation
	} else if o != nil {
		base.Operation = o.operation
	}
	switch {
	case n == nil:
		c := base
		c.Breaking, c.Change, c.Message = true, "removed", "removed"
		c.Reason = "recipes using this " + kind + " can no longer run; they must be rebuilt with another step"
		if kind == "trigger" {
			c.Reason = "recipes started by this trigger stop"
		}
		return []Change{c}
	case o == nil:
		c := base
		c.Change, c.Message = "added", "added"
		c.Reason = "new " + kind
		if n.title != "" {
			c.Reason += fmt.Sprintf(" %q", n.title)
		}
		return []Change{c}
	}
	var out []Change
	if !o.deprecated && n.deprecated {
		c := base
		c.Change, c.Message, c.Reason = "deprecated", "deprecated", "it still works; plan to move recipes off it"
		out = append(out, c)
	}
	fields := compareFields(oldC, newC, group, kind, key, "input", side{fields: o.inputs}, side{fields: n.inputs})
	fields = append(fields, compareFields(oldC, newC, group, kind, key, "output",
		side{fields: o.outputs, def: o.outRef}, side{fields: n.outputs, def: n.outRef})...)
	for i := range fields {
		fields[i].Operation = base.Operation
	}
	return append(out, fields...)
}

// flat is one field with everything the comparison looks at.
type flat struct {
	path     string
	typ      string // "string", "array of object", ...
	required bool
	// values are the allowed values of a static pick list or select
	// options; nil when the field takes any value (or a dynamic list).
	values []string
	// list is true for a select over a pick list (static or dynamic).
	list bool
	// free is true when a toggle lets the user type any value anyway.
	free bool
}

// flatten walks nested properties and object definitions into dotted
// paths. An object definition that refers to itself is walked once.
func flatten(c *ir.Connector, fields []*ir.Field, prefix string, inDefs map[string]bool, out map[string]*flat, order *[]string) {
	for _, f := range fields {
		name := f.Name.Raw()
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		if _, dup := out[p]; dup {
			continue
		}
		fl := &flat{path: p, typ: typeOf(f), required: !f.Optional, free: f.ToggleField != nil}
		if f.PickList != "" {
			fl.list = true
			for _, pl := range c.PickLists {
				if pl.Name == f.PickList && pl.Body == "" {
					fl.values = optionValues(pl.Options)
				}
			}
		} else if len(f.Options) > 0 {
			fl.list = true
			fl.values = optionValues(f.Options)
		}
		out[p] = fl
		*order = append(*order, p)
		flatten(c, f.Properties, p, inDefs, out, order)
		if ref := f.PropertiesRef; ref != "" && !inDefs[ref] {
			if d := objectDef(c, ref); d != nil {
				inDefs[ref] = true
				flatten(c, d.Fields, p, inDefs, out, order)
				delete(inDefs, ref)
			}
		}
	}
}

func optionValues(opts [][2]ir.Text) []string {
	vs := make([]string, 0, len(opts))
	for _, o := range opts {
		vs = append(vs, o[1].Raw())
	}
	return vs
}

func typeOf(f *ir.Field) string {
	t := f.Type
	if t == "" {
		t = "string" // Workato's default
	}
	if t == "array" && f.Of != "" {
		return "array of " + f.Of
	}
	return t
}

// side is a field list to compare, and the object definition it is the
// body of, if any.
type side struct {
	fields []*ir.Field
	def    string
}

func (s side) flatten(c *ir.Connector) (map[string]*flat, []string) {
	m := map[string]*flat{}
	var order []string
	inDefs := map[string]bool{}
	if s.def != "" {
		inDefs[s.def] = true
	}
	flatten(c, s.fields, "", inDefs, m, &order)
	return m, order
}

// compareFields compares one side (inputs, outputs or connection fields).
func compareFields(oldC, newC *ir.Connector, group, kind, key, where string, oldS, newS side) []Change {
	om, oOrder := oldS.flatten(oldC)
	nm, nOrder := newS.flatten(newC)

	paths := append([]string(nil), oOrder...)
	for _, p := range nOrder {
		if om[p] == nil {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)

	// A removed, added or retyped object carries its sub-fields with it:
	// report the object once, not each of its fields.
	covered := func(p string, parents map[string]bool) bool {
		for q := parentOf(p); q != ""; q = parentOf(q) {
			if parents[q] {
				return true
			}
		}
		return false
	}
	parents := map[string]bool{}
	var removed, added []string

	var out []Change
	mk := func(breaking bool, change, p, oldV, newV, msg, reason string) {
		out = append(out, Change{Breaking: breaking, Group: group, Kind: kind, Key: key, Side: where, Field: p,
			Change: change, Old: oldV, New: newV, Message: msg, Reason: reason})
	}
	label := where
	if where == "connection" {
		label = "field"
	}
	for _, p := range paths {
		if covered(p, parents) {
			continue
		}
		o, n := om[p], nm[p]
		what := label + " " + p
		switch {
		case n == nil:
			parents[p] = true
			removed = append(removed, p)
			switch where {
			case "input":
				mk(true, "removed", p, o.typ, "", what+" removed", "recipes mapping it fail to start")
			case "output":
				mk(true, "removed", p, o.typ, "", "datapill "+p+" removed", "recipes using this datapill get no value and steps mapping it break")
			default:
				mk(false, "removed", p, o.typ, "", what+" removed", "connections keep working; the value is no longer used")
			}
			continue
		case o == nil:
			parents[p] = true
			added = append(added, p)
			switch {
			case where == "output":
				mk(false, "added", p, "", n.typ, "datapill "+p+" added", "new datapill, "+n.typ)
			case n.required && where == "connection":
				mk(true, "added", p, "", n.typ, what+" added, required", "existing connections lack it: every connection must be edited")
			case n.required:
				mk(true, "added", p, "", n.typ, what+" added, required", "existing recipes do not map it and fail to start")
			default:
				mk(false, "added", p, "", n.typ, what+" added", "optional "+n.typ)
			}
			continue
		}
		if o.typ != n.typ {
			parents[p] = true
			if where == "output" {
				mk(true, "type", p, o.typ, n.typ, fmt.Sprintf("datapill %s changed type %s → %s", p, o.typ, n.typ), "recipes using it receive a different kind of value; formulas and mappings on it may fail")
			} else {
				mk(true, "type", p, o.typ, n.typ, fmt.Sprintf("%s changed type %s → %s", what, o.typ, n.typ), "values recipes map into it may be rejected or converted differently")
			}
			continue
		}
		if where == "output" {
			continue // datapills: only presence and type matter to recipes
		}
		if !o.required && n.required {
			reason := "recipes that leave it empty fail to start"
			if where == "connection" {
				reason = "connections without a value must be edited"
			}
			mk(true, "required", p, "optional", "required", what+" made required", reason)
		} else if o.required && !n.required {
			mk(false, "optional", p, "required", "optional", what+" made optional", "recipes that fill it keep working")
		}
		compareValues(mk, what, p, o, n)
	}
	// A field removed and one added with the same type next to it is most
	// likely a rename; say so, it is what the reader will want to check.
	for i := range out {
		c := &out[i]
		if c.Change != "removed" || c.Side == "" {
			continue
		}
		if to := renameTarget(c.Field, om[c.Field], removed, added, om, nm); to != "" {
			c.RenamedTo = to
			c.Message += " — likely renamed to " + to
		}
	}
	return out
}

// compareValues reports pick-list changes of an input or connection field
// through mk.
func compareValues(mk func(bool, string, string, string, string, string, string), what, p string, o, n *flat) {
	switch {
	case !o.list && n.list && n.values != nil:
		reason := "the API now accepts only these values: " + strings.Join(n.values, ", ")
		mk(true, "pick-list-added", p, "", strings.Join(n.values, ","), what+" now limited to a pick list", reason+"; recipes sending others are rejected")
	case o.list && !n.list:
		mk(false, "pick-list-removed", p, strings.Join(o.values, ","), "", what+" no longer a pick list", "any value is accepted now")
	case o.values != nil && n.values != nil:
		gone, fresh := minus(o.values, n.values), minus(n.values, o.values)
		if len(gone) > 0 {
			mk(true, "values-removed", p, strings.Join(gone, ","), "", what+": pick-list values removed: "+strings.Join(gone, ", "),
				"recipes that chose them send a value the API no longer accepts")
		}
		if len(fresh) > 0 {
			mk(false, "values-added", p, "", strings.Join(fresh, ","), what+": pick-list values added: "+strings.Join(fresh, ", "), "new choices")
		}
	}
}

func renameTarget(p string, o *flat, removed, added []string, om, nm map[string]*flat) string {
	if o == nil {
		return ""
	}
	var candidates []string
	for _, a := range added {
		if parentOf(a) == parentOf(p) && nm[a].typ == o.typ {
			candidates = append(candidates, a)
		}
	}
	if len(candidates) != 1 {
		return ""
	}
	// Only when the match is mutual: one removed field of that type too.
	n := 0
	for _, r := range removed {
		if parentOf(r) == parentOf(p) && om[r].typ == o.typ {
			n++
		}
	}
	if n != 1 {
		return ""
	}
	return lastSegment(candidates[0])
}

func parentOf(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

func lastSegment(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, v := range b {
		in[v] = true
	}
	var out []string
	for _, v := range a {
		if !in[v] {
			out = append(out, v)
		}
	}
	return out
}

// Breaking counts the breaking changes.
func Breaking(cs []Change) int {
	n := 0
	for _, c := range cs {
		if c.Breaking {
			n++
		}
	}
	return n
}
