package retention

import (
	"errors"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

var (
	jan = MustParseMonth("2026-01")
	feb = MustParseMonth("2026-02")
	mar = MustParseMonth("2026-03")
)

func usd(s string) cs.Money { return cs.MustParseMoney(s + " USD") }

func rec(id, sub string, m Month, amount string) Record {
	return Record{Customer: id, Subscription: sub, Month: m, MRR: usd(amount)}
}

func mustBook(t testing.TB, recs []Record, opt Options) *Book {
	t.Helper()
	b, err := NewBook(recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	if errs := bookErrors(b); len(errs) > 0 {
		t.Fatalf("record errors: %v", errs)
	}
	return b
}

func mustPeriod(t testing.TB, b *Book, from, to Month) Period {
	t.Helper()
	p, err := b.Period(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantRatio(t *testing.T, name string, got Ratio, want string) {
	t.Helper()
	if s := got.Percent(2); s != want {
		t.Errorf("%s = %s, want %s", name, s, want)
	}
}

// ChartMogul's worked example: start 100, churn 10, contraction 10,
// expansion 10 → gross MRR churn 20%, net MRR churn 10%.
func TestMRRChurnChartMogul(t *testing.T) {
	recs := []Record{
		rec("a", "s1", jan, "40"), rec("a", "s1", feb, "50"), // expansion 10
		rec("b", "s1", jan, "20"), rec("b", "s2", jan, "10"), rec("b", "s1", feb, "20"), // cancels one of two: contraction 10
		rec("c", "s1", jan, "10"), // churn 10
		rec("d", "s1", jan, "20"), rec("d", "s1", feb, "20"),
	}
	for _, exact := range []bool{false, true} {
		t.Run(fmt.Sprint("exact=", exact), func(t *testing.T) {
			b := mustBook(t, recs, Options{})
			if exact {
				b = b.exactView()
			}
			p := mustPeriod(t, b, jan, feb)
			if !p.StartMRR.Equal(usd("100")) || !p.Churn.Equal(usd("10")) || !p.Contraction.Equal(usd("10")) || !p.Expansion.Equal(usd("10")) {
				t.Fatalf("movements = %+v", p)
			}
			wantRatio(t, "GrossMRRChurn", p.GrossMRRChurn(), "20.00%")
			wantRatio(t, "NetMRRChurn", p.NetMRRChurn(), "10.00%")
			// GRR: min(50,40)+min(20,30)+0+20 = 80 of 100; NRR: 50+20+20 = 90.
			wantRatio(t, "GRR", p.GRR(), "80.00%")
			wantRatio(t, "NRR", p.NRR(), "90.00%")
			wantRatio(t, "LogoChurn", p.LogoChurn(ChartMogul), "25.00%")
			wantRatio(t, "QuickRatio", p.QuickRatio(), "50.00%")
		})
	}
}

// logoBook: 100 customers in January; 10 of them gone by March; 20 new customers
// in February of whom 5 leave again before March (the customer retention
// rate's worked example); with joinedAndLeft = 1 instead it is ChartMogul's logo churn example.
func logoBook(stayNew, leaveNew int) []Record {
	var recs []Record
	for i := 0; i < 100; i++ {
		id := fmt.Sprintf("old%03d", i)
		recs = append(recs, rec(id, "s", jan, "100"), rec(id, "s", feb, "100"))
		if i >= 10 {
			recs = append(recs, rec(id, "s", mar, "100"))
		}
	}
	for i := 0; i < stayNew; i++ {
		id := fmt.Sprintf("new%03d", i)
		recs = append(recs, rec(id, "s", feb, "50"), rec(id, "s", mar, "50"))
	}
	for i := 0; i < leaveNew; i++ {
		recs = append(recs, rec(fmt.Sprintf("gone%03d", i), "s", feb, "50"))
	}
	return recs
}

// ChartMogul, "Metric: Customer Churn rate": 100 customers at the
// start, 11 cancel, one of whom joined in the period → 10%; Stripe counts that one
// too, ProfitWell ignores it.
func TestLogoChurnConventions(t *testing.T) {
	b := mustBook(t, logoBook(0, 1), Options{})
	p := mustPeriod(t, b, jan, mar)
	if p.StartCustomers != 100 || p.LostCustomers != 10 || p.JoinedAndLeft != 1 {
		t.Fatalf("counts = %d start, %d lost, %d joined and left", p.StartCustomers, p.LostCustomers, p.JoinedAndLeft)
	}
	for _, tc := range []struct {
		c        Convention
		churn    string
		acquired int
	}{
		{ChartMogul, "10.00%", 1},
		{Stripe, "11.00%", 1},
		{ProfitWell, "10.00%", 0},
	} {
		wantRatio(t, "LogoChurn("+tc.c.String()+")", p.LogoChurn(tc.c), tc.churn)
		if got := p.AcquiredCustomers(tc.c); got != tc.acquired {
			t.Errorf("AcquiredCustomers(%s) = %d, want %d", tc.c, got, tc.acquired)
		}
	}
}

// The customer retention rate's worked example: S = 100, 10 of them churn, N = 20 new of whom 5 churn, E = 105 →
// customer retention rate (E − N) ÷ S = 85%, while the starting cohort kept 90%.
func TestCustomerRetentionRate(t *testing.T) {
	b := mustBook(t, logoBook(15, 5), Options{})
	p := mustPeriod(t, b, jan, mar)
	if p.EndCustomers != 105 || p.AcquiredCustomers(ChartMogul) != 20 {
		t.Fatalf("E = %d, N = %d, want 105, 20", p.EndCustomers, p.AcquiredCustomers(ChartMogul))
	}
	wantRatio(t, "CustomerRetention", p.CustomerRetention(), "85.00%")
	wantRatio(t, "StartingCohortRetention", p.StartingCohortRetention(), "90.00%")
}

// ChartMogul's LTV: ARPA $100, churn 5% → LTV $2,000; with a 80% gross
// margin $1,600.
func TestLTV(t *testing.T) {
	churn := NewRatio(decimal.NewFromInt(5), decimal.NewFromInt(100))
	got, err := LTV(usd("100"), decimal.NewFromInt(1), churn)
	if err != nil || !got.Equal(usd("2000")) {
		t.Errorf("LTV = %v, %v; want 2000.00 USD", got, err)
	}
	got, err = LTV(usd("100"), decimal.RequireFromString("0.8"), churn)
	if err != nil || !got.Equal(usd("1600")) {
		t.Errorf("LTV with margin = %v, %v; want 1600.00 USD", got, err)
	}
	// Zero churn: undefined, never infinite.
	if _, err := LTV(usd("100"), decimal.NewFromInt(1), NewRatio(decimal.Zero, decimal.NewFromInt(100))); !errors.Is(err, ErrUndefined) {
		t.Errorf("LTV at zero churn: err = %v, want ErrUndefined", err)
	}
	// The same figure from a book: 20 customers paying 100, one leaves → 5%.
	var recs []Record
	for i := 0; i < 20; i++ {
		id := fmt.Sprintf("c%02d", i)
		recs = append(recs, rec(id, "s", jan, "100"))
		if i > 0 {
			recs = append(recs, rec(id, "s", feb, "100"))
		}
	}
	p := mustPeriod(t, mustBook(t, recs, Options{}), jan, feb)
	got, err = p.LTV(ChartMogul, decimal.NewFromInt(1))
	if err != nil || !got.Equal(usd("2000")) {
		t.Errorf("Period.LTV = %v, %v; want 2000.00 USD", got, err)
	}
	pb, err := CACPayback(usd("800"), usd("100"), decimal.RequireFromString("0.8"))
	if d, ok := pb.Decimal(2); err != nil || !ok || !d.Equal(decimal.NewFromInt(10)) {
		t.Errorf("CACPayback = %v, %v; want 10 months", pb, err)
	}
}

// Ratios over an empty base are undefined, never 0 or Inf: a period that starts
// with no paying customer (a zero-MRR record keeps January in the book).
func TestUndefined(t *testing.T) {
	b := mustBook(t, []Record{rec("a", "s", feb, "10"), rec("b", "s", jan, "0")}, Options{})
	p := mustPeriod(t, b, jan, feb)
	for name, r := range map[string]Ratio{
		"GRR": p.GRR(), "NRR": p.NRR(), "GrossMRRChurn": p.GrossMRRChurn(), "NetMRRChurn": p.NetMRRChurn(),
		"LogoChurn": p.LogoChurn(ChartMogul), "CustomerRetention": p.CustomerRetention(), "QuickRatio": p.QuickRatio(),
	} {
		if r.Defined() {
			t.Errorf("%s = %s, want undefined", name, r)
		}
		if _, ok := r.Float64(); ok {
			t.Errorf("%s.Float64 ok, want not ok", name)
		}
	}
	if s := p.GRR().String(); s != "undefined" {
		t.Errorf("GRR().String() = %q, want undefined", s)
	}
	if _, err := p.LTV(ChartMogul, decimal.NewFromInt(1)); !errors.Is(err, ErrUndefined) {
		t.Errorf("LTV err = %v, want ErrUndefined", err)
	}
	if _, err := b.Period(feb, jan); !errors.Is(err, ErrPeriod) {
		t.Errorf("Period(feb, jan) err = %v, want ErrPeriod", err)
	}
}
