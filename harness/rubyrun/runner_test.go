package rubyrun

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// requireRuby fails (never skips) when Ruby is missing: a green run that
// tested nothing is worse than a red one that says what to install.
func requireRuby(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("ruby"); err != nil {
		t.Fatalf("ruby is not installed; the harness tests need it: %s", InstallHint)
	}
}

func startFake(t *testing.T, env ...string) *Runner {
	t.Helper()
	requireRuby(t)
	r, err := Start(context.Background(), Options{
		Runtime:  os.DirFS("testdata/fake"),
		CacheDir: t.TempDir(),
		Env:      env,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func run(r *Runner, id, name string, timeout time.Duration) Outcome {
	return r.Run(context.Background(), Request{ID: id, Target: Target{Kind: "action", Name: name}, Input: map[string]any{"a": 1}}, timeout)
}

func TestRunnerCases(t *testing.T) {
	r := startFake(t)
	if r.Ready().Protocol != 1 || r.Ready().Ruby == "" {
		t.Fatalf("ready = %+v", r.Ready())
	}
	// One process serves a sequence of cases; timeouts and crashes in the
	// middle must not cost the cases after them.
	steps := []struct {
		name       string
		check      func(t *testing.T, o Outcome)
		wantStarts int
	}{
		{"echo", func(t *testing.T, o Outcome) {
			if o.Result == nil || string(o.Result.Output) != `{"a":1}` {
				t.Errorf("echo: %+v", o)
			}
		}, 1},
		{"puts", func(t *testing.T, o Outcome) {
			if o.Stdout != "hello from c-puts\n" || o.Stderr != "warn from c-puts\n" {
				t.Errorf("output not attributed to its case: stdout %q stderr %q", o.Stdout, o.Stderr)
			}
		}, 1},
		{"raise", func(t *testing.T, o Outcome) {
			if o.Result == nil || o.Result.OK || o.Result.Error.Message != "it broke" {
				t.Errorf("raise: %+v", o.Result)
			}
		}, 1},
		{"noise", func(t *testing.T, o Outcome) {
			if o.Result == nil || o.Result.ID != "c-noise" {
				t.Errorf("foreign lines not skipped: %+v", o)
			}
		}, 1},
		{"loop", func(t *testing.T, o Outcome) {
			if !o.TimedOut || o.Result != nil || o.Restart != nil || !strings.Contains(o.Stdout, "looping") {
				t.Errorf("loop: %+v", o)
			}
		}, 2},
		{"echo", func(t *testing.T, o Outcome) {
			if o.Result == nil || !o.Result.OK {
				t.Errorf("case after a timeout did not run: %+v", o)
			}
		}, 2},
		{"die", func(t *testing.T, o Outcome) {
			if !o.Died || !strings.Contains(o.Exit, "killed") || !strings.Contains(o.Stdout, "about to die") {
				t.Errorf("die: %+v", o)
			}
		}, 3},
		{"exit", func(t *testing.T, o Outcome) {
			if !o.Died || o.Exit != "exit status 7" {
				t.Errorf("exit: %+v", o)
			}
		}, 4},
		{"echo", func(t *testing.T, o Outcome) {
			if o.Result == nil || !o.Result.OK {
				t.Errorf("case after a crash did not run: %+v", o)
			}
		}, 4},
	}
	for _, st := range steps {
		o := run(r, "c-"+st.name, st.name, 500*time.Millisecond)
		st.check(t, o)
		if r.Starts() != st.wantStarts {
			t.Errorf("after %s: %d starts, want %d", st.name, r.Starts(), st.wantStarts)
		}
	}
}

func TestStartFailures(t *testing.T) {
	requireRuby(t)
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"fatal", Options{Env: []string{"FAKE_FATAL=1"}}, []string{"cannot load active_support", InstallHint}},
		{"crash", Options{Env: []string{"FAKE_CRASH_AT_START=1"}}, []string{"exited before it was ready", "boom at start"}},
		{"protocol", Options{Env: []string{"FAKE_PROTOCOL=9"}}, []string{"protocol 9"}},
		{"no ruby", Options{Ruby: "/nonexistent/ruby"}, []string{InstallHint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Runtime = os.DirFS("testdata/fake")
			tt.opts.CacheDir = t.TempDir()
			r, err := Start(context.Background(), tt.opts)
			if err == nil {
				r.Close()
				t.Fatal("started")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestExtractIsContentAddressed(t *testing.T) {
	cache := t.TempDir()
	opts := Options{Runtime: os.DirFS("testdata/fake"), CacheDir: cache}
	p1, _, err := extract(opts)
	if err != nil {
		t.Fatal(err)
	}
	p2, _, err := extract(opts)
	if err != nil {
		t.Fatal(err)
	}
	if p1 != p2 || !strings.HasPrefix(p1, cache) {
		t.Errorf("not reused: %s vs %s", p1, p2)
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) != 1 {
		t.Errorf("cache has %d entries, want 1", len(entries))
	}
}

func TestResultJSON(t *testing.T) {
	var res Result
	raw := `{"type":"result","id":"x","ok":false,"output":null,"error":{"class":"C","message":"m","backtrace":["a"],"kind":"syntax"},"requests":[{"seq":1,"method":"GET","url":"https://h/p","headers":{"A":"b"}}],"connection_updates":null,"retries":0,"duration_ms":3.2}`
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatal(err)
	}
	if res.Error.Kind != "syntax" || res.Requests[0].URL != "https://h/p" {
		t.Errorf("%+v", res)
	}
}
