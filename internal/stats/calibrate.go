package stats

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/successkit/cs"
)

// ErrSeparated: a score that separates the two outcome classes perfectly, so a
// logistic fit on it has no finite maximum-likelihood estimate.
var ErrSeparated = errors.New("the score separates the outcomes perfectly")

// Calibrator maps a score to a probability of the positive outcome.
type Calibrator interface {
	Probability(score float64) float64
}

// Platt is a logistic calibration of a score, P(y=1 | s) = σ(Intercept + Slope·s)
// (Platt, 1999, "Probabilistic outputs for support vector machines and comparisons
// to regularized likelihood methods", in Advances in Large Margin Classifiers, MIT
// Press), fitted by maximum likelihood without Platt's smoothing of the targets, so
// that the covariance of the two parameters is the usual inverse Fisher information
// and their intervals are Wald intervals.
type Platt struct {
	Intercept float64 `json:"intercept"`
	Slope     float64 `json:"slope"`
	// VarIntercept, Covariance and VarSlope are the estimated covariance matrix of
	// (Intercept, Slope).
	VarIntercept float64 `json:"var_intercept"`
	Covariance   float64 `json:"covariance"`
	VarSlope     float64 `json:"var_slope"`
	N            int     `json:"n"`
	Positives    int     `json:"positives"`
	Iterations   int     `json:"iterations"`
}

// Probability returns σ(Intercept + Slope·s).
func (p Platt) Probability(s float64) float64 { return sigmoid(float64(p.Slope*s) + p.Intercept) }

// Interval returns the 95% interval of the probability at s: σ(η ± z·se(η)) with
// η = Intercept + Slope·s and Var(η) = VarIntercept + 2s·Covariance + s²·VarSlope
// (z = 1.959964).
func (p Platt) Interval(s float64) (low, high float64) {
	eta := float64(p.Slope*s) + p.Intercept
	v := float64(float64(s*s)*p.VarSlope) + float64(float64(2*s)*p.Covariance) + p.VarIntercept
	se := math.Sqrt(max(v, 0))
	return sigmoid(eta - float64(z95*se)), sigmoid(eta + float64(z95*se))
}

// InterceptInterval and SlopeInterval return the 95% Wald intervals of the
// parameters.
func (p Platt) InterceptInterval() Interval {
	return wald(p.Intercept, p.VarIntercept)
}

// SlopeInterval: see InterceptInterval.
func (p Platt) SlopeInterval() Interval { return wald(p.Slope, p.VarSlope) }

func wald(est, v float64) Interval {
	se := math.Sqrt(max(v, 0))
	return Interval{Estimate: est, Low: est - float64(z95*se), High: est + float64(z95*se), SE: se, Method: MethodWald}
}

// MethodWald names an estimate ± z·SE interval.
const MethodWald = "wald"

// FitPlatt fits a Platt calibration of scores against labels by Newton–Raphson on
// the standardised score (so the fit does not depend on the score's scale), then
// maps the parameters and their covariance back to the score's scale. Errors:
// slices of different lengths (ErrLength), a non-finite score (cs.ErrNotFinite),
// one class only (ErrOneClass), fewer than MinRows(1) rows or a constant score
// (ErrTooFewRows, ErrConstantFeature), a score that separates the classes
// (ErrSeparated).
func FitPlatt(scores []float64, labels []bool) (Platt, error) {
	if err := CheckFit(Matrix{Rows: len(scores), Cols: 1, Data: scores}, labels); err != nil {
		return Platt{}, err
	}
	if separated(scores, labels) {
		return Platt{}, fmt.Errorf("platt fit on %d rows: %w", len(scores), ErrSeparated)
	}
	n := float64(len(scores))
	var mean float64
	for _, s := range scores {
		mean += s
	}
	mean /= n
	var ss float64
	for _, s := range scores {
		ss = float64((s-mean)*(s-mean)) + ss
	}
	sd := math.Sqrt(ss / n)
	a, b, cov, iters, err := newtonLogistic1(scores, labels, mean, sd)
	if err != nil {
		return Platt{}, err
	}
	// s = mean + sd·u: η = a + b·u = (a − b·mean/sd) + (b/sd)·s, and the covariance
	// maps through J = [[1, −mean/sd], [0, 1/sd]].
	r := -mean / sd
	p := Platt{Intercept: a + float64(b*r), Slope: b / sd, N: len(scores), Iterations: iters}
	p.VarIntercept = cov[0] + float64(float64(2*r)*cov[1]) + float64(float64(r*r)*cov[2])
	p.Covariance = (cov[1] + float64(r*cov[2])) / sd
	p.VarSlope = cov[2] / (sd * sd)
	for _, y := range labels {
		if y {
			p.Positives++
		}
	}
	return p, nil
}

