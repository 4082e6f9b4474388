package rubyrun

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/workatogen/workatogen/harness/runtime"
)

// Without ActiveSupport the real runtime must refuse to start with one
// message that says what to install. A stub active_support.rb that raises
// LoadError, found first through RUBYLIB, stands in for a machine that
// lacks the package.
func TestRealRuntimeWithoutActiveSupport(t *testing.T) {
	requireRuby(t)
	stub := t.TempDir()
	if err := os.WriteFile(filepath.Join(stub, "active_support.rb"), []byte("raise LoadError, 'cannot load such file -- active_support'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Start(context.Background(), Options{
		Runtime: runtime.Files(), WriteRuntime: runtime.WriteTo, CacheDir: t.TempDir(),
		Env: []string{"RUBYLIB=" + stub},
	})
	if err == nil {
		r.Close()
		t.Fatal("started without ActiveSupport")
	}
	for _, w := range []string{"ActiveSupport", InstallHint} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
