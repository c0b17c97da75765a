package retention

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// TestAmountScales checks the amounts a book keeps in int64 units: fractions of a
// minor unit get a finer unit, sums that could overflow int64 are computed in
// exact decimals, and an amount beyond int64 units is a bad record.
func TestAmountScales(t *testing.T) {
	// A fraction of a cent: the book keeps tenths of a cent, still in int64.
	b := mustBook(t, []Record{rec("a", "s", jan, "10.005"), rec("a", "s", feb, "10.015")}, Options{})
	if b.Exact() {
		t.Error("a fraction of a cent should keep the int64 path, in units of 10^-3")
	}
	p := mustPeriod(t, b, jan, feb)
	if !p.Expansion.Equal(usd("0.01")) || !p.StartMRR.Equal(usd("10.005")) {
		t.Errorf("Expansion = %s, StartMRR = %s; want 0.01 USD, 10.005 USD", p.Expansion, p.StartMRR)
	}
	if m, ok := b.MRR("a", feb); !ok || m.String() != "10.015 USD" {
		t.Errorf("MRR(a, feb) = %s, %v; want 10.015 USD", m, ok)
	}
	// Two customers whose cents each fit an int64 but whose sum does not.
	big := "90000000000000000.00"
	recs := []Record{rec("a", "s", jan, big), rec("a", "s", feb, big), rec("b", "s", jan, big), rec("b", "s", feb, "1")}
	b = mustBook(t, recs, Options{})
	if !b.Exact() {
		t.Fatal("sums that may overflow int64 should be computed in decimals")
	}
	p = mustPeriod(t, b, jan, feb)
	if want := usd("180000000000000000"); !p.StartMRR.Equal(want) {
		t.Errorf("StartMRR = %s, want %s", p.StartMRR, want)
	}
	if want := usd("89999999999999999"); !p.Contraction.Equal(want) {
		t.Errorf("Contraction = %s, want %s", p.Contraction, want)
	}
	wantRatio(t, "GRR", p.GRR(), "50.00%")
	ms, err := b.Movements(jan, feb)
	if err != nil || len(ms) != 2 || !ms[1].Contraction.Equal(usd("89999999999999999")) {
		t.Errorf("Movements = %+v, %v", ms, err)
	}
	co := b.Cohorts()
	if len(co) != 1 || !co[0].Ages[0].MRR.Equal(usd("180000000000000000")) {
		t.Errorf("Cohorts = %+v", co)
	}
	// Amounts beyond int64 units, alone or as a month's sum, and a fraction finer
	// than 10^-8 USD are bad records; the other customers stay.
	const huge = "1000000000000000000000000000000"
	for _, tc := range []struct {
		recs  []Record
		units string // the MRR of customer z in January
	}{
		{[]Record{rec("a", "s", jan, huge), rec("a", "s", feb, "1")}, "1.00 USD"},
		{[]Record{rec("a", "s1", jan, "50000000000000000"), rec("a", "s2", jan, "50000000000000000")}, "1.00 USD"},
		{[]Record{rec("a", "s", jan, "0.000000001")}, "1.00 USD"},
		// A fraction of 10^-8 makes the unit 10^-8 USD: 10^11 USD no longer fits.
		{[]Record{rec("a", "s", jan, "100000000000"), rec("y", "s", jan, "0.00000001")}, "1.00 USD"},
	} {
		b, err := NewBook(append(tc.recs, rec("z", "s", jan, "1")), Options{})
		if err != nil {
			t.Fatal(err)
		}
		errs := bookErrors(b)
		if len(errs) != 1 || !errors.Is(errs[0], cs.ErrRange) || !strings.Contains(errs[0].Error(), `customer "a"`) {
			t.Errorf("NewBook(%v): errors %v, want one cs.ErrRange for customer a", tc.recs, errs)
		}
		if m, ok := b.MRR("z", jan); !ok || m.String() != tc.units {
			t.Errorf("NewBook(%v): MRR(z, jan) = %s, %v; want %s", tc.recs, m, ok, tc.units)
		}
	}
}

