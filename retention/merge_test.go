package retention

import (
	"errors"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

// genBookInput draws records as genRecords does, in one currency or with a third
// of them in EUR converted at a rate per month, and Options fixing the range.
func genBookInput(t *rapid.T) ([]Record, Options) {
	recs := genRecords(t, "USD")
	first, last := recs[0].Month, recs[0].Month
	for _, r := range recs {
		first, last = min(first, r.Month), max(last, r.Month)
	}
	opt := Options{First: first, Last: last}
	if rapid.Bool().Draw(t, "multi-currency") {
		for i := range recs {
			if rapid.IntRange(0, 2).Draw(t, "eur") == 0 {
				recs[i].MRR, _ = cs.NewMoney(recs[i].MRR.Amount(), "EUR")
			}
		}
		opt.Currency = "USD"
		for m := first; m <= last; m++ {
			r := decimal.New(rapid.Int64Range(50, 200).Draw(t, "rate"), -2)
			opt.Rates = append(opt.Rates, Rate{From: "EUR", Month: m, Rate: r})
		}
	}
	return recs, opt
}

// Splitting the customers of a book into any partition, building a book of each
// part with the same Options (a fixed range), and adding the parts' periods and
// cohort tables gives exactly the whole book's, in any order of addition.
func TestPropPartitionMerge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs, opt := genBookInput(t)
		whole := propBook(t, recs, opt)
		from, to := genPeriod(t, whole)
		parts := rapid.IntRange(1, 4).Draw(t, "parts")
		part := map[string]int{}
		for _, id := range whole.Customers() {
			part[id] = rapid.IntRange(0, parts-1).Draw(t, "part of "+id)
		}
		split := make([][]Record, parts)
		for _, r := range recs {
			split[part[r.Customer]] = append(split[part[r.Customer]], r)
		}
		var sum Period
		var cohorts []Cohort
		for _, k := range rapid.Permutation(rangeN(parts)).Draw(t, "order") {
			b := propBook(t, split[k], opt)
			p, err := b.Period(from, to)
			if err != nil {
				t.Fatal(err)
			}
			if sum, err = sum.Add(p); err != nil {
				t.Fatal(err)
			}
			if cohorts, err = AddCohorts(cohorts, b.Cohorts()); err != nil {
				t.Fatal(err)
			}
		}
		want, err := whole.Period(from, to)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprintf("%+v", sum), fmt.Sprintf("%+v", want); got != want {
			t.Fatalf("Σ parts' periods\n%s\nwant\n%s", got, want)
		}
		if got, want := fmt.Sprintf("%+v", cohorts), fmt.Sprintf("%+v", whole.Cohorts()); got != want {
			t.Fatalf("Σ parts' cohorts\n%s\nwant\n%s", got, want)
		}
	})
}

