package tallyfy_test

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const (
	specFile        = "openapi.yaml"
	schemaRefPrefix = "#/components/schemas/"
	orgParamRef     = "#/components/parameters/Org"
)

// loadSpec loads openapi.yaml once per test and fails the test if it does not load.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(specFile)
	if err != nil {
		t.Fatalf("load %s: %v", specFile, err)
	}
	return doc
}

// operation is one row of the contract between this spec and the connector.
type operation struct {
	id      string
	method  string
	path    string
	success string // the documented success status
}

var operations = []operation{
	// Users
	{"getMe", http.MethodGet, "/me", "200"},
	{"getOrganizationMe", http.MethodGet, "/organizations/{org}/me", "200"},
	{"listMyTasks", http.MethodGet, "/organizations/{org}/me/tasks", "200"},
	// Templates
	{"listTemplates", http.MethodGet, "/organizations/{org}/checklists", "200"},
	{"listTemplateTitles", http.MethodGet, "/organizations/{org}/checklists-list", "200"},
	{"getTemplate", http.MethodGet, "/organizations/{org}/checklists/{checklist_id}", "200"},
	{"updateTemplate", http.MethodPut, "/organizations/{org}/checklists/{checklist_id}", "200"},
	{"listTemplateFormFields", http.MethodGet, "/organizations/{org}/checklists/{checklist_id}/form-fields", "200"},
	// Processes
	{"launchProcess", http.MethodPost, "/organizations/{org}/runs", "201"},
	{"listProcesses", http.MethodGet, "/organizations/{org}/runs", "200"},
	{"listProcessTitles", http.MethodGet, "/organizations/{org}/runs-list", "200"},
	{"getProcess", http.MethodGet, "/organizations/{org}/runs/{run_id}", "200"},
	{"updateProcess", http.MethodPut, "/organizations/{org}/runs/{run_id}", "200"},
	{"archiveProcess", http.MethodDelete, "/organizations/{org}/runs/{run_id}", "200"},
	{"listProcessFormFields", http.MethodGet, "/organizations/{org}/runs/{run_id}/form-fields", "200"},
	// Tasks
	{"listTasks", http.MethodGet, "/organizations/{org}/tasks", "200"},
	{"listProcessTasks", http.MethodGet, "/organizations/{org}/runs/{run_id}/tasks", "200"},
	{"getTask", http.MethodGet, "/organizations/{org}/tasks/{task_id}", "200"},
	{"getProcessTask", http.MethodGet, "/organizations/{org}/runs/{run_id}/tasks/{task_id}", "200"},
	{"createOneOffTask", http.MethodPost, "/organizations/{org}/tasks", "201"},
	{"updateProcessTask", http.MethodPut, "/organizations/{org}/runs/{run_id}/tasks/{task_id}", "200"},
	{"completeProcessTask", http.MethodPost, "/organizations/{org}/runs/{run_id}/completed-tasks", "200"},
	{"completeOneOffTask", http.MethodPost, "/organizations/{org}/completed-tasks", "200"},
	{"reopenProcessTask", http.MethodDelete, "/organizations/{org}/runs/{run_id}/completed-tasks/{task_id}", "200"},
	{"reopenOneOffTask", http.MethodDelete, "/organizations/{org}/completed-tasks/{task_id}", "200"},
	// Comments
	{"addTaskComment", http.MethodPost, "/organizations/{org}/tasks/{task_id}/comment", "201"},
	// Files
	{"uploadFile", http.MethodPost, "/organizations/{org}/file", "200"},
	{"getAsset", http.MethodGet, "/organizations/{org}/assets/{asset_id}", "200"},
	{"downloadFile", http.MethodGet, "/organizations/{org}/file/{file_id}/dl", "200"},
	// Members, groups, guests
	{"listMembers", http.MethodGet, "/organizations/{org}/users", "200"},
	{"listMemberNames", http.MethodGet, "/organizations/{org}/users-list", "200"},
	{"listGroups", http.MethodGet, "/organizations/{org}/groups", "200"},
	{"listGroupNames", http.MethodGet, "/organizations/{org}/groups-list", "200"},
	{"listGuests", http.MethodGet, "/organizations/{org}/guests", "200"},
	// Webhooks
	{"addWatcher", http.MethodPost, "/organizations/{org}/users/{user_id}/add-watcher", "200"},
	{"listWatchers", http.MethodGet, "/organizations/{org}/watchers", "200"},
	{"removeWatcher", http.MethodDelete, "/organizations/{org}/remove-watcher/{watcher_id}", "204"},
}

