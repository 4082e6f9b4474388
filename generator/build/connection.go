package build

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/workatogen/workatogen/generator/config"
	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/naming"
	"github.com/workatogen/workatogen/generator/rubylit"
)

// buildConnection fills the connection hash: fields, authorization and
// base_uri. Each part comes from the config when it says so, otherwise from
// the spec (securitySchemes, servers, shared path parameters).
func (b *builder) buildConnection() {
	cc := b.cfg().Connection
	if cc == nil {
		cc = &config.Connection{}
	}
	fields := &fieldList{}
	for _, f := range cc.Fields {
		fields.add(connField(f))
	}

	// Path parameters bound to connection fields: as the config says, or,
	// when the config does not describe the connection at all, derived.
	for _, p := range sortedKeys(cc.PathParameters) {
		b.bound[p] = cc.PathParameters[p]
	}
	if b.cfg().Connection == nil {
		b.deriveBoundParams(fields)
	}

	// base_uri
	if cc.BaseURI != nil && (cc.BaseURI.Default != "" || cc.BaseURI.Field != "") {
		def := cc.BaseURI.Default
		if def == "" {
			def = b.serverURL()
		}
		b.out.Connection.BaseURI = baseURIFromField(cc.BaseURI.Field, def)
	} else {
		b.out.Connection.BaseURI = b.deriveBaseURI(fields)
	}

	// authorization
	if cc.Auth != nil {
		b.out.Connection.Auth = b.authFromConfig(cc.Auth, fields, true)
	} else {
		b.out.Connection.Auth = b.deriveAuth(fields)
	}
	b.out.Connection.Fields = fields.list
}

type fieldList struct{ list []*ir.Field }

func (l *fieldList) has(name string) bool {
	for _, f := range l.list {
		if string(f.Name) == name {
			return true
		}
	}
	return false
}

func (l *fieldList) add(f *ir.Field) {
	if !l.has(string(f.Name)) {
		l.list = append(l.list, f)
	}
}

func connField(f config.Field) *ir.Field {
	out := &ir.Field{
		Name:        ir.Text(f.Name),
		Label:       ir.Text(f.Label),
		Hint:        ir.Text(f.Hint),
		ControlType: f.ControlType,
		Optional:    f.Optional != nil && *f.Optional,
		Sticky:      f.Sticky,
	}
	if f.Label == "" {
		out.Label = ir.Text(naming.Label(f.Name))
	}
	if f.Type != "" && f.Type != "string" {
		out.Type = f.Type
	}
	if f.Default != "" {
		out.Default = ir.Code(rubylit.Quote(f.Default))
	}
	for _, o := range f.Options {
		out.Options = append(out.Options, [2]ir.Text{ir.Text(o[0]), ir.Text(o[1])})
	}
	if f.Toggle && f.ControlType == "select" {
		out.ToggleHint = "Select from list"
		out.ToggleField = &ir.Field{Name: out.Name, Label: out.Label, Type: "string", ControlType: "text",
			Optional: out.Optional, ToggleHint: "Use custom value", Hint: out.Hint}
	}
	return out
}

