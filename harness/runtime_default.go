package harness

import "io/fs"

// defaultRuntime returns the embedded Ruby runtime. It is a seam so the
// harness builds before harness/runtime exists and so tests can swap it.
var defaultRuntime = func() (fs.FS, func(dir string) (string, error)) { return nil, nil }
