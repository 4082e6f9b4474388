package compare

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/workatogen/workatogen/harness/fixture"
	"github.com/workatogen/workatogen/harness/replay"
)

// Finding kinds, stable for --json consumers.
const (
	KindRequestMismatch   = "request_mismatch"
	KindUnexpectedRequest = "unexpected_request"
	KindUnusedInteraction = "unused_interaction"
	KindOutput            = "output"
	KindError             = "error"
	KindConnection        = "connection_updates"
)

// Outcome is what happened when the case ran.
type Outcome struct {
	// Arrived are the requests the replay server logged, in order.
	Arrived []replay.Arrived
	// Schemes maps a request's 1-based position to the scheme of the URL the
	// runtime says it sent (the wire does not carry it).
	Schemes map[int]string
	// OK is whether the target returned; Output its JSON result; Error what
	// it raised otherwise. Both unset means there was no result at all
	// (timeout, crash), which the caller reports on its own.
	OK     bool
	Output json.RawMessage
	Error  *RaisedError
	// ConnectionUpdates are the settings acquire/refresh merged during the
	// run (null when none), checked when the fixture lists them.
	ConnectionUpdates json.RawMessage
}

// RaisedError is the error a target raised.
type RaisedError struct {
	Class     string   `json:"class"`
	Message   string   `json:"message"`
	Kind      string   `json:"kind"`
	Backtrace []string `json:"backtrace,omitempty"`
}

// Finding is one reason a case fails.
type Finding struct {
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Interaction int      `json:"interaction,omitempty"` // 1-based recorded interaction
	Request     int      `json:"request,omitempty"`     // 1-based arrived request
	Diffs       []Diff   `json:"diffs,omitempty"`
	Notes       []string `json:"notes,omitempty"`
	verb        string
}

// Lines renders the finding for a terminal: the title, then one line per
// differing field, then notes.
func (f Finding) Lines() []string {
	out := []string{f.Title}
	verb := f.verb
	if verb == "" {
		verb = "sent"
	}
	for _, d := range f.Diffs {
		out = append(out, "    "+d.Describe(verb))
	}
	for _, n := range f.Notes {
		for _, l := range strings.Split(n, "\n") {
			out = append(out, "    "+l)
		}
	}
	return out
}

// Verb is the word used for the got side of this finding's diffs.
func (f Finding) Verb() string {
	if f.verb == "" {
		return "sent"
	}
	return f.verb
}

// Case compares one case's outcome with its fixture. No findings means pass.
func Case(c *fixture.Case, o Outcome) []Finding {
	var fs []Finding
	fs = append(fs, Requests(c, o.Arrived, o.Schemes)...)
	fs = append(fs, Result(c, o)...)
	fs = append(fs, ConnectionUpdates(c, o)...)
	return fs
}

// ConnectionUpdates compares the settings stored by acquire/refresh with the
// fixture's connection_updates, when it has them.
func ConnectionUpdates(c *fixture.Case, o Outcome) []Finding {
	if !c.ExpectConnectionUpdates || (!o.OK && o.Error == nil) {
		return nil
	}
	got, err := decodeOutput(o.ConnectionUpdates)
	if err != nil {
		return []Finding{{Kind: KindConnection, Title: "the runtime reported connection updates that are not JSON: " + err.Error()}}
	}
	ds := Values("connection_updates", got, c.ConnectionUpdates)
	if len(ds) == 0 {
		return nil
	}
	SortDiffs(ds)
	return []Finding{{Kind: KindConnection, Title: "the connection settings stored by acquire/refresh differ from the fixture's connection_updates",
		Diffs: ds, verb: "stored"}}
}

