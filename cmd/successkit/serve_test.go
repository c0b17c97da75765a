package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/store"
)

func testEnv(stdout, stderr io.Writer) *Env {
	return &Env{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr,
		Now:    func() time.Time { return time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC) },
		Getenv: func(k string) string { return map[string]string{"USER": "tester"}[k] }}
}

// run runs the command line and returns its exit code and outputs.
func runCmd(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(ctx, args, testEnv(&out, &errb))
	return code, out.String(), errb.String()
}

var tokenRE = regexp.MustCompile(`^csk_[A-Za-z0-9_-]{43}\n$`)

func TestTokenCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "t.db")
	code, out, errs := runCmd(t, ctx, "token", "create", "-db", db, "-name", "crm", "-scope", "write")
	if code != 0 || !tokenRE.MatchString(out) || errs != "" {
		t.Fatalf("create: %d %q %q", code, out, errs)
	}
	secret := strings.TrimSpace(out)
	raw, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db, db + "-wal"} {
		b, _ := os.ReadFile(f)
		raw = append(raw, b...)
	}
	if bytes.Contains(raw, []byte(secret)) {
		t.Fatal("the store holds the secret")
	}
	if !bytes.Contains(raw, []byte(store.HashToken(secret))) {
		t.Fatal("the store does not hold the token's hash")
	}
	if code, _, errs := runCmd(t, ctx, "token", "create", "-db", db, "-name", "crm"); code != 1 || !strings.Contains(errs, "exists") {
		t.Fatalf("duplicate: %d %q", code, errs)
	}
	if code, _, _ := runCmd(t, ctx, "token", "create", "-db", db, "-name", "x", "-scope", "root"); code != 2 {
		t.Fatalf("bad scope: %d", code)
	}
	if code, _, _ := runCmd(t, ctx, "token", "create", "-db", db); code != 2 {
		t.Fatalf("no name: %d", code)
	}
	code, out, _ = runCmd(t, ctx, "token", "list", "-db", db, "-format", "json")
	if code != 0 || strings.Contains(out, secret) || !strings.Contains(out, `"created_by": "tester"`) {
		t.Fatalf("list: %d %s", code, out)
	}
	st, err := drivers.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Authenticate(ctx, secret); err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	if code, out, _ := runCmd(t, ctx, "token", "revoke", "-db", db, "-name", "crm"); code != 0 || !strings.Contains(out, "revoked crm") {
		t.Fatalf("revoke: %d %q", code, out)
	}
	if _, err := st.Authenticate(ctx, secret); err == nil {
		t.Fatal("a revoked token still authenticates")
	}
	if code, _, errs := runCmd(t, ctx, "token", "revoke", "-db", db, "-name", "crm"); code != 1 || !strings.Contains(errs, "already revoked") {
		t.Fatalf("revoke twice: %d %q", code, errs)
	}
}

// TestServeWalkthrough is the README's curl session, in Go: on a store left
// by successkit run, create a token, score a customer, list the open tasks,
// mark one done, read the customer's history; then stop the server as
// SIGTERM does.
func TestServeWalkthrough(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "walk.db")
	book := samplebook.MustGenerate(samplebook.Config{Customers: 120})
	if err := book.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	asOf := book.Config.AsOf.String()
	code, _, errs := runCmd(t, ctx, "run", "-db", db, "-asof", asOf, "-customers", filepath.Join(dir, "customers.csv"),
		"-contacts", filepath.Join(dir, "contacts.csv"), "-events", filepath.Join(dir, "case_events.csv"),
		"-surveys", filepath.Join(dir, "surveys.csv"), "-mrr", filepath.Join(dir, "mrr.csv"))
	if code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	_, out, _ := runCmd(t, ctx, "token", "create", "-db", db, "-name", "walkthrough", "-scope", "write")
	token := strings.TrimSpace(out)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	sctx, stop := context.WithCancel(ctx)
	var sout, serr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(sctx, []string{"serve", "-db", db, "-addr", addr, "-log", "text"}, testEnv(&sout, &serr))
	}()
	base := "http://" + addr
	waitUp(t, base+"/healthz")

	call := func(method, path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode/100 != 2 || json.Unmarshal(b, &v) != nil {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		return v
	}
	r := call("POST", "/v1/score", `{"as_of":"2026-06-30","customer":{"id":"C99999","signals":{"usage":0.31,"nps":4,"tickets_90d":9}}}`)
	if r["grade"] == nil || len(r["reasons"].([]any)) == 0 {
		t.Fatalf("score: %v", r)
	}
	tasks := call("GET", "/v1/tasks?state=open&owner=csm&limit=3", "")["items"].([]any)
	if len(tasks) == 0 {
		t.Fatal("no open task")
	}
	task := tasks[0].(map[string]any)["task"].(map[string]any)
	key := task["key"].(string)
	d := call("POST", "/v1/tasks/"+url.PathEscape(key)+"/done", `{"note":"called"}`)
	if d["state"] != "done" || d["by"] != "walkthrough" {
		t.Fatalf("done: %v", d)
	}
	h := call("GET", "/v1/customers/"+url.PathEscape(task["customer_id"].(string))+"/history", "")
	if len(h["items"].([]any)) != 1 {
		t.Fatalf("history: %v", h)
	}
	// The Go client example of examples/apiclient, as a plugin runs it.
	if !testing.Short() {
		cmd := exec.Command("go", "run", "./examples/apiclient", "-url", base)
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "SUCCESSKIT_TOKEN="+token)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "is done by walkthrough") || !strings.Contains(string(out), "refused: wrong type") {
			t.Fatalf("examples/apiclient: %v\n%s", err, out)
		}
	}
	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, serr.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not stop")
	}
	if log := serr.String(); !strings.Contains(log, "listening on") || !strings.Contains(log, "token=walkthrough") || strings.Contains(log, token) {
		t.Fatalf("log: %s", log)
	}
}

func waitUp(t *testing.T, url string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never answered", url)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
