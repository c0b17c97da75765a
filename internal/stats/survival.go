package stats

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/successkit/cs"
)

// Transform is the scale on which a Kaplan–Meier confidence interval is built
// from Greenwood's variance. The zero value is LogLog.
type Transform uint8

// The interval transforms of SurvivalOptions.
const (
	// LogLog builds the interval on log(−log S) and maps it back (Kalbfleisch &
	// Prentice, 1980, "The Statistical Analysis of Failure Time Data", §1.3; the
	// default of SAS PROC LIFETEST, Stata's sts and lifelines): the bounds stay in
	// [0, 1] without clipping.
	LogLog Transform = iota
	// Log builds it on log S (the default of R's survfit): S·exp(±z·√Σ), the upper
	// bound clipped to 1.
	Log
)

// String returns "log-log" or "log".
func (t Transform) String() string {
	switch t {
	case LogLog:
		return "log-log"
	case Log:
		return "log"
	}
	return fmt.Sprintf("transform(%d)", uint8(t))
}

// SurvivalOptions configure Survival. The zero value builds log-log intervals.
type SurvivalOptions struct {
	Transform Transform
}

// SurvivalPoint is one step of a Kaplan–Meier curve: at Time, AtRisk subjects were
// still followed, Events of them had the event and Censored left the follow-up
// without it. Survival is Ŝ(t) just after Time, SE its Greenwood standard error and
// [Low, High] its 95% interval.
type SurvivalPoint struct {
	Time     float64 `json:"time"`
	AtRisk   int     `json:"at_risk"`
	Events   int     `json:"events"`
	Censored int     `json:"censored"`
	Survival float64 `json:"survival"`
	SE       float64 `json:"se"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
}

// Curve is the Kaplan–Meier estimate of one group: N subjects, Events events, one
// point per distinct time at which a subject had the event or was censored, in
// ascending time. Median is the median survival time with its 95% interval
// [MedianLow, MedianHigh]; each is nil when the curve (or the interval's bound) does
// not fall to 0.5 within the follow-up.
type Curve struct {
	N          int             `json:"n"`
	Events     int             `json:"events"`
	Points     []SurvivalPoint `json:"points"`
	Median     *float64        `json:"median"`
	MedianLow  *float64        `json:"median_low"`
	MedianHigh *float64        `json:"median_high"`
}

// At returns the curve's value at time t: the last point at or before t, or, before
// the first point, a point at t with survival 1 and every subject at risk.
func (c Curve) At(t float64) SurvivalPoint {
	i := sort.Search(len(c.Points), func(i int) bool { return c.Points[i].Time > t })
	if i == 0 {
		return SurvivalPoint{Time: t, AtRisk: c.N, Survival: 1, Low: 1, High: 1}
	}
	return c.Points[i-1]
}

// LogRank is the log-rank test of equal survival across groups (Mantel, 1966; Peto
// & Peto, 1972): per group the Observed events and the Expected ones under the null
// hypothesis, the statistic ChiSquare with DF degrees of freedom and its p-value P.
// DF is 0 and P is 1 when fewer than two groups have an expected event.
type LogRank struct {
	Observed  []int     `json:"observed"`
	Expected  []float64 `json:"expected"`
	ChiSquare float64   `json:"chi_square"`
	DF        int       `json:"df"`
	P         float64   `json:"p"`
}

// SurvivalResult is the outcome of Survival: one curve per group, in group order,
// and the log-rank test between them.
type SurvivalResult struct {
	Curves  []Curve `json:"curves"`
	LogRank LogRank `json:"log_rank"`
}

// Survival estimates the Kaplan–Meier survival curve of each group, with right
// censoring, and tests the groups' equality by the log-rank test. Subject i was
// followed for times[i] (a duration, in any unit, ≥ 0); events[i] tells whether it
// had the event at that time (true) or was censored then (false); groups[i] in
// [0, k) names its group (groups may be nil when k is 1).
//
// The estimate is Ŝ(t) = Π_{tⱼ ≤ t} (1 − dⱼ/nⱼ) over the distinct event times, nⱼ
// counting the subjects still followed at tⱼ — a subject censored at tⱼ counts as at
// risk at tⱼ (Kaplan & Meier, 1958, "Nonparametric estimation from incomplete
// observations", JASA 53:457–481). Its variance is Greenwood's, Ŝ(t)²·Σ dⱼ/(nⱼ(nⱼ−dⱼ))
// (Greenwood, 1926), and the 95% interval (z = 1.959964) is built on the scale of
// opt.Transform. The median survival time is the first time at which Ŝ ≤ 0.5, and
// its interval runs from the first time the interval's lower bound is ≤ 0.5 to the
// first time its upper bound is: the times whose interval contains 0.5 (Brookmeyer
// & Crowley, 1982, "A confidence interval for the median survival time",
// Biometrics 38:29–41).
//
// The log-rank statistic is (O−E)ᵀV⁻¹(O−E) over all groups but the last with an
// expected event, V the hypergeometric covariance of the event counts, with
// DF = (groups with an expected event) − 1 (Peto & Peto, 1972; as R's survdiff).
//
// The result is a function of the multiset of (time, event, group): the input order
// never changes it. Cost: sorting each group's event and censoring times, then one
// merge. Errors: slices of different lengths (ErrLength), k < 1 or a group outside
// [0, k) (ErrOption), a time that is NaN or infinite (cs.ErrNotFinite) or negative
// (cs.ErrNegative), no subject at all (ErrTooFewRows).
func Survival(times []float64, events []bool, groups []int, k int, opt SurvivalOptions) (SurvivalResult, error) {
	if err := checkSurvival(times, events, groups, k, opt); err != nil {
		return SurvivalResult{}, err
	}
	ev, ce := splitByGroup(times, events, groups, k)
	res := SurvivalResult{Curves: make([]Curve, k)}
	for g := range k {
		res.Curves[g] = kaplanMeier(ev[g], ce[g], opt.Transform)
	}
	res.LogRank = logRank(ev, ce)
	return res, nil
}

// checkSurvival validates the input of Survival.
func checkSurvival(times []float64, events []bool, groups []int, k int, opt SurvivalOptions) error {
	if len(times) != len(events) || (groups != nil && len(groups) != len(times)) {
		return fmt.Errorf("%d times, %d events and %d groups: %w", len(times), len(events), len(groups), ErrLength)
	}
	if k < 1 || (groups == nil && k != 1) {
		return fmt.Errorf("%d groups (group slice given: %t): %w", k, groups != nil, ErrOption)
	}
	if opt.Transform > Log {
		return fmt.Errorf("%v: %w", opt.Transform, ErrOption)
	}
	if len(times) == 0 {
		return fmt.Errorf("survival of no subject: %w", ErrTooFewRows)
	}
	for i, t := range times {
		switch {
		case math.IsNaN(t) || math.IsInf(t, 0):
			return fmt.Errorf("times[%d]: %v: %w", i, t, cs.ErrNotFinite)
		case t < 0:
			return fmt.Errorf("times[%d]: %v: %w", i, t, cs.ErrNegative)
		case groups != nil && (groups[i] < 0 || groups[i] >= k):
			return fmt.Errorf("groups[%d]: %d outside [0, %d): %w", i, groups[i], k, ErrOption)
		}
	}
	return nil
}

// splitByGroup returns each group's event times and censoring times, sorted, as
// subslices of one buffer.
func splitByGroup(times []float64, events []bool, groups []int, k int) (ev, ce [][]float64) {
	// count[2g] events and count[2g+1] censorings of group g.
	count := make([]int, 2*k)
	slot := func(i int) int {
		s := 0
		if groups != nil {
			s = 2 * groups[i]
		}
		if !events[i] {
			s++
		}
		return s
	}
	for i := range times {
		count[slot(i)]++
	}
	start := make([]int, 2*k+1)
	for s, c := range count {
		start[s+1] = start[s] + c
	}
	buf := make([]float64, len(times))
	next := slices.Clone(start[:2*k])
	for i, t := range times {
		s := slot(i)
		buf[next[s]] = t
		next[s]++
	}
	ev, ce = make([][]float64, k), make([][]float64, k)
	for g := range k {
		ev[g] = buf[start[2*g]:start[2*g+1]:start[2*g+1]]
		ce[g] = buf[start[2*g+1]:start[2*g+2]:start[2*g+2]]
		slices.Sort(ev[g])
		slices.Sort(ce[g])
	}
	return ev, ce
}

// kaplanMeier builds one group's curve from its sorted event and censoring times.
func kaplanMeier(ev, ce []float64, tr Transform) Curve {
	n := len(ev) + len(ce)
	c := Curve{N: n, Events: len(ev)}
	s, sum := 1.0, 0.0 // Ŝ and Greenwood's Σ d/(n(n−d))
	atRisk := n
	i, j := 0, 0
	for i < len(ev) || j < len(ce) {
		t := math.Inf(1)
		if i < len(ev) {
			t = ev[i]
		}
		if j < len(ce) && ce[j] < t {
			t = ce[j]
		}
		d, m := 0, 0
		for i < len(ev) && ev[i] == t {
			d++
			i++
		}
		for j < len(ce) && ce[j] == t {
			m++
			j++
		}
		if d > 0 {
			s *= 1 - float64(d)/float64(atRisk)
			if d < atRisk {
				sum += float64(d) / float64(int64(atRisk)*int64(atRisk-d))
			} else {
				s, sum = 0, math.Inf(1)
			}
		}
		p := SurvivalPoint{Time: t, AtRisk: atRisk, Events: d, Censored: m, Survival: s}
		p.SE, p.Low, p.High = greenwood(s, sum, tr)
		c.Points = append(c.Points, p)
		atRisk -= d + m
	}
	c.Median = firstAtOrBelowHalf(c.Points, func(p *SurvivalPoint) float64 { return p.Survival })
	c.MedianLow = firstAtOrBelowHalf(c.Points, func(p *SurvivalPoint) float64 { return p.Low })
	c.MedianHigh = firstAtOrBelowHalf(c.Points, func(p *SurvivalPoint) float64 { return p.High })
	return c
}

// greenwood returns the standard error of s and its 95% interval, given Greenwood's
// sum Σ d/(n(n−d)); a curve at 1 (no event yet) or at 0 has a zero-width interval.
func greenwood(s, sum float64, tr Transform) (se, low, high float64) {
	if s == 1 || s == 0 || sum == 0 {
		return 0, s, s
	}
	root := math.Sqrt(sum)
	se = s * root
	if tr == Log {
		return se, s * math.Exp(-z95*root), min(1, s*math.Exp(z95*root))
	}
	// θ = log(−log Ŝ), se(θ) = √Σ / |log Ŝ|, and S = exp(−exp(θ)).
	ls := math.Log(s)
	w := z95 * root / math.Abs(ls)
	return se, math.Pow(s, math.Exp(w)), math.Pow(s, math.Exp(-w))
}

// firstAtOrBelowHalf returns the time of the first point whose value is ≤ 0.5, or
// nil if none is.
func firstAtOrBelowHalf(pts []SurvivalPoint, value func(*SurvivalPoint) float64) *float64 {
	for i := range pts {
		if value(&pts[i]) <= 0.5 {
			t := pts[i].Time
			return &t
		}
	}
	return nil
}

// logRank runs the k-sample log-rank test over the groups' sorted event and
// censoring times.
func logRank(ev, ce [][]float64) LogRank {
	k := len(ev)
	lr := LogRank{Observed: make([]int, k), Expected: make([]float64, k), P: 1}
	total := make([]int, k) // subjects per group
	for g := range k {
		total[g] = len(ev[g]) + len(ce[g])
		lr.Observed[g] = len(ev[g])
	}
	v := make([]float64, k*k)
	pe, pc := make([]int, k), make([]int, k) // events and censorings before t
	nAt, dAt := make([]int, k), make([]int, k)
	for {
		t := math.Inf(1)
		for g := range k {
			if pe[g] < len(ev[g]) && ev[g][pe[g]] < t {
				t = ev[g][pe[g]]
			}
		}
		if math.IsInf(t, 1) {
			break
		}
		n, d := 0, 0
		for g := range k {
			for pc[g] < len(ce[g]) && ce[g][pc[g]] < t {
				pc[g]++
			}
			nAt[g] = total[g] - pe[g] - pc[g]
			dAt[g] = 0
			for pe[g] < len(ev[g]) && ev[g][pe[g]] == t {
				dAt[g]++
				pe[g]++
			}
			n += nAt[g]
			d += dAt[g]
		}
		addLogRankTime(lr.Expected, v, nAt, n, d)
	}
	lr.ChiSquare, lr.DF = logRankStatistic(lr.Observed, lr.Expected, v)
	if lr.DF > 0 {
		lr.P = ChiSquareSurvival(lr.ChiSquare, lr.DF)
	}
	return lr
}

// addLogRankTime adds one event time's expected events and hypergeometric
// covariance: E_g += n_g·d/n and V_gh += n_g(δ_gh·n − n_h)·d(n−d)/(n²(n−1)).
func addLogRankTime(exp, v []float64, nAt []int, n, d int) {
	k := len(nAt)
	fn, fd := float64(n), float64(d)
	for g := range k {
		exp[g] = float64(float64(nAt[g])*fd)/fn + exp[g]
	}
	if n < 2 {
		return
	}
	f := float64(fd*(fn-fd)) / float64(float64(fn*fn)*(fn-1))
	for g := range k {
		ng := float64(nAt[g])
		for h := range k {
			c := -float64(nAt[h])
			if g == h {
				c += fn
			}
			v[g*k+h] = float64(float64(ng*c)*f) + v[g*k+h]
		}
	}
}

// logRankStatistic solves (O−E)ᵀV⁻¹(O−E) over the groups with a positive variance,
// leaving out the last of them (the covariance matrix of all k groups is singular),
// by Gaussian elimination with partial pivoting. DF is the number of groups with an
// expected event, minus one.
func logRankStatistic(obs []int, exp, v []float64) (float64, int) {
	k := len(obs)
	var keep []int
	df := -1
	for g := range k {
		if exp[g] > 0 {
			df++
		}
		if v[g*k+g] > 1e-12 {
			keep = append(keep, g)
		}
	}
	if len(keep) < 2 || df < 1 {
		return 0, 0
	}
	keep = keep[:len(keep)-1]
	m := len(keep)
	a := make([]float64, m*(m+1)) // augmented [V | O−E]
	for r, g := range keep {
		for c, h := range keep {
			a[r*(m+1)+c] = v[g*k+h]
		}
		a[r*(m+1)+m] = float64(obs[g]) - exp[g]
	}
	x, ok := solveAugmented(a, m)
	if !ok {
		return 0, 0
	}
	chi := 0.0
	for r, g := range keep {
		chi = float64(x[r]*(float64(obs[g])-exp[g])) + chi
	}
	return max(chi, 0), df
}

// solveAugmented solves the m×m system held in the augmented m×(m+1) matrix a by
// Gaussian elimination with partial pivoting; false if it is singular.
func solveAugmented(a []float64, m int) ([]float64, bool) {
	w := m + 1
	for col := range m {
		p := col
		for r := col + 1; r < m; r++ {
			if math.Abs(a[r*w+col]) > math.Abs(a[p*w+col]) {
				p = r
			}
		}
		if math.Abs(a[p*w+col]) < 1e-300 {
			return nil, false
		}
		if p != col {
			for c := range w {
				a[p*w+c], a[col*w+c] = a[col*w+c], a[p*w+c]
			}
		}
		for r := col + 1; r < m; r++ {
			f := a[r*w+col] / a[col*w+col]
			for c := col; c < w; c++ {
				a[r*w+c] -= float64(f * a[col*w+c])
			}
		}
	}
	x := make([]float64, m)
	for r := m - 1; r >= 0; r-- {
		s := a[r*w+m]
		for c := r + 1; c < m; c++ {
			s -= float64(a[r*w+c] * x[c])
		}
		x[r] = s / a[r*w+r]
	}
	return x, true
}
