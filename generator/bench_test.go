package generator

import (
	"context"
	"os"
	"testing"

	"github.com/workatogen/workatogen/generator/specload"
)

// BenchmarkGenerateTallyfy measures the in-process pipeline for the Tallyfy
// connector without the Ruby self-check (a separate process, timed by the
// whole-process measurements in the README).
func BenchmarkGenerateTallyfy(b *testing.B) {
	wd, _ := os.Getwd()
	os.Chdir(repoRoot)
	defer os.Chdir(wd)
	for i := 0; i < b.N; i++ {
		if res, ds := Generate(context.Background(), Options{SkipRubyCheck: true}); res == nil {
			b.Fatal(ds.Error())
		}
	}
}

// BenchmarkLoadTallyfySpec isolates loading and validating the spec.
func BenchmarkLoadTallyfySpec(b *testing.B) {
	data, err := os.ReadFile("../spec/tallyfy/openapi.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if s, ds := specload.LoadData(context.Background(), "openapi.yaml", data); s == nil {
			b.Fatal(ds.Error())
		}
	}
}

// BenchmarkGenerateSwagger generates all 332 operations of Tallyfy's own
// Swagger 2.0 file (read from ../shared, never copied).
func BenchmarkGenerateSwagger(b *testing.B) {
	path := "../../shared/spec-sources/tallyfy-swagger-2.0.0.json"
	if _, err := os.Stat(path); err != nil {
		b.Skip("../shared is not present")
	}
	for i := 0; i < b.N; i++ {
		if res, ds := Generate(context.Background(), Options{SpecPath: path, OutDir: b.TempDir(), SkipRubyCheck: true}); res == nil {
			b.Fatal(ds.Error())
		}
	}
}
