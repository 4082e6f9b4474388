// Package rubyrun runs the embedded Workato runtime in one Ruby process and
// speaks harness/PROTOCOL.md with it: requests as JSON lines on the child's
// stdin, answers as JSON lines on its fd 3, stdout and stderr captured per
// case. It restarts the process after a timeout or a crash, so one bad case
// never costs the others their run.
package rubyrun

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// InstallHint is the one fix for a machine without Ruby or ActiveSupport.
const InstallHint = "apt-get install -y ruby ruby-activesupport"

// Options configure a Runner.
type Options struct {
	// Ruby is the interpreter: a path, or a name looked up in PATH. Default "ruby".
	Ruby string
	// Runtime holds the runtime's files with main.rb at the root.
	Runtime fs.FS
	// WriteRuntime, when set, writes the runtime into a directory and returns
	// the path of its main file (harness/runtime.WriteTo). When nil, Runtime
	// is copied as is.
	WriteRuntime func(dir string) (string, error)
	// CacheDir holds extracted runtimes, one directory per content hash.
	// Default: os.UserCacheDir()/workatogen, else a temporary directory.
	CacheDir string
	// ReplayAddr is passed as WORKATOGEN_REPLAY_ADDR.
	ReplayAddr string
	// Env is added to the child's environment (KEY=VALUE).
	Env []string
	// StartTimeout bounds the wait for the runtime's ready line. Default 30s.
	StartTimeout time.Duration
}

// Outcome is what became of one Request.
type Outcome struct {
	Result *Result // nil when the case produced no result (timeout, crash)
	Stdout string
	Stderr string
	// TimedOut: the case ran past its timeout and the process was killed.
	TimedOut bool
	// Died: the process ended while the case ran; Exit says how.
	Died bool
	Exit string
	// Restart is set when the replacement process could not be started;
	// later Runs fail with the same error.
	Restart error
	// Elapsed is wall time from sending the request to the outcome; a
	// restart after a timeout or crash is not included (see StartupTime).
	Elapsed time.Duration
}

// Runner owns one Ruby process at a time.
type Runner struct {
	opts     Options
	ruby     string
	mainPath string
	cleanup  func()

	proc    *process
	ready   Ready
	broken  error
	startup time.Duration // total spent starting processes
	starts  int
}

// process is one running interpreter and its pipes.
type process struct {
	cmd     *exec.Cmd
	stdin   *os.File
	msgs    chan []byte   // lines from fd 3; closed at EOF
	exited  chan struct{} // closed when Wait returned
	exitErr error
	stdout  *capture
	stderr  *capture
}

// Start extracts the runtime, starts Ruby and waits for its ready line.
func Start(ctx context.Context, opts Options) (*Runner, error) {
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 30 * time.Second
	}
	name := opts.Ruby
	if name == "" {
		name = "ruby"
	}
	ruby, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("cannot run Ruby (%q): %v\n  fix: %s   (or point --ruby at an interpreter, 2.7 or newer)", name, err, InstallHint)
	}
	if opts.Runtime == nil {
		return nil, errors.New("rubyrun: no runtime files given")
	}
	mainPath, cleanup, err := extract(opts)
	if err != nil {
		return nil, fmt.Errorf("extracting the Ruby runtime: %w", err)
	}
	r := &Runner{opts: opts, ruby: ruby, mainPath: mainPath, cleanup: cleanup}
	if err := r.spawn(ctx); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Ready reports what the runtime announced at its last start.
func (r *Runner) Ready() Ready { return r.ready }

// StartupTime is the total wall time spent starting interpreters so far
// (the first start plus any restarts).
func (r *Runner) StartupTime() time.Duration { return r.startup }

// Starts counts interpreter starts (1 + restarts).
func (r *Runner) Starts() int { return r.starts }

// MainPath is the extracted runtime's main file.
func (r *Runner) MainPath() string { return r.mainPath }

