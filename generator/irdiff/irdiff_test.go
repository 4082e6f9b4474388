package irdiff

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workatogen/workatogen/generator/ir"
)

// fld builds a field; opt marks it optional.
func fld(name, typ string, opt bool, props ...*ir.Field) *ir.Field {
	return &ir.Field{Name: ir.Text(name), Type: typ, Optional: opt, Properties: props}
}

func arr(name, of string, props ...*ir.Field) *ir.Field {
	f := fld(name, "array", true, props...)
	f.Of = of
	return f
}

func picked(f *ir.Field, list string) *ir.Field {
	f.ControlType, f.PickList = "select", list
	f.ToggleField = &ir.Field{Name: f.Name, Type: "string"}
	return f
}

// conn builds a connector with one action "act".
func conn(in, out []*ir.Field, lists ...*ir.PickList) *ir.Connector {
	return &ir.Connector{
		Actions:   []*ir.Action{{Key: "act", Title: "Act", InputFields: in, OutputFields: out, Operation: "POST /x"}},
		PickLists: lists,
	}
}

func list(name string, values ...string) *ir.PickList {
	pl := &ir.PickList{Name: name}
	for _, v := range values {
		pl.Options = append(pl.Options, [2]ir.Text{ir.Text(v), ir.Text(v)})
	}
	return pl
}

