package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workatogen/workatogen/generator"
	"github.com/workatogen/workatogen/harness"
)

// TestFeaturesOnTheWire generates a connector from a small spec that uses
// every request feature the generator supports, and replays fixtures
// against it: the requests that reach the (local) server prove query
// styles, renamed fields, type conversion, DELETE bodies, multipart and form
// encoding, server variables and query API keys — not just the Ruby text.
func TestFeaturesOnTheWire(t *testing.T) {
	dir := t.TempDir()
	res, ds := generator.Generate(context.Background(), generator.Options{SpecPath: "testdata/features/openapi.yaml", OutDir: dir})
	if res == nil {
		t.Fatalf("generate failed:\n%s", ds.Error())
	}
	connector := filepath.Join(dir, "connector.rb")
	if err := os.WriteFile(connector, res.Files["connector.rb"], 0o644); err != nil {
		t.Fatal(err)
	}
	report, err := harness.Run(context.Background(), harness.Options{
		Connector:   connector,
		FixturesDir: "testdata/features/fixtures",
		SpecPath:    "testdata/features/openapi.yaml",
	})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	report.WriteText(&out, false)
	if report.Failed > 0 {
		t.Fatalf("replay failed:\n%s\n--- connector ---\n%s", out.String(), res.Files["connector.rb"])
	}
	t.Log(out.String())
}
