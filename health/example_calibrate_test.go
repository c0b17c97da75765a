package health_test

import (
	"fmt"
	"log"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// A book of 600 customers whose churn within 180 days falls with usage: usage u
// churns in 60 of every 100 customers at u = 0, down to 4 at u = 1.
func churnBook() ([]health.Observation, []health.Outcome) {
	var obs []health.Observation
	var outs []health.Outcome
	asOf := cs.NewDate(2026, 6, 30)
	for i := range 600 {
		id := fmt.Sprintf("c%03d", i)
		u := float64(i%100) / 99
		churnPer100 := 60 - 56*u
		obs = append(obs, health.Observation{AsOf: asOf, Customer: cs.Customer{ID: id, Signals: cs.Signals{"usage": u}}})
		outs = append(outs, health.Outcome{ID: id, Churned: float64(i/100*17%100) < churnPer100})
	}
	return obs, outs
}

// Calibrate maps the score to a probability of churn and stores it in the
// profile: every Result then states it beside the score.
func ExampleCalibrate() {
	obs, outs := churnBook()
	cfg := usageScorer(0, 1).Config()
	res, err := health.Calibrate(cfg, obs, outs, health.CalibrateOptions{HorizonDays: 180, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s on %d customers: slope %.3f per point (%.3f to %.3f)\n",
		res.Calibration.Method, res.Rows, res.Slope.Estimate, res.Slope.Low, res.Slope.High)
	fmt.Printf("Brier %.3f in sample, %.3f cross-validated\n", res.InSample.Brier, res.CrossValidated.Brier)

	s, err := health.Compile(res.Config)
	if err != nil {
		log.Fatal(err)
	}
	r, err := s.Score(&cs.Customer{ID: "x", Signals: cs.Signals{"usage": 0.2}}, cs.NewDate(2026, 7, 1))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("score %.0f: %s\n", r.Score, r.Churn)
	// Output:
	// platt on 600 customers: slope -0.025 per point (-0.031 to -0.019)
	// Brier 0.214 in sample, 0.214 cross-validated
	// score 20: P(churn in 180 days) = 0.57 (0.51–0.63)
}

// An isotonic calibration is a step function of the score; Probability reads
// it without a Scorer, for scores from the columnar path.
func ExampleCalibration_Probability() {
	c := health.Calibration{Method: health.CalibrationIsotonic, HorizonDays: 90, Steps: []health.CalibrationStep{
		{From: 0, To: 49.5, P: 0.30, Low: 0.22, High: 0.39, Rows: 100, Churners: 30},
		{From: 50, To: 100, P: 0.05, Low: 0.03, High: 0.08, Rows: 400, Churners: 20},
	}}
	for _, score := range []float64{20, 49.8, 80} {
		fmt.Println(score, c.Probability(score))
	}
	// Output:
	// 20 P(churn in 90 days) = 0.30 (0.22–0.39)
	// 49.8 P(churn in 90 days) = 0.05 (0.03–0.08)
	// 80 P(churn in 90 days) = 0.05 (0.03–0.08)
}
