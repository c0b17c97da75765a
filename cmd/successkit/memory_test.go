package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestMillionCustomersMemory runs the whole flow on a book of a million
// customers (SUCCESSKIT_MEMORY_CUSTOMERS to change it) with its contacts,
// cases, surveys and MRR, as `successkit run` into a new SQLite store and as
// examples/portfolio, each in a child process, and checks the peak resident
// memory of each (the kernel's maximum RSS) against 1.5 GB, reporting bytes
// per customer. It takes minutes: set SUCCESSKIT_MEMORY_TEST=1 to run it.
func TestMillionCustomersMemory(t *testing.T) {
	if os.Getenv("SUCCESSKIT_MEMORY_TEST") == "" {
		t.Skip("set SUCCESSKIT_MEMORY_TEST=1 to run the million-customer flow (minutes)")
	}
	n := 1_000_000
	if v := os.Getenv("SUCCESSKIT_MEMORY_CUSTOMERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	start := time.Now()
	asOf := bigBook(t, dir, n)
	t.Logf("book of %d customers written in %v", n, time.Since(start).Round(time.Second))
	files := func(flagPrefix string) []string {
		var out []string
		for _, f := range []struct{ flag, file string }{{"customers", "customers.csv"}, {"contacts", "contacts.csv"},
			{"events", "case_events.csv"}, {"surveys", "surveys.csv"}, {"mrr", "mrr.csv"}} {
			out = append(out, "-"+f.flag, filepath.Join(dir, f.file))
		}
		return out
	}
	portfolio := filepath.Join(t.TempDir(), "portfolio")
	if out, err := exec.Command("go", "build", "-o", portfolio, "../../examples/portfolio").CombinedOutput(); err != nil {
		t.Fatalf("go build portfolio: %v\n%s", err, out)
	}
	const budget = 1.5e9
	for _, tc := range []struct {
		name string
		cmd  *exec.Cmd
	}{
		{"successkit run", exec.Command(binary(t), append([]string{"run", "-db", filepath.Join(dir, "big.db"), "-asof", asOf.String()}, files("")...)...)},
		{"examples/portfolio", exec.Command(portfolio, append([]string{"-asof", asOf.String()}, files("")...)...)},
	} {
		tc.cmd.Stdout, tc.cmd.Stderr = nil, nil
		start := time.Now()
		out, err := tc.cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, out)
		}
		ru := tc.cmd.ProcessState.SysUsage().(*syscall.Rusage)
		peak := float64(ru.Maxrss) * 1024
		t.Logf("%s on %d customers: peak RSS %.0f MB, %.0f bytes per customer, %v (user %v)", tc.name, n, peak/1e6, peak/float64(n),
			time.Since(start).Round(time.Second), tc.cmd.ProcessState.UserTime().Round(time.Second))
		if peak > budget*float64(n)/1e6 {
			t.Errorf("%s: peak RSS %.0f MB over the budget of %.0f MB", tc.name, peak/1e6, budget*float64(n)/1e6/1e6)
		}
	}
}
