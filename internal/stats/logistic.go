package stats

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/successkit/cs"
)

// Matrix is a dense row-major matrix of features: row i is Data[i*Cols : (i+1)*Cols].
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// Row returns row i (sharing Data).
func (m Matrix) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// FitOptions configure Logistic. The zero value is usable: Lambda 0 means
// DefaultLambda, MaxIter 0 means 100, Tol 0 means 1e-10.
type FitOptions struct {
	// Lambda is the L2 penalty λ on the weights (not the intercept), applied to the
	// mean log-loss: minimise −(1/n)Σ log-likelihood + (λ/2)·‖w‖². Negative is an
	// error; use a tiny positive value for an almost unpenalised fit.
	Lambda float64
	// MaxIter caps the Newton iterations.
	MaxIter int
	// Tol stops the iteration when the projected gradient's largest component is
	// below it.
	Tol float64
	// AllowNegative lifts the non-negativity constraint on the weights.
	AllowNegative bool
}

// DefaultLambda is the L2 penalty used when FitOptions.Lambda is 0.
const DefaultLambda = 1e-4

// Model is a fitted logistic model: P(y=1|x) = σ(Intercept + Σ Weights[j]·x[j]).
type Model struct {
	Intercept  float64   `json:"intercept"`
	Weights    []float64 `json:"weights"`
	Loss       float64   `json:"loss"` // the penalised mean log-loss at the solution
	Iterations int       `json:"iterations"`
	// Converged reports that the projected gradient fell below the tolerance.
	// Otherwise Reason says what stopped the solver (StopStalled: no step along
	// the Newton direction lowered the loss or the gradient; StopMaxIter: the
	// iteration limit) and Gradient how far from the tolerance it stopped; the
	// weights are then the best iterate found, not a certified optimum.
	Converged bool    `json:"converged"`
	Reason    string  `json:"reason"`
	Gradient  float64 `json:"gradient"` // the largest projected gradient component at the end
}

// Linear returns the linear predictor Intercept + Σ Weights[j]·x[j], summed in
// column order without fused multiply-add.
func (m Model) Linear(x []float64) float64 {
	s := m.Intercept
	for j, w := range m.Weights {
		s = float64(w*x[j]) + s
	}
	return s
}

// Probability returns σ(Linear(x)).
func (m Model) Probability(x []float64) float64 { return sigmoid(m.Linear(x)) }

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// log1pexp returns log(1+e^z) without overflow.
func log1pexp(z float64) float64 {
	if z > 35 {
		return z
	}
	if z < -35 {
		return math.Exp(z)
	}
	return math.Log1p(math.Exp(z))
}

// MinRows returns the fewest rows Logistic accepts for cols features: ten, and at
// least two per parameter.
func MinRows(cols int) int { return max(10, 2*(cols+1)) }

// CheckFit reports why a logistic fit of x against y is impossible: a shape mismatch,
// a non-finite value, too few rows, one class only, or a constant feature (named by
// its column). It returns nil when a fit is possible.
func CheckFit(x Matrix, y []bool) error {
	if x.Rows < 0 || x.Cols < 1 || len(x.Data) != x.Rows*x.Cols {
		return fmt.Errorf("matrix %d×%d with %d values: %w", x.Rows, x.Cols, len(x.Data), ErrLength)
	}
	if len(y) != x.Rows {
		return fmt.Errorf("%d rows but %d labels: %w", x.Rows, len(y), ErrLength)
	}
	if x.Rows < MinRows(x.Cols) {
		return fmt.Errorf("%d rows for %d features: want at least %d: %w", x.Rows, x.Cols, MinRows(x.Cols), ErrTooFewRows)
	}
	for i, v := range x.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("row %d column %d: %v: %w", i/x.Cols, i%x.Cols, v, cs.ErrNotFinite)
		}
	}
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos == 0 || pos == len(y) {
		return fmt.Errorf("%d rows, %d positive: %w", len(y), pos, ErrOneClass)
	}
	for j := 0; j < x.Cols; j++ {
		first := x.Data[j]
		constant := true
		for i := 1; i < x.Rows; i++ {
			if x.Data[i*x.Cols+j] != first {
				constant = false
				break
			}
		}
		if constant {
			return fmt.Errorf("column %d is %v on every row: %w", j, first, ErrConstantFeature)
		}
	}
	return nil
}

