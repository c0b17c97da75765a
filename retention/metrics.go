package retention

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// Movements are the changes of MRR over a period, by kind, after ChartMogul's
// definitions (DOMAIN.md §6), in the book's reporting currency. All amounts are
// non-negative; the identity
//
//	start + FX + New + Expansion + Reactivation − Contraction − Churn = end
//
// holds exactly for every customer and for the book.
//
// Movements are classified month by month from a customer's total MRR (the sum of
// its subscriptions), so cancelling one of several subscriptions is Contraction and
// only a drop to zero is Churn. A rise from zero is New in the customer's first
// paying month and Reactivation after it. In a multi-currency book each month's
// change is valued at that month's rates and FX carries the revaluation of the
// previous month's MRR, so exchange-rate swings never appear as movements.
type Movements struct {
	New          cs.Money // MRR of customers paying for the first time
	Expansion    cs.Money // increases of paying customers' MRR
	Contraction  cs.Money // decreases that leave MRR above zero
	Churn        cs.Money // MRR lost by customers dropping to zero
	Reactivation cs.Money // MRR of former customers paying again
	FX           cs.Money // revaluation of MRR by rate changes (may be negative)
}

// CustomerMovements is one customer's MRR at the start and end of a period and its
// movements in between.
type CustomerMovements struct {
	ID    string   // customer ID
	Start cs.Money // MRR in the period's first month, at that month's rates
	End   cs.Money // MRR in the period's last month, at that month's rates
	Movements
}

// Period is the report of a book over a period From → To: MRR and customers in the
// From month (the start) compared with the To month (the end), and what happened in
// the months after From up to and including To. A monthly report is From = m−1,
// To = m.
//
// Its methods compute the rates of DOMAIN.md §6 as exact Ratios, undefined (never 0
// or Inf) when the base is empty.
type Period struct {
	From, To Month    // the start and end months, From < To
	StartMRR cs.Money // MRR in From, at From's rates
	EndMRR   cs.Money // MRR in To, at To's rates
	Movements

	// Constant-currency sums over the customers paying in From, both months valued
	// at To's rates (in a one-currency book BaseMRR equals StartMRR).
	BaseMRR     cs.Money // Σ MRR(From)
	RetainedMRR cs.Money // Σ min(MRR(To), MRR(From)): GRR's numerator
	KeptMRR     cs.Money // Σ MRR(To): NRR's numerator

	// Customers (logos).
	StartCustomers       int // paying in From
	EndCustomers         int // paying in To
	LostCustomers        int // paying in From, not in To
	NewCustomers         int // not paying in From, paying in To, first payment after From
	ReactivatedCustomers int // not paying in From, paying in To, paid before From
	// JoinedAndLeft counts customers paying in neither From nor To who paid in a
	// month in between: the customers the vendors' logo-churn conventions disagree
	// on. It is always 0 for a one-month period of monthly data.
	JoinedAndLeft int
}

// customerMoves holds one customer's period in the ops' number type.
type customerMoves[T any] struct {
	start, end, newB, exp, con, churn, react, fx T
	base, retained, kept                         T
	paidBetween                                  bool
}

func moves[T any, O ops[T]](o O, b *Book, c, i0, i1 int) customerMoves[T] {
	var r customerMoves[T]
	r.start = o.at(c, i0, i0)
	prev := r.start
	for k := i0 + 1; k <= i1; k++ {
		cur := o.at(c, k, k)
		prevNow := o.at(c, k-1, k) // last month's MRR at this month's rates
		r.fx = o.add(r.fx, o.sub(prevNow, prev))
		switch d := o.cmp(cur, prevNow); {
		case o.sign(prevNow) == 0 && o.sign(cur) > 0:
			if int(b.firstPay[c]) == k {
				r.newB = o.add(r.newB, cur)
			} else {
				r.react = o.add(r.react, cur)
			}
		case o.sign(cur) == 0 && o.sign(prevNow) > 0:
			r.churn = o.add(r.churn, prevNow)
		case d > 0:
			r.exp = o.add(r.exp, o.sub(cur, prevNow))
		case d < 0:
			r.con = o.add(r.con, o.sub(prevNow, cur))
		}
		if k < i1 && o.sign(cur) > 0 {
			r.paidBetween = true
		}
		prev = cur
	}
	r.end = prev
	if o.sign(r.start) > 0 {
		r.base = o.at(c, i0, i1)
		r.kept = r.end
		r.retained = r.end
		if o.cmp(r.base, r.end) < 0 {
			r.retained = r.base
		}
	}
	return r
}

