package retention

import (
	"fmt"
	"math"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// SBG is a fitted shifted-beta-geometric model of a cohort's contract duration
// (Fader & Hardie, "How to Project Customer Retention", Journal of Interactive
// Marketing 21(1), 2007): each customer churns at the end of every period with a
// constant probability θ, and θ varies across customers as Beta(α, β). Then
//
//	P(T = 1) = α ÷ (α + β),  P(T = t) = P(T = t−1) × (β + t − 2) ÷ (α + β + t − 1)  (eq. 7)
//	S(t) = S(t−1) − P(T = t), S(0) = 1                                               (eq. 1)
//	r(t) = S(t) ÷ S(t−1) = (β + t − 1) ÷ (α + β + t − 1)                           (eq. 8)
//
// so the retention rate rises with tenure as the customers most likely to churn
// leave first. An SBG is a plain value, safe for concurrent use.
type SBG struct {
	Alpha  float64 // α > 0
	Beta   float64 // β > 0
	LogLik float64 // the maximised log-likelihood (0 for a model not from FitSBG)
	Iter   int     // Nelder–Mead iterations of the fit
}

// survivorsCheck validates survivor counts: at least two, finite, non-negative,
// non-increasing, the first positive.
func survivorsCheck(s []float64) error {
	if len(s) < 2 {
		return fmt.Errorf("retention: survivors: %d counts, want ≥ 2: %w", len(s), ErrSurvivors)
	}
	for i, v := range s {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return fmt.Errorf("retention: survivors[%d]: %v: %w", i, v, cs.ErrNotFinite)
		case v < 0:
			return fmt.Errorf("retention: survivors[%d]: %v: %w", i, v, cs.ErrNegative)
		case i == 0 && v == 0:
			return fmt.Errorf("retention: survivors[0]: a cohort of 0: %w", ErrSurvivors)
		case i > 0 && v > s[i-1]:
			return fmt.Errorf("retention: survivors[%d]: %v after %v: survivors cannot increase: %w", i, v, s[i-1], ErrSurvivors)
		}
	}
	return nil
}

// sbgLogLik is the log-likelihood of survivor counts s (s[0] at the start, s[t]
// after t periods) under sBG(α, β) (Fader & Hardie 2007, eq. B1): the s[t−1] − s[t]
// customers lost in period t contribute ln P(T = t) each and the s[n] still active
// contribute ln S(n). Terms with a zero count are skipped, so 0 × ln 0 never occurs.
func sbgLogLik(alpha, beta float64, s []float64) float64 {
	p := alpha / (alpha + beta)
	surv := 1 - p
	ll := 0.0
	for t := 1; t < len(s); t++ {
		if t > 1 {
			p *= (beta + float64(t) - 2) / (alpha + beta + float64(t) - 1)
			surv -= p
		}
		if lost := s[t-1] - s[t]; lost > 0 {
			ll += float64(lost * math.Log(p))
		}
	}
	if last := s[len(s)-1]; last > 0 {
		ll += float64(last * math.Log(surv))
	}
	return ll
}

// FitSBG fits α and β to a cohort's survivor counts by maximum likelihood:
// survivors[0] is the cohort's size, survivors[t] how many are still customers
// after t periods (counts, or shares of the cohort). The search is Nelder–Mead on
// (ln α, ln β) from (0, 0) with fixed coefficients and tolerances, so the same
// counts always give bit-identical estimates.
//
// Fader & Hardie (2007) fit the first 7 years of two cohorts: "regular" (1000, 631,
// 468, 382, 326, 289, 262, 241) → α = 0.704, β = 1.182, and "high end" (1000, 869,
// 743, 653, 593, 551, 517, 491) → α = 0.668, β = 3.806.
//
// The error wraps ErrSurvivors for counts that cannot describe a cohort (fewer than
// two, increasing, a first count of 0), cs.ErrNegative, cs.ErrNotFinite, or
// ErrNoConvergence when the counts drive α or β to a boundary: a cohort that never
// churns, churns entirely in the first period, or churns at a constant rate (α + β
// beyond 10⁶, the geometric limit; the message gives that rate).
func FitSBG(survivors []float64) (SBG, error) {
	if err := survivorsCheck(survivors); err != nil {
		return SBG{}, err
	}
	s := survivors
	if s[len(s)-1] == s[0] {
		return SBG{}, fmt.Errorf("retention: survivors: nobody churned, so α → 0: %w", ErrNoConvergence)
	}
	if s[1] == 0 {
		return SBG{}, fmt.Errorf("retention: survivors: everybody churned in period 1, so β → 0: %w", ErrNoConvergence)
	}
	f := func(x [2]float64) float64 {
		return -sbgLogLik(math.Exp(x[0]), math.Exp(x[1]), s)
	}
	x, fx, iter, ok := nelderMead(f, [2]float64{0, 0})
	a, b := math.Exp(x[0]), math.Exp(x[1])
	if a+b > 1e6 && b > a {
		// The likelihood keeps rising along α/(α+β) = θ as α, β → ∞: the limit is
		// the geometric model, one churn rate θ for everybody.
		return SBG{}, fmt.Errorf("retention: survivors: no heterogeneity: churn is constant at θ ≈ %.4f a period, the geometric limit of the sBG (α, β → ∞): %w", a/(a+b), ErrNoConvergence)
	}
	if !ok || a < 1e-8 || b < 1e-8 || a > 1e8 || b > 1e8 {
		return SBG{}, fmt.Errorf("retention: survivors: α = %g, β = %g after %d iterations: %w", a, b, iter, ErrNoConvergence)
	}
	return SBG{Alpha: a, Beta: b, LogLik: -fx, Iter: iter}, nil
}

