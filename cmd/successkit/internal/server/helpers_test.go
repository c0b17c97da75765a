package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/drivers/driverstest"
	"github.com/successkit/cs/store"
)

// env is a server on a fresh SQLite store on 127.0.0.1, with a token of
// each scope.
type env struct {
	clock              *testClockT
	srv                *Server
	st                 *store.Store
	dbPath             string
	URL, Addr          string
	read, write, admin string
}

var testClock = time.Date(2026, 6, 30, 9, 0, 0, 0, time.UTC)

// testClockT is the server's clock in tests: testClock until advanced.
type testClockT struct{ d atomic.Int64 }

func (c *testClockT) now() time.Time          { return testClock.Add(time.Duration(c.d.Load())) }
func (c *testClockT) advance(d time.Duration) { c.d.Add(int64(d)) }

// newEnv opens a fresh store: a SQLite file in a temporary directory, or,
// inside TestPostgres, a schema of its own on SUCCESSKIT_TEST_POSTGRES.
func newEnv(t testing.TB, lim Limits) *env {
	t.Helper()
	if onPostgres(t) {
		return newEnvOn(t, driverstest.Postgres(t), "", lim)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	st, err := drivers.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st, path, lim)
}

func newEnvOn(t testing.TB, st *store.Store, path string, lim Limits) *env {
	t.Helper()
	e := &env{st: st, dbPath: path, clock: new(testClockT)}
	for _, tk := range []struct {
		name  string
		scope store.Scope
		dst   *string
	}{{"reader", ScopeRead, &e.read}, {"writer", ScopeWrite, &e.write}, {"admin", ScopeAdmin, &e.admin}} {
		secret, _, err := st.CreateToken(context.Background(), tk.name, tk.scope, "test", testClock)
		if err != nil {
			t.Fatal(err)
		}
		*tk.dst = secret
	}
	var logger *slog.Logger
	if os.Getenv("SERVER_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	s, err := New(Config{Store: st, Limits: lim, Now: e.clock.now,
		Cycle: testCycle(t), Staging: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = s
	ts := startServer(t, s)
	e.URL, e.Addr = ts.URL, ts.Addr
	return e
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
