package lock

// Accept `go test ./... -update` (see generator/testflags).
import _ "github.com/workatogen/workatogen/generator/testflags"
