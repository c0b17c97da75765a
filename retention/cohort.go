package retention

import (
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// Cohort is the customers whose first paying month in the book is Start, followed
// month by month. Ages[k] is the cohort k months after Start (Ages[0] is Start
// itself), up to the book's last month.
//
// The cohort of the book's first month holds every customer already paying then,
// whenever they really started: the book cannot see further back.
type Cohort struct {
	Start     Month       // the cohort's first paying month
	Customers int         // customers in the cohort
	Ages      []CohortAge // the cohort at ages 0, 1, … up to the book's last month
}

// CohortAge is a cohort at one age: how many of its customers pay, their MRR, and
// the cohort's MRR at Start valued at this month's rates (Base, NRR's denominator,
// so that exchange-rate swings do not move NRR). Reactivated customers count again.
type CohortAge struct {
	Age    int      // months since Start
	Month  Month    // Start + Age
	Active int      // cohort customers paying in Month
	MRR    cs.Money // their MRR in Month
	Base   cs.Money // the cohort's MRR at Start, at Month's rates
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
	if b.fast != nil {
		o := b.fastOps()
		out := cohorts[int64](o, b)
		if !o.overflowed() {
			return out
		}
		b = b.exactCopy()
	}
	return cohorts[decimal.Decimal](b.exactOps(), b)
}

func cohorts[T any, O ops[T]](o O, b *Book) []Cohort {
	// Customers grouped by first paying month (counting sort keeps ID order).
	start := make([]int, b.n+1)
	for _, f := range b.firstPay {
		if f >= 0 {
			start[f+1]++
		}
	}
	for m := 0; m < b.n; m++ {
		start[m+1] += start[m]
	}
	members := make([]int32, start[b.n])
	fill := append([]int(nil), start[:b.n]...)
	for c, f := range b.firstPay {
		if f >= 0 {
			members[fill[f]] = int32(c)
			fill[f]++
		}
	}
	var out []Cohort
	mrr := make([]T, b.n)
	base := make([]T, b.n)
	active := make([]int, b.n)
	for s := 0; s < b.n; s++ {
		g := members[start[s]:start[s+1]]
		if len(g) == 0 {
			continue
		}
		ages := b.n - s
		clear(active[:ages])
		var zero T
		for k := 0; k < ages; k++ {
			mrr[k], base[k] = zero, zero
		}
		for _, c := range g {
			for k := 0; k < ages; k++ {
				v := o.at(int(c), s+k, s+k)
				if o.sign(v) > 0 {
					active[k]++
					mrr[k] = o.add(mrr[k], v)
				}
				base[k] = o.add(base[k], o.at(int(c), s, s+k))
			}
		}
		co := Cohort{Start: b.first.Add(s), Customers: len(g), Ages: make([]CohortAge, ages)}
		for k := range co.Ages {
			co.Ages[k] = CohortAge{Age: k, Month: b.first.Add(s + k), Active: active[k], MRR: o.money(mrr[k]), Base: o.money(base[k])}
		}
		out = append(out, co)
	}
	return out
}