// separated reports whether some threshold on the score puts every positive on one
// side and every negative on the other (ties at the threshold included): then the
// likelihood has no finite maximum (Albert & Anderson, 1984, Biometrika 71:1–10).
func separated(scores []float64, labels []bool) bool {
	minP, maxP, minN, maxN := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, s := range scores {
		if labels[i] {
			minP, maxP = min(minP, s), max(maxP, s)
		} else {
			minN, maxN = min(minN, s), max(maxN, s)
		}
	}
	return maxN <= minP || maxP <= minN
}

// newtonLogistic1 maximises the likelihood of y on u = (s − mean)/sd by
// Newton–Raphson with step halving, returning the parameters, the inverse
// information (var a, cov ab, var b) and the iterations.
func newtonLogistic1(s []float64, y []bool, mean, sd float64) (a, b float64, cov [3]float64, iters int, err error) {
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	a = math.Log(float64(pos) / float64(len(y)-pos))
	loglik := func(a, b float64) float64 {
		var l float64
		for i, x := range s {
			z := float64(b*((x-mean)/sd)) + a
			l -= log1pexp(z)
			if y[i] {
				l += z
			}
		}
		return l
	}
	cur := loglik(a, b)
	for iters = 1; iters <= 200; iters++ {
		var g0, g1, h00, h01, h11 float64
		for i, x := range s {
			u := (x - mean) / sd
			p := sigmoid(float64(b*u) + a)
			r := -p
			if y[i] {
				r = 1 - p
			}
			w := float64(p * (1 - p))
			g0 += r
			g1 = float64(r*u) + g1
			h00 += w
			h01 = float64(w*u) + h01
			h11 = float64(float64(w*u)*u) + h11
		}
		det := float64(h00*h11) - float64(h01*h01)
		if !(det > 0) {
			return 0, 0, cov, iters, fmt.Errorf("platt fit: singular information matrix: %w", ErrSeparated)
		}
		cov = [3]float64{h11 / det, -h01 / det, h00 / det}
		da := (float64(h11*g0) - float64(h01*g1)) / det
		db := (float64(h00*g1) - float64(h01*g0)) / det
		t := 1.0
		var na, nb, next float64
		for range 60 {
			na, nb = a+float64(t*da), b+float64(t*db)
			if next = loglik(na, nb); next >= cur {
				break
			}
			t /= 2
		}
		if next < cur {
			break // no step increases the likelihood: at the optimum to float64 precision
		}
		step := math.Max(math.Abs(na-a), math.Abs(nb-b))
		a, b, cur = na, nb, next
		if step < 1e-12 {
			break
		}
	}
	if iters > 200 {
		return 0, 0, cov, iters, fmt.Errorf("platt fit: no convergence in 200 Newton iterations: %w", ErrSeparated)
	}
	return a, b, cov, iters, nil
}

