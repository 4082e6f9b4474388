package specvalidate

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func load(t *testing.T) *Validator {
	t.Helper()
	v, err := Load(context.Background(), "testdata/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRequest(t *testing.T) {
	v := load(t)
	jsonH := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer PLACEHOLDER_TOKEN"}}
	tests := []struct {
		name string
		ex   Exchange
		want string // "" means valid
	}{
		{"valid on go host", Exchange{"POST", "https://go.tallyfy.com/api/organizations/o1/runs", jsonH, []byte(`{"checklist_id":"c","name":"n"}`)}, ""},
		{"valid on api host", Exchange{"POST", "https://api.tallyfy.com/organizations/o1/runs", jsonH, []byte(`{"checklist_id":"c","name":"n"}`)}, ""},
		{"missing required field", Exchange{"POST", "https://go.tallyfy.com/api/organizations/o1/runs", jsonH, []byte(`{"name":"n"}`)},
			`POST /organizations/{org}/runs: request body: doesn't match schema: /checklist_id: property "checklist_id" is missing`},
		{"integer as string", Exchange{"POST", "https://go.tallyfy.com/api/organizations/o1/runs", jsonH, []byte(`{"checklist_id":"c","name":"n","count":"2"}`)},
			"/count: value must be an integer"},
		{"query out of range", Exchange{"GET", "https://go.tallyfy.com/api/organizations/o1/runs?per_page=500", nil, nil},
			`parameter "per_page" in query`},
		{"unknown path", Exchange{"GET", "https://go.tallyfy.com/api/organizations/o1/nope", nil, nil}, "no matching operation was found in the spec"},
		{"unknown host", Exchange{"GET", "https://evil.example/organizations/o1/runs", nil, nil}, "under none of the spec's servers"},
		{"wrong method", Exchange{"DELETE", "https://api.tallyfy.com/organizations/o1/runs", nil, nil}, "method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := v.Request(context.Background(), tt.ex)
			var s []string
			for _, x := range got {
				s = append(s, x.String())
			}
			text := strings.Join(s, "\n")
			if tt.want == "" && len(got) > 0 {
				t.Fatalf("unexpected violations:\n%s", text)
			}
			if tt.want != "" && !strings.Contains(text, tt.want) {
				t.Errorf("violations lack %q:\n%s", tt.want, text)
			}
		})
	}
}

func TestResponse(t *testing.T) {
	v := load(t)
	ex := Exchange{Method: "POST", URL: "https://go.tallyfy.com/api/organizations/o1/runs", Header: http.Header{"Content-Type": {"application/json"}}}
	jh := http.Header{"Content-Type": {"application/json"}}
	if got := v.Response(context.Background(), ex, 201, jh, []byte(`{"data":{"id":"r1"}}`)); len(got) != 0 {
		t.Errorf("valid response rejected: %v", got)
	}
	got := v.Response(context.Background(), ex, 201, jh, []byte(`{"data":{"id":5}}`))
	if len(got) == 0 || !strings.Contains(got[0].Message, "/data/id: value must be a string") {
		t.Errorf("bad response accepted or message unclear: %v", got)
	}
	got = v.Response(context.Background(), ex, 418, jh, []byte(`{}`))
	if len(got) == 0 || !strings.Contains(got[0].Message, "418") {
		t.Errorf("undocumented status accepted: %v", got)
	}
}
