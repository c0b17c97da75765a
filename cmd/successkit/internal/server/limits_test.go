package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/successkit/cs/store"
)

// The security and fault cases that need no store: tokens refused before
// any lookup, hostile bodies, slow clients, limits. The cases that read or
// write state are in security_test.go, against the real store.

func TestAuthHeaderRefused(t *testing.T) {
	e := newEnv(t, Limits{})
	body := []byte(`{"customer":{"id":"a"}}`)
	for _, h := range [][]string{
		nil,
		{"Bearer"}, {"Bearer "}, {"Basic dXNlcjpwYXNz"}, {"bearer " + e.read + " extra"}, {"Bearer " + e.read + "\x00"},
		{"Bearer " + strings.Repeat("a", 300)}, {"Bearer " + e.read, "Bearer " + e.read}, {"Bearer csk_unknown"},
		{"Token " + e.read}, {"Bearer " + e.read[:len(e.read)-1]}, {"Bearer " + store.HashToken(e.read)}, {"Bearer ' OR 1=1 --"},
	} {
		req, _ := http.NewRequest("POST", e.URL+"/v1/score", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for _, v := range h {
			req.Header.Add("Authorization", v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			// Go's client refuses to send some of these headers itself.
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		a := answer{res.StatusCode, res.Header, b}
		wantProblem(t, a, 401, "unauthorized")
		if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%q: no WWW-Authenticate", h)
		}
	}
	// The scheme is case-insensitive (RFC 9110 §11.1).
	req, _ := http.NewRequest("POST", e.URL+"/v1/score", strings.NewReader(`{"customer":{"id":"a","signals":{"usage":0.5}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "bEaReR "+e.read)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("lower-case scheme: %d", res.StatusCode)
	}
}

func TestProbesNeedNoToken(t *testing.T) {
	e := newEnv(t, Limits{})
	for _, p := range []string{"/healthz", "/readyz"} {
		if a := do(t, "GET", e.URL+p, "", "", nil); a.status != 200 {
			t.Errorf("%s: %d %s", p, a.status, a.body)
		}
	}
	for _, p := range []string{"/metrics", "/v1/openapi.json", "/v1/problems/unauthorized"} {
		wantProblem(t, do(t, "GET", e.URL+p, "", "", nil), 401, "unauthorized")
		if a := do(t, "GET", e.URL+p, e.read, "", nil); a.status != 200 {
			t.Errorf("%s: %d %s", p, a.status, a.body)
		}
	}
}

func TestNotFoundAndMethod(t *testing.T) {
	e := newEnv(t, Limits{})
	wantProblem(t, do(t, "GET", e.URL+"/v1/nope", e.read, "", nil), 404, "not-found")
	a := do(t, "DELETE", e.URL+"/v1/score", e.read, "", nil)
	wantProblem(t, a, 405, "method-not-allowed")
	if a.header.Get("Allow") != "POST" {
		t.Errorf("Allow %q", a.header.Get("Allow"))
	}
}

func TestBodyProblems(t *testing.T) {
	e := newEnv(t, Limits{MaxBody: 64 << 10})
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	for _, tc := range []struct {
		name, ct, body string
		status         int
		kind, path     string
	}{
		{"nested 10,000 deep", "application/json", `{"customer":` + deep + `}`, 400, "invalid-body", "customer"},
		{"nested 10,000 deep objects", "application/json", strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000), 400, "invalid-body", "a.a.a"},
		{"duplicate key", "application/json", `{"customer":{"id":"a"},"customer":{"id":"b"}}`, 400, "invalid-body", "customer"},
		{"duplicate key inside", "application/json", `{"customer":{"id":"a","id":"b"}}`, 400, "invalid-body", "customer.id"},
		{"unknown key", "application/json", `{"customer":{"id":"a"},"who":1}`, 400, "invalid-body", "who"},
		{"wrong type", "application/json", `{"customer":{"id":"a","signals":{"usage":"high"}}}`, 400, "invalid-body", "customer.signals.usage"},
		{"trailing data", "application/json", `{"customer":{"id":"a"}} {}`, 400, "invalid-body", "$"},
		{"not JSON", "application/json", `customer=a`, 400, "invalid-body", "$"},
		{"empty", "application/json", ``, 400, "invalid-body", "$"},
		{"missing customer", "application/json", `{}`, 400, "invalid-body", "customer"},
		{"SQL in ID", "application/json", `{"customer":{"id":"a'; DROP TABLE cs_runs; --","signals":{"usage":0.5}}}`, 200, "", ""},
		{"control character in ID", "application/json", `{"customer":{"id":"a\u0000b"}}`, 400, "invalid-body", "customer.id"},
		{"text/plain", "text/plain", `{"customer":{"id":"a"}}`, 415, "unsupported-media-type", ""},
		{"form", "application/x-www-form-urlencoded", `customer=a`, 415, "unsupported-media-type", ""},
		{"no content type", "", `{"customer":{"id":"a"}}`, 415, "unsupported-media-type", ""},
		{"latin-1", "application/json; charset=iso-8859-1", `{"customer":{"id":"a"}}`, 415, "unsupported-media-type", ""},
		{"too large", "application/json", `{"customer":{"id":"` + strings.Repeat("a", 70000) + `"}}`, 413, "body-too-large", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, "POST", e.URL+"/v1/score", e.read, tc.ct, []byte(tc.body))
			if tc.status == 200 {
				if a.status != 200 {
					t.Fatalf("%d %s", a.status, a.body)
				}
				return
			}
			p := wantProblem(t, a, tc.status, tc.kind)
			if tc.path != "" && !hasPath(p, tc.path) {
				t.Errorf("errors %+v do not name %s", p.Errors, tc.path)
			}
			if len(a.body) > 4096 {
				t.Errorf("problem of %d bytes", len(a.body))
			}
		})
	}
}

// TestChunkedBodyTooLarge sends a body without Content-Length that grows
// past the limit: 413 once the limit is crossed, not after reading it all.
func TestChunkedBodyTooLarge(t *testing.T) {
	e := newEnv(t, Limits{MaxBody: 1 << 10})
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"customer":{"id":"`))
		for i := 0; i < 1000; i++ {
			if _, err := pw.Write(bytes.Repeat([]byte("a"), 1024)); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", e.URL+"/v1/score", pr)
	req.Header.Set("Authorization", "Bearer "+e.read)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	pr.Close()
	b, _ := io.ReadAll(res.Body)
	wantProblem(t, answer{res.StatusCode, res.Header, b}, 413, "body-too-large")
}

// TestBodyNeverEnds: a client that sends headers and part of a body, then
// nothing, is cut off at the read timeout; the server stays responsive.
func TestBodyNeverEnds(t *testing.T) {
	e := newEnv(t, Limits{ReadTimeout: 500 * time.Millisecond})
	conn, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	io.WriteString(conn, "POST /v1/score HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+e.read+"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"customer\":")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		b, _ := io.ReadAll(res.Body)
		wantProblem(t, answer{res.StatusCode, res.Header, b}, 408, "request-timeout")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the connection stayed open %v", d)
	}
	if a := do(t, "GET", e.URL+"/healthz", "", "", nil); a.status != 200 {
		t.Fatalf("healthz %d", a.status)
	}
}

// TestSlowHeader: a header sent one byte a second is cut off at the header
// timeout (slowloris), without an answer.
func TestSlowHeader(t *testing.T) {
	e := newEnv(t, Limits{ReadHeaderTimeout: 1500 * time.Millisecond})
	conn, err := net.Dial("tcp", e.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		buf := make([]byte, 1024)
		for {
			if _, err := conn.Read(buf); err != nil {
				closed <- time.Since(start)
				return
			}
		}
	}()
	req := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 100) + "\r\n\r\n"
	for i := 0; i < len(req); i++ {
		select {
		case d := <-closed:
			if d < time.Second || d > 4*time.Second {
				t.Fatalf("closed after %v, want about the 1.5 s header timeout", d)
			}
			return
		case <-time.After(time.Second):
		}
		if _, err := conn.Write([]byte{req[i]}); err != nil {
			d := time.Since(start)
			if d > 4*time.Second {
				t.Fatalf("write failed only after %v", d)
			}
			return
		}
	}
	t.Fatal("the server read a header sent one byte a second to the end")
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Limits{Rate: 1, Burst: 3})
	var last answer
	for i := 0; i < 5; i++ {
		last = do(t, "GET", e.URL+"/v1/problems/forbidden", e.read, "", nil)
	}
	wantProblem(t, last, 429, "rate-limited")
	if ra, err := strconv.Atoi(last.header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After %q", last.header.Get("Retry-After"))
	}
	// Another token has its own bucket.
	if a := do(t, "GET", e.URL+"/v1/problems/forbidden", e.write, "", nil); a.status != 200 {
		t.Fatalf("other token: %d", a.status)
	}
}

