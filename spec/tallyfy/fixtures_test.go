package tallyfy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/workatogen/workatogen/generator"
	"github.com/workatogen/workatogen/harness"
	"github.com/workatogen/workatogen/harness/fixture"
)

// The replay cases live in fixtures/ next to this file, one YAML file per case
// (format: harness/fixture/FORMAT.md). The harness loads and checks them; these
// tests decide which connector they run against and what counts as green.
const (
	fixturesDir = "fixtures"
	configFile  = "connector.yaml"

	// A skipped case must say why, with one of these prefixes, so the test
	// can check that the reason still holds (see TestSkippedFixturesStillFail).
	skipGeneratorBug = "generator bug:"
	skipSpec         = "spec disagreement:"
	skipMethodBug    = "method bug:"

	// minCases guards against a vacuous pass (an emptied or moved fixtures
	// directory would otherwise leave only the coverage case).
	minCases = 80
)

// generateConnector renders the Tallyfy connector in memory from the spec and
// config in this directory and writes it to a temporary directory.
//
// Why regenerate instead of replaying the committed out/tallyfy/connector.rb:
// the committed file is only as fresh as the last `workatogen generate`, so a
// test over it can pass while the generator, templates, spec or config in the
// same commit already produce something else (and fail after the next
// generate). Regenerating tests exactly what would ship from this tree;
// whether the committed copy is up to date is `workatogen check`'s job, not
// this test's. Generation takes well under a second, so nothing is saved by
// reusing the file.
func generateConnector(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	res, ds := generator.Generate(context.Background(), generator.Options{ConfigPath: configFile, OutDir: dir})
	if res == nil {
		t.Fatalf("generating the Tallyfy connector failed:\n%s", ds.Error())
	}
	src, ok := res.Files["connector.rb"]
	if !ok {
		t.Fatalf("the generator returned no connector.rb (files: %v)", keys(res.Files))
	}
	path := filepath.Join(dir, "connector.rb")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func replay(t *testing.T, opts harness.Options) *harness.Report {
	t.Helper()
	if opts.SpecPath == "" {
		opts.SpecPath = specFile
	}
	if opts.CacheDir == "" {
		opts.CacheDir = t.TempDir()
	}
	rep, err := harness.Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("the replay could not run: %v", err)
	}
	return rep
}

func reportText(rep *harness.Report) string {
	var b strings.Builder
	if err := rep.WriteText(&b, false); err != nil {
		return "(report not writable: " + err.Error() + ")"
	}
	return b.String()
}

// TestReplayFixtures is `workatogen test` inside `go test ./...`: every
// Tallyfy case against a freshly generated connector, with spec validation
// and the coverage check. It fails with the harness's own report.
func TestReplayFixtures(t *testing.T) {
	connector := generateConnector(t)
	rep := replay(t, harness.Options{Connector: connector, FixturesDir: fixturesDir})
	text := reportText(rep)
	if !rep.OK() {
		t.Fatalf("replay of %s failed (%s):\n%s", fixturesDir, rep.Summary(), text)
	}
	var sawCoverage bool
	for _, c := range rep.Cases {
		if c.ID == harness.CoverageCase {
			sawCoverage = true
		}
	}
	if !sawCoverage {
		t.Errorf("the report has no %q case: the coverage check did not run\n%s", harness.CoverageCase, text)
	}
	if rep.Passed-1 < minCases {
		t.Errorf("only %d cases passed (want at least %d besides coverage): is %s complete?\n%s", rep.Passed-1, minCases, fixturesDir, text)
	}
	t.Logf("%s", rep.Summary())
}

