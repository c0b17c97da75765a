package server

import (
	"bytes"
	"context"
	"iter"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/touch"
)

// fixtureBook is a small sample book shared by the tests: generating it is
// deterministic.
var fixtureBook = sync.OnceValue(func() *samplebook.Book {
	return samplebook.MustGenerate(samplebook.Config{Customers: 150})
})

// testCycle is the cycle the tests run: the sample scorecard, the
// portfolio example's touch policy, the default playbook.
func testCycle(t testing.TB) *cycle.Cycle {
	t.Helper()
	sc, err := health.Compile(health.SampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	pj, err := os.ReadFile("../../../../examples/portfolio/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := touch.ParsePolicy(pj)
	if err != nil {
		t.Fatal(err)
	}
	as, err := touch.Compile(pol)
	if err != nil {
		t.Fatal(err)
	}
	cyc, err := cycle.New(cycle.Config{Scorer: sc, Assigner: as, Playbook: playbook.Default(),
		Capacity: map[string]playbook.Capacity{"csm": {Hours: 60}, "pooled_csm": {Hours: 40}, "support": {Hours: 20},
			"product": {Hours: 10}, "executive_sponsor": {Slots: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	return cyc
}

// monthEnds returns the last n month-end dates of the fixture book.
func monthEnds(n int) []cs.Date {
	var ds []cs.Date
	for _, s := range fixtureBook().Snapshots {
		if len(ds) == 0 || ds[len(ds)-1] != s.AsOf {
			ds = append(ds, s.AsOf)
		}
	}
	return ds[len(ds)-n:]
}

// bookInput is the week of the fixture book at a month end.
func bookInput(t testing.TB, asOf cs.Date) cycle.Input {
	b := fixtureBook()
	file := func(name string) cycle.File {
		var buf bytes.Buffer
		if err := b.WriteCSV(&buf, name); err != nil {
			t.Fatal(err)
		}
		return cycle.File{Name: name, R: &buf}
	}
	customers := func() iter.Seq2[cs.Customer, error] {
		return func(yield func(cs.Customer, error) bool) {
			for _, s := range b.Snapshots {
				if s.AsOf == asOf && !yield(s.Customer, nil) {
					return
				}
			}
		}
	}
	return cycle.Input{AsOf: asOf, Customers: customers, Contacts: file("contacts.csv"),
		CaseEvents: file("case_events.csv"), Surveys: file("surveys.csv"), MRR: file("mrr.csv")}
}

// populate runs the cycle at the last n month ends of the fixture book.
func populate(t testing.TB, st *store.Store, n int) []cs.Date {
	t.Helper()
	cyc := testCycle(t)
	dates := monthEnds(n)
	for _, d := range dates {
		if _, _, err := RunWeek(context.Background(), st, cyc, bookInput(t, d),
			store.RunInfo{AsOf: d, At: time.Date(d.Year, d.Month, d.Day, 6, 0, 0, 0, time.UTC), By: "fixture", Inputs: []string{"samplebook"}}); err != nil {
			t.Fatalf("run %s: %v", d, err)
		}
	}
	return dates
}

func TestPopulate(t *testing.T) {
	e := newEnv(t, Limits{})
	dates := populate(t, e.st, 3)
	ctx := context.Background()
	run, ok, err := e.st.LastRun(ctx)
	if err != nil || !ok || run.AsOf != dates[2] {
		t.Fatalf("%v %v %v", run, ok, err)
	}
	open := 0
	for _, err := range e.st.Tasks(ctx, store.TaskFilter{State: playbook.TaskOpen}, store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		open++
	}
	t.Logf("run %+v, %d open tasks", run.Counts, open)
	if open == 0 {
		t.Fatal("no open task")
	}
}
