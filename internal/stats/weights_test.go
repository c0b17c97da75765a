package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/successkit/cs"
)

// simulatePoints draws measure points uniform on [0,100] and churn from
// σ(b + Σ βⱼ(100 − pⱼ)/100), with a share of points missing (NaN).
func simulatePoints(n int, b float64, beta []float64, missing float64, seed uint64) (Matrix, []bool) {
	rng := rand.New(rand.NewPCG(seed, 11))
	x := Matrix{Rows: n, Cols: len(beta), Data: make([]float64, n*len(beta))}
	y := make([]bool, n)
	for i := range n {
		z := b
		for j, w := range beta {
			p := float64(rng.IntN(101))
			z += w * (100 - p) / 100
			if rng.Float64() < missing {
				p = math.NaN()
			}
			x.Data[i*len(beta)+j] = p
		}
		y[i] = rng.Float64() < sigmoid(z)
	}
	return x, y
}

func TestFitWeightsRecovers(t *testing.T) {
	// β = (3, 1, 0, 2) on 40,000 rows with no missing points: normalised weights
	// (0.5, 1/6, 0, 1/3), each recovered within 0.03 (about four standard errors).
	beta := []float64{3, 1, 0, 2}
	x, y := simulatePoints(40000, -3, beta, 0, 1)
	f, err := FitWeights(x, y, WeightOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.5, 1.0 / 6, 0, 1.0 / 3}
	for j := range want {
		if math.Abs(f.Weights[j]-want[j]) > 0.03 {
			t.Errorf("weight %d = %.4f, want %.4f ± 0.03", j, f.Weights[j], want[j])
		}
	}
	sum := 0.0
	for _, w := range f.Weights {
		sum += w
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("weights sum to %v, want 1", sum)
	}
	if f.CV.AUC > f.AUC+0.01 || f.CV.AUC < f.AUC-0.01 {
		t.Errorf("CV AUC %v far from in-sample %v", f.CV.AUC, f.AUC)
	}
	// The scorecard with these weights ranks exactly as the model: its AUC is the
	// model's in-sample AUC.
	score := make([]float64, x.Rows)
	for i := range score {
		s := 0.0
		for j, w := range f.Weights {
			s += w * x.Data[i*x.Cols+j]
		}
		score[i] = -s
	}
	if a, _ := AUC(score, y); math.Abs(a-f.AUC) > 1e-9 {
		t.Errorf("scorecard AUC %v, model AUC %v", a, f.AUC)
	}
}

func TestFitWeightsErrors(t *testing.T) {
	x, y := simulatePoints(200, -1, []float64{2, 2}, 0, 2)
	allMissing := Matrix{Rows: 200, Cols: 2, Data: append([]float64(nil), x.Data...)}
	for i := range 200 {
		allMissing.Data[2*i+1] = math.NaN()
	}
	outside := Matrix{Rows: 200, Cols: 2, Data: append([]float64(nil), x.Data...)}
	outside.Data[5] = 101
	noise, ny := simulatePoints(400, 0, []float64{0, 0}, 0, 3)
	for i := range ny { // churn rises with the points: no non-negative weight helps
		ny[i] = noise.Data[2*i]+noise.Data[2*i+1] > 100
	}
	tests := []struct {
		name string
		x    Matrix
		y    []bool
		want error
	}{
		// A measure with no value at all cannot be weighted.
		{"all missing", allMissing, y, cs.ErrMissing},
		// Points are on a 0–100 scale.
		{"outside", outside, y, ErrOption},
		// Only churners.
		{"one class", x, make([]bool, 200), ErrOneClass},
		// Churn only where the points are high: every weight is 0.
		{"no signal", noise, ny, ErrNoSignal},
	}
	for _, tt := range tests {
		_, err := FitWeights(tt.x, tt.y, WeightOptions{})
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestFitWeightsImputes(t *testing.T) {
	x, y := simulatePoints(5000, -2, []float64{2, 1}, 0.05, 4)
	f, err := FitWeights(x, y, WeightOptions{Folds: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if f.Imputed == 0 || f.Weights[0] <= f.Weights[1] {
		t.Errorf("imputed %d, weights %v: want some imputed and the first weight larger", f.Imputed, f.Weights)
	}
	g, _ := FitWeights(x, y, WeightOptions{Folds: 3, Seed: 2})
	if g.Weights[0] != f.Weights[0] || g.CV.AUC != f.CV.AUC {
		t.Errorf("FitWeights not deterministic")
	}
}

// The cross-validation imputes a missing value with its column's mean over the
// fold's training rows only: a reference written out fold by fold gives the same
// fold AUCs, and they differ from imputing with the means over all rows, which
// would let held-out values leak into the fits that score them.
func TestFitWeightsImputesWithinFolds(t *testing.T) {
	x, y := simulatePoints(3000, -2, []float64{2, 1, 1}, 0.2, 6)
	const k, seed = 4, 3
	f, err := FitWeights(x, y, WeightOptions{Folds: k, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	fold, _ := Folds(y, k, seed)
	for fi := range k {
		mean := make([]float64, x.Cols)
		count := make([]float64, x.Cols)
		for i := range x.Rows {
			for j, v := range x.Row(i) {
				if fold[i] != fi && !math.IsNaN(v) {
					mean[j] += v
					count[j]++
				}
			}
		}
		for j := range mean {
			mean[j] /= count[j]
		}
		var train, test Matrix
		var ty, tl []bool
		train.Cols, test.Cols = x.Cols, x.Cols
		for i := range x.Rows {
			m := &train
			if fold[i] == fi {
				m = &test
				tl = append(tl, y[i])
			} else {
				ty = append(ty, y[i])
			}
			for j, v := range x.Row(i) {
				if math.IsNaN(v) {
					v = mean[j]
				}
				m.Data = append(m.Data, (100-v)/100)
			}
			m.Rows++
		}
		model, err := Logistic(train, ty, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		risk := make([]float64, test.Rows)
		for i := range risk {
			risk[i] = model.Linear(test.Row(i))
		}
		want, _ := AUC(risk, tl)
		if f.CV.FoldAUC[fi] != want {
			t.Errorf("fold %d: AUC %v, reference with training-fold means %v", fi, f.CV.FoldAUC[fi], want)
		}
	}
	if !(f.CV.Interval.Low <= f.CV.AUC && f.CV.AUC <= f.CV.Interval.High) || f.CV.Interval.Method != MethodFolds {
		t.Errorf("CV interval %+v does not contain the CV AUC %v", f.CV.Interval, f.CV.AUC)
	}
	if !(f.CV.PooledInterval.Low <= f.CV.PooledAUC && f.CV.PooledAUC <= f.CV.PooledInterval.High) {
		t.Errorf("pooled interval %+v does not contain %v", f.CV.PooledInterval, f.CV.PooledAUC)
	}
}
