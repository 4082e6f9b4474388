package compare

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/workatogen/workatogen/harness/fixture"
	"github.com/workatogen/workatogen/harness/replay"
)

const caseYAML = `description: launch
source: documentation
target: {action: launch_process}
interactions:
  - request:
      method: POST
      url: https://go.tallyfy.com/api/organizations/org1/runs?b=2&a=1&a=0
      headers: {Authorization: Bearer PLACEHOLDER_TOKEN, X-Tallyfy-Client: APIClient, Content-Type: application/json}
      json: {checklist_id: c1, name: Onboard, prerun: {f1: x}, count: 2}
    response: {status: 201, json: {data: {id: r1}}}
  - request:
      method: POST
      url: https://go.tallyfy.com/api/organizations/org1/file
      headers: {Content-Type: multipart/form-data}
      multipart:
        - {name: name, content: a.txt}
        - {name: file, filename: a.txt, content_type: text/plain, content: hello}
    response: {status: 200, json: {}}
output: {id: r1}
`

func loadCase(t *testing.T, src string) *fixture.Case {
	t.Helper()
	c, ds := fixture.Parse("launch.yaml", "launch_process/basic", []byte(src), nil)
	if ds.Failing(false) {
		t.Fatal(ds)
	}
	return c
}

func okArrivals() []replay.Arrived {
	h1 := http.Header{}
	h1.Set("Authorization", "Bearer PLACEHOLDER_TOKEN")
	h1.Set("X-Tallyfy-Client", "APIClient")
	h1.Set("Content-Type", "application/json")
	h1.Set("Accept-Encoding", "gzip")
	h1.Set("User-Agent", "rest-client/2.1.0")
	h2 := http.Header{}
	h2.Set("Content-Type", "multipart/form-data; boundary=----RubyFormBoundaryAAAA")
	mp := "------RubyFormBoundaryAAAA\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na.txt\r\n" +
		"------RubyFormBoundaryAAAA\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n" +
		"------RubyFormBoundaryAAAA--\r\n"
	return []replay.Arrived{
		{Seq: 1, Method: "POST", Host: "go.tallyfy.com", Path: "/api/organizations/org1/runs", RawQuery: "a=1&a=0&b=2", Header: h1,
			Body: []byte(`{"name":"Onboard","checklist_id":"c1","prerun":{"f1":"x"},"count":2.0}`)},
		{Seq: 2, Method: "POST", Host: "go.tallyfy.com:443", Path: "/api/organizations/org1/file", Header: h2, Body: []byte(mp)},
	}
}

