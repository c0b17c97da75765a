package main

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
)

var replayBook struct {
	once sync.Once
	dir  string
	err  error
}

// replayFiles writes a small sample book's history (150 customers, 8
// months) for the replay tests and returns its directory.
func replayFiles(t testing.TB) string {
	t.Helper()
	replayBook.once.Do(func() {
		dir, err := osMkdirTemp()
		if err != nil {
			replayBook.err = err
			return
		}
		b, err := samplebook.Generate(samplebook.Config{Customers: 150, Months: 8, AsOf: cs.MustParseDate("2026-06-30")})
		if err != nil {
			replayBook.err = err
			return
		}
		replayBook.dir, replayBook.err = dir, b.WriteDir(dir)
	})
	if replayBook.err != nil {
		t.Fatal(replayBook.err)
	}
	return replayBook.dir
}

// TestReplay replays the small history: one run per month-end, then the
// assessment against the outcomes.
func TestReplay(t *testing.T) {
	dir := replayFiles(t)
	r := mustRun(t, "replay", "-snapshots", filepath.Join(dir, "snapshots.csv"), "-outcomes", filepath.Join(dir, "outcomes.csv"))
	checkGolden(t, "replay.golden", []byte(r.stdout))
}
