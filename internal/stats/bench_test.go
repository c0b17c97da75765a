package stats

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/successkit/cs"
)

// BenchmarkAUC1M ranks 1,000,000 scores (health-like: two decimals in [0,100]) and
// takes the AUC and the DeLong interval: the core of health's BenchmarkBacktest1M.
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
	b.ReportAllocs()
	for b.Loop() {
		r, err := Rank(s, y)
		if err != nil {
			b.Fatal(err)
		}
		_ = r.DeLong()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
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
// interval. It is the workload of health's BenchmarkBacktest1M without the scoring.
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
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Book(snaps, outs, BookOptions{Grades: []string{"red", "yellow", "green"}})
		if err != nil || len(rep.Errors) > 0 {
			b.Fatal(err, rep.Errors)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "snapshots/s")
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
