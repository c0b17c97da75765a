package retention

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

const goodCSV = `customer_id,subscription_id,month,mrr,currency
a,s1,2026-01,40.00,USD
a,s1,2026-02,50.00,USD
b,s1,2026-01,20.00,USD
b,s2,2026-01,10.00,USD
b,s1,2026-02,20.00,USD
c,s1,2026-01,10.00,USD
d,s1,2026-01,20.00,USD
d,s1,2026-02,20.00,USD
`

// The reader gives the same book as the records, and a bad line costs only its
// own customer.
func TestReadMRR(t *testing.T) {
	b, err := ReadBook(strings.NewReader(goodCSV), "mrr.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := mustPeriod(t, b, jan, feb)
	wantRatio(t, "GrossMRRChurn", p.GrossMRRChurn(), "20.00%")

	bad := goodCSV + "e,s1,2026-13,5.00,USD\nf,s1,2026-02,5,00,USD\ng,s1,2026-02,1e3,USD\nh,s1,2026-02,5.00,XXX\na,s1,2026-02,1.00,USD\n"
	b, err = ReadBook(strings.NewReader(bad), "mrr.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	errs := bookErrors(b)
	want := []struct {
		line int
		is   error
	}{{10, ErrMonth}, {11, cs.ErrMissing}, {12, cs.ErrNotDecimal}, {13, cs.ErrUnknownCurrency}, {14, cs.ErrDuplicate}}
	if len(errs) != len(want) {
		t.Fatalf("errors = %v, want %d", errs, len(want))
	}
	for i, w := range want {
		fe := fieldError(errs[i])
		if fe == nil || fe.Line != w.line || !errors.Is(errs[i], w.is) {
			t.Errorf("errors[%d] = %v, want line %d wrapping %v", i, errs[i], w.line, w.is)
		}
		if prefix := fmt.Sprintf("mrr.csv:%d: ", w.line); !strings.HasPrefix(errs[i].Error(), prefix) {
			t.Errorf("errors[%d] = %q, want the prefix %q", i, errs[i], prefix)
		}
	}
	// Customer a had a duplicate line: it is left out, b, c, d are kept.
	if got := strings.Join(b.Customers(), ","); got != "b,c,d" {
		t.Errorf("Customers = %s, want b,c,d", got)
	}
}

// Whole-file faults are errors naming the column.
func TestReadMRRHeader(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", cs.ErrMissing}, // empty file
		{"customer_id,subscription_id,month,mrr\n", cs.ErrMissing},                 // no currency column
		{"customer_id,subscription_id,month,mrr,currency,x\n", cs.ErrUnknownField}, // unknown column
		{"customer_id,customer_id,month,mrr,currency\n", cs.ErrDuplicate},          // repeated column
		{"customer_id,subscription_id,month,mrr,currency\n", cs.ErrMissing},        // no rows
	} {
		if _, err := ReadBook(strings.NewReader(tc.in), "mrr.csv", Options{}); !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "retention: ") {
			t.Errorf("ReadMRR(%q) err = %v, want %v", tc.in, err, tc.want)
		}
	}
}

// Exchange-rate swings are reported as FX, not as movements, and GRR/NRR are at
// constant currency.
func TestFX(t *testing.T) {
	eur := func(s string) cs.Money { return cs.MustParseMoney(s + " EUR") }
	recs := []Record{
		{Customer: "a", Subscription: "s", Month: jan, MRR: eur("100")},
		{Customer: "a", Subscription: "s", Month: feb, MRR: eur("100")},
		rec("b", "s", jan, "50"), rec("b", "s", feb, "60"),
	}
	if _, err := NewBook(recs, Options{}); !errors.Is(err, cs.ErrCurrencyMismatch) {
		t.Errorf("no reporting currency: err = %v, want ErrCurrencyMismatch", err)
	}
	rates := []Rate{{From: "EUR", Month: jan, Rate: decimal.RequireFromString("1.10")}}
	if _, err := NewBook(recs, Options{Currency: "USD", Rates: rates}); !errors.Is(err, ErrNoRate) {
		t.Errorf("missing February rate: err = %v, want ErrNoRate", err)
	}
	rates = append(rates, Rate{From: "EUR", Month: feb, Rate: decimal.RequireFromString("1.20")})
	b := mustBook(t, recs, Options{Currency: "USD", Rates: rates})
	if !b.Exact() {
		t.Error("a two-currency book should work in exact decimals")
	}
	p := mustPeriod(t, b, jan, feb)
	for _, c := range []struct {
		name      string
		got, want cs.Money
	}{
		{"StartMRR", p.StartMRR, usd("160")}, {"EndMRR", p.EndMRR, usd("180")},
		{"FX", p.FX, usd("10")}, {"Expansion", p.Expansion, usd("10")},
		{"Contraction", p.Contraction, usd("0")}, {"BaseMRR", p.BaseMRR, usd("170")},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}
	wantRatio(t, "GRR", p.GRR(), "100.00%")
	wantRatio(t, "NRR", p.NRR(), "105.88%")
	// A standing rate (Month zero) fills the months without a rate of their own.
	standing := []Rate{{From: "EUR", Rate: decimal.RequireFromString("1.20")}, rates[0]}
	p = mustPeriod(t, mustBook(t, recs, Options{Currency: "USD", Rates: standing}), jan, feb)
	if !p.StartMRR.Equal(usd("160")) || !p.FX.Equal(usd("10")) || !p.EndMRR.Equal(usd("180")) {
		t.Errorf("standing rate: start %s, FX %s, end %s; want 160, 10, 180", p.StartMRR, p.FX, p.EndMRR)
	}
	if _, err := NewBook(recs, Options{Currency: "USD", Rates: append(standing, standing[0])}); !errors.Is(err, cs.ErrDuplicate) {
		t.Errorf("two standing rates: err = %v, want ErrDuplicate", err)
	}
	if _, err := NewBook(recs, Options{Currency: "USD", Rates: []Rate{{From: "EUR"}}}); !errors.Is(err, cs.ErrInvalidRate) {
		t.Errorf("zero standing rate: err = %v, want ErrInvalidRate", err)
	}
	rates[1].Rate = decimal.Zero
	if _, err := NewBook(recs, Options{Currency: "USD", Rates: rates}); !errors.Is(err, cs.ErrInvalidRate) {
		t.Errorf("zero rate: err = %v, want ErrInvalidRate", err)
	}
}

