package drift

import (
	"context"
	"testing"

	"github.com/workatogen/workatogen/generator"
)

// The budget for `check` is "no more than 10% slower than generate". Both run
// the same pipeline; check then compares where generate writes. These two
// benchmarks measure exactly that difference on the Tallyfy connector:
//
//	go test ./generator/drift -run '^$' -bench . -benchtime 200x
func tallyfy(b *testing.B) *generator.Result {
	b.Helper()
	res, ds := generator.Generate(context.Background(), generator.Options{
		ConfigPath: "../../spec/tallyfy/connector.yaml", OutDir: b.TempDir(), SkipRubyCheck: true})
	if res == nil {
		b.Fatalf("cannot generate the Tallyfy connector:\n%v", ds)
	}
	return res
}

// BenchmarkCompare is what check adds to the pipeline: read the output
// folder, hash, compare (no drift, so no diff).
func BenchmarkCompare(b *testing.B) {
	res := tallyfy(b)
	if err := generator.Write(res); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Compare(res)
		if err != nil || rep.Drifted() {
			b.Fatalf("compare: %v, drifted %v", err, rep != nil && rep.Drifted())
		}
	}
}

// BenchmarkWrite is what generate does instead: temp files, fsync, rename.
func BenchmarkWrite(b *testing.B) {
	res := tallyfy(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := generator.Write(res); err != nil {
			b.Fatal(err)
		}
	}
}
