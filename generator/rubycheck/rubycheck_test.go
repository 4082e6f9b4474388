package rubycheck

import (
	"context"
	"testing"
)

func TestCheck(t *testing.T) {
	sources := []Source{
		{"ok", "# comment\n{ a: 1, 'b c' => lambda do |x| x end, d: { e: 2 } }\n"},
		{"two", "{ a: 1 }\n{ b: 2 }\n"},
		{"syntax", "{ a: 1,\n  b: lambda do |x|\n}\n"},
		{"array", "[1, 2]\n"},
		{"empty", "# nothing\n"},
		{"interp", "{ a: \"#{File.write('pwned', 'x')}\" }\n"},
	}
	rs, err := Check(context.Background(), "", sources)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		ok   bool
		line int
		keys int
	}{{true, 0, 3}, {false, 1, 0}, {false, 3, 0}, {false, 1, 0}, {false, 1, 0}, {true, 0, 1}}
	for i, w := range want {
		r := rs[i]
		if r.OK != w.ok || (!w.ok && r.Line != w.line) || len(r.Keys) != w.keys {
			t.Errorf("%s: got %+v, want ok=%v line=%d keys=%d", sources[i].Name, r, w.ok, w.line, w.keys)
		}
	}
}
