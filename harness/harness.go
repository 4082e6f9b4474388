// Package harness replays recorded fixtures against a generated connector:
// it loads the cases (harness/fixture), starts the replay server
// (harness/replay) and one Ruby process running the embedded Workato runtime
// (harness/rubyrun), runs every case, and compares what was sent and returned
// with what was recorded (harness/compare) and with the OpenAPI description
// (harness/specvalidate). Run returns a Report; it fails only for problems
// that stop the whole run (no Ruby, no fixtures directory, unreadable spec).
package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/workatogen/workatogen/generator/diag"
	"github.com/workatogen/workatogen/harness/compare"
	"github.com/workatogen/workatogen/harness/fixture"
	"github.com/workatogen/workatogen/harness/replay"
	"github.com/workatogen/workatogen/harness/rubyrun"
	"github.com/workatogen/workatogen/harness/specvalidate"
)

// DefaultTimeout bounds one case. Replayed cases take milliseconds; the
// limit exists for connectors that loop or wait forever.
const DefaultTimeout = 10 * time.Second

// CoverageCase is the ID of the synthetic case that fails when an action or
// trigger has no fixture.
const CoverageCase = "coverage"

// Options configure a run.
type Options struct {
	Connector   string // path to connector.rb
	FixturesDir string
	// SpecPath is the OpenAPI description to validate traffic against; empty
	// skips that check.
	SpecPath string
	// RunFilter selects cases by ID (and the coverage case by "coverage");
	// nil runs all.
	RunFilter *regexp.Regexp
	// Timeout per case; 0 means DefaultTimeout.
	Timeout time.Duration
	// Ruby is the interpreter (path or name in PATH); default "ruby".
	Ruby string
	// Runtime and WriteRuntime provide the Ruby runtime files; nil uses the
	// embedded harness/runtime.
	Runtime      fs.FS
	WriteRuntime func(dir string) (string, error)
	// CacheDir for the extracted runtime; default under os.UserCacheDir.
	CacheDir string
	// OnCase, when set, is called after each case, for progress output.
	OnCase func(CaseResult)
}

// Run replays every selected case and returns the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	t0 := time.Now()
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Runtime == nil {
		opts.Runtime, opts.WriteRuntime = defaultRuntime()
	}
	connector, err := filepath.Abs(opts.Connector)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(connector); err != nil || st.IsDir() {
		return nil, fmt.Errorf("connector %s not found: run `workatogen generate` first, or pass --connector", opts.Connector)
	}
	set, err := fixture.LoadDir(opts.FixturesDir)
	if err != nil {
		return nil, err
	}
	var validator *specvalidate.Validator
	if opts.SpecPath != "" {
		if validator, err = specvalidate.Load(ctx, opts.SpecPath); err != nil {
			return nil, err
		}
	}
	srv, err := replay.Start()
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	runner, err := rubyrun.Start(ctx, rubyrun.Options{
		Ruby: opts.Ruby, Runtime: opts.Runtime, WriteRuntime: opts.WriteRuntime,
		CacheDir: opts.CacheDir, ReplayAddr: srv.Addr(),
	})
	if err != nil {
		return nil, err
	}
	defer runner.Close()

	r := &run{opts: opts, connector: connector, srv: srv, runner: runner, validator: validator}
	rep := &Report{
		Connector: opts.Connector, Fixtures: opts.FixturesDir, Spec: opts.SpecPath,
		Ruby: runner.Ready().Ruby, ActiveSupport: runner.Ready().ActiveSupport,
	}
	desc, descErr := r.describe(ctx)

	selected := func(id string) bool { return opts.RunFilter == nil || opts.RunFilter.MatchString(id) }
	if selected(CoverageCase) {
		rep.add(opts, coverage(set, desc, descErr))
	}
	type item struct {
		id     string
		c      *fixture.Case
		broken *fixture.Broken
	}
	var items []item
	for _, c := range set.Cases {
		items = append(items, item{id: c.ID, c: c})
	}
	for i := range set.Broken {
		items = append(items, item{id: set.Broken[i].ID, broken: &set.Broken[i]})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].id < items[j].id })
	for _, it := range items {
		if !selected(it.id) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if it.broken != nil {
			rep.add(opts, brokenResult(it.broken))
			continue
		}
		rep.add(opts, r.runCase(ctx, it.c, desc))
	}
	rep.RubyStart = runner.StartupTime()
	rep.RubyStarts = runner.Starts()
	rep.Duration = time.Since(t0)
	return rep, nil
}

