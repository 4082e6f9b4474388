// Package specvalidate checks replayed traffic against the OpenAPI
// description with kin-openapi's openapi3filter: every request the connector
// sent and every response a fixture recorded. A fixture can agree with the
// connector and still disagree with the API (both drifted together); this is
// the check that catches it.
package specvalidate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Validator validates traffic against one OpenAPI document.
type Validator struct {
	path    string
	servers openapi3.Servers
	router  routers.Router
	// tokens are the OAuth 2.0 token endpoints of the spec's security
	// schemes, validated against RFC 6749 rather than routed (oauth.go).
	tokens map[string]tokenEndpoint
	// StrictStatus fails a recorded response whose status the operation does
	// not document (and that has no "default" response). On by default: an
	// undocumented error status is spec drift like any other.
	StrictStatus bool
}

// Load reads the spec at path and prepares the router.
//
// Routing ignores hosts: servers are matched here first and their base path
// stripped (so https://go.tallyfy.com/api/x and https://api.tallyfy.com/x
// are the same operation), then the router sees the bare path. gorillamux
// would otherwise bind each route to one server's host and base path.
func Load(ctx context.Context, path string) (*Validator, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = true
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading OpenAPI spec %s: %w", path, err)
	}
	v := &Validator{path: path, servers: doc.Servers, StrictStatus: true, tokens: tokenEndpoints(doc)}
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	v.router, err = gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing OpenAPI spec %s: %w", path, err)
	}
	return v, nil
}

// Path is the spec file the validator was loaded from.
func (v *Validator) Path() string { return v.path }

// Violation is one way traffic disagrees with the spec.
type Violation struct {
	Operation string `json:"operation,omitempty"` // "POST /organizations/{org}/runs"
	Message   string `json:"message"`
}

func (x Violation) String() string {
	if x.Operation == "" {
		return x.Message
	}
	return x.Operation + ": " + x.Message
}

// Exchange is the request side needed for both checks.
type Exchange struct {
	Method string
	URL    string // absolute, scheme and host included
	Header http.Header
	Body   []byte
}

// Request validates a request as sent.
func (v *Validator) Request(ctx context.Context, ex Exchange) []Violation {
	if ep, ok := v.tokenEndpointFor(ex.URL); ok {
		return v.tokenRequest(ep, ex)
	}
	in, op, viol := v.route(ex)
	if viol != nil {
		return []Violation{*viol}
	}
	return wrap(op, openapi3filter.ValidateRequest(ctx, in))
}

// Response validates a recorded response to the recorded request ex.
func (v *Validator) Response(ctx context.Context, ex Exchange, status int, header http.Header, body []byte) []Violation {
	if ep, ok := v.tokenEndpointFor(ex.URL); ok {
		return v.tokenResponse(ep, status, body)
	}
	in, op, viol := v.route(ex)
	if viol != nil {
		return []Violation{*viol}
	}
	in.Options.ExcludeRequestBody = true
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: v.StrictStatus,
			MultiError:            true,
		},
	}
	vs := wrap(op, openapi3filter.ValidateResponse(ctx, out))
	for i := range vs {
		if strings.HasSuffix(vs[i].Message, "status is not supported") {
			vs[i].Message = fmt.Sprintf("response: status %d is not documented for this operation (and it has no default response)", status)
		}
	}
	return vs
}

func (v *Validator) route(ex Exchange) (*openapi3filter.RequestValidationInput, string, *Violation) {
	u, err := url.Parse(ex.URL)
	if err != nil {
		return nil, "", &Violation{Message: "unparsable URL: " + err.Error()}
	}
	rest := u.EscapedPath()
	if len(v.servers) > 0 {
		bare := *u
		bare.RawQuery, bare.Fragment = "", ""
		srv, _, remaining := v.servers.MatchURL(&bare)
		if srv == nil {
			return nil, "", &Violation{Message: fmt.Sprintf("%s://%s%s is under none of the spec's servers (%s)",
				u.Scheme, u.Host, u.EscapedPath(), serverList(v.servers))}
		}
		rest = remaining
	}
	req, err := http.NewRequest(ex.Method, "http://api.invalid"+rest, bytes.NewReader(ex.Body))
	if err != nil {
		return nil, "", &Violation{Message: err.Error()}
	}
	req.URL.RawQuery = u.RawQuery
	if ex.Header != nil {
		req.Header = ex.Header.Clone()
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		var re *routers.RouteError
		msg := err.Error()
		if errors.As(err, &re) {
			msg = re.Reason
		}
		return nil, "", &Violation{Message: fmt.Sprintf("%s %s: %s in the spec", ex.Method, rest, msg)}
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError: true,
			// Fixtures carry placeholder credentials; checking them proves nothing.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	return in, route.Method + " " + route.Path, nil
}

func serverList(s openapi3.Servers) string {
	urls := make([]string, len(s))
	for i, x := range s {
		urls[i] = x.URL
	}
	return strings.Join(urls, ", ")
}

func wrap(op string, err error) []Violation {
	if err == nil {
		return nil
	}
	var out []Violation
	for _, m := range flatten(err) {
		out = append(out, Violation{Operation: op, Message: m})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Message < out[j].Message })
	return out
}

// flatten turns kin-openapi's nested errors into one short line each. The
// library's own Error() strings embed the whole schema and value; a line
// like `request body: /prerun/title: value must be a string` is what a
// person can act on (and it never echoes the value, as the library advises).
func flatten(err error) []string {
	// Direct type switches, not errors.As: a RequestError wraps a MultiError
	// of schema errors, and errors.As would find that first and lose the
	// "request body" / "parameter" prefix.
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []string
		for _, x := range e {
			out = append(out, flatten(x)...)
		}
		return out
	case *openapi3filter.RequestError:
		where := "request"
		switch {
		case e.Parameter != nil:
			where = fmt.Sprintf("parameter %q in %s", e.Parameter.Name, e.Parameter.In)
		case e.RequestBody != nil:
			where = "request body"
		}
		return prefixed(where, e.Err, e.Reason)
	case *openapi3filter.ResponseError:
		return prefixed("response", e.Err, e.Reason)
	case *openapi3.SchemaError:
		return []string{schemaLine(e)}
	}
	if u := errors.Unwrap(err); u != nil {
		return flatten(u)
	}
	return []string{err.Error()}
}

func prefixed(where string, inner error, reason string) []string {
	var lines []string
	if inner != nil {
		lines = flatten(inner)
	}
	if len(lines) == 0 {
		lines = []string{reason}
	} else if reason != "" {
		for i := range lines {
			lines[i] = reason + ": " + lines[i]
		}
	}
	for i := range lines {
		lines[i] = where + ": " + lines[i]
	}
	return lines
}

func schemaLine(se *openapi3.SchemaError) string {
	ptr := se.JSONPointer()
	if len(ptr) == 0 {
		return se.Reason
	}
	return "/" + strings.Join(ptr, "/") + ": " + se.Reason
}
