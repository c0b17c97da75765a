package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

// simulate draws n rows of features uniform on [0,1) and outcomes from the logistic
// model σ(b + wᵀx), with a fixed seed.
func simulate(n int, b float64, w []float64, seed uint64) (Matrix, []bool) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := Matrix{Rows: n, Cols: len(w), Data: make([]float64, n*len(w))}
	y := make([]bool, n)
	for i := range n {
		z := b
		for j := range w {
			v := rng.Float64()
			x.Data[i*len(w)+j] = v
			z += w[j] * v
		}
		y[i] = rng.Float64() < sigmoid(z)
	}
	return x, y
}

func TestLogisticRecoversKnownWeights(t *testing.T) {
	// 40,000 rows from b = −2, w = (3, 0, 1.5, 0.5). With features on [0,1) the
	// standard error of each weight is about 0.05; we accept 0.2 (four SEs) for the
	// weights and the intercept, and a zero true weight must come out below 0.2.
	want := []float64{3, 0, 1.5, 0.5}
	x, y := simulate(40000, -2, want, 1)
	m, err := Logistic(x, y, FitOptions{Lambda: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	if !m.Converged {
		t.Fatalf("not converged after %d iterations", m.Iterations)
	}
	if math.Abs(m.Intercept+2) > 0.2 {
		t.Errorf("intercept = %v, want −2 ± 0.2", m.Intercept)
	}
	for j, w := range want {
		if m.Weights[j] < 0 || math.Abs(m.Weights[j]-w) > 0.2 {
			t.Errorf("weight %d = %v, want %v ± 0.2 and ≥ 0", j, m.Weights[j], w)
		}
	}
}

func TestLogisticNonNegative(t *testing.T) {
	// A feature that truly lowers the risk gets weight exactly 0 under the
	// constraint, and a negative weight without it.
	x, y := simulate(5000, 0, []float64{2, -2}, 2)
	m, err := Logistic(x, y, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Weights[1] != 0 || m.Weights[0] <= 0 {
		t.Errorf("constrained weights = %v, want (>0, 0)", m.Weights)
	}
	u, err := Logistic(x, y, FitOptions{AllowNegative: true})
	if err != nil {
		t.Fatal(err)
	}
	if u.Weights[1] >= -1 {
		t.Errorf("unconstrained weight 1 = %v, want about −2", u.Weights[1])
	}
	if u.Loss > m.Loss {
		t.Errorf("unconstrained loss %v above constrained %v", u.Loss, m.Loss)
	}
}

// TestLogisticOptimality checks the Karush–Kuhn–Tucker conditions at the solution
// on random small problems: zero gradient on every free parameter, a non-negative
// gradient on every weight held at 0.
func TestLogisticOptimality(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cols := rapid.IntRange(1, 4).Draw(t, "cols")
		n := rapid.IntRange(MinRows(cols), 80).Draw(t, "n")
		x := Matrix{Rows: n, Cols: cols, Data: make([]float64, n*cols)}
		y := make([]bool, n)
		for i := range n {
			for j := range cols {
				x.Data[i*cols+j] = float64(rapid.IntRange(0, 100).Draw(t, "x")) / 100
			}
			y[i] = rapid.Bool().Draw(t, "y")
		}
		if CheckFit(x, y) != nil {
			t.Skip("no fit possible")
		}
		lambda := rapid.Float64Range(1e-3, 1).Draw(t, "lambda")
		m, err := Logistic(x, y, FitOptions{Lambda: lambda})
		if err != nil {
			t.Fatal(err)
		}
		theta := append([]float64{m.Intercept}, m.Weights...)
		g := make([]float64, cols+1)
		h := make([]float64, (cols+1)*(cols+1))
		newFitter(x, y, lambda).eval(theta, g, h)
		for k, gk := range g {
			if k > 0 && theta[k] == 0 {
				if gk < -1e-7 {
					t.Fatalf("weight %d at 0 with gradient %v < 0", k, gk)
				}
				continue
			}
			if math.Abs(gk) > 1e-7 {
				t.Fatalf("parameter %d = %v with gradient %v", k, theta[k], gk)
			}
		}
	})
}

func TestLogisticErrors(t *testing.T) {
	x, y := simulate(100, 0, []float64{1, 1}, 3)
	allNo := make([]bool, 100)
	constant := Matrix{Rows: 100, Cols: 2, Data: append([]float64(nil), x.Data...)}
	for i := range 100 {
		constant.Data[i*2+1] = 50
	}
	nan := Matrix{Rows: 100, Cols: 2, Data: append([]float64(nil), x.Data...)}
	nan.Data[17] = math.NaN()
	tests := []struct {
		name string
		x    Matrix
		y    []bool
		opt  FitOptions
		want error
	}{
		// Nobody churned: there is nothing to learn.
		{"one class", x, allNo, FitOptions{}, ErrOneClass},
		// Five rows for two features and an intercept.
		{"too few rows", Matrix{Rows: 5, Cols: 2, Data: x.Data[:10]}, y[:5], FitOptions{}, ErrTooFewRows},
		// Column 1 is 50 everywhere: its weight is not identifiable.
		{"constant", constant, y, FitOptions{}, ErrConstantFeature},
		// A NaN feature value.
		{"nan", nan, y, FitOptions{}, cs.ErrNotFinite},
		// Labels for a different number of rows.
		{"labels", x, y[:50], FitOptions{}, ErrLength},
		// A negative penalty makes the problem non-convex.
		{"lambda", x, y, FitOptions{Lambda: -1}, ErrOption},
	}
	for _, tt := range tests {
		_, err := Logistic(tt.x, tt.y, tt.opt)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: Logistic err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestLogisticDeterministic(t *testing.T) {
	x, y := simulate(3000, -1, []float64{1, 2, 0.5}, 4)
	a, _ := Logistic(x, y, FitOptions{})
	b, _ := Logistic(x, y, FitOptions{})
	if a.Intercept != b.Intercept || a.Loss != b.Loss {
		t.Fatalf("two fits differ: %+v, %+v", a, b)
	}
}

func TestCrossValidate(t *testing.T) {
	x, y := simulate(3000, -1, []float64{2, 0, 1}, 5)
	a, err := CrossValidate(x, y, FitOptions{}, 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CrossValidate(x, y, FitOptions{}, 5, 9)
	if a.AUC != b.AUC || a.PooledAUC != b.PooledAUC {
		t.Fatalf("CrossValidate not deterministic: %+v, %+v", a, b)
	}
	m, _ := Logistic(x, y, FitOptions{})
	s := make([]float64, x.Rows)
	for i := range s {
		s[i] = m.Linear(x.Row(i))
	}
	in, _ := AUC(s, y)
	// Out-of-fold AUC cannot beat the in-sample one by more than noise, and with 3,000
	// rows and 3 features the optimism is small (within 0.02).
	if a.AUC > in+0.02 || a.AUC < in-0.02 {
		t.Errorf("CV AUC %v, in-sample %v: want within 0.02", a.AUC, in)
	}
	if len(a.FoldAUC) != 5 {
		t.Errorf("%d fold AUCs, want 5", len(a.FoldAUC))
	}
	if _, err := CrossValidate(x, y, FitOptions{}, 1, 9); !errors.Is(err, ErrOption) {
		t.Errorf("1 fold err = %v, want ErrOption", err)
	}
}

func TestFoldsStratified(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.IntRange(2, 6).Draw(t, "k")
		y := rapid.SliceOfN(rapid.Bool(), 2*k, 100).Draw(t, "y")
		seed := rapid.Uint64().Draw(t, "seed")
		f, err := Folds(y, k, seed)
		if err != nil {
			t.Skip(err)
		}
		pos := make([]int, k)
		neg := make([]int, k)
		for i, fi := range f {
			if y[i] {
				pos[fi]++
			} else {
				neg[fi]++
			}
		}
		for j := range k {
			if pos[j] == 0 || neg[j] == 0 {
				t.Fatalf("fold %d has %d positives, %d negatives", j, pos[j], neg[j])
			}
		}
	})
}

// A fit stopped by the iteration limit says so: it is not reported converged.
func TestLogisticReportsNonConvergence(t *testing.T) {
	x, y := simulate(2000, -1, []float64{2, 1}, 5)
	m, err := Logistic(x, y, FitOptions{MaxIter: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Converged || m.Reason != StopMaxIter || !(m.Gradient >= 1e-10) {
		t.Errorf("one iteration: converged %v, reason %q, gradient %v; want not converged, %q", m.Converged, m.Reason, m.Gradient, StopMaxIter)
	}
	m, _ = Logistic(x, y, FitOptions{})
	if !m.Converged || m.Reason != StopGradient || !(m.Gradient < 1e-10) {
		t.Errorf("default fit: converged %v, reason %q, gradient %v", m.Converged, m.Reason, m.Gradient)
	}
}
