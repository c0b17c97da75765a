package stats_test

import (
	"fmt"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/stats"
)

func ExampleAUC() {
	// Health risk (100 − score) of six accounts and whether each churned.
	risk := []float64{90, 80, 40, 60, 20, 10}
	churned := []bool{true, true, false, true, false, false}
	auc, err := stats.AUC(risk, churned)
	fmt.Println(auc, err)
	// Output: 1 <nil>
}

func ExampleRank() {
	risk := []float64{90, 30, 40, 60, 20, 10, 50, 70}
	churned := []bool{true, false, false, true, true, false, false, true}
	r, _ := stats.Rank(risk, churned)
	iv := r.DeLong()
	fmt.Printf("AUC %.4f [%.4f, %.4f] by %s\n", iv.Estimate, iv.Low, iv.High, iv.Method)
	fmt.Println(len(r.ROC()), "ROC points")
	// Output:
	// AUC 0.8125 [0.4251, 1.0000] by delong
	// 9 ROC points
}

func ExampleRanking_Bootstrap() {
	risk := []float64{90, 30, 40, 60, 20, 10, 50, 70, 35, 45}
	churned := []bool{true, false, false, true, true, false, false, true, false, true}
	r, _ := stats.Rank(risk, churned)
	iv, _ := r.Bootstrap(200, 1)
	fmt.Printf("AUC %.2f, interval width %.2f\n", iv.Estimate, iv.High-iv.Low)
	// Output: AUC 0.80, interval width 0.52
}

func ExampleCompareDeLong() {
	churned := []bool{true, false, false, true, true, false, false, true}
	a, _ := stats.Rank([]float64{90, 30, 40, 60, 20, 10, 50, 70}, churned)
	b, _ := stats.Rank([]float64{50, 60, 40, 60, 20, 10, 50, 30}, churned)
	d, _ := stats.CompareDeLong(a, b)
	fmt.Printf("ΔAUC %.4f [%.4f, %.4f]\n", d.Estimate, d.Low, d.High)
	// Output: ΔAUC 0.3125 [-0.0999, 0.7249]
}

func ExampleCompareBootstrap() {
	churned := []bool{true, false, false, true, true, false, false, true}
	a, _ := stats.Rank([]float64{90, 30, 40, 60, 20, 10, 50, 70}, churned)
	b, _ := stats.Rank([]float64{50, 60, 40, 60, 20, 10, 50, 30}, churned)
	d, _ := stats.CompareBootstrap(a, b, 100, 7)
	fmt.Printf("ΔAUC %.4f, low below high: %v\n", d.Estimate, d.Low < d.High)
	// Output: ΔAUC 0.3125, low below high: true
}

func ExampleWilson() {
	// 3 of 12 red accounts churned.
	iv, _ := stats.Wilson(3, 12)
	fmt.Printf("%.2f [%.4f, %.4f]\n", iv.Estimate, iv.Low, iv.High)
	// Output: 0.25 [0.0889, 0.5323]
}

func ExampleConfuse() {
	red := []bool{true, true, false, false, false}
	churned := []bool{true, false, true, false, false}
	c, _ := stats.Confuse(red, churned)
	fmt.Printf("precision %.2f recall %.2f lift %.2f\n", c.Precision(), c.Recall(), c.Lift())
	// Output: precision 0.50 recall 0.50 lift 1.25
}

func ExampleLift() {
	// 12 red accounts with 3 churners, in a book of 100 with 10 churners.
	fmt.Println(stats.Lift(3, 12, 10, 100))
	// Output: 2.5
}

func ExampleLogistic() {
	// Usage points of twelve accounts (0 = heavy use) against churn.
	x := stats.Matrix{Rows: 12, Cols: 1, Data: []float64{0, 0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}}
	y := []bool{false, false, false, true, false, false, true, false, true, true, false, true}
	m, err := stats.Logistic(x, y, stats.FitOptions{})
	fmt.Printf("intercept %.3f weight %.3f converged %v %v\n", m.Intercept, m.Weights[0], m.Converged, err)
	fmt.Printf("P(churn | 0.9) = %.3f\n", m.Probability([]float64{0.9}))
	// Output:
	// intercept -2.230 weight 3.735 converged true <nil>
	// P(churn | 0.9) = 0.756
}

