package main

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
)

// healthSection is the book's health under the sample scorecard: the grade
// distribution with the MRR in each grade, the MRR at risk (the worst grade), the
// accounts pulling the book down and why, and the trend of the book's health.
type healthSection struct {
	Scorecard string       `json:"scorecard"`
	Grades    []gradeRow   `json:"grades"`
	AtRisk    []cs.Money   `json:"mrr_at_risk"`
	RiskGrade string       `json:"risk_grade"`
	Worst     []accountRow `json:"accounts_pulling_down"`
	Trend     []trendPoint `json:"trend,omitempty"`
	Errors    []string     `json:"errors,omitempty"`

	results map[string]*health.Result // by customer ID, for the later steps
	history map[string]*scoreHistory  // by customer ID, from the snapshots
}

// scoreHistory is one customer's health by month-end from the snapshots, and its
// last snapshot before the report date (the previous situation of the playbook).
type scoreHistory struct {
	dates    []cs.Date
	scores   []float64
	grades   []string
	prev     cs.Customer
	prevDate cs.Date
}

// trend returns the customer's health trend over its snapshots by
// health.ComputeTrend with a tolerance of trendPoints; the zero Trend (nothing
// known) without history.
func (h *scoreHistory) trend() (health.Trend, error) {
	if h == nil {
		return health.Trend{}, nil
	}
	snaps := make([]health.Snapshot, len(h.scores))
	for i := range h.scores {
		snaps[i] = health.Snapshot{AsOf: h.dates[i], Score: h.scores[i]}
	}
	return health.ComputeTrend(snaps, health.TrendOptions{Tolerance: trendPoints})
}

type gradeRow struct {
	Grade     string     `json:"grade"` // "unknown" when coverage was too low
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"`
}

type accountRow struct {
	ID      string   `json:"id"`
	Name    string   `json:"name,omitempty"`
	MRR     cs.Money `json:"mrr,omitzero"`
	Share   float64  `json:"share_of_currency_mrr"` // MRR ÷ the book's MRR in that currency
	Score   float64  `json:"score"`
	Grade   string   `json:"grade"`
	Weakest string   `json:"weakest,omitempty"` // the measure pulling the score down most
	Raw     float64  `json:"weakest_value"`
	Vetoes  []string `json:"vetoes,omitempty"`
	Reasons []string `json:"reasons"` // the first sentences of health's Result.Reasons
}

// trendPoint is the book's health at one month-end: mean score and the share of
// each grade among the scored customers.
type trendPoint struct {
	AsOf   cs.Date            `json:"as_of"`
	Scored int                `json:"scored"`
	Mean   float64            `json:"mean_score"`
	Shares map[string]float64 `json:"shares"`
}

const unknownGrade = "unknown"

// trendPoints is the tolerance of the health trend: a change of score between two
// month-ends within ±5 points is "same", since month-to-month noise in usage moves
// scores by a few points and a playbook should not read it as a decline.
const trendPoints = 5

