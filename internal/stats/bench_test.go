package stats

import (
	"github.com/successkit/cs/internal/benchtest"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/successkit/cs"
)

// sortRef sorts a copy of xs: the reference of the sort-bound benchmarks, one
// plain sort of the same data in the same run.
func sortRef(xs, buf []float64) func() {
	return func() {
		copy(buf, xs)
		slices.Sort(buf)
	}
}

// BenchmarkAUC1M ranks 1,000,000 scores (health-like: two decimals in [0,100]) and
// takes the AUC and the DeLong interval: the core of health's BenchmarkBacktest1M.
// Its reference is one sort of the same scores; Rank sorts (score, row) pairs
// with a comparison function, about twice a float sort, and the AUC and DeLong
// passes are linear: budget 4×.
func BenchmarkAUC1M(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	s := make([]float64, n)
	y := make([]bool, n)
	for i := range n {
		y[i] = rng.IntN(10) == 0
		s[i] = float64(rng.IntN(10001)) / 100
		if y[i] {
			s[i] = min(s[i]+20, 100)
		}
	}
	var in benchtest.Ratio
	buf := make([]float64, n)
	b.ReportAllocs()
	for b.Loop() {
		in.Measure(func() {
			r, err := Rank(s, y)
			if err != nil {
				b.Fatal(err)
			}
			_ = r.DeLong()
		}, sortRef(s, buf))
	}
	in.Report(b, "sort", 4)
}

// BenchmarkLogistic100k fits 10 non-negative weights on 100,000 rows: the core of
// health's BenchmarkFit100k.
func BenchmarkLogistic100k(b *testing.B) {
	w := []float64{3, 2, 2, 1, 1, 2, 1, 1, 1, 2}
	x, y := simulate(100_000, -8, w, 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Logistic(x, y, FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(x.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkBook1M backtests 1,000,000 customers, one snapshot each: joining outcomes
// by ID, the grade table with MRR per currency, the flag, the AUC and its DeLong
// interval. It is the workload of health's BenchmarkBacktest1M without the scoring,
// and its ratio to one sort of the 1,000,000 scores is reported (the budget is
// asserted there).
func BenchmarkBook1M(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(3, 4))
	snaps := make([]Snapshot, n)
	outs := make([]Outcome, n)
	day := cs.MustParseDate("2026-01-01")
	for i := range n {
		id := "C" + strconv.Itoa(1_000_000+i)
		score := float64(rng.IntN(10001)) / 100
		churn := rng.Float64() < 0.3*(1-score/100)
		g := "green"
		switch {
		case score <= 50:
			g = "red"
		case score <= 75:
			g = "yellow"
		}
		m, _ := cs.MoneyFromMinor(int64(rng.IntN(1_000_000)), "USD")
		snaps[i] = Snapshot{ID: id, Date: day, Score: score, Grade: g, MRR: m}
		outs[i] = Outcome{ID: id, Churned: churn}
	}
	// Neither list arrives sorted by ID.
	rng.Shuffle(n, func(i, j int) { snaps[i], snaps[j] = snaps[j], snaps[i] })
	rng.Shuffle(n, func(i, j int) { outs[i], outs[j] = outs[j], outs[i] })
	scores := make([]float64, n)
	for i := range snaps {
		scores[i] = snaps[i].Score
	}
	var in benchtest.Ratio
	buf := make([]float64, n)
	b.ReportAllocs()
	for b.Loop() {
		in.Measure(func() {
			rep, err := Book(snaps, outs, BookOptions{Grades: []string{"red", "yellow", "green"}})
			if err != nil || len(rep.Errors) > 0 {
				b.Fatal(err, rep.Errors)
			}
		}, sortRef(scores, buf))
	}
	in.Report(b, "sort", 0)
}

// BenchmarkFitWeights100k fits 10 scorecard weights on 100,000 customers with 5%
// of points missing, with the in-sample AUC and a 5-fold cross-validation: the
// workload of health's BenchmarkFit100k without the scoring.
func BenchmarkFitWeights100k(b *testing.B) {
	x, y := simulatePoints(100_000, -4, []float64{3, 2, 2, 1, 1, 2, 1, 1, 1, 2}, 0.05, 5)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FitWeights(x, y, WeightOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(x.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// lifetimes1M draws 1,000,000 customers in 4 groups with follow-up in whole days
// (0–729, so ties are frequent as with real dates), a third of them censored.
func lifetimes1M() ([]float64, []bool, []int) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(21, 22))
	times := make([]float64, n)
	events := make([]bool, n)
	groups := make([]int, n)
	for i := range n {
		groups[i] = rng.IntN(4)
		times[i] = float64(rng.IntN(730 - 100*groups[i]))
		events[i] = rng.IntN(3) != 0
	}
	return times, events, groups
}

// BenchmarkSurvival1M estimates the Kaplan–Meier curves of 4 groups of 1,000,000
// customers in all, with Greenwood intervals and medians, and the log-rank test
// between them. Budget: within 3× of one sort of the same 1,000,000 times (the
// README's budget): the work is a counting split by group and class, sorts of the
// parts (together cheaper than one sort of the whole) and linear merges.
func BenchmarkSurvival1M(b *testing.B) {
	times, events, groups := lifetimes1M()
	var in benchtest.Ratio
	buf := make([]float64, len(times))
	b.ReportAllocs()
	for b.Loop() {
		in.Measure(func() {
			if _, err := Survival(times, events, groups, 4, SurvivalOptions{}); err != nil {
				b.Fatal(err)
			}
		}, sortRef(times, buf))
	}
	in.Report(b, "sort", 3)
}

// BenchmarkIsotonic1M fits an isotonic calibration to 1,000,000 scores with two
// decimals. Budget: within 3× of one sort of the same scores (the README's budget):
// the positives' and the negatives' scores are sorted apart, then pooled in one
// pass.
func BenchmarkIsotonic1M(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(23, 24))
	s := make([]float64, n)
	y := make([]bool, n)
	for i := range n {
		s[i] = float64(rng.IntN(10001)) / 100
		y[i] = rng.Float64() < 0.3*(1-s[i]/100)
	}
	var in benchtest.Ratio
	buf := make([]float64, n)
	b.ReportAllocs()
	for b.Loop() {
		in.Measure(func() {
			if _, err := FitIsotonic(s, y); err != nil {
				b.Fatal(err)
			}
		}, sortRef(s, buf))
	}
	in.Report(b, "sort", 3)
}

// BenchmarkConcordance1M computes Harrell's C of a prediction against 1,000,000
// censored survival times. Its ratio to one sort of the times is reported, to
// show it is O(n log n) — the pairwise definition would take 5·10¹¹ comparisons.
func BenchmarkConcordance1M(b *testing.B) {
	times, events, groups := lifetimes1M()
	rng := rand.New(rand.NewPCG(25, 26))
	pred := make([]float64, len(times))
	for i := range pred {
		pred[i] = float64(rng.IntN(10001))/100 - 10*float64(groups[i])
	}
	var in benchtest.Ratio
	buf := make([]float64, len(times))
	b.ReportAllocs()
	for b.Loop() {
		in.Measure(func() {
			if _, err := Concordance(times, events, pred); err != nil {
				b.Fatal(err)
			}
		}, sortRef(times, buf))
	}
	in.Report(b, "sort", 0)
}