// Requests compares arrived requests with recorded interactions position by
// position, and reports surplus requests and unused interactions.
func Requests(c *fixture.Case, arrived []replay.Arrived, schemes map[int]string) []Finding {
	var fs []Finding
	rec := c.Interactions
	for i, a := range arrived {
		scheme := schemes[a.Seq]
		if i < len(rec) {
			diffs := RequestDiffs(rec[i].Request, a, scheme)
			if len(diffs) == 0 {
				continue
			}
			f := Finding{
				Kind: KindRequestMismatch, Interaction: rec[i].Index, Request: i + 1, Diffs: diffs,
				Title: fmt.Sprintf("request %d %s does not match recorded interaction %d (%s:%d)",
					i+1, a.Target(), rec[i].Index, c.File, rec[i].Line),
			}
			if j, jd := closest(rec, a, scheme); j >= 0 && j != i && score(jd) < score(diffs) {
				if len(jd) == 0 {
					f.Notes = append(f.Notes, fmt.Sprintf("it matches recorded interaction %d (line %d) exactly: the requests were sent in a different order than recorded",
						rec[j].Index, rec[j].Line))
				} else {
					f.Notes = append(f.Notes, closestNote(rec[j], jd))
				}
			}
			fs = append(fs, f)
			continue
		}
		f := Finding{
			Kind: KindUnexpectedRequest, Request: i + 1,
			Title: fmt.Sprintf("unexpected request %d %s: the fixture records only %d interaction(s); the replay server answered %d",
				i+1, a.Target(), len(rec), replay.SurplusStatus),
		}
		if j, jd := closest(rec, a, scheme); j >= 0 {
			f.Notes = append(f.Notes, closestNote(rec[j], jd))
		}
		fs = append(fs, f)
	}
	for j := len(arrived); j < len(rec); j++ {
		r := rec[j].Request
		fs = append(fs, Finding{
			Kind: KindUnusedInteraction, Interaction: rec[j].Index,
			Title: fmt.Sprintf("recorded but not requested: %s %s (interaction %d, %s:%d) — was the request built but never forced?",
				r.Method, pathOf(r.URL), rec[j].Index, c.File, rec[j].Line),
		})
	}
	return fs
}

func closestNote(it fixture.Interaction, diffs []Diff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "closest recorded interaction: %d %s %s (line %d)", it.Index, it.Request.Method, pathOf(it.Request.URL), it.Line)
	if len(diffs) == 0 {
		b.WriteString(", identical")
	} else {
		b.WriteString(", which differs in:")
		for _, d := range diffs {
			b.WriteString("\n  " + d.Describe("sent"))
		}
	}
	return b.String()
}

func pathOf(u *url.URL) string {
	if u == nil {
		return "(no url)"
	}
	s := u.EscapedPath()
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}

// RequestDiffs lists how an arrived request differs from a recorded one.
func RequestDiffs(want fixture.Request, got replay.Arrived, scheme string) []Diff {
	wv := wantView(want)
	if scheme == "" {
		delete(wv, "scheme") // unknown on the wire: compare what is known
	}
	gv := gotView(got, scheme, listedHeaders(want), want.Body.Kind)
	ds := Values("", map[string]any(gv), map[string]any(wv))
	SortDiffs(ds)
	return ds
}

// score weighs diffs so the closest interaction is the one that agrees on
// what identifies an endpoint (method, path) before details (body, headers).
func score(ds []Diff) int {
	s := 0
	for _, d := range ds {
		switch top, _, _ := strings.Cut(d.Path, "."); {
		case strings.HasPrefix(top, "method"), strings.HasPrefix(top, "path"):
			s += 100
		case strings.HasPrefix(top, "host"), strings.HasPrefix(top, "scheme"):
			s += 50
		case strings.HasPrefix(top, "query"):
			s += 10
		case strings.HasPrefix(top, "body"):
			s += 5
		default:
			s++
		}
	}
	return s
}

// closest returns the recorded interaction nearest to a, and its diffs.
func closest(rec []fixture.Interaction, a replay.Arrived, scheme string) (int, []Diff) {
	best, bestScore := -1, 0
	var bestDiffs []Diff
	for j := range rec {
		ds := RequestDiffs(rec[j].Request, a, scheme)
		if sc := score(ds); best < 0 || sc < bestScore {
			best, bestScore, bestDiffs = j, sc, ds
		}
	}
	return best, bestDiffs
}