// Logistic fits an L2-regularised logistic regression of y on the columns of x,
// minimising the penalised mean log-loss
//
//	L(b, w) = −(1/n) Σ [yᵢ log pᵢ + (1−yᵢ) log(1−pᵢ)] + (λ/2) Σ wⱼ²,  pᵢ = σ(b + wᵀxᵢ),
//
// with wⱼ ≥ 0 unless AllowNegative (the intercept b is free and unpenalised). The
// solver is Bertsekas' projected Newton method ("Projected Newton methods for
// optimization problems with simple constraints", SIAM J. Control Optim. 20(2),
// 1982): weights at their bound with a gradient pushing outwards are held at 0, a
// Newton step is taken on the others, and an Armijo search along the projected arc
// guarantees descent. The loss is convex, so the result is its unique minimiser. All
// sums run in row order without fused multiply-add, so the result is bit-identical
// on every platform. Errors: see CheckFit, and ErrOption for a negative Lambda.
func Logistic(x Matrix, y []bool, opt FitOptions) (Model, error) {
	if err := CheckFit(x, y); err != nil {
		return Model{}, err
	}
	if opt.Lambda < 0 || math.IsNaN(opt.Lambda) || math.IsInf(opt.Lambda, 0) {
		return Model{}, fmt.Errorf("lambda %v: want a finite value ≥ 0: %w", opt.Lambda, ErrOption)
	}
	if opt.MaxIter < 0 || opt.Tol < 0 {
		return Model{}, fmt.Errorf("max iterations %d, tolerance %v: want ≥ 0: %w", opt.MaxIter, opt.Tol, ErrOption)
	}
	lambda := opt.Lambda
	if lambda == 0 {
		lambda = DefaultLambda
	}
	maxIter := opt.MaxIter
	if maxIter == 0 {
		maxIter = 100
	}
	tol := opt.Tol
	if tol == 0 {
		tol = 1e-10
	}
	f := newFitter(x, y, lambda)
	d := x.Cols + 1 // parameter 0 is the intercept
	theta := make([]float64, d)
	// Start at the base rate's log-odds with zero weights: feasible and close.
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	theta[0] = math.Log(float64(pos) / float64(len(y)-pos))
	s := newtonState{
		f: f, opt: opt, theta: theta, d: d,
		g: make([]float64, d), h: make([]float64, d*d), step: make([]float64, d),
		trial: make([]float64, d), free: make([]bool, d), g2: make([]float64, d), h2: make([]float64, d*d),
	}
	return s.run(maxIter, tol), nil
}

// Stop reasons of a logistic fit, recorded in Model.Reason.
const (
	// StopGradient: the projected gradient fell below the tolerance (converged).
	StopGradient = "gradient"
	// StopStalled: no step along the Newton direction decreased the loss or the
	// gradient, before the gradient reached the tolerance.
	StopStalled = "stalled"
	// StopMaxIter: the iteration limit stopped the solver first.
	StopMaxIter = "max_iter"
)

// newtonState is the projected Newton iteration of Logistic.
type newtonState struct {
	f                 *fitter
	opt               FitOptions
	theta, g, h, step []float64
	trial, g2, h2     []float64
	free              []bool
	d                 int
	loss              float64
}

// projectedGradient marks the free parameters (a weight at 0 with a positive
// gradient cannot move) and returns the largest free gradient component.
func (s *newtonState) projectedGradient() float64 {
	pg := 0.0
	for k := range s.d {
		bound := k > 0 && !s.opt.AllowNegative && s.theta[k] <= 0
		s.free[k] = !(bound && s.g[k] > 0)
		if s.free[k] {
			pg = max(pg, math.Abs(s.g[k]))
		}
	}
	return pg
}

