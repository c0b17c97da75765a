package stats

import "math"

// ChiSquareSurvival returns P(X > x) for X chi-square distributed with df degrees
// of freedom: the p-value of a chi-square statistic. It is the regularised upper
// incomplete gamma function Q(df/2, x/2) (Abramowitz & Stegun, 1964, "Handbook of
// Mathematical Functions", 26.4.19), evaluated by its power series below a+1 and by
// its continued fraction above (Press, Teukolsky, Vetterling & Flannery, 2007,
// "Numerical Recipes", 3rd ed., §6.2). It returns 1 for x ≤ 0 and NaN for df < 1.
func ChiSquareSurvival(x float64, df int) float64 {
	if df < 1 || math.IsNaN(x) {
		return math.NaN()
	}
	if x <= 0 {
		return 1
	}
	if math.IsInf(x, 1) {
		return 0
	}
	return gammaQ(float64(df)/2, x/2)
}

// gammaQ is the regularised upper incomplete gamma function Q(a, x), a > 0, x > 0.
func gammaQ(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	front := float64(a*math.Log(x)) - x - lg
	if x < a+1 {
		// P(a, x) = e^{-x} x^a / Γ(a) · Σ x^n / (a(a+1)…(a+n)).
		sum, term, ap := 1/a, 1/a, a
		for range 10_000 {
			ap++
			term *= x / ap
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-16 {
				break
			}
		}
		return max(0, 1-float64(math.Exp(front)*sum))
	}
	// Q(a, x) = e^{-x} x^a / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))),
	// by the modified Lentz method.
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 10_000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = float64(an*d) + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return min(1, math.Exp(front)*h)
}

// betaI is the regularised incomplete beta function I_x(a, b) for 0 ≤ x ≤ 1, by its
// continued fraction (Press et al., 2007, "Numerical Recipes", 3rd ed., §6.4), using
// the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges faster.
func betaI(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + float64(a*math.Log(x)) + float64(b*math.Log1p(-x)))
	if x < (a+1)/(a+b+2) {
		return front * betaCF(x, a, b) / a
	}
	return 1 - front*betaCF(1-x, b, a)/b
}

// betaCF evaluates the continued fraction of the incomplete beta function by the
// modified Lentz method.
func betaCF(x, a, b float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 - qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m < 10_000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + float64(aa*d)
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + float64(aa*d)
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return h
}

// studentCDF returns P(T ≤ t) for Student's t with df degrees of freedom:
// 1 − I_{df/(df+t²)}(df/2, 1/2)/2 for t ≥ 0 (Abramowitz & Stegun, 1964, 26.7.1), and
// by symmetry for t < 0.
func studentCDF(t, df float64) float64 {
	tail := 0.5 * betaI(df/(df+float64(t*t)), df/2, 0.5)
	if t >= 0 {
		return 1 - tail
	}
	return tail
}

// StudentQuantile returns the p-quantile of Student's t distribution with df ≥ 1
// degrees of freedom, for 0 < p < 1, by bisection on studentCDF to the precision of
// float64 (so it is deterministic on every platform). It returns NaN outside that
// domain.
func StudentQuantile(p float64, df int) float64 {
	if df < 1 || !(p > 0 && p < 1) {
		return math.NaN()
	}
	if p < 0.5 {
		return -StudentQuantile(1-p, df)
	}
	lo, hi := 0.0, 1.0
	for studentCDF(hi, float64(df)) < p {
		hi *= 2
		if hi > 1e300 {
			return math.Inf(1)
		}
	}
	for range 2000 {
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		if studentCDF(mid, float64(df)) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}