func TestCase(t *testing.T) {
	schemes := map[int]string{1: "https", 2: "https"}
	tests := []struct {
		name   string
		mutate func(a []replay.Arrived) []replay.Arrived
		output string
		want   []string // substrings of the rendered findings; none means pass
	}{
		{"pass", nil, `{"id":"r1"}`, nil},
		{"wrong header value", func(a []replay.Arrived) []replay.Arrived {
			a[0].Header.Set("X-Tallyfy-Client", "Workato")
			return a
		}, `{"id":"r1"}`, []string{"request 1 POST /api/organizations/org1/runs?a=1&a=0&b=2 does not match recorded interaction 1 (launch.yaml:5)",
			`headers.X-Tallyfy-Client: sent "Workato", want "APIClient"`}},
		{"missing header", func(a []replay.Arrived) []replay.Arrived {
			a[0].Header.Del("Authorization")
			return a
		}, `{"id":"r1"}`, []string{`headers.Authorization: not sent, want "Bearer PLACEHOLDER_TOKEN"`}},
		{"unlisted header sent", func(a []replay.Arrived) []replay.Arrived {
			a[0].Header.Set("X-Debug", "1")
			return a
		}, `{"id":"r1"}`, []string{`headers.X-Debug: sent "1", not in the fixture`}},
		{"wrong path segment", func(a []replay.Arrived) []replay.Arrived {
			a[0].Path = "/api/organizations/org1/run"
			return a
		}, `{"id":"r1"}`, []string{`path: sent "/api/organizations/org1/run", want "/api/organizations/org1/runs"`}},
		{"plain http", nil, `{"id":"r1"}`, []string{`scheme: sent "http", want "https"`}},
		{"query order within key matters", func(a []replay.Arrived) []replay.Arrived {
			a[0].RawQuery = "b=2&a=0&a=1"
			return a
		}, `{"id":"r1"}`, []string{`query.a[0]`}},
		{"renamed body field", func(a []replay.Arrived) []replay.Arrived {
			a[0].Body = []byte(`{"name":"Onboard","template_id":"c1","prerun":{"f1":"x"},"count":2}`)
			return a
		}, `{"id":"r1"}`, []string{`body.checklist_id: not sent, want "c1"`, `body.template_id: sent "c1", not in the fixture`}},
		{"integer sent as string", func(a []replay.Arrived) []replay.Arrived {
			a[0].Body = []byte(`{"name":"Onboard","checklist_id":"c1","prerun":{"f1":"x"},"count":"2"}`)
			return a
		}, `{"id":"r1"}`, []string{`body.count: sent "2", want 2`}},
		{"nested value", func(a []replay.Arrived) []replay.Arrived {
			a[0].Body = []byte(`{"name":"Onboard","checklist_id":"c1","prerun":{"f1":"y"},"count":2}`)
			return a
		}, `{"id":"r1"}`, []string{`body.prerun.f1: sent "y", want "x"`}},
		{"body not json", func(a []replay.Arrived) []replay.Arrived {
			a[0].Body = []byte(`name=Onboard`)
			return a
		}, `{"id":"r1"}`, []string{`body: sent "(not JSON) name=Onboard"`}},
		{"multipart part differs", func(a []replay.Arrived) []replay.Arrived {
			a[1].Body = []byte(strings.Replace(string(a[1].Body), "hello", "HELLO", 1))
			return a
		}, `{"id":"r1"}`, []string{`body[1].content: sent "HELLO", want "hello"`}},
		{"never forced", func(a []replay.Arrived) []replay.Arrived { return a[:1] }, `{"id":"r1"}`,
			[]string{"recorded but not requested: POST /api/organizations/org1/file (interaction 2, launch.yaml:11) — was the request built but never forced?"}},
		{"extra request", func(a []replay.Arrived) []replay.Arrived {
			extra := a[0]
			extra.Seq = 3
			return append(a, extra)
		}, `{"id":"r1"}`, []string{"unexpected request 3 POST /api/organizations/org1/runs?a=1&a=0&b=2: the fixture records only 2 interaction(s)",
			"closest recorded interaction: 1 POST /api/organizations/org1/runs?b=2&a=1&a=0 (line 5), identical"}},
		{"swapped order", func(a []replay.Arrived) []replay.Arrived {
			a[0], a[1] = a[1], a[0]
			return a
		}, `{"id":"r1"}`, []string{"sent in a different order than recorded"}},
		{"unwrapped envelope", nil, `{"data":{"id":"r1"}}`, []string{"output differs from the fixture",
			`output.data: returned {"id":"r1"}, not in the fixture`, `output.id: not returned, want "r1"`, `wrapped in "data"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := loadCase(t, caseYAML)
			arr := okArrivals()
			if tt.mutate != nil {
				arr = tt.mutate(arr)
			}
			sch := schemes
			if tt.name == "plain http" {
				sch = map[int]string{1: "http", 2: "https"}
			}
			fs := Case(c, Outcome{Arrived: arr, Schemes: sch, OK: true, Output: json.RawMessage(tt.output)})
			var lines []string
			for _, f := range fs {
				lines = append(lines, f.Lines()...)
			}
			text := strings.Join(lines, "\n")
			if len(tt.want) == 0 && len(fs) > 0 {
				t.Fatalf("want pass, got:\n%s", text)
			}
			if len(tt.want) > 0 && len(fs) == 0 {
				t.Fatalf("want failure, got pass")
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("findings lack %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestErrors(t *testing.T) {
	base := "description: d\nsource: recorded\ntarget: {test: true}\n"
	tests := []struct {
		name     string
		expect   string
		ok       bool
		raised   *RaisedError
		wantPass bool
		want     string
	}{
		{"substring", `error: "401 Unauth"`, false, &RaisedError{Message: "401 Unauthorized"}, true, ""},
		{"wrong message", `error: "404"`, false, &RaisedError{Message: "401 Unauthorized"}, false, `does not contain "404"`},
		{"equals", `error: {equals: "401"}`, false, &RaisedError{Message: "401 Unauthorized"}, false, `want exactly "401"`},
		{"kind", `error: {contains: "x", kind: syntax}`, false, &RaisedError{Message: "x", Kind: "error"}, false, `error kind is "error", want "syntax"`},
		{"succeeded", `error: "401"`, true, nil, false, "but the target succeeded"},
		{"raised unexpectedly", `output: {}`, false, &RaisedError{Class: "RuntimeError", Message: "boom", Backtrace: []string{"connector.rb:3"}}, false, "RuntimeError: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := loadCase(t, base+tt.expect+"\n")
			fs := Case(c, Outcome{OK: tt.ok, Output: json.RawMessage(`{}`), Error: tt.raised})
			if tt.wantPass != (len(fs) == 0) {
				t.Fatalf("pass=%v, findings %+v", len(fs) == 0, fs)
			}
			if tt.want != "" && !strings.Contains(strings.Join(fs[0].Lines(), "\n"), tt.want) {
				t.Errorf("findings lack %q: %v", tt.want, fs[0].Lines())
			}
		})
	}
}

func TestMatchersInValues(t *testing.T) {
	got := map[string]any{
		"access_token": "NEW_ACCESS_TOKEN",
		"expires_at":   "2026-03-01T10:00:00Z",
		"list":         []any{"2026-03-01T10:00:00Z", json.Number("3")},
		"nothing":      nil,
	}
	ok := map[string]any{
		"access_token": "NEW_ACCESS_TOKEN",
		"expires_at":   map[string]any{"$match": `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`},
		"list":         []any{map[string]any{"$match": `^2026-`}, map[string]any{"$any": true}},
		"nothing":      map[string]any{"$any": true},
	}
	if ds := Values("output", got, ok); len(ds) != 0 {
		t.Errorf("matchers not honoured: %+v", ds)
	}
	bad := map[string]any{
		"access_token": "NEW_ACCESS_TOKEN",
		"expires_at":   map[string]any{"$match": `^\d+$`},
		"list":         []any{map[string]any{"$match": `^2026-`}, map[string]any{"$any": true}, map[string]any{"$any": true}},
		"nothing":      map[string]any{"$any": true},
		"missing":      map[string]any{"$any": true},
	}
	var lines []string
	for _, d := range Values("output", got, bad) {
		lines = append(lines, d.Describe("returned"))
	}
	text := strings.Join(lines, "\n")
	for _, w := range []string{
		`output.expires_at: returned "2026-03-01T10:00:00Z", want {"$match":"^\\d+$"}`,
		`output.list[2]: not returned, want {"$any":true}`,
		`output.missing: not returned, want {"$any":true}`,
	} {
		if !strings.Contains(text, w) {
			t.Errorf("diffs lack %q:\n%s", w, text)
		}
	}
	if len(lines) != 3 {
		t.Errorf("want 3 diffs, got:\n%s", text)
	}
	// The fixture's value is not modified by matching.
	if _, still := ok["expires_at"].(map[string]any); !still {
		t.Errorf("Values rewrote the expected value in place")
	}
}

func TestConnectionUpdates(t *testing.T) {
	base := "description: d\nsource: documentation\ntarget: {action: get_current_user}\noutput: {}\n"
	tests := []struct {
		name, yaml, got string
		want            string // "" = no finding
	}{
		{"not listed: not checked", base, `{"access_token":"NEW_ACCESS_TOKEN"}`, ""},
		{"equal with a matcher", base + "connection_updates: {access_token: NEW_ACCESS_TOKEN, expires_at: {$match: '^2026-'}}\n",
			`{"access_token":"NEW_ACCESS_TOKEN","expires_at":"2026-03-01T10:00:00Z"}`, ""},
		{"different token", base + "connection_updates: {access_token: NEW_ACCESS_TOKEN}\n",
			`{"access_token":"OLD_ACCESS_TOKEN"}`, `connection_updates.access_token: stored "OLD_ACCESS_TOKEN", want "NEW_ACCESS_TOKEN"`},
		{"none wanted, some stored", base + "connection_updates: null\n", `{"access_token":"X_TOKEN"}`, `connection_updates: stored {"access_token":"X_TOKEN"}`},
		{"none wanted, none stored", base + "connection_updates: null\n", `null`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ds := fixture.Parse("x.yaml", "x", []byte(tt.yaml), nil)
			if ds.Failing(false) {
				t.Fatal(ds)
			}
			fs := ConnectionUpdates(c, Outcome{OK: true, Output: json.RawMessage(`{}`), ConnectionUpdates: json.RawMessage(tt.got)})
			var lines []string
			for _, f := range fs {
				lines = append(lines, f.Lines()...)
			}
			text := strings.Join(lines, "\n")
			if tt.want == "" && len(fs) > 0 {
				t.Fatalf("unexpected finding:\n%s", text)
			}
			if tt.want != "" && !strings.Contains(text, tt.want) {
				t.Errorf("finding lacks %q:\n%s", tt.want, text)
			}
		})
	}
}
