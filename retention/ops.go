package retention

import (
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// exactOps is the book's arithmetic in exact decimals: for books of several
// currencies (amounts are converted only here, at the edge) and for sums that
// could overflow int64. It reads the same int64 cells as the int64 path.
type exactOps struct{ b *Book }

// at returns customer c's MRR in month m valued at the rates of month r.
func (o exactOps) at(c, m, r int) decimal.Decimal {
	b := o.b
	lo, n := b.span(c)
	k := m - lo
	if uint(k) >= uint(n) {
		return decimal.Decimal{}
	}
	var s decimal.Decimal
	base := int(b.off[c]) + k
	lines := 1
	if b.custLine != nil {
		lines = int(b.custLine[c+1] - b.custLine[c])
	}
	for j := range lines {
		v := b.cells[base+j*n]
		if v == 0 {
			continue
		}
		cur := 0
		if b.lineCur != nil {
			cur = int(b.lineCur[int(b.custLine[c])+j])
		}
		d := decimal.New(v, -b.curs[cur].scale)
		if cur != 0 {
			d = d.Mul(b.curs[cur].rates[r])
		}
		s = s.Add(d)
	}
	return s
}

func (o exactOps) money(x decimal.Decimal) cs.Money {
	if x.IsZero() {
		return o.b.zero
	}
	m, _ := cs.NewMoney(x, o.b.currency)
	return m
}

// customerMoves holds one customer's period, or a sum of them, in decimals.
type customerMoves struct {
	start, end, newB, exp, con, churn, react, fx decimal.Decimal
	base, retained, kept                         decimal.Decimal
	paidBetween                                  bool
}

func (s *customerMoves) add(r *customerMoves) {
	s.start = s.start.Add(r.start)
	s.end = s.end.Add(r.end)
	s.newB = s.newB.Add(r.newB)
	s.exp = s.exp.Add(r.exp)
	s.con = s.con.Add(r.con)
	s.churn = s.churn.Add(r.churn)
	s.react = s.react.Add(r.react)
	s.fx = s.fx.Add(r.fx)
	s.base = s.base.Add(r.base)
	s.retained = s.retained.Add(r.retained)
	s.kept = s.kept.Add(r.kept)
}

// moves classifies customer c's movements month by month from i0 to i1, each
// month's change valued at that month's rates and the revaluation of the
// previous month's MRR reported as FX.
func (o exactOps) moves(c, i0, i1 int) customerMoves {
	b := o.b
	var r customerMoves
	r.start = o.at(c, i0, i0)
	prev := r.start
	for k := i0 + 1; k <= i1; k++ {
		cur := o.at(c, k, k)
		prevNow := o.at(c, k-1, k) // last month's MRR at this month's rates
		r.fx = r.fx.Add(prevNow.Sub(prev))
		switch d := cur.Cmp(prevNow); {
		case prevNow.Sign() == 0 && cur.Sign() > 0:
			if int(b.firstPay[c]) == k {
				r.newB = r.newB.Add(cur)
			} else {
				r.react = r.react.Add(cur)
			}
		case cur.Sign() == 0 && prevNow.Sign() > 0:
			r.churn = r.churn.Add(prevNow)
		case d > 0:
			r.exp = r.exp.Add(cur.Sub(prevNow))
		case d < 0:
			r.con = r.con.Add(prevNow.Sub(cur))
		}
		if k < i1 && cur.Sign() > 0 {
			r.paidBetween = true
		}
		prev = cur
	}
	r.end = prev
	if r.start.Sign() > 0 {
		r.base = o.at(c, i0, i1)
		r.kept = r.end
		r.retained = decimal.Min(r.base, r.end)
	}
	return r
}

// periodExact is Period in exact decimals.
func (b *Book) periodExact(i0, i1 int) Period {
	o := exactOps{b}
	type part struct {
		s customerMoves
		p Period
	}
	parts := make([]part, max(1, b.workers))
	w := b.run(b.Len(), func(k, c0, c1 int) {
		var s customerMoves
		var p Period
		for c := c0; c < c1; c++ {
			r := o.moves(c, i0, i1)
			s.add(&r)
			inStart, inEnd := r.start.Sign() > 0, r.end.Sign() > 0
			switch {
			case inStart && inEnd:
				p.StartCustomers++
				p.EndCustomers++
			case inStart:
				p.StartCustomers++
				p.LostCustomers++
			case inEnd:
				p.EndCustomers++
				if int(b.firstPay[c]) > i0 {
					p.NewCustomers++
				} else {
					p.ReactivatedCustomers++
				}
			case r.paidBetween:
				p.JoinedAndLeft++
			}
		}
		parts[k] = part{s, p}
	})
	var s customerMoves
	p := Period{From: b.first.Add(i0), To: b.first.Add(i1)}
	for _, q := range parts[:w] {
		s.add(&q.s)
		p.StartCustomers += q.p.StartCustomers
		p.EndCustomers += q.p.EndCustomers
		p.LostCustomers += q.p.LostCustomers
		p.NewCustomers += q.p.NewCustomers
		p.ReactivatedCustomers += q.p.ReactivatedCustomers
		p.JoinedAndLeft += q.p.JoinedAndLeft
	}
	p.StartMRR, p.EndMRR = o.money(s.start), o.money(s.end)
	p.New, p.Expansion, p.Contraction = o.money(s.newB), o.money(s.exp), o.money(s.con)
	p.Churn, p.Reactivation, p.FX = o.money(s.churn), o.money(s.react), o.money(s.fx)
	p.BaseMRR, p.RetainedMRR, p.KeptMRR = o.money(s.base), o.money(s.retained), o.money(s.kept)
	return p
}

// movementsExact is Movements in exact decimals.
func (b *Book) movementsExact(i0, i1 int) []CustomerMovements {
	o := exactOps{b}
	out := make([]CustomerMovements, b.Len())
	ids := string(b.idBuf)
	b.run(b.Len(), func(_, c0, c1 int) {
		for c := c0; c < c1; c++ {
			r := o.moves(c, i0, i1)
			idLo := 0
			if c > 0 {
				idLo = b.idEnd[c-1]
			}
			out[c] = CustomerMovements{ID: ids[idLo:b.idEnd[c]], Start: o.money(r.start), End: o.money(r.end), Movements: Movements{
				New: o.money(r.newB), Expansion: o.money(r.exp), Contraction: o.money(r.con),
				Churn: o.money(r.churn), Reactivation: o.money(r.react), FX: o.money(r.fx),
			}}
		}
	})
	return out
}

// cohortsExact is Cohorts in exact decimals: a cohort's Base at age k is its
// customers' MRR at Start valued at the rates of Start + k.
func (b *Book) cohortsExact() []Cohort {
	o := exactOps{b}
	n := b.n
	size := tri(n, n)
	type table struct {
		customers, active []int
		mrr, base         []decimal.Decimal
	}
	parts := make([]table, max(1, b.workers))
	w := b.run(b.Len(), func(k, c0, c1 int) {
		t := table{customers: make([]int, n), active: make([]int, size), mrr: make([]decimal.Decimal, size), base: make([]decimal.Decimal, size)}
		for c := c0; c < c1; c++ {
			fp := int(b.firstPay[c])
			if fp < 0 {
				continue
			}
			t.customers[fp]++
			off := tri(n, fp)
			for a := 0; fp+a < n; a++ {
				v := o.at(c, fp+a, fp+a)
				if v.Sign() > 0 {
					t.active[off+a]++
					t.mrr[off+a] = t.mrr[off+a].Add(v)
				}
				t.base[off+a] = t.base[off+a].Add(o.at(c, fp, fp+a))
			}
		}
		parts[k] = t
	})
	t := parts[0]
	for _, p := range parts[1:w] {
		for i, v := range p.customers {
			t.customers[i] += v
		}
		for i := range p.active {
			t.active[i] += p.active[i]
			t.mrr[i] = t.mrr[i].Add(p.mrr[i])
			t.base[i] = t.base[i].Add(p.base[i])
		}
	}
	var out []Cohort
	for s := range n {
		if t.customers[s] == 0 {
			continue
		}
		off := tri(n, s)
		co := Cohort{Start: b.first.Add(s), Customers: t.customers[s], Ages: make([]CohortAge, n-s)}
		for k := range co.Ages {
			co.Ages[k] = CohortAge{Age: k, Month: b.first.Add(s + k), Active: t.active[off+k], MRR: o.money(t.mrr[off+k]), Base: o.money(t.base[off+k])}
		}
		out = append(out, co)
	}
	return out
}
