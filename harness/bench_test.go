package harness

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/workatogen/workatogen/harness/fixture"
	"github.com/workatogen/workatogen/harness/replay"
	"github.com/workatogen/workatogen/harness/rubyrun"
	"github.com/workatogen/workatogen/harness/specvalidate"
)

// BenchmarkReplay measures the cost of one case once Ruby is running
// (request to Ruby, one HTTP round trip on loopback, comparison, spec
// validation), and of a whole small run including the interpreter start.
func BenchmarkReplay(b *testing.B) {
	requireRuby(b)
	b.Run("case", func(b *testing.B) {
		ctx := context.Background()
		fsys, write := testRuntime()
		srv, err := replay.Start()
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		runner, err := rubyrun.Start(ctx, rubyrun.Options{Runtime: fsys, WriteRuntime: write, CacheDir: b.TempDir(), ReplayAddr: srv.Addr()})
		if err != nil {
			b.Fatal(err)
		}
		defer runner.Close()
		v, err := specvalidate.Load(ctx, "testdata/openapi.yaml")
		if err != nil {
			b.Fatal(err)
		}
		set, err := fixture.LoadDir("testdata/fixtures/mini")
		if err != nil {
			b.Fatal(err)
		}
		var c *fixture.Case
		for _, x := range set.Cases {
			if x.ID == "pass/launch_process" {
				c = x
			}
		}
		conn, _ := filepath.Abs("testdata/connectors/mini.rb")
		r := &run{opts: Options{Timeout: DefaultTimeout}, connector: conn, srv: srv, runner: runner, validator: v}
		b.ResetTimer()
		for b.Loop() {
			if res := r.runCase(ctx, c, nil); res.Status != StatusPass {
				b.Fatalf("case failed: %+v", res.Problems)
			}
		}
	})
	b.Run("run", func(b *testing.B) {
		for b.Loop() {
			rep := runMini(b, "mini.rb", "mini", regexp.MustCompile(`^pass/`))
			if rep.Failed > 0 {
				b.Fatal("a case failed")
			}
		}
	})
}