func TestRateLimiterRefills(t *testing.T) {
	l := newRateLimiter(2, 2)
	t0 := time.Unix(1000, 0)
	for i := 0; i < 2; i++ {
		if ok, _ := l.allow("a", t0); !ok {
			t.Fatal("burst refused")
		}
	}
	if ok, wait := l.allow("a", t0); ok || wait != 1 {
		t.Fatalf("third: %v %d", ok, wait)
	}
	if ok, _ := l.allow("a", t0.Add(500*time.Millisecond)); !ok {
		t.Fatal("not refilled after 0.5 s at 2/s")
	}
	l.allow("b", t0)
	l.allow("a", t0.Add(2*time.Minute)) // sweeps b
	if len(l.buckets) != 1 {
		t.Fatalf("%d buckets after the sweep", len(l.buckets))
	}
}

// TestBatchConcurrency: batch requests beyond the limit wait, then get 503
// with Retry-After.
func TestBatchConcurrency(t *testing.T) {
	e := newEnv(t, Limits{BatchConcurrency: 1, BatchWait: 50 * time.Millisecond})
	e.srv.batch <- struct{}{} // one batch in flight
	a := do(t, "POST", e.URL+"/v1/score/batch", e.read, "application/json", []byte(`{"customers":[]}`))
	wantProblem(t, a, 503, "overloaded")
	if a.header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	<-e.srv.batch
	if a := do(t, "POST", e.URL+"/v1/score/batch", e.read, "application/json", []byte(`{"customers":[]}`)); a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
}

