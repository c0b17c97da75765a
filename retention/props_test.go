package retention

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

// genRecords draws a small book: up to 8 customers over 2..6 months, each month 0..2
// subscriptions of 0.01..100.00 (or whole units, to mix exponents), with gaps so
// that customers churn, come back and join late.
func genRecords(t *rapid.T, cur cs.Currency) []Record {
	first := MustParseMonth("2026-01")
	months := rapid.IntRange(2, 6).Draw(t, "months")
	n := rapid.IntRange(1, 8).Draw(t, "customers")
	var recs []Record
	for c := range n {
		for m := range months {
			subs := rapid.IntRange(0, 2).Draw(t, "subs")
			for s := range subs {
				cents := rapid.Int64Range(1, 10000).Draw(t, "cents")
				mrr, _ := cs.MoneyFromMinor(cents, cur)
				recs = append(recs, Record{Customer: "c" + strconv.Itoa(c), Subscription: "s" + strconv.Itoa(s), Month: first.Add(m), MRR: mrr})
			}
		}
	}
	// Records in the first and last months keep the book's range at months.
	mrr, _ := cs.MoneyFromMinor(100, cur)
	recs = append(recs, Record{Customer: "z", Subscription: "s0", Month: first, MRR: mrr},
		Record{Customer: "z", Subscription: "s0", Month: first.Add(months - 1), MRR: mrr})
	return recs
}

func genPeriod(t *rapid.T, b *Book) (Month, Month) {
	f, l := b.Months()
	n := int(l - f)
	i := rapid.IntRange(0, n-1).Draw(t, "from")
	j := rapid.IntRange(i+1, n).Draw(t, "to")
	return f.Add(i), f.Add(j)
}

func propBook(t *rapid.T, recs []Record, opt Options) *Book {
	b, err := NewBook(recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	if errs := bookErrors(b); len(errs) > 0 {
		t.Fatalf("record errors: %v", errs)
	}
	return b
}

func mustAdd(t *rapid.T, ms ...cs.Money) cs.Money {
	s, err := cs.Sum(ms...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkIdentity checks start + FX + New + Expansion + Reactivation − Contraction −
// Churn = end exactly.
func checkIdentity(t *rapid.T, who string, start, end cs.Money, mv Movements) {
	up := mustAdd(t, start, mv.FX, mv.New, mv.Expansion, mv.Reactivation)
	got, err := up.Sub(mustAdd(t, mv.Contraction, mv.Churn))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(end) {
		t.Fatalf("%s: start %s + movements %+v = %s, want end %s", who, start, mv, got, end)
	}
	for _, m := range []cs.Money{mv.New, mv.Expansion, mv.Contraction, mv.Churn, mv.Reactivation} {
		if m.IsNegative() {
			t.Fatalf("%s: negative movement in %+v", who, mv)
		}
	}
}

// GRR never exceeds 100% and never exceeds NRR (SaaS Capital's definitions).
func TestPropGRR(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := propBook(t, genRecords(t, "USD"), Options{})
		from, to := genPeriod(t, b)
		p, err := b.Period(from, to)
		if err != nil {
			t.Fatal(err)
		}
		grr, nrr := p.GRR(), p.NRR()
		if grr.Defined() != (p.StartCustomers > 0) || nrr.Defined() != grr.Defined() {
			t.Fatalf("GRR %v, NRR %v defined with %d customers at start", grr, nrr, p.StartCustomers)
		}
		if !grr.Defined() {
			return
		}
		if grr.Cmp(ratioInt(1, 1)) > 0 {
			t.Fatalf("GRR = %v > 100%%", grr)
		}
		if grr.Cmp(nrr) > 0 {
			t.Fatalf("GRR %v > NRR %v", grr, nrr)
		}
		if grr.Num.Sign() < 0 {
			t.Fatalf("GRR = %v < 0", grr)
		}
	})
}

// Movements sum exactly to the MRR change, per customer and for the book, in
// one-currency books (fast path) and in two-currency books where FX carries the
// exchange-rate swings.
func TestPropMovementsSum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := genRecords(t, "USD")
		opt := Options{}
		if rapid.Bool().Draw(t, "multi-currency") {
			first := MustParseMonth("2026-01")
			for i := range recs {
				if rapid.IntRange(0, 2).Draw(t, "eur") == 0 {
					recs[i].MRR, _ = cs.NewMoney(recs[i].MRR.Amount(), "EUR")
				}
			}
			opt.Currency = "USD"
			for m := range 6 {
				r := decimal.New(rapid.Int64Range(50, 200).Draw(t, "rate"), -2)
				opt.Rates = append(opt.Rates, Rate{From: "EUR", Month: first.Add(m), Rate: r})
			}
		}
		b := propBook(t, recs, opt)
		from, to := genPeriod(t, b)
		p, err := b.Period(from, to)
		if err != nil {
			t.Fatal(err)
		}
		checkIdentity(t, "book", p.StartMRR, p.EndMRR, p.Movements)
		cms, err := b.Movements(from, to)
		if err != nil {
			t.Fatal(err)
		}
		var sum Movements
		for _, cm := range cms {
			checkIdentity(t, cm.ID, cm.Start, cm.End, cm.Movements)
			sum = Movements{
				New: mustAdd(t, sum.New, cm.New), Expansion: mustAdd(t, sum.Expansion, cm.Expansion),
				Contraction: mustAdd(t, sum.Contraction, cm.Contraction), Churn: mustAdd(t, sum.Churn, cm.Churn),
				Reactivation: mustAdd(t, sum.Reactivation, cm.Reactivation), FX: mustAdd(t, sum.FX, cm.FX),
			}
		}
		if fmt.Sprint(sum) != fmt.Sprint(p.Movements) {
			t.Fatalf("Σ customer movements %v, book %v", sum, p.Movements)
		}
		if opt.Currency == "" && !p.FX.IsZero() {
			t.Fatalf("FX %s in a one-currency book", p.FX)
		}
	})
}

