package server

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/store"
)

// reportDoc is the name of the run document holding the cycle's report.
const reportDoc = "report"

// RunWeek runs one week of the cycle on the store in one transaction: it
// reads the state the earlier runs left (scores, customers, touch states,
// overrides, the playbook History), runs the cycle with the run transaction
// as its sink, records expired overrides, the configurations, the touch
// result, the History's changes and the report, and commits. An error rolls
// everything back: the store keeps the last complete state.
func RunWeek(ctx context.Context, st *store.Store, cyc *cycle.Cycle, in cycle.Input, info store.RunInfo) (store.Run, *cycle.Result, error) {
	if info.AsOf.IsZero() {
		info.AsOf = in.AsOf
	}
	tx, err := st.BeginRun(ctx, info)
	if err != nil {
		return store.Run{}, nil, err
	}
	fail := func(err error) (store.Run, *cycle.Result, error) {
		tx.Rollback()
		return store.Run{}, nil, err
	}
	prior := cycle.Prior{}
	last, ok, err := lastRunBefore(ctx, st, in.AsOf)
	if err != nil {
		return fail(err)
	}
	cfg := cyc.Config()
	if ok {
		prior.Last = last
		prior.Customers = st.Customers(ctx, last, store.Page{})
	}
	n := max(cfg.Trend.Window, 6) + 8 // the trend window, and the score an outcome compares with
	prior.Scores = mapSeq(st.ScoreHistories(ctx, in.AsOf.AddDays(-1), n, store.Page{}),
		func(h store.ScoreHistory) cycle.ScoreHistory {
			return cycle.ScoreHistory{CustomerID: h.CustomerID, Snapshots: h.Snapshots}
		})
	prior.Touch = mapSeq(st.TouchStates(ctx, in.AsOf, store.Page{}),
		func(t store.TouchState) cycle.TouchState {
			return cycle.TouchState{CustomerID: t.CustomerID, State: t.State}
		})
	prior.Overrides = mapSeq(st.ActiveOverrides(ctx, in.AsOf, store.Page{}),
		func(o store.CustomerOverrides) cycle.CustomerOverrides {
			return cycle.CustomerOverrides{CustomerID: o.CustomerID, Overrides: o.Overrides}
		})
	lookback := 0
	if cfg.Playbook != nil {
		lookback = cfg.Playbook.Lookback()
	}
	if prior.History, err = tx.History(lookback); err != nil {
		return fail(err)
	}
	if _, err := tx.ExpireOverrides(); err != nil {
		return fail(err)
	}
	if err := saveConfigs(tx, cfg); err != nil {
		return fail(err)
	}
	res, err := cyc.Run(ctx, in, prior, tx)
	if err != nil {
		return fail(err)
	}
	if res.Touch != nil {
		if err := tx.SaveTouch(res.Touch); err != nil {
			return fail(err)
		}
	}
	if err := tx.SaveHistory(res.History); err != nil {
		return fail(err)
	}
	report, err := json.Marshal(&res.Report)
	if err != nil {
		return fail(err)
	}
	if err := tx.SaveDoc(reportDoc, report); err != nil {
		return fail(err)
	}
	run, err := tx.Commit()
	if err != nil {
		return store.Run{}, nil, err
	}
	return run, res, nil
}

func saveConfigs(tx *store.RunTx, cfg cycle.Config) error {
	c, err := store.HealthConfig(cfg.Scorer.Config())
	if err == nil {
		err = tx.SaveConfig(c)
	}
	if err == nil && cfg.Assigner != nil {
		if c, err = store.TouchConfig(cfg.Assigner.Policy()); err == nil {
			err = tx.SaveConfig(c)
		}
	}
	if err == nil && cfg.Playbook != nil {
		if c, err = store.PlaybookConfig(cfg.Playbook); err == nil {
			err = tx.SaveConfig(c)
		}
	}
	if err != nil {
		return fmt.Errorf("saving the configurations: %w", err)
	}
	return nil
}

// lastRunBefore returns the date of the latest run before d.
func lastRunBefore(ctx context.Context, st *store.Store, d cs.Date) (cs.Date, bool, error) {
	var last cs.Date
	for r, err := range st.Runs(ctx, store.Page{}) {
		if err != nil {
			return cs.Date{}, false, err
		}
		if r.AsOf.Before(d) && r.AsOf.After(last) {
			last = r.AsOf
		}
	}
	return last, !last.IsZero(), nil
}

func mapSeq[T, U any](seq iter.Seq2[T, error], f func(T) U) iter.Seq2[U, error] {
	return func(yield func(U, error) bool) {
		for v, err := range seq {
			var u U
			if err == nil {
				u = f(v)
			}
			if !yield(u, err) {
				return
			}
		}
	}
}
