package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/successkit/cs"
)

// report is everything the program prints, in the order it prints it. The text
// and JSON forms are two renderings of this one value.
type report struct {
	Source    string            `json:"source"`
	AsOf      cs.Date           `json:"as_of"`
	Summary   summary           `json:"summary"`
	Health    *healthSection    `json:"health,omitempty"`
	Effort    *effortSection    `json:"effort,omitempty"`
	Touch     *touchSection     `json:"touch,omitempty"`
	Playbook  *playbookSection  `json:"playbook,omitempty"`
	Retention *retentionSection `json:"retention,omitempty"`
	Backtest  *backtestSection  `json:"backtest,omitempty"`
	Rejected  []string          `json:"rejected,omitempty"`
}

// summary is the portfolio at a glance: counts and MRR by segment, stage and
// currency, and the renewals coming up. MRR is never summed across currencies: each
// total is a list with one Money per currency.
type summary struct {
	Customers  int       `json:"customers"`
	Active     int       `json:"active"`
	Churned    int       `json:"churned"`
	NoMRR      int       `json:"without_mrr"`
	Currencies []string  `json:"currencies"`
	ByCurrency []group   `json:"by_currency"`
	BySegment  []group   `json:"by_segment"`
	ByStage    []group   `json:"by_stage"`
	Renewals   []renewal `json:"renewals"`
}

// group is a set of customers sharing a segment, stage or currency.
type group struct {
	Name      string     `json:"name"`
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"` // one total per currency present, sorted by code
}

// renewal counts the active customers whose renewal falls within Days of the
// report date (today included).
type renewal struct {
	Days      int        `json:"within_days"`
	Customers int        `json:"customers"`
	MRR       []cs.Money `json:"mrr"`
}

// totals accumulates MRR per currency exactly.
type totals map[cs.Currency]cs.Money

func (t totals) add(m cs.Money) error {
	s, err := t[m.Currency()].Add(m)
	if err != nil {
		return err
	}
	t[m.Currency()] = s
	return nil
}

func (t totals) list() []cs.Money {
	out := make([]cs.Money, 0, len(t))
	for _, m := range t {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b cs.Money) int { return cmp.Compare(a.Currency(), b.Currency()) })
	return out
}

var segmentOrder = []string{"smb", "mid_market", "enterprise"}

func summarize(customers []cs.Customer, asof cs.Date) (summary, error) {
	var s summary
	s.Customers = len(customers)
	type acc struct {
		n int
		t totals
	}
	bySeg, byStage, byCur := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	windows := []int{30, 60, 90}
	ren := make([]acc, len(windows))
	for i := range ren {
		ren[i].t = totals{}
	}
	get := func(m map[string]*acc, k string) *acc {
		a := m[k]
		if a == nil {
			a = &acc{t: totals{}}
			m[k] = a
		}
		return a
	}
	for i := range customers {
		c := &customers[i]
		if c.Stage == cs.StageChurned {
			s.Churned++
		} else {
			s.Active++
		}
		seg, stage := c.Segment, c.Stage.String()
		if seg == "" {
			seg = "(none)"
		}
		if stage == "" {
			stage = "(unknown)"
		}
		a, b := get(bySeg, seg), get(byStage, stage)
		a.n++
		b.n++
		if d, ok := c.DaysToRenewal(asof); ok && c.Stage != cs.StageChurned && d >= 0 {
			for j, w := range windows {
				if d <= w {
					ren[j].n++
					if c.HasMRR() {
						if err := ren[j].t.add(c.MRR); err != nil {
							return s, fmt.Errorf("portfolio: customer %q: %w", c.ID, err)
						}
					}
				}
			}
		}
		if !c.HasMRR() {
			s.NoMRR++
			continue
		}
		cur := get(byCur, string(c.MRR.Currency()))
		cur.n++
		for _, x := range []*acc{a, b, cur} {
			if err := x.t.add(c.MRR); err != nil {
				return s, fmt.Errorf("portfolio: customer %q: %w", c.ID, err)
			}
		}
	}
	groups := func(m map[string]*acc, order []string) []group {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		rank := func(k string) int {
			if i := slices.Index(order, k); i >= 0 {
				return i
			}
			return len(order)
		}
		slices.SortFunc(keys, func(x, y string) int { return cmp.Or(cmp.Compare(rank(x), rank(y)), cmp.Compare(x, y)) })
		out := make([]group, 0, len(keys))
		for _, k := range keys {
			out = append(out, group{Name: k, Customers: m[k].n, MRR: m[k].t.list()})
		}
		return out
	}
	stageOrder := []string{}
	for _, st := range cs.Stages() {
		stageOrder = append(stageOrder, st.String())
	}
	s.BySegment = groups(bySeg, segmentOrder)
	s.ByStage = groups(byStage, stageOrder)
	s.ByCurrency = groups(byCur, nil)
	for _, g := range s.ByCurrency {
		s.Currencies = append(s.Currencies, g.Name)
	}
	for j, w := range windows {
		s.Renewals = append(s.Renewals, renewal{Days: w, Customers: ren[j].n, MRR: ren[j].t.list()})
	}
	return s, nil
}

func build(in *input, o options) (*report, error) {
	asof := o.asof
	if asof.IsZero() {
		asof = in.book.Config.AsOf
	}
	s, err := summarize(in.customers, asof)
	if err != nil {
		return nil, err
	}
	rep := &report{Source: in.source, AsOf: asof, Summary: s, Rejected: in.rejected}
	// The flow works on copies: the effort step adds signals to the customers.
	customers := make([]cs.Customer, len(in.customers))
	for i, c := range in.customers {
		c.Signals = maps.Clone(c.Signals)
		customers[i] = c
	}
	// Effort runs first so that health reads its signals (friction, fcr_rate, ces);
	// the report prints health first, as the issue orders the flow.
	if rep.Effort, err = runEffort(in, customers, asof); err != nil {
		return nil, err
	}
	if rep.Health, err = runHealth(in, customers, asof, s); err != nil {
		return nil, err
	}
	if rep.Touch, err = runTouch(o, customers, asof, rep.Health); err != nil {
		return nil, err
	}
	if rep.Playbook, err = runPlaybook(in, customers, asof, rep.Health, rep.Effort, rep.Touch); err != nil {
		return nil, err
	}
	if rep.Retention, err = runRetention(in, rep.Touch, asof); err != nil {
		return nil, err
	}
	if rep.Backtest, err = runBacktest(in, customers, asof, rep.Health); err != nil {
		return nil, err
	}
	return rep, nil
}
