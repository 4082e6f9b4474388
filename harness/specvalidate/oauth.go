package specvalidate

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// OAuth 2.0 token endpoints.
//
// An OpenAPI description names its token endpoint only inside an oauth2
// security scheme (flows.*.tokenUrl / refreshUrl), usually on a host none of
// its servers covers (Tallyfy: https://account.tallyfy.com/oauth/token). A
// connector's acquire/refresh and a refresh-and-retry send requests there, so
// instead of failing them as "under none of the spec's servers" the
// validator checks them against what RFC 6749 fixes for every token
// endpoint: the request (§4.1.3, §4.3, §4.4, §6) and the answer (§5.1, §5.2).

// tokenEndpoint is one token URL of the spec and the scheme naming it.
type tokenEndpoint struct {
	scheme string // security scheme name, for messages
}

// tokenEndpoints collects flows.*.tokenUrl and refreshUrl of every oauth2
// security scheme, keyed by URL without query (scheme://host/path).
func tokenEndpoints(doc *openapi3.T) map[string]tokenEndpoint {
	out := map[string]tokenEndpoint{}
	if doc.Components == nil {
		return out
	}
	for name, ref := range doc.Components.SecuritySchemes {
		if ref == nil || ref.Value == nil || ref.Value.Type != "oauth2" || ref.Value.Flows == nil {
			continue
		}
		f := ref.Value.Flows
		for _, flow := range []*openapi3.OAuthFlow{f.AuthorizationCode, f.ClientCredentials, f.Password, f.Implicit} {
			if flow == nil {
				continue
			}
			for _, u := range []string{flow.TokenURL, flow.RefreshURL} {
				if key := endpointKey(u); key != "" {
					out[key] = tokenEndpoint{scheme: name}
				}
			}
		}
	}
	return out
}

func endpointKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimSuffix(u.EscapedPath(), "/")
}

// tokenEndpointFor says whether raw is one of the spec's token endpoints.
func (v *Validator) tokenEndpointFor(raw string) (tokenEndpoint, bool) {
	key := endpointKey(raw)
	if key == "" {
		return tokenEndpoint{}, false
	}
	ep, ok := v.tokens[key]
	return ep, ok
}

func (ep tokenEndpoint) operation() string {
	return "OAuth 2.0 token endpoint (" + ep.scheme + ")"
}

// tokenGrants: for each grant_type, the parameters RFC 6749 requires in the
// token request. client_id/client_secret may go in the body or as HTTP Basic
// (§2.3.1), so they are not required here.
var tokenGrants = map[string][]string{
	"authorization_code": {"code"},          // §4.1.3 (redirect_uri only if it was in the authorize request)
	"refresh_token":      {"refresh_token"}, // §6
	"password":           {"username", "password"},
	"client_credentials": nil, // §4.4.2
}

func (v *Validator) tokenRequest(ep tokenEndpoint, ex Exchange) []Violation {
	var msgs []string
	if ex.Method != "POST" {
		msgs = append(msgs, fmt.Sprintf("request: method %s, want POST (RFC 6749 §3.2)", ex.Method))
	}
	ct := ""
	if ex.Header != nil {
		ct = ex.Header.Get("Content-Type")
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/x-www-form-urlencoded" {
		msgs = append(msgs, fmt.Sprintf("request: Content-Type %q, want application/x-www-form-urlencoded (RFC 6749 §4.1.3, §6)", ct))
	}
	form, err := url.ParseQuery(string(ex.Body))
	if err != nil {
		msgs = append(msgs, "request body: not form-encoded: "+err.Error())
	}
	grant := form.Get("grant_type")
	required, known := tokenGrants[grant]
	switch {
	case grant == "":
		msgs = append(msgs, "request body: grant_type is missing")
	case !known:
		msgs = append(msgs, fmt.Sprintf("request body: grant_type %q is not one of %s", grant, strings.Join(grantNames(), ", ")))
	}
	for _, p := range required {
		if form.Get(p) == "" {
			msgs = append(msgs, fmt.Sprintf("request body: %s is missing (required with grant_type=%s)", p, grant))
		}
	}
	return violations(ep.operation(), msgs)
}

func (v *Validator) tokenResponse(ep tokenEndpoint, status int, body []byte) []Violation {
	var msgs []string
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		return violations(ep.operation(), []string{"response: body is not a JSON object (RFC 6749 §5.1, §5.2)"})
	}
	str := func(key string, required bool) {
		x, ok := obj[key]
		switch {
		case !ok && required:
			msgs = append(msgs, fmt.Sprintf("response: %s is missing", key))
		case ok && x != nil:
			if _, isStr := x.(string); !isStr {
				msgs = append(msgs, fmt.Sprintf("response: %s must be a string", key))
			}
		}
	}
	switch {
	case status == 200:
		str("access_token", true) // §5.1
		str("token_type", true)
		str("refresh_token", false)
		str("scope", false)
		if x, ok := obj["expires_in"]; ok && x != nil {
			if n, isNum := x.(float64); !isNum || n != float64(int64(n)) {
				msgs = append(msgs, "response: expires_in must be an integer (seconds)")
			}
		}
	case status == 400 || status == 401:
		str("error", true) // §5.2
		str("error_description", false)
	default:
		msgs = append(msgs, fmt.Sprintf("response: status %d is not a token endpoint answer (RFC 6749 §5: 200, or 400/401 with an error)", status))
	}
	return violations(ep.operation(), msgs)
}

func grantNames() []string {
	out := make([]string, 0, len(tokenGrants))
	for g := range tokenGrants {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

func violations(op string, msgs []string) []Violation {
	out := make([]Violation, len(msgs))
	for i, m := range msgs {
		out[i] = Violation{Operation: op, Message: m}
	}
	return out
}
