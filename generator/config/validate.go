package config

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/workatogen/workatogen/generator/diag"
)

// AuthTypes are the values `auth.type` accepts.
var AuthTypes = []string{"bearer", "api_key", "basic", "oauth2", "none", "multi"}

var fieldNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// placeholderRE matches {field} in header and query values; other braces are literal.
var placeholderRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// validate checks values that the key check cannot: enums, names Workato
// accepts, references between parts of the config. References to the spec
// (operations, schemas) are checked later, when the spec is loaded.
func (f *File) validate() diag.List {
	var ds diag.List
	c := f.Config
	add := func(code, ptr, fix, format string, args ...any) {
		ds.Add(f.Diag(diag.Error, code, ptr, fix, format, args...))
	}
	connFields := map[string]bool{}
	if c.Connection != nil {
		for i, fl := range c.Connection.Fields {
			ptr := fmt.Sprintf("/connection/fields/%d", i)
			f.checkField(&ds, fl, ptr)
			if connFields[fl.Name] {
				add("Config/DuplicateField", ptr+"/name", "give each connection field a unique name", "connection field %q is defined twice", fl.Name)
			}
			connFields[fl.Name] = true
		}
		if a := c.Connection.Auth; a != nil {
			f.checkAuth(&ds, a, "/connection/auth", connFields, true)
		}
		if b := c.Connection.BaseURI; b != nil {
			if b.Field != "" && !connFields[b.Field] {
				add("Config/UnknownField", "/connection/base_uri/field", fmt.Sprintf("add a connection field named %q, or use one of: %s", b.Field, keys(connFields)), "base_uri.field %q is not a connection field", b.Field)
			}
			if b.Default != "" {
				if u, err := url.Parse(b.Default); err != nil || u.Scheme == "" || u.Host == "" {
					add("Config/BadURL", "/connection/base_uri/default", "write an absolute URL such as https://api.example.com/v1/", "base_uri.default %q is not an absolute URL", b.Default)
				} else if !strings.HasSuffix(b.Default, "/") {
					add("Config/BaseURISlash", "/connection/base_uri/default", fmt.Sprintf("write %q: Workato merges relative paths by RFC 3986, so without the slash the last segment is dropped", b.Default+"/"), "base_uri.default must end with \"/\"")
				}
			}
		}
		names := make([]string, 0, len(c.Connection.PathParameters))
		for p := range c.Connection.PathParameters {
			names = append(names, p)
		}
		sort.Strings(names)
		for _, p := range names {
			if fld := c.Connection.PathParameters[p]; !connFields[fld] {
				add("Config/UnknownField", "/connection/path_parameters/"+p, fmt.Sprintf("add a connection field named %q, or bind {%s} to one of: %s", fld, p, keys(connFields)), "path parameter {%s} is bound to %q, which is not a connection field", p, fld)
			}
		}
	}
	for i, g := range c.Glossary {
		if strings.TrimSpace(g.API) == "" || strings.TrimSpace(g.UI) == "" {
			add("Config/Glossary", fmt.Sprintf("/glossary/%d", i), "give both `api` and `ui`", "glossary entry needs both an API word and a UI word")
		}
	}
	if r := c.Retry; r != nil {
		if r.MaxRetries < 0 || r.MaxRetries > 3 {
			add("Config/Retry", "/retry/max_retries", "use 0 to 3: Workato clamps max_retries to 3", "retry.max_retries %d is out of range", r.MaxRetries)
		}
		for i, m := range r.Methods {
			switch strings.ToUpper(m) {
			case "GET", "HEAD", "PUT", "DELETE", "OPTIONS":
			default:
				add("Config/Retry", fmt.Sprintf("/retry/methods/%d", i), "retry only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS): a retried POST can create a record twice", "retry.methods includes %q", m)
			}
		}
	}
	if o := c.Operations; o != nil {
		if o.Include != "" && o.Include != "all" && o.Include != "listed" {
			add("Config/Enum", "/operations/include", `use "all" or "listed"`, "operations.include is %q", o.Include)
		}
		for i, p := range o.ExcludePaths {
			if _, err := regexp.Compile(p); err != nil {
				add("Config/Regexp", fmt.Sprintf("/operations/exclude_paths/%d", i), "write a Go regular expression", "operations.exclude_paths: %v", err)
			}
		}
	}
	for _, name := range sortedKeys(c.Actions) {
		a := c.Actions[name]
		ptr := "/actions/" + name
		if !fieldNameRE.MatchString(name) || strings.ToLower(name) != name {
			add("Config/Name", ptr, fmt.Sprintf("use lower snake_case, e.g. %q", strings.ToLower(strings.ReplaceAll(name, "-", "_"))), "action key %q must be lower snake_case", name)
		}
		if a == nil || a.Operation == "" {
			add("Config/MissingOperation", ptr, "add `operation: <operationId or \"METHOD /path\">`", "action %q names no operation", name)
		}
	}
	return ds
}