// IsotonicBlock is one step of an isotonic calibration: the scores from Min to Max
// (as observed), their N rows of which Positives had the positive outcome, and the
// fitted probability P = Positives/N.
type IsotonicBlock struct {
	Min       float64 `json:"min"`
	Max       float64 `json:"max"`
	N         int     `json:"n"`
	Positives int     `json:"positives"`
	P         float64 `json:"p"`
}

// Isotonic is a non-decreasing step function from a score to a probability: the
// isotonic regression of the outcomes on the score, with blocks in ascending score
// order and strictly increasing probabilities.
type Isotonic struct {
	Blocks []IsotonicBlock `json:"blocks"`
}

// Probability returns the probability of the last block whose Min is at most s
// (the first block's below its Min).
func (m Isotonic) Probability(s float64) float64 {
	if len(m.Blocks) == 0 {
		return math.NaN()
	}
	i := sort.Search(len(m.Blocks), func(i int) bool { return m.Blocks[i].Min > s })
	return m.Blocks[max(i-1, 0)].P
}

// FitIsotonic fits the isotonic (non-decreasing) regression of labels on scores by
// the pool-adjacent-violators algorithm (Ayer, Brunk, Ewing, Reid & Silverman,
// 1955, "An empirical distribution function for sampling with incomplete
// information", Ann. Math. Statist. 26:641–647; Barlow, Bartholomew, Bremner &
// Brunk, 1972, "Statistical Inference under Order Restrictions", Wiley): the
// non-decreasing function of the score closest to the outcomes in least squares,
// which is also their maximum-likelihood non-decreasing probability. Rows with equal
// scores form one initial block; adjacent blocks are pooled while the earlier one's
// rate is at least the later one's, so the blocks' rates increase strictly. Rates
// are compared exactly (in integers). Cost: sorting the positives' and the
// negatives' scores, then one linear pass. Errors: ErrLength, cs.ErrNotFinite, no
// rows (ErrTooFewRows).
func FitIsotonic(scores []float64, labels []bool) (Isotonic, error) {
	if len(scores) != len(labels) {
		return Isotonic{}, fmt.Errorf("%d scores but %d labels: %w", len(scores), len(labels), ErrLength)
	}
	if len(scores) == 0 {
		return Isotonic{}, fmt.Errorf("isotonic fit of no row: %w", ErrTooFewRows)
	}
	var pos, neg []float64
	for i, s := range scores {
		if bad(s) {
			return Isotonic{}, fmt.Errorf("scores[%d]: %v: %w", i, s, cs.ErrNotFinite)
		}
		if labels[i] {
			pos = append(pos, s)
		} else {
			neg = append(neg, s)
		}
	}
	slices.Sort(pos)
	slices.Sort(neg)
	var stack []IsotonicBlock
	i, j := 0, 0
	for i < len(pos) || j < len(neg) {
		s := math.Inf(1)
		if i < len(pos) {
			s = pos[i]
		}
		if j < len(neg) && neg[j] < s {
			s = neg[j]
		}
		b := IsotonicBlock{Min: s, Max: s}
		for ; i < len(pos) && pos[i] == s; i++ {
			b.N++
			b.Positives++
		}
		for ; j < len(neg) && neg[j] == s; j++ {
			b.N++
		}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			// top's rate ≥ b's rate, cross-multiplied in int64.
			if int64(top.Positives)*int64(b.N) < int64(b.Positives)*int64(top.N) {
				break
			}
			b = IsotonicBlock{Min: top.Min, Max: b.Max, N: top.N + b.N, Positives: top.Positives + b.Positives}
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, b)
	}
	for k := range stack {
		stack[k].P = float64(stack[k].Positives) / float64(stack[k].N)
	}
	return Isotonic{Blocks: stack}, nil
}

