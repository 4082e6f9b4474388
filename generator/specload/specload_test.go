package specload

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workatogen/workatogen/generator/diag"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, src string
		code            string
		line            int
		fixContains     string
	}{
		{"broken yaml", "a.yaml", "openapi: 3.0.3\ninfo: [\n", "Spec/Syntax", 2, ""},
		{"broken json", "a.json", "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {,\n}", "Spec/Syntax", 3, ""},
		{"no version", "a.yaml", "info: {title: x, version: '1'}\npaths: {}\n", "Spec/UnknownVersion", 1, ""},
		{"dangling ref", "a.yaml", `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /runs:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Runn'}
components:
  schemas:
    Run: {type: object}
`, "Spec/DanglingRef", 11, `did you mean "#/components/schemas/Run"?`},
		{"not an object", "a.yaml", "- a\n- b\n", "Spec/NotAnObject", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ds := LoadData(context.Background(), tt.file, []byte(tt.src))
			if s != nil {
				t.Fatal("expected failure")
			}
			if len(ds) == 0 || ds[0].Code != tt.code || ds[0].Line != tt.line {
				t.Fatalf("got %v", ds)
			}
			if tt.fixContains != "" && !strings.Contains(ds[0].Fix, tt.fixContains) {
				t.Errorf("fix = %q", ds[0].Fix)
			}
		})
	}
}

func TestLoadTallyfy(t *testing.T) {
	s, ds := Load(context.Background(), "../../spec/tallyfy/openapi.yaml")
	if s == nil || ds.Count(diag.Warning) > 0 {
		t.Fatalf("tallyfy spec should load cleanly:\n%s", ds.Error())
	}
	line, _ := s.Position(Pointer("paths", "/me", "get"))
	if line == 0 {
		t.Error("no position for GET /me")
	}
}

func TestLoadSwagger2(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "spec-sources", "tallyfy-swagger-2.0.0.json")
	if _, err := os.Stat(path); err != nil {
		t.Skip("../shared is not present (Tallyfy's Swagger file is read from there, never copied)")
	}
	s, ds := Load(context.Background(), path)
	if s == nil {
		t.Fatalf("load failed:\n%s", ds.Error())
	}
	if !s.Swagger || s.Doc.Paths.Len() != 257 {
		t.Errorf("swagger=%v paths=%d", s.Swagger, s.Doc.Paths.Len())
	}
	line, _ := s.Position(Pointer("components", "schemas", "Run"))
	if line < 2 {
		t.Errorf("Run definition position = %d", line)
	}
}
