package effort

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// benchBook builds a synthetic book of nContacts contacts over nCases cases and
// nCust customers: every case is opened, 90% are resolved within days, 5% reopened;
// contacts fall within two weeks of their case's opening on random channels with
// random flags. It is deterministic (seeded).
func benchBook(tb testing.TB, nContacts, nCases, nCust int) (*Batch, time.Time) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	now := start.AddDate(2, 0, 0)
	b := NewBatch()
	custs := make([]string, nCust)
	for i := range custs {
		custs[i] = "cust" + strconv.Itoa(i)
	}
	cases := make([]string, nCases)
	opened := make([]time.Time, nCases)
	for i := range cases {
		cases[i] = "case" + strconv.Itoa(i)
		opened[i] = start.Add(time.Duration(rng.Int64N(int64(700 * 24 * time.Hour))))
		cust := custs[i%nCust]
		add := func(k EventKind, t time.Time) {
			if err := b.AddCaseEvent(CaseEvent{CaseID: cases[i], CustomerID: cust, Kind: k, Time: t}); err != nil {
				tb.Fatal(err)
			}
		}
		add(Opened, opened[i])
		if rng.IntN(10) < 9 {
			res := opened[i].Add(time.Duration(rng.Int64N(int64(200 * time.Hour))))
			add(Resolved, res)
			if rng.IntN(20) == 0 {
				add(Reopened, res.Add(time.Hour))
				add(Resolved, res.Add(30*time.Hour))
			}
		}
	}
	for i := range nContacts {
		k := rng.IntN(nCases)
		f := rng.Uint32()
		c := Contact{
			ID:            "m" + strconv.Itoa(i),
			CustomerID:    custs[k%nCust],
			CaseID:        cases[k],
			Time:          opened[k].Add(time.Duration(rng.Int64N(int64(14 * 24 * time.Hour)))),
			Channel:       Channel(1 + f%5),
			RepeatedInfo:  f>>8%8 == 0,
			GenericAnswer: f>>12%8 == 0,
			Transferred:   f>>16%6 == 0,
		}
		if err := b.AddContact(c); err != nil {
			tb.Fatal(err)
		}
	}
	return b, now
}

// BenchmarkFriction10M measures Model.Analyze, per-case and per-customer friction, on
// 10,000,000 contacts, 1,000,000 cases and 100,000 customers (issue 7's budget: ≤ 2 s
// on one core, no allocation per contact).
func BenchmarkFriction10M(b *testing.B) {
	const nContacts, nCases, nCust = 10_000_000, 1_000_000, 100_000
	book, now := benchBook(b, nContacts, nCases, nCust)
	m, err := NewModel(Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var r *Report
	for b.Loop() {
		r = m.Analyze(book, now)
	}
	if len(r.Errors) != 0 || len(r.Customers) != nCust {
		b.Fatalf("errors %d, customers %d", len(r.Errors), len(r.Customers))
	}
	b.ReportMetric(float64(nContacts)*float64(b.N)/b.Elapsed().Seconds(), "contacts/s")
}