// ReliabilityBin is one bin of a reliability table: N rows whose predictions run
// from MinPredicted to MaxPredicted with mean MeanPredicted, of which Positives had
// the positive outcome: the Observed rate, with its Wilson 95% interval [Low, High].
type ReliabilityBin struct {
	N             int     `json:"n"`
	Positives     int     `json:"positives"`
	MinPredicted  float64 `json:"min_predicted"`
	MaxPredicted  float64 `json:"max_predicted"`
	MeanPredicted float64 `json:"mean_predicted"`
	Observed      float64 `json:"observed"`
	Low           float64 `json:"low"`
	High          float64 `json:"high"`
}

// CalibrationReport measures how well predicted probabilities match outcomes.
//
// Brier is the mean squared difference between prediction and outcome (Brier,
// 1950, Monthly Weather Review 78:1–3). Over the reliability bins it decomposes
// exactly as
//
//	Brier = Reliability − Resolution + Uncertainty + WithinBinVariance − WithinBinCovariance
//
// where Reliability = Σ nₖ(f̄ₖ − ōₖ)²/N, Resolution = Σ nₖ(ōₖ − ō)²/N and Uncertainty =
// ō(1 − ō) are Murphy's three components (Murphy, 1973, "A new vector partition of
// the probability score", J. Appl. Meteor. 12:595–600), and the two within-bin terms
// (Stephenson, Coelho & Jolliffe, 2008, "Two extra components in the Brier score
// decomposition", Weather and Forecasting 23:752–757) vanish when every bin holds a
// single prediction value. ECE is the expected calibration error Σ (nₖ/N)|f̄ₖ − ōₖ|
// over the same bins (Naeini, Cooper & Hauskrecht, 2015, AAAI).
type CalibrationReport struct {
	N                   int              `json:"n"`
	Positives           int              `json:"positives"`
	Brier               float64          `json:"brier"`
	Reliability         float64          `json:"reliability"`
	Resolution          float64          `json:"resolution"`
	Uncertainty         float64          `json:"uncertainty"`
	WithinBinVariance   float64          `json:"within_bin_variance"`
	WithinBinCovariance float64          `json:"within_bin_covariance"`
	ECE                 float64          `json:"ece"`
	Bins                []ReliabilityBin `json:"bins"`
}

