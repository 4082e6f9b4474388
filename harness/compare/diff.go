// Package compare decides whether a replayed case did what its fixture says:
// each request that arrived against the interaction recorded at the same
// position, every recorded interaction used, and the target's output or
// error against the expectation. Differences are listed field by field with
// readable paths ("body.prerun.title: sent "x", want "y"") because a case
// failure is only as useful as the line that says what to fix.
package compare

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/workatogen/workatogen/harness/fixture"
)

// Diff is one differing field.
type Diff struct {
	Path string `json:"path"`
	// Got and Want are rendered as compact JSON; Missing* say the field is
	// absent on that side (rather than null).
	Got         string `json:"got,omitempty"`
	Want        string `json:"want,omitempty"`
	MissingGot  bool   `json:"missing_got,omitempty"`
	MissingWant bool   `json:"missing_want,omitempty"`
}

// Describe renders the diff in the words of the side that produced it
// (sentVerb is "sent" for requests, "returned" for output).
func (d Diff) Describe(sentVerb string) string {
	switch {
	case d.MissingGot:
		return fmt.Sprintf("%s: not %s, want %s", d.Path, sentVerb, d.Want)
	case d.MissingWant:
		return fmt.Sprintf("%s: %s %s, not in the fixture", d.Path, sentVerb, d.Got)
	}
	return fmt.Sprintf("%s: %s %s, want %s", d.Path, sentVerb, d.Got, d.Want)
}

// Values compares two JSON-shaped values (maps, slices, strings, bools, nil,
// json.Number) and lists their differences under prefix. Numbers compare by
// value, so 1.0 equals 1 but "1" does not equal 1.
//
// want may hold matchers (fixture.AsMatcher: {$match: re}, {$any: true});
// a matcher that got satisfies counts as equal, one it does not is reported
// with the matcher as the wanted value.
func Values(prefix string, got, want any) []Diff {
	want = resolveMatchers(got, true, want)
	r := &reporter{prefix: prefix}
	cmp.Equal(got, want, numberComparer, cmp.Reporter(r))
	return r.diffs
}

var numberComparer = cmp.Comparer(func(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, okx := new(big.Rat).SetString(string(a))
	y, oky := new(big.Rat).SetString(string(b))
	return okx && oky && x.Cmp(y) == 0
})

// reporter turns go-cmp's walk into Diffs. go-cmp reports every leaf; we keep
// the unequal ones and render their path ourselves, because its own
// GoString paths ({map[string]any}["body"].(map[string]any)["x"]) are for Go
// programmers, not for someone editing a YAML fixture.
type reporter struct {
	prefix string
	path   cmp.Path
	diffs  []Diff
}

func (r *reporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *reporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *reporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	d := Diff{Path: renderPath(r.prefix, r.path)}
	if gx, ok := iface(vx); ok {
		d.Got = Render(gx)
	} else {
		d.MissingGot = true
	}
	if gy, ok := iface(vy); ok {
		d.Want = Render(gy)
	} else {
		d.MissingWant = true
	}
	r.diffs = append(r.diffs, d)
}

func iface(v reflect.Value) (any, bool) {
	if !v.IsValid() {
		return nil, false
	}
	if !v.CanInterface() {
		return fmt.Sprint(v), true
	}
	return v.Interface(), true
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func renderPath(prefix string, p cmp.Path) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, st := range p {
		switch s := st.(type) {
		case cmp.MapIndex:
			k := fmt.Sprint(s.Key().Interface())
			if identRe.MatchString(k) {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(k)
			} else {
				b.WriteString("[" + strconv.Quote(k) + "]")
			}
		case cmp.SliceIndex:
			ix, iy := s.SplitKeys()
			switch {
			case ix == iy:
				fmt.Fprintf(&b, "[%d]", ix)
			case iy == -1: // only in got
				fmt.Fprintf(&b, "[%d]", ix)
			case ix == -1: // only in want
				fmt.Fprintf(&b, "[%d]", iy)
			default:
				fmt.Fprintf(&b, "[%d→%d]", iy, ix)
			}
		}
	}
	if b.Len() == 0 {
		return "(value)"
	}
	return b.String()
}

// maxRender keeps one diff line readable; the full value is in --json output
// and in the fixture.
const maxRender = 160

// Render prints a JSON-shaped value compactly for a diff line.
func Render(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		s = "null"
	case json.Number:
		s = string(x)
	case string:
		s = strconv.Quote(x)
	case []string:
		s = "[" + strings.Join(quoteAll(x), ",") + "]"
	default:
		b, err := json.Marshal(v)
		if err != nil {
			s = fmt.Sprint(v)
		} else {
			s = string(b)
		}
	}
	if len(s) > maxRender {
		s = s[:maxRender-1] + "…"
	}
	return s
}

func quoteAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strconv.Quote(s)
	}
	return out
}

// Indent renders a JSON value over several lines, for full-value dumps.
func Indent(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// SortDiffs orders diffs by path so output is stable.
func SortDiffs(ds []Diff) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Path < ds[j].Path })
}

// resolveMatchers returns want with each matcher that got satisfies replaced
// by got's value at that place, so the structural comparison sees them
// equal; everything else, unsatisfied matchers included, is left as is. Maps
// and slices are copied only along paths that hold a satisfied matcher.
func resolveMatchers(got any, present bool, want any) any {
	v, _ := resolve(got, present, want)
	return v
}

func resolve(got any, present bool, want any) (any, bool) {
	if m, ok := fixture.AsMatcher(want); ok {
		if m.Matches(got, present) {
			return got, true
		}
		return want, false
	}
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		var out map[string]any
		for k, wv := range w {
			gv, has := g[k]
			rv, changed := resolve(gv, has, wv)
			if !changed {
				continue
			}
			if out == nil {
				out = make(map[string]any, len(w))
				for k2, v2 := range w {
					out[k2] = v2
				}
			}
			out[k] = rv
		}
		if out != nil {
			return out, true
		}
	case []any:
		g, _ := got.([]any)
		var out []any
		for i, wv := range w {
			var gv any
			has := i < len(g)
			if has {
				gv = g[i]
			}
			rv, changed := resolve(gv, has, wv)
			if !changed {
				continue
			}
			if out == nil {
				out = append([]any(nil), w...)
			}
			out[i] = rv
		}
		if out != nil {
			return out, true
		}
	}
	return want, false
}
