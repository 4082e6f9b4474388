// Package render lays the connector model out as files using text/template
// with sprig's hermetic functions (no time, randomness or environment), so
// the same model always renders to the same bytes.
package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/ir"
	"github.com/workatogen/workatogen/generator/rubylit"
	"github.com/workatogen/workatogen/templates"
)

// Outputs maps each generated file to the template that renders it.
var Outputs = []struct{ File, Template string }{
	{"connector.rb", "connector.rb.tmpl"},
	{"README.md", "README.md.tmpl"},
}

// Set is a parsed template set plus the files it was read from (hashed by
// the lock file).
type Set struct {
	tmpl  *template.Template
	Files map[string][]byte // template file name → content actually used
	// Overridden lists the built-in names a user directory replaced.
	Overridden []string
}

// Load parses the built-in templates, letting files in dir (if any) shadow
// built-ins with the same name. A file in dir that shadows nothing is an
// error: it is almost always a typo, and silently ignoring it would make the
// override look broken.
func Load(dir string) (*Set, diag.List) {
	var ds diag.List
	files := map[string][]byte{}
	builtins, _ := fs.Glob(templates.FS, "*.tmpl")
	for _, name := range builtins {
		data, err := fs.ReadFile(templates.FS, name)
		if err != nil {
			ds.Errorf("Templates/Read", name, "", "", "cannot read built-in template: %v", err)
			return nil, ds
		}
		files[name] = data
	}
	s := &Set{Files: files}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			ds.Errorf("Templates/Read", dir, "", "check the --templates directory", "cannot read the templates directory: %v", err)
			return nil, ds
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".tmpl") {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if _, ok := files[e.Name()]; !ok {
				fix := "name the file after the built-in template it replaces: " + strings.Join(builtins, ", ")
				if near := diag.Closest(e.Name(), builtins); near != "" {
					fix = fmt.Sprintf("did you mean %q?", near)
				}
				ds.Errorf("Templates/UnknownTemplate", path, "", fix, "template %s does not shadow any built-in template", e.Name())
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				ds.Errorf("Templates/Read", path, "", "", "cannot read template: %v", err)
				continue
			}
			files[e.Name()] = data
			s.Overridden = append(s.Overridden, e.Name())
		}
		if ds.Failing(false) {
			return nil, ds
		}
	}
	root := template.New("")
	var self *template.Template
	funcs := funcMap(func() *template.Template { return self })
	root.Funcs(funcs)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		file := n
		for _, o := range s.Overridden {
			if o == n {
				file = filepath.Join(dir, n)
			}
		}
		if _, err := root.New(n).Parse(string(files[n])); err != nil {
			ds.Add(diag.Diagnostic{Severity: diag.Error, Code: "Templates/Parse", File: file, Message: err.Error(),
				Fix: "fix the template syntax (text/template); compare with the built-in version"})
		}
	}
	if ds.Failing(false) {
		return nil, ds
	}
	self = root
	s.tmpl = root
	return s, ds
}

// Render executes every output template against the model.
func (s *Set) Render(c *ir.Connector) (map[string][]byte, diag.List) {
	var ds diag.List
	out := map[string][]byte{}
	for _, o := range Outputs {
		var buf bytes.Buffer
		if err := s.tmpl.ExecuteTemplate(&buf, o.Template, c); err != nil {
			ds.Add(diag.Diagnostic{Severity: diag.Error, Code: "Templates/Execute", File: o.Template, Message: err.Error(),
				Fix: "a template refers to something the model (generator/ir) does not have; compare with the built-in template"})
			continue
		}
		out[o.File] = tidy(buf.Bytes())
	}
	return out, ds
}

// tidy strips trailing spaces and ends the file with one newline, so
// template whitespace never shows up as a diff.
func tidy(b []byte) []byte {
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return []byte(strings.TrimLeft(strings.TrimRight(strings.Join(lines, "\n"), "\n"), "\n") + "\n")
}

func funcMap(self func() *template.Template) template.FuncMap {
	f := sprig.HermeticTxtFuncMap()
	// include renders a named template to a string so it can be piped
	// through indent (text/template's own "template" action cannot be).
	f["include"] = func(name string, data any) (string, error) {
		var buf bytes.Buffer
		if err := self().ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	// indent/nindent over fmt.Stringer values (ir.Code, ir.Text) too.
	f["indent"] = func(n int, v any) string {
		pad := strings.Repeat(" ", n)
		return pad + strings.ReplaceAll(toString(v), "\n", "\n"+pad)
	}
	f["nindent"] = func(n int, v any) string {
		pad := strings.Repeat(" ", n)
		return "\n" + pad + strings.ReplaceAll(toString(v), "\n", "\n"+pad)
	}
	f["trim"] = func(v any) string { return strings.TrimSpace(toString(v)) }
	// q quotes generator-controlled tokens (types, names) as Ruby literals.
	f["q"] = func(v any) string { return rubylit.Quote(toString(raw(v))) }
	f["key"] = func(v any) string { return rubylit.Key(toString(raw(v))) }
	// sym renders a method name for call(): :name when it is a plain
	// identifier, else a quoted string (call accepts both).
	f["sym"] = func(v any) string {
		s := toString(raw(v))
		if k := rubylit.Key(s); strings.HasSuffix(k, ":") {
			return ":" + s
		}
		return rubylit.Quote(s)
	}
	f["comment"] = func(v any) string { return rubylit.Comment(toString(raw(v))) }
	f["ints"] = func(xs []int) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ", ")
	}
	f["strs"] = func(v any) string {
		var parts []string
		switch xs := v.(type) {
		case []string:
			for _, x := range xs {
				parts = append(parts, rubylit.Quote(x))
			}
		case []ir.Text:
			for _, x := range xs {
				parts = append(parts, x.String())
			}
		}
		return strings.Join(parts, ", ")
	}
	f["pairs"] = func(ps []ir.Pair) string {
		parts := make([]string, len(ps))
		for i, p := range ps {
			parts[i] = p.Key.String() + " => " + p.Value.String()
		}
		return strings.Join(parts, ", ")
	}
	// md renders text for a Markdown table cell.
	f["md"] = func(v any) string {
		s := toString(raw(v))
		s = strings.ReplaceAll(s, "|", `\|`)
		s = strings.ReplaceAll(s, "\n", " ")
		return s
	}
	return f
}

// raw unwraps ir.Text so q/key/md see the text, not its Ruby literal.
func raw(v any) any {
	if t, ok := v.(ir.Text); ok {
		return string(t)
	}
	return v
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