// TestBookRecordErrors checks that a bad record is reported with its index and
// its customer left out, while the others are kept.
func TestBookRecordErrors(t *testing.T) {
	recs := []Record{
		rec("a", "s", jan, "10"),
		rec("b", "s", jan, "-1"),    // negative
		rec("", "s", jan, "1"),      // no customer
		rec("c", "s", jan, "5"),     // duplicated below
		rec("c", "s", jan, "6"),     //
		{Customer: "d", Month: jan}, // no currency
		rec("e", "s", feb, "7"),
	}
	b, err := NewBook(recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(b.Customers()); got != "[a e]" {
		t.Errorf("Customers = %s, want [a e]", got)
	}
	want := []struct {
		idx  int
		sent error
	}{{1, cs.ErrNegative}, {2, cs.ErrMissing}, {4, cs.ErrDuplicate}, {5, cs.ErrMissing}}
	errs := bookErrors(b)
	if len(errs) != len(want) {
		t.Fatalf("Errors = %v, want %d", errs, len(want))
	}
	for i, w := range want {
		fe := fieldError(errs[i])
		if fe == nil || !strings.HasPrefix(fe.Field, fmt.Sprintf("[%d].", w.idx)) || !errors.Is(errs[i], w.sent) {
			t.Errorf("Errors[%d] = %v, want records[%d] wrapping %v", i, errs[i], w.idx, w.sent)
		}
	}
	if b.Bad() != len(want) || b.Err() == nil {
		t.Errorf("Bad = %d, Err = %v; want %d", b.Bad(), b.Err(), len(want))
	}
	if _, err := NewBook(nil, Options{}); !errors.Is(err, cs.ErrMissing) {
		t.Errorf("NewBook(nil) = %v, want ErrMissing", err)
	}
	if _, err := NewBook([]Record{rec("", "s", jan, "1")}, Options{}); err == nil {
		t.Error("NewBook with no usable record: want an error")
	}
	if _, err := NewBook([]Record{rec("a", "s", jan, "1")}, Options{Currency: "XXQ"}); !errors.Is(err, cs.ErrUnknownCurrency) {
		t.Errorf("unknown reporting currency: err = %v", err)
	}
}

func TestMonthText(t *testing.T) {
	m := MustParseMonth("0001-01")
	for _, s := range []string{"0001-01", "2026-12", "9999-12"} {
		if err := m.UnmarshalText([]byte(s)); err != nil {
			t.Fatal(err)
		}
		b, _ := m.MarshalText()
		if string(b) != s {
			t.Errorf("round trip %s = %s", s, b)
		}
	}
	for _, s := range []string{"2026-00", "2026-13", "26-01", "2026/01", "0000-01", "2026-1", "+202-01"} {
		if err := m.UnmarshalText([]byte(s)); !errors.Is(err, ErrMonth) {
			t.Errorf("UnmarshalText(%q) = %v, want ErrMonth", s, err)
		}
	}
}

// TestValueErrors checks the refusals of the money functions.
func TestValueErrors(t *testing.T) {
	one := decimal.NewFromInt(1)
	five := NewRatio(decimal.NewFromInt(5), decimal.NewFromInt(100))
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"LTV margin 0", func() error { _, err := LTV(usd("100"), decimal.Zero, five); return err }(), ErrOption},
		{"LTV margin 1.5", func() error { _, err := LTV(usd("100"), decimal.RequireFromString("1.5"), five); return err }(), ErrOption},
		{"LTV negative ARPA", func() error { _, err := LTV(usd("-1"), one, five); return err }(), cs.ErrNegative},
		{"LTV negative churn", func() error { _, err := LTV(usd("1"), one, NewRatio(decimal.NewFromInt(-1), one)); return err }(), ErrUndefined},
		{"LTV undefined churn", func() error { _, err := LTV(usd("1"), one, Ratio{}); return err }(), ErrUndefined},
		{"CAC two currencies", func() error { _, err := CACPayback(usd("1"), cs.MustParseMoney("1 EUR"), one); return err }(), cs.ErrCurrencyMismatch},
		{"CAC negative", func() error { _, err := CACPayback(usd("-1"), usd("1"), one); return err }(), cs.ErrNegative},
		{"CAC margin", func() error { _, err := CACPayback(usd("1"), usd("1"), decimal.Zero); return err }(), ErrOption},
		{"Value negative", func() error { _, err := (SBG{Alpha: 1, Beta: 1}).Value(usd("-1"), 0.1, 0); return err }(), cs.ErrNegative},
		{"Value no currency", func() error { _, err := (SBG{Alpha: 1, Beta: 1}).Value(cs.Money{}, 0.1, 0); return err }(), cs.ErrUnknownCurrency},
		{"Value bad model", func() error { _, err := (SBG{}).Value(usd("1"), 0.1, 0); return err }(), ErrOption},
		{"DERL NaN", func() error { _, err := (SBG{Alpha: 1, Beta: 1}).DERL(math.NaN(), 0); return err }(), ErrOption},
		{"DERL n < 0", func() error { _, err := (SBG{Alpha: 1, Beta: 1}).DERL(0.1, -1); return err }(), ErrOption},
		{"Inflow negative", func() error { _, err := (Inflow{New: decimal.NewFromInt(-1)}).Active(1); return err }(), ErrOption},
		{"Inflow r > 1", func() error { _, err := (Inflow{Retention: decimal.NewFromInt(2)}).Limit(); return err }(), ErrOption},
		{"Inflow t 0", func() error { _, err := (Inflow{}).Active(0); return err }(), ErrOption},
		{"Inflow periods < 0", func() error { _, err := (Inflow{}).Simulate(-1); return err }(), ErrOption},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	// Retention 1: the closed form is New × t and the limit undefined.
	f := Inflow{New: decimal.NewFromInt(10), Retention: one}
	a, _ := f.Active(4)
	sim, _ := f.Simulate(4)
	if a.Cmp(ratioInt(40, 1)) != 0 || !sim[3].Equal(decimal.NewFromInt(40)) {
		t.Errorf("r = 1: Active(4) = %v, Simulate = %v; want 40", a, sim)
	}
}

