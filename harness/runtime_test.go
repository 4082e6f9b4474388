package harness

import "io/fs"

// testRuntime is the runtime the harness tests run against: the embedded
// one from harness/runtime, exactly what `workatogen test` ships. (Process
// handling is tested separately against a protocol-only fake in
// harness/rubyrun/testdata.)
func testRuntime() (fs.FS, func(string) (string, error)) {
	return defaultRuntime()
}
