package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/workatogen/workatogen/harness/compare"
	"github.com/workatogen/workatogen/harness/replay"
)

// Status of one case.
type Status string

const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
)

// Problem kinds beyond compare's, stable for --json consumers.
const (
	KindFixture       = "fixture"        // the case file is unusable
	KindCoverage      = "coverage"       // an action or trigger has no case
	KindUnknownTarget = "unknown_target" // the case names a part the connector lacks
	KindTimeout       = "timeout"
	KindCrash         = "crash"
	KindHarness       = "harness" // the case could not be run at all
	KindSpecRequest   = "spec_request"
	KindSpecResponse  = "spec_response"
)

// Problem is one reason a case failed.
type Problem struct {
	Kind        string         `json:"kind"`
	Title       string         `json:"title"`
	Interaction int            `json:"interaction,omitempty"`
	Request     int            `json:"request,omitempty"`
	Diffs       []compare.Diff `json:"diffs,omitempty"`
	Notes       []string       `json:"notes,omitempty"`
	verb        string
}

func problemFrom(f compare.Finding) Problem {
	return Problem{Kind: f.Kind, Title: f.Title, Interaction: f.Interaction, Request: f.Request,
		Diffs: f.Diffs, Notes: f.Notes, verb: f.Verb()}
}

// SentRequest summarises one request that reached the replay server.
type SentRequest struct {
	Seq     int    `json:"seq"`
	Method  string `json:"method"`
	Host    string `json:"host"`
	Target  string `json:"target"`
	Status  int    `json:"status"`
	Surplus bool   `json:"surplus,omitempty"`
}

func summarize(as []replay.Arrived) []SentRequest {
	out := make([]SentRequest, len(as))
	for i, a := range as {
		out[i] = SentRequest{Seq: a.Seq, Method: a.Method, Host: a.Host, Target: a.Target(), Status: a.Status, Surplus: a.Surplus}
	}
	return out
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	ID          string        `json:"id"`
	File        string        `json:"file,omitempty"`
	Description string        `json:"description,omitempty"`
	Target      string        `json:"target,omitempty"`
	Source      string        `json:"source,omitempty"`
	Status      Status        `json:"status"`
	SkipReason  string        `json:"skip_reason,omitempty"`
	Duration    time.Duration `json:"-"`
	Problems    []Problem     `json:"problems,omitempty"`
	Requests    []SentRequest `json:"requests,omitempty"`
	Stdout      string        `json:"stdout,omitempty"`
	Stderr      string        `json:"stderr,omitempty"`
	// Returned is the target's whole output, in the JSON report only, when it
	// differs from the fixture's: the text report shows the differing fields,
	// this is what a fixture author checks and copies.
	Returned json.RawMessage `json:"returned,omitempty"`
}

// MarshalJSON adds duration_ms, which is what CI dashboards plot.
func (c CaseResult) MarshalJSON() ([]byte, error) {
	type plain CaseResult
	return json.Marshal(struct {
		plain
		DurationMS float64 `json:"duration_ms"`
	}{plain(c), ms(c.Duration)})
}

func (c *CaseResult) fail(p Problem) {
	c.Status = StatusFail
	c.Problems = append(c.Problems, p)
}

// Report is the outcome of a run.
type Report struct {
	Cases         []CaseResult  `json:"cases"`
	Passed        int           `json:"passed"`
	Failed        int           `json:"failed"`
	Skipped       int           `json:"skipped"`
	Duration      time.Duration `json:"-"`
	RubyStart     time.Duration `json:"-"` // all interpreter starts, restarts included
	RubyStarts    int           `json:"ruby_starts"`
	Ruby          string        `json:"ruby,omitempty"`
	ActiveSupport string        `json:"activesupport,omitempty"`
	Connector     string        `json:"connector"`
	Fixtures      string        `json:"fixtures"`
	Spec          string        `json:"spec,omitempty"`
}

