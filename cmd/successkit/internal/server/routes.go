package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/successkit/cs/store"
)

// bodyKind is what a route accepts as a request body.
type bodyKind uint8

const (
	noBody   bodyKind = iota
	jsonBody          // application/json
	dataBody          // application/json or text/csv
	formBody          // application/x-www-form-urlencoded (dashboard forms)
)

// route is one operation: the one table every path of the server is
// registered from, and that the OpenAPI test checks the document against.
type route struct {
	method string
	path   string      // a net/http pattern path: "/v1/customers/{id}/health"
	scope  store.Scope // 0: no token (probes, the login form)
	body   bodyKind
	batch  bool // a bounded number run at once; body up to MaxBatchBody
	ui     bool // dashboard: session cookie, CSRF token on forms, HTML problems
	h      func(*call) error
}

// call is one request being answered by a route's handler.
type call struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	rt   *route
	id   Identity
	body []byte // the request body, read whole within the route's limit
	sess *session
	full bool // scoring: explain in full
}

func (s *Server) table() []route {
	return append([]route{
		{method: "GET", path: "/healthz", h: (*call).healthz},
		{method: "GET", path: "/readyz", h: (*call).readyz},
		{method: "GET", path: "/metrics", scope: ScopeRead, h: (*call).metricsText},
		{method: "GET", path: "/v1/openapi.json", scope: ScopeRead, h: (*call).openapi},
		{method: "GET", path: "/v1/problems/{name}", scope: ScopeRead, h: (*call).problemDoc},
		{method: "POST", path: "/v1/score", scope: ScopeRead, body: jsonBody, h: (*call).scoreOne},
		{method: "POST", path: "/v1/score/batch", scope: ScopeRead, body: jsonBody, batch: true, h: (*call).scoreBatch},

		{method: "GET", path: "/v1/runs", scope: ScopeRead, h: (*call).listRuns},
		{method: "GET", path: "/v1/runs/{as_of}", scope: ScopeRead, h: (*call).getRun},
		{method: "POST", path: "/v1/runs", scope: ScopeWrite, body: jsonBody, batch: true, h: (*call).postRun},
		{method: "GET", path: "/v1/inputs/{as_of}", scope: ScopeRead, h: (*call).listInputs},
		{method: "PUT", path: "/v1/inputs/{as_of}/{kind}", scope: ScopeWrite, body: dataBody, batch: true, h: (*call).putInput},
		{method: "DELETE", path: "/v1/inputs/{as_of}/{kind}", scope: ScopeWrite, h: (*call).deleteInput},
		{method: "GET", path: "/v1/customers", scope: ScopeRead, h: (*call).listCustomers},
		{method: "GET", path: "/v1/customers/{id}", scope: ScopeRead, h: (*call).customerHealth},
		{method: "GET", path: "/v1/customers/{id}/history", scope: ScopeRead, h: (*call).customerHistory},
		{method: "GET", path: "/v1/customers/{id}/overrides", scope: ScopeRead, h: (*call).customerOverrides},
		{method: "POST", path: "/v1/customers/{id}/overrides", scope: ScopeWrite, body: jsonBody, h: (*call).setOverride},
		{method: "GET", path: "/v1/overrides/{oid}", scope: ScopeRead, h: (*call).overrideAudit},
		{method: "POST", path: "/v1/overrides/{oid}/revoke", scope: ScopeWrite, body: jsonBody, h: (*call).revokeOverride},
		{method: "GET", path: "/v1/tiers", scope: ScopeRead, h: (*call).listTiers},
		{method: "GET", path: "/v1/tasks", scope: ScopeRead, h: (*call).listTasks},
		{method: "GET", path: "/v1/tasks/{key}", scope: ScopeRead, h: (*call).getTask},
		{method: "POST", path: "/v1/tasks/{key}/done", scope: ScopeWrite, body: jsonBody, h: (*call).taskDone},
		{method: "POST", path: "/v1/tasks/{key}/skip", scope: ScopeWrite, body: jsonBody, h: (*call).taskSkip},
		{method: "GET", path: "/v1/grades", scope: ScopeRead, h: (*call).listGrades},
		{method: "GET", path: "/v1/assessment", scope: ScopeRead, h: (*call).getAssessment},
		{method: "GET", path: "/v1/retention", scope: ScopeRead, h: (*call).getRetention},

		{method: "GET", path: "/v1/audit", scope: ScopeAdmin, h: (*call).listAudit},
		{method: "GET", path: "/v1/tokens", scope: ScopeAdmin, h: (*call).listTokens},
		{method: "POST", path: "/v1/tokens", scope: ScopeAdmin, body: jsonBody, h: (*call).createToken},
		{method: "POST", path: "/v1/tokens/{name}/revoke", scope: ScopeAdmin, h: (*call).revokeToken},
	}, uiRoutes()...)
}

