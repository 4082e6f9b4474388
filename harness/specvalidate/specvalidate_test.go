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

// The token endpoint of an oauth2 security scheme sits outside the servers;
// its traffic is checked against RFC 6749 instead of failing to route.
func TestTokenEndpoint(t *testing.T) {
	v := load(t)
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	const token = "https://account.tallyfy.com/oauth/token"
	reqs := []struct {
		name string
		ex   Exchange
		want []string // all must appear; none means valid
	}{
		{"authorization code", Exchange{"POST", token, form, []byte("grant_type=authorization_code&code=PLACEHOLDER_CODE&redirect_uri=https%3A%2F%2Fwww.workato.com%2Foauth%2Fcallback&client_id=1234&client_secret=FAKE_SECRET")}, nil},
		{"refresh on refreshUrl", Exchange{"POST", "https://account.tallyfy.com/oauth/refresh/", form, []byte("grant_type=refresh_token&refresh_token=OLD_REFRESH_TOKEN")}, nil},
		{"form content type with charset", Exchange{"POST", token, http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}, []byte("grant_type=client_credentials")}, nil},
		{"refresh without the token", Exchange{"POST", token, form, []byte("grant_type=refresh_token&client_id=1")},
			[]string{"OAuth 2.0 token endpoint (oauth2): request body: refresh_token is missing (required with grant_type=refresh_token)"}},
		{"code grant without code", Exchange{"POST", token, form, []byte("grant_type=authorization_code")}, []string{"code is missing"}},
		{"no grant_type", Exchange{"POST", token, form, []byte("code=x")}, []string{"grant_type is missing"}},
		{"unknown grant", Exchange{"POST", token, form, []byte("grant_type=magic")}, []string{`grant_type "magic" is not one of authorization_code, client_credentials, password, refresh_token`}},
		{"JSON body", Exchange{"POST", token, http.Header{"Content-Type": {"application/json"}}, []byte(`{"grant_type":"refresh_token"}`)},
			[]string{`Content-Type "application/json", want application/x-www-form-urlencoded`}},
		{"GET", Exchange{"GET", token + "?grant_type=client_credentials", nil, nil}, []string{"method GET, want POST"}},
		{"other path on the token host", Exchange{"POST", "https://account.tallyfy.com/oauth/tokens", form, []byte("grant_type=client_credentials")}, []string{"under none of the spec's servers"}},
	}
	for _, tt := range reqs {
		t.Run("request/"+tt.name, func(t *testing.T) {
			text := joinViolations(v.Request(context.Background(), tt.ex))
			if len(tt.want) == 0 && text != "" {
				t.Fatalf("unexpected violations:\n%s", text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("violations lack %q:\n%s", w, text)
				}
			}
		})
	}
	resps := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"tokens", 200, `{"token_type":"Bearer","expires_in":3600,"access_token":"A","refresh_token":"R"}`, nil},
		{"no refresh token", 200, `{"token_type":"Bearer","expires_in":604800,"access_token":"A"}`, nil},
		{"no access token", 200, `{"token_type":"Bearer","expires_in":3600}`, []string{"response: access_token is missing"}},
		{"expires_in as text", 200, `{"token_type":"Bearer","access_token":"A","expires_in":"3600"}`, []string{"expires_in must be an integer"}},
		{"error", 401, `{"error":"invalid_client"}`, nil},
		{"error without code", 400, `{"message":"bad"}`, []string{"response: error is missing"}},
		{"other status", 500, `{"error":"server_error"}`, []string{"status 500 is not a token endpoint answer"}},
		{"not JSON", 200, `access_token=A`, []string{"not a JSON object"}},
	}
	ex := Exchange{Method: "POST", URL: token, Header: form}
	for _, tt := range resps {
		t.Run("response/"+tt.name, func(t *testing.T) {
			text := joinViolations(v.Response(context.Background(), ex, tt.status, http.Header{"Content-Type": {"application/json"}}, []byte(tt.body)))
			if len(tt.want) == 0 && text != "" {
				t.Fatalf("unexpected violations:\n%s", text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("violations lack %q:\n%s", w, text)
				}
			}
		})
	}
}

func joinViolations(vs []Violation) string {
	s := make([]string, len(vs))
	for i, x := range vs {
		s[i] = x.String()
	}
	return strings.Join(s, "\n")
}