func ExampleCrossValidate() {
	x := stats.Matrix{Rows: 18, Cols: 1, Data: []float64{0, 0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0.05, 0.15, 0.45, 0.55, 0.85, 0.95}}
	y := []bool{false, false, false, true, false, false, true, false, true, true, false, true, false, false, false, true, true, true}
	cv, err := stats.CrossValidate(x, y, stats.FitOptions{}, 3, 1)
	fmt.Printf("CV AUC %.3f over %d folds %v\n", cv.AUC, len(cv.FoldAUC), err)
	// Output: CV AUC 0.801 over 3 folds <nil>
}

func ExampleFolds() {
	y := []bool{true, true, false, false, false, false}
	f, _ := stats.Folds(y, 2, 1)
	fmt.Println(len(f))
	// Output: 6
}

func ExampleBook() {
	day := cs.MustParseDate("2026-03-01")
	snaps := []stats.Snapshot{
		{ID: "a", Date: day, Score: 30, Grade: "red", MRR: cs.MustParseMoney("100 USD")},
		{ID: "b", Date: day, Score: 45, Grade: "red", MRR: cs.MustParseMoney("50 USD")},
		{ID: "c", Date: day, Score: 60, Grade: "yellow", MRR: cs.MustParseMoney("80 USD")},
		{ID: "d", Date: day, Score: 90, Grade: "green", MRR: cs.MustParseMoney("200 USD")},
	}
	outs := []stats.Outcome{{ID: "a", Churned: true}, {ID: "b"}, {ID: "c", Churned: true}, {ID: "d"}, {ID: "zz"}}
	rep, err := stats.Book(snaps, outs, stats.BookOptions{Grades: []string{"red", "yellow", "green"}})
	fmt.Printf("n %d base %.2f AUC %.2f precision %.2f recall %.2f %v\n", rep.N, rep.BaseRate, rep.AUC.Estimate, rep.Precision, rep.Recall, err)
	for _, g := range rep.Grades {
		fmt.Println(g.Grade, g.Accounts, g.Churners, g.MRR)
	}
	fmt.Println(rep.Errors)
	// Output:
	// n 4 base 0.50 AUC 0.75 precision 0.50 recall 0.50 <nil>
	// red 2 1 [150.00 USD]
	// yellow 1 1 [80.00 USD]
	// green 1 0 [200.00 USD]
	// [customer "zz": outcomes[4].id: "zz": unknown customer ID]
}

func ExampleCompareBooks() {
	outs := []stats.Outcome{{ID: "a", Churned: true}, {ID: "b"}, {ID: "c", Churned: true}, {ID: "d"}}
	scores := func(s ...float64) []stats.Snapshot {
		var out []stats.Snapshot
		for i, v := range s {
			out = append(out, stats.Snapshot{ID: outs[i].ID, Score: v, Grade: "red"})
		}
		return out
	}
	a, _ := stats.Book(scores(30, 45, 60, 90), outs, stats.BookOptions{})
	b, _ := stats.Book(scores(10, 45, 20, 90), outs, stats.BookOptions{})
	d, _ := stats.CompareBooks(b, a, 0, 0)
	fmt.Printf("B − A: %.2f\n", d.Estimate)
	// Output: B − A: 0.25
}

func ExampleFitWeights() {
	// Points of two measures (usage, support) for 24 customers; churn follows a
	// low usage score, with a few exceptions.
	pts := stats.Matrix{Rows: 24, Cols: 2}
	var churned []bool
	for i := range 24 {
		usage, support := float64(i*37%101), float64(i*53%101)
		pts.Data = append(pts.Data, usage, support)
		churned = append(churned, (usage < 40) != (i%7 == 0))
	}
	f, err := stats.FitWeights(pts, churned, stats.WeightOptions{Folds: 2, Seed: 1})
	fmt.Printf("weights %.3f, AUC %.3f, CV AUC %.3f %v\n", f.Weights, f.AUC, f.CV.AUC, err)
	// Output: weights [1.000 0.000], AUC 0.807, CV AUC 0.814 <nil>
}