// A cohort table: two January customers (one leaves in March and returns in
// April), one March customer.
func TestCohorts(t *testing.T) {
	apr := mar.Add(1)
	b := mustBook(t, []Record{
		rec("a", "s", jan, "10"), rec("a", "s", feb, "10"), rec("a", "s", mar, "30"), rec("a", "s", apr, "30"),
		rec("b", "s", jan, "10"), rec("b", "s", feb, "10"), rec("b", "s", apr, "10"),
		rec("c", "s", mar, "5"), rec("c", "s", apr, "5"),
	}, Options{})
	cs := b.Cohorts()
	if len(cs) != 2 || cs[0].Start != jan || cs[1].Start != mar || cs[0].Customers != 2 || cs[1].Customers != 1 {
		t.Fatalf("cohorts = %+v", cs)
	}
	for k, want := range []string{"100.00%", "100.00%", "50.00%", "100.00%"} {
		wantRatio(t, "jan LogoRetention", cs[0].LogoRetention(k), want)
	}
	for k, want := range []string{"100.00%", "100.00%", "150.00%", "200.00%"} {
		wantRatio(t, "jan NRR", cs[0].NRR(k), want)
	}
	if cs[0].LogoRetention(4).Defined() || cs[1].NRR(2).Defined() {
		t.Error("an age beyond the book should be undefined")
	}
}

// FuzzReadMRR fuzzes the file-to-book path, ReadBook (FuzzReadMRRRecords fuzzes
// the ReadMRR iterator): no input panics, every error names the package, the
// book's errors are bounded and located, and a book read without error
// satisfies the movement identity on its last month.
func FuzzReadMRR(f *testing.F) {
	f.Add("customer_id,subscription_id,month,mrr,currency\na,s,2026-01,10,USD\na,s,2026-02,12.50,USD\nb,s,2026-02,3,USD\n")
	f.Add("month,mrr,currency,customer_id,subscription_id\n2026-01,10,EUR,a,s\n2026-01,10,USD,b,s\n")
	f.Add("\xef\xbb\xbfcustomer_id,subscription_id,month,mrr,currency\na,s,2026-1,10,USD\n\"b\",s,2026-01,-1,USD\nc,s,2026-01,1e3,USD\n")
	f.Add("customer_id,subscription_id,month,mrr,currency\na,s,2026-01,10,USD\na,s,2026-01,10,USD\n,s,2026-02,1,USD\n")
	f.Add("customer_id,subscription_id,month,mrr,currency\na,s,0001-01,0.001,JPY\na,s,9999-12,1,JPY\n")
	f.Fuzz(func(t *testing.T, in string) {
		b, err := ReadBook(strings.NewReader(in), "mrr.csv", Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "retention: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			return
		}
		for _, e := range bookErrors(b) {
			if fe := fieldError(e); fe == nil || fe.Line < 2 || fe.File != "mrr.csv" || !strings.HasPrefix(e.Error(), "mrr.csv:") {
				t.Fatalf("record error %v without a data line", e)
			}
		}
		if b.Err() != nil && (len(b.Err().Error()) > 4096 || !strings.HasPrefix(b.Err().Error(), "retention: mrr.csv:")) {
			t.Fatalf("Err is %d bytes", len(b.Err().Error()))
		}
		f, l := b.Months()
		if f == l {
			return
		}
		p, err := b.Period(l.Add(-1), l)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := cs.Sum(p.StartMRR, p.FX, p.New, p.Expansion, p.Reactivation)
		if err == nil {
			var lost cs.Money
			if lost, err = cs.Sum(p.Contraction, p.Churn); err == nil {
				sum, err = sum.Sub(lost)
			}
		}
		if err != nil || !sum.Equal(p.EndMRR) {
			t.Fatalf("movements sum to %v (%v), want end %s", sum, err, p.EndMRR)
		}
	})
}

// A line with the wrong number of fields (here a decimal comma) still names its
// customer, who is left out of the book: keeping the customer's other lines would
// silently count the lost subscription as a contraction.
func TestReadMRRFieldCountLeavesCustomerOut(t *testing.T) {
	b, err := ReadBook(strings.NewReader(goodCSV+"a,s2,2026-02,5,00,USD\n"), "mrr.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	errs := bookErrors(b)
	if fe := fieldError(b.Err()); len(errs) != 1 || fe == nil || fe.Line != 10 || fe.Record != "a" {
		t.Fatalf("Errors = %v, want line 10 for customer a", errs)
	}
	if got := strings.Join(b.Customers(), ","); got != "b,c,d" {
		t.Errorf("Customers = %s, want b,c,d", got)
	}
}
