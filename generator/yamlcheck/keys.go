package yamlcheck

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/workatogen/workatogen/generator/diag"
)

// Options say how to report and what to let through.
type Options struct {
	File string
	// UnknownCode and ShapeCode are the diagnostic codes of an unknown key
	// and of a value of the wrong kind (a list where a mapping belongs).
	UnknownCode, ShapeCode string
	// Extensions lets "x-" keys through anywhere, for users' own notes.
	Extensions bool
	// Root names the document in messages ("the top level", "the case").
	Root string
}

var nodeType = reflect.TypeOf(yaml.Node{})

// CheckKeys walks the YAML tree beside the Go type it will be decoded into
// and reports every mapping key the type does not declare, with its line and
// the closest declared key. yaml's own KnownFields(true) stops at the first
// unknown key and names Go types; people want all of them, in their words.
// A yaml.Node field is free-form; an explicit null is accepted; YAML merge
// keys (<<) are checked against the same type.
func CheckKeys(n *yaml.Node, t reflect.Type, opt Options) diag.List {
	return opt.CheckAt(n, t, "")
}

// CheckAt is CheckKeys for a subtree found at JSON pointer ptr.
func (o Options) CheckAt(n *yaml.Node, t reflect.Type, ptr string) diag.List {
	var ds diag.List
	o.check(n, t, ptr, &ds)
	return ds
}

func (o Options) check(n *yaml.Node, t reflect.Type, ptr string, ds *diag.List) {
	if n == nil || n.Kind == 0 {
		return
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) > 0 {
			o.check(n.Content[0], t, ptr, ds)
		}
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nodeType || IsNull(n) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			ds.Add(o.Shape(n, ptr, "a mapping (key: value lines)"))
			return
		}
		fields := FieldTypes(t)
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if o.Extensions && strings.HasPrefix(k.Value, "x-") {
				continue
			}
			if k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "") {
				o.check(v, t, ptr, ds)
				continue
			}
			ft, ok := fields[k.Value]
			if !ok {
				fix := "allowed keys here: " + strings.Join(names, ", ")
				if c := diag.Closest(k.Value, names); c != "" {
					fix = fmt.Sprintf("did you mean %q? (%s)", c, fix)
				}
				ds.Add(diag.Diagnostic{Severity: diag.Error, Code: o.UnknownCode, File: o.File,
					Line: k.Line, Column: k.Column, Pointer: ptr + "/" + EscapePointer(k.Value),
					Message: fmt.Sprintf("unknown key %q in %s", k.Value, o.where(ptr)), Fix: fix})
				continue
			}
			o.check(v, ft, ptr+"/"+EscapePointer(k.Value), ds)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			ds.Add(o.Shape(n, ptr, "a list (lines starting with -)"))
			return
		}
		for i, c := range n.Content {
			o.check(c, t.Elem(), ptr+"/"+strconv.Itoa(i), ds)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			ds.Add(o.Shape(n, ptr, "a mapping (key: value lines)"))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			o.check(n.Content[i+1], t.Elem(), ptr+"/"+EscapePointer(n.Content[i].Value), ds)
		}
	case reflect.Interface:
		// any value
	default:
		if n.Kind != yaml.ScalarNode {
			ds.Add(o.Shape(n, ptr, "a single value"))
		}
	}
}

// Shape reports a value of the wrong kind at ptr.
func (o Options) Shape(n *yaml.Node, ptr, want string) diag.Diagnostic {
	return diag.Diagnostic{Severity: diag.Error, Code: o.ShapeCode, File: o.File, Line: n.Line, Column: n.Column,
		Pointer: ptr, Message: fmt.Sprintf("%s must be %s, found %s", o.nameOf(ptr), want, kindWord(n))}
}

func (o Options) where(ptr string) string {
	if ptr == "" {
		if o.Root != "" {
			return o.Root
		}
		return "the top level"
	}
	return strconv.Quote(strings.NewReplacer("~1", "/", "~0", "~").Replace(strings.TrimPrefix(ptr, "/")))
}

// nameOf turns a JSON pointer into the key a person would look for.
func (o Options) nameOf(ptr string) string {
	if ptr == "" {
		if o.Root != "" {
			return o.Root
		}
		return "the document"
	}
	i := strings.LastIndexByte(ptr, '/')
	return strconv.Quote(strings.NewReplacer("~1", "/", "~0", "~").Replace(ptr[i+1:]))
}

func kindWord(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// IsNull reports an explicit YAML null.
func IsNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// FieldTypes maps a struct's yaml tag names to their field types.
func FieldTypes(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		m[name] = f.Type
	}
	return m
}

// EscapePointer escapes one JSON pointer segment (RFC 6901).
func EscapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