func TestMetricsText(t *testing.T) {
	e := newEnv(t, Limits{})
	do(t, "POST", e.URL+"/v1/score", e.read, "application/json", []byte(`{"customer":{"id":"a","signals":{"usage":0.5}}}`))
	do(t, "POST", e.URL+"/v1/score", "", "application/json", nil)
	a := do(t, "GET", e.URL+"/metrics", e.read, "", nil)
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("%d %s", a.status, a.header)
	}
	text := string(a.body)
	for _, want := range []string{
		`successkit_http_requests_total{route="/v1/score",method="POST",code="200"} 1`,
		`successkit_http_requests_total{route="/v1/score",method="POST",code="401"} 1`,
		`successkit_http_problems_total{route="/v1/score",type="unauthorized"} 1`,
		`successkit_http_request_duration_seconds_count{route="/v1/score"} 2`,
		`successkit_http_request_duration_seconds_bucket{route="/v1/score",le="+Inf"} 2`,
		"# TYPE successkit_http_request_duration_seconds histogram",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s\n%s", want, text)
		}
	}
	checkExposition(t, text)
}

// checkExposition checks the Prometheus text format line by line: comments
// are HELP or TYPE, samples are name{labels} value with a known type.
func checkExposition(t *testing.T, text string) {
	t.Helper()
	types := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "# ") {
			f := strings.Fields(line)
			if len(f) < 4 || (f[1] != "HELP" && f[1] != "TYPE") {
				t.Fatalf("bad comment %q", line)
			}
			if f[1] == "TYPE" {
				types[f[2]] = f[3]
			}
			continue
		}
		name, rest, _ := strings.Cut(line, "{")
		if !strings.Contains(line, "{") {
			name, rest, _ = strings.Cut(line, " ")
		} else {
			_, rest, _ = strings.Cut(rest, "} ")
		}
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count")
		if types[name] == "" && types[base] == "" {
			t.Fatalf("sample %q without TYPE", line)
		}
		if _, err := strconv.ParseFloat(strings.TrimSpace(rest), 64); err != nil {
			t.Fatalf("sample %q: value %q", line, rest)
		}
	}
}

func TestETag(t *testing.T) {
	e := newEnv(t, Limits{})
	a := do(t, "GET", e.URL+"/v1/openapi.json", e.read, "", nil)
	tag := a.header.Get("ETag")
	if a.status != 200 || tag == "" {
		t.Fatalf("%d, ETag %q", a.status, tag)
	}
	req, _ := http.NewRequest("GET", e.URL+"/v1/openapi.json", nil)
	req.Header.Set("Authorization", "Bearer "+e.read)
	req.Header.Set("If-None-Match", tag)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 304 {
		t.Fatalf("If-None-Match: %d", res.StatusCode)
	}
}

// TestTokenLookupsBounded: random tokens from one address are looked up in
// the store a bounded number of times a second, then refused with 429.
func TestTokenLookupsBounded(t *testing.T) {
	e := newEnv(t, Limits{Rate: 100, Burst: 100})
	var last answer
	for i := 0; i < 60; i++ {
		last = do(t, "GET", e.URL+"/v1/problems/conflict", "csk_"+strings.Repeat(string(rune('a'+i%26)), 43), "", nil)
	}
	wantProblem(t, last, 429, "rate-limited")
	// A confirmed token is not held back by them.
	if a := do(t, "GET", e.URL+"/v1/problems/conflict", e.read, "", nil); a.status != 200 {
		// The first use of e.read is itself a lookup: it waits its turn.
		e.clock.advance(time.Second)
		if a := do(t, "GET", e.URL+"/v1/problems/conflict", e.read, "", nil); a.status != 200 {
			t.Fatalf("%d", a.status)
		}
	}
}
