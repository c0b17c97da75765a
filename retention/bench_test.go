package retention

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/successkit/cs"
)

// synthBook returns monthly MRR records of n customers over months months, from a
// fixed seed: customers start in a random month, grow, shrink, churn and come back,
// and some hold two subscriptions. Amounts are whole cents.
func synthBook(n, months int, seed uint64) []Record {
	rng := rand.New(rand.NewPCG(seed, 0))
	first := MustParseMonth("2025-01")
	recs := make([]Record, 0, n*months)
	for c := range n {
		id := "c" + strconv.Itoa(100000+c)
		subs := 1 + rng.IntN(2)
		start := 0
		if rng.IntN(4) == 0 {
			start = rng.IntN(months) // a quarter join during the book
		}
		cents := int64(1000 + rng.IntN(500000))
		active := true
		for m := start; m < months; m++ {
			switch r := rng.IntN(100); {
			case r < 3:
				active = !active
			case r < 10:
				cents += cents / 10
			case r < 15:
				cents -= cents / 20
			}
			if !active {
				continue
			}
			for s := range subs {
				if s == 1 && m%7 == 6 {
					continue // the second subscription lapses now and then: contraction
				}
				mrr, _ := cs.MoneyFromMinor(cents/int64(subs), "USD")
				recs = append(recs, Record{Customer: id, Subscription: "s" + strconv.Itoa(s), Month: first.Add(m), MRR: mrr})
			}
		}
	}
	return recs
}

// BenchmarkMetrics1M builds a book from about 1,000,000 monthly MRR records (50,000
// customers × 20 months) and computes the last month's movements, GRR, NRR, logo
// churn and the cohort table, exactly. Budget: ≤ 300 ms on one core.
func BenchmarkMetrics1M(b *testing.B) {
	recs := synthBook(50000, 20, 1)
	if len(recs) < 950000 || len(recs) > 1050000 {
		b.Fatalf("synthBook: %d records, want about 1,000,000", len(recs))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		bk, err := NewBook(recs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		f, l := bk.Months()
		p, err := bk.Period(l.Add(-1), l)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bk.Movements(l.Add(-1), l); err != nil {
			b.Fatal(err)
		}
		_, _, _ = p.GRR(), p.NRR(), p.LogoChurn(ChartMogul)
		if co := bk.Cohorts(); len(co) == 0 || co[0].Start != f {
			b.Fatal("no cohorts")
		}
	}
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkFitSBG fits a 13-period cohort (survivors of 1,000 customers drawn from
// the "regular" estimates of Fader & Hardie 2007, rounded). Budget: ≤ 1 ms a fit.
func BenchmarkFitSBG(b *testing.B) {
	m := SBG{Alpha: 0.704, Beta: 1.182}
	s := make([]float64, 14)
	for t := range s {
		s[t] = float64(int(1000*m.Survival(t) + 0.5))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FitSBG(s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fits/s")
}