// runHealth scores the active customers with the sample scorecard. The accounts
// pulling the book down are those of the worst grade ranked by their share of the
// book's MRR in their own currency, a measure that compares accounts across
// currencies without an exchange rate.
func runHealth(in *input, customers []cs.Customer, asof cs.Date, book summary) (*healthSection, error) {
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	sec := &healthSection{Scorecard: scorer.Version(), results: map[string]*health.Result{}}
	type acc struct {
		idx int
		n   int
		t   totals
	}
	grades := map[string]*acc{}
	var worst []accountRow
	for i := range customers {
		c := &customers[i]
		if c.Stage == cs.StageChurned {
			continue
		}
		r, err := scorer.Score(c, asof)
		if err != nil {
			sec.Errors = append(sec.Errors, err.Error())
			continue
		}
		sec.results[c.ID] = &r
		g, idx := r.Grade, r.GradeIndex
		if r.Unknown {
			g, idx = unknownGrade, 1<<30
		}
		a := grades[g]
		if a == nil {
			a = &acc{idx: idx, t: totals{}}
			grades[g] = a
		}
		a.n++
		if c.HasMRR() {
			if err := a.t.add(c.MRR); err != nil {
				return nil, fmt.Errorf("portfolio: customer %q: %w", c.ID, err)
			}
		}
		if !r.Unknown && r.GradeIndex == 0 {
			sec.RiskGrade = r.Grade
			row := accountRow{ID: c.ID, Name: c.Name, MRR: c.MRR, Score: round2(r.Score), Grade: r.Grade, Vetoes: r.VetoNames(),
				Share: shareOf(c.MRR, book.ByCurrency)}
			if m, ok := r.WeakestMeasure(); ok {
				row.Weakest, row.Raw = m.Name, round2(m.Raw)
			}
			reasons := r.Reasons()
			row.Reasons = reasons[:min(len(reasons), 2)]
			worst = append(worst, row)
		}
	}
	names := make([]string, 0, len(grades))
	for g := range grades {
		names = append(names, g)
	}
	slices.SortFunc(names, func(x, y string) int { return cmp.Or(cmp.Compare(grades[x].idx, grades[y].idx), cmp.Compare(x, y)) })
	for _, g := range names {
		sec.Grades = append(sec.Grades, gradeRow{Grade: g, Customers: grades[g].n, MRR: grades[g].t.list()})
	}
	if a := grades[sec.RiskGrade]; a != nil {
		sec.AtRisk = a.t.list()
	}
	slices.SortFunc(worst, func(x, y accountRow) int {
		return cmp.Or(cmp.Compare(y.Share, x.Share), cmp.Compare(x.Score, y.Score), cmp.Compare(x.ID, y.ID))
	})
	sec.Worst = worst[:min(len(worst), listLimit)]

	if snaps := in.files[samplebook.SnapshotsFile]; snaps != nil {
		trend, hist, errs := healthTrend(scorer, snaps, in.name(samplebook.SnapshotsFile), asof)
		sec.Trend, sec.history = trend, hist
		sec.Errors = append(sec.Errors, errs...)
	}
	return sec, nil
}

// healthTrend scores every snapshot of the book with the scorecard and returns the
// book's mean score and grade shares by month-end. Snapshots carry the signals of
// the customer file; the effort signals computed at the book date (friction) are
// not in them, and the scorecard redistributes their weight.
//
// It also returns each customer's score history up to asof and its last snapshot
// before asof.
func healthTrend(scorer *health.Scorer, snaps []byte, file string, asof cs.Date) ([]trendPoint, map[string]*scoreHistory, []string) {
	hist := map[string]*scoreHistory{}
	type acc struct {
		n      int
		scores []float64
		grades map[string]int
	}
	byDate := map[cs.Date]*acc{}
	var errs []string
	opt := cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
	var res health.Result
	for rec, err := range opt.ReadCSV(bytes.NewReader(snaps), file) {
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		d, err := cs.ParseDate(rec.Extra[0])
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s:%d: as_of: %q: %v", file, rec.Line, rec.Extra[0], err))
			continue
		}
		if rec.Customer.Stage == cs.StageChurned || d.After(asof) {
			continue
		}
		h := hist[rec.Customer.ID]
		if h == nil {
			h = &scoreHistory{}
			hist[rec.Customer.ID] = h
		}
		if d.Before(asof) && (h.prevDate.IsZero() || d.After(h.prevDate)) {
			h.prev, h.prevDate = rec.Customer, d
		}
		if err := scorer.ScoreInto(&res, &rec.Customer, d); err != nil {
			errs = append(errs, err.Error())
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
	dates := make([]cs.Date, 0, len(byDate))
	for d := range byDate {
		dates = append(dates, d)
	}
	slices.SortFunc(dates, cs.Date.Compare)
	var out []trendPoint
	for _, d := range dates {
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
		out = append(out, p)
	}
	for _, h := range hist {
		sortSeries(h)
	}
	return out, hist, errs
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

// shareOf returns m ÷ the total MRR of m's currency, rounded to 6 decimals; 0 when
// m or the total is missing or zero.
func shareOf(m cs.Money, byCurrency []group) float64 {
	for _, g := range byCurrency {
		if g.Name != string(m.Currency()) || len(g.MRR) == 0 || g.MRR[0].IsZero() {
			continue
		}
		return m.Amount().DivRound(g.MRR[0].Amount(), 6).InexactFloat64()
	}
	return 0
}
