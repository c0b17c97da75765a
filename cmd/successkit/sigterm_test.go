package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/store"
)

// TestServeChild is not a test: TestSIGTERMDuringRun runs the test binary
// with SUCCESSKIT_SERVE_CHILD set to be a `successkit serve` process it can
// signal.
func TestServeChild(t *testing.T) {
	args := os.Getenv("SUCCESSKIT_SERVE_CHILD")
	if args == "" {
		t.Skip("the serve process of TestSIGTERMDuringRun")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, strings.Split(args, "\x1f"), &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// TestSIGTERMDuringRun sends SIGTERM to `successkit serve` while a run
// posted to /v1/runs is writing: the run finishes and is stored whole, the
// process exits 0, and the store holds exactly what the answer said. With a
// shutdown timeout too short for the run, the run is cut off and rolled
// back: the store holds no part of it.
func TestSIGTERMDuringRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a store of 3,000 customers")
	}
	t.Run("finishes", func(t *testing.T) { sigtermDuringRun(t, "30s") })
	t.Run("cut off", func(t *testing.T) { sigtermDuringRun(t, "1ms") })
}

func sigtermDuringRun(t *testing.T, shutdown string) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "term.db")
	book := samplebook.MustGenerate(samplebook.Config{Customers: 3000})
	if err := book.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	_, out, _ := runCmd(t, ctx, "token", "create", "-db", db, "-name", "cron", "-scope", "write")
	token := strings.TrimSpace(out)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$")
	cmd.Env = append(os.Environ(), "SUCCESSKIT_SERVE_CHILD="+strings.Join([]string{"serve", "-db", db, "-addr", addr, "-log", "text", "-shutdown-timeout", shutdown}, "\x1f"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	base := "http://" + addr
	waitUp(t, base+"/healthz")

	do := func(method, path, ct string, body io.Reader) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, body)
		req.Header.Set("Authorization", "Bearer "+token)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, []byte(err.Error())
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	asOf := book.Config.AsOf.String()
	for _, f := range []struct{ kind, file string }{{"customers", "customers.csv"}, {"contacts", "contacts.csv"},
		{"case_events", "case_events.csv"}, {"surveys", "surveys.csv"}, {"mrr", "mrr.csv"}} {
		fh, err := os.Open(filepath.Join(dir, f.file))
		if err != nil {
			t.Fatal(err)
		}
		code, b := do("PUT", "/v1/inputs/"+asOf+"/"+f.kind, "text/csv", bufio.NewReader(fh))
		fh.Close()
		if code != 201 {
			t.Fatalf("%s: %d %s", f.kind, code, b)
		}
	}
	type answer struct {
		code int
		body []byte
	}
	ran := make(chan answer, 1)
	go func() {
		code, b := do("POST", "/v1/runs", "application/json", strings.NewReader(`{"as_of":"`+asOf+`"}`))
		ran <- answer{code, b}
	}()
	// Signal once the run is in flight: two requests (it and this one).
	inFlight := regexp.MustCompile(`(?m)^successkit_http_requests_in_flight (\d+)$`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, b := do("GET", "/metrics", "", nil)
		if m := inFlight.FindSubmatch(b); m != nil {
			if n, _ := strconv.Atoi(string(m[1])); n >= 2 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the run never showed in flight")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var a answer
	select {
	case a = <-ran:
	case <-time.After(120 * time.Second):
		t.Fatal("no answer to the run")
	}
	var exitErr error
	select {
	case exitErr = <-exited:
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not exit")
	}
	if shutdown == "1ms" {
		st, err := drivers.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		run, ok, err := st.LastRun(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range st.HealthOn(ctx, book.Config.AsOf, store.Page{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		switch {
		case a.code == 201 && ok && n == run.Counts.Health && n > 0:
			t.Logf("the run committed before the cut (exit %v)", exitErr)
		case !ok && n == 0:
			t.Logf("the run was cut off and rolled back (answer %d, exit %v)", a.code, exitErr)
		default:
			t.Fatalf("half a run: answer %d, run %v %+v, %d health results", a.code, ok, run.Counts, n)
		}
		return
	}
	if exitErr != nil {
		t.Fatalf("serve exited with %v:\n%s", exitErr, stderr.String())
	}
	if a.code != 201 {
		t.Fatalf("run: %d %s\n%s", a.code, a.body, stderr.String())
	}
	var got struct {
		AsOf   cs.Date `json:"as_of"`
		Counts struct {
			Health, Customers int
		} `json:"counts"`
	}
	if err := json.Unmarshal(a.body, &got); err != nil {
		t.Fatal(err)
	}
	st, err := drivers.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run, err := st.Run(ctx, got.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if run.Counts.Health != got.Counts.Health || run.Counts.Customers != 3000 || got.Counts.Customers != 3000 {
		t.Fatalf("stored %+v, answered %+v", run.Counts, got.Counts)
	}
	n := 0
	for _, err := range st.HealthOn(ctx, got.AsOf, store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != run.Counts.Health {
		t.Fatalf("%d health results stored, the run counts %d", n, run.Counts.Health)
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Fatalf("no shutdown in the log:\n%s", stderr.String())
	}
}
