package health

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/stats"
	"pgregory.net/rapid"
)

// calibrationData draws n customers whose churn follows the usage scorecard's
// score: P(churn) = σ(1.5 − 0.05·score).
func calibrationData(n int, seed uint64) ([]Observation, []Outcome) {
	obs, outs := simulate(n, 0, []float64{1}, seed)
	for i := range obs {
		u := obs[i].Customer.Signals["x0"]
		obs[i].Customer.Signals = cs.Signals{"usage": u}
		p := 1 / (1 + math.Exp(-(1.5 - 0.05*100*u)))
		outs[i].Churned = float64(i%997)/997 < p // deterministic thresholds, spread evenly
	}
	return obs, outs
}

func TestCalibratePlatt(t *testing.T) {
	obs, outs := calibrationData(4000, 3)
	res, err := Calibrate(usageConfig(), obs, outs, CalibrateOptions{HorizonDays: 180, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Calibration
	if c.Method != CalibrationPlatt || c.Platt == nil || c.HorizonDays != 180 || c.Rows != 4000 || res.Rows != 4000 {
		t.Fatalf("calibration %+v", c)
	}
	// The data follow σ(1.5 − 0.05·score): the parameters' intervals hold them.
	if !(res.Intercept.Low < 1.5 && 1.5 < res.Intercept.High) || !(res.Slope.Low < -0.05 && -0.05 < res.Slope.High) {
		t.Errorf("intercept %+v, slope %+v: want 1.5 and −0.05 inside", *res.Intercept, *res.Slope)
	}
	for _, m := range []CalibrationReport{res.InSample, res.CrossValidated} {
		sum := m.Reliability - m.Resolution + m.Uncertainty + m.WithinBinVariance - m.WithinBinCovariance
		if math.Abs(sum-m.Brier) > 1e-12 || len(m.Bins) != 10 || m.N != 4000 {
			t.Errorf("report %+v: decomposition %v, Brier %v", m, sum, m.Brier)
		}
	}
	if math.Abs(res.Optimism-(res.CrossValidated.Brier-res.InSample.Brier)) > 1e-15 {
		t.Errorf("optimism %v", res.Optimism)
	}
	// The calibrated config carries the calibration: results state it, the
	// fingerprint changes, and it round-trips through JSON.
	s := mustCompile(t, res.Config)
	plain := mustCompile(t, usageConfig())
	if s.Fingerprint() == plain.Fingerprint() {
		t.Error("the calibration does not change the fingerprint")
	}
	r, err := s.Score(&obs[0].Customer, btDate)
	if err != nil {
		t.Fatal(err)
	}
	if r.Churn.HorizonDays != 180 || !(r.Churn.Low <= r.Churn.P && r.Churn.P <= r.Churn.High) {
		t.Errorf("result churn %+v", r.Churn)
	}
	if got := r.Churn.String(); !strings.HasPrefix(got, "P(churn in 180 days) = 0.") || !strings.Contains(got, "–") {
		t.Errorf("Churn.String() = %q", got)
	}
	data, err := MarshalConfig(res.Config)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res.Config, back); diff != "" {
		t.Errorf("calibrated config round trip (-want +got):\n%s", diff)
	}
}

func TestCalibrateIsotonic(t *testing.T) {
	obs, outs := calibrationData(3000, 5)
	res, err := Calibrate(usageConfig(), obs, outs, CalibrateOptions{Method: CalibrationIsotonic, HorizonDays: 90, Folds: 4, Bins: 5})
	if err != nil {
		t.Fatal(err)
	}
	steps := res.Calibration.Steps
	if len(steps) < 2 || res.Intercept != nil {
		t.Fatalf("steps %+v", steps)
	}
	rows := 0
	for i, st := range steps {
		rows += st.Rows
		if i > 0 && !(st.P < steps[i-1].P && st.From > steps[i-1].To) {
			t.Errorf("step %d %+v after %+v: want a higher score and a lower probability", i, st, steps[i-1])
		}
	}
	if rows != 3000 || len(res.CrossValidated.Bins) != 5 {
		t.Errorf("steps hold %d rows, %d bins", rows, len(res.CrossValidated.Bins))
	}
	if err := res.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	// A score between two steps takes the step above it.
	c := res.Calibration
	mid := (steps[0].To + steps[1].From) / 2
	if c.Probability(mid).P != steps[1].P || c.Probability(-1).P != steps[0].P || c.Probability(1000).P != steps[len(steps)-1].P {
		t.Errorf("lookup between steps: %v, below: %v, above: %v", c.Probability(mid), c.Probability(-1), c.Probability(1000))
	}
}

func TestCalibrateErrors(t *testing.T) {
	obs, outs := calibrationData(200, 7)
	tests := []struct {
		name string
		opt  CalibrateOptions
		want error
	}{
		// The horizon labels the probability: it is required.
		{"no horizon", CalibrateOptions{}, stats.ErrOption},
		// Only two methods exist.
		{"method", CalibrateOptions{HorizonDays: 10, Method: "spline"}, stats.ErrOption},
		// One fold cannot cross-validate.
		{"folds", CalibrateOptions{HorizonDays: 10, Folds: 1}, stats.ErrOption},
	}
	for _, tt := range tests {
		if _, err := Calibrate(usageConfig(), obs, outs, tt.opt); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// A score that separates churners perfectly has no Platt fit.
	sep := make([]Outcome, len(outs))
	for i := range sep {
		sep[i] = Outcome{ID: outs[i].ID, Churned: obs[i].Customer.Signals["usage"] < 0.3}
	}
	if _, err := Calibrate(usageConfig(), obs, sep, CalibrateOptions{HorizonDays: 10}); !errors.Is(err, stats.ErrSeparated) {
		t.Errorf("separated: %v, want ErrSeparated", err)
	}
}

func TestCalibrationValidation(t *testing.T) {
	step := func(from, to, p float64) CalibrationStep {
		return CalibrationStep{From: from, To: to, P: p, Low: max(p-0.1, 0), High: min(p+0.1, 1), Rows: 10, Churners: 1}
	}
	tests := []struct {
		name string
		c    Calibration
		path string
	}{
		// The horizon labels every probability: at least one day.
		{"horizon", Calibration{Method: CalibrationPlatt, Platt: &PlattCalibration{}}, "calibration.horizon_days"},
		// A method name the package does not know.
		{"method", Calibration{Method: "spline", HorizonDays: 30}, "calibration.method"},
		// Platt without its parameters.
		{"platt missing", Calibration{Method: CalibrationPlatt, HorizonDays: 30}, "calibration.platt"},
		// Not a covariance matrix: |cov| > √(var·var).
		{"covariance", Calibration{Method: CalibrationPlatt, HorizonDays: 30, Platt: &PlattCalibration{VarIntercept: 1, VarSlope: 1, Covariance: 2}}, "calibration.platt"},
		// NaN cannot be written in JSON nor used.
		{"nan", Calibration{Method: CalibrationPlatt, HorizonDays: 30, Platt: &PlattCalibration{Slope: math.NaN()}}, "calibration.platt.slope"},
		// Isotonic without steps.
		{"no steps", Calibration{Method: CalibrationIsotonic, HorizonDays: 30}, "calibration.steps"},
		// A higher score may never mean more churn.
		{"increasing", Calibration{Method: CalibrationIsotonic, HorizonDays: 30, Steps: []CalibrationStep{step(0, 40, 0.2), step(50, 100, 0.3)}}, "calibration.steps[1].p"},
		// Steps must not overlap.
		{"overlap", Calibration{Method: CalibrationIsotonic, HorizonDays: 30, Steps: []CalibrationStep{step(0, 60, 0.3), step(50, 100, 0.2)}}, "calibration.steps[1].from"},
		// The interval must contain the probability.
		{"interval", Calibration{Method: CalibrationIsotonic, HorizonDays: 30, Steps: []CalibrationStep{{From: 0, To: 10, P: 0.5, Low: 0.6, High: 0.7}}}, "calibration.steps[0]"},
	}
	for _, tt := range tests {
		cfg := usageConfig()
		c := tt.c
		cfg.Profiles[0].Calibration = &c
		err := cfg.Validate()
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "profiles[0]."+tt.path+":") {
			t.Errorf("%s: Validate() = %v, want ErrInvalidConfig at profiles[0].%s", tt.name, err, tt.path)
		}
	}
}

// A calibrated probability never rises with the score, and it lies in its
// interval, for Platt with a negative slope and for any isotonic steps.
func TestChurnProbabilityProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 6).Draw(t, "steps")
		steps := make([]CalibrationStep, n)
		p := 1.0
		for i := range steps {
			p = rapid.Float64Range(0, p).Draw(t, "p")
			steps[i] = CalibrationStep{From: float64(15 * i), To: float64(15*i + 10), P: p, Low: p / 2, High: (1 + p) / 2}
		}
		cals := []Calibration{
			{Method: CalibrationIsotonic, HorizonDays: 30, Steps: steps},
			{Method: CalibrationPlatt, HorizonDays: 30, Platt: &PlattCalibration{
				Intercept: rapid.Float64Range(-3, 3).Draw(t, "a"), Slope: -rapid.Float64Range(0, 0.2).Draw(t, "b"),
				VarIntercept: 0.1, VarSlope: 1e-4, Covariance: -1e-3}},
		}
		for _, c := range cals {
			prev := math.Inf(1)
			for s := -5.0; s <= 105; s += 2.5 {
				cp := c.Probability(s)
				if cp.P > prev || !(cp.Low <= cp.P && cp.P <= cp.High) || cp.Low < 0 || cp.High > 1 {
					t.Fatalf("%s at %v: %+v after %v", c.Method, s, cp, prev)
				}
				prev = cp.P
			}
		}
	})
}

func TestChurnProbabilityJSON(t *testing.T) {
	r := Result{CustomerID: "c", Churn: ChurnProbability{HorizonDays: 180, P: 0.31, Low: 0.26, High: 0.36}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"churn":{"horizon_days":180,"p":0.31,"low":0.26,"high":0.36}`) {
		t.Errorf("JSON %s", b)
	}
	if got := r.Churn.String(); got != "P(churn in 180 days) = 0.31 (0.26–0.36)" {
		t.Errorf("String() = %q", got)
	}
	b, _ = json.Marshal(Result{CustomerID: "c"})
	if strings.Contains(string(b), "churn") {
		t.Errorf("an uncalibrated result's JSON mentions churn: %s", b)
	}
}
