package cycle_test

import (
	"bytes"
	"cmp"
	"context"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

// memory is an in-memory store for the tests: a Sink that keeps every row of
// every week, and the Prior of the next week.
type memory struct {
	last        cs.Date
	week        cs.Date
	customers   map[cs.Date][]cs.Customer
	scores      map[string][]health.Snapshot
	assignments map[cs.Date][]touch.Assignment
	outcomes    []playbook.Outcome
	history     *playbook.History
	calls       []string // every call, for the order tests
}

func newMemory() *memory {
	return &memory{customers: map[cs.Date][]cs.Customer{}, scores: map[string][]health.Snapshot{},
		assignments: map[cs.Date][]touch.Assignment{}, history: &playbook.History{}}
}

func (m *memory) AddCustomer(c *cs.Customer) error {
	m.customers[m.week] = append(m.customers[m.week], *c)
	m.calls = append(m.calls, "customer "+c.ID)
	return nil
}

func (m *memory) AddHealth(r *health.Result) error {
	m.scores[r.CustomerID] = append(m.scores[r.CustomerID], health.SnapshotOf(r))
	m.calls = append(m.calls, "health "+r.CustomerID+" "+r.Grade)
	return nil
}

func (m *memory) AddAssignment(a *touch.Assignment) error {
	m.assignments[m.week] = append(m.assignments[m.week], *a)
	m.calls = append(m.calls, "touch "+a.ID+" "+a.Tier.String())
	return nil
}

func (m *memory) AddOutcome(o playbook.Outcome) error {
	m.outcomes = append(m.outcomes, o)
	m.calls = append(m.calls, "outcome "+o.CustomerID+" "+o.PlayID)
	return nil
}

func seq[T any](xs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// prior returns what the weeks kept so far leave for the week of asOf, sorted
// by ID as a store lists it.
func (m *memory) prior() cycle.Prior {
	p := cycle.Prior{Last: m.last, History: m.history}
	if m.last.IsZero() {
		return p
	}
	var scores []cycle.ScoreHistory
	for _, id := range slices.Sorted(mapsKeys(m.scores)) {
		scores = append(scores, cycle.ScoreHistory{CustomerID: id, Snapshots: m.scores[id]})
	}
	p.Scores = seq(scores)
	custs := slices.Clone(m.customers[m.last])
	slices.SortFunc(custs, func(a, b cs.Customer) int { return strings.Compare(a.ID, b.ID) })
	p.Customers = seq(custs)
	var states []cycle.TouchState
	for _, a := range m.assignments[m.last] {
		states = append(states, cycle.TouchState{CustomerID: a.ID, State: a.State(m.last)})
	}
	slices.SortFunc(states, func(a, b cycle.TouchState) int { return strings.Compare(a.CustomerID, b.CustomerID) })
	p.Touch = seq(states)
	return p
}

func mapsKeys[K cmp.Ordered, V any](m map[K]V) iter.Seq[K] {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// run runs one week and keeps its results.
func (m *memory) run(t testing.TB, c *cycle.Cycle, in cycle.Input) *cycle.Result {
	t.Helper()
	m.week = in.AsOf
	res, err := c.Run(context.Background(), in, m.prior(), m)
	if err != nil {
		t.Fatal(err)
	}
	m.last = in.AsOf
	return res
}

// book is a small sample book with its files written by the book's writer.
type book struct {
	b     *samplebook.Book
	files map[string][]byte
}

var books sync.Map

func sampleBook(t testing.TB, n int) *book {
	t.Helper()
	if b, ok := books.Load(n); ok {
		return b.(*book)
	}
	b, err := samplebook.Generate(samplebook.Config{Customers: n})
	if err != nil {
		t.Fatal(err)
	}
	bk := &book{b: b, files: map[string][]byte{}}
	for _, name := range samplebook.Files() {
		var buf bytes.Buffer
		if err := b.WriteCSV(&buf, name); err != nil {
			t.Fatal(err)
		}
		bk.files[name] = buf.Bytes()
	}
	books.Store(n, bk)
	return bk
}

// input is the week's input from the book's files, with the customers in
// the order perm gives (nil: the file's).
func (bk *book) input(asOf cs.Date, perm []int) cycle.Input {
	file := func(name string) cycle.File {
		return cycle.File{Name: name, R: bytes.NewReader(bk.files[name])}
	}
	return cycle.Input{AsOf: asOf, Customers: func() iter.Seq2[cs.Customer, error] {
		if perm == nil {
			return cs.ReadCustomersCSV(bytes.NewReader(bk.files[samplebook.CustomersFile]), "customers.csv")
		}
		return func(yield func(cs.Customer, error) bool) {
			for _, i := range perm {
				c := bk.b.Customers[i]
				c.Signals = cloneSignals(c.Signals)
				if !yield(c, nil) {
					return
				}
			}
		}
	}, Contacts: file(samplebook.ContactsFile), CaseEvents: file(samplebook.CaseEventsFile),
		Surveys: file(samplebook.SurveysFile), MRR: file(samplebook.MRRFile)}
}

func cloneSignals(s cs.Signals) cs.Signals {
	if s == nil {
		return nil
	}
	out := make(cs.Signals, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}
