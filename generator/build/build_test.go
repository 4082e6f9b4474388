package build

import (
	"context"
	"strings"
	"testing"

	"github.com/workatogen/workatogen/generator/config"
	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/specload"
)

// buildSpec builds the connector model of an inline spec (and optional config).
func buildSpec(t *testing.T, spec, cfg string) (*ir.Connector, diag.List) {
	t.Helper()
	s, ds := specload.LoadData(context.Background(), "openapi.yaml", []byte(spec))
	if s == nil {
		t.Fatalf("spec does not load:\n%s", ds.Error())
	}
	in := Input{Spec: s, Name: "t"}
	if cfg != "" {
		f, cds := config.LoadData("connector.yaml", []byte(cfg))
		if f == nil {
			t.Fatalf("config does not load:\n%s", cds.Error())
		}
		in.Config = f
	}
	c, bds := Build(in)
	return c, append(ds, bds...)
}

func hasCode(ds diag.List, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

func action(t *testing.T, c *ir.Connector, key string) *ir.Action {
	t.Helper()
	for _, a := range c.Actions {
		if a.Key == key {
			return a
		}
	}
	t.Fatalf("no action %s", key)
	return nil
}

func field(fields []*ir.Field, name string) *ir.Field {
	for _, f := range fields {
		if string(f.Name) == name {
			return f
		}
	}
	return nil
}

const head = `openapi: 3.0.3
info: {title: T, version: '1'}
servers: [{url: 'https://api.t.example/v1'}]
`

func TestSchemaRules(t *testing.T) {
	spec := head + `paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Base:
      type: object
      properties:
        id: {type: string, readOnly: true}
        kind: {type: string, enum: [a, b]}
    Thing:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [name]
          properties:
            name: {type: string}
            secret: {type: string, writeOnly: true}
            count: {type: integer}
            when: {type: string, format: date-time}
            shape:
              oneOf:
                - {type: object, properties: {r: {type: number}}}
                - {type: object, properties: {w: {type: number}, h: {type: number}}}
            either:
              oneOf: [{type: string}, {type: object, properties: {x: {type: string}}}]
            other_kind: {type: string, enum: [a, b]}
`
	c, ds := buildSpec(t, spec, "")
	a := action(t, c, "create_thing")

	if field(a.InputFields, "id") != nil {
		t.Error("readOnly id must not be an input")
	}
	if f := field(a.InputFields, "name"); f == nil || f.Optional {
		t.Error("allOf's required name must be a required input")
	}
	if f := field(a.InputFields, "count"); f == nil || f.Type != "integer" || f.ConvertInput != "integer_conversion" {
		t.Errorf("count: %+v", f)
	}
	if f := field(a.InputFields, "when"); f == nil || f.Type != "date_time" || f.ConvertInput != "render_iso8601_timestamp" {
		t.Errorf("when: %+v", f)
	}
	if f := field(a.InputFields, "shape"); f == nil || f.Type != "object" || len(f.Properties) != 3 {
		t.Errorf("oneOf of objects should offer the union of fields: %+v", f)
	}
	if !hasCode(ds, "Schema/UnionOfObjects") || !hasCode(ds, "Schema/UnsupportedUnion") {
		t.Errorf("union diagnostics missing: %s", ds.Error())
	}
	if f := field(a.InputFields, "either"); f == nil || f.ControlType != "text-area" {
		t.Errorf("a mixed oneOf is JSON text: %+v", f)
	}
	kind, other := field(a.InputFields, "kind"), field(a.InputFields, "other_kind")
	if kind.PickList == "" || kind.PickList != other.PickList || kind.ToggleField == nil {
		t.Errorf("equal enums share one pick list and offer a text toggle: %q %q", kind.PickList, other.PickList)
	}
	if a.OutputRef != "thing" {
		t.Fatalf("output should use the object definition of Thing, got %q", a.OutputRef)
	}
	var def *ir.ObjectDefinition
	for _, d := range c.ObjectDefinitions {
		if d.Name == "thing" {
			def = d
		}
	}
	if field(def.Fields, "secret") != nil || field(def.Fields, "id") == nil {
		t.Error("writeOnly is not an output; readOnly is")
	}
}

func TestUnsupportedConstructs(t *testing.T) {
	spec := head + `paths:
  /xml:
    post:
      operationId: postXML
      requestBody:
        content:
          application/xml:
            schema: {type: object}
      responses: {'200': {description: ok}}
  /cookie:
    get:
      operationId: getCookie
      parameters:
        - {name: session, in: cookie, schema: {type: string}}
      responses: {'200': {description: ok}}
`
	c, ds := buildSpec(t, spec, "")
	if !hasCode(ds, "Operation/UnsupportedBody") || !hasCode(ds, "Operation/CookieParameter") {
		t.Fatalf("expected warnings:\n%s", ds.Error())
	}
	for _, a := range c.Actions {
		if a.Key == "post_xml" {
			t.Error("an XML-only operation is left out")
		}
	}
	if ds.Failing(false) || !ds.Failing(true) {
		t.Error("unsupported constructs warn, and fail only with --strict")
	}
}

func TestAuthFromSecuritySchemes(t *testing.T) {
	tests := []struct {
		name, schemes, security string
		wantType                string
		applyHas                []string
		fields                  []string
	}{
		{"bearer", `b: {type: http, scheme: bearer}`, `[{b: []}]`, "custom_auth", []string{`"Bearer #{connection['api_token']}"`}, []string{"api_token"}},
		{"api key header", `k: {type: apiKey, in: header, name: X-Api-Key}`, `[{k: []}]`, "api_key", []string{`'X-Api-Key' => connection['x_api_key']`}, []string{"x_api_key"}},
		{"api key query", `k: {type: apiKey, in: query, name: key}`, `[{k: []}]`, "api_key", []string{`params('key' => connection['key'])`}, []string{"key"}},
		{"basic", `u: {type: http, scheme: basic}`, `[{u: []}]`, "basic_auth", []string{`user(connection['username'])`, `password(connection['password'])`}, []string{"username", "password"}},
		{"oauth2", `o: {type: oauth2, flows: {authorizationCode: {authorizationUrl: 'https://a.example/auth', tokenUrl: 'https://a.example/token', scopes: {read: r}}}}`, `[{o: [read]}]`, "oauth2", []string{`"Bearer #{access_token}"`}, []string{"client_id", "client_secret"}},
		{"alternatives are multi auth", `b: {type: http, scheme: bearer}
    o: {type: oauth2, flows: {authorizationCode: {authorizationUrl: 'https://a.example/auth', tokenUrl: 'https://a.example/token', scopes: {}}}}`, `[{b: []}, {o: []}]`, "multi", nil, []string{"auth_type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := head + "security: " + tt.security + `
paths:
  /me:
    get:
      operationId: getMe
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    ` + tt.schemes + "\n"
			c, ds := buildSpec(t, spec, "")
			if c == nil {
				t.Fatal(ds.Error())
			}
			a := c.Connection.Auth
			if a.Type != tt.wantType {
				t.Fatalf("auth type %s, want %s", a.Type, tt.wantType)
			}
			for _, s := range tt.applyHas {
				if !strings.Contains(string(a.Apply), s) {
					t.Errorf("apply %q lacks %s", a.Apply, s)
				}
			}
			var names []string
			for _, f := range c.Connection.Fields {
				names = append(names, string(f.Name))
			}
			for _, f := range tt.fields {
				if !contains(names, f) {
					t.Errorf("connection fields %v lack %s", names, f)
				}
			}
			if a.Type == "oauth2" && (a.OAuth2 == nil || !strings.Contains(string(a.OAuth2.AuthorizationURL), "response_type=code")) {
				t.Error("authorization_url must ask for response_type=code")
			}
		})
	}
}

func TestServersAndSharedPathParameters(t *testing.T) {
	spec := `openapi: 3.0.3
info: {title: T, version: '1'}
servers:
  - url: https://{tenant}.t.example/{version}
    variables:
      tenant: {default: acme}
      version: {default: v2, enum: [v1, v2]}
paths:
  /orgs/{org}/a: {get: {operationId: a, parameters: [{name: org, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}}
  /orgs/{org}/b: {get: {operationId: b, parameters: [{name: org, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}}
  /orgs/{org}/c/{id}: {get: {operationId: c, parameters: [{name: org, in: path, required: true, schema: {type: string}}, {name: id, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}}
  /health: {get: {operationId: health, responses: {'200': {description: ok}}}}
`
	c, ds := buildSpec(t, spec, "")
	if c == nil {
		t.Fatal(ds.Error())
	}
	if got := string(c.Connection.BaseURI); got != `"https://#{connection['tenant'].presence || 'acme'}.t.example/#{connection['version'].presence || 'v2'}/"` {
		t.Errorf("base_uri = %s", got)
	}
	names := map[string]*ir.Field{}
	for _, f := range c.Connection.Fields {
		names[string(f.Name)] = f
	}
	if names["version"] == nil || names["version"].ControlType != "select" || names["tenant"] == nil {
		t.Errorf("server variables should be connection fields: %v", names)
	}
	if names["organization_id"] == nil {
		t.Errorf("{org} is shared by most operations and should be a connection field")
	}
	if names["id"] != nil {
		t.Errorf("{id} addresses a resource and must stay an input")
	}
	cAct := action(t, c, "c")
	if !strings.Contains(string(cAct.Request.Path), "connection['organization_id']") || field(cAct.InputFields, "id") == nil {
		t.Errorf("path %s / inputs", cAct.Request.Path)
	}
}

func TestRetryAndErrorMatchers(t *testing.T) {
	spec := head + `paths:
  /things:
    get: {operationId: listThings, responses: {'200': {description: ok}}}
    post: {operationId: createThing, responses: {'201': {description: ok}}}
`
	c, _ := buildSpec(t, spec, "")
	get, post := action(t, c, "list_things"), action(t, c, "create_thing")
	if strings.Contains(string(get.Request.ErrorMatchers), "429") || strings.Contains(string(get.Request.ErrorMatchers), "503") {
		t.Errorf("a retried GET must leave 429/5xx to Workato's retry: %s", get.Request.ErrorMatchers)
	}
	if !strings.Contains(string(post.Request.ErrorMatchers), "429") {
		t.Errorf("a POST is not retried, so its 429 gets the readable message: %s", post.Request.ErrorMatchers)
	}
	if get.Retry == nil || get.Retry.MaxRetries != 3 || strings.Join(get.Retry.Methods, ",") != "GET,HEAD" {
		t.Errorf("retry = %+v", get.Retry)
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
