package rubyrun

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

// maxCapture bounds what one case's stdout or stderr may hold: a connector
// that prints in a loop until its timeout must not exhaust memory.
const maxCapture = 1 << 20

// capture collects one output pipe of the child.
//
// Output must be attributed to the case that printed it, but stdout/stderr
// and the protocol fd are separate pipes, so when the result line arrives the
// bytes printed just before it may still sit in the stdout pipe. take()
// therefore reads the pipe dry itself (non-blocking) before handing the text
// over. Reading and appending happen under one mutex, both in the background
// loop and in take(), so no byte can be "read but not yet stored" at that
// moment. The runtime must flush its stdout before writing a result for this
// to be exact; it runs with $stdout.sync (see report notes).
type capture struct {
	f  *os.File
	rc syscall.RawConn

	mu      sync.Mutex
	buf     bytes.Buffer
	dropped int
	done    chan struct{}
}

func newCapture(f *os.File) (*capture, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	c := &capture{f: f, rc: rc, done: make(chan struct{})}
	go c.loop()
	return c, nil
}

func (c *capture) loop() {
	defer close(c.done)
	buf := make([]byte, 32<<10)
	for {
		var finished bool
		err := c.rc.Read(func(fd uintptr) bool {
			c.mu.Lock()
			defer c.mu.Unlock()
			done, wait := c.readLocked(fd, buf)
			finished = done
			return !wait
		})
		if err != nil || finished {
			return
		}
	}
}

// readLocked reads until the pipe is empty. It returns done at EOF or on an
// error, and wait when the pipe is merely empty for now.
func (c *capture) readLocked(fd uintptr, buf []byte) (done, wait bool) {
	for {
		n, err := syscall.Read(int(fd), buf)
		if n > 0 {
			c.store(buf[:n])
			continue
		}
		switch err {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false, true
		}
		return true, false // n == 0: EOF; or a real error
	}
}

func (c *capture) store(p []byte) {
	room := maxCapture - c.buf.Len()
	if room < len(p) {
		if room > 0 {
			c.buf.Write(p[:room])
		}
		c.dropped += len(p) - max(room, 0)
		return
	}
	c.buf.Write(p)
}

// take drains what the child has written so far and returns it, resetting
// the buffer for the next case.
func (c *capture) take() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	buf := make([]byte, 32<<10)
	_ = c.rc.Control(func(fd uintptr) { c.readLocked(fd, buf) })
	s := c.buf.String()
	if c.dropped > 0 {
		s += fmt.Sprintf("\n[workatogen: %d more bytes dropped]\n", c.dropped)
	}
	c.buf.Reset()
	c.dropped = 0
	return s
}

// wait returns once the pipe reached EOF (the child and all holders of the
// write end are gone), which is when everything it printed is readable.
func (c *capture) wait(limit time.Duration) {
	select {
	case <-c.done:
	case <-time.After(limit):
	}
}
