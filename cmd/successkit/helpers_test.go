package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with testdata/name; -update rewrites the file.
func checkGolden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update after checking the change):\n%s", path, firstDiff(want, got))
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, w, g)
		}
	}
	return ""
}

// clock is the fixed time of the tests' runs and edits.
var clock = time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)

// result is what a command printed and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

// run runs the command in this process with the fixed clock.
func run(t testing.TB, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Now: func() time.Time { return clock },
		Getenv: func(string) string { return "" }}
	code := Main(context.Background(), args, env)
	return result{out.String(), errOut.String(), code}
}

// mustRun runs the command and fails the test unless it succeeds.
func mustRun(t testing.TB, args ...string) result {
	t.Helper()
	r := run(t, args...)
	if r.code != 0 {
		t.Fatalf("successkit %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

var build struct {
	once sync.Once
	path string
	err  error
}

// binary builds the command once for the tests that run it as a process.
func binary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "successkit-test-")
		if err != nil {
			build.err = err
			return
		}
		build.path = filepath.Join(dir, "successkit")
		out, err := exec.Command("go", "build", "-o", build.path, ".").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// runProcess runs the built command as a process with the fixed clock.
func runProcess(t testing.TB, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "SUCCESSKIT_NOW="+clock.Format(time.RFC3339), "SUCCESSKIT_DB=")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

// scenarioWeeks are the dates of the new user's four weekly exports.
var scenarioWeeks = []string{"2026-06-09", "2026-06-16", "2026-06-23", "2026-06-30"}

// scenarioArgs are the arguments of the scenario's run of a week.
func scenarioArgs(db, day string) []string {
	return []string{"run", "-db", db, "-asof", day, "-customers", "testdata/scenario/accounts_" + day + ".csv",
		"-mrr", "testdata/scenario/mrr.csv", "-mapping", "testdata/scenario/mapping.json",
		"-policy", "testdata/scenario/policy.json", "-capacity", "testdata/scenario/capacity.json"}
}

// scenarioStore runs the scenario's weeks into a new store and returns its
// path.
func scenarioStore(t testing.TB, weeks int) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "scenario.db")
	for _, d := range scenarioWeeks[:weeks] {
		mustRun(t, scenarioArgs(db, d)...)
	}
	return db
}

// dump writes everything a store holds, in a fixed order, as JSON lines: the
// runs (without the time they ran), their documents, customers, health
// results and touch assignments, every task record, fire and outcome, and the
// override audit. Two stores holding the same state dump the same bytes.
func dump(t testing.TB, db string) string {
	t.Helper()
	ctx := context.Background()
	st, err := drivers.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var b strings.Builder
	line := func(kind string, v any) {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s\n", kind, j)
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var dates []cs.Date
	for r, err := range st.Runs(ctx, store.Page{}) {
		check(err)
		r.At = time.Time{}
		line("run", r)
		dates = append(dates, r.AsOf)
	}
	for _, d := range dates {
		for _, name := range []string{"report", "touch"} {
			if doc, err := st.Doc(ctx, d, name); err == nil {
				fmt.Fprintf(&b, "doc %s %s %s\n", d, name, doc)
			}
		}
		for c, err := range st.Customers(ctx, d, store.Page{}) {
			check(err)
			line("customer "+d.String(), c)
		}
		for h, err := range st.HealthOn(ctx, d, store.Page{}) {
			check(err)
			line("health "+d.String(), h)
		}
		for a, err := range st.Assignments(ctx, d, store.Page{}) {
			check(err)
			line("touch "+d.String(), a)
		}
	}
	for r, err := range st.Tasks(ctx, store.TaskFilter{}, store.Page{}) {
		check(err)
		line("task", r)
	}
	for f, err := range st.Fires(ctx, cs.Date{}, cs.Date{}) {
		check(err)
		line("fire", f)
	}
	for o, err := range st.Outcomes(ctx, cs.Date{}, cs.Date{}) {
		check(err)
		line("outcome", o)
	}
	for ev, err := range st.OverrideEvents(ctx, "", store.Page{}) {
		check(err)
		ev.At = time.Time{}
		line("override", ev)
	}
	return b.String()
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "successkit-replay-") }