// Result compares the target's output or error with the expectation.
func Result(c *fixture.Case, o Outcome) []Finding {
	exp := c.Expect
	switch {
	case !o.OK && o.Error == nil:
		return nil // no result at all: reported by the caller
	case exp.HasOutput && !o.OK:
		return []Finding{{Kind: KindError, Title: "expected output, but the target raised " + errorLine(o.Error),
			Notes: backtraceNote(o.Error)}}
	case exp.HasOutput:
		got, err := decodeOutput(o.Output)
		if err != nil {
			return []Finding{{Kind: KindOutput, Title: "the runtime returned output that is not JSON: " + err.Error()}}
		}
		ds := Values("output", got, exp.Output)
		if len(ds) == 0 {
			return nil
		}
		SortDiffs(ds)
		f := Finding{Kind: KindOutput, Title: "output differs from the fixture", Diffs: ds, verb: "returned"}
		if hint := envelopeHint(got, exp.Output); hint != "" {
			f.Notes = append(f.Notes, hint)
		}
		return []Finding{f}
	case exp.Error != nil && o.OK:
		got, _ := decodeOutput(o.Output)
		return []Finding{{Kind: KindError, Title: "expected an error " + describeExpected(exp.Error) + ", but the target succeeded",
			Notes: []string{"output: " + Render(got)}}}
	case exp.Error != nil:
		e := exp.Error
		var problems []string
		if e.Equals != "" && o.Error.Message != e.Equals {
			problems = append(problems, fmt.Sprintf("message is %q, want exactly %q", o.Error.Message, e.Equals))
		}
		if e.Contains != "" && !strings.Contains(o.Error.Message, e.Contains) {
			problems = append(problems, fmt.Sprintf("message %q does not contain %q", o.Error.Message, e.Contains))
		}
		if e.Kind != "" && o.Error.Kind != e.Kind {
			problems = append(problems, fmt.Sprintf("error kind is %q, want %q", o.Error.Kind, e.Kind))
		}
		if len(problems) == 0 {
			return nil
		}
		return []Finding{{Kind: KindError, Title: "the target raised a different error: " + errorLine(o.Error),
			Notes: append(problems, backtraceNote(o.Error)...)}}
	}
	return nil
}

func decodeOutput(raw json.RawMessage) (any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	return fixture.DecodeJSON(raw)
}

func describeExpected(e *fixture.ExpectedError) string {
	if e.Equals != "" {
		return fmt.Sprintf("equal to %q", e.Equals)
	}
	return fmt.Sprintf("containing %q", e.Contains)
}

func errorLine(e *RaisedError) string {
	if e == nil {
		return "(no error)"
	}
	s := e.Message
	if e.Class != "" {
		s = e.Class + ": " + s
	}
	if e.Kind != "" && e.Kind != "error" {
		s += " [" + e.Kind + "]"
	}
	return s
}

func backtraceNote(e *RaisedError) []string {
	if e == nil || len(e.Backtrace) == 0 {
		return nil
	}
	bt := e.Backtrace
	if len(bt) > 5 {
		bt = bt[:5]
	}
	return []string{"at " + strings.Join(bt, "\n   ")}
}

// envelopeHint recognises the commonest output mistake with APIs that wrap
// every payload ({data: ...}): returning the envelope instead of its content,
// or the other way round.
func envelopeHint(got, want any) string {
	gm, gok := got.(map[string]any)
	wm, wok := want.(map[string]any)
	if !gok || !wok {
		return ""
	}
	for _, k := range []string{"data", "result", "results", "items"} {
		if inner, ok := gm[k]; ok && len(gm) <= 3 && len(Values("", inner, want)) == 0 {
			return fmt.Sprintf("the output is the fixture's expected value wrapped in %q: unwrap the response envelope (e.g. response['%s'])", k, k)
		}
		if inner, ok := wm[k]; ok && len(wm) <= 3 && len(Values("", got, inner)) == 0 {
			return fmt.Sprintf("the fixture expects the value wrapped in %q but the target returned it unwrapped", k)
		}
	}
	return ""
}