func (r *Report) add(opts Options, c CaseResult) {
	r.Cases = append(r.Cases, c)
	switch c.Status {
	case StatusPass:
		r.Passed++
	case StatusFail:
		r.Failed++
	case StatusSkip:
		r.Skipped++
	}
	if opts.OnCase != nil {
		opts.OnCase(c)
	}
}

// OK reports whether every case passed (skips allowed).
func (r *Report) OK() bool { return r.Failed == 0 }

// Summary is the closing line.
func (r *Report) Summary() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped in %.2fs (ruby start %.2fs)",
		r.Passed, r.Failed, r.Skipped, r.Duration.Seconds(), r.RubyStart.Seconds())
}

// WriteJSON writes the machine-readable report.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		*Report
		DurationMS  float64 `json:"duration_ms"`
		RubyStartMS float64 `json:"ruby_start_ms"`
	}{r, ms(r.Duration), ms(r.RubyStart)})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

// WriteText writes one line per case, the details of each failure under its
// line, and the summary.
func (r *Report) WriteText(w io.Writer, color bool) error {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	width := 0
	for _, c := range r.Cases {
		width = max(width, len(c.ID))
	}
	var b strings.Builder
	for _, c := range r.Cases {
		b.WriteString(CaseLine(c, width, color))
		b.WriteByte('\n')
		if c.Status != StatusFail {
			continue
		}
		if c.Description != "" {
			b.WriteString("      " + paint(ansiDim, c.Description) + "\n")
		}
		for _, p := range c.Problems {
			writeProblem(&b, p, paint)
		}
		writeOutput(&b, "stdout", c.Stdout, paint)
		writeOutput(&b, "stderr", c.Stderr, paint)
		b.WriteByte('\n')
	}
	summary := r.Summary()
	switch {
	case r.Failed > 0:
		summary = paint(ansiBold+ansiRed, summary)
	default:
		summary = paint(ansiBold+ansiGreen, summary)
	}
	b.WriteString(summary + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// CaseLine renders "PASS  launch_process/basic  4ms"; width pads IDs so
// durations line up (0 for no padding).
func CaseLine(c CaseResult, width int, color bool) string {
	word, code := "PASS", ansiGreen
	switch c.Status {
	case StatusFail:
		word, code = "FAIL", ansiRed
	case StatusSkip:
		word, code = "SKIP", ansiYellow
	}
	if color {
		word = code + word + ansiReset
	}
	line := fmt.Sprintf("%s  %-*s  %s", word, width, c.ID, roundDuration(c.Duration))
	if c.Status == StatusSkip && c.SkipReason != "" {
		line += "  (" + c.SkipReason + ")"
	}
	return strings.TrimRight(line, " ")
}

func roundDuration(d time.Duration) string {
	switch {
	case d == 0:
		return ""
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func writeProblem(b *strings.Builder, p Problem, paint func(string, string) string) {
	b.WriteString("      " + paint(ansiRed, p.Title) + "\n")
	verb := p.verb
	if verb == "" {
		verb = "sent"
	}
	for _, d := range p.Diffs {
		b.WriteString("          " + d.Describe(verb) + "\n")
	}
	for _, n := range p.Notes {
		for _, l := range strings.Split(n, "\n") {
			b.WriteString("          " + l + "\n")
		}
	}
}

// maxOutputLines keeps a chatty connector from burying the diff.
const maxOutputLines = 30

func writeOutput(b *strings.Builder, label, s string, paint func(string, string) string) {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return
	}
	lines := strings.Split(s, "\n")
	if len(lines) > maxOutputLines {
		lines = append(lines[:maxOutputLines], fmt.Sprintf("… %d more lines (see --json)", len(lines)-maxOutputLines))
	}
	b.WriteString("      " + paint(ansiDim, label+":") + "\n")
	for _, l := range lines {
		b.WriteString("        " + l + "\n")
	}
}
