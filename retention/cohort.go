package retention

import (
	"github.com/successkit/cs"
)

// Cohort is the customers whose first paying month in the book is Start, followed
// month by month. Ages[k] is the cohort k months after Start (Ages[0] is Start
// itself), up to the book's last month.
//
// The cohort of the book's first month holds every customer already paying then,
// whenever they really started: the book cannot see further back.
type Cohort struct {
	Start     Month       `json:"start"`     // the cohort's first paying month
	Customers int         `json:"customers"` // customers in the cohort
	Ages      []CohortAge `json:"ages"`      // the cohort at ages 0, 1, … up to the book's last month
}

// CohortAge is a cohort at one age: how many of its customers pay, their MRR, and
// the cohort's MRR at Start valued at this month's rates (Base, NRR's denominator,
// so that exchange-rate swings do not move NRR). Reactivated customers count again.
type CohortAge struct {
	Age    int      `json:"age"`    // months since Start
	Month  Month    `json:"month"`  // Start + Age
	Active int      `json:"active"` // cohort customers paying in Month
	MRR    cs.Money `json:"mrr"`    // their MRR in Month
	Base   cs.Money `json:"base"`   // the cohort's MRR at Start, at Month's rates
}

// LogoRetention is Active ÷ Customers of the cohort at age k; undefined for an age
// the book does not reach.
func (c Cohort) LogoRetention(k int) Ratio {
	if k < 0 || k >= len(c.Ages) {
		return Ratio{}
	}
	return ratioInt(int64(c.Ages[k].Active), int64(c.Customers))
}

// NRR is the cohort's net revenue retention at age k: MRR ÷ Base; undefined for an
// age the book does not reach or a cohort that started at zero MRR.
func (c Cohort) NRR(k int) Ratio {
	if k < 0 || k >= len(c.Ages) {
		return Ratio{}
	}
	return ratioMoney(c.Ages[k].MRR, c.Ages[k].Base)
}

// Cohorts returns the book's cohort table: one Cohort per month in which at least
// one customer first paid, in month order.
func (b *Book) Cohorts() []Cohort {
	if b.int64Path {
		return b.cohorts64()
	}
	return b.cohortsExact()
}