func ExampleThin() {
	risk := []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
	churned := []bool{true, false, true, true, false, false, true, false, false, false}
	r, _ := stats.Rank(risk, churned)
	for _, p := range stats.Thin(r.ROC(), 4) {
		fmt.Printf("%v %.2f %.2f\n", p.Threshold, p.FPR, p.TPR)
	}
	// Output:
	// +Inf 0.00 0.00
	// 7 0.17 0.50
	// 4 0.50 0.75
	// 0 1.00 1.00
}

func ExampleSurvival() {
	// Weeks to relapse: two groups, 0 marking a censored patient.
	times := []float64{6, 6, 7, 10, 13, 16, 1, 2, 3, 4, 5, 8}
	events := []bool{true, false, true, false, true, true, true, true, true, true, true, true}
	groups := []int{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}
	r, _ := stats.Survival(times, events, groups, 2, stats.SurvivalOptions{})
	for g, c := range r.Curves {
		p := c.At(5)
		fmt.Printf("group %d: S(5) = %.3f [%.3f, %.3f], median %v\n", g, p.Survival, p.Low, p.High, *c.Median)
	}
	fmt.Printf("log-rank χ² %.2f on %d df, p %.3f\n", r.LogRank.ChiSquare, r.LogRank.DF, r.LogRank.P)
	// Output:
	// group 0: S(5) = 1.000 [1.000, 1.000], median 13
	// group 1: S(5) = 0.167 [0.008, 0.517], median 3
	// log-rank χ² 7.44 on 1 df, p 0.006
}

func ExampleConcordance() {
	times := []float64{2, 5, 7, 9}
	events := []bool{true, true, false, true}
	scores := []float64{30, 60, 80, 70} // higher: expected to last longer
	c, _ := stats.Concordance(times, events, scores)
	fmt.Printf("C = %.3f (%d of %d pairs concordant)\n", c.C, c.Concordant, c.Comparable)
	// Output: C = 1.000 (5 of 5 pairs concordant)
}

func ExampleFitPlatt() {
	var s []float64
	var y []bool
	for i := range 40 {
		s = append(s, float64(i))
		y = append(y, i%4 == 0 && i < 20 || i%9 == 0)
	}
	p, _ := stats.FitPlatt(s, y)
	lo, hi := p.Interval(10)
	fmt.Printf("P(10) = %.2f [%.2f, %.2f], slope %.3f\n", p.Probability(10), lo, hi, p.Slope)
	// Output: P(10) = 0.30 [0.15, 0.51], slope -0.052
}

func ExampleFitIsotonic() {
	m, _ := stats.FitIsotonic([]float64{1, 2, 3, 4, 5, 6}, []bool{false, true, false, false, true, true})
	for _, b := range m.Blocks {
		fmt.Printf("[%v, %v] %d/%d = %.2f\n", b.Min, b.Max, b.Positives, b.N, b.P)
	}
	// Output:
	// [1, 1] 0/1 = 0.00
	// [2, 4] 1/3 = 0.33
	// [5, 6] 2/2 = 1.00
}

func ExampleReliability() {
	r, _ := stats.Reliability([]float64{0.1, 0.9, 0.8, 0.3}, []bool{false, true, true, false}, 2)
	fmt.Printf("Brier %.4f = %.4f − %.4f + %.4f + %.4f − %.4f\n", r.Brier, r.Reliability, r.Resolution, r.Uncertainty, r.WithinBinVariance, r.WithinBinCovariance)
	// Output: Brier 0.0375 = 0.0312 − 0.2500 + 0.2500 + 0.0062 − 0.0000
}
