package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/workatogen/workatogen/harness/rubyrun"
)

// requireRuby fails (never skips) without Ruby: a green run that tested
// nothing would hide a broken CI machine.
func requireRuby(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("ruby"); err != nil {
		t.Fatalf("ruby is not installed; the harness tests need it: %s", rubyrun.InstallHint)
	}
}

func runMini(t testing.TB, connector, fixtures string, filter *regexp.Regexp) *Report {
	t.Helper()
	requireRuby(t)
	fsys, write := testRuntime()
	rep, err := Run(context.Background(), Options{
		Connector:    "testdata/connectors/" + connector,
		FixturesDir:  "testdata/fixtures/" + fixtures,
		SpecPath:     "testdata/openapi.yaml",
		RunFilter:    filter,
		Timeout:      2 * time.Second,
		Runtime:      fsys,
		WriteRuntime: write,
		CacheDir:     t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRunMini(t *testing.T) {
	rep := runMini(t, "mini.rb", "mini", nil)
	var text bytes.Buffer
	if err := rep.WriteText(&text, false); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + text.String())

	// Each case: its status and what its report must say. Every scenario of
	// the harness issue is here, in one run, so a timeout or crash is shown
	// not to cost the cases after it (hang/p_after_loop, hang/r_after_death).
	want := map[string]struct {
		status Status
		says   []string
	}{
		"coverage":                {StatusFail, []string{"action uncovered_action"}},
		"fail/dropped_field":      {StatusFail, []string{`body.name: not sent, want "Onboard Ana"`, `property "name" is missing`}},
		"fail/extra_request":      {StatusFail, []string{"unexpected request 2 GET /api/me", "closest recorded interaction: 1 GET /api/me", "identical"}},
		"fail/int_as_string":      {StatusFail, []string{`body.count: sent "2", want 2`, "/count: value must be an integer"}},
		"fail/never_forced":       {StatusFail, []string{"recorded but not requested: GET /api/me", "was the request built but never forced?"}},
		"fail/no_such_action":     {StatusFail, []string{`the connector has no action "launch_proces"`, `did you mean "launch_process"?`}},
		"fail/raises":             {StatusFail, []string{"expected output, but the target raised", "Custom failure: template is archived"}},
		"fail/renamed_field":      {StatusFail, []string{`body.checklist_id: not sent, want "tpl1"`, `body.template_id: sent "tpl1", not in the fixture`}},
		"fail/typo_key":           {StatusFail, []string{"typo_key.yaml:4:1", `unknown key "inptu"`, `did you mean "input"?`}},
		"fail/unwrapped_output":   {StatusFail, []string{`output.data: returned {"id":"run1","name":"Onboard Ana"}, not in the fixture`, `wrapped in "data"`}},
		"fail/wrong_header":       {StatusFail, []string{`headers.X-Request-Source: sent "workato", want "recipe"`}},
		"fail/wrong_path":         {StatusFail, []string{`path: sent "/api/organizations/0123456789abcdef0123456789abcdef/run/run1", want "/api/organizations/0123456789abcdef0123456789abcdef/runs/run1"`, "no matching operation"}},
		"hang/loops":              {StatusFail, []string{"timed out after 2s"}},
		"hang/p_after_loop":       {StatusPass, nil},
		"hang/q_dies":             {StatusFail, []string{"the Ruby process died while this case ran (killed by signal killed)", "about to die"}},
		"hang/r_after_death":      {StatusPass, nil},
		"pass/launch_process":     {StatusPass, nil},
		"pass/launch_process_422": {StatusPass, nil},
		"pass/raises_expected":    {StatusPass, nil},
		"trigger/dedup":           {StatusPass, nil},
		"trigger/poll_two_pages":  {StatusPass, nil},
		"trigger/webhook":         {StatusPass, nil},
	}
	got := map[string]CaseResult{}
	for _, c := range rep.Cases {
		got[c.ID] = c
	}
	for id, w := range want {
		c, ok := got[id]
		if !ok {
			t.Errorf("%s: missing from the report", id)
			continue
		}
		if c.Status != w.status {
			t.Errorf("%s: status %s, want %s", id, c.Status, w.status)
		}
		var one bytes.Buffer
		(&Report{Cases: []CaseResult{c}}).WriteText(&one, false)
		for _, s := range w.says {
			if !strings.Contains(one.String(), s) {
				t.Errorf("%s: report lacks %q", id, s)
			}
		}
	}
	// puts output belongs to the case that printed it, even right before
	// its result line and right after a restart.
	for _, id := range []string{"pass/launch_process", "hang/p_after_loop", "hang/r_after_death"} {
		if s := got[id].Stdout; s != "launching tpl1\n" {
			t.Errorf("%s: stdout %q, want the case's own puts", id, s)
		}
	}
	if len(rep.Cases) != len(want) {
		t.Errorf("report has %d cases, want %d", len(rep.Cases), len(want))
	}
	if rep.RubyStarts != 3 {
		t.Errorf("ruby started %d times, want 3 (first, after the timeout, after the crash)", rep.RubyStarts)
	}
	if !strings.Contains(text.String(), "8 passed, 14 failed, 0 skipped in") {
		t.Errorf("summary wrong: %s", rep.Summary())
	}

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Passed, Failed int
		Cases          []struct {
			ID         string
			Status     string
			DurationMS float64         `json:"duration_ms"`
			Returned   json.RawMessage `json:"returned"`
		}
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || decoded.Failed != 14 || len(decoded.Cases) != len(want) {
		t.Errorf("JSON report unreadable or wrong (%v): %s", err, js.String()[:min(400, js.Len())])
	}
	// The whole returned output is in the JSON report only where the output
	// differs (what a fixture author checks and copies).
	for _, c := range decoded.Cases {
		var flat bytes.Buffer
		if len(c.Returned) > 0 {
			_ = json.Compact(&flat, c.Returned)
		}
		switch {
		case c.ID == "fail/unwrapped_output" && !strings.Contains(flat.String(), `"data":{"id":"run1"`):
			t.Errorf("%s: returned = %s, want the whole output", c.ID, c.Returned)
		case c.ID != "fail/unwrapped_output" && len(c.Returned) > 0:
			t.Errorf("%s: returned = %s, want none (its output is not what failed)", c.ID, c.Returned)
		}
	}
}

func TestRunFilter(t *testing.T) {
	rep := runMini(t, "mini.rb", "mini", regexp.MustCompile(`^pass/`))
	if rep.Passed != 3 || rep.Failed != 0 || len(rep.Cases) != 3 {
		var b bytes.Buffer
		rep.WriteText(&b, false)
		t.Errorf("filter did not select only pass/ cases:\n%s", b.String())
	}
}

func TestSyntaxErrorInConnector(t *testing.T) {
	rep := runMini(t, "syntax_error.rb", "broken", nil)
	var b bytes.Buffer
	rep.WriteText(&b, false)
	text := b.String()
	if rep.Failed != 2 {
		t.Errorf("want coverage and the case to fail:\n%s", text)
	}
	if !strings.Contains(text, "syntax_error.rb:7") {
		t.Errorf("syntax error not reported with its line:\n%s", text)
	}
}

func TestColorOutput(t *testing.T) {
	rep := &Report{Cases: []CaseResult{{ID: "a", Status: StatusPass, Duration: 4 * time.Millisecond}}, Passed: 1}
	var plain, color bytes.Buffer
	rep.WriteText(&plain, false)
	rep.WriteText(&color, true)
	if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(color.String(), "\x1b[32mPASS") {
		t.Errorf("colour handling wrong:\n%q\n%q", plain.String(), color.String())
	}
	if !strings.HasPrefix(plain.String(), "PASS  a  4ms\n") {
		t.Errorf("case line format: %q", plain.String())
	}
}
