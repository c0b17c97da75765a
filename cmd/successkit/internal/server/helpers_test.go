package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net"
	"strings"
	"sync"
	"testing"
)

// fakeBackend authenticates from a map of secrets; the stateful tests use
// the real store.
type fakeBackend struct {
	mu     sync.Mutex
	tokens map[string]Identity
}

func (f *fakeBackend) Authenticate(ctx context.Context, secret string) (Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.tokens[secret]
	if !ok {
		return Identity{}, ErrUnauthorized
	}
	return id, nil
}

func (f *fakeBackend) Ready(ctx context.Context) error { return nil }

func newFakeServer(t testing.TB, lim Limits) (*Server, *testServer) {
	t.Helper()
	fb := &fakeBackend{tokens: map[string]Identity{
		"csk_read": {Name: "reader", Scope: ScopeRead}, "csk_write": {Name: "writer", Scope: ScopeWrite}, "csk_admin": {Name: "admin", Scope: ScopeAdmin},
	}}
	s, err := New(Config{Backend: fb, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	return s, startServer(t, s)
}

// testServer is a Server answering on 127.0.0.1 with its own http.Server
// (its timeouts and limits), stopped at the end of the test.
type testServer struct {
	URL  string
	Addr string
}

func startServer(t testing.TB, s *Server) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &testServer{URL: "http://" + ln.Addr().String(), Addr: ln.Addr().String()}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) problem(t testing.TB) Problem {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, a.body)
	}
	var p Problem
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("problem body %q: %v", a.body, err)
	}
	return p
}

func do(t testing.TB, method, url, token, contentType string, body []byte) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, b}
}

func wantProblem(t testing.TB, a answer, status int, kind string) Problem {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d; body %s", a.status, status, a.body)
	}
	p := a.problem(t)
	if p.Type != problemTypeURI+kind || p.Status != status {
		t.Fatalf("problem %+v, want type %s status %d", p, kind, status)
	}
	return p
}

func hasPath(p Problem, path string) bool {
	for _, e := range p.Errors {
		if e.Path == path || strings.HasPrefix(e.Path, path) {
			return true
		}
	}
	return false
}