type run struct {
	opts      Options
	connector string
	srv       *replay.Server
	runner    *rubyrun.Runner
	validator *specvalidate.Validator
}

// description is the runtime's answer to "describe": the connector's parts.
type description struct {
	Actions, Triggers, PickLists, Methods, ObjectDefinitions []string
}

func (d *description) has(kind, name string) (bool, []string) {
	var list []string
	switch kind {
	case "action":
		list = d.Actions
	case "trigger":
		list = d.Triggers
	case "pick_list":
		list = d.PickLists
	case "method":
		list = d.Methods
	case "object_definition":
		list = d.ObjectDefinitions
	default:
		return true, nil
	}
	for _, n := range list {
		if n == name {
			return true, list
		}
	}
	return false, list
}

func (r *run) describe(ctx context.Context) (*description, error) {
	out := r.runner.Run(ctx, rubyrun.Request{
		ID: "(describe)", Connector: r.connector, Target: rubyrun.Target{Kind: "describe"},
		Connection: map[string]any{}, Input: map[string]any{},
	}, r.opts.Timeout)
	r.srv.Stray() // describe sends nothing; drop anything that came anyway
	switch {
	case out.Restart != nil:
		return nil, out.Restart
	case out.TimedOut:
		return nil, fmt.Errorf("describing the connector timed out after %s", r.opts.Timeout)
	case out.Died:
		return nil, fmt.Errorf("Ruby died while loading the connector (%s)%s", out.Exit, tail("stderr", out.Stderr))
	case !out.Result.OK:
		return nil, fmt.Errorf("the connector does not load: %s", raisedLine(out.Result.Error))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(out.Result.Output, &raw); err != nil {
		return nil, fmt.Errorf("describe returned %s: %v", out.Result.Output, err)
	}
	d := &description{}
	for key, dst := range map[string]*[]string{
		"actions": &d.Actions, "triggers": &d.Triggers, "pick_lists": &d.PickLists,
		"methods": &d.Methods, "object_definitions": &d.ObjectDefinitions,
	} {
		*dst = names(raw[key])
	}
	return d, nil
}

// names accepts ["a","b"] or [{"name":"a"},...]: the protocol shows names;
// objects are tolerated so richer describe output does not break coverage.
func names(raw json.RawMessage) []string {
	var s []string
	if json.Unmarshal(raw, &s) == nil {
		sort.Strings(s)
		return s
	}
	var objs []struct{ Name string }
	if json.Unmarshal(raw, &objs) == nil {
		for _, o := range objs {
			s = append(s, o.Name)
		}
	}
	sort.Strings(s)
	return s
}

func coverage(set *fixture.Set, desc *description, descErr error) CaseResult {
	res := CaseResult{ID: CoverageCase, Target: "every action and trigger", Status: StatusPass}
	if descErr != nil {
		res.fail(Problem{Kind: KindCoverage, Title: "cannot list the connector's actions and triggers: " + descErr.Error()})
		return res
	}
	covered := map[string]bool{}
	for _, c := range set.Cases {
		if c.Skip == "" {
			covered[c.Target.Kind+" "+c.Target.Name] = true
		}
	}
	var missing []string
	for _, a := range desc.Actions {
		if !covered["action "+a] {
			missing = append(missing, "action "+a)
		}
	}
	for _, t := range desc.Triggers {
		if !covered["trigger "+t] {
			missing = append(missing, "trigger "+t)
		}
	}
	res.Description = fmt.Sprintf("%s, %s", plural(len(desc.Actions), "action"), plural(len(desc.Triggers), "trigger"))
	if len(missing) > 0 {
		res.fail(Problem{Kind: KindCoverage,
			Title: fmt.Sprintf("%d of %d actions and triggers have no case (a non-skipped fixture targeting them):", len(missing), len(desc.Actions)+len(desc.Triggers)),
			Notes: append(missing, "add a fixture for each under the fixtures directory (see harness/fixture/FORMAT.md)")})
	}
	return res
}

func brokenResult(b *fixture.Broken) CaseResult {
	res := CaseResult{ID: b.ID, File: b.File, Status: StatusPass}
	b.Diags.Sort()
	var notes []string
	for _, d := range b.Diags {
		notes = append(notes, d.String())
	}
	res.fail(Problem{Kind: KindFixture, Title: fmt.Sprintf("fixture %s cannot be used (%s)", b.File, b.Diags.Summary()), Notes: notes})
	return res
}

func (r *run) runCase(ctx context.Context, c *fixture.Case, desc *description) CaseResult {
	res := CaseResult{ID: c.ID, File: c.File, Description: c.Description, Target: c.Target.String(), Source: c.Source, Status: StatusPass}
	if c.Skip != "" {
		res.Status, res.SkipReason = StatusSkip, c.Skip
		return res
	}
	if desc != nil {
		if ok, list := desc.has(c.Target.Kind, c.Target.Name); !ok {
			p := Problem{Kind: KindUnknownTarget, Title: fmt.Sprintf("the connector has no %s %q (%s:%d)", c.Target.Kind, c.Target.Name, c.File, c.TargetLine)}
			if s := diag.Closest(c.Target.Name, list); s != "" {
				p.Notes = append(p.Notes, fmt.Sprintf("did you mean %q?", s))
			} else if len(list) > 0 {
				p.Notes = append(p.Notes, "it has: "+strings.Join(list, ", "))
			}
			res.fail(p)
			return res
		}
	}

	responses := make([]replay.Response, len(c.Interactions))
	for i, it := range c.Interactions {
		responses[i] = replay.Response{Status: it.Response.Status, Headers: it.Response.Headers, Body: it.Response.Body}
	}
	r.srv.Begin(c.ID, responses)
	out := r.runner.Run(ctx, request(r.connector, c), r.opts.Timeout)
	arrived := r.srv.End()
	res.Duration = out.Elapsed
	res.Stdout, res.Stderr = out.Stdout, out.Stderr
	res.Requests = summarize(arrived)

	o := compare.Outcome{Arrived: arrived, Schemes: schemes(c, out.Result, len(arrived))}
	switch {
	case out.Restart != nil && !out.TimedOut && !out.Died:
		res.fail(Problem{Kind: KindHarness, Title: "not run: " + out.Restart.Error()})
		return res
	case out.TimedOut:
		res.fail(Problem{Kind: KindTimeout, Title: fmt.Sprintf("timed out after %s; the Ruby process was killed and restarted", r.opts.Timeout),
			Notes: restartNote(out)})
	case out.Died:
		res.fail(Problem{Kind: KindCrash, Title: fmt.Sprintf("the Ruby process died while this case ran (%s); it was restarted", out.Exit),
			Notes: restartNote(out)})
	default:
		o.OK = out.Result.OK
		o.Output = out.Result.Output
		o.ConnectionUpdates = out.Result.ConnectionUpdates
		if e := out.Result.Error; e != nil && !o.OK {
			o.Error = &compare.RaisedError{Class: e.Class, Message: e.Message, Kind: e.Kind, Backtrace: e.Backtrace}
		}
	}
	for _, f := range compare.Case(c, o) {
		if f.Kind == compare.KindOutput && len(o.Output) > 0 {
			res.Returned = o.Output
		}
		res.fail(problemFrom(f))
	}
	if r.validator != nil {
		for _, p := range r.validate(ctx, c, arrived, o.Schemes) {
			res.fail(p)
		}
	}
	return res
}

func restartNote(out rubyrun.Outcome) []string {
	if out.Restart != nil {
		return []string{out.Restart.Error(), "later cases are not run"}
	}
	return nil
}

func request(connector string, c *fixture.Case) rubyrun.Request {
	req := rubyrun.Request{
		ID: c.ID, Connector: connector,
		Target:     rubyrun.Target{Kind: c.Target.Kind, Name: c.Target.Name, Part: c.Target.Part},
		Connection: c.Connection, Input: c.Input, Closure: c.Closure, ConfigFields: c.ConfigFields,
		Args: c.Args, Record: c.Record,
	}
	if req.ConfigFields == nil {
		req.ConfigFields = map[string]any{}
	}
	if req.Args == nil {
		req.Args = []any{}
	}
	req.Webhook = c.Webhook
	return req
}

// schemes takes each request's scheme from the runtime's own log (it is not
// on the wire), falling back to the recorded URL at the same position.
func schemes(c *fixture.Case, res *rubyrun.Result, n int) map[int]string {
	m := map[int]string{}
	for i := 1; i <= n; i++ {
		m[i] = "https"
		if i <= len(c.Interactions) && c.Interactions[i-1].Request.URL != nil {
			m[i] = c.Interactions[i-1].Request.URL.Scheme
		}
	}
	if res != nil {
		for _, s := range res.Requests {
			if u, err := url.Parse(s.URL); err == nil && u.Scheme != "" && s.Seq > 0 {
				m[s.Seq] = u.Scheme
			}
		}
	}
	return m
}

// validate checks what the connector sent and what the fixture recorded
// against the OpenAPI description.
func (r *run) validate(ctx context.Context, c *fixture.Case, arrived []replay.Arrived, schemes map[int]string) []Problem {
	var ps []Problem
	for _, a := range arrived {
		u := schemes[a.Seq] + "://" + a.Host + a.Path
		if a.RawQuery != "" {
			u += "?" + a.RawQuery
		}
		vs := r.validator.Request(ctx, specvalidate.Exchange{Method: a.Method, URL: u, Header: a.Header, Body: a.Body})
		if len(vs) > 0 {
			ps = append(ps, Problem{Kind: KindSpecRequest, Request: a.Seq,
				Title: fmt.Sprintf("request %d %s does not conform to %s", a.Seq, a.Target(), r.validator.Path()),
				Notes: violationLines(vs)})
		}
	}
	for _, it := range c.Interactions {
		req := it.Request
		if req.URL == nil {
			continue
		}
		h := http.Header{}
		for k, v := range req.Headers {
			h.Set(k, v)
		}
		rh := http.Header{}
		for k, v := range it.Response.Headers {
			rh.Set(k, v)
		}
		vs := r.validator.Response(ctx, specvalidate.Exchange{Method: req.Method, URL: req.URL.String(), Header: h},
			it.Response.Status, rh, it.Response.Body)
		if len(vs) > 0 {
			ps = append(ps, Problem{Kind: KindSpecResponse, Interaction: it.Index,
				Title: fmt.Sprintf("recorded response %d (%s:%d) does not conform to %s", it.Index, c.File, it.Line, r.validator.Path()),
				Notes: violationLines(vs)})
		}
	}
	return ps
}

func violationLines(vs []specvalidate.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

func raisedLine(e *rubyrun.Error) string {
	if e == nil {
		return "unknown error"
	}
	s := e.Message
	if e.Class != "" {
		s = e.Class + ": " + s
	}
	return s
}

func tail(label, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return "\n" + label + ":\n" + s
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
