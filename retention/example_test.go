package retention_test

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"github.com/successkit/cs/retention"
)

// ChartMogul's worked example: MRR 100 at the start, churn 10,
// contraction 10 (one of two subscriptions cancelled), expansion 10.
var chartMogul = `customer_id,subscription_id,month,mrr,currency
a,s1,2026-01,40,USD
a,s1,2026-02,50,USD
b,s1,2026-01,20,USD
b,s2,2026-01,10,USD
b,s1,2026-02,20,USD
c,s1,2026-01,10,USD
d,s1,2026-01,20,USD
d,s1,2026-02,20,USD
`

func ExampleReadMRR() {
	in := chartMogul + "e,s1,2026-13,5,USD\n"
	var recs []retention.Record
	for r, err := range retention.ReadMRR(strings.NewReader(in), "mrr.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		recs = append(recs, r)
	}
	b, err := retention.NewBook(recs, retention.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	first, last := b.Months()
	fmt.Println(len(recs), "records;", b.Customers(), first, last, b.Currency())
	// Output:
	// retention: mrr.csv:10: customer "e": month: "2026-13": invalid month, want YYYY-MM
	// 8 records; [a b c d] 2026-01 2026-02 USD
}

func ExampleReadBook() {
	b, err := retention.ReadBook(strings.NewReader(chartMogul+"e,s1,2026-13,5,USD\n"), "mrr.csv", retention.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	first, last := b.Months()
	fmt.Println(b.Customers(), first, last, b.Currency())
	fmt.Println(b.Bad(), "bad record:", b.Err())
	// Output:
	// [a b c d] 2026-01 2026-02 USD
	// 1 bad record: retention: mrr.csv:10: customer "e": month: "2026-13": invalid month, want YYYY-MM
}

func ExampleBook_Period() {
	b, _ := retention.ReadBook(strings.NewReader(chartMogul), "mrr.csv", retention.Options{})
	p, err := b.Period(retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("start", p.StartMRR, "end", p.EndMRR)
	fmt.Println("expansion", p.Expansion, "contraction", p.Contraction, "churn", p.Churn)
	fmt.Println("gross MRR churn", p.GrossMRRChurn(), "net MRR churn", p.NetMRRChurn())
	fmt.Println("GRR", p.GRR(), "NRR", p.NRR())
	fmt.Println("logo churn", p.LogoChurn(retention.ChartMogul), "quick ratio", p.QuickRatio().Percent(0))
	arpa, _ := p.ARPA().Decimal(2)
	fmt.Println("ARPA", arpa)
	// Output:
	// start 100.00 USD end 90.00 USD
	// expansion 10.00 USD contraction 10.00 USD churn 10.00 USD
	// gross MRR churn 20.00% net MRR churn 10.00%
	// GRR 80.00% NRR 90.00%
	// logo churn 25.00% quick ratio 50%
	// ARPA 30
}

func ExampleBook_Movements() {
	b, _ := retention.ReadBook(strings.NewReader(chartMogul), "mrr.csv", retention.Options{})
	ms, _ := b.Movements(retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02"))
	for _, m := range ms {
		fmt.Println(m.ID, m.Start, "→", m.End, "expansion", m.Expansion, "contraction", m.Contraction, "churn", m.Churn)
	}
	// Output:
	// a 40.00 USD → 50.00 USD expansion 10.00 USD contraction 0.00 USD churn 0.00 USD
	// b 30.00 USD → 20.00 USD expansion 0.00 USD contraction 10.00 USD churn 0.00 USD
	// c 10.00 USD → 0.00 USD expansion 0.00 USD contraction 0.00 USD churn 10.00 USD
	// d 20.00 USD → 20.00 USD expansion 0.00 USD contraction 0.00 USD churn 0.00 USD
}

func ExampleBook_Cohorts() {
	jan, feb, mar := retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02"), retention.MustParseMonth("2026-03")
	usd := func(s string) cs.Money { return cs.MustParseMoney(s + " USD") }
	b, _ := retention.NewBook([]retention.Record{
		{Customer: "a", Subscription: "s", Month: jan, MRR: usd("10")},
		{Customer: "a", Subscription: "s", Month: feb, MRR: usd("15")},
		{Customer: "a", Subscription: "s", Month: mar, MRR: usd("15")},
		{Customer: "b", Subscription: "s", Month: jan, MRR: usd("10")},
		{Customer: "c", Subscription: "s", Month: feb, MRR: usd("30")},
		{Customer: "c", Subscription: "s", Month: mar, MRR: usd("30")},
	}, retention.Options{})
	for _, c := range b.Cohorts() {
		fmt.Print(c.Start, " (", c.Customers, "):")
		for k := range c.Ages {
			fmt.Print(" age ", k, " logos ", c.LogoRetention(k), " NRR ", c.NRR(k), ";")
		}
		fmt.Println()
	}
	// Output:
	// 2026-01 (2): age 0 logos 100.00% NRR 100.00%; age 1 logos 50.00% NRR 75.00%; age 2 logos 50.00% NRR 75.00%;
	// 2026-02 (1): age 0 logos 100.00% NRR 100.00%; age 1 logos 100.00% NRR 100.00%;
}

// A book in USD with EUR customers: the EUR customer's MRR did not change, but the
// rate did, so the change shows as FX and not as expansion.
func ExampleNewBook_currencies() {
	jan, feb := retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02")
	recs := []retention.Record{
		{Customer: "de", Subscription: "s", Month: jan, MRR: cs.MustParseMoney("100 EUR")},
		{Customer: "de", Subscription: "s", Month: feb, MRR: cs.MustParseMoney("100 EUR")},
		{Customer: "us", Subscription: "s", Month: jan, MRR: cs.MustParseMoney("50 USD")},
		{Customer: "us", Subscription: "s", Month: feb, MRR: cs.MustParseMoney("60 USD")},
	}
	if _, err := retention.NewBook(recs, retention.Options{}); err != nil {
		fmt.Println(err)
	}
	b, err := retention.NewBook(recs, retention.Options{Currency: "USD", Rates: []retention.Rate{
		{From: "EUR", Month: jan, Rate: decimal.RequireFromString("1.10")},
		{From: "EUR", Month: feb, Rate: decimal.RequireFromString("1.20")},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := b.Period(jan, feb)
	fmt.Println("start", p.StartMRR, "FX", p.FX, "expansion", p.Expansion, "end", p.EndMRR)
	fmt.Println("NRR at constant currency", p.NRR())
	// Output:
	// retention: records in EUR, USD with no reporting currency: currency mismatch
	// start 160.00 USD FX 10.00 USD expansion 10.00 USD end 180.00 USD
	// NRR at constant currency 105.88%
}

// ChartMogul's logo churn example: 100 customers at the start, 11 cancel, one of whom joined in the
// period; the conventions of the vendors differ on that one.
func ExampleConvention() {
	p := retention.Period{StartCustomers: 100, LostCustomers: 10, JoinedAndLeft: 1}
	for _, c := range []retention.Convention{retention.ChartMogul, retention.Stripe, retention.ProfitWell} {
		fmt.Println(c, p.LogoChurn(c), "acquired", p.AcquiredCustomers(c))
	}
	// Output:
	// chartmogul 10.00% acquired 1
	// stripe 11.00% acquired 1
	// profitwell 10.00% acquired 0
}

// The customer retention rate (E − N) ÷ S against the starting cohort: S = 100, 10 of them churn, N = 20 new of whom 5 churn, E = 105.
func ExamplePeriod_CustomerRetention() {
	p := retention.Period{StartCustomers: 100, LostCustomers: 10, EndCustomers: 105, NewCustomers: 15, JoinedAndLeft: 5}
	fmt.Println("(E − N) ÷ S", p.CustomerRetention(), "starting cohort", p.StartingCohortRetention())
	// Output:
	// (E − N) ÷ S 85.00% starting cohort 90.00%
}

// ChartMogul's LTV: ARPA $100 and customer churn 5% → LTV $2,000; with
// an 80% gross margin, $1,600. At zero churn the LTV is undefined, not infinite.
func ExampleLTV() {
	churn := retention.NewRatio(decimal.NewFromInt(5), decimal.NewFromInt(100))
	ltv, _ := retention.LTV(cs.MustParseMoney("100 USD"), decimal.NewFromInt(1), churn)
	withMargin, _ := retention.LTV(cs.MustParseMoney("100 USD"), decimal.RequireFromString("0.8"), churn)
	_, err := retention.LTV(cs.MustParseMoney("100 USD"), decimal.NewFromInt(1), retention.NewRatio(decimal.Zero, decimal.NewFromInt(100)))
	fmt.Println(ltv, withMargin)
	fmt.Println(err)
	// Output:
	// 2000.00 USD 1600.00 USD
	// retention: ltv at churn 0.00%: undefined
}

func ExamplePeriod_LTV() {
	p := retention.Period{EndMRR: cs.MustParseMoney("1900 USD"), StartCustomers: 20, EndCustomers: 19, LostCustomers: 1}
	ltv, err := p.LTV(retention.ChartMogul, decimal.NewFromInt(1))
	fmt.Println(ltv, err)
	// Output:
	// 2000.00 USD <nil>
}

func ExampleCACPayback() {
	months, _ := retention.CACPayback(cs.MustParseMoney("800 USD"), cs.MustParseMoney("100 USD"), decimal.RequireFromString("0.8"))
	d, _ := months.Decimal(1)
	fmt.Println(d, "months")
	// Output:
	// 10 months
}

func ExampleRatio() {
	r := retention.NewRatio(decimal.NewFromInt(2), decimal.NewFromInt(3))
	f, ok := r.Float64()
	fmt.Println(r.Percent(1), f, ok)
	var empty retention.Ratio
	fmt.Println(empty.Defined(), empty)
	// Output:
	// 66.7% 0.6666666666666666 true
	// false undefined
}

func ExampleParseMonth() {
	m, err := retention.ParseMonth("2026-11")
	fmt.Println(m, m.Add(2), m.Year(), m.Month(), err)
	_, err = retention.ParseMonth("2026-1")
	fmt.Println(err)
	// Output:
	// 2026-11 2027-01 2026 November <nil>
	// retention: month "2026-1": invalid month, want YYYY-MM
}

// Fader & Hardie (2007): the "high end" cohort → α ≈ 0.668, β ≈ 3.806.
func ExampleFitSBG() {
	m, err := retention.FitSBG([]float64{1000, 869, 743, 653, 593, 551, 517, 491})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("α %.3f β %.3f loglik %.2f\n", m.Alpha, m.Beta, m.LogLik)
	fmt.Printf("retention in year 8 %.3f, survival after 8 years %.3f\n", m.Retention(8), m.Survival(8))
	for _, s := range m.Project(7, 3) {
		fmt.Printf("%.3f ", s)
	}
	fmt.Println()
	// Output:
	// α 0.668 β 3.806 loglik -1611.16
	// retention in year 8 0.942, survival after 8 years 0.460
	// 0.460 0.436 0.414
}

func ExampleSBG_Value() {
	m := retention.SBG{Alpha: 0.668, Beta: 3.806}
	derl, _ := m.DERL(0.1, 0)
	v, _ := m.Value(cs.MustParseMoney("100 USD"), 0.1, 0)
	fmt.Printf("DERL %.3f, value %s\n", derl, v)
	// Output:
	// DERL 5.415, value 541.49 USD
}

// The subscription customer-service article: 200 new customers a year, half of
// each cohort kept.
func ExampleInflow() {
	f := retention.Inflow{New: decimal.NewFromInt(200), Retention: decimal.RequireFromString("0.5")}
	sim, _ := f.Simulate(3)
	for t := 1; t <= 3; t++ {
		a, _ := f.Active(t)
		d, _ := a.Decimal(0)
		fmt.Println("year", t, d, sim[t-1])
	}
	l, _ := f.Limit()
	d, _ := l.Decimal(0)
	fmt.Println("limit", d)
	// Output:
	// year 1 200 200
	// year 2 300 300
	// year 3 350 350
	// limit 400
}

// Razavi (2019): a phone contract with a cancellation fee except in one month every two
// years fails criterion 2.
func ExampleChecker_Check() {
	k, _ := retention.NewChecker(retention.Thresholds{})
	o, err := retention.DecodeOffering(strings.NewReader(`{"name": "phone contract",
		"pricing": "subscription", "cancel_any_time": true, "cancellation_fee": "9500 JPY",
		"fee_months": {"cycle": 24, "free": [24]}, "recurring_charge": "7000 JPY"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := k.Check(o, cs.MustParseDate("2026-06-30"))
	fmt.Println(a.Offering, "→", a.Verdict)
	f := a.Criteria[1]
	fmt.Println(f.Criterion, f.Name, "→", f.Verdict)
	fmt.Println(f.Reasons[1])
	fmt.Println(f.Changes[0])
	// Output:
	// phone contract → not met
	// 2 free to stop at any time, very low initial cost → not met
	// cancelling costs 9500 JPY in 23 of every 24 months
	// drop the cancellation fee
}

func ExampleDecodeOfferings() {
	_, err := retention.DecodeOfferings(strings.NewReader(`[{"name": "a"}, {"name": "b", "uses_per_mnth": 3}]`))
	fmt.Println(err)
	// Output:
	// retention: [1].uses_per_mnth: unknown field
}

func ExampleOffering_Validate() {
	o := retention.Offering{Name: "x", FeeMonths: &retention.FeeMonths{Cycle: 12, Free: []int{13}}}
	fmt.Println(o.Validate())
	// Output:
	// retention: fee_months.free[0]: "13": invalid option: want 1..12
}

func ExampleDefaultThresholds() {
	fmt.Printf("%+v\n", retention.DefaultThresholds())
	// Output:
	// {MinUsesPerMonth:4 MaxNoticeDays:31 MaxCancellationFeeRatio:0 MaxInitialCostRatio:1 MaxDaysSinceRelease:90 MinReleasesPerYear:4}
}

func ExampleBook_MRR() {
	b, _ := retention.ReadBook(strings.NewReader(chartMogul), "mrr.csv", retention.Options{})
	m, ok := b.MRR("b", retention.MustParseMonth("2026-01"))
	fmt.Println(m, ok, b.Exact())
	_, ok = b.MRR("zz", retention.MustParseMonth("2026-01"))
	fmt.Println(ok)
	// Output:
	// 30.00 USD true false
	// false
}

func ExampleMonthOf() {
	fmt.Println(retention.MonthOf(cs.MustParseDate("2026-06-30")), retention.NewMonth(2026, 7))
	// Output:
	// 2026-06 2026-07
}

func ExampleAssessment_Changes() {
	k, _ := retention.NewChecker(retention.Thresholds{MinUsesPerMonth: 8})
	a, _ := k.Check(retention.Offering{Name: "CD sales", Pricing: retention.Ownership}, cs.MustParseDate("2026-06-30"))
	fmt.Println(a.Verdict, k.Thresholds().MinUsesPerMonth)
	fmt.Println(a.Changes()[0])
	// Output:
	// not met 8
	// charge for the outcome (per use or by subscription) instead of selling ownership
}
