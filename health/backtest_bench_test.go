package health

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/successkit/cs"
)

// BenchmarkBacktest1M backtests 1,000,000 scored snapshots (one per customer,
// scored by the columnar Plan in the setup) against their outcomes: the join by
// ID, the grade table with MRR per currency, the flag, the lead time and the AUC
// with its DeLong interval. Budget: ≤ 1 s on one core (sort-bound).
func BenchmarkBacktest1M(b *testing.B) {
	const n = 1_000_000
	rows, outs := scoredMillion(b, n)
	b.ReportAllocs()
	for b.Loop() {
		rep, err := BacktestScores(rows, outs, BacktestOptions{Grades: []string{"red", "yellow", "green"}})
		if err != nil || len(rep.Errors) > 0 || rep.N != n {
			b.Fatal(err, rep.Errors, rep.N)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// scoredMillion scores n synthetic accounts on the usage scorecard with
// Plan.Score and draws churn from the score; IDs and outcomes arrive shuffled.
func scoredMillion(b *testing.B, n int) ([]ScoredSnapshot, []Outcome) {
	s := mustCompile(b, usageConfig())
	pl, err := s.Plan("all", []string{"usage"})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	usage := make([]float64, n)
	for i := range usage {
		usage[i] = rng.Float64()
	}
	out := make([]Scored, n)
	if err := pl.Score(context.Background(), &Columns{Names: []string{"usage"}, Values: [][]float64{usage}}, out, 1); err != nil {
		b.Fatal(err)
	}
	grades := pl.Grades()
	rows := make([]ScoredSnapshot, n)
	outs := make([]Outcome, n)
	for i := range n {
		id := "C" + strconv.Itoa(1_000_000+i)
		m, _ := cs.MoneyFromMinor(int64(rng.IntN(1_000_000)), "USD")
		rows[i] = ScoredSnapshot{ID: id, Date: btDate, Score: out[i].Score, Grade: grades.Bands[out[i].Grade].Label, MRR: m}
		outs[i] = Outcome{ID: id, Churned: rng.Float64() < 0.3*(1-out[i].Score/100)}
	}
	rng.Shuffle(n, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	rng.Shuffle(n, func(i, j int) { outs[i], outs[j] = outs[j], outs[i] })
	return rows, outs
}

// BenchmarkFit100k fits the 10 weights of a scorecard on 100,000 customers drawn
// from a logistic model: scoring every customer, the fit, a 5-fold
// cross-validation and the fitted config's AUC. Budget: ≤ 2 s on one core.
func BenchmarkFit100k(b *testing.B) {
	const n = 100_000
	beta := []float64{3, 2, 2, 1, 1, 2, 1, 1, 1, 2}
	obs, outs := simulate(n, -6, beta, 11)
	cfg := linearConfig(len(beta))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Fit(cfg, obs, outs, FitOptions{Seed: 1})
		if err != nil || res.Rows != n {
			b.Fatal(err, res.Rows)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
