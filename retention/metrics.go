package retention

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// Movements are the changes of MRR over a period, by kind, after ChartMogul's
// definitions, in the book's reporting currency. All amounts are
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
	New          cs.Money `json:"new"`          // MRR of customers paying for the first time
	Expansion    cs.Money `json:"expansion"`    // increases of paying customers' MRR
	Contraction  cs.Money `json:"contraction"`  // decreases that leave MRR above zero
	Churn        cs.Money `json:"churn"`        // MRR lost by customers dropping to zero
	Reactivation cs.Money `json:"reactivation"` // MRR of former customers paying again
	FX           cs.Money `json:"fx"`           // revaluation of MRR by rate changes (may be negative)
}

// CustomerMovements is one customer's MRR at the start and end of a period and its
// movements in between.
type CustomerMovements struct {
	ID    string   `json:"id"`    // customer ID
	Start cs.Money `json:"start"` // MRR in the period's first month, at that month's rates
	End   cs.Money `json:"end"`   // MRR in the period's last month, at that month's rates
	Movements
}

// Period is the report of a book over a period From → To: MRR and customers in the
// From month (the start) compared with the To month (the end), and what happened in
// the months after From up to and including To. A monthly report is From = m−1,
// To = m.
//
// Its methods compute the rates of ChartMogul, SaaS Capital and Baremetrics as
// exact Ratios, undefined (never 0 or Inf) when the base is empty.
type Period struct {
	From     Month    `json:"from"`      // the start month
	To       Month    `json:"to"`        // the end month, after From
	StartMRR cs.Money `json:"start_mrr"` // MRR in From, at From's rates
	EndMRR   cs.Money `json:"end_mrr"`   // MRR in To, at To's rates
	Movements

	// Constant-currency sums over the customers paying in From, both months valued
	// at To's rates (in a one-currency book BaseMRR equals StartMRR).
	BaseMRR     cs.Money `json:"base_mrr"`     // Σ MRR(From)
	RetainedMRR cs.Money `json:"retained_mrr"` // Σ min(MRR(To), MRR(From)): GRR's numerator
	KeptMRR     cs.Money `json:"kept_mrr"`     // Σ MRR(To): NRR's numerator

	// Customers (logos).
	StartCustomers       int `json:"start_customers"`       // paying in From
	EndCustomers         int `json:"end_customers"`         // paying in To
	LostCustomers        int `json:"lost_customers"`        // paying in From, not in To
	NewCustomers         int `json:"new_customers"`         // not paying in From, paying in To, first payment after From
	ReactivatedCustomers int `json:"reactivated_customers"` // not paying in From, paying in To, paid before From
	// JoinedAndLeft counts customers paying in neither From nor To who paid in a
	// month in between: the customers the vendors' logo-churn conventions disagree
	// on. It is always 0 for a one-month period of monthly data.
	JoinedAndLeft int `json:"joined_and_left"`
}

// months checks a period and returns its month indices.
func (b *Book) months(from, to Month) (int, int, error) {
	last := b.first.Add(b.n - 1)
	if from >= to || from < b.first || to > last {
		return 0, 0, fmt.Errorf("retention: period %s to %s (book %s to %s): %w", from, to, b.first, last, ErrPeriod)
	}
	return int(from - b.first), int(to - b.first), nil
}

// Period returns the book's report from month from to month to (to after from,
// both within the book). The error wraps ErrPeriod otherwise.
func (b *Book) Period(from, to Month) (Period, error) {
	i0, i1, err := b.months(from, to)
	if err != nil {
		return Period{}, err
	}
	if b.int64Path {
		return b.period64(i0, i1), nil
	}
	return b.periodExact(i0, i1), nil
}

// Movements returns every customer's movements from month from to month to,
// sorted by customer ID (customers with no MRR in the whole period included, with
// zero amounts). The error wraps ErrPeriod for a period outside the book.
func (b *Book) Movements(from, to Month) ([]CustomerMovements, error) {
	i0, i1, err := b.months(from, to)
	if err != nil {
		return nil, err
	}
	if b.int64Path {
		return b.movements64(i0, i1), nil
	}
	return b.movementsExact(i0, i1), nil
}

func ratioMoney(num, den cs.Money) Ratio { return Ratio{Num: num.Amount(), Den: den.Amount()} }

// GrossMRRChurn is (Churn + Contraction) ÷ StartMRR (ChartMogul:
// start 100, churn 10, contraction 10 → 20%).
func (p Period) GrossMRRChurn() Ratio {
	return Ratio{Num: p.Churn.Amount().Add(p.Contraction.Amount()), Den: p.StartMRR.Amount()}
}

// NetMRRChurn is (Churn + Contraction − Expansion − Reactivation) ÷ StartMRR
// (ChartMogul: start 100, churn 10, contraction 10, expansion 10 →
// 10%). It is negative when expansion outgrows losses ("negative churn").
func (p Period) NetMRRChurn() Ratio {
	n := p.Churn.Amount().Add(p.Contraction.Amount()).Sub(p.Expansion.Amount()).Sub(p.Reactivation.Amount())
	return Ratio{Num: n, Den: p.StartMRR.Amount()}
}

// GRR is gross revenue retention, Σ min(MRR(To), MRR(From)) ÷ Σ MRR(From) over the
// customers paying in From, capped per customer so it never exceeds 100% (SaaS
// Capital). It is computed at constant currency (To's rates).
func (p Period) GRR() Ratio { return ratioMoney(p.RetainedMRR, p.BaseMRR) }

// NRR is net revenue retention, Σ MRR(To) ÷ Σ MRR(From) over the customers paying
// in From: new customers are excluded, expansion counts (SaaS Capital). It is computed at constant currency (To's rates). GRR ≤ NRR always.
func (p Period) NRR() Ratio { return ratioMoney(p.KeptMRR, p.BaseMRR) }

// Convention selects how customers who joined and left inside the period
// (Period.JoinedAndLeft) count in logo churn.
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

// LogoChurn is ChurnedCustomers(c) ÷ StartCustomers (ChartMogul: 100 at start, 11
// cancel, 1 of them joined this month → 10% under ChartMogul, 11% under Stripe).
func (p Period) LogoChurn(c Convention) Ratio {
	return ratioInt(int64(p.ChurnedCustomers(c)), int64(p.StartCustomers))
}

// CustomerRetention is the customer retention rate (E − N) ÷ S with S =
// StartCustomers, E = EndCustomers and N = every customer acquired in the period
// (AcquiredCustomers(ChartMogul), those gone again by the end included). Because N
// counts new customers who left again while E does not hold them, it falls short of
// the starting cohort's own retention (StartingCohortRetention) by JoinedAndLeft ÷
// S: with S = 100, 10 churn, N = 20 of whom 5 churn, E = 105 → 85%, while
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
