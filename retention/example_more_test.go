package retention_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"github.com/successkit/cs/retention"
)

// chartMogulPeriod is the January → February report of the ChartMogul book of
// ChartMogul's worked example (start 100, churn 10, contraction 10, expansion 10,
// end 90).
func chartMogulPeriod() retention.Period {
	b, err := retention.ReadBook(strings.NewReader(chartMogul), "mrr.csv", retention.Options{})
	if err != nil {
		panic(err)
	}
	p, err := b.Period(retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02"))
	if err != nil {
		panic(err)
	}
	return p
}

// highEnd is the sBG model Fader & Hardie (2007) fit to their "high end" cohort.
var highEnd = retention.SBG{Alpha: 0.668, Beta: 3.806}

func ExampleBook_Err() {
	b, err := retention.ReadBook(strings.NewReader(chartMogul+"e,s1,2026-02,-5,USD\nf,s1,2026-02,5 USD,USD\n"), "mrr.csv", retention.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Err())
	fmt.Println(b.Bad(), "bad records; customers", b.Customers())
	// Output:
	// retention: mrr.csv:10: customer "e": mrr: "-5": negative
	// mrr.csv:11: customer "f": mrr: "5 USD": not a decimal
	// 2 bad records; customers [a b c d]
}

// Bad records cost a counter each: the error stays a few lines long.
func ExampleBook_Bad() {
	var recs []retention.Record
	jan := retention.MustParseMonth("2026-01")
	for i := range 1000 {
		recs = append(recs, retention.Record{Customer: fmt.Sprint("c", i), Subscription: "s", Month: jan, MRR: cs.MustParseMoney("-1 USD")})
	}
	recs = append(recs, retention.Record{Customer: "ok", Subscription: "s", Month: jan, MRR: cs.MustParseMoney("1 USD")})
	b, _ := retention.NewBook(recs, retention.Options{})
	lines := strings.Split(b.Err().Error(), "\n")
	fmt.Println(b.Bad(), "bad records,", len(lines), "lines:")
	fmt.Println(lines[0])
	fmt.Println(lines[len(lines)-1])
	// Output:
	// 1000 bad records, 11 lines:
	// retention: customer "c0": [0].mrr: "-1": negative
	// and 990 more problems
}

func ExampleBook_Currency() {
	b, _ := retention.ReadBook(strings.NewReader(chartMogul), "mrr.csv", retention.Options{})
	fmt.Println(b.Currency())
	// Output:
	// USD
}

func ExampleBook_Months() {
	b, _ := retention.ReadBook(strings.NewReader(chartMogul+"d,s1,2026-04,20,USD\n"), "mrr.csv", retention.Options{})
	first, last := b.Months()
	fmt.Println(first, "→", last)
	// Output:
	// 2026-01 → 2026-04
}

func ExampleBook_Customers() {
	b, _ := retention.ReadBook(strings.NewReader(chartMogul), "mrr.csv", retention.Options{})
	fmt.Println(b.Customers())
	// Output:
	// [a b c d]
}

// A one-currency book in whole cents runs on int64 minor units; a book converting
// EUR into USD works in exact decimals. The figures are the same either way.
func ExampleBook_Exact() {
	jan := retention.MustParseMonth("2026-01")
	cents, _ := retention.ReadBook(strings.NewReader(chartMogul), "mrr.csv", retention.Options{})
	converted, _ := retention.NewBook([]retention.Record{
		{Customer: "de", Subscription: "s", Month: jan, MRR: cs.MustParseMoney("100 EUR")},
		{Customer: "us", Subscription: "s", Month: jan, MRR: cs.MustParseMoney("50 USD")},
	}, retention.Options{Currency: "USD", Rates: []retention.Rate{{From: "EUR", Month: jan, Rate: decimal.RequireFromString("1.10")}}})
	fmt.Println("cents", cents.Exact(), "converted", converted.Exact())
	// Output:
	// cents false converted true
}

func ExampleCohort_LogoRetention() {
	jan, feb := retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02")
	usd := cs.MustParseMoney("10 USD")
	b, _ := retention.NewBook([]retention.Record{
		{Customer: "a", Subscription: "s", Month: jan, MRR: usd},
		{Customer: "a", Subscription: "s", Month: feb, MRR: usd},
		{Customer: "b", Subscription: "s", Month: jan, MRR: usd},
		{Customer: "c", Subscription: "s", Month: jan, MRR: usd},
		{Customer: "c", Subscription: "s", Month: feb, MRR: usd},
		{Customer: "d", Subscription: "s", Month: jan, MRR: usd},
	}, retention.Options{})
	c := b.Cohorts()[0]
	fmt.Println(c.LogoRetention(0), c.LogoRetention(1), c.LogoRetention(2))
	// Output:
	// 100.00% 50.00% undefined
}

func ExampleCohort_NRR() {
	jan, feb := retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02")
	usd := func(s string) cs.Money { return cs.MustParseMoney(s + " USD") }
	b, _ := retention.NewBook([]retention.Record{
		{Customer: "a", Subscription: "s", Month: jan, MRR: usd("40")},
		{Customer: "a", Subscription: "s", Month: feb, MRR: usd("70")},
		{Customer: "b", Subscription: "s", Month: jan, MRR: usd("40")},
		{Customer: "c", Subscription: "s", Month: feb, MRR: usd("500")},
	}, retention.Options{})
	c := b.Cohorts()[0]
	fmt.Println(c.Start, "NRR at age 1:", c.NRR(1), "(new customer c excluded)")
	// Output:
	// 2026-01 NRR at age 1: 87.50% (new customer c excluded)
}

func ExamplePeriod_GrossMRRChurn() {
	fmt.Println(chartMogulPeriod().GrossMRRChurn())
	// Output:
	// 20.00%
}

func ExamplePeriod_NetMRRChurn() {
	fmt.Println(chartMogulPeriod().NetMRRChurn())
	// Output:
	// 10.00%
}

func ExamplePeriod_GRR() {
	fmt.Println(chartMogulPeriod().GRR())
	// Output:
	// 80.00%
}

func ExamplePeriod_NRR() {
	fmt.Println(chartMogulPeriod().NRR())
	// Output:
	// 90.00%
}

func ExamplePeriod_LogoChurn() {
	p := chartMogulPeriod()
	fmt.Println(p.LogoChurn(retention.ChartMogul))
	var empty retention.Period
	fmt.Println(empty.LogoChurn(retention.ChartMogul))
	// Output:
	// 25.00%
	// undefined
}

func ExamplePeriod_ChurnedCustomers() {
	p := retention.Period{StartCustomers: 100, LostCustomers: 10, JoinedAndLeft: 1}
	fmt.Println(p.ChurnedCustomers(retention.ChartMogul), p.ChurnedCustomers(retention.Stripe), p.ChurnedCustomers(retention.ProfitWell))
	// Output:
	// 10 11 10
}

func ExamplePeriod_AcquiredCustomers() {
	p := retention.Period{NewCustomers: 15, ReactivatedCustomers: 2, JoinedAndLeft: 5}
	fmt.Println(p.AcquiredCustomers(retention.ChartMogul), p.AcquiredCustomers(retention.Stripe), p.AcquiredCustomers(retention.ProfitWell))
	// Output:
	// 22 22 17
}

func ExamplePeriod_StartingCohortRetention() {
	fmt.Println(chartMogulPeriod().StartingCohortRetention())
	// Output:
	// 75.00%
}

func ExamplePeriod_QuickRatio() {
	p := chartMogulPeriod()
	fmt.Println(p.QuickRatio().Percent(0))
	p.Churn, p.Contraction = cs.MustParseMoney("0 USD"), cs.MustParseMoney("0 USD")
	fmt.Println(p.QuickRatio())
	// Output:
	// 50%
	// undefined
}

func ExamplePeriod_ARPA() {
	p := chartMogulPeriod()
	arpa, ok := p.ARPA().Decimal(2)
	fmt.Println(p.EndMRR, "÷", p.EndCustomers, "=", arpa, ok)
	// Output:
	// 90.00 USD ÷ 3 = 30 true
}

func ExampleNewRatio() {
	r := retention.NewRatio(decimal.NewFromInt(37), decimal.NewFromInt(40))
	fmt.Println(r, r.Percent(1))
	// Output:
	// 92.50% 92.5%
}

func ExampleRatio_Defined() {
	fmt.Println(retention.NewRatio(decimal.NewFromInt(1), decimal.NewFromInt(4)).Defined(),
		retention.NewRatio(decimal.NewFromInt(1), decimal.Zero).Defined())
	// Output:
	// true false
}

func ExampleRatio_Decimal() {
	d, ok := retention.NewRatio(decimal.NewFromInt(2), decimal.NewFromInt(3)).Decimal(3)
	fmt.Println(d, ok)
	_, ok = retention.NewRatio(decimal.NewFromInt(2), decimal.Zero).Decimal(3)
	fmt.Println(ok)
	// Output:
	// 0.667 true
	// false
}

func ExampleRatio_Float64() {
	f, ok := retention.NewRatio(decimal.NewFromInt(1), decimal.NewFromInt(8)).Float64()
	fmt.Println(f, ok)
	f, ok = retention.Ratio{}.Float64()
	fmt.Println(f, ok)
	// Output:
	// 0.125 true
	// NaN false
}

func ExampleRatio_Percent() {
	r := retention.NewRatio(decimal.NewFromInt(1), decimal.NewFromInt(8))
	fmt.Println(r.Percent(0), r.Percent(1), r.Percent(3), retention.Ratio{}.Percent(1))
	// Output:
	// 13% 12.5% 12.500% undefined
}

// Ratios compare exactly, whatever their denominators.
func ExampleRatio_Cmp() {
	twoThirds := retention.NewRatio(decimal.NewFromInt(2), decimal.NewFromInt(3))
	threeQuarters := retention.NewRatio(decimal.NewFromInt(75), decimal.NewFromInt(100))
	fourSixths := retention.NewRatio(decimal.NewFromInt(4), decimal.NewFromInt(6))
	fmt.Println(twoThirds.Cmp(threeQuarters), threeQuarters.Cmp(twoThirds), twoThirds.Cmp(fourSixths), twoThirds.Cmp(retention.Ratio{}))
	// Output:
	// -1 1 0 0
}

func ExampleNewMonth() {
	fmt.Println(retention.NewMonth(2026, time.December))
	// Output:
	// 2026-12
}

func ExampleMustParseMonth() {
	m := retention.MustParseMonth("2026-03")
	fmt.Println(m, m.Year(), m.Month())
	// Output:
	// 2026-03 2026 March
}

func ExampleMonth_Add() {
	m := retention.MustParseMonth("2026-11")
	fmt.Println(m.Add(2), m.Add(-11), m.Add(0))
	// Output:
	// 2027-01 2025-12 2026-11
}

func ExampleMonth_Year() {
	fmt.Println(retention.MustParseMonth("2026-12").Year(), retention.MustParseMonth("2026-12").Add(1).Year())
	// Output:
	// 2026 2027
}

func ExampleMonth_Month() {
	fmt.Println(retention.MustParseMonth("2026-02").Month(), retention.MonthOf(cs.MustParseDate("2026-07-31")).Month())
	// Output:
	// February July
}

func ExampleNewChecker() {
	k, err := retention.NewChecker(retention.Thresholds{MaxNoticeDays: 14})
	fmt.Println(k.Thresholds().MaxNoticeDays, k.Thresholds().MinUsesPerMonth, err)
	_, err = retention.NewChecker(retention.Thresholds{MinReleasesPerYear: -1})
	fmt.Println(err)
	// Output:
	// 14 4 <nil>
	// retention: thresholds.min_releases_per_year: -1: invalid option
}

func ExampleChecker_Thresholds() {
	k, _ := retention.NewChecker(retention.Thresholds{MinUsesPerMonth: 2})
	fmt.Printf("%+v\n", k.Thresholds())
	// Output:
	// {MinUsesPerMonth:2 MaxNoticeDays:31 MaxCancellationFeeRatio:0 MaxInitialCostRatio:1 MaxDaysSinceRelease:90 MinReleasesPerYear:4}
}

func ExampleDecodeOffering() {
	o, err := retention.DecodeOffering(strings.NewReader(`{"name": "music streaming",
		"pricing": "subscription", "cancel_any_time": true, "recurring_charge": "980 JPY"}`))
	fmt.Println(o.Name, o.Pricing, *o.CancelAnyTime, o.RecurringCharge, err)
	_, err = retention.DecodeOffering(strings.NewReader(`{"name": "x", "notice_days": "thirty"}`))
	fmt.Println(err)
	// Output:
	// music streaming subscription true 980 JPY <nil>
	// retention: notice_days: "thirty": wrong type: want an integer, got a string
}

// The subscription customer-service article: 200 new customers a year, half of
// each cohort kept.
func ExampleInflow_Active() {
	f := retention.Inflow{New: decimal.NewFromInt(200), Retention: decimal.RequireFromString("0.5")}
	a, _ := f.Active(4)
	d, _ := a.Decimal(0)
	fmt.Println(d)
	_, err := f.Active(0)
	fmt.Println(err)
	// Output:
	// 375
	// retention: inflow period 0: want ≥ 1: invalid option
}

func ExampleInflow_Limit() {
	l, _ := retention.Inflow{New: decimal.NewFromInt(200), Retention: decimal.RequireFromString("0.5")}.Limit()
	d, _ := l.Decimal(0)
	fmt.Println(d)
	forever, _ := retention.Inflow{New: decimal.NewFromInt(200), Retention: decimal.NewFromInt(1)}.Limit()
	fmt.Println(forever.Defined())
	// Output:
	// 400
	// false
}

func ExampleInflow_Simulate() {
	f := retention.Inflow{New: decimal.NewFromInt(200), Retention: decimal.RequireFromString("0.5")}
	fmt.Println(f.Simulate(5))
	_, err := retention.Inflow{New: decimal.NewFromInt(200), Retention: decimal.RequireFromString("1.5")}.Simulate(5)
	fmt.Println(err)
	// Output:
	// [200 300 350 375 387.5] <nil>
	// retention: inflow retention 1.5: want 0 ≤ r ≤ 1: invalid option
}

func ExampleSBG_Churn() {
	fmt.Printf("%.4f %.4f %.4f\n", highEnd.Churn(1), highEnd.Churn(2), highEnd.Churn(3))
	// Output:
	// 0.1493 0.1038 0.0771
}

func ExampleSBG_Survival() {
	fmt.Printf("%.4f %.4f %.4f\n", highEnd.Survival(0), highEnd.Survival(1), highEnd.Survival(2))
	// Output:
	// 1.0000 0.8507 0.7469
}

func ExampleSBG_Retention() {
	fmt.Printf("%.4f %.4f %.4f\n", highEnd.Retention(1), highEnd.Retention(2), highEnd.Retention(12))
	// Output:
	// 0.8507 0.8780 0.9568
}

func ExampleSBG_Project() {
	for _, s := range highEnd.Project(1, 2) {
		fmt.Printf("%.4f ", s)
	}
	fmt.Println()
	// Output:
	// 0.7469 0.6698
}

func ExampleSBG_DERL() {
	for _, n := range []int{0, 1, 4} {
		d, _ := highEnd.DERL(0.1, n)
		fmt.Printf("n=%d DERL %.3f\n", n, d)
	}
	_, err := highEnd.DERL(0, 0)
	fmt.Println(err)
	// Output:
	// n=0 DERL 5.415
	// n=1 DERL 5.902
	// n=4 DERL 6.897
	// retention: derl at d = 0, n = 0: want d > 0, n ≥ 0: invalid option
}
