package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/touch"
)

// Start returns the first as-of date of Scenario and of the suite's runs.
func Start() cs.Date { return cs.MustParseDate("2026-06-01") }

// Week saves one weekly run of the book as of a date: the sample scorecard
// and Policy as its configurations, the overrides found expired, every
// customer's snapshot and health result (scored with the overrides active in
// the store), touch assignments carried from the store's last states, a few
// outcomes and a document. It returns the committed run.
func Week(ctx context.Context, s *store.Store, book []cs.Customer, asOf cs.Date) (store.Run, error) {
	r, _, err := week(ctx, s, book, asOf, nil)
	return r, err
}

// week is Week; when mem is not nil, it also runs the playbook step on mem,
// a History kept in memory across weeks, and returns both plans.
func week(ctx context.Context, s *store.Store, book []cs.Customer, asOf cs.Date, mem *playbook.History) (store.Run, [2]playbook.Schedule, error) {
	var plans [2]playbook.Schedule
	at := time.Date(asOf.Year, asOf.Month, asOf.Day, 6, 30, 0, 123456789, time.UTC)
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: asOf, At: at, By: "storetest", Inputs: []string{"customers.csv", "policy.json"}, Version: "v0.0.0-storetest"})
	if err != nil {
		return store.Run{}, plans, err
	}
	defer tx.Rollback()
	sc := Scorer()
	hc, err := store.HealthConfig(sc.Config())
	if err != nil {
		return store.Run{}, plans, err
	}
	tc, err := store.TouchConfig(Policy())
	if err != nil {
		return store.Run{}, plans, err
	}
	pc, err := store.PlaybookConfig(playbook.Default())
	if err != nil {
		return store.Run{}, plans, err
	}
	for _, c := range []store.Config{hc, tc, pc} {
		if err := tx.SaveConfig(c); err != nil {
			return store.Run{}, plans, err
		}
	}
	if _, err := tx.ExpireOverrides(); err != nil {
		return store.Run{}, plans, err
	}
	overrides, err := tx.Overrides()
	if err != nil {
		return store.Run{}, plans, err
	}
	scores := map[string]float64{}
	results := make([]health.Result, len(book))
	for i := range book {
		c := &book[i]
		if err := tx.AddCustomer(c); err != nil {
			return store.Run{}, plans, err
		}
		r, err := sc.Score(c, asOf, overrides[c.ID]...)
		if err != nil {
			return store.Run{}, plans, err
		}
		if err := tx.AddHealth(&r); err != nil {
			return store.Run{}, plans, err
		}
		results[i] = r
		if !r.Unknown {
			scores[c.ID] = r.Score
		}
	}
	accounts, err := touch.FromCustomers(book, touch.ARR, nil)
	if err != nil {
		return store.Run{}, plans, err
	}
	for i := range accounts {
		accounts[i].Health, accounts[i].HealthKnown = scores[accounts[i].ID]
	}
	if _, _, err := tx.FillTouchStates(accounts); err != nil {
		return store.Run{}, plans, err
	}
	res, err := touch.MustCompile(Policy()).Assign(accounts, asOf)
	if err != nil {
		return store.Run{}, plans, err
	}
	if err := tx.SaveTouch(res); err != nil {
		return store.Run{}, plans, err
	}
	h, err := tx.History(playbook.Default().Lookback())
	if err != nil {
		return store.Run{}, plans, err
	}
	if plans[0], err = cycle(ctx, s, h, book, asOf, results, res); err != nil {
		return store.Run{}, plans, err
	}
	if err := tx.SaveHistory(h); err != nil {
		return store.Run{}, plans, err
	}
	if mem != nil {
		if plans[1], err = cycle(ctx, s, mem, book, asOf, results, res); err != nil {
			return store.Run{}, plans, err
		}
	}
	for i := 0; i < 5 && i < len(book); i++ {
		o := playbook.Outcome{CustomerID: book[i].ID, Date: asOf.AddDays(-28), Tier: "low",
			HealthBefore: float64(40 + i), HealthAfter: scores[book[i].ID], Renewed: i%2 == 0, Churned: i == 3}
		if i%2 == 1 {
			o.PlayID = "renewal-risk"
		}
		if err := tx.AddOutcome(o); err != nil {
			return store.Run{}, plans, err
		}
	}
	if err := tx.SaveDoc("plan", []byte(fmt.Sprintf(`{ "as_of": %q, "customers": %d }`, asOf, len(book)))); err != nil {
		return store.Run{}, plans, err
	}
	run, err := tx.Commit()
	return run, plans, err
}

