package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/retention"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/touch"
)

// BenchmarkWeeklyRun100k times a weekly run on 100,000 customers with their
// contacts, cases, surveys and MRR into a new SQLite store, against two
// references measured in the same benchmark, alternating, the fastest of
// each kept: the library calls the run makes, done directly on the book held
// in memory (reading the files, effort, scoring, assigning, evaluating,
// recording and planning, retention), and the store writing the same rows
// (customers, health results, touch assignments, tasks) in one run. The
// budget: the run costs at most 1.5× the two together, so the command adds no
// hidden O(n²) and no second copy of the book. Reported: x-ref (the ratio)
// and the three times.
func BenchmarkWeeklyRun100k(b *testing.B) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	dir := b.TempDir()
	asOf := bigBook(b, dir, n)
	cfg, err := (&configFiles{health: new(string), policy: new(string), playbook: new(string), capacity: new(string)}).load()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	path := func(name string) string { return filepath.Join(dir, name) }
	open := func(name string) *os.File {
		f, err := os.Open(path(name))
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	fresh := func(k int) *store.Store {
		st, err := drivers.Open(ctx, filepath.Join(b.TempDir(), "s.db"))
		if err != nil {
			b.Fatal(err)
		}
		return st
	}

	// The run, as successkit run does it.
	runOnce := func(k int) time.Duration {
		st := fresh(k)
		defer st.Close()
		files := []*os.File{open("contacts.csv"), open("case_events.csv"), open("surveys.csv"), open("mrr.csv")}
		defer func() {
			for _, f := range files {
				f.Close()
			}
		}()
		in := cycle.Input{AsOf: asOf, Customers: customersOf(path("customers.csv"), nil),
			Contacts: cycle.File{Name: "contacts.csv", R: files[0]}, CaseEvents: cycle.File{Name: "case_events.csv", R: files[1]},
			Surveys: cycle.File{Name: "surveys.csv", R: files[2]}, MRR: cycle.File{Name: "mrr.csv", R: files[3]}}
		rn, err := newRunner(st, cfg, false)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, _, err := rn.run(ctx, week{input: in, by: "bench", at: asOf.In(time.UTC)}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}

	// The library calls, on the book in memory; the rows are kept for the
	// store reference.
	type rows struct {
		customers []cs.Customer
		results   []health.Result
		assigned  *touch.Result
		history   *playbook.History
	}
	library := func() (time.Duration, *rows) {
		files := []*os.File{open("customers.csv"), open("contacts.csv"), open("case_events.csv"), open("surveys.csv"), open("mrr.csv")}
		defer func() {
			for _, f := range files {
				f.Close()
			}
		}()
		start := time.Now()
		out := &rows{history: &playbook.History{}}
		for c, err := range cs.ReadCustomersCSV(files[0], "customers.csv") {
			if err == nil {
				out.customers = append(out.customers, c)
			}
		}
		batch, _ := effort.LoadBatch(files[1], "contacts.csv", files[2], "case_events.csv")
		model, _ := effort.NewModel(effort.Config{})
		now := asOf.AddDays(1).In(time.UTC).Add(-time.Second)
		rep := model.AnalyzeAt(batch, now)
		responses, _ := effort.ReadResponses(files[3], "surveys.csv")
		ces, _ := effort.CESByCustomer(responses, now.AddDate(0, 0, -90), now)
		profiles := effort.Profiles(rep.Customers, ces)
		byID := map[string]int{}
		for i := range out.customers {
			byID[out.customers[i].ID] = i
		}
		for _, p := range profiles {
			if i, ok := byID[p.CustomerID]; ok {
				if out.customers[i].Signals == nil {
					out.customers[i].Signals = cs.Signals{}
				}
				p.AddSignals(out.customers[i].Signals)
			}
		}
		var active []cs.Customer
		for i := range out.customers {
			c := &out.customers[i]
			if c.Stage == cs.StageChurned {
				continue
			}
			r, err := cfg.scorer.Score(c, asOf)
			if err != nil {
				continue
			}
			out.results = append(out.results, r)
			if c.HasMRR() {
				active = append(active, *c)
			}
		}
		accounts, _ := touch.FromCustomers(active, cfg.policy.Basis, nil)
		for i := range accounts {
			accounts[i].Health, accounts[i].HealthKnown = out.results[i].Score, !out.results[i].Unknown
		}
		out.assigned, _ = cfg.assigner.Assign(accounts, asOf)
		tiers := map[string]touch.Assignment{}
		for _, a := range out.assigned.Accounts {
			tiers[a.ID] = a
		}
		sits := make([]*playbook.Situation, 0, len(out.results))
		for i := range out.results {
			c := &out.customers[byID[out.results[i].CustomerID]]
			s := playbook.NewSituation(c, asOf)
			s.SetHealth(&out.results[i], health.Trend{})
			s.SetTier(tiers[c.ID])
			s.SetEffortFromSignals()
			sits = append(sits, s)
		}
		tasks, _ := cfg.playbook.EvaluateAll(sits, out.history)
		out.history.Record(tasks)
		if _, err := out.history.Plan(asOf, cfg.capacity); err != nil {
			b.Fatal(err)
		}
		book, err := retention.ReadBook(files[4], "mrr.csv", retention.Options{Currency: cfg.assigner.Currency(), Rates: ratesOf(cfg.policy)})
		if err != nil {
			b.Fatal(err)
		}
		_, last := book.Months()
		if _, err := book.Period(last-1, last); err != nil {
			b.Fatal(err)
		}
		return time.Since(start), out
	}

	// The store writing the same rows in one run.
	write := func(k int, r *rows) time.Duration {
		st := fresh(k)
		defer st.Close()
		start := time.Now()
		tx, err := st.BeginRun(ctx, store.RunInfo{AsOf: asOf, At: asOf.In(time.UTC), By: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		hc, _ := store.HealthConfig(cfg.healthCfg)
		if err := tx.SaveConfig(hc); err != nil {
			b.Fatal(err)
		}
		for i := range r.customers {
			if err := tx.AddCustomer(&r.customers[i]); err != nil {
				b.Fatal(err)
			}
		}
		for i := range r.results {
			if err := tx.AddHealth(&r.results[i]); err != nil {
				b.Fatal(err)
			}
		}
		for i := range r.assigned.Accounts {
			if err := tx.AddAssignment(&r.assigned.Accounts[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.SaveHistory(r.history); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}

	b.ReportAllocs()
	var bestRun, bestLib, bestWrite time.Duration
	for k := 0; k < b.N; k++ {
		lib, r := library()
		w := write(k, r)
		run := runOnce(k)
		if k == 0 || run < bestRun {
			bestRun = run
		}
		if k == 0 || lib < bestLib {
			bestLib = lib
		}
		if k == 0 || w < bestWrite {
			bestWrite = w
		}
	}
	ratio := float64(bestRun) / float64(bestLib+bestWrite)
	b.ReportMetric(ratio, "x-ref")
	b.ReportMetric(bestRun.Seconds(), "run-s")
	b.ReportMetric(bestLib.Seconds(), "library-s")
	b.ReportMetric(bestWrite.Seconds(), "store-s")
	b.ReportMetric(0, "ns/op")
	if ratio > 1.5 {
		b.Errorf("a weekly run takes %.2f× the library calls and the store's writes (%v run, %v library + %v store): budget 1.5×",
			ratio, bestRun, bestLib, bestWrite)
	}
}

func ratesOf(p touch.Policy) []retention.Rate {
	var out []retention.Rate
	for cur, r := range p.Rates {
		out = append(out, retention.Rate{From: cur, Rate: r})
	}
	return out
}