// span checks a period and returns its month indices.
func (b *Book) span(from, to Month) (int, int, error) {
	last := b.first.Add(b.n - 1)
	if from >= to || from < b.first || to > last {
		return 0, 0, fmt.Errorf("retention: period %s to %s (book %s to %s): %w", from, to, b.first, last, ErrPeriod)
	}
	return int(from - b.first), int(to - b.first), nil
}

// Period returns the book's report from month from to month to (to after from,
// both within the book). The error wraps ErrPeriod otherwise.
func (b *Book) Period(from, to Month) (Period, error) {
	i0, i1, err := b.span(from, to)
	if err != nil {
		return Period{}, err
	}
	if b.fast != nil {
		o := b.fastOps()
		p := period[int64](o, b, i0, i1)
		if !o.overflowed() {
			return p, nil
		}
		b = b.exactCopy()
	}
	return period[decimal.Decimal](b.exactOps(), b, i0, i1), nil
}

func period[T any, O ops[T]](o O, b *Book, i0, i1 int) Period {
	var s customerMoves[T]
	p := Period{From: b.first.Add(i0), To: b.first.Add(i1)}
	for c := range b.ids {
		r := moves[T](o, b, c, i0, i1)
		s.start = o.add(s.start, r.start)
		s.end = o.add(s.end, r.end)
		s.newB = o.add(s.newB, r.newB)
		s.exp = o.add(s.exp, r.exp)
		s.con = o.add(s.con, r.con)
		s.churn = o.add(s.churn, r.churn)
		s.react = o.add(s.react, r.react)
		s.fx = o.add(s.fx, r.fx)
		s.base = o.add(s.base, r.base)
		s.retained = o.add(s.retained, r.retained)
		s.kept = o.add(s.kept, r.kept)
		inStart, inEnd := o.sign(r.start) > 0, o.sign(r.end) > 0
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
	p.StartMRR, p.EndMRR = o.money(s.start), o.money(s.end)
	p.New, p.Expansion, p.Contraction = o.money(s.newB), o.money(s.exp), o.money(s.con)
	p.Churn, p.Reactivation, p.FX = o.money(s.churn), o.money(s.react), o.money(s.fx)
	p.BaseMRR, p.RetainedMRR, p.KeptMRR = o.money(s.base), o.money(s.retained), o.money(s.kept)
	return p
}

// Movements returns every customer's movements from month from to month to,
// sorted by customer ID (customers with no MRR in the whole period included, with
// zero amounts). The error wraps ErrPeriod for a period outside the book.
func (b *Book) Movements(from, to Month) ([]CustomerMovements, error) {
	i0, i1, err := b.span(from, to)
	if err != nil {
		return nil, err
	}
	if b.fast != nil {
		o := b.fastOps()
		out := customerMovements[int64](o, b, i0, i1)
		if !o.overflowed() {
			return out, nil
		}
		b = b.exactCopy()
	}
	return customerMovements[decimal.Decimal](b.exactOps(), b, i0, i1), nil
}

func customerMovements[T any, O ops[T]](o O, b *Book, i0, i1 int) []CustomerMovements {
	out := make([]CustomerMovements, len(b.ids))
	for c, id := range b.ids {
		r := moves[T](o, b, c, i0, i1)
		out[c] = CustomerMovements{ID: id, Start: o.money(r.start), End: o.money(r.end), Movements: Movements{
			New: o.money(r.newB), Expansion: o.money(r.exp), Contraction: o.money(r.con),
			Churn: o.money(r.churn), Reactivation: o.money(r.react), FX: o.money(r.fx),
		}}
	}
	return out
}

func ratioMoney(num, den cs.Money) Ratio { return Ratio{Num: num.Amount(), Den: den.Amount()} }

// GrossMRRChurn is (Churn + Contraction) ÷ StartMRR (ChartMogul; DOMAIN.md §6:
// start 100, churn 10, contraction 10 → 20%).
func (p Period) GrossMRRChurn() Ratio {
	return Ratio{Num: p.Churn.Amount().Add(p.Contraction.Amount()), Den: p.StartMRR.Amount()}
}

// NetMRRChurn is (Churn + Contraction − Expansion − Reactivation) ÷ StartMRR
// (ChartMogul; DOMAIN.md §6: start 100, churn 10, contraction 10, expansion 10 →
// 10%). It is negative when expansion outgrows losses ("negative churn").
func (p Period) NetMRRChurn() Ratio {
	n := p.Churn.Amount().Add(p.Contraction.Amount()).Sub(p.Expansion.Amount()).Sub(p.Reactivation.Amount())
	return Ratio{Num: n, Den: p.StartMRR.Amount()}
}

// GRR is gross revenue retention, Σ min(MRR(To), MRR(From)) ÷ Σ MRR(From) over the
// customers paying in From, capped per customer so it never exceeds 100% (SaaS
// Capital; DOMAIN.md §6). It is computed at constant currency (To's rates).
func (p Period) GRR() Ratio { return ratioMoney(p.RetainedMRR, p.BaseMRR) }

// NRR is net revenue retention, Σ MRR(To) ÷ Σ MRR(From) over the customers paying
// in From: new customers are excluded, expansion counts (SaaS Capital; DOMAIN.md
// §6). It is computed at constant currency (To's rates). GRR ≤ NRR always.
func (p Period) NRR() Ratio { return ratioMoney(p.KeptMRR, p.BaseMRR) }

// Convention selects how customers who joined and left inside the period
// (Period.JoinedAndLeft) count in logo churn (DOMAIN.md §6).
type Convention uint8

const (
	// ChartMogul (the default, the zero value) leaves them out of churn and counts
	// them as new: "Number of customers who churned in period (excluding any
	// customers who both joined & churned in the period) / Total number of customers
	// at start of period" (ChartMogul Help Center, "Metric: Customer Churn rate",
	// B2B formula).
	ChartMogul Convention = iota
	// Stripe counts them both as new and as churned.
	Stripe
	// ProfitWell ignores them: neither new nor churned.
	ProfitWell
)

// String returns "chartmogul", "stripe" or "profitwell".
func (c Convention) String() string {
	switch c {
	case ChartMogul:
		return "chartmogul"
	case Stripe:
		return "stripe"
	case ProfitWell:
		return "profitwell"
	}
	return fmt.Sprintf("Convention(%d)", uint8(c))
}

// ChurnedCustomers returns the customers lost in the period under a convention:
// LostCustomers (paying in From, not in To), plus JoinedAndLeft under Stripe. A
// customer who left and came back inside the period is not lost.
func (p Period) ChurnedCustomers(c Convention) int {
	if c == Stripe {
		return p.LostCustomers + p.JoinedAndLeft
	}
	return p.LostCustomers
}

// AcquiredCustomers returns the customers gained in the period under a
// convention: NewCustomers + ReactivatedCustomers, plus JoinedAndLeft unless
// ProfitWell.
func (p Period) AcquiredCustomers(c Convention) int {
	n := p.NewCustomers + p.ReactivatedCustomers
	if c != ProfitWell {
		n += p.JoinedAndLeft
	}
	return n
}

// LogoChurn is ChurnedCustomers(c) ÷ StartCustomers (DOMAIN.md §6: 100 at start, 11
// cancel, 1 of them joined this month → 10% under ChartMogul, 11% under Stripe).
func (p Period) LogoChurn(c Convention) Ratio {
	return ratioInt(int64(p.ChurnedCustomers(c)), int64(p.StartCustomers))
}

// CustomerRetention is the customer retention rate (E − N) ÷ S with S =
// StartCustomers, E = EndCustomers and N = every customer acquired in the period
// (AcquiredCustomers(ChartMogul), those gone again by the end included). Because N
// counts new customers who left again while E does not hold them, it falls short of
// the starting cohort's own retention (StartingCohortRetention) by JoinedAndLeft ÷
// S: DOMAIN.md §6, S = 100, 10 churn, N = 20 of whom 5 churn, E = 105 → 85%, while
// the starting cohort kept 90%.
func (p Period) CustomerRetention() Ratio {
	return ratioInt(int64(p.EndCustomers-p.AcquiredCustomers(ChartMogul)), int64(p.StartCustomers))
}

// StartingCohortRetention is the share of the customers paying in From still paying
// in To: (S − LostCustomers) ÷ S.
func (p Period) StartingCohortRetention() Ratio {
	return ratioInt(int64(p.StartCustomers-p.LostCustomers), int64(p.StartCustomers))
}

// QuickRatio is (New + Expansion + Reactivation) ÷ (Contraction + Churn)
// (Baremetrics' SaaS quick ratio, reactivation included); undefined with no losses.
func (p Period) QuickRatio() Ratio {
	n := p.New.Amount().Add(p.Expansion.Amount()).Add(p.Reactivation.Amount())
	return Ratio{Num: n, Den: p.Contraction.Amount().Add(p.Churn.Amount())}
}

// ARPA is the average revenue per account in To: EndMRR ÷ EndCustomers, exact as
// a Ratio (round it with Money for display).
func (p Period) ARPA() Ratio {
	return Ratio{Num: p.EndMRR.Amount(), Den: decimal.NewFromInt(int64(p.EndCustomers))}
}