// requiredSchemas are the component names other parts of the project rely on.
var requiredSchemas = []string{
	"User", "Organization", "Template", "TemplateTitle", "KickoffField", "FormField",
	"FormFieldOption", "FormFieldColumn", "Step", "Run", "RunProgress", "Task", "TaskOwners",
	"CompletedProcessTask", "Comment", "Asset", "Group", "Guest", "Watcher", "Pagination",
	"ListMeta", "Error", "ValidationError",
	"LaunchProcessRequest", "UpdateProcessRequest", "CreateOneOffTaskRequest",
	"UpdateProcessTaskRequest", "CompleteTaskRequest", "AddCommentRequest", "AddWatcherRequest",
	"UploadFileRequest",
	"ProcessWebhookPayload", "TaskWebhookPayload", "OrganizationWebhookEvent",
}

func TestSpecValidates(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatalf("validate: %v", err)
	}
}

func TestOperations(t *testing.T) {
	doc := loadSpec(t)
	want := map[string]bool{}
	for _, tc := range operations {
		want[tc.id] = true
		t.Run(tc.id, func(t *testing.T) {
			item := doc.Paths.Value(tc.path)
			if item == nil {
				t.Fatalf("path %s missing", tc.path)
			}
			op := item.GetOperation(tc.method)
			if op == nil {
				t.Fatalf("%s %s missing", tc.method, tc.path)
			}
			if op.OperationID != tc.id {
				t.Errorf("%s %s has operationId %q, want %q", tc.method, tc.path, op.OperationID, tc.id)
			}
			if len(op.Tags) != 1 {
				t.Errorf("tags = %v, want exactly one area tag", op.Tags)
			}
			if op.Responses.Value(tc.success) == nil {
				t.Errorf("no %s response", tc.success)
			}
			has2xx := false
			for _, code := range op.Responses.Keys() {
				if len(code) == 3 && code[0] == '2' {
					has2xx = true
				}
			}
			if !has2xx {
				t.Errorf("no 2xx response")
			}
			wantErrors := []string{"401", "404", "429"}
			if tc.method != http.MethodGet { // every write can fail validation
				wantErrors = append(wantErrors, "422")
			}
			for _, code := range wantErrors {
				if op.Responses.Value(code) == nil {
					t.Errorf("no %s response", code)
				}
			}
		})
	}
	// Nothing beyond the contract: an unlisted operation would become an unreviewed action.
	for _, path := range doc.Paths.Keys() {
		for method, op := range doc.Paths.Value(path).Operations() {
			if !want[op.OperationID] {
				t.Errorf("%s %s: operationId %q is not in the operations table", method, path, op.OperationID)
			}
		}
	}
}

// TestPathParametersAreShared checks that every path parameter is a component, so that
// its description (where to find the value) is written once.
func TestPathParametersAreShared(t *testing.T) {
	doc := loadSpec(t)
	for _, path := range doc.Paths.Keys() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			params := append(openapi3.Parameters{}, item.Parameters...)
			params = append(params, op.Parameters...)
			for _, p := range params {
				if p.Value.In == openapi3.ParameterInPath && !strings.HasPrefix(p.Ref, "#/components/parameters/") {
					t.Errorf("%s %s: path parameter %q is inline", method, path, p.Value.Name)
				}
			}
		}
	}
}

func TestOrgPathsUseSharedParameter(t *testing.T) {
	doc := loadSpec(t)
	for _, path := range doc.Paths.Keys() {
		if !strings.HasPrefix(path, "/organizations/{org}") {
			continue
		}
		item := doc.Paths.Value(path)
		t.Run(path, func(t *testing.T) {
			for method, op := range item.Operations() {
				params := append(openapi3.Parameters{}, item.Parameters...)
				params = append(params, op.Parameters...)
				found := false
				for _, p := range params {
					if p.Value != nil && p.Value.In == openapi3.ParameterInPath && p.Value.Name == "org" {
						if p.Ref != orgParamRef {
							t.Errorf("%s: org parameter is inline, want $ref %s", method, orgParamRef)
						}
						found = true
					}
				}
				if !found {
					t.Errorf("%s: no org path parameter", method)
				}
			}
		})
	}
}

