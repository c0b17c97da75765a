package health

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

// linearConfig scores signals x0..x{k-1}, each 0 → 0 points and 1 → 100, with
// measures m0.. spread over two groups, all weights 1.
func linearConfig(k int) Config {
	g := []Group{{Name: "A", Weight: 1}, {Name: "B", Weight: 1}}
	for j := range k {
		m := Measure{Name: fmt.Sprintf("m%d", j), Signal: fmt.Sprintf("x%d", j), Weight: 1, Ramp: &Ramp{Bad: 0, Good: 1}}
		g[j%2].Measures = append(g[j%2].Measures, m)
	}
	return Config{Version: "v1", Profiles: []Profile{{Name: "all", Groups: g}}}
}

// simulate draws n customers with signals x_j ~ U(0,1) and churn from the logistic
// model P = σ(b + Σ β_j (1 − x_j)), the model Fit assumes.
func simulate(n int, b float64, beta []float64, seed uint64) ([]Observation, []Outcome) {
	rng := rand.New(rand.NewPCG(seed, 1))
	obs := make([]Observation, n)
	outs := make([]Outcome, n)
	for i := range n {
		id := fmt.Sprintf("c%06d", i)
		sig := cs.Signals{}
		z := b
		for j, bj := range beta {
			x := rng.Float64()
			sig[fmt.Sprintf("x%d", j)] = x
			z += bj * (1 - x)
		}
		obs[i] = Observation{AsOf: btDate, Customer: cs.Customer{ID: id, Signals: sig}}
		outs[i] = Outcome{ID: id, Churned: rng.Float64() < 1/(1+math.Exp(-z))}
	}
	return obs, outs
}

