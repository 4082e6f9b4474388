package compare

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/workatogen/workatogen/harness/fixture"
	"github.com/workatogen/workatogen/harness/replay"
)

// IgnoredHeaders are sent by the HTTP client or transport, not by connector
// code, so they are compared only when a fixture lists them explicitly.
var IgnoredHeaders = []string{
	"User-Agent", "Accept-Encoding", "Host", "Content-Length",
	"Connection", "Keep-Alive", "Transfer-Encoding", "Te", "Expect",
}

func ignored(name string) bool {
	for _, h := range IgnoredHeaders {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// view is the comparable shape of one request: both the recorded and the
// arrived request are reduced to it, then compared with Values. Keys become
// the first segment of every diff path (method, scheme, host, path, query,
// headers, body).
type view map[string]any

// wantView reduces a recorded request.
func wantView(r fixture.Request) view {
	v := view{"method": r.Method}
	if r.URL != nil {
		v["scheme"] = r.URL.Scheme
		v["host"] = normHost(r.URL.Host, r.URL.Scheme)
		v["path"] = normPath(r.URL.EscapedPath())
	}
	v["query"] = valuesMap(r.Query)
	h := map[string]any{}
	for k, val := range r.Headers {
		h[http.CanonicalHeaderKey(k)] = normHeader(k, val)
	}
	v["headers"] = h
	v["body"] = wantBody(r.Body)
	return v
}

// gotView reduces an arrived request. scheme comes from the runtime's own
// log (it is not on the wire); "" leaves default ports as they are.
// listed are the header names the fixture lists: those are compared even
// when on the ignore list.
func gotView(a replay.Arrived, scheme string, listed map[string]string, kind fixture.BodyKind) view {
	v := view{"method": a.Method, "host": normHost(a.Host, scheme), "path": normPath(a.Path)}
	if scheme != "" {
		// Only the runtime's log knows the scheme; without it, do not guess.
		v["scheme"] = scheme
	}
	q, err := url.ParseQuery(a.RawQuery)
	if err != nil {
		v["query"] = map[string]any{"(unparsable query)": []any{a.RawQuery}}
	} else {
		v["query"] = valuesMap(q)
	}
	h := map[string]any{}
	for k, vals := range a.Header {
		ck := http.CanonicalHeaderKey(k)
		if _, isListed := listed[ck]; ignored(ck) && !isListed {
			continue
		}
		h[ck] = normHeader(ck, strings.Join(vals, ", "))
	}
	v["headers"] = h
	v["body"] = gotBody(a, kind)
	return v
}

func listedHeaders(r fixture.Request) map[string]string {
	m := map[string]string{}
	for k, v := range r.Headers {
		m[http.CanonicalHeaderKey(k)] = v
	}
	return m
}

func normHost(host, scheme string) string {
	host = strings.ToLower(host)
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return host
	}
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		return h
	}
	return host
}

func normPath(p string) string {
	if p == "" {
		return "/"
	}
	// Compare the decoded path when it decodes cleanly, so %7E and ~ (which
	// name the same resource) are not reported; an encoded slash stays
	// encoded because it changes the path's segments.
	// PathUnescape("%252F") is "%2F", which keeps encoded slashes encoded.
	guarded := strings.NewReplacer("%2F", "%252F", "%2f", "%252F").Replace(p)
	if u, err := url.PathUnescape(guarded); err == nil {
		return u
	}
	return p
}

func valuesMap(q url.Values) map[string]any {
	m := map[string]any{}
	for k, vs := range q {
		l := make([]any, len(vs))
		for i, s := range vs {
			l[i] = s
		}
		m[k] = l
	}
	return m
}

// normHeader canonicalises Content-Type so "application/json;charset=UTF-8"
// and "application/json; charset=utf-8" are equal, and multipart boundaries
// (random per request) never differ.
func normHeader(name, val string) string {
	val = strings.TrimSpace(val)
	if !strings.EqualFold(name, "Content-Type") {
		return val
	}
	mt, params, err := mime.ParseMediaType(val)
	if err != nil {
		return val
	}
	if strings.HasPrefix(mt, "multipart/") {
		delete(params, "boundary")
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(mt)
	for _, k := range keys {
		v := params[k]
		if k == "charset" {
			v = strings.ToLower(v)
		}
		fmt.Fprintf(&b, "; %s=%s", k, v)
	}
	return b.String()
}

func wantBody(b fixture.Body) any {
	switch b.Kind {
	case fixture.BodyJSON:
		return b.JSON
	case fixture.BodyForm:
		return valuesMap(b.Form)
	case fixture.BodyMultipart:
		parts := make([]any, len(b.Parts))
		for i, p := range b.Parts {
			parts[i] = partView(p.Name, p.Filename, p.ContentType, p.Content)
		}
		return parts
	case fixture.BodyRaw:
		return bytesView(b.Raw)
	}
	return nil
}

// gotBody decodes the arrived body the way the fixture wrote its expectation,
// so a JSON expectation meets a JSON value and a form meets decoded fields.
// A body that cannot be decoded that way is shown as its text, which then
// differs visibly from the expectation.
func gotBody(a replay.Arrived, kind fixture.BodyKind) any {
	body := a.Body
	if kind == fixture.BodyNone {
		if len(body) == 0 {
			return nil
		}
		if v, err := fixture.DecodeJSON(body); err == nil {
			return v
		}
		return bytesView(body)
	}
	if len(body) == 0 {
		return nil
	}
	switch kind {
	case fixture.BodyJSON:
		v, err := fixture.DecodeJSON(body)
		if err != nil {
			return "(not JSON) " + string(truncate(body))
		}
		return v
	case fixture.BodyForm:
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return "(not a form) " + string(truncate(body))
		}
		return valuesMap(q)
	case fixture.BodyMultipart:
		parts, err := parseMultipart(a.Header.Get("Content-Type"), body)
		if err != nil {
			return "(not multipart: " + err.Error() + ") " + string(truncate(body))
		}
		return parts
	}
	return bytesView(body)
}

func parseMultipart(contentType string, body []byte) ([]any, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return nil, fmt.Errorf("Content-Type is %q", contentType)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var parts []any
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return parts, nil
		}
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, err
		}
		parts = append(parts, partView(p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data))
	}
}

func partView(name, filename, contentType string, content []byte) map[string]any {
	m := map[string]any{"name": name, "content": bytesView(content)}
	if filename != "" {
		m["filename"] = filename
	}
	if contentType != "" {
		m["content_type"] = normHeader("Content-Type", contentType)
	}
	return m
}

// bytesView shows text as text and binary as base64, so a diff line is
// printable either way.
func bytesView(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return "base64:" + base64.StdEncoding.EncodeToString(b)
}

func truncate(b []byte) []byte {
	if len(b) > 200 {
		return append(b[:200:200], "…"...)
	}
	return b
}