// nelderMead minimises f over two variables with the standard coefficients
// (reflection 1, expansion 2, contraction ½, shrink ½; Nelder & Mead, "A simplex
// method for function minimization", Computer Journal 7(4), 1965, in the form of
// Lagarias et al., SIAM J. Optim. 9(1), 1998). It stops when the simplex is smaller
// than 1e-10 in x and f, and reports ok = false after 2000 iterations.
func nelderMead(f func([2]float64) float64, x0 [2]float64) (best [2]float64, fbest float64, iter int, ok bool) {
	var p [3][2]float64
	var v [3]float64
	p[0] = x0
	p[1] = [2]float64{x0[0] + 0.5, x0[1]}
	p[2] = [2]float64{x0[0], x0[1] + 0.5}
	for i := range p {
		v[i] = f(p[i])
	}
	for iter = 0; iter < 2000; iter++ {
		// Order: p[0] best, p[2] worst (a stable insertion sort keeps ties in place).
		for i := 1; i < 3; i++ {
			for j := i; j > 0 && v[j] < v[j-1]; j-- {
				v[j], v[j-1] = v[j-1], v[j]
				p[j], p[j-1] = p[j-1], p[j]
			}
		}
		dx := math.Max(math.Max(math.Abs(p[1][0]-p[0][0]), math.Abs(p[1][1]-p[0][1])),
			math.Max(math.Abs(p[2][0]-p[0][0]), math.Abs(p[2][1]-p[0][1])))
		if dx < 1e-10 && v[2]-v[0] <= 1e-10*(1+math.Abs(v[0])) {
			return p[0], v[0], iter, true
		}
		c := [2]float64{(p[0][0] + p[1][0]) / 2, (p[0][1] + p[1][1]) / 2}
		at := func(t float64) [2]float64 {
			return [2]float64{c[0] + float64(t*(p[2][0]-c[0])), c[1] + float64(t*(p[2][1]-c[1]))}
		}
		xr := at(-1)
		fr := f(xr)
		switch {
		case fr < v[0]:
			xe := at(-2)
			if fe := f(xe); fe < fr {
				p[2], v[2] = xe, fe
			} else {
				p[2], v[2] = xr, fr
			}
			continue
		case fr < v[1]:
			p[2], v[2] = xr, fr
			continue
		case fr < v[2]:
			xc := at(-0.5)
			if fc := f(xc); fc <= fr {
				p[2], v[2] = xc, fc
				continue
			}
		default:
			xc := at(0.5)
			if fc := f(xc); fc < v[2] {
				p[2], v[2] = xc, fc
				continue
			}
		}
		for i := 1; i < 3; i++ {
			p[i] = [2]float64{p[0][0] + (p[i][0]-p[0][0])/2, p[0][1] + (p[i][1]-p[0][1])/2}
			v[i] = f(p[i])
		}
	}
	return p[0], v[0], iter, false
}

// Churn returns P(T = t), the probability that a new customer churns at the end of
// period t ≥ 1 (eq. 7); 0 for t < 1.
func (m SBG) Churn(t int) float64 {
	if t < 1 {
		return 0
	}
	p := m.Alpha / (m.Alpha + m.Beta)
	for k := 2; k <= t; k++ {
		p *= (m.Beta + float64(k) - 2) / (m.Alpha + m.Beta + float64(k) - 1)
	}
	return p
}