// deriveBoundParams offers path parameters that most operations share (like
// Tallyfy's {org}) as connection fields: asking for the organization once is
// what users expect, not on every action.
func (b *builder) deriveBoundParams(fields *fieldList) {
	count := map[string]int{}
	paths := map[string]map[string]bool{}
	last := map[string]int{}
	desc := map[string]*openapi3.Parameter{}
	for _, o := range b.ops {
		for _, p := range o.params {
			if p.In != "path" {
				continue
			}
			count[p.Name]++
			if paths[p.Name] == nil {
				paths[p.Name] = map[string]bool{}
			}
			paths[p.Name][o.path] = true
			if strings.HasSuffix(o.path, "{"+p.Name+"}") {
				last[p.Name]++
			}
			if desc[p.Name] == nil {
				desc[p.Name] = p
			}
		}
	}
	var names []string
	for n, c := range count {
		// "Shared" means a scope like Tallyfy's /organizations/{org}/...: used
		// by more than half of the operations, on several paths, and rarely
		// the resource an operation addresses (the last segment).
		if c*2 > len(b.ops) && len(paths[n]) >= 3 && last[n]*10 < c {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fname := naming.Snake(n)
		if fname == "org" || fname == "org_id" {
			fname = "organization_id"
		}
		b.bound[n] = fname
		p := desc[n]
		label := b.gloss.Apply(naming.Label(fname))
		fields.add(&ir.Field{Name: ir.Text(fname), Label: ir.Text(label), Hint: ir.Text(b.plainHint(p.Description)), Optional: false})
		b.note("Connection/SharedPathParameter", "", "", "path parameter {%s} is used by %d of %d operations: it is asked once, as connection field %q", n, count[n], len(b.ops), fname)
	}
}

// serverURL returns the first server's URL with variables at their defaults.
func (b *builder) serverURL() string {
	if len(b.spec.Doc.Servers) == 0 {
		return ""
	}
	s := b.spec.Doc.Servers[0]
	u := s.URL
	for name, v := range s.Variables {
		u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
	}
	return u
}

func withSlash(u string) string {
	if strings.HasSuffix(u, "/") {
		return u
	}
	return u + "/"
}

// baseURIFromField reads the base URI from a connection field, falling back
// to a default, and guarantees the trailing slash that RFC 3986 merging needs
// (workato-sdk.md §2.4). base_uri runs in a reduced context: no `call`.
func baseURIFromField(field, def string) ir.Code {
	def = withSlash(def)
	if field == "" {
		return ir.Code(rubylit.Quote(def))
	}
	return ir.Code(fmt.Sprintf("base = connection[%s].presence || %s\nbase.end_with?('/') ? base : \"#{base}/\"",
		rubylit.Quote(field), rubylit.Quote(def)))
}

var serverVarRE = regexp.MustCompile(`\{([^{}]+)\}`)

// deriveBaseURI builds base_uri from the spec's servers: one server is a
// constant; several become a choice; server variables become fields.
func (b *builder) deriveBaseURI(fields *fieldList) ir.Code {
	servers := b.spec.Doc.Servers
	if len(servers) == 0 || (len(servers) == 1 && (servers[0].URL == "/" || servers[0].URL == "")) {
		fields.add(&ir.Field{Name: "base_url", Label: "Base URL", Optional: false, ControlType: "url",
			Hint: "The API's address, ending with /, e.g. https://api.example.com/v1/"})
		b.warn("Connection/NoServer", "/servers", "add `servers: [{url: https://...}]` to the spec, or `connection.base_uri` to the config",
			"the spec names no absolute server URL: users must type the base URL")
		return baseURIFromField("base_url", "https://example.invalid/")
	}
	if len(servers) > 1 {
		f := &ir.Field{Name: "base_url", Label: "API host", Optional: true, ControlType: "select",
			Hint: "Where requests go. Pick the host your account uses."}
		for _, s := range servers {
			label := s.URL
			if s.Description != "" {
				label = firstSentence(s.Description) + " (" + s.URL + ")"
			}
			f.Options = append(f.Options, [2]ir.Text{ir.Text(label), ir.Text(withSlash(s.URL))})
		}
		f.Default = ir.Code(rubylit.Quote(withSlash(servers[0].URL)))
		fields.add(f)
		return baseURIFromField("base_url", servers[0].URL)
	}
	s := servers[0]
	if len(s.Variables) == 0 {
		if u, err := url.Parse(s.URL); err != nil || u.Scheme == "" {
			b.warn("Connection/RelativeServer", "/servers/0/url", "use an absolute server URL", "server URL %q is not absolute", s.URL)
		}
		return ir.Code(rubylit.Quote(withSlash(s.URL)))
	}
	// Server variables become connection fields interpolated into the URL.
	var parts strings.Builder
	last := 0
	tmpl := withSlash(s.URL)
	for _, m := range serverVarRE.FindAllStringSubmatchIndex(tmpl, -1) {
		parts.WriteString(rubylit.DQBody(tmpl[last:m[0]]))
		name := tmpl[m[2]:m[3]]
		v := s.Variables[name]
		fname := naming.Snake(name)
		f := &ir.Field{Name: ir.Text(fname), Label: ir.Text(naming.Label(name)), Optional: false}
		if v != nil {
			f.Hint = ir.Text(b.plainHint(v.Description))
			if v.Default != "" {
				f.Default = ir.Code(rubylit.Quote(v.Default))
				f.Optional = true
			}
			if len(v.Enum) > 0 {
				f.ControlType = "select"
				for _, e := range v.Enum {
					f.Options = append(f.Options, [2]ir.Text{ir.Text(e), ir.Text(e)})
				}
			}
		}
		fields.add(f)
		def := ""
		if v != nil {
			def = v.Default
		}
		parts.WriteString(fmt.Sprintf("#{connection[%s].presence || %s}", rubylit.Quote(fname), rubylit.Quote(def)))
		last = m[1]
	}
	parts.WriteString(rubylit.DQBody(tmpl[last:]))
	return ir.Code(`"` + parts.String() + `"`)
}

// headerValue turns "Bearer {api_token}" into a Ruby string expression that
// inserts connection fields.
func headerValue(tmpl string) string {
	if m := placeholder.FindStringSubmatch(tmpl); m != nil && m[0] == tmpl {
		return fmt.Sprintf("connection[%s]", rubylit.Quote(m[1]))
	}
	if !placeholder.MatchString(tmpl) {
		return rubylit.Quote(tmpl)
	}
	var s strings.Builder
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(tmpl, -1) {
		s.WriteString(rubylit.DQBody(tmpl[last:m[0]]))
		s.WriteString(fmt.Sprintf("#{connection[%s]}", rubylit.Quote(tmpl[m[2]:m[3]])))
		last = m[1]
	}
	s.WriteString(rubylit.DQBody(tmpl[last:]))
	return `"` + s.String() + `"`
}

var placeholder = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

func headersCall(h map[string]string, extra [][2]string) string {
	var pairs []string
	for _, p := range extra {
		pairs = append(pairs, rubylit.Quote(p[0])+" => "+p[1])
	}
	for _, k := range sortedKeys(h) {
		pairs = append(pairs, rubylit.Quote(k)+" => "+headerValue(h[k]))
	}
	if len(pairs) == 0 {
		return ""
	}
	return "headers(" + strings.Join(pairs, ", ") + ")"
}

func paramsCall(q map[string]string) string {
	var pairs []string
	for _, k := range sortedKeys(q) {
		pairs = append(pairs, rubylit.Quote(k)+" => "+headerValue(q[k]))
	}
	if len(pairs) == 0 {
		return ""
	}
	return "params(" + strings.Join(pairs, ", ") + ")"
}

// authFromConfig renders an auth block from connection.auth.
func (b *builder) authFromConfig(a *config.Auth, fields *fieldList, top bool) *ir.Auth {
	for _, f := range a.Fields {
		if top {
			fields.add(connField(f))
		}
	}
	out := &ir.Auth{ApplyArgs: "connection"}
	var lines []string
	switch a.Type {
	case "none":
		out.Type = "none"
	case "bearer":
		out.Type = "custom_auth"
		lines = append(lines, headersCall(a.Headers, [][2]string{{"Authorization", fmt.Sprintf(`"Bearer #{connection[%s]}"`, rubylit.Quote(a.TokenField))}}))
	case "api_key":
		out.Type = "api_key"
		if h := headersCall(a.Headers, nil); h != "" {
			lines = append(lines, h)
		}
	case "basic":
		out.Type = "basic_auth"
		lines = append(lines, fmt.Sprintf("user(connection[%s])", rubylit.Quote(a.UsernameField)),
			fmt.Sprintf("password(connection[%s])", rubylit.Quote(a.PasswordField)))
		if h := headersCall(a.Headers, nil); h != "" {
			lines = append(lines, h)
		}
	case "oauth2":
		out.Type = "oauth2"
		out.ApplyArgs = "connection, access_token"
		lines = append(lines, headersCall(a.Headers, [][2]string{{"Authorization", `"Bearer #{access_token}"`}}))
		out.OAuth2 = b.oauth2(a.OAuth2, fields, top)
	case "multi":
		out.Type = "multi"
		out.SelectorField = "auth_type"
		out.DefaultOption = a.Default
		keys := sortedKeys(a.Options)
		if out.DefaultOption == "" {
			out.DefaultOption = keys[0]
		}
		sel := &ir.Field{Name: "auth_type", Label: "Authentication type", ControlType: "select", Optional: false,
			ExtendsSchema: true, Default: ir.Code(rubylit.Quote(out.DefaultOption)),
			Hint: "How this connection signs in to the API."}
		for _, k := range keys {
			opt := a.Options[k]
			label := opt.Label
			if label == "" {
				label = naming.Label(k)
			}
			sel.Options = append(sel.Options, [2]ir.Text{ir.Text(label), ir.Text(k)})
			sub := &fieldList{}
			for _, f := range opt.Fields {
				sub.add(connField(f))
			}
			auth := b.authFromConfig(opt, sub, false)
			if auth.OAuth2 != nil {
				// client id/secret fields the oauth2 option added
				for _, f := range b.oauthFields(opt.OAuth2) {
					sub.add(f)
				}
			}
			out.Options = append(out.Options, &ir.AuthOption{Key: k, Label: ir.Text(label), Fields: sub.list, Auth: auth})
		}
		// the selector goes first in the form
		fields.list = append([]*ir.Field{sel}, fields.list...)
		return out
	}
	if p := paramsCall(a.Query); p != "" {
		lines = append(lines, p)
	}
	var nonEmpty []string
	for _, l := range lines {
		if l != "" {
			nonEmpty = append(nonEmpty, l)
		}
	}
	out.Apply = ir.Code(strings.Join(nonEmpty, "\n"))
	return out
}

func (b *builder) oauthFields(o *config.OAuth2) []*ir.Field {
	var out []*ir.Field
	if o.ClientIDField == "" {
		out = append(out, &ir.Field{Name: "client_id", Label: "Client ID", Optional: false, Hint: "OAuth client ID issued by the API provider."})
	}
	if o.ClientSecretField == "" {
		out = append(out, &ir.Field{Name: "client_secret", Label: "Client secret", ControlType: "password", Optional: false, Hint: "OAuth client secret issued by the API provider."})
	}
	return out
}

// oauth2 renders Workato's authorization-code flow. Workato appends state and
// redirect_uri itself; response_type=code must be in the URL (workato-sdk.md §2.3).
func (b *builder) oauth2(o *config.OAuth2, fields *fieldList, top bool) *ir.OAuth2 {
	idField, secretField := o.ClientIDField, o.ClientSecretField
	if idField == "" {
		idField = "client_id"
	}
	if secretField == "" {
		secretField = "client_secret"
	}
	if top {
		for _, f := range b.oauthFields(o) {
			fields.add(f)
		}
	}
	q := "response_type=code&client_id=#{connection[" + rubylit.Quote(idField) + "]}"
	if o.Scope != "" {
		q += "&scope=" + rubylit.DQBody(url.QueryEscape(o.Scope))
	}
	sep := "?"
	if strings.Contains(o.AuthorizationURL, "?") {
		sep = "&"
	}
	refresh := o.RefreshOn
	if len(refresh) == 0 {
		refresh = []int{401}
	}
	// The code exchange and the refresh are written out (rather than left
	// to Workato's defaults) so the token's own expires_in is recorded as
	// expires_at, never an assumed lifetime, and so both can be replayed.
	format := ".request_format_www_form_urlencoded"
	if o.TokenRequest == "json" {
		format = ""
	}
	id := "connection[" + rubylit.Quote(idField) + "]"
	secret := "connection[" + rubylit.Quote(secretField) + "]"
	token := rubylit.Quote(o.TokenURL)
	acquire := fmt.Sprintf(`response = post(%s)%s
  .payload(grant_type: 'authorization_code', code: auth_code, redirect_uri: redirect_uri,
           client_id: %s, client_secret: %s)
  .after_error_response(400, 401, 403, 404, 422, 429, 500, 502, 503, 504) do |code, body, headers, message|
    call(:api_error, 'Sign-in', code, body, headers, message)
  end
[
  { access_token: response['access_token'], refresh_token: response['refresh_token'] },
  nil,
  { expires_at: (response['expires_in'].present? ? (Time.now + response['expires_in'].to_i).utc.iso8601 : nil) }
]`, token, format, id, secret)
	refreshBody := fmt.Sprintf(`response = post(%s)%s
  .payload(grant_type: 'refresh_token', refresh_token: refresh_token,
           client_id: %s, client_secret: %s)
  .after_error_response(400, 401, 403, 404, 422, 429, 500, 502, 503, 504) do |code, body, headers, message|
    call(:api_error, 'Token refresh', code, body, headers, message)
  end
{
  access_token: response['access_token'],
  refresh_token: response['refresh_token'].presence || refresh_token,
  expires_at: (response['expires_in'].present? ? (Time.now + response['expires_in'].to_i).utc.iso8601 : nil)
}`, token, format, id, secret)
	return &ir.OAuth2{
		AuthorizationURL: ir.Code(`"` + rubylit.DQBody(o.AuthorizationURL+sep) + q + `"`),
		TokenURL:         ir.Code(token),
		ClientID:         ir.Code(id),
		ClientSecret:     ir.Code(secret),
		RefreshOn:        refresh,
		Acquire:          ir.Code(acquire),
		Refresh:          ir.Code(refreshBody),
	}
}

// deriveAuth builds authorization from the spec's security requirements.
// Several alternative requirements become a multi auth.
func (b *builder) deriveAuth(fields *fieldList) *ir.Auth {
	reqs := b.spec.Doc.Security
	schemes := map[string]*openapi3.SecurityScheme{}
	if b.spec.Doc.Components != nil {
		for k, v := range b.spec.Doc.Components.SecuritySchemes {
			if v != nil && v.Value != nil {
				schemes[k] = v.Value
			}
		}
	}
	if len(reqs) == 0 && len(schemes) > 0 {
		// no top-level requirement: offer each scheme as an alternative
		for _, k := range sortedKeys(schemes) {
			reqs = append(reqs, openapi3.SecurityRequirement{k: nil})
		}
	}
	if len(reqs) == 0 {
		b.note("Connection/NoSecurity", "/security", "add securitySchemes to the spec, or `connection.auth` to the config", "the spec declares no security: the connector sends no credentials")
		return &ir.Auth{Type: "none"}
	}
	// A scheme every alternative needs (Tallyfy's X-Tallyfy-Client header) is
	// asked once, at the top of the form, not once per auth option.
	uses := map[string]int{}
	for _, req := range reqs {
		for name := range req {
			uses[name]++
		}
	}
	shared := map[string]bool{}
	if len(reqs) > 1 {
		for name, n := range uses {
			if s := schemes[name]; s != nil && s.Type == "apiKey" && n == len(reqs) {
				shared[name] = true
			}
		}
	}
	var alts []*config.Auth
	var altNames, altLabels []string
	for i, req := range reqs {
		a, name, label := b.authForRequirement(req, schemes, fmt.Sprintf("/security/%d", i), shared, fields)
		if a != nil {
			alts = append(alts, a)
			altNames = append(altNames, name)
			altLabels = append(altLabels, label)
		}
	}
	if len(alts) == 0 {
		return &ir.Auth{Type: "none"}
	}
	if len(alts) == 1 {
		return b.authFromConfig(alts[0], fields, true)
	}
	multi := &config.Auth{Type: "multi", Options: map[string]*config.Auth{}}
	for i, a := range alts {
		key := altNames[i]
		for multi.Options[key] != nil {
			key += "_2"
		}
		a.Label = altLabels[i]
		multi.Options[key] = a
		if i == 0 {
			multi.Default = key
		}
	}
	return b.authFromConfig(multi, fields, true)
}

var secretName = regexp.MustCompile(`(?i)key|token|secret|auth|pass`)

// authForRequirement turns one security requirement (all its schemes apply
// together) into an auth description plus the fields it needs.
func (b *builder) authForRequirement(req openapi3.SecurityRequirement, schemes map[string]*openapi3.SecurityScheme, ptr string, shared map[string]bool, top *fieldList) (*config.Auth, string, string) {
	a := &config.Auth{Headers: map[string]string{}, Query: map[string]string{}}
	key, label := "", ""
	for _, name := range sortedKeys(req) {
		s := schemes[name]
		if s == nil {
			b.warn("Connection/UnknownScheme", ptr, "define the scheme under components.securitySchemes", "security requirement names scheme %q, which is not defined", name)
			continue
		}
		switch {
		case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
			a.Type = pick(a.Type, "bearer")
			key, label = "api_token", "API token"
			a.TokenField = "api_token"
			a.Fields = append(a.Fields, config.Field{Name: "api_token", Label: "API token", ControlType: "password",
				Optional: boolPtr(false), Hint: b.plainHint(s.Description)})
		case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
			a.Type = pick(a.Type, "basic")
			key, label = "basic", "Username and password"
			a.UsernameField, a.PasswordField = "username", "password"
			a.Fields = append(a.Fields, config.Field{Name: "username", Optional: boolPtr(false)},
				config.Field{Name: "password", ControlType: "password", Optional: boolPtr(false)})
		case s.Type == "apiKey":
			a.Type = pick(a.Type, "api_key")
			if key == "" {
				key, label = "api_key", "API key"
			}
			fname := naming.Snake(s.Name)
			if fname == "" {
				fname = "api_key"
			}
			ctl := "text"
			if secretName.MatchString(s.Name) {
				ctl = "password"
			}
			f := config.Field{Name: fname, Label: s.Name, ControlType: ctl, Optional: boolPtr(false), Hint: b.plainHint(s.Description)}
			if shared[name] {
				top.add(connField(f))
			} else {
				a.Fields = append(a.Fields, f)
			}
			switch s.In {
			case "header":
				a.Headers[s.Name] = "{" + fname + "}"
			case "query":
				a.Query[s.Name] = "{" + fname + "}"
			default:
				b.warn("Connection/CookieAuth", ptr, "send the key in a header or the query instead",
					"API key scheme %q is sent in a %s, which Workato connectors cannot set portably: it is ignored", name, s.In)
			}
		case s.Type == "oauth2" && s.Flows != nil && s.Flows.AuthorizationCode != nil:
			a.Type = "oauth2"
			key, label = "oauth2", "OAuth 2.0"
			f := s.Flows.AuthorizationCode
			scopes := sortedKeys(f.Scopes)
			a.OAuth2 = &config.OAuth2{AuthorizationURL: f.AuthorizationURL, TokenURL: f.TokenURL, Scope: strings.Join(scopes, " ")}
			if f.RefreshURL != "" && f.RefreshURL != f.TokenURL {
				b.note("Connection/RefreshURL", ptr, "", "scheme %q has a separate refreshUrl; Workato refreshes at the token URL", name)
			}
		default:
			b.warn("Connection/UnsupportedScheme", ptr, "describe the authentication in connector.yaml (`connection.auth`)",
				"security scheme %q (%s %s) is not supported for generation: it is skipped", name, s.Type, s.Scheme)
		}
	}
	if a.Type == "" {
		return nil, "", ""
	}
	if a.Type != "bearer" && a.Type != "oauth2" && a.Type != "basic" && len(a.Headers) == 0 && len(a.Query) == 0 {
		return nil, "", ""
	}
	return a, key, label
}

func pick(cur, next string) string {
	if cur == "" || cur == "api_key" {
		return next
	}
	return cur
}

func boolPtr(v bool) *bool { return &v }

// checkBindings reports path parameters bound in the config that no
// operation uses (a typo), once all actions are built.
func (b *builder) checkBindings(used map[string]bool) {
	if b.in.Config == nil || b.cfg().Connection == nil {
		return
	}
	for _, p := range sortedKeys(b.cfg().Connection.PathParameters) {
		if !used[p] {
			b.cfgDiag(diag.Warning, "Config/UnusedBinding", "/connection/path_parameters/"+p, "remove it, or fix the name to match a {parameter} in the spec's paths",
				"path parameter {%s} is bound but no generated action uses it", p)
		}
	}
}
