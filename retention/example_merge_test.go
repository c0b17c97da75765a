package retention_test

import (
	"fmt"

	"github.com/successkit/cs"
	"github.com/successkit/cs/retention"
)

// Two workers each build a book of their own customers with the same fixed range;
// the sum of their reports is the report of the book of all customers.
func ExamplePeriod_Add() {
	jan, feb := retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02")
	opt := retention.Options{First: jan, Last: feb}
	r := func(id, month, mrr string) retention.Record {
		return retention.Record{Customer: id, Subscription: "s", Month: retention.MustParseMonth(month), MRR: cs.MustParseMoney(mrr + " USD")}
	}
	left, _ := retention.NewBook([]retention.Record{r("a", "2026-01", "40"), r("a", "2026-02", "50"), r("c", "2026-01", "10")}, opt)
	right, _ := retention.NewBook([]retention.Record{r("b", "2026-01", "30"), r("b", "2026-02", "20"), r("d", "2026-02", "5")}, opt)
	var sum retention.Period
	for _, b := range []*retention.Book{left, right} {
		p, _ := b.Period(jan, feb)
		sum, _ = sum.Add(p)
	}
	fmt.Println("start", sum.StartMRR, "end", sum.EndMRR, "new", sum.New, "churn", sum.Churn)
	fmt.Println("GRR", sum.GRR(), "NRR", sum.NRR(), "logo churn", sum.LogoChurn(retention.ChartMogul))
	// Output:
	// start 80.00 USD end 75.00 USD new 5.00 USD churn 10.00 USD
	// GRR 75.00% NRR 87.50% logo churn 33.33%
}

func ExampleAddCohorts() {
	jan, feb := retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02")
	opt := retention.Options{First: jan, Last: feb}
	r := func(id, month string) retention.Record {
		return retention.Record{Customer: id, Subscription: "s", Month: retention.MustParseMonth(month), MRR: cs.MustParseMoney("10 USD")}
	}
	left, _ := retention.NewBook([]retention.Record{r("a", "2026-01"), r("a", "2026-02"), r("c", "2026-01")}, opt)
	right, _ := retention.NewBook([]retention.Record{r("b", "2026-01"), r("d", "2026-02")}, opt)
	all, _ := retention.AddCohorts(left.Cohorts(), right.Cohorts())
	for _, c := range all {
		fmt.Println(c.Start, c.Customers, "customers; retained after a month:", c.LogoRetention(1))
	}
	// Output:
	// 2026-01 3 customers; retained after a month: 33.33%
	// 2026-02 1 customers; retained after a month: undefined
}

func ExampleCohort_Add() {
	jan, feb := retention.MustParseMonth("2026-01"), retention.MustParseMonth("2026-02")
	opt := retention.Options{First: jan, Last: feb}
	r := func(id, month string) retention.Record {
		return retention.Record{Customer: id, Subscription: "s", Month: retention.MustParseMonth(month), MRR: cs.MustParseMoney("10 USD")}
	}
	left, _ := retention.NewBook([]retention.Record{r("a", "2026-01"), r("a", "2026-02")}, opt)
	right, _ := retention.NewBook([]retention.Record{r("b", "2026-01")}, opt)
	c, _ := left.Cohorts()[0].Add(right.Cohorts()[0])
	fmt.Println(c.Customers, c.Ages[1].Active, c.Ages[1].MRR, c.NRR(1))
	// Output:
	// 2 1 10.00 USD 50.00%
}