// Survival returns S(t), the probability that a new customer is still a customer
// after t periods (eq. 1): 1 for t ≤ 0, falling towards 0.
func (m SBG) Survival(t int) float64 {
	s := 1.0
	for k := 1; k <= t; k++ {
		s *= (m.Beta + float64(k) - 1) / (m.Alpha + m.Beta + float64(k) - 1)
	}
	return s
}

// Retention returns r(t) = S(t) ÷ S(t−1), the share of the customers active after
// t−1 periods who renew at t (eq. 8), for t ≥ 1.
func (m SBG) Retention(t int) float64 {
	return (m.Beta + float64(t) - 1) / (m.Alpha + m.Beta + float64(t) - 1)
}

// Project returns S(from+1), …, S(from+periods): the survival curve beyond the
// fitted periods.
func (m SBG) Project(from, periods int) []float64 {
	out := make([]float64, periods)
	s := m.Survival(from)
	for i := range out {
		s *= m.Retention(from + i + 1)
		out[i] = s
	}
	return out
}

// DERL returns the discounted expected residual lifetime of a customer who has
// made n ≥ 0 renewals, at discount rate d > 0 per period (Fader & Hardie,
// "Customer-Base Valuation in a Contractual Setting: The Perils of Ignoring
// Heterogeneity", Marketing Science 29(1), 2010, eq. 6):
//
//	DERL(d | α, β, n) = (β + n) ÷ (α + β + n) × ₂F₁(1, β + n + 1; α + β + n + 1; 1 ÷ (1 + d))
//
// that is Σₖ≥₀ S(n+k+1) ÷ S(n) × (1 + d)⁻ᵏ: the next payment counts in full and
// every later one is discounted by its distance from it. The hypergeometric series
// is summed directly (each term is the previous times z(β+n+k)/(α+β+n+k), below z
// < 1) until a term no longer changes the sum. The error wraps ErrOption for d ≤ 0,
// a non-finite d or n < 0, and ErrNoConvergence when 10⁷ terms do not settle the
// sum (a discount rate so small that the lifetime is beyond reach).
func (m SBG) DERL(d float64, n int) (float64, error) {
	if math.IsNaN(d) || math.IsInf(d, 0) || d <= 0 || n < 0 {
		return 0, fmt.Errorf("retention: derl at d = %v, n = %d: want d > 0, n ≥ 0: %w", d, n, ErrOption)
	}
	if !(m.Alpha > 0) || !(m.Beta > 0) {
		return 0, fmt.Errorf("retention: derl of α = %v, β = %v: %w", m.Alpha, m.Beta, ErrOption)
	}
	z := 1 / (1 + d)
	a, b, nf := m.Alpha, m.Beta, float64(n)
	term, sum := 1.0, 1.0
	const maxTerms = 10_000_000
	for k := 0; ; k++ {
		if k == maxTerms {
			// A truncated sum would be a silently wrong value (d → 0 with α ≤ 1
			// diverges): say so instead.
			return 0, fmt.Errorf("retention: derl at d = %v, n = %d: the series has not converged after %d terms: %w", d, n, maxTerms, ErrNoConvergence)
		}
		term *= float64(z*(b+nf+1+float64(k))) / (a + b + nf + 1 + float64(k))
		next := sum + term
		if next == sum {
			break
		}
		sum = next
	}
	return (b + nf) / (a + b + nf) * sum, nil
}

// Value returns the discounted expected value of a customer who has made n
// renewals and pays payment per period: payment × DERL(d, n), with DERL taken at
// 15 significant digits and the product rounded half away from zero to the
// currency's minor unit (so the same inputs always give the same amount).
func (m SBG) Value(payment cs.Money, d float64, n int) (cs.Money, error) {
	if !payment.Currency().Known() {
		return cs.Money{}, fmt.Errorf("retention: value of payment %s: %w", payment, cs.ErrUnknownCurrency)
	}
	if payment.IsNegative() {
		return cs.Money{}, fmt.Errorf("retention: value of payment %s: %w", payment, cs.ErrNegative)
	}
	derl, err := m.DERL(d, n)
	if err != nil {
		return cs.Money{}, err
	}
	f := decimal.NewFromFloat(derl)
	f = f.Round(int32(14 - int(math.Floor(math.Log10(derl)))))
	return payment.Mul(f).Round(), nil
}