// report renders everything a book reports over a period, for byte comparison.
func report(t *rapid.T, b *Book, from, to Month) string {
	p, err := b.Period(from, to)
	if err != nil {
		t.Fatal(err)
	}
	cms, err := b.Movements(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v\n%v %v %v %v %v\n%+v\n%+v", p, p.GRR(), p.NRR(), p.LogoChurn(ChartMogul), p.QuickRatio(), p.ARPA(), cms, b.Cohorts())
}

// Metrics do not depend on the order of the input records.
func TestPropOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := genRecords(t, "USD")
		b := propBook(t, recs, Options{})
		from, to := genPeriod(t, b)
		want := report(t, b, from, to)
		perm := rapid.Permutation(recs).Draw(t, "perm")
		if got := report(t, propBook(t, perm, Options{}), from, to); got != want {
			t.Fatalf("shuffled records report\n%s\nwant\n%s", got, want)
		}
	})
}

// Splitting a customer's MRR across subscriptions changes no logo metric (and no
// movement: they are classified on the customer's total).
func TestPropSplitSubscriptions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := genRecords(t, "USD")
		var split []Record
		for _, r := range recs {
			cents, _ := r.MRR.Minor()
			if cents < 2 || !rapid.Bool().Draw(t, "split") {
				split = append(split, r)
				continue
			}
			k := rapid.Int64Range(1, cents-1).Draw(t, "at")
			a, _ := cs.MoneyFromMinor(k, "USD")
			c, _ := cs.MoneyFromMinor(cents-k, "USD")
			split = append(split, Record{r.Customer, r.Subscription + "a", r.Month, a}, Record{r.Customer, r.Subscription + "b", r.Month, c})
		}
		b, bs := propBook(t, recs, Options{}), propBook(t, split, Options{})
		from, to := genPeriod(t, b)
		if got, want := report(t, bs, from, to), report(t, b, from, to); got != want {
			t.Fatalf("split subscriptions report\n%s\nwant\n%s", got, want)
		}
	})
}

// The int64 fast path and the exact decimal path give identical reports.
func TestPropFastEqualsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := propBook(t, genRecords(t, "USD"), Options{})
		if b.Exact() {
			t.Fatal("a whole-cent USD book should take the fast path")
		}
		from, to := genPeriod(t, b)
		if got, want := report(t, b.exactView(), from, to), report(t, b, from, to); got != want {
			t.Fatalf("exact path\n%s\nfast path\n%s", got, want)
		}
	})
}

// The projection of the subscription customer-service article: the closed form
// equals the simulation exactly, for any inflow and retention.
func TestPropInflowClosedForm(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := Inflow{
			New:       decimal.NewFromInt(rapid.Int64Range(0, 100000).Draw(t, "new")),
			Retention: decimal.New(rapid.Int64Range(0, 100).Draw(t, "retention%"), -2),
		}
		periods := rapid.IntRange(1, 25).Draw(t, "periods")
		sim, err := f.Simulate(periods)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range sim {
			a, err := f.Active(i + 1)
			if err != nil {
				t.Fatal(err)
			}
			if !a.Num.Equal(s.Mul(a.Den)) {
				t.Fatalf("period %d: closed form %s/%s, simulation %s", i+1, a.Num, a.Den, s)
			}
		}
		if l, _ := f.Limit(); l.Defined() && len(sim) > 0 && sim[len(sim)-1].Mul(l.Den).GreaterThan(l.Num) {
			t.Fatalf("active %s above the limit %v", sim[len(sim)-1], l)
		}
	})
}

// FitSBG recovers the parameters of exact sBG survivor curves; survival falls and
// retention rises with tenure; DERL grows with the renewals already made.
func TestPropSBG(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := SBG{
			Alpha: float64(rapid.IntRange(30, 500).Draw(t, "alpha%")) / 100,
			Beta:  float64(rapid.IntRange(50, 1000).Draw(t, "beta%")) / 100,
		}
		n := rapid.IntRange(5, 13).Draw(t, "periods")
		s := make([]float64, n+1)
		for k := range s {
			s[k] = 1000 * m.Survival(k)
		}
		got, err := FitSBG(s)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Alpha/m.Alpha-1) > 1e-3 || math.Abs(got.Beta/m.Beta-1) > 1e-3 {
			t.Fatalf("FitSBG(S of α %v, β %v) = α %v, β %v", m.Alpha, m.Beta, got.Alpha, got.Beta)
		}
		prevD := 0.0
		for k := 1; k <= 20; k++ {
			if m.Survival(k) >= m.Survival(k-1) || (k > 1 && m.Retention(k) <= m.Retention(k-1)) {
				t.Fatalf("S or r not monotone at %d", k)
			}
			d, err := m.DERL(0.1, k)
			if err != nil || d <= prevD {
				t.Fatalf("DERL(0.1, %d) = %v, %v after %v", k, d, err, prevD)
			}
			prevD = d
		}
	})
}

// A Book is safe for concurrent use: readers in parallel get the same reports
// (run with -race).
func TestBookConcurrent(t *testing.T) {
	recs := synthBook(200, 6, 2)
	b, err := NewBook(recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, last := b.Months()
	want := fmt.Sprint(b.Period(first, last))
	done := make(chan string)
	for range 4 {
		go func() {
			_ = b.Cohorts()
			_, _ = b.Movements(first, last)
			done <- fmt.Sprint(b.Period(first, last))
		}()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Errorf("concurrent Period = %s, want %s", got, want)
		}
	}
}
