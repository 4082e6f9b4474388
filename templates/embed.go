// Package templates holds the built-in templates that lay the connector model
// out as Ruby (and its README as Markdown). They are embedded in the binary;
// `workatogen generate --templates DIR` shadows any of them by file name.
//
// The data contract is generator/ir. Printing an ir.Text yields a quoted Ruby
// literal, so a template cannot accidentally paste spec text as code.
package templates

import "embed"

// FS holds every *.tmpl file.
//
//go:embed *.tmpl
var FS embed.FS
