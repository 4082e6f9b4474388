package config

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workatogen/workatogen/generator/yamlcheck"
)

// TestSchemaMatchesStructs keeps connector.schema.json (for editors) and the
// Go structs (for decoding) describing the same keys at every level.
func TestSchemaMatchesStructs(t *testing.T) {
	data, err := os.ReadFile("connector.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["$defs"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			s = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
	}
	seen := map[reflect.Type]bool{} // Auth nests Auth through options
	var walk func(t reflect.Type, s map[string]any, path string)
	walk = func(typ reflect.Type, s map[string]any, path string) {
		s = resolve(s)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Struct:
			if seen[typ] {
				return
			}
			seen[typ] = true
			props, _ := s["properties"].(map[string]any)
			fields := yamlcheck.FieldTypes(typ)
			var goKeys, schemaKeys []string
			for k := range fields {
				goKeys = append(goKeys, k)
			}
			for k := range props {
				schemaKeys = append(schemaKeys, k)
			}
			sort.Strings(goKeys)
			sort.Strings(schemaKeys)
			if diff := cmp.Diff(goKeys, schemaKeys); diff != "" {
				t.Errorf("%s: keys differ (-go +schema):\n%s", path, diff)
			}
			if s["additionalProperties"] != false {
				t.Errorf("%s: schema must set additionalProperties: false (strict like the decoder)", path)
			}
			for k, ft := range fields {
				if ps, ok := props[k].(map[string]any); ok {
					walk(ft, ps, path+"/"+k)
				}
			}
		case reflect.Map:
			if ap, ok := s["additionalProperties"].(map[string]any); ok {
				walk(typ.Elem(), ap, path+"/*")
			} else {
				t.Errorf("%s: map needs additionalProperties schema", path)
			}
		case reflect.Slice, reflect.Array:
			if it, ok := s["items"].(map[string]any); ok {
				walk(typ.Elem(), it, path+"/[]")
			} else {
				t.Errorf("%s: list needs items schema", path)
			}
		}
	}
	walk(reflect.TypeOf(Config{}), root, "")
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		code       string
		line       int
		fix        string
	}{
		{"unknown top key", "titel: x\n", "Config/UnknownKey", 1, `did you mean "title"?`},
		{"unknown nested key", "actions:\n  launch:\n    operation: launchProcess\n    titel: Launch\n", "Config/UnknownKey", 4, `did you mean "title"?`},
		{"broken yaml", "title: [x\n", "Config/Syntax", 1, ""},
		{"wrong type", "retry:\n  max_retries: lots\n", "Config/Type", 2, ""},
		{"bad auth type", "connection:\n  auth:\n    type: berer\n", "Config/Enum", 3, `did you mean "bearer"?`},
		{"bearer without field", "connection:\n  auth:\n    type: bearer\n    token_field: tok\n", "Config/UnknownField", 4, ""},
		{"unbound path param", "connection:\n  path_parameters:\n    org: organization_id\n", "Config/UnknownField", 3, ""},
		{"base uri slash", "connection:\n  base_uri:\n    default: https://x.example/api\n", "Config/BaseURISlash", 3, ""},
		{"action without operation", "actions:\n  launch: {title: x}\n", "Config/MissingOperation", 2, ""},
		{"non-idempotent retry", "retry:\n  methods: [POST]\n", "Config/Retry", 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ds := LoadData("connector.yaml", []byte(tt.yaml))
			if f != nil {
				t.Fatalf("expected failure, got config")
			}
			if len(ds) == 0 {
				t.Fatal("no diagnostics")
			}
			d := ds[0]
			if d.Code != tt.code || d.Line != tt.line || d.File != "connector.yaml" {
				t.Errorf("got %s", d)
			}
			if tt.fix != "" && !strings.HasPrefix(d.Fix, tt.fix) {
				t.Errorf("fix = %q, want %q", d.Fix, tt.fix)
			}
		})
	}
}

func TestLoadOK(t *testing.T) {
	f, ds := LoadData("c.yaml", []byte(`
x-note: anything
title: Demo
connection:
  fields:
    - {name: api_token, control_type: password, optional: false}
  auth: {type: bearer, token_field: api_token, headers: {X-Client: "app {api_token}"}}
  base_uri: {default: "https://api.example.com/v1/"}
actions:
  get_thing: {operation: getThing, inputs: {id: {label: Thing}}}
`))
	if f == nil {
		t.Fatalf("load failed:\n%s", ds.Error())
	}
	if f.Config.Title != "Demo" || f.Config.Actions["get_thing"].Inputs["id"].Label != "Thing" {
		t.Errorf("decoded %+v", f.Config)
	}
	if line, _ := f.Position("/actions/get_thing/operation"); line != 10 {
		t.Errorf("position line = %d, want 10", line)
	}
}
