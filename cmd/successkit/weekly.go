package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/store"
)

// The cycle's settings the command uses: a health trend that calls a move of
// five points or less "same" (weekly noise), tasks expiring two weeks after
// their due date, and outcomes measured four weeks after a fire.
const (
	trendTolerance = 5
	graceDays      = 14
	outcomeDays    = 28
	// historyRuns is how many past runs of scores a run reads: the trend's
	// window and the outcomes' four weeks back.
	historyRuns = 8
)

// runner runs weeks of the cycle into a store.
type runner struct {
	st  *store.Store
	cfg *configs
	cyc *cycle.Cycle
}

func newRunner(st *store.Store, cfg *configs, strict bool) (*runner, error) {
	c, err := cycle.New(cycle.Config{Scorer: cfg.scorer, Assigner: cfg.assigner, Playbook: cfg.playbook, Capacity: cfg.capacity,
		Trend: health.TrendOptions{Tolerance: trendTolerance}, GraceDays: graceDays, OutcomeDays: outcomeDays, Strict: strict})
	if err != nil {
		return nil, err
	}
	return &runner{st: st, cfg: cfg, cyc: c}, nil
}

// week is one run's input and how it is recorded.
type week struct {
	input  cycle.Input
	inputs []string // the names of the files read
	by     string
	at     time.Time
	force  bool
}

// pastError is the error of a run dated before the store's last run; it
// wraps store.ErrPastRun.
type pastError struct{ asOf, last cs.Date }

func (e *pastError) Error() string {
	return fmt.Sprintf("as-of %s is before the last run %s: use -force to rewrite history", e.asOf, e.last)
}

func (e *pastError) Unwrap() error { return store.ErrPastRun }

func errPast(asOf, last cs.Date) error { return &pastError{asOf, last} }

// run runs one week and stores everything it produced in one transaction:
// the configurations, the expired overrides, each customer, health result,
// touch assignment and outcome, the History's changes and the report. A date
// already run is replaced; a date before the last run needs w.force.
func (r *runner) run(ctx context.Context, w week) (*cycle.Result, store.Run, error) {
	asOf := w.input.AsOf
	var prev cs.Date
	for run, err := range r.st.Runs(ctx, store.Page{}) {
		if err != nil {
			return nil, store.Run{}, err
		}
		if run.AsOf.After(asOf) && !w.force {
			return nil, store.Run{}, errPast(asOf, lastRun(ctx, r.st, run.AsOf))
		}
		if run.AsOf.Before(asOf) {
			prev = run.AsOf
		}
	}
	tx, err := r.st.BeginRun(ctx, store.RunInfo{AsOf: asOf, At: w.at, By: w.by, Inputs: w.inputs, Rewrite: w.force})
	if err != nil {
		if errors.Is(err, store.ErrPastRun) {
			return nil, store.Run{}, errPast(asOf, lastRun(ctx, r.st, asOf))
		}
		return nil, store.Run{}, err
	}
	defer tx.Rollback()
	for _, mk := range []func() (store.Config, error){
		func() (store.Config, error) { return store.HealthConfig(r.cfg.healthCfg) },
		func() (store.Config, error) { return store.TouchConfig(r.cfg.policy) },
		func() (store.Config, error) { return store.PlaybookConfig(r.cfg.playbook) },
	} {
		c, err := mk()
		if err != nil {
			return nil, store.Run{}, err
		}
		if err := tx.SaveConfig(c); err != nil {
			return nil, store.Run{}, err
		}
	}
	if _, err := tx.ExpireOverrides(); err != nil {
		return nil, store.Run{}, err
	}
	h, err := tx.History(r.cfg.playbook.Lookback())
	if err != nil {
		return nil, store.Run{}, err
	}
	prior := cycle.Prior{Last: prev, History: h,
		Scores: mapSeq(r.st.ScoreHistories(ctx, asOf.AddDays(-1), historyRuns, store.Page{}),
			func(s store.ScoreHistory) cycle.ScoreHistory { return cycle.ScoreHistory(s) }),
		Touch: mapSeq(r.st.TouchStates(ctx, asOf, store.Page{}),
			func(s store.TouchState) cycle.TouchState { return cycle.TouchState(s) }),
		Overrides: mapSeq(r.st.ActiveOverrides(ctx, asOf, store.Page{}),
			func(o store.CustomerOverrides) cycle.CustomerOverrides {
				return cycle.CustomerOverrides{CustomerID: o.CustomerID, Overrides: o.Overrides}
			}),
	}
	if !prev.IsZero() {
		prior.Customers = r.st.Customers(ctx, prev, store.Page{})
	}
	res, err := r.cyc.Run(ctx, w.input, prior, tx)
	if err != nil {
		return nil, store.Run{}, err
	}
	if err := tx.SaveHistory(res.History); err != nil {
		return nil, store.Run{}, err
	}
	if err := saveJSON(tx, "report", &res.Report); err != nil {
		return nil, store.Run{}, err
	}
	if res.Touch != nil {
		if err := saveJSON(tx, "touch", res.Touch); err != nil {
			return nil, store.Run{}, err
		}
	}
	run, err := tx.Commit()
	if err != nil {
		return nil, store.Run{}, err
	}
	return res, run, nil
}

// lastRun returns the store's latest run date, or d when it cannot tell.
func lastRun(ctx context.Context, st *store.Store, d cs.Date) cs.Date {
	if r, ok, err := st.LastRun(ctx); err == nil && ok {
		return r.AsOf
	}
	return d
}

func saveJSON(tx *store.RunTx, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.SaveDoc(name, b)
}

// mapSeq maps the values of a sequence.
func mapSeq[A, B any](s iter.Seq2[A, error], f func(A) B) iter.Seq2[B, error] {
	return func(yield func(B, error) bool) {
		for a, err := range s {
			var b B
			if err == nil {
				b = f(a)
			}
			if !yield(b, err) {
				return
			}
		}
	}
}

// storedReport reads the report a run kept.
func storedReport(ctx context.Context, st *store.Store, asOf cs.Date) (*cycle.Report, error) {
	b, err := st.Doc(ctx, asOf, "report")
	if err != nil {
		return nil, err
	}
	var rep cycle.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("the report of %s: %w", asOf, err)
	}
	return &rep, nil
}