// project writes theta + t·step, projected on the feasible set, into trial and
// returns the directional change gᵀ(trial − theta).
func (s *newtonState) project(t float64) float64 {
	dec := 0.0
	for k := range s.d {
		v := s.theta[k] + float64(t*s.step[k])
		if k > 0 && !s.opt.AllowNegative && v < 0 {
			v = 0
		}
		s.trial[k] = v
		dec = float64(s.g[k]*(v-s.theta[k])) + dec
	}
	return dec
}

func (s *newtonState) run(maxIter int, tol float64) Model {
	m := Model{}
	s.loss = s.f.eval(s.theta, s.g, s.h)
	for ; ; m.Iterations++ {
		pg := s.projectedGradient()
		m.Gradient = pg
		if pg < tol {
			m.Converged, m.Reason = true, StopGradient
			break
		}
		if m.Iterations == maxIter {
			m.Reason = StopMaxIter
			break
		}
		if !solveFree(s.h, s.g, s.free, s.step, s.d) {
			// Not positive definite on the free set (cannot happen with λ > 0 unless
			// rounding): fall back to steepest descent.
			for k := range s.d {
				s.step[k] = 0
				if s.free[k] {
					s.step[k] = -s.g[k]
				}
			}
		}
		if !s.armijo() && !s.fullStepReducesGradient(pg) {
			m.Reason = StopStalled
			break
		}
	}
	m.Intercept = s.theta[0]
	m.Weights = append([]float64(nil), s.theta[1:]...)
	m.Loss = s.loss
	return m
}

// armijo searches t = 1, ½, ¼, … for a sufficient decrease of the loss along the
// projected arc (Bertsekas, 1982) and takes the step; false if none of 60 halvings
// gives one.
func (s *newtonState) armijo() bool {
	t := 1.0
	for range 60 {
		dec := s.project(t)
		if nl := s.f.eval(s.trial, nil, nil); nl <= s.loss+float64(1e-4*dec) {
			copy(s.theta, s.trial)
			s.loss = s.f.eval(s.theta, s.g, s.h)
			return true
		}
		t /= 2
	}
	return false
}

// fullStepReducesGradient takes the full projected Newton step when it lowers the
// projected gradient. Near the optimum the decrease of the loss a Newton step
// brings falls below the resolution of float64, so the Armijo test cannot see it,
// while the gradient, computed exactly enough, still shrinks quadratically.
func (s *newtonState) fullStepReducesGradient(pg float64) bool {
	s.project(1)
	loss := s.f.eval(s.trial, s.g2, s.h2)
	if loss > s.loss+float64(1e-12*math.Abs(s.loss)) {
		return false
	}
	npg := 0.0
	for k := range s.d {
		bound := k > 0 && !s.opt.AllowNegative && s.trial[k] <= 0
		if !(bound && s.g2[k] > 0) {
			npg = max(npg, math.Abs(s.g2[k]))
		}
	}
	if !(npg < pg) {
		return false
	}
	copy(s.theta, s.trial)
	copy(s.g, s.g2)
	copy(s.h, s.h2)
	s.loss = loss
	return true
}

// fitter evaluates the penalised loss, its gradient and its Hessian.
type fitter struct {
	x      Matrix
	y      []bool
	lambda float64
}

func newFitter(x Matrix, y []bool, lambda float64) *fitter {
	return &fitter{x: x, y: y, lambda: lambda}
}

