package csbeam

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/successkit/cs/examples/samplebook"
)

// sampleDir holds the default sample book's files, written once for all tests.
var sampleDir string

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	QuietLogs()
	dir, err := os.MkdirTemp("", "csbeam-sample")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	book := samplebook.MustGenerate(samplebook.Config{})
	if err := book.WriteDir(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sampleDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	if bigDir != "" { // the benchmarks' books
		os.RemoveAll(bigDir)
	}
	if millionPath != "" {
		os.RemoveAll(filepath.Dir(millionPath))
	}
	os.Exit(code)
}

func sample(name string) string { return filepath.Join(sampleDir, name) }

// run executes p on prism and returns the value of every counter of the
// successkit namespace.
func run(t testing.TB, p *beam.Pipeline) map[string]int64 {
	t.Helper()
	res, err := prism.Execute(context.Background(), p)
	if err != nil {
		t.Fatalf("pipeline: %v", err)
	}
	out := map[string]int64{}
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Namespace() == MetricsNamespace {
			out[c.Name()] += c.Result()
		}
	}
	return out
}

// The workers of prism's loopback environment run in the test process, so a test
// DoFn can hand what it receives back to the test through this store, keyed by a
// name unique to the test.
var (
	gotMu sync.Mutex
	got   = map[string][]any{}
)

type collectFn struct {
	Key string `json:"key"`
}

func (f *collectFn) ProcessElement(x beam.T) {
	gotMu.Lock()
	got[f.Key] = append(got[f.Key], x)
	gotMu.Unlock()
}

func init() {
	register.DoFn1x0[beam.T](&collectFn{})
}

// collect captures the elements of col under key; take returns them after the run.
func collect(s beam.Scope, key string, col beam.PCollection) {
	gotMu.Lock()
	delete(got, key)
	gotMu.Unlock()
	beam.ParDo0(s, &collectFn{Key: key}, col)
}

func take[T any](key string) []T {
	gotMu.Lock()
	defer gotMu.Unlock()
	var out []T
	for _, x := range got[key] {
		out = append(out, x.(T))
	}
	return out
}

// readLines reads every file of a WriteLines output (matching dir/prefix-*), without
// the header lines, sorted.
func readLines(t testing.TB, dir, prefix string, header bool) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, prefix+"-*"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ls := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if header {
			ls = ls[1:]
		}
		lines = append(lines, ls...)
	}
	slices.Sort(lines)
	return lines
}