// routes registers the table on a ServeMux, with a handler per path that
// answers 405 with Allow for the other methods, and a 404 problem for
// everything else.
func (s *Server) routes() {
	s.mux = http.NewServeMux()
	tab := s.table()
	allow := map[string][]string{}
	for i := range tab {
		rt := &tab[i]
		s.mux.Handle(rt.method+" "+rt.path, s.serveRoute(rt))
		if !slices.Contains(allow[rt.path], rt.method) {
			allow[rt.path] = append(allow[rt.path], rt.method)
			if rt.method == "GET" {
				allow[rt.path] = append(allow[rt.path], "HEAD")
			}
		}
	}
	for path, methods := range allow {
		methods := strings.Join(methods, ", ")
		s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			setRoute(w, path)
			w.Header().Set("Allow", methods)
			writeProblem(w, r, newProblem("method-not-allowed", r.Method+" is not allowed here; allowed: "+methods))
		})
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, newProblem("not-found", "no such path"))
	})
	s.handler = http.HandlerFunc(s.serveHTTP)
}

// serveHTTP is the outermost handler: request ID, access log, metrics and
// recovery around the mux.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, route: "unmatched"}
	id := strconv.FormatUint(s.reqID.Add(1), 36)
	rec.Header().Set("X-Request-Id", id)
	rec.Header().Set("X-Content-Type-Options", "nosniff")
	s.metrics.inFlight.Add(1)
	defer func() {
		s.metrics.inFlight.Add(-1)
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic", "request_id", id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !rec.wrote {
				writeProblem(rec, r, newProblem("internal", "request "+id))
			}
		}
		d := time.Since(start)
		s.metrics.observe(rec.route, r.Method, rec.status(), rec.problem, d)
		attrs := []any{"request_id", id, "method", r.Method, "route", rec.route, "path", r.URL.Path,
			"status", rec.status(), "bytes", rec.n, "duration_ms", float64(d.Microseconds()) / 1000,
			"remote", r.RemoteAddr}
		if rec.who != "" {
			attrs = append(attrs, "token", rec.who)
		}
		if rec.problem != "" {
			attrs = append(attrs, "problem", rec.problem)
		}
		s.log.LogAttrs(r.Context(), levelOf(rec.status()), "request", argsToAttrs(attrs)...)
	}()
	s.mux.ServeHTTP(rec, r)
}

// serveRoute answers one route: authentication, scope, rate limit, body
// checks, the batch slot, then the handler; a returned *Problem is sent as
// such and any other error as a 500 logged with the request ID.
func (s *Server) serveRoute(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setRoute(w, rt.path)
		c := &call{s: s, w: w, r: r, rt: rt}
		if p := c.prepare(); p != nil {
			c.fail(p)
			return
		}
		if rt.batch {
			release, p := s.acquireBatch(r.Context())
			if p != nil {
				c.fail(p)
				return
			}
			defer release()
		}
		if err := rt.h(c); err != nil {
			c.fail(err)
		}
		putBuf(c.body) // nothing of the body outlives the handler
	})
}

// prepare authenticates the call, checks its scope and rate, and reads its
// body within the route's limits.
func (c *call) prepare() *Problem {
	s, rt, r := c.s, c.rt, c.r
	if rt.scope != 0 {
		var p *Problem
		if rt.ui {
			p = c.uiAuth()
		} else {
			c.id, p = s.authenticate(r)
		}
		if p != nil {
			return p
		}
		if rec, ok := c.w.(*recorder); ok {
			rec.who = c.id.Name
		}
		if ok, wait := s.limiter.allow(c.id.Name, s.now()); !ok {
			p := newProblem("rate-limited", fmt.Sprintf("token %q is over %g requests a second", c.id.Name, s.lim.Rate))
			p.retryAfter = wait
			return p
		}
		if !c.id.Scope.Allows(rt.scope) {
			return newProblem("forbidden", fmt.Sprintf("%s %s needs scope %s; token %q has scope %s", rt.method, rt.path, rt.scope, c.id.Name, c.id.Scope))
		}
	}
	if rt.body == noBody {
		return nil
	}
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return nil // no body at all: the handler decides whether it needs one
	}
	if p := checkContentType(r, rt.body); p != nil {
		return p
	}
	limit := s.lim.MaxBody
	if rt.batch {
		limit = s.lim.MaxBatchBody
	}
	body, p := readBody(r, c.w, limit)
	if p != nil {
		return p
	}
	c.body = body
	if rt.ui {
		return c.checkCSRF()
	}
	return nil
}