func (r *Runner) spawn(ctx context.Context) error {
	t0 := time.Now()
	defer func() { r.startup += time.Since(t0); r.starts++ }()

	inR, inW, err := os.Pipe()
	if err != nil {
		return err
	}
	protoR, protoW, err := os.Pipe()
	if err != nil {
		return err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := exec.Command(r.ruby, "--disable-did_you_mean", "-W0", r.mainPath)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	cmd.ExtraFiles = []*os.File{protoW} // becomes fd 3
	cmd.Env = append(os.Environ(), "WORKATOGEN_REPLAY_ADDR="+r.opts.ReplayAddr, "TZ=UTC")
	cmd.Env = append(cmd.Env, r.opts.Env...)
	// Own process group, so a timeout kills whatever the connector spawned
	// too, and a Ctrl-C aimed at us is handled by us, not raced by Ruby.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	startErr := cmd.Start()
	// The child has its copies; ours would keep the pipes open forever.
	for _, f := range []*os.File{inR, protoW, outW, errW} {
		f.Close()
	}
	if startErr != nil {
		for _, f := range []*os.File{inW, protoR, outR, errR} {
			f.Close()
		}
		return fmt.Errorf("starting %s: %w\n  fix: %s", r.ruby, startErr, InstallHint)
	}
	p := &process{cmd: cmd, stdin: inW, msgs: make(chan []byte, 4), exited: make(chan struct{})}
	if p.stdout, err = newCapture(outR); err != nil {
		return err
	}
	if p.stderr, err = newCapture(errR); err != nil {
		return err
	}
	go func() {
		defer close(p.msgs)
		defer protoR.Close()
		br := bufio.NewReaderSize(protoR, 64<<10)
		for {
			line, err := br.ReadBytes('\n')
			if len(strings.TrimSpace(string(line))) > 0 {
				p.msgs <- line
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		p.exitErr = cmd.Wait()
		close(p.exited)
	}()
	r.proc = p

	timer := time.NewTimer(r.opts.StartTimeout)
	defer timer.Stop()
	for {
		select {
		case line, ok := <-p.msgs:
			if !ok {
				r.kill()
				return r.startFailure("exited before it was ready")
			}
			var env envelope
			if err := json.Unmarshal(line, &env); err != nil {
				continue // not protocol: ignore rather than guess
			}
			switch env.Type {
			case "ready":
				var rd Ready
				_ = json.Unmarshal(line, &rd)
				if rd.Protocol != ProtocolVersion {
					r.kill()
					return fmt.Errorf("the Ruby runtime speaks protocol %d, this harness speaks %d: rebuild workatogen from one checkout", rd.Protocol, ProtocolVersion)
				}
				r.ready = rd
				return nil
			case "fatal":
				r.kill()
				fix := env.Fix
				if fix == "" {
					fix = InstallHint
				}
				return fmt.Errorf("the Ruby runtime cannot start: %s\n  fix: %s", env.Message, fix)
			}
		case <-timer.C:
			r.kill()
			return r.startFailure(fmt.Sprintf("did not say ready within %s", r.opts.StartTimeout))
		case <-ctx.Done():
			r.kill()
			return ctx.Err()
		}
	}
}

func (r *Runner) startFailure(what string) error {
	p := r.proc
	stderr := strings.TrimSpace(p.stderr.take() + p.stdout.take())
	msg := fmt.Sprintf("the Ruby runtime (%s %s) %s (%s)", r.ruby, r.mainPath, what, exitString(p.exitErr))
	if stderr != "" {
		msg += ":\n" + indent(stderr)
	}
	if strings.Contains(stderr, "active_support") || strings.Contains(stderr, "LoadError") {
		msg += "\n  fix: " + InstallHint
	}
	return errors.New(msg)
}

// kill ends the process group and waits for it, so its pipes reach EOF and
// no zombie stays behind.
func (r *Runner) kill() {
	p := r.proc
	if p == nil {
		return
	}
	select {
	case <-p.exited:
	default:
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
	p.stdin.Close()
	go func() {
		for range p.msgs { // unblock the fd 3 reader so it can end
		}
	}()
	// Every holder of the output pipes is dead now; wait for EOF so the
	// last words (a backtrace) are captured. Bounded, because a grandchild
	// that left the process group could hold the pipe open forever.
	p.stdout.wait(2 * time.Second)
	p.stderr.wait(2 * time.Second)
}

// Run sends one request and waits for its result, at most timeout (0 means
// no limit). A timeout or a crash is reported in the Outcome and the process
// is replaced before Run returns, so the caller just goes on.
func (r *Runner) Run(ctx context.Context, req Request, timeout time.Duration) Outcome {
	t0 := time.Now()
	out := r.run(ctx, req, timeout, t0)
	if out.Elapsed == 0 {
		out.Elapsed = time.Since(t0)
	}
	return out
}

func (r *Runner) run(ctx context.Context, req Request, timeout time.Duration, t0 time.Time) Outcome {
	if r.broken != nil {
		return Outcome{Restart: r.broken}
	}
	p := r.proc
	req.Type = "run"
	line, err := json.Marshal(req)
	if err != nil {
		return Outcome{Restart: fmt.Errorf("encoding request: %w", err)}
	}
	line = append(line, '\n')

	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
		_ = p.stdin.SetWriteDeadline(time.Now().Add(timeout))
	} else {
		_ = p.stdin.SetWriteDeadline(time.Time{})
	}
	if _, err := p.stdin.Write(line); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return r.replace(ctx, Outcome{TimedOut: true, Elapsed: time.Since(t0)})
		}
		return r.replace(ctx, Outcome{Died: true, Elapsed: time.Since(t0)})
	}
	for {
		select {
		case msg, ok := <-p.msgs:
			if !ok {
				return r.replace(ctx, Outcome{Died: true, Elapsed: time.Since(t0)})
			}
			var env envelope
			if json.Unmarshal(msg, &env) != nil || env.Type != "result" || env.ID != req.ID {
				continue // stray or foreign line: not this case's answer
			}
			var res Result
			if err := json.Unmarshal(msg, &res); err != nil {
				return Outcome{Result: &Result{ID: req.ID, Error: &Error{Kind: "protocol", Message: "unreadable result: " + err.Error()}},
					Stdout: p.stdout.take(), Stderr: p.stderr.take()}
			}
			return Outcome{Result: &res, Stdout: p.stdout.take(), Stderr: p.stderr.take()}
		case <-deadline:
			return r.replace(ctx, Outcome{TimedOut: true, Elapsed: time.Since(t0)})
		case <-ctx.Done():
			r.kill()
			r.broken = ctx.Err()
			return Outcome{Restart: ctx.Err(), Stdout: p.stdout.take(), Stderr: p.stderr.take()}
		}
	}
}

// replace kills the current process (if still alive), fills in what it left
// behind, and starts a fresh one.
func (r *Runner) replace(ctx context.Context, out Outcome) Outcome {
	p := r.proc
	if out.Died {
		// fd 3 closes a moment before the exit status is collectable; give
		// it that moment so the report says "exit status 7", not "killed".
		select {
		case <-p.exited:
		case <-time.After(time.Second):
		}
	}
	r.kill()
	out.Exit = exitString(p.exitErr)
	out.Stdout, out.Stderr = p.stdout.take(), p.stderr.take()
	if err := r.spawn(ctx); err != nil {
		r.broken = fmt.Errorf("restarting Ruby failed: %w", err)
		out.Restart = r.broken
	}
	return out
}

// Close stops the process and removes a temporary runtime copy.
func (r *Runner) Close() error {
	if r.proc != nil {
		r.proc.stdin.Close() // lets the runtime end on EOF
		select {
		case <-r.proc.exited:
		case <-time.After(2 * time.Second):
		}
		r.kill()
		r.proc = nil
	}
	if r.cleanup != nil {
		r.cleanup()
		r.cleanup = nil
	}
	return nil
}

func exitString(err error) string {
	if err == nil {
		return "exit status 0"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "killed by signal " + ws.Signal().String()
		}
	}
	return err.Error()
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	const keep = 40
	if len(lines) > keep {
		lines = append(lines[:keep], fmt.Sprintf("... %d more lines", len(lines)-keep))
	}
	return "    " + strings.Join(lines, "\n    ")
}

var _ io.Closer = (*Runner)(nil)