// TestRatioCmp checks exact comparison, negative denominators and undefined ratios.
func TestRatioCmp(t *testing.T) {
	d := decimal.NewFromInt
	for _, tc := range []struct {
		a, b Ratio
		want int
	}{
		{NewRatio(d(1), d(3)), NewRatio(d(2), d(6)), 0},   // equal quotients
		{NewRatio(d(1), d(3)), NewRatio(d(1), d(2)), -1},  // smaller
		{NewRatio(d(1), d(-2)), NewRatio(d(0), d(1)), -1}, // negative denominator
		{NewRatio(d(1), d(-2)), NewRatio(d(1), d(-3)), -1},
		{Ratio{}, NewRatio(d(1), d(2)), 0}, // undefined
	} {
		if got := tc.a.Cmp(tc.b); got != tc.want {
			t.Errorf("%v.Cmp(%v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestVerdictText(t *testing.T) {
	for v, want := range map[Verdict]string{Unknown: "unknown", Met: "met", NotMet: "not met", 9: "Verdict(9)"} {
		b, _ := v.MarshalText()
		if v.String() != want || string(b) != want {
			t.Errorf("Verdict %d = %q, %q; want %q", v, v.String(), b, want)
		}
	}
	if s := Convention(7).String(); s != "Convention(7)" {
		t.Errorf("Convention(7) = %q", s)
	}
}

// TestDuplicateUnordered checks that a duplicate is found whatever the order of a
// customer's rows, and that the customer is left out either way.
func TestDuplicateUnordered(t *testing.T) {
	for _, recs := range [][]Record{
		{rec("c", "s", feb, "1"), rec("c", "s", jan, "1"), rec("c", "s", feb, "2"), rec("a", "s", jan, "1")},
		{rec("c", "s", jan, "1"), rec("c", "s", feb, "1"), rec("c", "s", feb, "2"), rec("a", "s", feb, "1")},
	} {
		b, err := NewBook(recs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		errs := bookErrors(b)
		if len(errs) != 1 || !errors.Is(errs[0], cs.ErrDuplicate) || fmt.Sprint(b.Customers()) != "[a]" {
			t.Errorf("NewBook(%v): errors %v, customers %v; want one duplicate and [a]", recs, errs, b.Customers())
		}
	}
}

// TestBookBadMonth: a record with a month no book can hold (the zero Month of a
// Record left unset) is one bad record: it must not widen the book's range into an
// error for the whole input, nor shift the first month of the good customers.
func TestBookBadMonth(t *testing.T) {
	recs := []Record{
		rec("a", "s", jan, "10"),
		rec("b", "s", 0, "5"), // month unset
		rec("c", "s", feb, "7"),
	}
	b, err := NewBook(recs, Options{})
	if err != nil {
		t.Fatalf("NewBook = %v, want the bad record in Errors only", err)
	}
	if first, last := b.Months(); first != jan || last != feb {
		t.Errorf("Months = %s, %s, want %s, %s", first, last, jan, feb)
	}
	if got := fmt.Sprint(b.Customers()); got != "[a c]" {
		t.Errorf("Customers = %s, want [a c]", got)
	}
	errs := bookErrors(b)
	if len(errs) != 1 || fieldError(errs[0]) == nil || fieldError(errs[0]).Field != "[1].month" || !errors.Is(errs[0], ErrMonth) {
		t.Errorf("Errors = %v, want records[1] wrapping ErrMonth", errs)
	}
}

// TestBookNoRate: a currency with no rate is a fault of the whole input (NewBook's
// error wrapping ErrNoRate), as NewBook's documentation says, not a bad record.
func TestBookNoRate(t *testing.T) {
	eur := Record{Customer: "b", Subscription: "s", Month: jan, MRR: cs.MustParseMoney("5 EUR")}
	b, err := NewBook([]Record{rec("a", "s", jan, "10"), eur}, Options{Currency: "USD"})
	if !errors.Is(err, ErrNoRate) || b != nil {
		t.Errorf("NewBook with no EUR rate = %v, %v; want ErrNoRate", b, err)
	}
}
