package main

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
)

// snapshotDates scans a history file (the customer layout with a leading
// as_of column) for its dates, in order.
func snapshotDates(path string) ([]cs.Date, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dates := map[cs.Date]bool{}
	opt := cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
	bad := 0
	var first error
	for rec, err := range opt.ReadCSV(f, filepath.Base(path)) {
		if err != nil {
			if rec.Line <= 1 {
				return nil, err
			}
			bad++
			first = cmpErr(first, err)
			continue
		}
		d, err := cs.ParseDate(rec.Extra[0])
		if err != nil {
			bad++
			first = cmpErr(first, &cs.FieldError{File: filepath.Base(path), Line: rec.Line, Record: rec.Customer.ID, Field: "as_of", Value: rec.Extra[0], Err: err})
			continue
		}
		dates[d] = true
	}
	if len(dates) == 0 {
		if first != nil {
			return nil, fmt.Errorf("no snapshot could be read: %w", first)
		}
		return nil, fmt.Errorf("%s holds no snapshot", path)
	}
	return slices.SortedFunc(maps.Keys(dates), cs.Date.Compare), nil
}

func cmpErr(first, err error) error {
	if first == nil {
		return err
	}
	return first
}

// snapshotsOn yields the snapshots of one date, reading the file anew.
func snapshotsOn(path string, day cs.Date) cycle.Source {
	name := filepath.Base(path)
	return func() iter.Seq2[cs.Customer, error] {
		return func(yield func(cs.Customer, error) bool) {
			f, err := os.Open(path)
			if err != nil {
				yield(cs.Customer{}, err)
				return
			}
			defer f.Close()
			opt := cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
			for rec, err := range opt.ReadCSV(f, name) {
				if err != nil {
					continue // reported by the scan of the dates
				}
				if d, err := cs.ParseDate(rec.Extra[0]); err != nil || d != day {
					continue
				}
				if !yield(rec.Customer, nil) {
					return
				}
			}
		}
	}
}

func cmdReplay(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "replay", "-snapshots FILE -outcomes FILE [flags]",
		`Answers "would this playbook have helped last year?" before it is used: runs
the cycle at every date of a history file (monthly snapshots of your
customers, the customer layout with a leading as_of column) into a temporary
store (or -db FILE), then assesses every play against what really happened:
the health four weeks after each fire, and churn from the outcomes file
(id,churned[,date]) as well as from the later snapshots. Support interactions
are not replayed: effort signals the snapshots carry are used as they are.`,
		"successkit replay -snapshots snapshots.csv -outcomes outcomes.csv",
		"successkit replay -snapshots snapshots.csv -outcomes outcomes.csv -playbook my-playbook.json -db replay.db")
	snapshots := c.fs.String("snapshots", "", "history CSV `file`: as_of, then the customer layout (required)")
	outcomesPath := c.fs.String("outcomes", "", "outcomes CSV `file`: id, churned (0/1/true/false) and an optional churn date (required)")
	db := c.fs.String("db", "", "keep the store in this SQLite `file` (or postgres:// URL), which must hold no run (default: a temporary file, removed)")
	cfgs := c.configFlags()
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	if *snapshots == "" || *outcomesPath == "" {
		return usageErr("successkit replay: -snapshots and -outcomes are required")
	}
	cfg, err := cfgs.load()
	if err != nil {
		return c.errorf("%w", err)
	}
	dates, err := snapshotDates(*snapshots)
	if err != nil {
		return c.errorf("%w", err)
	}
	outcomes, unread, err := readOutcomes(*outcomesPath)
	if err != nil {
		return c.errorf("%w", err)
	}
	st, closeStore, err := openEmptyStore(ctx, *db, "replay")
	if err != nil {
		return c.errorf("%w", err)
	}
	defer closeStore()
	rn, err := newRunner(st, cfg, false)
	if err != nil {
		return c.errorf("%w", err)
	}
	out := replayReport{DB: *db, snapshots: *snapshots, outcomes: *outcomesPath, unread: unread}
	if out.Runs, err = replayDates(ctx, rn, *snapshots, dates); err != nil {
		return c.errorf("%w", err)
	}
	if out.Assessment, err = assess(ctx, st, cs.Date{}, cs.Date{}, churnedBefore(outcomes)); err != nil {
		return c.errorf("%w", err)
	}
	return c.output(out, out.writeText)
}