// TestSkippedFixturesStillFail keeps skips honest. Each skipped case is run
// with its skip removed (from a copy of the fixtures) and must still fail
// for the reason given:
//
//   - "spec disagreement: ..." cases must fail ONLY the OpenAPI validation:
//     the connector sends and returns what the documentation says, and the
//     spec rejects the documented payload. They thereby also prove the
//     connector handles those payloads (e.g. links: [] on a last page).
//   - "generator bug: ..." and "method bug: ..." cases must fail on something
//     the connector does (a request or output difference), not only on the
//     spec.
//
// When the spec or the generator is fixed, this test says which skip to
// remove instead of letting the case sit skipped forever.
//
// The same run also replays calibration cases (skipCalibration) whose
// verdicts are known, so the check is exercised even when no fixture is
// skipped: with zero skips it still proves that a stale skip would be
// reported, instead of passing without looking at anything.
func TestSkippedFixturesStillFail(t *testing.T) {
	set, err := fixture.LoadDir(fixturesDir)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, c := range set.Cases {
		if c.Skip == "" {
			continue
		}
		if !hasSkipPrefix(c.Skip) {
			t.Errorf("%s: skip reason must start with one of %q, got %q", c.File, skipPrefixes, c.Skip)
			continue
		}
		reasons[c.ID] = c.Skip
	}
	t.Logf("%d skipped fixture(s) checked, plus %d calibration cases", len(reasons), len(skipCalibration))

	unskipped := t.TempDir()
	if err := copyWithoutSkips(fixturesDir, unskipped); err != nil {
		t.Fatal(err)
	}
	// Calibration cases go next to the real ones (same _connection.yaml),
	// already without their skip, as copyWithoutSkips would leave them.
	calibration := map[string]string{} // ID → reason
	for name, cc := range skipCalibration {
		id := calibrationDir + "/" + name
		calibration[id] = cc.reason
		if err := os.MkdirAll(filepath.Join(unskipped, calibrationDir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(unskipped, id+".yaml"), []byte(cc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	all := map[string]string{}
	ids := []string{}
	for id, r := range reasons {
		all[id] = r
		ids = append(ids, regexp.QuoteMeta(id))
	}
	for id, r := range calibration {
		all[id] = r
		ids = append(ids, regexp.QuoteMeta(id))
	}
	rep := replay(t, harness.Options{
		Connector:   generateConnector(t),
		FixturesDir: unskipped,
		RunFilter:   regexp.MustCompile("^(" + strings.Join(ids, "|") + ")$"),
	})
	text := reportText(rep)
	verdicts := skipVerdicts(all, rep)

	for id := range reasons {
		if v, ok := verdicts[id]; ok {
			t.Errorf("%s", v)
		}
	}
	for name, cc := range skipCalibration {
		id := calibrationDir + "/" + name
		v, ok := verdicts[id]
		switch {
		case cc.verdict == "" && ok:
			t.Errorf("calibration %s: the skip is justified, but the check says: %s", id, v)
		case cc.verdict != "" && !ok:
			t.Errorf("calibration %s: want a verdict containing %q, the check found nothing", id, cc.verdict)
		case cc.verdict != "" && !strings.Contains(v, cc.verdict):
			t.Errorf("calibration %s: verdict %q lacks %q", id, v, cc.verdict)
		}
	}
	if t.Failed() {
		t.Logf("report of the unskipped run:\n%s", text)
	}
}

// Skip reasons name who must fix what (see the report's skip list).
var skipPrefixes = []string{skipGeneratorBug, skipSpec, skipMethodBug}

func hasSkipPrefix(reason string) bool {
	for _, p := range skipPrefixes {
		if strings.HasPrefix(reason, p) {
			return true
		}
	}
	return false
}

// skipVerdicts judges each case of an unskipped run against the reason it
// was skipped for. A case with no entry in the result is still skipped for
// a good reason; an entry says why the skip is wrong now.
func skipVerdicts(reasons map[string]string, rep *harness.Report) map[string]string {
	out := map[string]string{}
	seen := map[string]bool{}
	for _, c := range rep.Cases {
		reason, ok := reasons[c.ID]
		if !ok {
			continue
		}
		seen[c.ID] = true
		var specProblems, otherProblems []string
		for _, p := range c.Problems {
			if p.Kind == harness.KindSpecRequest || p.Kind == harness.KindSpecResponse {
				specProblems = append(specProblems, p.Title)
			} else {
				otherProblems = append(otherProblems, p.Kind+": "+p.Title)
			}
		}
		isSpec := strings.HasPrefix(reason, skipSpec)
		switch {
		case c.Status == harness.StatusSkip:
			out[c.ID] = fmt.Sprintf("%s: still skipped after removing its skip key", c.ID)
		case isSpec && len(otherProblems) > 0:
			out[c.ID] = fmt.Sprintf("%s is skipped as a spec disagreement, but without its skip it also fails on the connector:\n  %s",
				c.ID, strings.Join(otherProblems, "\n  "))
		case isSpec && len(specProblems) == 0:
			out[c.ID] = fmt.Sprintf("%s now conforms to the spec: remove its skip (%q)", c.ID, reason)
		case !isSpec && c.Status == harness.StatusPass:
			out[c.ID] = fmt.Sprintf("%s passes with the current generator and methods: the bug is fixed, remove its skip (%q)", c.ID, reason)
		case !isSpec && len(otherProblems) == 0:
			out[c.ID] = fmt.Sprintf("%s is skipped as a generator or method bug but fails only the spec check: %s", c.ID, strings.Join(specProblems, "; "))
		}
	}
	for id := range reasons {
		if !seen[id] {
			out[id] = fmt.Sprintf("%s was not run", id)
		}
	}
	return out
}

// calibrationDir holds the calibration cases inside the temporary copy.
const calibrationDir = "zz_skip_calibration"

// skipCalibration: cases with a known verdict, one per branch of
// skipVerdicts. They run against the real connector (get_current_user, the
// simplest action) and the real spec: "good" passes, "connector" fails on a
// header the connector does not send, "spec" returns a documented-looking
// payload the spec rejects (email as a number) while the connector passes it
// through unchanged.
var skipCalibration = map[string]struct {
	reason, verdict, yaml string
}{
	"good_as_generator_bug":  {skipGeneratorBug + " calibration", "the bug is fixed, remove its skip", calibrationCase("APIClient", `"jsmith@acme.example"`)},
	"good_as_method_bug":     {skipMethodBug + " calibration", "the bug is fixed, remove its skip", calibrationCase("APIClient", `"jsmith@acme.example"`)},
	"good_as_spec":           {skipSpec + " calibration", "now conforms to the spec", calibrationCase("APIClient", `"jsmith@acme.example"`)},
	"connector_as_generator": {skipGeneratorBug + " calibration", "", calibrationCase("SomethingElse", `"jsmith@acme.example"`)},
	"connector_as_spec":      {skipSpec + " calibration", "also fails on the connector", calibrationCase("SomethingElse", `"jsmith@acme.example"`)},
	"spec_only_as_spec":      {skipSpec + " calibration", "", calibrationCase("APIClient", "12345")},
	"spec_only_as_generator": {skipGeneratorBug + " calibration", "fails only the spec check", calibrationCase("APIClient", "12345")},
}

func calibrationCase(client, email string) string {
	return `description: skip-check calibration
source: documentation
target: {action: get_current_user}
interactions:
  - request:
      method: GET
      url: https://go.tallyfy.com/api/me
      headers: {Authorization: Bearer PLACEHOLDER_TOKEN, X-Tallyfy-Client: ` + client + `, Accept: application/json}
    response:
      status: 200
      json: {data: {id: 1001, email: ` + email + `, full_name: John Smith}}
output: {id: 1001, email: ` + email + `, full_name: John Smith}
`
}

// copyWithoutSkips copies the fixtures tree, dropping each case's top-level
// `skip:` key (and the indented lines of a block value under it).
func copyWithoutSkips(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if ext := filepath.Ext(path); ext == ".yaml" || ext == ".yml" {
			data = []byte(dropTopLevelKey(string(data), "skip"))
		}
		return os.WriteFile(target, data, 0o644)
	})
}

func dropTopLevelKey(doc, key string) string {
	var out []string
	dropping := false
	for _, line := range strings.SplitAfter(doc, "\n") {
		if dropping && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			continue
		}
		dropping = strings.HasPrefix(line, key+":")
		if !dropping {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
