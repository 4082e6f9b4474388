// Package rubycheck asks the real Ruby parser whether generated code is one
// valid hash literal, without executing any of it. It is the generator's
// self-check before anything is written, and the syntax check of the
// hand-written method files a config includes.
package rubycheck

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

//go:embed check.rb
var script string

// ErrNoRuby means no Ruby interpreter was found on PATH.
var ErrNoRuby = errors.New("ruby not found on PATH (install it with: apt-get install -y ruby ruby-activesupport)")

// Result is what the parser said.
type Result struct {
	OK      bool     `json:"ok"`
	Line    int      `json:"line"`
	Message string   `json:"message"`
	Keys    []string `json:"keys"` // top-level keys of the hash literal
}

// Check parses src with Ruby. name is used in Ruby's messages.
func Check(ctx context.Context, ruby, name string, src []byte) (*Result, error) {
	if ruby == "" {
		p, err := exec.LookPath("ruby")
		if err != nil {
			return nil, ErrNoRuby
		}
		ruby = p
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ruby, "--disable-gems", "-e", script, name)
	cmd.Stdin = bytes.NewReader(src)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ruby failed: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var r Result
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("unexpected output from ruby: %q", stdout.String())
	}
	return &r, nil
}
