package main

import (
	"cmp"
	"context"
	_ "embed" // the touch policy of the sample book
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

// defaultPolicy is the touch policy the portfolio uses unless -policy names
// another: tiers by ARR in USD, six named high-touch CSMs, a pooled low-touch
// team of three, tech touch for the rest. Its exchange rates (EUR 1.08, JPY 0.0067
// USD) are illustrative figures chosen for the sample book, not market data:
// supply your own in your policy.
//
//go:embed policy.json
var defaultPolicy []byte

// weeklyCapacity is what each owner role of the default playbook can take on in a
// week in the sample book's team: six high-touch CSMs and a pool of three with
// about eight hours a week each for playbook tasks, ten hours of support
// call-backs, three executive-sponsor meetings; automated actions are unlimited.
func weeklyCapacity() map[string]playbook.Capacity {
	return map[string]playbook.Capacity{
		"csm":               {Hours: 48},
		"pooled_csm":        {Hours: 24},
		"support":           {Hours: 10},
		"executive_sponsor": {Slots: 3},
	}
}

// The lengths of the report's lists.
const (
	listLimit     = 10
	taskLimit     = 15
	deferredLimit = 5
)

var segmentOrder = []string{"smb", "mid_market", "enterprise"}

func loadPolicy(path string) (*touch.Assigner, error) {
	data := defaultPolicy
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
	}
	p, err := touch.ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("portfolio: policy: %w", err)
	}
	a, err := touch.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("portfolio: policy: %w", err)
	}
	return a, nil
}

// loadScorecard compiles the user's scorecard, or the sample one.
func loadScorecard(path string) (*health.Scorer, error) {
	cfg := health.SampleConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		if cfg, err = health.ParseConfig(data); err != nil {
			return nil, fmt.Errorf("portfolio: scorecard %s: %w", path, err)
		}
	}
	s, err := health.Compile(cfg)
	if err != nil {
		return nil, fmt.Errorf("portfolio: scorecard: %w", err)
	}
	return s, nil
}

// build runs the week on the book through the library's cycle, with the
// monthly snapshots as the state earlier runs would have left, and turns its
// report into the program's sections.
func build(in *input, o options) (*report, error) {
	asof := o.asof
	if asof.IsZero() {
		asof = in.book.Config.AsOf
	}
	hist, err := loadHistory(in, o.scorer, asof)
	if err != nil {
		return nil, err
	}
	prior, err := hist.prior(o.assigner, asof)
	if err != nil {
		return nil, err
	}
	c, err := cycle.New(cycle.Config{Scorer: o.scorer, Assigner: o.assigner, Playbook: playbook.Default(),
		Capacity: weeklyCapacity(), Trend: health.TrendOptions{Tolerance: trendPoints}, Top: taskLimit})
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	week := cycle.Input{AsOf: asof, Customers: in.readCustomers}
	for _, f := range []struct {
		name string
		dst  *cycle.File
	}{{samplebook.ContactsFile, &week.Contacts}, {samplebook.CaseEventsFile, &week.CaseEvents},
		{samplebook.SurveysFile, &week.Surveys}, {samplebook.MRRFile, &week.MRR}} {
		r, err := in.open(f.name)
		if err != nil {
			return nil, err
		}
		if r != nil {
			defer r.Close()
			*f.dst = cycle.File{Name: in.name(f.name), R: r}
		}
	}
	res, err := c.Run(context.Background(), week, prior, nil)
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	cr := &res.Report
	rep := &report{Source: in.source, AsOf: asof, Summary: summaryOf(cr.Book), Rejected: cr.Rejected.First,
		rejectedN: cr.Rejected.Count}
	rep.Health = healthOf(cr, hist)
	rep.Effort = effortOf(cr.Effort)
	rep.Touch = touchOf(cr)
	rep.Playbook = playbookOf(cr.Playbook)
	rep.Retention = retentionOf(cr.Retention)
	if rep.Backtest, err = runBacktest(in, res, asof, rep.Health, hist); err != nil {
		return nil, err
	}
	return rep, nil
}

func groupsOf(gs []cycle.Group) []group {
	out := make([]group, len(gs))
	for i, g := range gs {
		out[i] = group(g)
	}
	return out
}

func summaryOf(b cycle.Book) summary {
	s := summary{Customers: b.Customers, Active: b.Active, Churned: b.Churned, NoMRR: b.NoMRR, Currencies: b.Currencies,
		ByCurrency: groupsOf(b.ByCurrency), BySegment: groupsOf(b.BySegment), ByStage: groupsOf(b.ByStage)}
	rank := func(k string) int {
		if i := slices.Index(segmentOrder, k); i >= 0 {
			return i
		}
		return len(segmentOrder)
	}
	slices.SortStableFunc(s.BySegment, func(x, y group) int {
		return cmp.Or(cmp.Compare(rank(x.Name), rank(y.Name)), cmp.Compare(x.Name, y.Name))
	})
	for _, r := range b.Renewals {
		s.Renewals = append(s.Renewals, renewal(r))
	}
	return s
}