// Capacity is the capacity per owner role the weekly plan of Week uses: small,
// so that some tasks are deferred.
func Capacity() map[string]playbook.Capacity {
	return map[string]playbook.Capacity{"csm": {Slots: 3}, "pooled_csm": {Slots: 2}, "support": {Slots: 2},
		"executive_sponsor": {Slots: 1}, "automated": {Slots: 100}}
}

// cycle runs the playbook step of a week on h: expire overdue tasks,
// evaluate the default playbook on each customer's situation (health with the
// trend from stored snapshots, tier), record, and plan within Capacity.
func cycle(ctx context.Context, s *store.Store, h *playbook.History, book []cs.Customer, asOf cs.Date,
	results []health.Result, res *touch.Result) (playbook.Schedule, error) {
	pb := playbook.Default()
	if _, err := h.Expire(asOf, 14); err != nil {
		return playbook.Schedule{}, err
	}
	tiers := map[string]touch.Assignment{}
	for _, a := range res.Accounts {
		tiers[a.ID] = a
	}
	situations := make([]*playbook.Situation, len(book))
	for i := range book {
		snaps, err := s.Snapshots(ctx, book[i].ID, asOf.AddDays(-1))
		if err != nil {
			return playbook.Schedule{}, err
		}
		trend, err := health.ComputeTrend(append(snaps, health.SnapshotOf(&results[i])), health.TrendOptions{Tolerance: 2})
		if err != nil {
			return playbook.Schedule{}, err
		}
		sit := playbook.NewSituation(&book[i], asOf)
		sit.SetHealth(&results[i], trend)
		if a, ok := tiers[book[i].ID]; ok {
			sit.SetTier(a)
		}
		sit.SetEffortFromSignals()
		situations[i] = sit
	}
	tasks, err := pb.EvaluateAll(situations, h)
	if err != nil {
		return playbook.Schedule{}, err
	}
	if err := h.Record(tasks); err != nil {
		return playbook.Schedule{}, err
	}
	return h.Plan(asOf, Capacity())
}