// fail answers the call with err: a *Problem as it is, anything else as 500.
func (c *call) fail(err error) {
	var p *Problem
	if !errors.As(err, &p) {
		id := c.w.Header().Get("X-Request-Id")
		c.s.log.Error("handler failed", "request_id", id, "route", c.rt.path, "err", err)
		p = newProblem("internal", "request "+id)
	}
	if c.rt.ui {
		c.uiProblem(p)
		return
	}
	writeProblem(c.w, c.r, p)
}

// checkContentType refuses a body whose media type the route does not take.
func checkContentType(r *http.Request, kind bodyKind) *Problem {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		return newProblem("unsupported-media-type", "missing or malformed Content-Type")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return newProblem("unsupported-media-type", "charset "+cs+": send UTF-8")
	}
	switch {
	case mt == "application/json" && (kind == jsonBody || kind == dataBody),
		mt == "text/csv" && kind == dataBody,
		mt == "application/x-www-form-urlencoded" && kind == formBody:
		return nil
	}
	want := map[bodyKind]string{jsonBody: "application/json", dataBody: "application/json or text/csv", formBody: "application/x-www-form-urlencoded"}[kind]
	return newProblem("unsupported-media-type", fmt.Sprintf("Content-Type %s: send %s", mt, want))
}

// readBody reads the whole body within limit bytes: 413 beyond it (at once
// when Content-Length says so), 408 when the client stops sending before
// the server's read timeout.
func readBody(r *http.Request, w http.ResponseWriter, limit int64) ([]byte, *Problem) {
	tooLarge := func() *Problem {
		return newProblem("body-too-large", fmt.Sprintf("the body is over this operation's limit of %d bytes", limit))
	}
	if r.ContentLength > limit {
		return nil, tooLarge()
	}
	// Grow with what arrives: a client declaring 32 MiB and sending nothing
	// must not make the server hold 32 MiB.
	n := int64(512)
	if r.ContentLength > 0 {
		n = min(r.ContentLength+1, 64<<10)
	}
	buf := getBuf()
	if int64(cap(buf)) < n {
		buf = make([]byte, 0, n)
	}
	rd := http.MaxBytesReader(w, r.Body, limit)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, tooLarge()
			}
			if errors.Is(err, context.Canceled) {
				return nil, newProblem("request-timeout", "the client went away")
			}
			return nil, newProblem("request-timeout", "the body did not arrive in time")
		}
	}
}

// acquireBatch waits up to BatchWait for a batch slot: 503 with Retry-After
// when none frees in time.
func (s *Server) acquireBatch(ctx context.Context) (func(), *Problem) {
	select {
	case s.batch <- struct{}{}:
		return func() { <-s.batch }, nil
	default:
	}
	t := time.NewTimer(s.lim.BatchWait)
	defer t.Stop()
	select {
	case s.batch <- struct{}{}:
		return func() { <-s.batch }, nil
	case <-t.C:
	case <-ctx.Done():
	}
	p := newProblem("overloaded", fmt.Sprintf("%d batch requests are running; retry", s.lim.BatchConcurrency))
	p.retryAfter = 1
	return nil, p
}

// bufPool recycles request bodies and batch answers: a batch of 1,000
// customers reads half a megabyte and writes one to three, and allocating
// and zeroing them for each request cost about as much as scoring. Buffers
// over 8 MiB are left to the collector.
var bufPool sync.Pool // of *[]byte

func getBuf() []byte {
	if p, ok := bufPool.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return nil
}

func putBuf(b []byte) {
	if cap(b) == 0 || cap(b) > 8<<20 {
		return
	}
	b = b[:0]
	bufPool.Put(&b)
}
