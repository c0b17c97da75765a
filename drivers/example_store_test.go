package drivers_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// tempStore opens a store in a new temporary directory; a program would
// open "successkit.db" or a postgres:// URL.
func tempStore() (*store.Store, func()) {
	dir, err := os.MkdirTemp("", "successkit-example")
	if err != nil {
		panic(err)
	}
	s, err := drivers.Open(context.Background(), filepath.Join(dir, "successkit.db"))
	if err != nil {
		panic(err)
	}
	return s, func() { s.Close(); os.RemoveAll(dir) }
}

// Keep a week's health scores in SQLite, with nothing to install, and read a
// customer's history back.
func Example() {
	ctx := context.Background()
	s, done := tempStore()
	defer done()
	scorer, _ := health.Compile(health.SampleConfig())
	cfg, _ := store.HealthConfig(scorer.Config())
	customers := []cs.Customer{
		{ID: "c42", Signals: cs.Signals{"usage": 0.3, "usage_trend": 0, "seat_utilization": 0.5, "feature_adoption": 0.3,
			"logins_30d": 4, "days_since_login": 6, "nps": 6, "ces": 4, "tickets_90d": 2, "friction": 30}},
		{ID: "c43", Signals: cs.Signals{"usage": 0.9, "usage_trend": 0.1, "seat_utilization": 0.9, "feature_adoption": 0.7,
			"logins_30d": 40, "days_since_login": 1, "nps": 10, "ces": 6, "tickets_90d": 0, "friction": 5}},
	}
	for week, usage := range []float64{0.3, 0.5, 0.7} {
		asOf := cs.MustParseDate("2026-06-01").AddDays(7 * week)
		customers[0].Signals["usage"] = usage
		tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: asOf, At: time.Date(2026, 6, 1+7*week, 6, 0, 0, 0, time.UTC), By: "cron"})
		if err != nil {
			panic(err)
		}
		tx.SaveConfig(cfg)
		for i := range customers {
			r, _ := scorer.Score(&customers[i], asOf)
			tx.AddHealth(&r)
		}
		if _, err := tx.Commit(); err != nil {
			panic(err)
		}
	}
	for r, err := range s.HealthHistory(ctx, "c42", store.Page{}) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %.1f %s\n", r.AsOf, r.Score, r.Grade)
	}
	trend, _ := s.Trend(ctx, "c42", cs.MustParseDate("2026-06-15"), health.TrendOptions{})
	fmt.Println("trend:", trend.Direction)
	// Output:
	// 2026-06-01 47.7 red
	// 2026-06-08 51.6 yellow
	// 2026-06-15 55.5 yellow
	// trend: up
}

// An override is an append-only audit: set, then revoked, each with who,
// when and why.
func ExampleOpen_overrides() {
	ctx := context.Background()
	s, done := tempStore()
	defer done()
	at := time.Date(2026, 6, 3, 9, 30, 0, 0, time.UTC)
	set, _ := s.SetOverride(ctx, "c42", health.Override{Points: 20, Reason: "churn notice received", Author: "ana",
		SetAt: cs.MustParseDate("2026-06-03"), Expires: cs.MustParseDate("2026-07-03")}, at)
	active, _ := s.Overrides(ctx, "c42", cs.MustParseDate("2026-06-10"))
	fmt.Println("active on 2026-06-10:", len(active))
	s.RevokeOverride(ctx, set.ID, cs.MustParseDate("2026-06-12"), "bo", "notice withdrawn", at.Add(48*time.Hour))
	active, _ = s.Overrides(ctx, "c42", cs.MustParseDate("2026-06-12"))
	fmt.Println("active on 2026-06-12:", len(active))
	for ev, _ := range s.OverrideAudit(ctx, set.ID) {
		fmt.Printf("%s by %s on %s: %s\n", ev.Action, ev.By, ev.At.Format(time.DateOnly), cmp.Or(ev.Note, ev.Override.Reason))
	}
	// Output:
	// active on 2026-06-10: 1
	// active on 2026-06-12: 0
	// set by ana on 2026-06-03: churn notice received
	// revoked by bo on 2026-06-05: notice withdrawn
}

// API tokens are stored as hashes: the secret is shown once.
func ExampleOpen_tokens() {
	ctx := context.Background()
	s, done := tempStore()
	defer done()
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	secret, _, _ := s.CreateToken(ctx, "crm-plugin", store.ScopeWrite, "admin", at)
	tok, err := s.Authenticate(ctx, secret)
	fmt.Println(tok.Name, tok.Scope, tok.Scope.Allows(store.ScopeAdmin), err)
	s.RevokeToken(ctx, "crm-plugin", "admin", at.Add(time.Hour))
	_, err = s.Authenticate(ctx, secret)
	fmt.Println(err)
	// Output:
	// crm-plugin write false <nil>
	// store: unknown or revoked token
}

// A weekly run keeps the playbook's tasks: the next run loads them back,
// and people close them in between.
func ExampleOpen_tasks() {
	ctx := context.Background()
	s, done := tempStore()
	defer done()
	pb, _ := playbook.New(playbook.Play{ID: "risk", Name: "Health below 40", Priority: playbook.Must,
		When:         playbook.Num("health.score", playbook.Lt, 40),
		Actions:      []playbook.Action{{Title: "Call the customer", Channel: "call", Owner: "csm", DueDays: 7}},
		CooldownDays: 30})
	asOf := cs.MustParseDate("2026-06-01")
	tx, _ := s.BeginRun(ctx, store.RunInfo{AsOf: asOf, At: time.Date(2026, 6, 1, 6, 0, 0, 0, time.UTC), By: "cron"})
	h, _ := tx.History(pb.Lookback())
	sit := &playbook.Situation{Customer: &cs.Customer{ID: "c42", MRR: cs.MustParseMoney("900.00 USD")}, Now: asOf, HealthScore: 31, HealthKnown: true}
	tasks, _ := pb.EvaluateAll([]*playbook.Situation{sit}, h)
	h.Record(tasks)
	tx.SaveHistory(h)
	tx.Commit()

	for r, _ := range s.Tasks(ctx, store.TaskFilter{State: playbook.TaskOpen}, store.Page{}) {
		fmt.Println(r.Task.Key, r.State, "due", r.Task.Due)
	}
	r, _ := s.CloseTask(ctx, "c42/risk#0", playbook.TaskDone, cs.MustParseDate("2026-06-03"), "ana", "called", time.Date(2026, 6, 3, 15, 0, 0, 0, time.UTC))
	fmt.Println(r.Task.Key, r.State, r.By, r.Note)
	next, _ := s.History(ctx, asOf.AddDays(7), pb.Lookback())
	fmt.Println("open next week:", len(next.Open(asOf.AddDays(7))), "fires kept:", len(next.FireLog()))
	// Output:
	// c42/risk#0 open due 2026-06-08
	// c42/risk#0 done ana called
	// open next week: 0 fires kept: 1
}
