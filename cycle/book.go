package cycle

import (
	"cmp"
	"math"
	"slices"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// sum accumulates amounts of one currency: whole minor units in an int64, the
// rest (amounts with more digits than the currency's, totals past int64)
// exactly.
type sum struct {
	minor int64
	rest  cs.Money
}

// msum is a per-currency total.
type msum map[cs.Currency]*sum

func (t msum) add(m cs.Money) error {
	s := t[m.Currency()]
	if s == nil {
		s = &sum{}
		t[m.Currency()] = s
	}
	if n, ok := m.Minor(); ok && (n >= 0 && s.minor <= math.MaxInt64-n || n < 0 && s.minor >= math.MinInt64-n) {
		s.minor += n
		return nil
	}
	if m.IsZero() {
		if s.rest.Currency() == "" {
			s.rest = m
		}
		return nil
	}
	r, err := s.rest.Add(m)
	if err != nil {
		return err
	}
	s.rest = r
	return nil
}

// total returns the currency's total.
func (t msum) total(c cs.Currency) cs.Money {
	s := t[c]
	if s == nil {
		return cs.Money{}
	}
	m, err := cs.MoneyFromMinor(s.minor, c)
	if err != nil {
		return s.rest
	}
	if s.rest.Currency() == "" {
		return m
	}
	r, err := m.Add(s.rest)
	if err != nil {
		return s.rest
	}
	return r
}

// list returns one total per currency, by code.
func (t msum) list() []cs.Money {
	out := make([]cs.Money, 0, len(t))
	for _, c := range slices.Sorted(func(yield func(cs.Currency) bool) {
		for c := range t {
			if !yield(c) {
				return
			}
		}
	}) {
		out = append(out, t.total(c))
	}
	return out
}

type groupAcc struct {
	n int
	t msum
}

func get(m map[string]*groupAcc, k string) *groupAcc {
	a := m[k]
	if a == nil {
		a = &groupAcc{t: msum{}}
		m[k] = a
	}
	return a
}

// renewalWindows are the days of the renewal table.
var renewalWindows = [...]int{30, 60, 90}

// bookAcc accumulates the Book and the grade table in the first pass.
type bookAcc struct {
	b                    Book
	bySeg, byStage, byCu map[string]*groupAcc
	ren                  [len(renewalWindows)]groupAcc
	grades               map[string]*gradeAcc
	totals               map[cs.Currency]cs.Money // by currency, after finish
}

type gradeAcc struct {
	rank int
	groupAcc
}

func newBookAcc() bookAcc {
	a := bookAcc{bySeg: map[string]*groupAcc{}, byStage: map[string]*groupAcc{}, byCu: map[string]*groupAcc{},
		grades: map[string]*gradeAcc{}}
	for i := range a.ren {
		a.ren[i].t = msum{}
	}
	return a
}

func (a *bookAcc) add(c *cs.Customer, asOf cs.Date) error {
	b := &a.b
	b.Customers++
	if c.Stage == cs.StageChurned {
		b.Churned++
	} else {
		b.Active++
	}
	seg, stage := c.Segment, c.Stage.String()
	if seg == "" {
		seg = "(none)"
	}
	if stage == "" {
		stage = "(unknown)"
	}
	s, st := get(a.bySeg, seg), get(a.byStage, stage)
	s.n++
	st.n++
	if d, ok := c.DaysToRenewal(asOf); ok && c.Stage != cs.StageChurned && d >= 0 {
		for j, w := range renewalWindows {
			if d <= w {
				a.ren[j].n++
				if c.HasMRR() {
					if err := a.ren[j].t.add(c.MRR); err != nil {
						return err
					}
				}
			}
		}
	}
	if !c.HasMRR() {
		b.NoMRR++
		return nil
	}
	cur := get(a.byCu, string(c.MRR.Currency()))
	cur.n++
	for _, x := range []*groupAcc{s, st, cur} {
		if err := x.t.add(c.MRR); err != nil {
			return err
		}
	}
	return nil
}

// grade counts a health result in the grade table.
func (a *bookAcc) grade(r *health.Result, c *cs.Customer) error {
	g, rank := r.Grade, r.GradeIndex
	if r.Unknown {
		g, rank = UnknownGrade, math.MaxInt32
	}
	x := a.grades[g]
	if x == nil {
		x = &gradeAcc{rank: rank, groupAcc: groupAcc{t: msum{}}}
		a.grades[g] = x
	}
	x.n++
	if c.HasMRR() {
		return x.t.add(c.MRR)
	}
	return nil
}

func groups(m map[string]*groupAcc, rank func(string) int) []Group {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int { return cmp.Or(cmp.Compare(rank(x), rank(y)), cmp.Compare(x, y)) })
	out := make([]Group, 0, len(keys))
	for _, k := range keys {
		out = append(out, Group{Name: k, Customers: m[k].n, MRR: m[k].t.list()})
	}
	return out
}

func (a *bookAcc) finish() Book {
	b := a.b
	b.BySegment = groups(a.bySeg, func(k string) int { return -a.bySeg[k].n })
	stages := map[string]int{}
	for i, st := range cs.Stages() {
		stages[st.String()] = i
	}
	b.ByStage = groups(a.byStage, func(k string) int {
		if i, ok := stages[k]; ok {
			return i
		}
		return len(stages)
	})
	b.ByCurrency = groups(a.byCu, func(string) int { return 0 })
	b.Currencies = []string{}
	a.totals = map[cs.Currency]cs.Money{}
	for _, g := range b.ByCurrency {
		b.Currencies = append(b.Currencies, g.Name)
		if len(g.MRR) > 0 {
			a.totals[cs.Currency(g.Name)] = g.MRR[0]
		}
	}
	for j, w := range renewalWindows {
		b.Renewals = append(b.Renewals, Renewal{Days: w, Customers: a.ren[j].n, MRR: a.ren[j].t.list()})
	}
	return b
}

// gradeRows returns the grade table: lowest band first, unknown last.
func (a *bookAcc) gradeRows() []GradeRow {
	names := make([]string, 0, len(a.grades))
	for g := range a.grades {
		names = append(names, g)
	}
	slices.SortFunc(names, func(x, y string) int {
		return cmp.Or(cmp.Compare(a.grades[x].rank, a.grades[y].rank), cmp.Compare(x, y))
	})
	out := make([]GradeRow, 0, len(names))
	for _, g := range names {
		out = append(out, GradeRow{Grade: g, Customers: a.grades[g].n, MRR: a.grades[g].t.list()})
	}
	return out
}

// share returns m ÷ the book's total in m's currency, rounded to 6 decimals;
// 0 when m or the total is missing or zero.
func (a *bookAcc) share(m cs.Money) float64 {
	t, ok := a.totals[m.Currency()]
	if !ok || t.IsZero() {
		return 0
	}
	return m.Amount().DivRound(t.Amount(), 6).InexactFloat64()
}
