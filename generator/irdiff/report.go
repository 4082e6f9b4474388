package irdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Report is the result of `workatogen diff`, as printed with --json.
type Report struct {
	Old      string   `json:"old"`
	New      string   `json:"new"`
	Config   string   `json:"config,omitempty"`
	Breaking int      `json:"breaking"`
	Safe     int      `json:"safe"`
	Changes  []Change `json:"changes"`
	// Notes list config entries left out for one of the specs (see Build):
	// connector.yaml needs the same update as the spec.
	Notes []string `json:"notes,omitempty"`
}

func (r *Report) count() {
	r.Breaking = Breaking(r.Changes)
	r.Safe = len(r.Changes) - r.Breaking
	if r.Changes == nil {
		r.Changes = []Change{} // "changes": [] rather than null for scripts
	}
}

// WriteJSON writes the report for machines: indented, stable order.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteText writes one line per change, a blank line between groups (the
// connection, then each action and trigger), and a summary line last. With
// color, BREAKING is red.
func (r *Report) WriteText(w io.Writer, color bool) error {
	var b strings.Builder
	group := ""
	for _, c := range r.Changes {
		if c.Group != group && group != "" {
			b.WriteByte('\n')
		}
		group = c.Group
		line := c.String()
		if color && c.Breaking {
			line = "\x1b[31m" + line + "\x1b[0m"
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if len(r.Changes) > 0 {
		b.WriteByte('\n')
	}
	for _, n := range r.Notes {
		b.WriteString("note: " + n + "\n")
	}
	b.WriteString(r.Summary())
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary is the closing line: counts, and the two specs compared.
func (r *Report) Summary() string {
	what := fmt.Sprintf("%s → %s", r.Old, r.New)
	if len(r.Changes) == 0 {
		return "no changes that affect recipes (" + what + ")"
	}
	return fmt.Sprintf("%d %s: %d breaking, %d safe (%s)", len(r.Changes), plural(len(r.Changes), "change"), r.Breaking, r.Safe, what)
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}
