package replay

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// send writes a raw HTTP/1.1 request so the test controls the request line
// byte for byte, as Net::HTTP does.
func send(t *testing.T, addr, raw string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReplayInOrderThenSurplus(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Fatalf("not loopback: %s", s.Addr())
	}
	s.Begin("c1", []Response{
		{Status: 201, Headers: map[string]string{"Content-Type": "application/json", "Content-Length": "999"}, Body: []byte(`{"a":1}`)},
		{Status: 404, Body: []byte("nope")},
	})
	steps := []struct {
		raw        string
		wantStatus int
		wantBody   string
	}{
		{"POST /api/x/runs?b=%5B%5D&a=1 HTTP/1.1\r\nHost: go.tallyfy.com\r\nAuthorization: Bearer PLACEHOLDER_TOKEN\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{\"q\":1}", 201, `{"a":1}`},
		{"GET /api/a%2Fb HTTP/1.1\r\nHost: api.tallyfy.com\r\nConnection: close\r\n\r\n", 404, "nope"},
		{"DELETE /api/extra HTTP/1.1\r\nHost: api.tallyfy.com\r\nConnection: close\r\n\r\n", SurplusStatus, "request 3 (DELETE /api/extra) has no recorded response"},
	}
	for i, st := range steps {
		code, body := send(t, s.Addr(), st.raw)
		if code != st.wantStatus || !strings.Contains(body, st.wantBody) {
			t.Errorf("step %d: got %d %q, want %d containing %q", i, code, body, st.wantStatus, st.wantBody)
		}
	}
	got := s.End()
	if len(got) != 3 {
		t.Fatalf("arrived %d requests", len(got))
	}
	a := got[0]
	if a.Seq != 1 || a.Method != "POST" || a.Host != "go.tallyfy.com" || a.Path != "/api/x/runs" || a.RawQuery != "b=%5B%5D&a=1" ||
		a.Header.Get("Authorization") != "Bearer PLACEHOLDER_TOKEN" || !bytes.Equal(a.Body, []byte(`{"q":1}`)) {
		t.Errorf("first arrival logged wrong: %+v", a)
	}
	if got[1].Path != "/api/a%2Fb" {
		t.Errorf("escaped path not kept: %q", got[1].Path)
	}
	if !got[2].Surplus || got[2].Status != SurplusStatus {
		t.Errorf("surplus not marked: %+v", got[2])
	}
	// Outside a case everything is stray.
	code, _ := send(t, s.Addr(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if code != SurplusStatus || len(s.Stray()) != 1 || len(s.End()) != 0 {
		t.Errorf("stray request not handled: %d", code)
	}
}
