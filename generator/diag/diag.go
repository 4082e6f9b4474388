// Package diag is the one shape every problem the tool reports takes: a stable
// code, a severity, a place (file, line, column and JSON pointer) and a fix.
//
// Users read these in a terminal and in CI logs, so the rendering is one line
// per fact, file:line first (editors and CI annotators turn that into links).
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity orders how bad a diagnostic is. Warnings fail a run only with --strict.
type Severity int

const (
	Note Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "note"
	}
}

// Diagnostic is one finding about the inputs (spec, config, templates, fixtures).
type Diagnostic struct {
	Severity Severity `json:"severity"`
	// Code is stable across releases ("Category/Name") so people can grep for it,
	// and so tests can assert on it without matching prose.
	Code    string `json:"code"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Pointer string `json:"pointer,omitempty"` // JSON pointer inside File, when known
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"` // what the user can do about it
}

// Location renders "file:line:col", degrading gracefully when parts are unknown.
func (d Diagnostic) Location() string {
	switch {
	case d.File == "":
		return ""
	case d.Line == 0:
		return d.File
	case d.Column == 0:
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Column)
	}
}

// String renders the diagnostic the way the CLI prints it:
//
//	spec/x/openapi.yaml:12:7: error[Spec/DanglingRef]: $ref "#/components/schemas/Runn" points nowhere
//	    at: /paths/~1runs/get/responses/200/content/application~1json/schema
//	    fix: did you mean "#/components/schemas/Run"?
func (d Diagnostic) String() string {
	var b strings.Builder
	if loc := d.Location(); loc != "" {
		b.WriteString(loc)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s[%s]: %s", d.Severity, d.Code, d.Message)
	if d.Pointer != "" {
		fmt.Fprintf(&b, "\n    at: %s", d.Pointer)
	}
	if d.Fix != "" {
		fmt.Fprintf(&b, "\n    fix: %s", d.Fix)
	}
	return b.String()
}

// Error lets a single diagnostic travel as an error value.
func (d Diagnostic) Error() string { return d.String() }

// List is an ordered collection of diagnostics.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Errorf and Warnf are shorthands used throughout the generator.
func (l *List) Errorf(code, file, pointer, fix, format string, args ...any) {
	l.Add(Diagnostic{Severity: Error, Code: code, File: file, Pointer: pointer, Fix: fix, Message: fmt.Sprintf(format, args...)})
}

func (l *List) Warnf(code, file, pointer, fix, format string, args ...any) {
	l.Add(Diagnostic{Severity: Warning, Code: code, File: file, Pointer: pointer, Fix: fix, Message: fmt.Sprintf(format, args...)})
}

// Failing reports whether the list should stop generation: any error, or with
// strict also any warning.
func (l List) Failing(strict bool) bool {
	for _, d := range l {
		if d.Severity == Error || (strict && d.Severity == Warning) {
			return true
		}
	}
	return false
}

// Count returns how many diagnostics have the given severity.
func (l List) Count(s Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Sort orders diagnostics by file, line, column, code and message so that
// output is deterministic whatever order the generator found them in.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
}

// Error makes a failing list usable as an error; it renders every entry.
func (l List) Error() string {
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.String()
	}
	return strings.Join(parts, "\n")
}

// Summary is the one-line tally printed after a run ("2 errors, 1 warning").
func (l List) Summary() string {
	e, w := l.Count(Error), l.Count(Warning)
	return fmt.Sprintf("%d %s, %d %s", e, plural(e, "error"), w, plural(w, "warning"))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Closest returns the candidate nearest to s by edit distance, or "" when
// nothing is close enough to be a plausible typo. It powers every "did you
// mean" in the tool.
func Closest(s string, candidates []string) string {
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := levenshtein(ls, strings.ToLower(c))
		if bestD < 0 || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	// Accept up to a third of the longer string as edits, at least 2: catches
	// "titel"/"title" and "createRunn"/"createRun" but not unrelated words.
	limit := max(len(s), len(best)) / 3
	if limit < 2 {
		limit = 2
	}
	if bestD > limit {
		return ""
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
