package stats

import (
	"math/rand/v2"
	"testing"
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
