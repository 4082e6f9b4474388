package harness

import (
	"io/fs"
	"os"
)

// testRuntime is the runtime the harness tests run against.
func testRuntime() (fs.FS, func(string) (string, error)) {
	return os.DirFS("testdata/fakeruntime"), nil
}