// eval returns the loss at theta and, when g and h are not nil, writes the gradient
// and the Hessian (row-major, d×d).
func (f *fitter) eval(theta, g, h []float64) float64 {
	d := len(theta)
	cols := f.x.Cols
	if g != nil {
		clear(g)
		clear(h)
	}
	var sum float64
	for i := 0; i < f.x.Rows; i++ {
		row := f.x.Data[i*cols : (i+1)*cols]
		z := theta[0]
		for j, v := range row {
			z = float64(theta[j+1]*v) + z
		}
		// −log-likelihood of one row: log(1+e^z) − y·z.
		l := log1pexp(z)
		if f.y[i] {
			l -= z
		}
		sum += l
		if g == nil {
			continue
		}
		p := sigmoid(z)
		r := p
		if f.y[i] {
			r = p - 1
		}
		wt := float64(p * (1 - p))
		g[0] += r
		h[0] += wt
		for j, v := range row {
			g[j+1] = float64(r*v) + g[j+1]
			wv := float64(wt * v)
			h[j+1] = wv + h[j+1]
			hr := h[(j+1)*d:]
			for k := j; k < cols; k++ {
				hr[k+1] = float64(wv*row[k]) + hr[k+1]
			}
		}
	}
	n := float64(f.x.Rows)
	pen := 0.0
	for k := 1; k < d; k++ {
		pen = float64(theta[k]*theta[k]) + pen
	}
	loss := sum/n + float64(0.5*f.lambda*pen)
	if g == nil {
		return loss
	}
	for k := range d {
		g[k] /= n
		if k > 0 {
			g[k] = float64(f.lambda*theta[k]) + g[k]
		}
	}
	// h holds row 0 and the upper triangle of the rest; scale and mirror it.
	for a := 1; a < d; a++ {
		for b := a; b < d; b++ {
			v := h[a*d+b] / n
			if a == b {
				v += f.lambda
			}
			h[a*d+b] = v
			h[b*d+a] = v
		}
	}
	h[0] /= n
	for j := 1; j < d; j++ {
		h[j] /= n
		h[j*d] = h[j]
	}
	return loss
}

// solveFree solves H_FF s_F = −g_F by Cholesky on the free parameters, setting the
// step of the others to 0. It reports false if H_FF is not positive definite.
func solveFree(h, g []float64, free []bool, step []float64, d int) bool {
	idx := make([]int, 0, d)
	for k := range d {
		step[k] = 0
		if free[k] {
			idx = append(idx, k)
		}
	}
	m := len(idx)
	l := make([]float64, m*m)
	for a := range m {
		for b := 0; b <= a; b++ {
			s := h[idx[a]*d+idx[b]]
			for k := range b {
				s -= float64(l[a*m+k] * l[b*m+k])
			}
			if a == b {
				if s <= 0 || math.IsNaN(s) {
					return false
				}
				l[a*m+a] = math.Sqrt(s)
			} else {
				l[a*m+b] = s / l[b*m+b]
			}
		}
	}
	z := make([]float64, m)
	for a := range m {
		s := -g[idx[a]]
		for k := range a {
			s -= float64(l[a*m+k] * z[k])
		}
		z[a] = s / l[a*m+a]
	}
	for a := m - 1; a >= 0; a-- {
		s := z[a]
		for k := a + 1; k < m; k++ {
			s -= float64(l[k*m+a] * step[idx[k]])
		}
		step[idx[a]] = s / l[a*m+a]
	}
	return true
}

// CVResult is the outcome of a k-fold cross-validation.
type CVResult struct {
	// AUC is the mean of the folds' out-of-fold AUCs (the headline figure).
	AUC float64 `json:"auc"`
	// FoldAUC lists each fold's AUC on its held-out rows, by fold number.
	FoldAUC []float64 `json:"fold_auc"`
	// Interval is AUC with a fold-based 95% interval: mean ± t(0.975, k−1)·sd/√k
	// over the fold AUCs (Method MethodFolds), clipped to [0, 1]. The folds share
	// their training rows, so the fold AUCs are not independent and no unbiased
	// estimate of this variance exists (Bengio & Grandvalet, 2004, JMLR 5:1089–1105):
	// read it as a lower bound of the uncertainty.
	Interval Interval `json:"interval"`
	// PooledAUC is the AUC of every row's out-of-fold linear predictor, pooled, and
	// PooledInterval its DeLong interval, which treats those predictions as fixed.
	PooledAUC      float64  `json:"pooled_auc"`
	PooledInterval Interval `json:"pooled_interval"`
}

// MethodFolds names the fold-based interval of a cross-validated AUC.
const MethodFolds = "folds-t"

// foldInterval returns the mean of the fold AUCs with its t interval.
func foldInterval(aucs []float64) Interval {
	k := float64(len(aucs))
	var sum float64
	for _, a := range aucs {
		sum += a
	}
	mean := sum / k
	var ss float64
	for _, a := range aucs {
		ss = float64((a-mean)*(a-mean)) + ss
	}
	se := math.Sqrt(ss/(k-1)) / math.Sqrt(k)
	half := float64(StudentQuantile(0.975, len(aucs)-1) * se)
	return Interval{Estimate: mean, Low: max(mean-half, 0), High: min(mean+half, 1), SE: se, Method: MethodFolds}
}

