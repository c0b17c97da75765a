package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// maxRSS1000 is the documented bound: a serve process holding 1,000
// concurrent connections (each with a scoring request answered and kept
// alive, then each with a request declaring a body of 1 MB of which only the
// start arrives) stays under this resident size.
const maxRSS1000 = 128 << 20

// TestMemory1000Connections runs `successkit serve` as a child process,
// opens 1,000 connections to it at once and reads its peak resident size
// (VmHWM) from /proc.
func TestMemory1000Connections(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 1,000 connections")
	}
	if raceEnabled {
		t.Skip("the race detector multiplies memory use")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to read the resident size from")
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "mem.db")
	_, out, _ := runCmd(t, ctx, "token", "create", "-db", db, "-name", "load", "-scope", "read")
	token := strings.TrimSpace(out)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$")
	cmd.Env = append(os.Environ(), "SUCCESSKIT_SERVE_CHILD="+strings.Join([]string{"serve", "-db", db, "-addr", addr, "-log", "text",
		"-rate", "1000000"}, "\x1f"))
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitUp(t, "http://"+addr+"/healthz")
	status := func(field string) int64 {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				return kb << 10
			}
		}
		t.Fatalf("no %s in /proc status", field)
		return 0
	}
	base := status("VmRSS")

	const n = 1000
	body := `{"as_of":"2026-06-30","customer":{"id":"C1","signals":{"usage":0.5,"nps":7}}}`
	req := "POST /v1/score HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body
	conns := make([]net.Conn, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", addr, 10*time.Second)
			if err != nil {
				errs <- err
				return
			}
			conns[i] = c
			c.SetDeadline(time.Now().Add(60 * time.Second))
			if _, err := io.WriteString(c, req); err != nil {
				errs <- err
				return
			}
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				errs <- err
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				errs <- fmt.Errorf("status %d", res.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	idle := status("VmRSS")
	// Now every connection starts a request whose body does not finish.
	for _, c := range conns {
		io.WriteString(c, "POST /v1/score HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+token+
			"\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"customer\":")
	}
	time.Sleep(2 * time.Second)
	slow := status("VmRSS")
	peak := status("VmHWM")
	for _, c := range conns {
		c.Close()
	}
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	t.Logf("resident: %.1f MB at rest, %.1f MB with 1,000 kept-alive connections, %.1f MB with 1,000 unfinished bodies; peak %.1f MB (bound %d MB)",
		mb(base), mb(idle), mb(slow), mb(peak), maxRSS1000>>20)
	if peak > maxRSS1000 {
		t.Fatalf("peak resident size %.1f MB over the documented %d MB", mb(peak), maxRSS1000>>20)
	}
}
