package yamlcheck

import (
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestLocate(t *testing.T) {
	tests := []struct {
		src  string
		line int
	}{
		{"openapi: 3.0.3\ninfo:\n  title: [Demo\npaths: {}\n", 4},
		{"title: [x\n", 1},
		{"openapi: 3.0.3\ninfo:\n  title: x\n   version: 1\n", 3},
		{"a: b\n\tc: d\n", 2},
	}
	for _, tt := range tests {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(tt.src), &n)
		if err == nil {
			t.Fatalf("%q parsed", tt.src)
		}
		line, _, msg := Locate([]byte(tt.src), err)
		if line != tt.line || msg == "" {
			t.Errorf("%q: line %d (%s), want %d", tt.src, line, msg, tt.line)
		}
	}
	if line, _, _ := Locate([]byte("ok: 1"), errors.New("yaml: line 7: boom")); line != 7 {
		t.Errorf("fallback line = %d", line)
	}
}