// The fit recovers the weights of the model the data were drawn from: with
// β = (4, 2, 1, 0) the scorecard weights are β/Σβ = 57.1%, 28.6%, 14.3%, 0%. With
// 20,000 rows the standard error of each normalised weight is about 2 points;
// the stated tolerance is 6 points (3 standard errors).
func TestFitRecoversKnownWeights(t *testing.T) {
	beta := []float64{4, 2, 1, 0}
	obs, outs := simulate(20000, -3.5, beta, 42)
	res, err := Fit(linearConfig(len(beta)), obs, outs, FitOptions{Seed: 1, Lambda: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"m0": 400.0 / 7, "m1": 200.0 / 7, "m2": 100.0 / 7, "m3": 0}
	for _, w := range res.Weights {
		if math.Abs(w.After-want[w.Measure]) > 6 {
			t.Errorf("measure %s: weight %.2f%%, want %.2f%% ± 6", w.Measure, w.After, want[w.Measure])
		}
	}
	t.Logf("weights %+v; in-sample AUC %.4f, CV AUC %.4f, baseline %.4f, config %.4f",
		res.Weights, res.InSampleAUC, res.CVAUC, res.BaselineAUC, res.ConfigAUC)
	if res.Rows != 20000 || len(res.FoldAUC) != 5 {
		t.Errorf("rows %d folds %d, want 20000 and 5", res.Rows, len(res.FoldAUC))
	}
	if !(res.CVAUC > res.BaselineAUC) || math.Abs(res.ConfigAUC-res.InSampleAUC) > 1e-4 {
		t.Errorf("CV AUC %v not above the equal-weight baseline %v, or config AUC %v ≠ model AUC %v",
			res.CVAUC, res.BaselineAUC, res.ConfigAUC, res.InSampleAUC)
	}
	// The returned config is ordinary: it validates, round-trips and keeps the rest.
	if err := res.Config.Validate(); err != nil {
		t.Fatalf("fitted config invalid: %v", err)
	}
	if res.Config.Version != "v1 fitted" {
		t.Errorf("version %q", res.Config.Version)
	}
	b, err := MarshalConfig(res.Config)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseConfig(b); err != nil {
		t.Fatalf("fitted config does not parse back: %v\n%s", err, b)
	}
	g := res.Config.Profiles[0].Groups
	if g[0].Weight != g[0].Measures[0].Weight+g[0].Measures[1].Weight {
		t.Errorf("group A weight %v is not the sum of its measures' %+v", g[0].Weight, g[0].Measures)
	}
}

func TestFitDeterministic(t *testing.T) {
	obs, outs := simulate(600, -2, []float64{2, 1, 0.5}, 3)
	a, err := Fit(linearConfig(3), obs, outs, FitOptions{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	// Reversed input order: same result.
	ro := append([]Observation(nil), obs...)
	for i, j := 0, len(ro)-1; i < j; i, j = i+1, j-1 {
		ro[i], ro[j] = ro[j], ro[i]
	}
	b, err := Fit(linearConfig(3), ro, outs, FitOptions{Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b, cmpopts.IgnoreFields(FitResult{}, "Errors"), cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("fit depends on input order (-a +b):\n%s", diff)
	}
	c, err := Fit(linearConfig(3), obs, outs, FitOptions{Seed: 10})
	if err != nil {
		t.Fatal(err)
	}
	if slicesEqual(a.FoldAUC, c.FoldAUC) {
		t.Errorf("another seed gave the same folds %v", c.FoldAUC)
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFitErrors(t *testing.T) {
	obs, outs := simulate(400, -1, []float64{2, 1}, 5)
	allRetained := make([]Outcome, len(outs))
	for i, o := range outs {
		allRetained[i] = Outcome{ID: o.ID}
	}
	constant := make([]Observation, len(obs))
	for i, o := range obs {
		constant[i] = o
		constant[i].Customer.Signals = cs.Signals{"x0": o.Customer.Signals["x0"], "x1": 0.5}
	}
	tests := []struct {
		name     string
		obs      []Observation
		outs     []Outcome
		opt      FitOptions
		sentinel error
		text     string
	}{
		// Nobody churned: there is nothing to predict.
		{"one class", obs, allRetained, FitOptions{}, ErrOneClass, "health: fit: "},
		// Eight rows cannot identify two weights and an intercept.
		{"too few rows", obs[:8], outs[:8], FitOptions{}, ErrTooFewRows, "health: fit: "},
		// m1 scores 50 points for everyone: its weight is not identifiable.
		{"constant measure", constant, outs, FitOptions{}, ErrConstantMeasure, `measure "m1"`},
		// Cross-validation needs at least two folds.
		{"bad folds", obs, outs, FitOptions{Folds: 1}, nil, "folds 1"},
		// A negative penalty would reward large weights.
		{"bad lambda", obs, outs, FitOptions{Lambda: -1}, nil, "lambda -1"},
		// A typo in the profile name is an error, not a silent fit of another.
		{"unknown profile", obs, outs, FitOptions{Profile: "nope"}, nil, `profile "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Fit(linearConfig(2), tt.obs, tt.outs, tt.opt)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tt.sentinel)
			}
			if !strings.HasPrefix(err.Error(), "health: fit: ") || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q: want the health: fit: prefix and %q", err, tt.text)
			}
		})
	}
}

// Bad records are reported once each and the others used.
func TestFitRecordErrors(t *testing.T) {
	obs, outs := simulate(300, -1, []float64{2, 1}, 8)
	obs = append(obs,
		Observation{AsOf: btDate, Customer: cs.Customer{ID: "stray", Signals: cs.Signals{"x0": 1, "x1": 1}}}, // no outcome
		obs[0], // duplicate date
		Observation{AsOf: btDate.AddDays(400), Customer: obs[1].Customer}, // after its outcome
	)
	outs[1].Date = btDate.AddDays(180)
	outs = append(outs, Outcome{ID: "ghost", Churned: true}, outs[2])
	res, err := Fit(linearConfig(2), obs, outs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []error{cs.ErrMissing, cs.ErrDuplicate, cs.ErrDateOrder, ErrUnknownID, cs.ErrDuplicate}
	if len(res.Errors) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(res.Errors), len(want), res.Errors)
	}
	for i, w := range want {
		if !errors.Is(res.Errors[i], w) {
			t.Errorf("error %d: %v, want %v", i, res.Errors[i], w)
		}
	}
	if res.Rows != 300 {
		t.Errorf("rows %d, want 300", res.Rows)
	}
}

// A measure with no value on any row learns weight 0 and is listed; the others
// are fitted.
func TestFitNoData(t *testing.T) {
	obs, outs := simulate(500, -2, []float64{2, 1}, 4)
	res, err := Fit(linearConfig(3), obs, outs, FitOptions{}) // x2 is never present
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NoData) != 1 || res.NoData[0] != "A/m2" {
		t.Errorf("NoData %v, want [A/m2]", res.NoData)
	}
	for _, w := range res.Weights {
		if w.Measure == "m2" && w.After != 0 {
			t.Errorf("m2 weight %v, want 0", w.After)
		}
	}
	if err := res.Config.Validate(); err != nil {
		t.Error(err)
	}
	// No measure with a value at all is an error.
	for i := range obs {
		obs[i].Customer.Signals = cs.Signals{"other": 1}
	}
	if _, err := Fit(linearConfig(2), obs, outs, FitOptions{}); !errors.Is(err, cs.ErrMissing) {
		t.Errorf("err %v, want cs.ErrMissing", err)
	}
}

// Whatever the data, Fit either fails with a named cause or returns non-negative
// weights summing to 100% in a config that validates.
func TestFitProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(5, 120).Draw(t, "n")
		var obs []Observation
		var outs []Outcome
		for i := range n {
			id := fmt.Sprintf("c%03d", i)
			sig := cs.Signals{}
			for j := range 3 {
				if rapid.IntRange(0, 9).Draw(t, "present") > 0 {
					sig[fmt.Sprintf("x%d", j)] = float64(rapid.IntRange(0, 4).Draw(t, "x")) / 4
				}
			}
			obs = append(obs, Observation{AsOf: btDate, Customer: cs.Customer{ID: id, Signals: sig}})
			outs = append(outs, Outcome{ID: id, Churned: rapid.Bool().Draw(t, "churned")})
		}
		res, err := Fit(linearConfig(3), obs, outs, FitOptions{Folds: 2, Seed: 1})
		if err != nil {
			known := []error{ErrOneClass, ErrTooFewRows, ErrConstantMeasure, ErrNoSignal, cs.ErrMissing}
			if !slices.ContainsFunc(known, func(s error) bool { return errors.Is(err, s) }) || !strings.HasPrefix(err.Error(), "health: fit: ") {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		var sum float64
		for _, w := range res.Weights {
			if w.After < 0 {
				t.Fatalf("negative weight %+v", w)
			}
			sum += w.After
		}
		if math.Abs(sum-100) > 0.05 {
			t.Fatalf("weights sum to %v%%", sum)
		}
		if err := res.Config.Validate(); err != nil {
			t.Fatalf("fitted config invalid: %v", err)
		}
	})
}

// With a lead, the fit learns from the observations taken at least Lead days
// before each outcome; later ones are counted, not reported.
func TestFitLead(t *testing.T) {
	early, _ := simulate(300, -1, []float64{2, 1}, 21)
	late, outs := simulate(300, -1, []float64{2, 1}, 22)
	for i := range outs {
		outs[i].Date = btDate.AddDays(30)
		early[i].AsOf = btDate.AddDays(-120)
	}
	obs := append(early, late...)
	obs = append(obs, obs[0]) // a duplicate of an older observation is still an error
	obs = append(obs, Observation{AsOf: btDate, Customer: cs.Customer{ID: "new", Signals: cs.Signals{"x0": 1, "x1": 1}}})
	outs = append(outs, Outcome{ID: "new", Date: btDate.AddDays(30)})
	res, err := Fit(linearConfig(2), obs, outs, FitOptions{Lead: 90})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 300 || res.Excluded != 301 || res.TooLate != 1 {
		t.Errorf("rows %d excluded %d too late %d, want 300, 301, 1", res.Rows, res.Excluded, res.TooLate)
	}
	if len(res.Errors) != 1 || !errors.Is(res.Errors[0], cs.ErrDuplicate) {
		t.Errorf("errors %v, want the one duplicate", res.Errors)
	}
	// Without a lead the late observations are used: another fit.
	res0, err := Fit(linearConfig(2), obs, outs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res0.Rows != 301 || res0.Excluded != 0 || res0.InSampleAUC == res.InSampleAUC {
		t.Errorf("no lead: rows %d excluded %d AUC %v (with lead %v)", res0.Rows, res0.Excluded, res0.InSampleAUC, res.InSampleAUC)
	}
	if _, err := Fit(linearConfig(2), obs, outs, FitOptions{Lead: -1}); err == nil {
		t.Error("negative lead accepted")
	}
}

// A measure whose curve runs the wrong way learns weight 0 and is flagged: on
// its own, churners score higher on it.
func TestFitFlagsReversedMeasure(t *testing.T) {
	obs, outs := simulate(5000, -2, []float64{3, 0}, 17)
	for i := range obs {
		// x1 tracks churn the wrong way round: churners have it high.
		x := 0.3
		if outs[i].Churned {
			x = 0.7
		}
		obs[i].Customer.Signals["x1"] = x + 0.2*obs[i].Customer.Signals["x0"]
	}
	res, err := Fit(linearConfig(2), obs, outs, FitOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Weights {
		if w.UnivariateAUC == nil {
			t.Fatalf("%s: no univariate AUC", w.Measure)
		}
		switch w.Measure {
		case "m0":
			if w.Reversed || *w.UnivariateAUC < 0.5 {
				t.Errorf("m0 %+v flagged", w)
			}
		case "m1":
			if !w.Reversed || w.After != 0 || *w.UnivariateAUC >= 0.5 {
				t.Errorf("m1 %+v (AUC %v) not flagged reversed", w, *w.UnivariateAUC)
			}
		}
	}
	if !res.Converged || res.Reason != "gradient" || !(res.CVInterval.Low <= res.CVAUC && res.CVAUC <= res.CVInterval.High) {
		t.Errorf("converged %v (%s), CV %v in %+v", res.Converged, res.Reason, res.CVAUC, res.CVInterval)
	}
}