func rangeN(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestFixedRange checks Options.First and Options.Last: the book covers exactly
// the range, a record outside it is a bad record, an empty book is allowed, and
// bad ranges are refused.
func TestFixedRange(t *testing.T) {
	dec := MustParseMonth("2025-12")
	b, err := NewBook([]Record{rec("a", "s", jan, "10"), rec("b", "s", dec, "5"), rec("c", "s", feb, "7")}, Options{First: jan, Last: jan.Add(3)})
	if err != nil {
		t.Fatal(err)
	}
	if first, last := b.Months(); first != jan || last != jan.Add(3) {
		t.Errorf("Months = %s, %s, want %s, %s", first, last, jan, jan.Add(3))
	}
	if got := fmt.Sprint(b.Customers()); got != "[a c]" {
		t.Errorf("Customers = %s, want [a c]", got)
	}
	if errs := bookErrors(b); len(errs) != 1 || !errors.Is(errs[0], ErrMonth) {
		t.Errorf("Errors = %v, want one ErrMonth", errs)
	}
	empty, err := NewBook(nil, Options{First: jan, Last: feb, Currency: "USD"})
	if err != nil {
		t.Fatalf("empty book with a fixed range: %v", err)
	}
	p, err := empty.Period(jan, feb)
	if err != nil || p.StartCustomers != 0 || !p.StartMRR.IsZero() || p.GRR().Defined() {
		t.Errorf("empty book's period = %+v, %v", p, err)
	}
	for _, opt := range []Options{
		{First: jan},                           // Last missing
		{Last: feb},                            // First missing
		{First: feb, Last: jan},                // reversed
		{First: jan, Last: jan.Add(MaxMonths)}, // too long
		{First: NewMonth(0, 12), Last: jan},    // year 0
	} {
		if _, err := NewBook([]Record{rec("a", "s", jan, "10")}, opt); !errors.Is(err, ErrOption) {
			t.Errorf("NewBook(%s to %s) = %v, want ErrOption", opt.First, opt.Last, err)
		}
	}
}

// TestPeriodAddErrors checks that reports of different periods or currencies
// are not added, and that the zero values are identities.
func TestPeriodAddErrors(t *testing.T) {
	b := mustBook(t, []Record{rec("a", "s", jan, "10"), rec("a", "s", feb, "12"), rec("a", "s", jan.Add(2), "12")}, Options{})
	p1 := mustPeriod(t, b, jan, feb)
	p2 := mustPeriod(t, b, jan, jan.Add(2))
	if _, err := p1.Add(p2); !errors.Is(err, ErrPeriod) {
		t.Errorf("Add of another period = %v, want ErrPeriod", err)
	}
	e := mustBook(t, []Record{{Customer: "e", Subscription: "s", Month: jan, MRR: cs.MustParseMoney("1 EUR")}, {Customer: "e", Subscription: "s", Month: feb, MRR: cs.MustParseMoney("1 EUR")}}, Options{})
	if _, err := p1.Add(mustPeriod(t, e, jan, feb)); !errors.Is(err, cs.ErrCurrencyMismatch) {
		t.Errorf("Add of a EUR report to a USD one = %v, want ErrCurrencyMismatch", err)
	}
	if s, err := (Period{}).Add(p1); err != nil || fmt.Sprint(s) != fmt.Sprint(p1) {
		t.Errorf("zero + p = %v, %v; want p", s, err)
	}
	if s, err := p1.Add(Period{}); err != nil || fmt.Sprint(s) != fmt.Sprint(p1) {
		t.Errorf("p + zero = %v, %v; want p", s, err)
	}
	c := b.Cohorts()
	if _, err := c[0].Add(Cohort{Start: feb, Customers: 1, Ages: make([]CohortAge, 2)}); !errors.Is(err, ErrPeriod) {
		t.Errorf("Add of another cohort = %v, want ErrPeriod", err)
	}
	if s, err := AddCohorts(nil, c); err != nil || fmt.Sprint(s) != fmt.Sprint(c) {
		t.Errorf("AddCohorts(nil, c) = %v, %v; want c", s, err)
	}
}

// The number of workers never changes a digit: books built and computed on 1 to
// 7 workers (given one record or customer each, so that tiny books run in
// parallel too) report exactly what one worker does, on the int64 path and in
// exact decimals, bad records included.
func TestPropWorkers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs, opt := genBookInput(t)
		if rapid.Bool().Draw(t, "derived range") {
			opt.First, opt.Last = 0, 0
		}
		if rapid.Bool().Draw(t, "bad records") {
			recs = append(recs, rec("c0", "s0", recs[0].Month, "-1"), rec("", "s0", recs[0].Month, "1"), recs[len(recs)-1])
		}
		recs = rapid.Permutation(recs).Draw(t, "order")
		one, err := NewBook(recs, opt)
		if err != nil {
			t.Fatal(err)
		}
		from, to := genPeriod(t, one)
		want := report(t, one, from, to) + fmt.Sprint(bookErrors(one))
		wantExact := report(t, one.exactView(), from, to)
		opt.grain = 1
		for _, w := range []int{2, 3, 7} {
			opt.Workers = w
			b, err := NewBook(recs, opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := report(t, b, from, to) + fmt.Sprint(bookErrors(b)); got != want {
				t.Fatalf("%d workers\n%s\nwant\n%s", w, got, want)
			}
			if got := report(t, b.exactView(), from, to); got != wantExact || got+fmt.Sprint(bookErrors(b)) != want {
				t.Fatalf("%d workers, exact\n%s\nwant\n%s", w, got, want)
			}
		}
	})
}