// line is the compact form the table compares: "BREAKING input x removed".
func lines(cs []Change) []string {
	var out []string
	for _, c := range cs {
		tag := "safe"
		if c.Breaking {
			tag = "BREAKING"
		}
		out = append(out, tag+" "+c.Group+": "+c.Message)
	}
	return out
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		old, new *ir.Connector
		want     []string
	}{
		{"identical", conn([]*ir.Field{fld("a", "string", false)}, nil), conn([]*ir.Field{fld("a", "string", false)}, nil), nil},
		{"input removed", conn([]*ir.Field{fld("a", "string", true), fld("b", "integer", true)}, nil), conn([]*ir.Field{fld("a", "string", true)}, nil),
			[]string{"BREAKING action act: input b removed"}},
		{"optional input added", conn(nil, nil), conn([]*ir.Field{fld("a", "string", true)}, nil),
			[]string{"safe action act: input a added"}},
		{"required input added", conn(nil, nil), conn([]*ir.Field{fld("a", "string", false)}, nil),
			[]string{"BREAKING action act: input a added, required"}},
		{"made required", conn([]*ir.Field{fld("a", "string", true)}, nil), conn([]*ir.Field{fld("a", "string", false)}, nil),
			[]string{"BREAKING action act: input a made required"}},
		{"made optional", conn([]*ir.Field{fld("a", "string", false)}, nil), conn([]*ir.Field{fld("a", "string", true)}, nil),
			[]string{"safe action act: input a made optional"}},
		{"input retyped", conn([]*ir.Field{fld("a", "integer", true)}, nil), conn([]*ir.Field{fld("a", "string", true)}, nil),
			[]string{"BREAKING action act: input a changed type integer → string"}},
		{"array item type", conn([]*ir.Field{arr("ids", "integer")}, nil), conn([]*ir.Field{arr("ids", "string")}, nil),
			[]string{"BREAKING action act: input ids changed type array of integer → array of string"}},
		{"empty type is string", conn([]*ir.Field{fld("a", "", true)}, nil), conn([]*ir.Field{fld("a", "string", true)}, nil), nil},
		{"nested input removed", conn([]*ir.Field{fld("o", "object", true, fld("x", "string", true), fld("y", "string", true))}, nil),
			conn([]*ir.Field{fld("o", "object", true, fld("x", "string", true))}, nil),
			[]string{"BREAKING action act: input o.y removed"}},
		{"object removed once, not per field", conn([]*ir.Field{fld("o", "object", true, fld("x", "string", true), fld("y", "string", true))}, nil),
			conn(nil, nil), []string{"BREAKING action act: input o removed"}},
		{"pick-list values", conn([]*ir.Field{picked(fld("s", "string", true), "s_options")}, nil, list("s_options", "a", "b")),
			conn([]*ir.Field{picked(fld("s", "string", true), "other_name")}, nil, list("other_name", "b", "c")),
			[]string{"BREAKING action act: input s: pick-list values removed: a", "safe action act: input s: pick-list values added: c"}},
		{"pick list added", conn([]*ir.Field{fld("s", "string", true)}, nil),
			conn([]*ir.Field{picked(fld("s", "string", true), "l")}, nil, list("l", "a")),
			[]string{"BREAKING action act: input s now limited to a pick list"}},
		{"pick list removed", conn([]*ir.Field{picked(fld("s", "string", true), "l")}, nil, list("l", "a")),
			conn([]*ir.Field{fld("s", "string", true)}, nil),
			[]string{"safe action act: input s no longer a pick list"}},
		{"datapill removed", conn(nil, []*ir.Field{fld("id", "string", true), fld("total", "number", true)}), conn(nil, []*ir.Field{fld("id", "string", true)}),
			[]string{"BREAKING action act: datapill total removed"}},
		{"datapill retyped", conn(nil, []*ir.Field{fld("n", "integer", true)}), conn(nil, []*ir.Field{fld("n", "string", true)}),
			[]string{"BREAKING action act: datapill n changed type integer → string"}},
		{"datapill added", conn(nil, nil), conn(nil, []*ir.Field{fld("n", "integer", true)}),
			[]string{"safe action act: datapill n added"}},
		{"datapill optionality does not matter", conn(nil, []*ir.Field{fld("n", "integer", false)}), conn(nil, []*ir.Field{fld("n", "integer", true)}), nil},
		{"likely rename", conn([]*ir.Field{fld("checklist_id", "string", false)}, nil), conn([]*ir.Field{fld("template_id", "string", false)}, nil),
			[]string{"BREAKING action act: input checklist_id removed — likely renamed to template_id", "BREAKING action act: input template_id added, required"}},
		{"no rename guess when ambiguous", conn([]*ir.Field{fld("a", "string", true)}, nil), conn([]*ir.Field{fld("b", "string", true), fld("c", "string", true)}, nil),
			[]string{"BREAKING action act: input a removed", "safe action act: input b added", "safe action act: input c added"}},
		{"action removed", conn(nil, nil), &ir.Connector{}, []string{"BREAKING action act: removed"}},
		{"action added", &ir.Connector{}, conn(nil, nil), []string{"safe action act: added"}},
		{"required connection field added", &ir.Connector{}, &ir.Connector{Connection: ir.Connection{Fields: []*ir.Field{fld("region", "string", false)}}},
			[]string{"BREAKING connection: field region added, required"}},
		{"connection field removed", &ir.Connector{Connection: ir.Connection{Fields: []*ir.Field{fld("region", "string", false)}}}, &ir.Connector{},
			[]string{"safe connection: field region removed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lines(Compare(tt.old, tt.new))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// Outputs named by an object definition are resolved, nested definitions
// too, and a definition that contains itself does not loop: it is expanded
// once on every path, whether the output names it or a field does.
func TestCompareResolvesObjectDefinitions(t *testing.T) {
	mk := func(extra ...*ir.Field) *ir.Connector {
		self := fld("parent", "object", true)
		self.PropertiesRef = "node"
		node := &ir.ObjectDefinition{Name: "node", Fields: append([]*ir.Field{fld("id", "string", true), self}, extra...)}
		list := arr("nodes", "object")
		list.PropertiesRef = "node"
		return &ir.Connector{
			Actions: []*ir.Action{
				{Key: "get", OutputRef: "node"},
				{Key: "list", OutputFields: []*ir.Field{list}},
			},
			ObjectDefinitions: []*ir.ObjectDefinition{node},
		}
	}
	got := lines(Compare(mk(fld("name", "string", true)), mk()))
	want := []string{
		"BREAKING action get: datapill name removed",
		"BREAKING action list: datapill nodes.name removed",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestChangeString(t *testing.T) {
	c := Change{Breaking: true, Group: "action launch_process", Message: "input checklist_id removed", Reason: "recipes mapping it fail to start"}
	if got, want := c.String(), "BREAKING  action launch_process: input checklist_id removed (recipes mapping it fail to start)"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	c.Breaking = false
	if got := c.String(); !strings.HasPrefix(got, "safe      action") {
		t.Errorf("safe lines align with BREAKING ones: %q", got)
	}
}

func TestReport(t *testing.T) {
	rep := &Report{Old: "a.yaml", New: "b.yaml", Changes: Compare(
		conn([]*ir.Field{fld("a", "string", true)}, nil),
		&ir.Connector{Actions: []*ir.Action{{Key: "act", InputFields: []*ir.Field{fld("a", "string", true), fld("b", "string", true)}}, {Key: "zed"}}},
	)}
	rep.count()
	var b bytes.Buffer
	if err := rep.WriteText(&b, false); err != nil {
		t.Fatal(err)
	}
	want := `safe      action act: input b added (optional string)

safe      action zed: added (new action)

2 changes: 0 breaking, 2 safe (a.yaml → b.yaml)
`
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("text (-want +got):\n%s", d)
	}

	b.Reset()
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Breaking != 0 || back.Safe != 2 || len(back.Changes) != 2 || back.Changes[0].Field != "b" {
		t.Errorf("json round trip: %+v", back)
	}

	empty := &Report{Old: "a", New: "a"}
	empty.count()
	b.Reset()
	_ = empty.WriteJSON(&b)
	if !strings.Contains(b.String(), `"changes": []`) {
		t.Errorf("no changes must be [] for scripts, got:\n%s", b.String())
	}
}

func TestQuoted(t *testing.T) {
	tests := map[string]string{
		`operation "archiveProcess" is not in new.yaml`: "archiveProcess",
		`config field "a\"b" is not an input`:           `a"b`,
		`no quotes here`:                                "",
		`unterminated "quote`:                           "",
	}
	for msg, want := range tests {
		if got := quoted(msg); got != want {
			t.Errorf("quoted(%q) = %q, want %q", msg, got, want)
		}
	}
}