func healthOf(cr *cycle.Report, hist *history) *healthSection {
	h := &cr.Health
	sec := &healthSection{Scorecard: h.Scorecard, AtRisk: h.AtRisk, RiskGrade: h.RiskGrade, Errors: h.Errors.First, errorN: h.Errors.Count}
	for _, g := range h.Grades {
		sec.Grades = append(sec.Grades, gradeRow(g))
	}
	for _, a := range h.Worst.Items[:min(len(h.Worst.Items), listLimit)] {
		sec.Worst = append(sec.Worst, accountRow{ID: a.ID, Name: a.Name, MRR: a.MRR, Share: a.Share, Score: a.Score,
			Grade: a.Grade, Weakest: a.Weakest, Raw: a.Raw, Vetoes: a.Vetoes, Reasons: a.Reasons})
	}
	if hist != nil {
		sec.Trend = hist.trend
		sec.Errors = append(sec.Errors, hist.errors...)
		sec.errorN += len(hist.errors)
	}
	return sec
}

func effortOf(e *cycle.EffortReport) *effortSection {
	if e == nil {
		return nil
	}
	sec := &effortSection{Cases: e.Cases, Customers: e.Customers, Answers: e.Answers, MeanCES2: e.MeanCES2, ShareEasy: e.ShareEasy,
		SilentN: e.Silent.Count, Errors: e.Errors.First, errorN: e.Errors.Count}
	if n := min(len(e.HotSpots), listLimit); n > 0 {
		sec.HotSpots = e.HotSpots[:n:n]
	}
	if n := min(len(e.Silent.Items), listLimit); n > 0 {
		sec.Silent = e.Silent.Items[:n:n]
	}
	return sec
}

func touchOf(cr *cycle.Report) *touchSection {
	t := cr.Touch
	if t == nil {
		return nil
	}
	sec := &touchSection{Basis: t.Basis, Currency: t.Currency, Rates: t.Rates, Tiers: t.Tiers, Community: t.Community,
		Candidates: t.Candidates.Items[:min(len(t.Candidates.Items), listLimit)], CandidateN: t.Candidates.Count,
		Errors: t.Errors.First, errorN: t.Errors.Count, PreviousAsOf: t.PreviousAsOf, ChangeN: cr.Changes.TierMoves.Count}
	if len(sec.Candidates) == 0 {
		sec.Candidates = nil
	}
	for _, m := range cr.Changes.TierMoves.Items[:min(len(cr.Changes.TierMoves.Items), listLimit)] {
		sec.Changes = append(sec.Changes, tierChange{ID: m.ID, From: m.From, To: m.To, Reasons: m.Reasons})
	}
	return sec
}

func taskRowOf(k cycle.Task) taskRow {
	return taskRow{Customer: k.Customer, Name: k.Name, Play: k.Play, Priority: k.Priority, Owner: k.Owner, Title: k.Title,
		Due: k.Due, MRR: k.MRR, Why: k.Why}
}

func playbookOf(p *cycle.PlaybookReport) *playbookSection {
	if p == nil {
		return nil
	}
	sec := &playbookSection{Currency: p.Currency, Fired: p.Fired, ByPlay: p.ByPlay, DoN: p.Do.Count, DeferredN: p.Deferred.Count,
		Used: p.Used, Capacity: p.Capacity, Errors: p.Errors.First, errorN: p.Errors.Count}
	for _, k := range p.Do.Items[:min(len(p.Do.Items), taskLimit)] {
		sec.Do = append(sec.Do, taskRowOf(k))
	}
	for _, k := range p.Deferred.Items[:min(len(p.Deferred.Items), deferredLimit)] {
		sec.Deferred = append(sec.Deferred, deferredRow{Task: taskRowOf(k), Why: k.Note})
	}
	return sec
}

func retentionOf(r *cycle.RetentionReport) *retentionSection {
	if r == nil {
		return nil
	}
	return &retentionSection{Currency: r.Currency, Rates: r.Rates, First: r.First, Last: r.Last,
		Monthly: r.Monthly, Year: r.Year, Cohorts: r.Cohorts, Errors: r.Errors.First, errorN: r.Errors.Count}
}

// round2 rounds a figure for display to two decimals, so reports do not depend on
// the last bits of a float.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

func sortedRoles(m map[string]playbook.Usage) []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
}
