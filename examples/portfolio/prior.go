package main

import (
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/touch"
)

// unknownGrade names the customers whose health was Unknown.
const unknownGrade = cycle.UnknownGrade

// trendPoints is the tolerance of the health trend: a change of score between two
// month-ends within ±5 points is "same", since month-to-month noise in usage moves
// scores by a few points and a playbook should not read it as a decline.
const trendPoints = 5

// history is what the monthly snapshots tell about the weeks before the
// report: each customer's scores by month-end (the trend, the backtest's lead
// time), its last snapshot (its previous situation and value), and the book's
// health month by month.
type history struct {
	trend    []trendPoint
	byID     map[string]*scoreHistory
	prevDate cs.Date // the latest month-end before the report
	errors   []string
}

// scoreHistory is one customer's known health scores by month-end from the
// snapshots, in date order, and its last snapshot before the report date.
type scoreHistory struct {
	dates    []cs.Date
	scores   []float64
	grades   []string
	prev     cs.Customer
	prevDate cs.Date
}

// readHistory scores every snapshot of the book with the scorecard and returns
// the book's mean score and grade shares by month-end, with each customer's
// history. Snapshots carry the signals of the customer file; the effort signals
// computed at the book date (friction) are not in them, and the scorecard
// redistributes their weight.
func readHistory(scorer *health.Scorer, r io.Reader, file string, asof cs.Date) *history {
	out := &history{byID: map[string]*scoreHistory{}}
	type acc struct {
		n      int
		scores []float64
		grades map[string]int
	}
	byDate := map[cs.Date]*acc{}
	opt := cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
	var res health.Result
	for rec, err := range opt.ReadCSV(r, file) {
		if err != nil {
			out.errors = append(out.errors, err.Error())
			continue
		}
		d, err := cs.ParseDate(rec.Extra[0])
		if err != nil {
			out.errors = append(out.errors, fmt.Sprintf("%s:%d: as_of: %q: %v", file, rec.Line, rec.Extra[0], err))
			continue
		}
		if rec.Customer.Stage == cs.StageChurned || d.After(asof) {
			continue
		}
		h := out.byID[rec.Customer.ID]
		if h == nil {
			h = &scoreHistory{}
			out.byID[rec.Customer.ID] = h
		}
		if d.Before(asof) && (h.prevDate.IsZero() || d.After(h.prevDate)) {
			h.prev, h.prevDate = rec.Customer, d
		}
		if err := scorer.ScoreInto(&res, &rec.Customer, d); err != nil {
			out.errors = append(out.errors, err.Error())
			continue
		}
		a := byDate[d]
		if a == nil {
			a = &acc{grades: map[string]int{}}
			byDate[d] = a
		}
		g := res.Grade
		if res.Unknown {
			g = unknownGrade
		} else {
			a.n++
			a.scores = append(a.scores, res.Score)
			h.dates = append(h.dates, d)
			h.scores = append(h.scores, res.Score)
			h.grades = append(h.grades, res.Grade)
		}
		a.grades[g]++
	}
	for _, d := range slices.SortedFunc(maps.Keys(byDate), cs.Date.Compare) {
		a := byDate[d]
		total := a.n + a.grades[unknownGrade]
		p := trendPoint{AsOf: d, Scored: a.n, Shares: map[string]float64{}}
		if a.n > 0 {
			// Summed in ascending order, so the mean does not depend on the order
			// of the file's rows.
			slices.Sort(a.scores)
			var sum float64
			for _, x := range a.scores {
				sum += x
			}
			p.Mean = round2(sum / float64(a.n))
		}
		for g, n := range a.grades {
			p.Shares[g] = round2(float64(n) / float64(total))
		}
		out.trend = append(out.trend, p)
	}
	for _, h := range out.byID {
		sortSeries(h)
		if h.prevDate.After(out.prevDate) {
			out.prevDate = h.prevDate
		}
	}
	return out
}

// sortSeries puts a history in date order (a user's file may list snapshots in
// any order).
func sortSeries(h *scoreHistory) {
	idx := make([]int, len(h.dates))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return h.dates[a].Compare(h.dates[b]) })
	dates, scores, grades := make([]cs.Date, len(idx)), make([]float64, len(idx)), make([]string, len(idx))
	for i, j := range idx {
		dates[i], scores[i], grades[i] = h.dates[j], h.scores[j], h.grades[j]
	}
	h.dates, h.scores, h.grades = dates, scores, grades
}

// prior is the state the month-ends before the report leave for the cycle,
// as a store would give it after monthly runs: each customer's scores before
// the report, its last snapshot, and the touch tiers the previous month-end's
// customers were assigned (so hysteresis and owners work as they would from
// one period to the next, and values a month ago tell which tech-touch
// accounts are rising).
func (h *history) prior(assigner *touch.Assigner, asof cs.Date) (cycle.Prior, error) {
	if h == nil {
		return cycle.Prior{}, nil
	}
	ids := slices.Sorted(maps.Keys(h.byID))
	p := cycle.Prior{Last: h.prevDate}
	p.Scores = func(yield func(cycle.ScoreHistory, error) bool) {
		for _, id := range ids {
			hist := h.byID[id]
			var snaps []health.Snapshot
			for k, d := range hist.dates {
				if d.Before(asof) {
					snaps = append(snaps, health.Snapshot{AsOf: d, Score: hist.scores[k]})
				}
			}
			if len(snaps) > 0 && !yield(cycle.ScoreHistory{CustomerID: id, Snapshots: snaps}, nil) {
				return
			}
		}
	}
	p.Customers = func(yield func(cs.Customer, error) bool) {
		for _, id := range ids {
			if hist := h.byID[id]; !hist.prevDate.IsZero() && !yield(hist.prev, nil) {
				return
			}
		}
	}
	if assigner == nil || h.prevDate.IsZero() {
		return p, nil
	}
	var prev []cs.Customer
	for _, id := range ids {
		hist := h.byID[id]
		if hist.prevDate == h.prevDate && hist.prev.HasMRR() && hist.prev.Stage != cs.StageChurned {
			prev = append(prev, hist.prev)
		}
	}
	if len(prev) == 0 {
		return p, nil
	}
	accounts, _ := touch.FromCustomers(prev, assigner.Policy().Basis, nil)
	// Assign's error lists the accounts it rejected; its result holds the rest.
	res, err := assigner.Assign(accounts, h.prevDate)
	if res == nil {
		return p, fmt.Errorf("portfolio: %w", err)
	}
	states := make([]cycle.TouchState, 0, len(res.Accounts))
	for i := range res.Accounts {
		a := &res.Accounts[i]
		states = append(states, cycle.TouchState{CustomerID: a.ID, State: a.State(h.prevDate)})
	}
	slices.SortFunc(states, func(a, b cycle.TouchState) int { return compareIDs(a.CustomerID, b.CustomerID) })
	p.Touch = seq(states)
	return p, nil
}

func compareIDs(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
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

// loadHistory reads the snapshots file, when the book has one.
func loadHistory(in *input, scorer *health.Scorer, asof cs.Date) (*history, error) {
	f, err := in.open(samplebook.SnapshotsFile)
	if f == nil || err != nil {
		return nil, err
	}
	defer f.Close()
	return readHistory(scorer, f, in.name(samplebook.SnapshotsFile), asof), nil
}
