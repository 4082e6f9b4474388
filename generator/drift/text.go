package drift

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/workatogen/workatogen/generator/lock"
)

// ANSI colours for diff lines; used only when the caller says the output is
// a terminal (and NO_COLOR is unset), never in CI logs or files.
const (
	red   = "\x1b[31m"
	green = "\x1b[32m"
	cyan  = "\x1b[36m"
	bold  = "\x1b[1m"
	reset = "\x1b[0m"
)

// WriteText prints the report the way `workatogen check` shows it: one line
// when up to date; otherwise a unified diff of each changed file, one line
// per missing or stale file, then the drifted files, the cause and the fix,
// last so they are the lines a CI log ends with. regen is the command that
// brings the output up to date (generate with the same flags).
func (r *Report) WriteText(w io.Writer, color bool, regen string) error {
	dir := filepath.ToSlash(r.OutDir)
	if !r.Drifted() {
		var names []string
		for _, f := range r.Files {
			names = append(names, f.Name)
		}
		_, err := fmt.Fprintf(w, "%s: up to date (%s)\n", dir, strings.Join(names, ", "))
		return err
	}
	var b strings.Builder
	var drifted []string
	for _, f := range r.Files {
		if f.Status == Same {
			continue
		}
		drifted = append(drifted, f.Name)
		p := path.Join(dir, f.Name)
		switch f.Status {
		case Changed:
			d := udiff.Unified("committed/"+p, "generated/"+p, string(f.Committed), string(f.Generated))
			writeDiff(&b, d, color)
		case Missing:
			fmt.Fprintf(&b, "%s: missing (generate writes it)\n", p)
		case Stale:
			fmt.Fprintf(&b, "%s: stale (listed in %s but no longer generated; generate removes it)\n", p, lock.FileName)
		}
	}
	fmt.Fprintf(&b, "%s: drift in %s\n", dir, strings.Join(drifted, ", "))
	var cs []string
	for _, c := range r.Causes {
		cs = append(cs, c.String())
	}
	fmt.Fprintf(&b, "cause: %s\n", strings.Join(cs, "; "))
	fmt.Fprintf(&b, "fix: %s\n", r.Fix(regen))
	_, err := io.WriteString(w, b.String())
	return err
}

// Fix says what to do, depending on the causes.
func (r *Report) Fix(regen string) string {
	for _, c := range r.Causes {
		if c.Kind == CauseHandEdit {
			return fmt.Sprintf("generate overwrites hand edits: move the change into the spec, connector.yaml, a methods file or a template override (--templates), then run `%s` and commit %s/", regen, filepath.ToSlash(r.OutDir))
		}
	}
	return fmt.Sprintf("run `%s` and commit %s/ (the lock file included)", regen, filepath.ToSlash(r.OutDir))
}

// writeDiff copies a unified diff, colouring headers, hunks and +/- lines.
func writeDiff(b *strings.Builder, d string, color bool) {
	if !color {
		b.WriteString(d)
		if d != "" && !strings.HasSuffix(d, "\n") {
			b.WriteByte('\n')
		}
		return
	}
	for _, line := range strings.SplitAfter(d, "\n") {
		if line == "" {
			continue
		}
		text := strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(text, "--- "), strings.HasPrefix(text, "+++ "):
			b.WriteString(bold + text + reset)
		case strings.HasPrefix(text, "@@"):
			b.WriteString(cyan + text + reset)
		case strings.HasPrefix(text, "-"):
			b.WriteString(red + text + reset)
		case strings.HasPrefix(text, "+"):
			b.WriteString(green + text + reset)
		default:
			b.WriteString(text)
		}
		b.WriteByte('\n')
	}
}
