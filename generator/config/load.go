package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/generator/yamlcheck"
)

// File is a loaded config with what is needed to point at its lines later.
type File struct {
	Path   string
	Dir    string
	Data   []byte
	Config *Config
	root   *yaml.Node
}

// Load reads and strictly decodes connector.yaml. On any error the returned
// File is nil and the diagnostics say where and what to change.
func Load(path string) (*File, diag.List) {
	var diags diag.List
	data, err := os.ReadFile(path)
	if err != nil {
		diags.Errorf("Config/Read", path, "", "check the --config path", "cannot read the config: %v", errors.Unwrap(err))
		return nil, diags
	}
	return LoadData(path, data)
}

// LoadData decodes config bytes already in memory.
func LoadData(path string, data []byte) (*File, diag.List) {
	var ds diag.List
	f := &File{Path: path, Dir: filepath.Dir(path), Data: data}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line, col, msg := yamlcheck.Locate(data, err)
		d := diag.Diagnostic{Severity: diag.Error, Code: "Config/Syntax", File: path, Line: line, Column: col,
			Message: "connector.yaml is not valid YAML: " + msg,
			Fix:     "fix the YAML at the line shown (indentation and `key: value` pairs)"}
		ds.Add(d)
		return nil, ds
	}
	cfg := &Config{}
	if root.Kind == 0 || len(root.Content) == 0 {
		f.Config = cfg
		return f, ds // an empty config is a valid config: everything derived
	}
	f.root = root.Content[0]
	ds = append(ds, yamlcheck.CheckKeys(f.root, reflect.TypeOf(Config{}), yamlcheck.Options{
		File: path, UnknownCode: "Config/UnknownKey", ShapeCode: "Config/Type", Extensions: true})...)
	if ds.Failing(false) {
		return nil, ds
	}
	if err := f.root.Decode(cfg); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				d := diag.Diagnostic{Severity: diag.Error, Code: "Config/Type", File: path, Message: msg,
					Fix: "give the value the type the key expects (see generator/config/connector.schema.json)"}
				if m := lineRE.FindStringSubmatch(msg); m != nil {
					d.Line, _ = strconv.Atoi(m[1])
					d.Message = strings.TrimSpace(lineRE.ReplaceAllString(msg, ""))
					d.Message = strings.TrimPrefix(d.Message, ": ")
				}
				ds.Add(d)
			}
		} else {
			ds.Errorf("Config/Type", path, "", "", "%v", err)
		}
		return nil, ds
	}
	f.Config = cfg
	ds = append(ds, f.validate()...)
	if ds.Failing(false) {
		return nil, ds
	}
	return f, ds
}

var lineRE = regexp.MustCompile(`line (\d+)`)

// Position returns the line and column of a slash-separated path of keys in
// the config ("/actions/launch_process/operation"), or of its nearest ancestor.
func (f *File) Position(ptr string) (int, int) {
	if f == nil || f.root == nil {
		return 0, 0
	}
	cur := f.root
	line, col := cur.Line, cur.Column
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if seg == "" {
			continue
		}
		var next *yaml.Node
		switch cur.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(cur.Content); i += 2 {
				if cur.Content[i].Value == seg {
					next = cur.Content[i+1]
					// point at the key for mappings: that is what users look for
					line, col = cur.Content[i].Line, cur.Content[i].Column
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(seg); err == nil && i >= 0 && i < len(cur.Content) {
				next = cur.Content[i]
				line, col = next.Line, next.Column
			}
		}
		if next == nil {
			break
		}
		cur = next
	}
	return line, col
}

// Diag builds a located diagnostic about the config.
func (f *File) Diag(sev diag.Severity, code, ptr, fix, format string, args ...any) diag.Diagnostic {
	d := diag.Diagnostic{Severity: sev, Code: code, Pointer: ptr, Fix: fix, Message: fmt.Sprintf(format, args...)}
	if f != nil {
		d.File = f.Path
		d.Line, d.Column = f.Position(ptr)
	}
	return d
}

// Resolve makes a path in the config relative to the config's folder.
func (f *File) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || f == nil {
		return p
	}
	return filepath.Join(f.Dir, p)
}