// TestQueryArraysDeclareStyle checks that every array query parameter says how it is
// serialised: the API takes comma-separated lists.
func TestQueryArraysDeclareStyle(t *testing.T) {
	doc := loadSpec(t)
	check := func(where string, p *openapi3.Parameter) {
		if p.In != openapi3.ParameterInQuery || p.Schema == nil || p.Schema.Value == nil {
			return
		}
		if !p.Schema.Value.Type.Is(openapi3.TypeArray) {
			return
		}
		if p.Style != openapi3.SerializationForm || p.Explode == nil || *p.Explode {
			t.Errorf("%s: array query parameter %q must declare style: form, explode: false", where, p.Name)
		}
	}
	for name, p := range doc.Components.Parameters {
		check("components.parameters."+name, p.Value)
	}
	for _, path := range doc.Paths.Keys() {
		for method, op := range doc.Paths.Value(path).Operations() {
			for _, p := range op.Parameters {
				check(method+" "+path, p.Value)
			}
		}
	}
}

func TestRequiredSchemasExist(t *testing.T) {
	doc := loadSpec(t)
	for _, name := range requiredSchemas {
		t.Run(name, func(t *testing.T) {
			if doc.Components.Schemas[name] == nil {
				t.Fatalf("components.schemas.%s missing", name)
			}
		})
	}
}

// schemaEdges returns the component schemas that s refers to, without following them.
func schemaEdges(s *openapi3.SchemaRef, out map[string]bool) {
	if s == nil {
		return
	}
	if strings.HasPrefix(s.Ref, schemaRefPrefix) {
		out[strings.TrimPrefix(s.Ref, schemaRefPrefix)] = true
		return
	}
	v := s.Value
	if v == nil {
		return
	}
	for _, sub := range v.Properties {
		schemaEdges(sub, out)
	}
	schemaEdges(v.Items, out)
	schemaEdges(v.AdditionalProperties.Schema, out)
	schemaEdges(v.Not, out)
	for _, group := range []openapi3.SchemaRefs{v.AllOf, v.OneOf, v.AnyOf} {
		for _, sub := range group {
			schemaEdges(sub, out)
		}
	}
}

