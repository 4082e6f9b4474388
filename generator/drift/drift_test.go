package drift

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/workatogen/workatogen/generator"
	"github.com/workatogen/workatogen/generator/lock"
)

// result is a stand-in for a Generate result: drift only looks at the
// files, the inputs and the output folder.
func result(dir string) *generator.Result {
	return &generator.Result{Name: "shop", OutDir: dir,
		Files: map[string][]byte{"connector.rb": []byte("{\n  title: 'Shop'\n}\n"), "README.md": []byte("# Shop\n")},
		Inputs: []generator.Input{
			{Role: "config", Path: "connector.yaml", SHA256: "c1"},
			{Role: "spec", Path: "openapi.yaml", SHA256: "s1"},
			{Role: "template", Path: "builtin:connector.rb.tmpl", SHA256: "t1"},
			{Role: "template", Path: "builtin:README.md.tmpl", SHA256: "t2"},
		}}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		// change alters the committed folder or the new result after a
		// clean generate.
		change     func(t *testing.T, dir string, res *generator.Result)
		wantStatus map[string]Status // only files whose status is not Same
		wantCauses []string
		wantDetail string // substring of the joined cause details
	}{
		{name: "clean", change: func(*testing.T, string, *generator.Result) {}},
		{
			name: "hand edit",
			change: func(t *testing.T, dir string, _ *generator.Result) {
				write(t, filepath.Join(dir, "connector.rb"), "{\n  title: 'My shop'\n}\n")
			},
			wantStatus: map[string]Status{"connector.rb": Changed},
			wantCauses: []string{CauseHandEdit},
			wantDetail: "output edited by hand (connector.rb differs",
		},
		{
			name: "spec changed",
			change: func(_ *testing.T, _ string, res *generator.Result) {
				res.Inputs[1].SHA256 = "s2"
				res.Files["connector.rb"] = []byte("{\n  title: 'Shop 2'\n}\n")
			},
			wantStatus: map[string]Status{"connector.rb": Changed, lock.FileName: Changed},
			wantCauses: []string{CauseSpec},
			wantDetail: "spec changed (",
		},
		{
			name: "config changed, output unchanged",
			change: func(_ *testing.T, _ string, res *generator.Result) {
				res.Inputs[0].SHA256 = "c2"
			},
			wantStatus: map[string]Status{lock.FileName: Changed},
			wantCauses: []string{CauseConfig, CauseLockStale},
			wantDetail: "only workatogen.lock records the new inputs",
		},
		{
			name: "spec and config changed and hand edit",
			change: func(t *testing.T, dir string, res *generator.Result) {
				res.Inputs[0].SHA256, res.Inputs[1].SHA256 = "c2", "s2"
				res.Files["README.md"] = []byte("# Shop 2\n")
				write(t, filepath.Join(dir, "connector.rb"), "{}\n")
			},
			wantStatus: map[string]Status{"connector.rb": Changed, "README.md": Changed, lock.FileName: Changed},
			wantCauses: []string{CauseSpec, CauseConfig, CauseHandEdit},
		},
		{
			name: "methods file added",
			change: func(_ *testing.T, _ string, res *generator.Result) {
				res.Inputs = append(res.Inputs, generator.Input{Role: "methods", Path: "methods.rb", SHA256: "m1"})
				res.Files["connector.rb"] = []byte("{ methods: {} }\n")
			},
			wantStatus: map[string]Status{"connector.rb": Changed, lock.FileName: Changed},
			wantCauses: []string{CauseMethods},
			wantDetail: "methods changed (methods.rb added)",
		},
		{
			name: "template overridden",
			change: func(_ *testing.T, _ string, res *generator.Result) {
				res.Inputs[2] = generator.Input{Role: "template", Path: "tpl/connector.rb.tmpl", SHA256: "t9"}
				res.Files["connector.rb"] = []byte("{ custom: true }\n")
			},
			wantStatus: map[string]Status{"connector.rb": Changed, lock.FileName: Changed},
			wantCauses: []string{CauseTemplates},
			wantDetail: "templates or tool changed (connector.rb.tmpl now from tpl/connector.rb.tmpl)",
		},
		{
			name: "tool version changed",
			change: func(t *testing.T, dir string, res *generator.Result) {
				p := filepath.Join(dir, lock.FileName)
				b, _ := os.ReadFile(p)
				write(t, p, strings.Replace(string(b), `"version": "`+generator.Version+`"`, `"version": "0.0.1"`, 1))
				res.Files["connector.rb"] = []byte("{ better: true }\n")
			},
			wantStatus: map[string]Status{"connector.rb": Changed, lock.FileName: Changed},
			wantCauses: []string{CauseTemplates},
			wantDetail: "workatogen 0.0.1 in the lock, " + generator.Version + " now",
		},
		{
			name: "generator code changed without a version bump",
			change: func(_ *testing.T, _ string, res *generator.Result) {
				res.Files["connector.rb"] = []byte("{ better: true }\n")
			},
			wantStatus: map[string]Status{"connector.rb": Changed, lock.FileName: Changed},
			wantCauses: []string{CauseTool},
			wantDetail: "the generator's own code now writes something else",
		},
		{
			name: "output missing",
			change: func(t *testing.T, dir string, _ *generator.Result) {
				remove(t, filepath.Join(dir, "README.md"))
			},
			wantStatus: map[string]Status{"README.md": Missing},
			wantCauses: []string{CauseMissing},
			wantDetail: "output missing (README.md)",
		},
		{
			name: "lock missing",
			change: func(t *testing.T, dir string, _ *generator.Result) {
				remove(t, filepath.Join(dir, lock.FileName))
			},
			wantStatus: map[string]Status{lock.FileName: Missing},
			wantCauses: []string{CauseLockMissing},
		},
		{
			name: "lock damaged",
			change: func(t *testing.T, dir string, _ *generator.Result) {
				write(t, filepath.Join(dir, lock.FileName), "not json")
			},
			wantStatus: map[string]Status{lock.FileName: Changed},
			wantCauses: []string{CauseLockBroken},
			wantDetail: "delete it and run `workatogen generate`",
		},
		{
			name: "lock reformatted by hand",
			change: func(t *testing.T, dir string, _ *generator.Result) {
				p := filepath.Join(dir, lock.FileName)
				b, _ := os.ReadFile(p)
				write(t, p, strings.ReplaceAll(string(b), "  ", "\t"))
			},
			wantStatus: map[string]Status{lock.FileName: Changed},
			wantCauses: []string{CauseLockStale},
		},
		{
			name: "stale file",
			change: func(t *testing.T, dir string, res *generator.Result) {
				p := filepath.Join(dir, lock.FileName)
				l := res.Lock()
				l.Files = append(l.Files, lock.File{Path: "old.rb", SHA256: "x"})
				write(t, p, string(l.Marshal()))
				write(t, filepath.Join(dir, "old.rb"), "old")
				write(t, filepath.Join(dir, "notes.txt"), "not ours")
			},
			wantStatus: map[string]Status{lock.FileName: Changed, "old.rb": Stale},
			wantCauses: []string{CauseStale},
			wantDetail: "old.rb is listed in the lock but no longer generated",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := generator.Write(result(dir)); err != nil {
				t.Fatal(err)
			}
			res := result(dir)
			tt.change(t, dir, res)
			rep, err := Compare(res)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Status{}
			for _, f := range rep.Files {
				if f.Status != Same {
					got[f.Name] = f.Status
				}
			}
			if tt.wantStatus == nil {
				tt.wantStatus = map[string]Status{}
			}
			if d := cmp.Diff(tt.wantStatus, got); d != "" {
				t.Errorf("statuses (-want +got):\n%s", d)
			}
			if rep.Drifted() != (len(tt.wantStatus) > 0) {
				t.Errorf("Drifted() = %v", rep.Drifted())
			}
			var kinds, details []string
			for _, c := range rep.Causes {
				kinds = append(kinds, c.Kind)
				details = append(details, c.Detail)
			}
			if d := cmp.Diff(tt.wantCauses, kinds); d != "" {
				t.Errorf("causes (-want +got):\n%s\n%s", d, strings.Join(details, "\n"))
			}
			if !strings.Contains(strings.Join(details, "; "), tt.wantDetail) {
				t.Errorf("causes %q do not mention %q", details, tt.wantDetail)
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "shop")
	if err := generator.Write(result(dir)); err != nil {
		t.Fatal(err)
	}
	rep, err := Compare(result(dir))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteText(&b, false, "workatogen generate"); err != nil {
		t.Fatal(err)
	}
	if want := filepath.ToSlash(dir) + ": up to date (README.md, connector.rb, workatogen.lock)\n"; b.String() != want {
		t.Errorf("clean report = %q, want %q", b.String(), want)
	}

	write(t, filepath.Join(dir, "connector.rb"), "{\n  title: 'My shop'\n}\n")
	if rep, err = Compare(result(dir)); err != nil {
		t.Fatal(err)
	}
	for _, color := range []bool{false, true} {
		b.Reset()
		if err := rep.WriteText(&b, color, "workatogen generate --config c.yaml"); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{
			"committed/" + filepath.ToSlash(dir) + "/connector.rb",
			"-  title: 'My shop'",
			"+  title: 'Shop'",
			"cause: output edited by hand",
			"`workatogen generate --config c.yaml`",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("color=%v: report lacks %q:\n%s", color, want, out)
			}
		}
		if hasEsc := strings.Contains(out, "\x1b["); hasEsc != color {
			t.Errorf("color=%v but escape codes present=%v", color, hasEsc)
		}
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if !strings.HasPrefix(lines[len(lines)-1], "fix: ") || !strings.HasPrefix(lines[len(lines)-2], "cause: ") {
		t.Errorf("the report must end with the cause and the fix:\n%s", b.String())
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}
