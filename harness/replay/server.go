// Package replay is the HTTP server the Ruby runtime sends every forced
// request to. For the running case it answers with the case's recorded
// responses in order and logs exactly what arrived, so the harness can
// compare what the connector sent with what the fixture recorded.
//
// It listens on 127.0.0.1 only and never forwards anything: a request the
// fixture did not record is answered with status 599 and logged as surplus,
// which is what makes "the connector sent one request too many" visible.
package replay

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SurplusStatus answers requests beyond the recorded ones. 599 is outside
// every registry, so no connector code can mistake it for a real API answer
// it knows how to handle.
const SurplusStatus = 599

// maxBody caps what one request may upload, so a runaway loop in a connector
// cannot fill memory.
const maxBody = 64 << 20

// Response is one recorded response to serve.
type Response struct {
	Status  int
	Headers map[string]string
	Body    []byte
}

// Arrived is one request exactly as it reached the server.
type Arrived struct {
	Seq      int         `json:"seq"` // 1-based within the case
	Method   string      `json:"method"`
	Host     string      `json:"host"`
	Path     string      `json:"path"`      // escaped, as on the request line
	RawQuery string      `json:"raw_query"` // as on the request line, not re-encoded
	Header   http.Header `json:"headers"`
	Body     []byte      `json:"body"`
	// Status is what the server answered; Surplus is set when no recorded
	// response was left for this request.
	Status  int  `json:"status"`
	Surplus bool `json:"surplus,omitempty"`
	// BodyError is set when the body could not be read completely.
	BodyError string `json:"body_error,omitempty"`
}

// Target renders "METHOD host/path?query" for messages.
func (a Arrived) Target() string {
	s := a.Method + " " + a.Path
	if a.RawQuery != "" {
		s += "?" + a.RawQuery
	}
	return s
}

// Server replays one case at a time.
type Server struct {
	ln  net.Listener
	srv *http.Server

	mu        sync.Mutex
	caseID    string
	active    bool
	responses []Response
	arrived   []Arrived
	stray     []Arrived // requests that came while no case was active
}

// Start listens on a random loopback port and serves until Close.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("replay server: %w", err)
	}
	s := &Server{ln: ln}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is "127.0.0.1:port", the value of WORKATOGEN_REPLAY_ADDR.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server and drops open connections.
func (s *Server) Close() error { return s.srv.Close() }

// Begin makes caseID the active case with its recorded responses in order.
// Requests logged for a previous case are discarded.
func (s *Server) Begin(caseID string, responses []Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.caseID, s.active = caseID, true
	s.responses = responses
	s.arrived = nil
}

// End deactivates the case and returns what arrived while it was active.
func (s *Server) End() []Arrived {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.arrived
	s.active, s.caseID, s.responses, s.arrived = false, "", nil, nil
	return out
}

// Stray returns and clears requests that arrived while no case was active
// (for example from a process that was being killed).
func (s *Server) Stray() []Arrived {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.stray
	s.stray = nil
	return out
}

// ServeHTTP logs the request and answers with the next recorded response.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := Arrived{Method: r.Method, Host: r.Host, Header: r.Header.Clone()}
	a.Path, a.RawQuery = splitRequestURI(r.RequestURI)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		a.BodyError = err.Error()
	} else if len(body) > maxBody {
		a.BodyError = "body larger than " + strconv.Itoa(maxBody) + " bytes; truncated"
		body = body[:maxBody]
	}
	a.Body = body

	s.mu.Lock()
	var resp Response
	switch {
	case !s.active:
		a.Status, a.Surplus = SurplusStatus, true
		s.stray = append(s.stray, a)
		resp = surplus("no replay case is running; the harness did not expect any request now")
	default:
		i := len(s.arrived)
		a.Seq = i + 1
		if i < len(s.responses) {
			resp = s.responses[i]
			a.Status = resp.Status
		} else {
			a.Status, a.Surplus = SurplusStatus, true
			resp = surplus(fmt.Sprintf("case %s recorded %d interaction(s); request %d (%s) has no recorded response",
				s.caseID, len(s.responses), a.Seq, a.Target()))
		}
		s.arrived = append(s.arrived, a)
	}
	s.mu.Unlock()

	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	// Content-Length from the recorded body, not the recorded header: a fixture
	// edited by hand easily gets it wrong, and a wrong one hangs the client.
	h.Del("Content-Length")
	h.Del("Transfer-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(resp.Body)
	}
}

func surplus(msg string) Response {
	return Response{
		Status:  SurplusStatus,
		Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Workatogen-Replay": "unrecorded"},
		Body:    []byte("workatogen replay: " + msg + "\n"),
	}
}

// splitRequestURI returns the escaped path and raw query exactly as they were
// on the request line. Absolute-form targets (proxy style) are reduced to
// their path so comparison sees the same shape either way.
func splitRequestURI(uri string) (path, rawQuery string) {
	if !strings.HasPrefix(uri, "/") {
		if u, err := url.ParseRequestURI(uri); err == nil {
			return u.EscapedPath(), u.RawQuery
		}
	}
	path, rawQuery, _ = strings.Cut(uri, "?")
	return path, rawQuery
}