func TestNoSchemaCycles(t *testing.T) {
	doc := loadSpec(t)
	graph := map[string][]string{}
	for name, s := range doc.Components.Schemas {
		edges := map[string]bool{}
		// Walk the component's own value, not its name, so the first hop is recorded.
		schemaEdges(&openapi3.SchemaRef{Value: s.Value}, edges)
		for to := range edges {
			graph[name] = append(graph[name], to)
		}
		sort.Strings(graph[name])
	}
	const (
		unvisited = iota
		onStack
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(string)
	visit = func(n string) {
		state[n] = onStack
		stack = append(stack, n)
		for _, m := range graph[n] {
			switch state[m] {
			case onStack:
				i := len(stack) - 1
				for stack[i] != m {
					i--
				}
				t.Errorf("schema cycle: %s -> %s", strings.Join(stack[i:], " -> "), m)
			case unvisited:
				visit(m)
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
	}
	names := make([]string, 0, len(graph))
	for n := range doc.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if state[n] == unvisited {
			visit(n)
		}
	}
}

// TestResponsesUseEnvelopes checks every JSON success body is a named envelope with a
// required `data`, and that whatever `data` holds has an example the generator can use
// as sample output.
func TestResponsesUseEnvelopes(t *testing.T) {
	doc := loadSpec(t)
	// exampled[X] is true once some example covers component X as response data.
	exampled := map[string]bool{}
	used := map[string]string{} // component -> first place it was used as data
	for _, path := range doc.Paths.Keys() {
		for method, op := range doc.Paths.Value(path).Operations() {
			where := method + " " + path
			for _, code := range op.Responses.Keys() {
				if code[0] != '2' {
					continue
				}
				resp := op.Responses.Value(code).Value
				mt := resp.Content.Get("application/json")
				if mt == nil {
					continue
				}
				env := mt.Schema
				if !strings.HasPrefix(env.Ref, schemaRefPrefix) || !strings.HasSuffix(env.Ref, "Response") {
					t.Errorf("%s %s: body schema %q is not a named *Response envelope", where, code, env.Ref)
					continue
				}
				data := env.Value.Properties["data"]
				if data == nil || !contains(env.Value.Required, "data") {
					t.Errorf("%s %s: envelope %s lacks a required data property", where, code, env.Ref)
					continue
				}
				if data.Value.Type.Is(openapi3.TypeArray) {
					if env.Value.Properties["meta"] == nil || env.Value.Properties["meta"].Ref != schemaRefPrefix+"ListMeta" {
						t.Errorf("%s %s: list envelope %s must have meta: ListMeta", where, code, env.Ref)
					}
					data = data.Value.Items
				}
				if !strings.HasPrefix(data.Ref, schemaRefPrefix) {
					t.Errorf("%s %s: data of %s is not a component schema", where, code, env.Ref)
					continue
				}
				name := strings.TrimPrefix(data.Ref, schemaRefPrefix)
				if _, ok := used[name]; !ok {
					used[name] = where
				}
				if data.Value.Example != nil || env.Value.Example != nil || mt.Example != nil || len(mt.Examples) > 0 {
					exampled[name] = true
				}
			}
		}
	}
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Run(n, func(t *testing.T) {
			if !exampled[n] {
				t.Errorf("%s is response data (first at %s) but has no example on the schema or any response", n, used[n])
			}
		})
	}
}

func TestErrorResponses(t *testing.T) {
	doc := loadSpec(t)
	cases := []struct {
		name, schema string
		header       string
	}{
		{"Unauthorized", "Error", ""},
		{"Forbidden", "Error", ""},
		{"NotFound", "Error", ""},
		{"UnprocessableEntity", "ValidationError", ""},
		{"TooManyRequests", "Error", "Retry-After"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := doc.Components.Responses[tc.name]
			if r == nil || r.Value == nil {
				t.Fatalf("components.responses.%s missing", tc.name)
			}
			mt := r.Value.Content.Get("application/json")
			if mt == nil || mt.Schema.Ref != schemaRefPrefix+tc.schema {
				t.Errorf("body is not %s", tc.schema)
			}
			if tc.header != "" && r.Value.Headers[tc.header] == nil {
				t.Errorf("header %s missing", tc.header)
			}
		})
	}
}

func TestWebhookPayloadsMarked(t *testing.T) {
	doc := loadSpec(t)
	for _, name := range []string{"ProcessWebhookPayload", "TaskWebhookPayload", "OrganizationWebhookEvent"} {
		t.Run(name, func(t *testing.T) {
			s := doc.Components.Schemas[name]
			if s == nil {
				t.Fatalf("missing")
			}
			if s.Value.Extensions["x-workato-webhook-payload"] != true {
				t.Errorf("x-workato-webhook-payload: true missing")
			}
			if s.Value.Example == nil {
				t.Errorf("no example")
			}
		})
	}
	ev := doc.Components.Schemas["OrganizationWebhookEvent"].Value.Properties["event"].Value
	wantEvents := []string{"process.launched", "process.completed", "task.completed", "task.assigned",
		"task.comment_added", "task.issue_raised", "task.issue_resolved"}
	for _, e := range wantEvents {
		if !containsAny(ev.Enum, e) {
			t.Errorf("event enum lacks %s", e)
		}
	}
}

// TestSourceHygiene checks the raw file: only the one agreed vendor extension, and no
// token-looking strings.
func TestSourceHygiene(t *testing.T) {
	raw, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`x-workato-[A-Za-z0-9-]+`).FindAllString(string(raw), -1) {
		if m != "x-workato-webhook-payload" {
			t.Errorf("unexpected vendor extension %s", m)
		}
	}
	for _, re := range []string{`eyJ[A-Za-z0-9_-]{10,}`, `def50200[0-9a-f]{10,}`, `(?i)bearer\s+[A-Za-z0-9._-]{20,}`} {
		if m := regexp.MustCompile(re).FindString(string(raw)); m != "" {
			t.Errorf("token-like string in spec: %q", m)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsAny(list []any, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
