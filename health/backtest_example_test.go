package health_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// usageScorer scores usage alone: 0 → 0 points, 1 → 100.
func usageScorer(bad, good float64) *health.Scorer {
	s, err := health.Compile(health.Config{Profiles: []health.Profile{{Name: "all", Groups: []health.Group{{
		Name: "Adoption", Weight: 1,
		Measures: []health.Measure{{Name: "usage", Signal: "usage", Weight: 1, Ramp: &health.Ramp{Bad: bad, Good: good}}},
	}}}}})
	if err != nil {
		log.Fatal(err)
	}
	return s
}

// A tiny book: six customers, two snapshots each, and what happened next.
func tinyBook() ([]health.Observation, []health.Outcome) {
	usage := map[string][2]float64{ // March, June
		"a": {0.9, 0.85}, "b": {0.6, 0.2}, "c": {0.8, 0.7}, "d": {0.5, 0.45}, "e": {0.4, 0.3}, "f": {0.95, 0.9},
	}
	churned := map[string]bool{"b": true, "e": true}
	var obs []health.Observation
	var outs []health.Outcome
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		for k, d := range []cs.Date{cs.NewDate(2026, 3, 31), cs.NewDate(2026, 6, 30)} {
			obs = append(obs, health.Observation{AsOf: d, Customer: cs.Customer{ID: id, Signals: cs.Signals{"usage": usage[id][k]}}})
		}
		outs = append(outs, health.Outcome{ID: id, Churned: churned[id], Date: cs.NewDate(2026, 9, 30)})
	}
	return obs, outs
}

// Backtest scores each customer's latest snapshot and checks it against churn.
func ExampleBacktest() {
	obs, outs := tinyBook()
	rep, err := health.Backtest(usageScorer(0, 1), obs, outs, health.BacktestOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("n=%d churners=%d AUC=%.2f\n", rep.N, rep.Churners, rep.AUC.Estimate)
	for _, g := range rep.Grades {
		fmt.Printf("%-6s accounts=%d churners=%d lift=%.1f\n", g.Grade, g.Accounts, g.Churners, g.Lift)
	}
	fmt.Printf("flag %v: precision %.2f recall %.2f; lead time %v days\n", rep.Flag, rep.Precision, rep.Recall, rep.LeadTime.Days)
	// Output:
	// n=6 churners=2 AUC=1.00
	// red    accounts=3 churners=2 lift=2.0
	// yellow accounts=1 churners=0 lift=0.0
	// green  accounts=2 churners=0 lift=0.0
	// flag [red]: precision 0.67 recall 1.00; lead time [92 183] days
}

// BacktestScores takes scores computed elsewhere, such as by Plan.Score.
func ExampleBacktestScores() {
	rows := []health.ScoredSnapshot{
		{ID: "a", Score: 90, Grade: "green"}, {ID: "b", Score: 30, Grade: "red"},
		{ID: "c", Score: 60, Grade: "yellow"}, {ID: "d", Score: 20, Grade: "red"},
	}
	outs := []health.Outcome{{ID: "a"}, {ID: "b", Churned: true}, {ID: "c", Churned: true}, {ID: "d"}, {ID: "x"}}
	rep, err := health.BacktestScores(rows, outs, health.BacktestOptions{Grades: []string{"red", "yellow", "green"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("AUC %.2f [%.2f, %.2f] (%s)\n", rep.AUC.Estimate, rep.AUC.Low, rep.AUC.High, rep.AUC.Method)
	for _, e := range rep.Errors {
		fmt.Println(e)
	}
	// Output:
	// AUC 0.50 [0.00, 1.00] (delong)
	// health: customer "x": outcomes[4].id: "x": unknown customer ID
}

// Compare tells whether one scorecard ranks churners better than another, with an
// interval for the difference computed on the same customers.
func ExampleCompare() {
	obs, outs := tinyBook()
	c, err := health.Compare(usageScorer(0, 1), usageScorer(1, 0), obs, outs, health.BacktestOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("AUC A %.2f, B %.2f, A−B %.2f [%.2f, %.2f]\n", c.A.AUC.Estimate, c.B.AUC.Estimate, c.Diff.Estimate, c.Diff.Low, c.Diff.High)
	// Output:
	// AUC A 1.00, B 0.00, A−B 1.00 [1.00, 1.00]
}

// ReadOutcomes streams id,churned[,date], one error per bad line in its place.
func ExampleReadOutcomes() {
	in := "id,churned\na,1\nb,no\nc,false\n"
	for o, err := range health.ReadOutcomes(strings.NewReader(in), "outcomes.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(o.ID, o.Churned)
	}
	// Output:
	// a true
	// health: outcomes.csv:3: customer "b": churned: "no": not 0/1/true/false
	// c false
}

// Fit learns a profile's weights from history and returns an ordinary config.
func ExampleFit() {
	cfg := health.Config{Profiles: []health.Profile{{Name: "all", Groups: []health.Group{{
		Name: "Product", Weight: 1,
		Measures: []health.Measure{
			{Name: "usage", Signal: "usage", Weight: 1, Ramp: &health.Ramp{Bad: 0, Good: 1}},
			{Name: "nps", Signal: "nps", Weight: 1, Ramp: &health.Ramp{Bad: 0, Good: 10}},
		},
	}}}}}
	// 200 customers: churn follows usage, while NPS is noise.
	var obs []health.Observation
	var outs []health.Outcome
	for i := range 200 {
		id := fmt.Sprintf("c%03d", i)
		u := float64(i%20) / 20
		nps := float64((i * 7) % 11)
		obs = append(obs, health.Observation{AsOf: cs.NewDate(2026, 6, 30), Customer: cs.Customer{ID: id, Signals: cs.Signals{"usage": u, "nps": nps}}})
		outs = append(outs, health.Outcome{ID: id, Churned: u < 0.25 && i%3 != 0 || i%29 == 0})
	}
	res, err := health.Fit(cfg, obs, outs, health.FitOptions{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range res.Weights {
		fmt.Printf("%s: %.0f%% → %.0f%%\n", w.Measure, w.Before, w.After)
	}
	fmt.Printf("AUC before %.2f, after %.2f (cross-validated %.2f)\n", res.BaselineAUC, res.InSampleAUC, res.CVAUC)
	// Output:
	// nps: 50% → 0%
	// usage: 50% → 100%
	// AUC before 0.75, after 0.88 (cross-validated 0.88)
}