// crossValidate runs k folds: fit receives each fold's training and test rows
// and returns the test rows' risk scores; the result gathers the fold AUCs, their
// interval and the pooled out-of-fold AUC.
func crossValidate(y []bool, k int, seed uint64, fit func(f int, train, test []int) ([]float64, error)) (CVResult, error) {
	fold, err := Folds(y, k, seed)
	if err != nil {
		return CVResult{}, err
	}
	oof := make([]float64, len(y))
	res := CVResult{FoldAUC: make([]float64, k)}
	var train, test []int
	var tl []bool
	for f := range k {
		train, test, tl = train[:0], test[:0], tl[:0]
		for i, fi := range fold {
			if fi == f {
				test = append(test, i)
				tl = append(tl, y[i])
			} else {
				train = append(train, i)
			}
		}
		ts, err := fit(f, train, test)
		if err != nil {
			return CVResult{}, fmt.Errorf("fold %d: %w", f, err)
		}
		for n, i := range test {
			oof[i] = ts[n]
		}
		if res.FoldAUC[f], err = AUC(ts, tl); err != nil {
			return CVResult{}, fmt.Errorf("fold %d: %w", f, err)
		}
	}
	res.Interval = foldInterval(res.FoldAUC)
	res.AUC = res.Interval.Estimate
	r, err := Rank(oof, y)
	if err != nil {
		return CVResult{}, err
	}
	res.PooledInterval = r.DeLong()
	res.PooledAUC = res.PooledInterval.Estimate
	return res, nil
}

// rows copies the listed rows of x into a new matrix.
func rows(x Matrix, idx []int) Matrix {
	m := Matrix{Rows: len(idx), Cols: x.Cols, Data: make([]float64, 0, len(idx)*x.Cols)}
	for _, i := range idx {
		m.Data = append(m.Data, x.Row(i)...)
	}
	return m
}

// Folds assigns each row one of k folds, stratified by label: the positives and the
// negatives are each shuffled by a PCG generator seeded with seed and dealt round
// robin, so every fold holds both classes when each class has at least k rows. The
// result depends only on (y, k, seed).
func Folds(y []bool, k int, seed uint64) ([]int, error) {
	if k < 2 {
		return nil, fmt.Errorf("%d folds: want at least 2: %w", k, ErrOption)
	}
	var pos, neg []int
	for i, v := range y {
		if v {
			pos = append(pos, i)
		} else {
			neg = append(neg, i)
		}
	}
	if len(pos) < k || len(neg) < k {
		return nil, fmt.Errorf("%d positive and %d negative rows for %d folds: want at least %d of each: %w", len(pos), len(neg), k, k, ErrTooFewRows)
	}
	rng := rand.New(rand.NewPCG(seed, 0x632be59bd9b4e019))
	fold := make([]int, len(y))
	deal := 0
	for _, set := range [][]int{pos, neg} {
		rng.Shuffle(len(set), func(a, b int) { set[a], set[b] = set[b], set[a] })
		for _, i := range set {
			fold[i] = deal % k
			deal++
		}
	}
	return fold, nil
}

// CrossValidate fits Logistic k times, each time leaving out one fold from Folds(y,
// k, seed), and scores the held-out rows with the linear predictor. Errors: those of
// CheckFit, of Folds and of any fold's fit (wrapped with the fold number).
func CrossValidate(x Matrix, y []bool, opt FitOptions, k int, seed uint64) (CVResult, error) {
	if err := CheckFit(x, y); err != nil {
		return CVResult{}, err
	}
	return crossValidate(y, k, seed, func(_ int, train, test []int) ([]float64, error) {
		ty := make([]bool, len(train))
		for n, i := range train {
			ty[n] = y[i]
		}
		m, err := Logistic(rows(x, train), ty, opt)
		if err != nil {
			return nil, err
		}
		ts := make([]float64, len(test))
		for n, i := range test {
			ts[n] = m.Linear(x.Row(i))
		}
		return ts, nil
	})
}