// Reliability measures predicted probabilities against outcomes over bins of about
// equal counts (bins = 10 gives deciles): rows are ordered by prediction (ties by
// row index) and cut into bins consecutive slices, a slice boundary moving forward
// so that equal predictions never straddle two bins (bins may then hold more rows,
// or fewer bins remain). Errors: ErrLength, predictions outside [0, 1] or NaN
// (ErrOption, cs.ErrNotFinite), bins < 1 (ErrOption), no rows (ErrTooFewRows).
func Reliability(pred []float64, labels []bool, bins int) (CalibrationReport, error) {
	if len(pred) != len(labels) {
		return CalibrationReport{}, fmt.Errorf("%d predictions but %d labels: %w", len(pred), len(labels), ErrLength)
	}
	if bins < 1 {
		return CalibrationReport{}, fmt.Errorf("%d bins: want at least 1: %w", bins, ErrOption)
	}
	if len(pred) == 0 {
		return CalibrationReport{}, fmt.Errorf("reliability of no row: %w", ErrTooFewRows)
	}
	for i, p := range pred {
		switch {
		case bad(p):
			return CalibrationReport{}, fmt.Errorf("predictions[%d]: %v: %w", i, p, cs.ErrNotFinite)
		case p < 0 || p > 1:
			return CalibrationReport{}, fmt.Errorf("predictions[%d]: %v outside [0, 1]: %w", i, p, ErrOption)
		}
	}
	order := make([]int32, len(pred))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(pred[a], pred[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	r := CalibrationReport{N: len(pred)}
	for _, y := range labels {
		if y {
			r.Positives++
		}
	}
	n := float64(r.N)
	base := float64(r.Positives) / n
	r.Uncertainty = float64(base * (1 - base))
	var brier, rel, res, wbv, wbc float64
	for lo := 0; lo < len(order); {
		hi := reliabilityCut(order, pred, lo, bins)
		b, v, c, sq := reliabilityBin(order[lo:hi], pred, labels)
		r.Bins = append(r.Bins, b)
		nb := float64(b.N)
		rel = float64(nb*float64((b.MeanPredicted-b.Observed)*(b.MeanPredicted-b.Observed))) + rel
		res = float64(nb*float64((b.Observed-base)*(b.Observed-base))) + res
		r.ECE = float64(nb*math.Abs(b.MeanPredicted-b.Observed)) + r.ECE
		wbv += v
		wbc += c
		brier += sq
		lo = hi
	}
	r.Brier, r.Reliability, r.Resolution = brier/n, rel/n, res/n
	r.WithinBinVariance, r.WithinBinCovariance, r.ECE = wbv/n, 2*wbc/n, r.ECE/n
	return r, nil
}

// reliabilityCut returns the end of the bin starting at lo: the next of the evenly
// spaced cut points, moved past any predictions equal to the last one in the bin.
func reliabilityCut(order []int32, pred []float64, lo, bins int) int {
	n := len(order)
	hi := n
	for k := 1; k <= bins; k++ {
		if c := k * n / bins; c > lo {
			hi = c
			break
		}
	}
	for hi < n && pred[order[hi]] == pred[order[hi-1]] {
		hi++
	}
	return hi
}

// reliabilityBin summarises one bin, returning also its within-bin sum of squared
// deviations of the predictions, its within-bin sum of cross products, and its sum
// of squared errors (each summed in row order of the bin).
func reliabilityBin(rows []int32, pred []float64, labels []bool) (b ReliabilityBin, v, c, sq float64) {
	b.N = len(rows)
	b.MinPredicted, b.MaxPredicted = pred[rows[0]], pred[rows[len(rows)-1]]
	var sum float64
	for _, i := range rows {
		sum += pred[i]
		if labels[i] {
			b.Positives++
		}
	}
	nb := float64(b.N)
	b.MeanPredicted = sum / nb
	if b.MinPredicted == b.MaxPredicted {
		b.MeanPredicted = b.MinPredicted // exact, where sum/n may round
	}
	b.Observed = float64(b.Positives) / nb
	for _, i := range rows {
		o := 0.0
		if labels[i] {
			o = 1
		}
		df := pred[i] - b.MeanPredicted
		v = float64(df*df) + v
		c = float64(df*(o-b.Observed)) + c
		sq = float64((pred[i]-o)*(pred[i]-o)) + sq
	}
	if w, err := Wilson(b.Positives, b.N); err == nil {
		b.Low, b.High = w.Low, w.High
	}
	return b, v, c, sq
}

// OutOfFold returns, for every row, the probability that a calibrator fitted on
// the other folds gives its score: k-fold cross-validation with the stratified
// folds of Folds(labels, k, seed), so the predictions of a row never saw its
// outcome. fit fits one calibrator (FitPlatt, FitIsotonic wrapped). Errors: those
// of Folds and of any fold's fit, wrapped with the fold number.
func OutOfFold(scores []float64, labels []bool, k int, seed uint64, fit func([]float64, []bool) (Calibrator, error)) ([]float64, error) {
	if len(scores) != len(labels) {
		return nil, fmt.Errorf("%d scores but %d labels: %w", len(scores), len(labels), ErrLength)
	}
	fold, err := Folds(labels, k, seed)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(scores))
	var ts []float64
	var ty []bool
	for f := range k {
		ts, ty = ts[:0], ty[:0]
		for i, fi := range fold {
			if fi != f {
				ts = append(ts, scores[i])
				ty = append(ty, labels[i])
			}
		}
		c, err := fit(ts, ty)
		if err != nil {
			return nil, fmt.Errorf("fold %d: %w", f, err)
		}
		for i, fi := range fold {
			if fi == f {
				out[i] = c.Probability(scores[i])
			}
		}
	}
	return out, nil
}
