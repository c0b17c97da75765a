package retention

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

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

// sumMinor is the floor of building a book: one pass over the records that
// sums their amounts as int64 minor units (Money.Minor), with nothing kept.
func sumMinor(recs []Record) int64 {
	var s int64
	for i := range recs {
		v, _ := recs[i].MRR.Minor()
		s += v
	}
	return s
}

// BenchmarkMetrics1M builds a book from about 1,000,000 monthly MRR records
// (50,000 customers × 20 months) and computes the last month's movements, GRR,
// NRR, logo churn and the cohort table, exactly, on one worker. Its reference,
// timed in the same iterations (interleaved, in alternating order; the median
// ratio of the pairs is reported), sums the same records as int64 minor units
// (sumMinor): the least any book must do to read them. Budget: at most 10× the reference (x-minor). On a quiet 2-core
// machine it measures about 3× (NewBook alone about 2×); at a load average of
// 20, 6–9×, because the book allocates (the records' Money pointers, the
// results' Money) where the reference only reads.
func BenchmarkMetrics1M(b *testing.B) {
	recs := synthBook(50000, 20, 1)
	if len(recs) < 950000 || len(recs) > 1050000 {
		b.Fatalf("synthBook: %d records, want about 1,000,000", len(recs))
	}
	b.ReportAllocs()
	var sink int64
	interleave(b, 10, "x-minor", 1, func() { sink += sumMinor(recs) }, func() {
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
	})
	b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// interleave runs ref and lib reps times each per iteration, in pairs whose
// order alternates, so that a change of the machine's load weighs on both
// alike. It reports lib's and ref's time per call (lib-ns/op, ref-ns/op) and,
// as unit, the median over the pairs of lib's time over ref's (a preemption
// that hits one call of a pair moves one sample, not the result), failing the
// benchmark above budget.
func interleave(b *testing.B, budget float64, unit string, reps int, ref, lib func()) {
	var tr, tl time.Duration
	var ratios []float64
	i := 0
	for b.Loop() {
		for range reps {
			var dr, dl time.Duration
			t0 := time.Now()
			if i%2 == 0 {
				ref()
				t1 := time.Now()
				lib()
				dr, dl = t1.Sub(t0), time.Since(t1)
			} else {
				lib()
				t1 := time.Now()
				ref()
				dl, dr = t1.Sub(t0), time.Since(t1)
			}
			tr, tl = tr+dr, tl+dl
			ratios = append(ratios, float64(dl)/float64(max(dr, 1)))
			i++
		}
	}
	b.ReportMetric(float64(tl)/float64(i), "lib-ns/op")
	b.ReportMetric(float64(tr)/float64(i), "ref-ns/op")
	slices.Sort(ratios)
	r := ratios[len(ratios)/2]
	b.ReportMetric(r, unit)
	if r > budget {
		b.Errorf("%.2f× the reference (median of %d pairs), budget %.1f×", r, len(ratios), budget)
	}
}

// periodFloor computes GRR's and NRR's parts and the start and end MRR of the
// period from month index i0 to i1 over a plain customer × month matrix of
// int64 minor units: the hand-written loop a Period must stay near.
func periodFloor(cells []int64, months, i0, i1 int) (start, end, base, retained, kept int64) {
	for o := 0; o < len(cells); o += months {
		a, e := cells[o+i0], cells[o+i1]
		start += a
		end += e
		if a > 0 {
			base += a
			kept += e
			retained += min(a, e)
		}
	}
	return
}

// BenchmarkPeriod1M computes the last month's Period (movements, GRR, NRR and
// logo counts) on a built book of about 1,000,000 records (50,000 customers ×
// 20 months), on 1 and 2 workers, 25 times an iteration. Its reference, timed
// in the same iterations (interleaved pairs; the median ratio is reported), is
// periodFloor over the same records as a customer × month int64
// matrix (floor): budget at most 2× the floor on one worker (x-floor).
func BenchmarkPeriod1M(b *testing.B) {
	recs := synthBook(50000, 20, 1)
	bk, err := NewBook(recs, Options{})
	if err != nil {
		b.Fatal(err)
	}
	first, last := bk.Months()
	months, i0, i1 := int(last-first)+1, int(last-first)-1, int(last-first)
	ids := bk.Customers()
	cells := make([]int64, len(ids)*months)
	for _, r := range recs {
		c, _ := slices.BinarySearch(ids, r.Customer)
		v, _ := r.MRR.Minor()
		cells[c*months+int(r.Month-first)] += v
	}
	want, err := bk.Period(last-1, last)
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		wb, err := NewBook(recs, Options{Workers: w})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			var p Period
			var base, retained int64
			// The floor is one goroutine's loop: the budget binds one worker;
			// two report their ratio, which on a loaded machine waits for a core.
			budget := 2.0
			if w > 1 {
				budget = math.Inf(1)
			}
			interleave(b, budget, "x-floor", 25, func() {
				_, _, base, retained, _ = periodFloor(cells, months, i0, i1)
			}, func() {
				if p, err = wb.Period(last-1, last); err != nil {
					b.Fatal(err)
				}
			})
			if fmt.Sprint(p) != fmt.Sprint(want) {
				b.Fatalf("Period on %d workers = %v, want %v", w, p, want)
			}
			if got := NewRatio(decimal.New(retained, -2), decimal.New(base, -2)); got.Cmp(want.GRR()) != 0 {
				b.Fatalf("floor GRR %v, Period %v", got, want.GRR())
			}
		})
	}
}

// BenchmarkNewBook builds the 1,000,000-record book on 1 and 2 workers and
// reports the book's bytes per record, measured as the live heap it adds
// (budget: at most 24).
func BenchmarkNewBook(b *testing.B) {
	recs := synthBook(50000, 20, 1)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := NewBook(recs, Options{Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			per := bookBytes(b, recs) / float64(len(recs))
			b.ReportMetric(per, "B/record")
			if per > 24 {
				b.Errorf("%.1f bytes per record, budget 24", per)
			}
		})
	}
}

// bookBytes returns the live heap a book of recs holds, after garbage
// collection.
func bookBytes(tb testing.TB, recs []Record) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	bk, err := NewBook(recs, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(bk)
	return float64(after.HeapAlloc) - float64(before.HeapAlloc)
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
