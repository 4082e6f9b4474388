package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/testflags"
)

// go test ./... -update rewrites the committed output (out/tallyfy) from the
// spec and config, the way Go's own golden tests work.
var update = testflags.Update

const repoRoot = ".."

func inRepo(t *testing.T) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(repoRoot); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
}

func mustRuby(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ruby")
	if err != nil {
		t.Fatal("ruby not found: install it with apt-get install -y ruby ruby-activesupport")
	}
	return p
}

func generate(t *testing.T, opts Options) (*Result, diag.List) {
	t.Helper()
	res, ds := Generate(context.Background(), opts)
	if res == nil {
		t.Fatalf("generate failed:\n%s", ds.Error())
	}
	return res, ds
}

// TestGolden keeps out/tallyfy honest: the committed files are exactly what
// the spec and config generate.
func TestGolden(t *testing.T) {
	inRepo(t)
	res, _ := generate(t, Options{})
	if *update {
		if err := Write(res); err != nil {
			t.Fatal(err)
		}
		return
	}
	for name, got := range res.Files {
		want, err := os.ReadFile(filepath.Join(res.OutDir, name))
		if err != nil {
			t.Fatalf("%v (run `go test ./generator -update` to create it)", err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s is stale (-committed +generated); run `go test ./generator -update` or `workatogen generate`:\n%s", name, diff)
		}
	}
}

// TestDeterministic generates twice and expects identical bytes.
func TestDeterministic(t *testing.T) {
	inRepo(t)
	a, _ := generate(t, Options{})
	b, _ := generate(t, Options{})
	for name := range a.Files {
		if !bytes.Equal(a.Files[name], b.Files[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

type inspection struct {
	Class            string                    `json:"class"`
	Keys             []string                  `json:"keys"`
	Title            string                    `json:"title"`
	ConnectionFields []string                  `json:"connection_fields"`
	AuthType         string                    `json:"auth_type"`
	Actions          map[string]inspectAction  `json:"actions"`
	Triggers         map[string]map[string]any `json:"triggers"`
	PickLists        []string                  `json:"pick_lists"`
	PickListValues   map[string][][]string     `json:"pick_list_values"`
	ObjectDefs       []string                  `json:"object_definitions"`
	Methods          []string                  `json:"methods"`
	Problems         []string                  `json:"problems"`
	MarkerExists     bool                      `json:"marker_exists"`
}

type inspectAction struct {
	Keys          []string       `json:"keys"`
	Title         string         `json:"title"`
	Subtitle      string         `json:"subtitle"`
	Inputs        []string       `json:"inputs"`
	InputHints    []any          `json:"input_hints"`
	ExecuteParams []string       `json:"execute_params"`
	Help          map[string]any `json:"help"`
}

// inspect evaluates the connector with the real Ruby interpreter and returns
// its structure. The working directory is a fresh temp dir so that any
// payload that managed to run would leave a "pwned" file there.
func inspect(t *testing.T, src []byte) (inspection, string) {
	t.Helper()
	ruby := mustRuby(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "connector.rb")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs(filepath.Join("generator", "testdata", "inspect.rb"))
	if _, err := os.Stat(script); err != nil {
		script, _ = filepath.Abs(filepath.Join("testdata", "inspect.rb"))
	}
	marker := filepath.Join(dir, "pwned")
	cmd := exec.Command(ruby, "--disable-gems", script, file, marker)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("evaluating the connector failed: %v\n%s", err, stderr.String())
	}
	var in inspection
	if err := json.Unmarshal(out, &in); err != nil {
		t.Fatalf("bad inspect output: %v\n%s", err, out)
	}
	return in, marker
}

// TestTallyfyEvaluates checks the committed connector with the real Ruby
// interpreter: one Hash with the top-level keys Workato reads, every action
// complete, every field with an explicit optional.
func TestTallyfyEvaluates(t *testing.T) {
	inRepo(t)
	res, _ := generate(t, Options{})
	in, _ := inspect(t, res.Files["connector.rb"])
	if in.Class != "Hash" {
		t.Fatalf("connector evaluates to %s", in.Class)
	}
	for _, k := range []string{"title", "connection", "test", "actions", "object_definitions", "pick_lists", "methods"} {
		if !contains(in.Keys, k) {
			t.Errorf("top-level key %q missing (have %v)", k, in.Keys)
		}
	}
	if in.AuthType != "multi" {
		t.Errorf("auth type = %q, want multi (API token or OAuth 2.0)", in.AuthType)
	}
	wantActions := []string{"launch_process", "complete_task", "reopen_task", "get_process", "list_processes",
		"update_task_form_fields", "add_comment_to_task", "list_templates", "get_template", "upload_file",
		"get_task", "list_tasks", "create_one_off_task", "list_members", "list_groups"}
	for _, a := range wantActions {
		act, ok := in.Actions[a]
		if !ok {
			t.Errorf("action %s missing", a)
			continue
		}
		for _, k := range []string{"title", "subtitle", "description", "help", "input_fields", "execute", "output_fields", "sample_output"} {
			if !contains(act.Keys, k) {
				t.Errorf("action %s has no %s", a, k)
			}
		}
		if act.Help["learn_more_url"] == nil {
			t.Errorf("action %s help has no link to the API docs", a)
		}
	}
	if len(in.Problems) > 0 {
		t.Errorf("schema problems:\n%s", strings.Join(in.Problems, "\n"))
	}
	for _, f := range []string{"auth_type", "organization_id", "api_host"} {
		if !contains(in.ConnectionFields, f) {
			t.Errorf("connection field %s missing", f)
		}
	}
	for _, tr := range []string{"new_process", "process_completed", "task_completed", "task_assigned_to_me", "new_comment",
		"process_launched_instant", "task_completed_instant", "template_webhook"} {
		if _, ok := in.Triggers[tr]; !ok {
			t.Errorf("trigger %s missing", tr)
		}
	}
	for _, p := range []string{"templates", "processes", "members", "groups", "process_tasks"} {
		if !contains(in.PickLists, p) {
			t.Errorf("pick list %s missing", p)
		}
	}
}

// TestInjectionIsInert generates from a spec and a config whose strings try
// to run code, close literals or comments, or hide text, and proves the
// connector parses, evaluates to a Hash, runs none of it, and keeps every
// string exactly.
func TestInjectionIsInert(t *testing.T) {
	for _, withConfig := range []bool{false, true} {
		name := "spec only"
		if withConfig {
			name = "with config"
		}
		t.Run(name, func(t *testing.T) {
			opts := Options{SpecPath: "testdata/injection/openapi.yaml", OutDir: t.TempDir()}
			if withConfig {
				opts.ConfigPath = "testdata/injection/connector.yaml"
			}
			res, _ := generate(t, opts)
			src := res.Files["connector.rb"]
			in, marker := inspect(t, src)
			if in.MarkerExists {
				data, _ := os.ReadFile(marker)
				t.Fatalf("a payload ran while evaluating the connector (wrote %q)", data)
			}
			if in.Class != "Hash" {
				t.Fatalf("connector evaluates to %s", in.Class)
			}
			if len(in.Problems) > 0 {
				t.Errorf("schema problems:\n%s", strings.Join(in.Problems, "\n"))
			}
			wantTitle := "Evil #{File.write('pwned', 'title')} \"quoted\" \\ end"
			if withConfig {
				wantTitle = "Config #{File.write('pwned', 'cfgtitle')} '\\"
			}
			if in.Title != wantTitle {
				t.Errorf("title = %q, want %q", in.Title, wantTitle)
			}
			var values []string
			for _, opts := range in.PickListValues {
				for _, o := range opts {
					values = append(values, o[1])
				}
			}
			for _, v := range []string{"a'b", "#{File.write('pwned', 'enum')}", "end", "x\ny", "\\"} {
				if !contains(values, v) {
					t.Errorf("enum value %q did not survive (have %q)", v, values)
				}
			}
			// Bidi controls must be escaped, never raw, in the source.
			if bytes.Contains(src, []byte("\u202e")) {
				t.Error("a raw bidi override character reached the connector source")
			}
			// No line of the file may start a heredoc terminator, =begin or __END__.
			for i, line := range strings.Split(string(src), "\n") {
				trimmed := strings.TrimSpace(line)
				if trimmed == "__END__" || strings.HasPrefix(line, "=begin") || trimmed == "EOS" {
					t.Errorf("line %d is a structural Ruby token from the spec: %q", i+1, line)
				}
			}
		})
	}
}

// TestBadInput drives every class of bad input through Generate and checks
// the diagnostic: stable code, file and line, and a fix.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		opts   func(dir string) Options
		code   string
		file   string
		line   int
		fixHas string
	}{
		{
			name:  "broken yaml",
			files: map[string]string{"openapi.yaml": "openapi: 3.0.3\ninfo:\n  title: x\n   version: 1\n"},
			code:  "Spec/Syntax", file: "openapi.yaml", line: 3,
		},
		{
			name:  "broken json",
			files: map[string]string{"openapi.json": "{\n \"openapi\": \"3.0.3\",\n \"info\": {\"title\": \"x\" \"version\": \"1\"}\n}"},
			opts:  func(dir string) Options { return Options{SpecPath: filepath.Join(dir, "openapi.json")} },
			code:  "Spec/Syntax", file: "openapi.json", line: 3,
		},
		{
			name: "dangling ref",
			files: map[string]string{"openapi.yaml": minimalSpec(`      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thingg'}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: string}}}
`)},
			code: "Spec/DanglingRef", file: "openapi.yaml", line: 15, fixHas: `#/components/schemas/Thing`,
		},
		{
			name: "cyclic schema",
			files: map[string]string{"openapi.yaml": minimalSpec(`      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      type: object
      properties:
        id: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
`)},
			code: "Schema/Cycle", file: "openapi.yaml", line: 22, fixHas: "cut_cycles",
		},
		{
			name: "config names a missing operation",
			files: map[string]string{
				"openapi.yaml":   minimalSpec(okResponse),
				"connector.yaml": "actions:\n  get_thing:\n    operation: getThingz\n",
			},
			opts:   func(dir string) Options { return Options{ConfigPath: filepath.Join(dir, "connector.yaml")} },
			code:   "Config/UnknownOperation",
			file:   "connector.yaml",
			line:   3,
			fixHas: `did you mean "getThing"?`,
		},
		{
			name: "unknown config key",
			files: map[string]string{
				"openapi.yaml":   minimalSpec(okResponse),
				"connector.yaml": "title: x\nactons:\n  a: {operation: getThing}\n",
			},
			opts: func(dir string) Options { return Options{ConfigPath: filepath.Join(dir, "connector.yaml")} },
			code: "Config/UnknownKey", file: "connector.yaml", line: 2, fixHas: `did you mean "actions"?`,
		},
		{
			name:  "path parameter with no binding",
			files: map[string]string{"openapi.yaml": strings.Replace(minimalSpec(okResponse), "/things/{id}:", "/orgs/{org}/things/{id}:", 1)},
			code:  "Spec/UnboundPathParameter", file: "openapi.yaml", line: 5, fixHas: "path_parameters",
		},
		{
			name: "config binds to a missing field",
			files: map[string]string{
				"openapi.yaml":   minimalSpec(okResponse),
				"connector.yaml": "connection:\n  path_parameters:\n    id: thing_id\n",
			},
			opts: func(dir string) Options { return Options{ConfigPath: filepath.Join(dir, "connector.yaml")} },
			code: "Config/UnknownField", file: "connector.yaml", line: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := Options{SpecPath: filepath.Join(dir, "openapi.yaml")}
			if tt.opts != nil {
				opts = tt.opts(dir)
			}
			opts.OutDir = filepath.Join(dir, "out")
			res, ds := Generate(context.Background(), opts)
			if res != nil {
				t.Fatalf("expected failure; diagnostics:\n%s", ds.Error())
			}
			var found *diag.Diagnostic
			for i := range ds {
				if ds[i].Code == tt.code {
					found = &ds[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no %s diagnostic; got:\n%s", tt.code, ds.Error())
			}
			if filepath.Base(found.File) != tt.file || found.Line != tt.line {
				t.Errorf("located at %s:%d, want %s:%d\n%s", found.File, found.Line, tt.file, tt.line, found)
			}
			if found.Severity != diag.Error {
				t.Errorf("severity %s, want error", found.Severity)
			}
			if tt.fixHas != "" && !strings.Contains(found.Fix, tt.fixHas) {
				t.Errorf("fix %q does not mention %q", found.Fix, tt.fixHas)
			}
		})
	}
}

const okResponse = `      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
`

func minimalSpec(responses string) string {
	return `openapi: 3.0.3
info: {title: Demo, version: '1'}
servers: [{url: 'https://api.example.com/v1'}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
` + responses
}

// sharedSwagger is Tallyfy's own Swagger 2.0 file. It has no licence, so it is
// read from ../shared and never copied into the project.
func sharedSwagger(t *testing.T) string {
	t.Helper()
	p, _ := filepath.Abs(filepath.Join(repoRoot, "..", "shared", "spec-sources", "tallyfy-swagger-2.0.0.json"))
	if _, err := os.Stat(p); err != nil {
		t.Skip("../shared/spec-sources is not present next to this checkout")
	}
	return p
}

// TestTallyfySwagger generates from Tallyfy's own Swagger 2.0 file (332
// operations with known defects) with and without a config: no crash, a
// connector Ruby evaluates, and the defects reported as diagnostics.
func TestTallyfySwagger(t *testing.T) {
	path := sharedSwagger(t)
	for _, withConfig := range []bool{false, true} {
		name := "spec only"
		if withConfig {
			name = "with config"
		}
		t.Run(name, func(t *testing.T) {
			opts := Options{SpecPath: path, OutDir: t.TempDir()}
			if withConfig {
				opts.ConfigPath = "testdata/swagger/connector.yaml"
			}
			res, ds := generate(t, opts)
			in, _ := inspect(t, res.Files["connector.rb"])
			if in.Class != "Hash" {
				t.Fatalf("evaluates to %s", in.Class)
			}
			if len(in.Problems) > 0 {
				t.Errorf("schema problems (%d), first: %s", len(in.Problems), in.Problems[0])
			}
			codes := map[string]int{}
			for _, d := range ds {
				codes[d.Code]++
			}
			for _, want := range []string{"Spec/ConvertedFromSwagger2", "Spec/OperationIdRenamed", "Spec/MissingOperationId"} {
				if codes[want] == 0 {
					t.Errorf("expected a %s diagnostic; got %v", want, codes)
				}
			}
			if withConfig {
				if in.AuthType != "custom_auth" {
					t.Errorf("auth = %s", in.AuthType)
				}
				if _, ok := in.Actions["launch_process"]; !ok {
					t.Errorf("config action launch_process missing")
				}
			}
			if len(in.Actions) < 300 {
				t.Errorf("only %d actions from 332 operations", len(in.Actions))
			}
			t.Logf("%d actions, %d object definitions, %d pick lists; diagnostics: %v", len(in.Actions), len(in.ObjectDefs), len(in.PickLists), summary(codes))
		})
	}
}

func summary(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+itoa(v))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
