package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

func TestPlattChallenger(t *testing.T) {
	c := readVectors(t, "testdata/challenger.txt")[0]
	p, err := FitPlatt(c.times, c.events)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range c.checks {
		if ch[0] != "fit" {
			t.Fatalf("unknown check %q", ch[0])
		}
		tol := num(t, ch[5])
		for _, f := range []struct {
			what      string
			got, want float64
		}{
			{"intercept", p.Intercept, num(t, ch[1])},
			{"se(intercept)", math.Sqrt(p.VarIntercept), num(t, ch[2])},
			{"slope", p.Slope, num(t, ch[3])},
			{"se(slope)", math.Sqrt(p.VarSlope), num(t, ch[4])},
		} {
			// The published figures have four decimals.
			if math.Abs(f.got-f.want) > tol+5e-5*math.Abs(f.want) {
				t.Errorf("Platt on the Challenger data: %s = %.5f, want %.4f", f.what, f.got, f.want)
			}
		}
	}
	if lo, hi := p.Interval(31); !(lo < p.Probability(31) && p.Probability(31) < hi) {
		t.Errorf("interval at 31°F [%v, %v] does not contain %v", lo, hi, p.Probability(31))
	}
}

func TestPlattErrors(t *testing.T) {
	s := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	y := []bool{false, false, false, false, false, false, true, true, true, true, true, true}
	// Every churner scores above every other customer: no finite fit.
	if _, err := FitPlatt(s, y); !errors.Is(err, ErrSeparated) {
		t.Errorf("separated: %v, want ErrSeparated", err)
	}
	// One class only.
	if _, err := FitPlatt(s, make([]bool, len(s))); !errors.Is(err, ErrOneClass) {
		t.Errorf("one class: %v, want ErrOneClass", err)
	}
}

// Platt on a score that is already a calibrated probability's logit changes
// little: the fit recovers intercept 0 and slope 1 within sampling error.
func TestPlattOnCalibratedScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 50_000
	s := make([]float64, n)
	y := make([]bool, n)
	for i := range n {
		s[i] = 4*rng.Float64() - 3
		y[i] = rng.Float64() < sigmoid(s[i])
	}
	p, err := FitPlatt(s, y)
	if err != nil {
		t.Fatal(err)
	}
	if a := p.InterceptInterval(); !(a.Low < 0 && 0 < a.High) {
		t.Errorf("intercept interval %+v excludes 0", a)
	}
	if b := p.SlopeInterval(); !(b.Low < 1 && 1 < b.High) {
		t.Errorf("slope interval %+v excludes 1", b)
	}
	for _, x := range []float64{-3, -1, 0, 1} {
		if d := math.Abs(p.Probability(x) - sigmoid(x)); d > 0.02 {
			t.Errorf("P(%v) = %v, true %v", x, p.Probability(x), sigmoid(x))
		}
	}
}

// slowIsotonic is the max–min formula of the isotonic regression: the fit at i is
// max over s ≤ i of min over t ≥ i of the mean of y[s..t] (Barlow, Bartholomew,
// Bremner & Brunk, 1972, "Statistical Inference under Order Restrictions",
// Theorem 1.4), over the distinct scores in order, weighted by their counts.
func slowIsotonic(scores []float64, labels []bool) map[float64]float64 {
	type level struct{ n, pos float64 }
	byScore := map[float64]*level{}
	var xs []float64
	for i, s := range scores {
		l := byScore[s]
		if l == nil {
			l = &level{}
			byScore[s] = l
			xs = append(xs, s)
		}
		l.n++
		if labels[i] {
			l.pos++
		}
	}
	sortFloats(xs)
	fit := map[float64]float64{}
	for i := range xs {
		best := math.Inf(-1)
		for s := 0; s <= i; s++ {
			low := math.Inf(1)
			for t := i; t < len(xs); t++ {
				var n, pos float64
				for k := s; k <= t; k++ {
					n += byScore[xs[k]].n
					pos += byScore[xs[k]].pos
				}
				low = min(low, pos/n)
			}
			best = max(best, low)
		}
		fit[xs[i]] = best
	}
	return fit
}

func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

func TestIsotonicTable(t *testing.T) {
	// Outcomes 1,0,1,1,0,1,0,0,0 at scores 1..9 pool into one block: any split
	// has a later block with a lower rate.
	m, err := FitIsotonic([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, []bool{true, false, true, true, false, true, false, false, false})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Blocks) != 1 || m.Blocks[0].P != 4.0/9 {
		t.Errorf("blocks %+v, want one of rate 4/9", m.Blocks)
	}
	// Already increasing: one block per distinct score, rates 0, ½, 1.
	m, _ = FitIsotonic([]float64{1, 2, 2, 3}, []bool{false, false, true, true})
	if len(m.Blocks) != 3 || m.Blocks[1].P != 0.5 || m.Probability(2.5) != 0.5 || m.Probability(0) != 0 || m.Probability(9) != 1 {
		t.Errorf("blocks %+v", m.Blocks)
	}
}

func TestIsotonicProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		s := make([]float64, n)
		y := make([]bool, n)
		for i := range n {
			s[i] = float64(rapid.IntRange(0, 10).Draw(t, "score"))
			y[i] = rapid.Bool().Draw(t, "label")
		}
		m, err := FitIsotonic(s, y)
		if err != nil {
			t.Fatal(err)
		}
		// Monotone: block rates increase strictly and blocks are ordered.
		for k := 1; k < len(m.Blocks); k++ {
			if !(m.Blocks[k].P > m.Blocks[k-1].P) || !(m.Blocks[k].Min > m.Blocks[k-1].Max) {
				t.Fatalf("blocks %d and %d out of order: %+v", k-1, k, m.Blocks)
			}
		}
		// The fit agrees with the max–min formula at every observed score.
		for x, want := range slowIsotonic(s, y) {
			if got := m.Probability(x); math.Abs(got-want) > 1e-12 {
				t.Fatalf("fit at %v = %v, max–min formula %v", x, got, want)
			}
		}
	})
}

func TestReliabilityBrier(t *testing.T) {
	// Brier (1950): the mean squared difference; (0.01 + 0.01 + 0.04 + 0.09)/4.
	r, err := Reliability([]float64{0.1, 0.9, 0.8, 0.3}, []bool{false, true, true, false}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Brier-0.0375) > 1e-15 {
		t.Errorf("Brier = %v, want 0.0375", r.Brier)
	}
	// Two bins, {0.1, 0.3} with no event and {0.8, 0.9} with two: reliability
	// (2·0.2² + 2·0.15²)/4, resolution and uncertainty ¼, within-bin variance
	// (0.01·2 + 0.0025·2)/4, covariance 0 (each bin's outcomes are constant).
	want := map[string][2]float64{
		"reliability": {r.Reliability, (2*0.04 + 2*0.0225) / 4},
		"resolution":  {r.Resolution, 0.25},
		"uncertainty": {r.Uncertainty, 0.25},
		"wbv":         {r.WithinBinVariance, (0.02 + 0.005) / 4},
		"wbc":         {r.WithinBinCovariance, 0},
		"ece":         {r.ECE, (2*0.2 + 2*0.15) / 4},
	}
	for name, gw := range want {
		if math.Abs(gw[0]-gw[1]) > 1e-15 {
			t.Errorf("%s = %v, want %v", name, gw[0], gw[1])
		}
	}
}

// Brier equals the sum of its decomposition (Murphy, 1973, with the two
// within-bin terms of Stephenson, Coelho & Jolliffe, 2008), for any binning; with
// one prediction value per bin the within-bin terms vanish and Murphy's three
// components alone add up.
func TestBrierDecompositionProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 80).Draw(t, "n")
		levels := rapid.IntRange(1, 30).Draw(t, "levels")
		p := make([]float64, n)
		y := make([]bool, n)
		for i := range n {
			p[i] = float64(rapid.IntRange(0, levels).Draw(t, "p")) / float64(levels)
			y[i] = rapid.Bool().Draw(t, "y")
		}
		bins := rapid.IntRange(1, 12).Draw(t, "bins")
		r, err := Reliability(p, y, bins)
		if err != nil {
			t.Fatal(err)
		}
		sum := r.Reliability - r.Resolution + r.Uncertainty + r.WithinBinVariance - r.WithinBinCovariance
		if math.Abs(sum-r.Brier) > 1e-12 {
			t.Fatalf("decomposition sums to %v, Brier %v (%+v)", sum, r.Brier, r)
		}
		r, _ = Reliability(p, y, n) // as many bins as rows: one value per bin
		if r.WithinBinVariance != 0 || r.WithinBinCovariance != 0 {
			t.Fatalf("one value per bin: within-bin terms %v, %v", r.WithinBinVariance, r.WithinBinCovariance)
		}
		total := 0
		for _, b := range r.Bins {
			total += b.N
			if !(b.Low <= b.Observed && b.Observed <= b.High) {
				t.Fatalf("bin %+v: Wilson interval excludes the rate", b)
			}
		}
		if total != n {
			t.Fatalf("bins hold %d rows, want %d", total, n)
		}
	})
}

func TestOutOfFoldNeverSeesItsRow(t *testing.T) {
	// A calibrator that memorises its training rows gives a held-out row the
	// probability of its score among the other folds only.
	s := make([]float64, 40)
	y := make([]bool, 40)
	for i := range s {
		s[i] = float64(i)
		y[i] = i%3 == 0
	}
	oof, err := OutOfFold(s, y, 4, 1, func(ts []float64, ty []bool) (Calibrator, error) {
		seen := map[float64]bool{}
		for _, x := range ts {
			seen[x] = true
		}
		return memo(seen), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range oof {
		if p != 0 {
			t.Errorf("row %d was in its own training folds", i)
		}
	}
}

type memo map[float64]bool

func (m memo) Probability(s float64) float64 {
	if m[s] {
		return 1
	}
	return 0
}
