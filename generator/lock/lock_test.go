package lock

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewRelativePathsAndOrder(t *testing.T) {
	tests := []struct {
		name   string
		outDir string
		in     Input
		want   string
	}{
		{"sibling tree", "out/x", Input{Role: RoleSpec, Path: "spec/x/openapi.yaml"}, "../../spec/x/openapi.yaml"},
		{"inside", "out/x", Input{Role: RoleMethods, Path: "out/x/m.rb"}, "m.rb"},
		{"builtin template", "out/x", Input{Role: RoleTemplate, Path: "builtin:actions.rb.tmpl"}, "builtin:actions.rb.tmpl"},
		{"absolute input", "out/x", Input{Role: RoleConfig, Path: mustAbs(t, "spec/x/connector.yaml")}, "../../spec/x/connector.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New("workatogen", "1.0.0", "x", tt.outDir, []Input{tt.in}, nil)
			if got := l.Inputs[0].Path; got != tt.want {
				t.Errorf("path = %q, want %q", got, tt.want)
			}
		})
	}

	l := New("workatogen", "1.0.0", "x", "out/x", []Input{
		{Role: RoleTemplate, Path: "builtin:b.tmpl"},
		{Role: RoleConfig, Path: "c.yaml"},
		{Role: RoleTemplate, Path: "builtin:a.tmpl"},
		{Role: RoleSpec, Path: "s.yaml"},
		{Role: RoleMethods, Path: "m.rb"},
	}, map[string][]byte{"z.md": nil, "a.rb": []byte("x")})
	var roles []string
	for _, in := range l.Inputs {
		roles = append(roles, in.Role+":"+in.Path)
	}
	want := []string{"spec:../../s.yaml", "config:../../c.yaml", "methods:../../m.rb", "template:builtin:a.tmpl", "template:builtin:b.tmpl"}
	if d := cmp.Diff(want, roles); d != "" {
		t.Errorf("input order (-want +got):\n%s", d)
	}
	if l.Files[0].Path != "a.rb" || l.Files[0].SHA256 != Sum([]byte("x")) {
		t.Errorf("files = %+v, want a.rb first with its sha256", l.Files)
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestMarshalIsStableJSONAndRoundTrips(t *testing.T) {
	l := New("workatogen", "1.2.3", "shop", "out/shop",
		[]Input{{Role: RoleSpec, Path: "openapi.yaml", SHA256: "aa"}, {Role: RoleTemplate, Path: "builtin:<x>&.tmpl", SHA256: "bb"}},
		map[string][]byte{"connector.rb": []byte("{}"), "README.md": []byte("# x")})
	a, b := l.Marshal(), l.Marshal()
	if string(a) != string(b) {
		t.Fatal("Marshal is not deterministic")
	}
	var generic map[string]any
	if err := json.Unmarshal(a, &generic); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, a)
	}
	// Key order on disk is the struct order, so diffs stay readable.
	s := string(a)
	last := -1
	for _, k := range []string{`"note"`, `"lock_version"`, `"generator"`, `"version"`, `"connector"`, `"inputs"`, `"files"`} {
		i := strings.Index(s, k)
		if i < last {
			t.Errorf("key %s out of order in\n%s", k, s)
		}
		last = i
	}
	if !strings.Contains(s, `"builtin:<x>&.tmpl"`) {
		t.Errorf("paths must not be HTML-escaped:\n%s", s)
	}
	if !strings.HasSuffix(s, "}\n") {
		t.Error("the lock must end with a newline")
	}
	back, err := Parse("workatogen.lock", a)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(l, back); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	empty := New("workatogen", "1", "x", ".", nil, nil).Marshal()
	if err := json.Unmarshal(empty, &generic); err != nil {
		t.Errorf("empty lock is not JSON: %v\n%s", err, empty)
	}
}

func TestParseErrorsSayWhatToDo(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"not json", "lock: yes", "delete it and run `workatogen generate`"},
		{"newer format", `{"lock_version": 99}`, "upgrade workatogen"},
		{"escapes its folder", `{"lock_version": 1, "files": [{"path": "../../etc/passwd", "sha256": "x"}]}`, "outside its folder"},
		{"absolute", `{"lock_version": 1, "files": [{"path": "/etc/passwd", "sha256": "x"}]}`, "outside its folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("out/x/workatogen.lock", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "out/x/workatogen.lock") {
				t.Errorf("err = %v, want the file named and %q", err, tt.want)
			}
		})
	}
}

func TestLocal(t *testing.T) {
	tests := map[string]bool{
		"connector.rb": true, "sub/a.rb": true,
		"": false, "..": false, "../x": false, "a/../../x": false, "/abs": false, FileName: false,
	}
	for name, want := range tests {
		if got := Local(name); got != want {
			t.Errorf("Local(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestStale(t *testing.T) {
	old := &Lock{Files: []File{{Path: "connector.rb"}, {Path: "old.rb"}, {Path: "sub/gone.md"}, {Path: "../evil"}}}
	tests := []struct {
		name     string
		old      *Lock
		produced map[string][]byte
		want     []string
	}{
		{"no previous lock", nil, map[string][]byte{"connector.rb": nil}, nil},
		{"listed and not produced", old, map[string][]byte{"connector.rb": nil}, []string{"old.rb", "sub/gone.md"}},
		{"all still produced", &Lock{Files: []File{{Path: "a"}}}, map[string][]byte{"a": nil}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, Stale(tt.old, tt.produced)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	l, data, err := Read(dir)
	if l != nil || data != nil || err != nil {
		t.Fatalf("missing lock: got %v %q %v, want all nil", l, data, err)
	}
	want := New("workatogen", "1", "x", dir, nil, map[string][]byte{"a": nil})
	if err := os.WriteFile(filepath.Join(dir, FileName), want.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