// Scenario writes a fixed history into an empty store: three weekly runs of
// a book of n customers (the hostile IDs among them) drifting from week to
// week, overrides set between them (one revoked, one left to expire), and two
// tokens with fixed hashes. The same scenario leaves the same Dump in every
// database.
func Scenario(ctx context.Context, s *store.Store, n int) error {
	book := Book(n, 1, Start(), true)
	ids := func(i int) string { return book[i%len(book)].ID }
	for week := 0; week < 3; week++ {
		asOf := Start().AddDays(7 * week)
		if week > 0 {
			Drift(book, 1, week)
		}
		if _, err := Week(ctx, s, book, asOf); err != nil {
			return fmt.Errorf("week %d: %w", week, err)
		}
		at := time.Date(asOf.Year, asOf.Month, asOf.Day, 15, 4, 5, 0, time.FixedZone("JST", 9*3600))
		switch week {
		case 0:
			if _, err := s.SetOverride(ctx, ids(1), health.Override{Points: 20, Reason: "exec escalation: \"'; --", Author: "ana",
				SetAt: asOf.AddDays(1), Expires: asOf.AddDays(10)}, at); err != nil {
				return err
			}
			if _, err := s.SetOverride(ctx, ids(2), health.Override{Measure: "usage", Points: 90, Reason: "usage feed broken",
				Author: "bo", SetAt: asOf, Expires: asOf.AddDays(60)}, at); err != nil {
				return err
			}
			if _, err := s.AddToken(ctx, "crm-plugin", store.ScopeWrite, strings.Repeat("ab", 32), "admin", at); err != nil {
				return err
			}
		case 1:
			open := []string{}
			for r, err := range s.Tasks(ctx, store.TaskFilter{State: playbook.TaskOpen}, store.Page{Limit: 2}) {
				if err != nil {
					return err
				}
				open = append(open, r.Task.Key)
			}
			if len(open) < 2 {
				return fmt.Errorf("week 1: %d open tasks, want 2 at least", len(open))
			}
			if _, err := s.CloseTask(ctx, open[0], playbook.TaskDone, asOf, "ana", "called: \"it's fixed\"", at); err != nil {
				return err
			}
			if _, err := s.CloseTask(ctx, open[1], playbook.TaskSkipped, asOf, "bo", "customer in legal review", at); err != nil {
				return err
			}
			ev, err := s.SetOverride(ctx, ids(9), health.Override{Points: 80, Reason: "renewal signed", Author: "ana",
				SetAt: asOf, Expires: asOf.AddDays(90)}, at)
			if err != nil {
				return err
			}
			if _, err := s.RevokeOverride(ctx, ev.ID, asOf.AddDays(3), "bo", "signed by the wrong entity", at.Add(time.Hour)); err != nil {
				return err
			}
			if _, err := s.AddToken(ctx, "dashboard", store.ScopeRead, strings.Repeat("cd", 32), "admin", at); err != nil {
				return err
			}
			if _, err := s.RevokeToken(ctx, "dashboard", "admin", at.Add(time.Minute)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Dump returns everything the store's public API reads back, one JSON line
// per item in a fixed order: runs, configurations, per run its health
// results, customers, touch assignments and summary and documents, the
// grades, outcomes, the override audit and active overrides, tokens and the
// audit. Two stores with the same Dump answer every read the same.
func Dump(ctx context.Context, s *store.Store) (string, error) {
	var d dumper
	var runs []store.Run
	for r, err := range s.Runs(ctx, store.Page{}) {
		if err != nil {
			return "", err
		}
		runs = append(runs, r)
		if err := d.line("run", r); err != nil {
			return "", err
		}
	}
	if err := dumpAll(&d, "config", s.Configs(ctx, "", store.Page{})); err != nil {
		return "", err
	}
	for _, r := range runs {
		if err := d.run(ctx, s, r); err != nil {
			return "", err
		}
	}
	if err := d.history(ctx, s); err != nil {
		return "", err
	}
	return d.b.String(), nil
}

// A dumper accumulates Dump's lines: each is a kind, a space and the item's
// JSON.
type dumper struct {
	b strings.Builder
}

func (d *dumper) line(kind string, v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	d.b.WriteString(kind)
	d.b.WriteByte(' ')
	d.b.Write(j)
	d.b.WriteByte('\n')
	return nil
}

// dumpAll writes a line of kind for every item of seq and stops at the first
// error, whether from seq or from encoding.
func dumpAll[T any](d *dumper, kind string, seq iter.Seq2[T, error]) error {
	for v, err := range seq {
		if err != nil {
			return err
		}
		if err := d.line(kind, v); err != nil {
			return err
		}
	}
	return nil
}

// run writes what the store keeps per run r: its health results, customers,
// touch assignments, touch summary, documents, the touch states it leaves
// and the overrides active on its date.
func (d *dumper) run(ctx context.Context, s *store.Store, r store.Run) error {
	on := r.AsOf.String()
	if err := dumpAll(d, "health", s.HealthOn(ctx, r.AsOf, store.Page{})); err != nil {
		return err
	}
	if err := dumpAll(d, "customer "+on, s.Customers(ctx, r.AsOf, store.Page{})); err != nil {
		return err
	}
	if err := dumpAll(d, "touch "+on, s.Assignments(ctx, r.AsOf, store.Page{})); err != nil {
		return err
	}
	if r.Counts.Touch > 0 {
		sum, err := s.TouchSummary(ctx, r.AsOf)
		if err != nil {
			return err
		}
		if err := d.line("touch-summary", sum); err != nil {
			return err
		}
	}
	for _, name := range []string{"plan", "touch"} {
		if doc, err := s.Doc(ctx, r.AsOf, name); err == nil {
			if err := d.line("doc "+on+" "+name, json.RawMessage(doc)); err != nil {
				return err
			}
		}
	}
	if err := dumpAll(d, "state "+on, s.TouchStates(ctx, r.AsOf.AddDays(1), store.Page{})); err != nil {
		return err
	}
	return dumpAll(d, "active "+on, s.ActiveOverrides(ctx, r.AsOf, store.Page{}))
}

// history writes what the store keeps across runs: tasks, fires, grades,
// outcomes, the override audit, tokens and the audit log.
func (d *dumper) history(ctx context.Context, s *store.Store) error {
	if err := dumpAll(d, "task", s.Tasks(ctx, store.TaskFilter{}, store.Page{})); err != nil {
		return err
	}
	if err := dumpAll(d, "fire", s.Fires(ctx, cs.Date{}, cs.Date{})); err != nil {
		return err
	}
	if err := dumpAll(d, "grades", s.Grades(ctx, cs.Date{}, cs.Date{})); err != nil {
		return err
	}
	if err := dumpAll(d, "outcome", s.Outcomes(ctx, cs.Date{}, cs.Date{})); err != nil {
		return err
	}
	if err := dumpAll(d, "override", s.OverrideEvents(ctx, "", store.Page{})); err != nil {
		return err
	}
	for t, err := range s.Tokens(ctx, store.Page{}) {
		if err != nil {
			return err
		}
		if err := d.line("token "+t.Hash, t); err != nil {
			return err
		}
	}
	return dumpAll(d, "audit", s.Audit(ctx, store.Page{}))
}
