package harness

import (
	"io/fs"

	"github.com/workatogen/workatogen/harness/runtime"
)

// defaultRuntime returns the embedded Ruby runtime. It is a variable so
// tests can point the harness at another copy.
var defaultRuntime = func() (fs.FS, func(dir string) (string, error)) {
	return runtime.Files(), runtime.WriteTo
}
