package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
)

// copyFile copies a store file (no WAL beside it: every command closes the
// store, which checkpoints).
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWeeksInProcessesEqualOneProcess runs the scenario's four weeks one
// command (process) per week, exiting between them, and in one process: the
// stored state and every output are the same.
func TestWeeksInProcessesEqualOneProcess(t *testing.T) {
	dir := t.TempDir()
	one, many := filepath.Join(dir, "one.db"), filepath.Join(dir, "many.db")
	for _, d := range scenarioWeeks {
		a := mustRun(t, scenarioArgs(one, d)...)
		b := runProcess(t, scenarioArgs(many, d)...)
		if b.code != 0 {
			t.Fatalf("week %s as a process: exit %d: %s", d, b.code, b.stderr)
		}
		if strings.ReplaceAll(a.stdout, one, "x") != strings.ReplaceAll(b.stdout, many, "x") || a.stderr != b.stderr {
			t.Errorf("week %s prints differently as a process:\n%s", d, firstDiff([]byte(a.stdout+a.stderr), []byte(b.stdout+b.stderr)))
		}
	}
	if a, b := dump(t, one), dump(t, many); a != b {
		t.Errorf("the stores differ:\n%s", firstDiff([]byte(a), []byte(b)))
	}
}

// TestRerunIsIdempotent re-runs the last week, then rewrites the second week
// with -force and runs the later weeks again: the store and the outputs end
// exactly as they were. A task a person closed stays closed through re-runs.
func TestRerunIsIdempotent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	var last string
	for _, d := range scenarioWeeks {
		last = mustRun(t, scenarioArgs(db, d)...).stdout
	}
	want := dump(t, db)
	if again := mustRun(t, scenarioArgs(db, scenarioWeeks[3])...).stdout; again != last {
		t.Errorf("re-running %s prints differently:\n%s", scenarioWeeks[3], firstDiff([]byte(last), []byte(again)))
	}
	if got := dump(t, db); got != want {
		t.Errorf("re-running %s changed the store:\n%s", scenarioWeeks[3], firstDiff([]byte(want), []byte(got)))
	}
	mustRun(t, append(scenarioArgs(db, scenarioWeeks[1]), "-force")...)
	for _, d := range scenarioWeeks[2:] {
		mustRun(t, scenarioArgs(db, d)...)
	}
	if got := dump(t, db); got != want {
		t.Errorf("rewriting from %s and running the later weeks again changed the store:\n%s", scenarioWeeks[1], firstDiff([]byte(want), []byte(got)))
	}
	const key = "ACC-021/renewal-risk#0"
	mustRun(t, "task", "done", key, "-db", db, "-by", "ana", "-on", "2026-06-30")
	mustRun(t, scenarioArgs(db, scenarioWeeks[3])...)
	r := mustRun(t, "history", "ACC-021", "-db", db)
	if !strings.Contains(r.stdout, "done 2026-06-30 by ana") {
		t.Errorf("re-running the week reopened the task a person closed:\n%s", r.stdout)
	}
}

// TestKilledRunLeavesTheLastState kills a run with SIGKILL in the middle of a
// large write: the store keeps the last complete state, and running the
// week again gives exactly the state of an uninterrupted run.
func TestKilledRunLeavesTheLastState(t *testing.T) {
	if testing.Short() {
		t.Skip("a large run in a child process")
	}
	dir := t.TempDir()
	asOf := cs.MustParseDate("2026-06-30")
	b, err := samplebook.Generate(samplebook.Config{Customers: 8000, Months: 3, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	args := func(db, day string) []string {
		return []string{"run", "-db", db, "-asof", day, "-customers", filepath.Join(dir, "customers.csv"),
			"-contacts", filepath.Join(dir, "contacts.csv"), "-events", filepath.Join(dir, "case_events.csv"),
			"-surveys", filepath.Join(dir, "surveys.csv"), "-mrr", filepath.Join(dir, "mrr.csv")}
	}
	base := filepath.Join(dir, "base.db")
	if r := runProcess(t, args(base, "2026-06-30")...); r.code != 0 {
		t.Fatalf("first week: %s", r.stderr)
	}
	before := dump(t, base)
	// The uninterrupted second week, and how long it takes.
	whole := filepath.Join(dir, "whole.db")
	copyFile(t, base, whole)
	start := time.Now()
	if r := runProcess(t, args(whole, "2026-07-07")...); r.code != 0 {
		t.Fatalf("second week: %s", r.stderr)
	}
	took := time.Since(start)
	want := dump(t, whole)

	killed := filepath.Join(dir, "killed.db")
	for delay := took / 2; ; delay /= 2 {
		if delay < 20*time.Millisecond {
			t.Skip("the run is too quick to kill in the middle on this machine")
		}
		os.Remove(killed + "-wal")
		os.Remove(killed + "-shm")
		copyFile(t, base, killed)
		cmd := exec.Command(binary(t), args(killed, "2026-07-07")...)
		cmd.Env = append(os.Environ(), "SUCCESSKIT_NOW="+clock.Format(time.RFC3339))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Logf("killed after %v of a %v run", delay, took)
			break
		}
	}
	if got := dump(t, killed); got != before {
		t.Fatalf("a killed run left a half-written state:\n%s", firstDiff([]byte(before), []byte(got)))
	}
	if r := runProcess(t, args(killed, "2026-07-07")...); r.code != 0 {
		t.Fatalf("second week again: %s", r.stderr)
	}
	if got := dump(t, killed); got != want {
		t.Errorf("re-running the killed week differs from an uninterrupted run:\n%s", firstDiff([]byte(want), []byte(got)))
	}
}