// readOutcomes reads the outcomes file, keeping the lines it could not read
// for the report. It fails only if no line could be read.
func readOutcomes(path string) (outcomes []health.Outcome, unread []error, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	for o, err := range health.ReadOutcomes(f, filepath.Base(path)) {
		if err != nil {
			unread = append(unread, err)
			continue
		}
		outcomes = append(outcomes, o)
	}
	if len(outcomes) == 0 && len(unread) > 0 {
		return nil, nil, unread[0]
	}
	return outcomes, unread, nil
}

// replayMonth is what one replayed run reports.
type replayMonth struct {
	AsOf    cs.Date `json:"as_of"`
	Scored  int     `json:"scored"`
	Red     int     `json:"red"`
	Fired   int     `json:"tasks_fired"`
	Planned int     `json:"tasks_planned"`
}

// replayDates runs the cycle at each of dates, in order, on the snapshots of
// that date.
func replayDates(ctx context.Context, rn *runner, snapshots string, dates []cs.Date) ([]replayMonth, error) {
	var months []replayMonth
	for _, d := range dates {
		res, _, err := rn.run(ctx, week{input: cycle.Input{AsOf: d, Customers: snapshotsOn(snapshots, d)},
			inputs: []string{filepath.Base(snapshots)}, by: "replay", at: d.In(time.UTC)})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d, err)
		}
		r := &res.Report
		m := replayMonth{AsOf: d, Scored: r.Health.Scored}
		for _, g := range r.Health.Grades {
			if g.Grade == r.Health.RiskGrade {
				m.Red = g.Customers
			}
		}
		if p := r.Playbook; p != nil {
			m.Fired, m.Planned = p.Fired, p.Do.Count
		}
		months = append(months, m)
	}
	return months, nil
}

// churnedBefore returns the adjustment that marks an assessed outcome as
// churned when the outcomes file says its customer churned after the
// outcome's date, or on an unknown date.
func churnedBefore(outcomes []health.Outcome) func(o *playbook.Outcome) {
	churn := map[string]cs.Date{}
	for _, o := range outcomes {
		if o.Churned {
			churn[o.ID] = o.Date
		}
	}
	return func(o *playbook.Outcome) {
		if d, ok := churn[o.CustomerID]; ok && (d.IsZero() || d.After(o.Date)) {
			o.Churned = true
		}
	}
}

// replayReport is replay's output. Its unexported fields serve only the
// text form.
type replayReport struct {
	Runs       []replayMonth `json:"runs"`
	Assessment assessment    `json:"assessment"`
	DB         string        `json:"db,omitempty"`

	snapshots, outcomes string  // the paths of the input files
	unread              []error // the outcomes file's lines not read
}

// writeText prints r as a table of the runs followed by the assessment.
func (r replayReport) writeText(t *textOut) {
	months := r.Runs
	t.printf("Replayed %d dates of %s, %s to %s\n", len(months), filepath.Base(r.snapshots), months[0].AsOf, months[len(months)-1].AsOf)
	var rows [][]string
	for _, m := range months {
		rows = append(rows, []string{m.AsOf.String(), count(m.Scored), count(m.Red), count(m.Fired), count(m.Planned)})
	}
	t.table("l", []string{"as of", "scored", "red", "tasks fired", "planned"}, rows)
	t.printf("\n")
	writeAssessment(t, &r.Assessment)
	if len(r.unread) > 0 {
		t.printf("\n%s: %d lines not read; the first: %v\n", filepath.Base(r.outcomes), len(r.unread), r.unread[0])
	}
}
