package harness

import (
	"io/fs"
	"os"
)

// testRuntime is the runtime the harness tests run against: the real one
// from harness/runtime. WORKATOGEN_TEST_RUNTIME=fake selects the small
// protocol fake in testdata/fakeruntime instead, to tell harness bugs from
// runtime bugs.
func testRuntime() (fs.FS, func(string) (string, error)) {
	if os.Getenv("WORKATOGEN_TEST_RUNTIME") == "fake" {
		return os.DirFS("testdata/fakeruntime"), nil
	}
	return os.DirFS("runtime"), nil
}
