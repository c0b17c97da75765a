package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// z95 is the standard normal quantile for a two-sided 95% interval.
const z95 = 1.959963984540054

// Interval is an estimate with a two-sided 95% confidence interval. SE is the
// standard error where the method defines one (DeLong, Wilson), else 0.
type Interval struct {
	Estimate float64 `json:"estimate"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	SE       float64 `json:"se,omitempty"`
	Method   string  `json:"method"`
}

// Method names recorded in Interval.Method.
const (
	MethodDeLong    = "delong"
	MethodBootstrap = "bootstrap"
	MethodWilson    = "wilson"
)

// placements returns, per row, its DeLong placement value: for a positive row the
// share of negatives scoring below it (ties half), for a negative row the share of
// positives scoring above it (ties half). DeLong, DeLong & Clarke-Pearson (1988),
// "Comparing the areas under two or more correlated receiver operating
// characteristic curves: a nonparametric approach", Biometrics 44:837–845.
func (r Ranking) placements() []float64 {
	v := make([]float64, r.n)
	neg := float64(r.n - r.pos)
	pos := float64(r.pos)
	var negBelow, posBelow int
	for i := 0; i < r.n; {
		gp, gn := 0, 0
		j := i
		for ; j < r.n && (j == i || !r.first[j]); j++ {
			if r.labels[r.order[j]] {
				gp++
			} else {
				gn++
			}
		}
		vp := (float64(negBelow) + float64(0.5*float64(gn))) / neg
		posAbove := r.pos - posBelow - gp
		vn := (float64(posAbove) + float64(0.5*float64(gp))) / pos
		for k := i; k < j; k++ {
			row := r.order[k]
			if r.labels[row] {
				v[row] = vp
			} else {
				v[row] = vn
			}
		}
		negBelow += gn
		posBelow += gp
		i = j
	}
	return v
}

// delongVar returns the DeLong variance components of a difference Σ c_k·AUC_k for
// rankings over the same rows and labels: the covariance of the placement values
// summed over positives and negatives in row order (deterministic).
func delongCov(a, b Ranking, va, vb []float64) float64 {
	ma, mb := mean2(a.labels, va, vb, true)
	na, nb := mean2(a.labels, va, vb, false)
	var s10, s01 float64
	for i, y := range a.labels {
		if y {
			s10 += float64((va[i] - ma) * (vb[i] - mb))
		} else {
			s01 += float64((va[i] - na) * (vb[i] - nb))
		}
	}
	m, n := float64(a.pos), float64(a.n-a.pos)
	return s10/(m-1)/m + s01/(n-1)/n
}

func mean2(labels []bool, va, vb []float64, class bool) (float64, float64) {
	var sa, sb float64
	c := 0
	for i, y := range labels {
		if y == class {
			sa += va[i]
			sb += vb[i]
			c++
		}
	}
	return sa / float64(c), sb / float64(c)
}

// DeLong returns the AUC with its 95% interval by DeLong's analytic variance
// (DeLong, DeLong & Clarke-Pearson, 1988, Biometrics 44:837–845): AUC ± 1.959964·SE,
// clipped to [0, 1]. With a single positive or negative row the variance is not
// defined; SE is then 0 and the interval is the point. Cost: one linear pass.
func (r Ranking) DeLong() Interval {
	auc := r.AUC()
	if r.n == 0 {
		return Interval{Estimate: auc, Low: auc, High: auc, Method: MethodDeLong}
	}
	se := 0.0
	if r.pos > 1 && r.n-r.pos > 1 {
		v := r.placements()
		se = math.Sqrt(max(delongCov(r, r, v, v), 0))
	}
	return Interval{Estimate: auc, Low: max(auc-float64(z95*se), 0), High: min(auc+float64(z95*se), 1), SE: se, Method: MethodDeLong}
}

// sameRows reports an error unless a and b rank the same rows with the same labels.
func sameRows(a, b Ranking) error {
	if a.n != b.n {
		return fmt.Errorf("rankings of %d and %d rows: %w", a.n, b.n, ErrLength)
	}
	for i := range a.labels {
		if a.labels[i] != b.labels[i] {
			return fmt.Errorf("rankings disagree on the outcome of row %d: %w", i, ErrLength)
		}
	}
	return nil
}

// CompareDeLong returns AUC(a) − AUC(b) for two scores of the same rows with its 95%
// interval from DeLong's covariance of correlated AUCs (DeLong, DeLong &
// Clarke-Pearson, 1988): Var(A−B) = Var(A) + Var(B) − 2·Cov(A,B), each from the
// placement values. The interval is not clipped (a difference lies in [−1, 1]).
func CompareDeLong(a, b Ranking) (Interval, error) {
	if err := sameRows(a, b); err != nil {
		return Interval{}, err
	}
	d := a.AUC() - b.AUC()
	se := 0.0
	if a.pos > 1 && a.n-a.pos > 1 {
		va, vb := a.placements(), b.placements()
		v := delongCov(a, a, va, va) + delongCov(b, b, vb, vb) - float64(2*delongCov(a, b, va, vb))
		se = math.Sqrt(max(v, 0))
	}
	return Interval{Estimate: d, Low: max(d-float64(z95*se), -1), High: min(d+float64(z95*se), 1), SE: se, Method: MethodDeLong}, nil
}

// weightedAUC is the AUC with row i counted w[i] times (ties half).
func (r Ranking) weightedAUC(w []int32) float64 {
	var negBelow, num2, wp, wn int64
	for i := 0; i < r.n; {
		var gp, gn int64
		j := i
		for ; j < r.n && (j == i || !r.first[j]); j++ {
			row := r.order[j]
			if r.labels[row] {
				gp += int64(w[row])
			} else {
				gn += int64(w[row])
			}
		}
		num2 += gp * (2*negBelow + gn)
		negBelow += gn
		wp += gp
		wn += gn
		i = j
	}
	return float64(num2) / (2 * float64(wp*wn))
}

// resampler draws stratified bootstrap weights: as many positives (and negatives)
// with replacement as the data holds, so every replicate has both classes.
type resampler struct {
	rng      *rand.Rand
	pos, neg []int32
	w        []int32
}

func newResampler(r Ranking, seed uint64) *resampler {
	s := &resampler{rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)), w: make([]int32, r.n)}
	for i, y := range r.labels {
		if y {
			s.pos = append(s.pos, int32(i))
		} else {
			s.neg = append(s.neg, int32(i))
		}
	}
	return s
}

func (s *resampler) next() []int32 {
	clear(s.w)
	for range s.pos {
		s.w[s.pos[s.rng.IntN(len(s.pos))]]++
	}
	for range s.neg {
		s.w[s.neg[s.rng.IntN(len(s.neg))]]++
	}
	return s.w
}

// percentile returns the q-quantile of sorted xs by linear interpolation between
// order statistics (Hyndman & Fan, 1996, definition 7).
func percentile(xs []float64, q float64) float64 {
	h := q * float64(len(xs)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + float64((h-lo)*(xs[i+1]-xs[i]))
}

// Bootstrap returns the AUC with a 95% percentile interval from reps stratified
// bootstrap replicates (Efron & Tibshirani, 1993, "An Introduction to the
// Bootstrap", ch. 13): each replicate redraws the positives and the negatives with
// replacement, in equal numbers, from a PCG generator seeded with seed, so the result
// is a function of (data, reps, seed) alone. reps must be at least 10. Cost: one
// linear pass per replicate, no re-sorting.
func (r Ranking) Bootstrap(reps int, seed uint64) (Interval, error) {
	if reps < 10 {
		return Interval{}, fmt.Errorf("bootstrap replicates %d: want at least 10: %w", reps, ErrOption)
	}
	if r.n == 0 {
		return Interval{}, fmt.Errorf("bootstrap of an empty ranking: %w", ErrTooFewRows)
	}
	s := newResampler(r, seed)
	xs := make([]float64, reps)
	for k := range xs {
		xs[k] = r.weightedAUC(s.next())
	}
	slices.Sort(xs)
	return Interval{Estimate: r.AUC(), Low: percentile(xs, 0.025), High: percentile(xs, 0.975), Method: MethodBootstrap}, nil
}

// CompareBootstrap returns AUC(a) − AUC(b) for two scores of the same rows with a 95%
// percentile interval from reps paired, stratified bootstrap replicates: each
// replicate draws one set of row weights and evaluates both scores on it, so the
// correlation between the scores is kept (Efron & Tibshirani, 1993). Deterministic
// for a given seed.
func CompareBootstrap(a, b Ranking, reps int, seed uint64) (Interval, error) {
	if err := sameRows(a, b); err != nil {
		return Interval{}, err
	}
	if reps < 10 {
		return Interval{}, fmt.Errorf("bootstrap replicates %d: want at least 10: %w", reps, ErrOption)
	}
	if a.n == 0 {
		return Interval{}, fmt.Errorf("bootstrap of an empty ranking: %w", ErrTooFewRows)
	}
	s := newResampler(a, seed)
	xs := make([]float64, reps)
	for k := range xs {
		w := s.next()
		xs[k] = a.weightedAUC(w) - b.weightedAUC(w)
	}
	slices.Sort(xs)
	return Interval{Estimate: a.AUC() - b.AUC(), Low: percentile(xs, 0.025), High: percentile(xs, 0.975), Method: MethodBootstrap}, nil
}

// Wilson returns the Wilson score 95% interval for a proportion of successes out of
// n trials (Wilson, 1927, "Probable inference, the law of succession, and
// statistical inference", JASA 22:209–212):
//
//	(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n),   z = 1.959964 (the 97.5% normal quantile).
//
// Unlike the normal approximation it stays inside [0, 1] and is usable for 0 or n
// successes. It fails for n ≤ 0 or successes outside [0, n].
func Wilson(successes, n int) (Interval, error) {
	if n <= 0 {
		return Interval{}, fmt.Errorf("wilson interval of %d trials: %w", n, ErrTooFewRows)
	}
	if successes < 0 || successes > n {
		return Interval{}, fmt.Errorf("wilson interval: %d successes of %d trials: %w", successes, n, ErrOption)
	}
	p := float64(successes) / float64(n)
	nf := float64(n)
	z2 := z95 * z95
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := z95 * math.Sqrt(float64(p*(1-p))/nf+z2/(4*nf*nf)) / den
	// The score interval always contains p̂; clamping to it removes rounding at 0 and n.
	return Interval{Estimate: p, Low: max(min(centre-half, p), 0), High: min(max(centre+half, p), 1), SE: math.Sqrt(float64(p*(1-p)) / nf), Method: MethodWilson}, nil
}
