package retention

import (
	"fmt"
	"slices"

	"github.com/successkit/cs"
)

// Add returns the report of a period over the customers of p and of q together,
// where p and q are reports of the same period (the same From and To) over
// disjoint sets of customers from books built with the same Options and a fixed
// range (Options.First and Options.Last): every amount and count is the sum of
// the two, exactly.
//
// Every field of a Period is a sum over customers of a value that depends only on
// that customer's MRR in the book's months and on the rates, so the sum of the
// reports of the parts of any partition of the customers equals the report of the
// whole, digit for digit, in any order of addition: a book of a hundred million
// customers may be split across workers and merged. Ratios are then taken from
// the sum (GRR, NRR, churn rates), never averaged. The range must be fixed
// because a customer's first paying month (New against Reactivation, the first
// cohort) is counted from the book's first month.
//
// The zero Period is the identity, so a sum may start from it. The error wraps
// ErrPeriod for different periods and cs.ErrCurrencyMismatch for reports in
// different currencies.
func (p Period) Add(q Period) (Period, error) {
	switch {
	case q.From == 0 && q.To == 0:
		return p, nil
	case p.From == 0 && p.To == 0:
		return q, nil
	case p.From != q.From || p.To != q.To:
		return Period{}, fmt.Errorf("retention: add period %s to %s to %s to %s: %w", q.From, q.To, p.From, p.To, ErrPeriod)
	}
	r := Period{From: p.From, To: p.To}
	var err error
	add := func(x, y cs.Money) cs.Money {
		if err != nil {
			return cs.Money{}
		}
		var s cs.Money
		s, err = x.Add(y)
		return s
	}
	r.StartMRR, r.EndMRR = add(p.StartMRR, q.StartMRR), add(p.EndMRR, q.EndMRR)
	r.Movements = p.Movements.add(q.Movements, add)
	r.BaseMRR, r.RetainedMRR, r.KeptMRR = add(p.BaseMRR, q.BaseMRR), add(p.RetainedMRR, q.RetainedMRR), add(p.KeptMRR, q.KeptMRR)
	if err != nil {
		return Period{}, fmt.Errorf("retention: add period %s to %s: %w", p.From, p.To, err)
	}
	r.StartCustomers = p.StartCustomers + q.StartCustomers
	r.EndCustomers = p.EndCustomers + q.EndCustomers
	r.LostCustomers = p.LostCustomers + q.LostCustomers
	r.NewCustomers = p.NewCustomers + q.NewCustomers
	r.ReactivatedCustomers = p.ReactivatedCustomers + q.ReactivatedCustomers
	r.JoinedAndLeft = p.JoinedAndLeft + q.JoinedAndLeft
	return r, nil
}

func (m Movements) add(o Movements, add func(x, y cs.Money) cs.Money) Movements {
	return Movements{
		New: add(m.New, o.New), Expansion: add(m.Expansion, o.Expansion),
		Contraction: add(m.Contraction, o.Contraction), Churn: add(m.Churn, o.Churn),
		Reactivation: add(m.Reactivation, o.Reactivation), FX: add(m.FX, o.FX),
	}
}

// Add returns the cohort of c's customers and d's together, where c and d are the
// cohorts of the same Start over disjoint sets of customers from books with the
// same Options and a fixed range: Customers, and each age's Active, MRR and Base,
// are the sums, exactly. The error wraps ErrPeriod when the cohorts differ in
// Start or in their ages (books of different ranges), cs.ErrCurrencyMismatch for
// different currencies. The zero Cohort is the identity.
func (c Cohort) Add(d Cohort) (Cohort, error) {
	switch {
	case d.Start == 0 && d.Customers == 0 && d.Ages == nil:
		return c, nil
	case c.Start == 0 && c.Customers == 0 && c.Ages == nil:
		return d, nil
	case c.Start != d.Start || len(c.Ages) != len(d.Ages):
		return Cohort{}, fmt.Errorf("retention: add cohort %s of %d ages to cohort %s of %d ages: %w", d.Start, len(d.Ages), c.Start, len(c.Ages), ErrPeriod)
	}
	r := Cohort{Start: c.Start, Customers: c.Customers + d.Customers, Ages: make([]CohortAge, len(c.Ages))}
	for k, a := range c.Ages {
		b := d.Ages[k]
		mrr, err := a.MRR.Add(b.MRR)
		if err != nil {
			return Cohort{}, fmt.Errorf("retention: add cohort %s: %w", c.Start, err)
		}
		base, err := a.Base.Add(b.Base)
		if err != nil {
			return Cohort{}, fmt.Errorf("retention: add cohort %s: %w", c.Start, err)
		}
		r.Ages[k] = CohortAge{Age: a.Age, Month: a.Month, Active: a.Active + b.Active, MRR: mrr, Base: base}
	}
	return r, nil
}

// AddCohorts merges two cohort tables (as Book.Cohorts returns them) of books
// over disjoint sets of customers with the same Options and a fixed range: a
// cohort present in both is added with Cohort.Add, one present in only one is
// kept, and the result is in Start order, equal to the table of the book of all
// the customers. Errors as for Cohort.Add.
func AddCohorts(a, b []Cohort) ([]Cohort, error) {
	out := make([]Cohort, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i].Start < b[j].Start:
			out = append(out, a[i].clone())
			i++
		case i == len(a) || b[j].Start < a[i].Start:
			out = append(out, b[j].clone())
			j++
		default:
			s, err := a[i].Add(b[j])
			if err != nil {
				return nil, err
			}
			out = append(out, s)
			i, j = i+1, j+1
		}
	}
	return out, nil
}

func (c Cohort) clone() Cohort {
	c.Ages = slices.Clone(c.Ages)
	return c
}