func (f *File) checkField(ds *diag.List, fl Field, ptr string) {
	if !fieldNameRE.MatchString(fl.Name) {
		ds.Add(f.Diag(diag.Error, "Config/Name", ptr+"/name", "use letters, digits and underscores only: Workato datapills break on other characters", "connection field name %q is not usable", fl.Name))
	}
	switch fl.ControlType {
	case "", "text", "password", "select", "url", "subdomain", "number", "integer", "checkbox", "text-area", "plain-text", "email":
	default:
		ds.Add(f.Diag(diag.Error, "Config/Enum", ptr+"/control_type", "use one of text, password, select, url, subdomain, number, integer, checkbox, text-area, plain-text, email", "control_type %q is not supported for connection fields", fl.ControlType))
	}
	if fl.ControlType == "select" && len(fl.Options) == 0 {
		ds.Add(f.Diag(diag.Error, "Config/Options", ptr+"/options", "add `options: [[label, value], ...]` (connection fields cannot use pick lists)", "select field %q has no options", fl.Name))
	}
}

func (f *File) checkAuth(ds *diag.List, a *Auth, ptr string, connFields map[string]bool, top bool) {
	add := func(code, p, fix, format string, args ...any) {
		ds.Add(f.Diag(diag.Error, code, p, fix, format, args...))
	}
	known := map[string]bool{}
	for k := range connFields {
		known[k] = true
	}
	for i, fl := range a.Fields {
		f.checkField(ds, fl, fmt.Sprintf("%s/fields/%d", ptr, i))
		known[fl.Name] = true
	}
	valid := false
	for _, t := range AuthTypes {
		valid = valid || a.Type == t
	}
	if !valid {
		fix := "use one of: " + strings.Join(AuthTypes, ", ")
		if near := diag.Closest(a.Type, AuthTypes); near != "" {
			fix = fmt.Sprintf("did you mean %q?", near)
		}
		add("Config/Enum", ptr+"/type", fix, "auth type %q is not supported", a.Type)
		return
	}
	need := func(key, val string) {
		if val == "" {
			add("Config/MissingField", ptr, fmt.Sprintf("add `%s:` naming a connection field", key), "auth type %s needs %s", a.Type, key)
		} else if !known[val] {
			add("Config/UnknownField", ptr+"/"+key, fmt.Sprintf("add a connection field named %q, or use one of: %s", val, keys(known)), "%s %q is not a connection field", key, val)
		}
	}
	switch a.Type {
	case "bearer":
		need("token_field", a.TokenField)
	case "basic":
		need("username_field", a.UsernameField)
		need("password_field", a.PasswordField)
	case "oauth2":
		if a.OAuth2 == nil || a.OAuth2.AuthorizationURL == "" || a.OAuth2.TokenURL == "" {
			add("Config/MissingField", ptr, "add `oauth2: {authorization_url: ..., token_url: ...}`", "oauth2 auth needs authorization_url and token_url")
		}
	case "multi":
		if !top {
			add("Config/Enum", ptr+"/type", "nest options one level only", "multi auth cannot be nested")
		}
		if len(a.Options) < 2 {
			add("Config/MissingField", ptr+"/options", "list at least two options, e.g. `options: {api_token: {...}, oauth2: {...}}`", "multi auth needs two or more options")
		}
		for _, k := range sortedKeys(a.Options) {
			f.checkAuth(ds, a.Options[k], ptr+"/options/"+k, connFields, false)
		}
		if a.Default != "" && a.Options[a.Default] == nil {
			add("Config/UnknownOption", ptr+"/default", "use one of: "+strings.Join(sortedKeys(a.Options), ", "), "default auth option %q is not defined", a.Default)
		}
	}
	for _, h := range sortedKeys(a.Headers) {
		for _, m := range placeholderRE.FindAllStringSubmatch(a.Headers[h], -1) {
			if !known[m[1]] {
				add("Config/UnknownField", ptr+"/headers/"+h, fmt.Sprintf("use one of: %s", keys(known)), "header %s refers to {%s}, which is not a connection field", h, m[1])
			}
		}
	}
	for _, q := range sortedKeys(a.Query) {
		for _, m := range placeholderRE.FindAllStringSubmatch(a.Query[q], -1) {
			if !known[m[1]] {
				add("Config/UnknownField", ptr+"/query/"+q, fmt.Sprintf("use one of: %s", keys(known)), "query parameter %s refers to {%s}, which is not a connection field", q, m[1])
			}
		}
	}
}

func keys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return "(none defined)"
	}
	return strings.Join(out, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SortedKeys returns the keys of a config map in a deterministic order.
func SortedKeys[V any](m map[string]V) []string { return sortedKeys(m) }
