// Package rubycheck asks the real Ruby parser whether generated code is one
// valid hash literal, without executing any of it. It is the generator's
// self-check before anything is written, and the syntax check of the
// hand-written method files a config includes. All sources of a run are
// checked by one Ruby process: its start-up is most of the cost.
package rubycheck

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"
)

//go:embed check.rb
var script string

// ErrNoRuby means no Ruby interpreter was found on PATH.
var ErrNoRuby = errors.New("ruby not found on PATH (install it with: apt-get install -y ruby ruby-activesupport)")

// Source is one piece of Ruby to check.
type Source struct {
	Name string `json:"name"`
	Code string `json:"source"`
}

// Result is what the parser said about one source.
type Result struct {
	OK      bool     `json:"ok"`
	Line    int      `json:"line"`
	Message string   `json:"message"`
	Keys    []string `json:"keys"` // top-level keys of the hash literal
}

// Check parses every source with one Ruby process.
func Check(ctx context.Context, ruby string, sources []Source) ([]Result, error) {
	c, err := Start(ctx, ruby)
	if err != nil {
		return nil, err
	}
	return c.Check(sources)
}

// Checker is a Ruby process started ahead of time: the generator starts it
// first thing, so the interpreter boots while Go loads and renders, and
// hands it the sources at the end.
type Checker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout bytes.Buffer
	stderr bytes.Buffer
	cancel context.CancelFunc
}

// Start launches the checker process.
func Start(ctx context.Context, ruby string) (*Checker, error) {
	if ruby == "" {
		p, err := exec.LookPath("ruby")
		if err != nil {
			return nil, ErrNoRuby
		}
		ruby = p
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	c := &Checker{cancel: cancel}
	c.cmd = exec.CommandContext(ctx, ruby, "--disable-gems", "-e", script)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	stdin, err := c.cmd.StdinPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	c.stdin = stdin
	if err := c.cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("cannot start ruby: %w", err)
	}
	return c, nil
}

// Check sends the sources and waits for the verdicts. It may be called once.
func (c *Checker) Check(sources []Source) ([]Result, error) {
	defer c.cancel()
	in, err := json.Marshal(sources)
	if err != nil {
		c.Close()
		return nil, err
	}
	_, werr := c.stdin.Write(in)
	c.stdin.Close()
	if err := c.cmd.Wait(); err != nil || werr != nil {
		return nil, fmt.Errorf("ruby failed: %v: %s", errors.Join(err, werr), bytes.TrimSpace(c.stderr.Bytes()))
	}
	var rs []Result
	if err := json.Unmarshal(c.stdout.Bytes(), &rs); err != nil || len(rs) != len(sources) {
		return nil, fmt.Errorf("unexpected output from ruby: %q", c.stdout.String())
	}
	return rs, nil
}

// Close stops a checker that will not be used (the run failed earlier).
func (c *Checker) Close() {
	if c == nil {
		return
	}
	c.stdin.Close()
	c.cancel()
	c.cmd.Wait()
}
