package yamlcheck

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type inner struct {
	Name string `yaml:"name"`
}

type doc struct {
	Title string            `yaml:"title"`
	Items []inner           `yaml:"items"`
	Pairs [][2]string       `yaml:"pairs"`
	Map   map[string]*inner `yaml:"map"`
	Free  yaml.Node         `yaml:"free"`
	Any   any               `yaml:"any"`
}

func TestCheckKeys(t *testing.T) {
	tests := []struct {
		name, src string
		ext       bool
		want      []string // substrings of the rendered diagnostics; empty = none
	}{
		{"ok", "title: x\nitems: [{name: a}]\npairs: [[a, b]]\nmap: {k: {name: v}}\nfree: {anything: [1]}\nany: {x: 1}\n", false, nil},
		{"unknown top", "titel: x\n", false, []string{`1:1`, `unknown key "titel" in the top level`, `did you mean "title"?`}},
		{"unknown nested", "items:\n  - nmae: a\n", false, []string{`2:5`, `unknown key "nmae" in "items/0"`, `did you mean "name"?`}},
		{"in a map", "map:\n  k: {nam: v}\n", false, []string{`unknown key "nam" in "map/k"`}},
		{"shape", "items: {name: a}\n", false, []string{`"items" must be a list`}},
		{"extensions off", "x-note: 1\n", false, []string{`unknown key "x-note"`}},
		{"extensions on", "x-note: 1\n", true, nil},
		{"merge key", "base: &b {name: a}\nitems:\n  - <<: *b\n    name: c\n", false, []string{`unknown key "base"`}},
		{"null ok", "items: null\n", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &n); err != nil {
				t.Fatal(err)
			}
			ds := CheckKeys(&n, reflect.TypeOf(doc{}), Options{File: "f.yaml", UnknownCode: "T/Unknown", ShapeCode: "T/Shape", Extensions: tt.ext})
			got := ds.Error()
			if len(tt.want) == 0 && len(ds) > 0 {
				t.Fatalf("unexpected: %s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q missing from:\n%s", w, got)
				}
			}
		})
	}
}
