// Package yamlcheck holds what every strict YAML reader of the project
// shares (connector.yaml, fixture cases): locating syntax errors, and
// checking a document's keys against the Go type it decodes into.
package yamlcheck

// Locate is for syntax errors: go-yaml v3 (used for decoding, because it
// keeps key order and positions) reports parser errors at the 0-based line
// where the unfinished construct began, often one line off; goccy/go-yaml
// reports line and column of the offending token, so we ask it where.

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	goccy "github.com/goccy/go-yaml"
)

var lineRE = regexp.MustCompile(`line (\d+)`)

// Locate returns the line, column and message of the syntax error in data.
// fallback is the error the caller's own decoder reported.
func Locate(data []byte, fallback error) (line, col int, msg string) {
	var v any
	err := goccy.Unmarshal(data, &v)
	var se goccy.Error
	if errors.As(err, &se) {
		if tok := se.GetToken(); tok != nil && tok.Position != nil {
			return tok.Position.Line, tok.Position.Column, se.GetMessage()
		}
	}
	msg = strings.TrimPrefix(fallback.Error(), "yaml: ")
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimPrefix(strings.TrimSpace(strings.Replace(msg, m[0], "", 1)), ": ")
	}
	return line, 0, msg
}
