package touch

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
)

// benchBook builds n accounts with LTVs spread over four orders of magnitude, ARR
// a tenth of the LTV, a few in EUR, and the state of a previous period, so that
// hysteresis and sticky owners are exercised.
func benchBook(n int) ([]Account, Policy) {
	p := Policy{
		Currency: "USD",
		Rates:    map[cs.Currency]decimal.Decimal{"EUR": decimal.RequireFromString("1.08")},
		High: TierPolicy{MinValue: usd("500000"), MaxAccounts: 40, MaxARR: usd("2000000"),
			CostToServe: usd("20000"), Method: LeastARR},
		Low:        TierPolicy{MinValue: usd("50000"), Headcount: 60, MaxAccounts: 400, CostToServe: usd("2000")},
		Tech:       TierPolicy{Headcount: 25, MaxAccounts: 2000},
		Hysteresis: Hysteresis{Margin: decimal.RequireFromString("0.1"), Periods: 3},
	}
	for i := range 250 {
		p.High.CSMs = append(p.High.CSMs, fmt.Sprintf("csm%03d", i))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	prev := cs.MustParseDate("2026-05-31")
	accs := make([]Account, n)
	for i := range accs {
		a := &accs[i]
		a.ID = fmt.Sprintf("C%07d", i)
		cents := int64(100 * (1000 + rng.ExpFloat64()*40000))
		cur := cs.Currency("USD")
		if i%10 == 0 {
			cur = "EUR"
		}
		a.Value, _ = cs.MoneyFromMinor(cents, cur)
		a.ARR, _ = cs.MoneyFromMinor(cents/10, cur)
		a.PreviousValue, _ = cs.MoneyFromMinor(cents*9/10, cur)
		a.State = State{Tier: Tier(1 + rng.IntN(3)), AsOf: prev}
		if a.State.Tier == High {
			a.State.Owner = p.High.CSMs[rng.IntN(len(p.High.CSMs))]
		}
	}
	return accs, p
}

// BenchmarkAssign1M is issue 6's budget: a million accounts, three tiers with
// capacity, hysteresis on; ≤ 500 ms on one core.
func BenchmarkAssign1M(b *testing.B) {
	accs, p := benchBook(1_000_000)
	a := MustCompile(p)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Assign(accs, asOf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(accs))*float64(b.N)/b.Elapsed().Seconds(), "accounts/s")
}
