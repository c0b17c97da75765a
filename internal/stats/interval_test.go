package stats

import (
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// genTwoScores draws two scores of the same rows with at least two rows per class.
func genTwoScores(t *rapid.T) ([]float64, []float64, []bool) {
	n := rapid.IntRange(4, 40).Draw(t, "n")
	a := make([]float64, n)
	b := make([]float64, n)
	y := make([]bool, n)
	for i := range n {
		a[i] = float64(rapid.IntRange(0, 6).Draw(t, "a"))
		b[i] = float64(rapid.IntRange(0, 6).Draw(t, "b"))
		y[i] = rapid.Bool().Draw(t, "y")
	}
	y[0], y[1], y[2], y[3] = true, true, false, false
	return a, b, y
}

func TestDeLongMatchesDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b, y := genTwoScores(t)
		ra, _ := Rank(a, y)
		rb, _ := Rank(b, y)
		iv := ra.DeLong()
		if want := math.Sqrt(slowDeLongVar(a, nil, y)); math.Abs(iv.SE-want) > 1e-12 {
			t.Fatalf("DeLong SE = %v, want %v", iv.SE, want)
		}
		if iv.Low > iv.Estimate || iv.High < iv.Estimate || iv.Low < 0 || iv.High > 1 {
			t.Fatalf("DeLong interval %+v does not hold its estimate inside [0,1]", iv)
		}
		d, err := CompareDeLong(ra, rb)
		if err != nil {
			t.Fatal(err)
		}
		if want := math.Sqrt(max(slowDeLongVar(a, b, y), 0)); math.Abs(d.SE-want) > 1e-9 {
			t.Fatalf("CompareDeLong SE = %v, want %v", d.SE, want)
		}
		if d.Estimate != ra.AUC()-rb.AUC() {
			t.Fatalf("CompareDeLong estimate = %v, want %v", d.Estimate, ra.AUC()-rb.AUC())
		}
	})
}

func TestCompareWithItself(t *testing.T) {
	// A score compared with itself differs by exactly zero, with no spread, by both
	// methods: the pairing removes all resampling noise.
	s := []float64{1, 5, 2, 8, 3, 9, 4, 4, 7, 0}
	y := []bool{false, true, false, true, false, true, true, false, false, false}
	r, _ := Rank(s, y)
	d, err := CompareDeLong(r, r)
	if err != nil || d.Estimate != 0 || d.Low != 0 || d.High != 0 {
		t.Errorf("CompareDeLong(r, r) = %+v, %v; want all zero", d, err)
	}
	b, err := CompareBootstrap(r, r, 50, 1)
	if err != nil || b.Estimate != 0 || b.Low != 0 || b.High != 0 {
		t.Errorf("CompareBootstrap(r, r) = %+v, %v; want all zero", b, err)
	}
}

func TestBootstrapDeterministicAndPlausible(t *testing.T) {
	// 400 rows from a noisy score: the bootstrap interval must be reproducible for a
	// seed, hold the estimate, and be about as wide as DeLong's (both estimate the
	// same sampling spread; within 30%).
	n := 400
	s := make([]float64, n)
	y := make([]bool, n)
	for i := range n {
		y[i] = i%3 == 0
		s[i] = float64((i*7919)%101) / 100
		if y[i] {
			s[i] += 0.3
		}
	}
	r, _ := Rank(s, y)
	a, err := r.Bootstrap(400, 42)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.Bootstrap(400, 42)
	if a != b {
		t.Fatalf("Bootstrap not deterministic: %+v then %+v", a, b)
	}
	if a.Low > a.Estimate || a.High < a.Estimate {
		t.Fatalf("Bootstrap interval %+v does not hold the estimate", a)
	}
	dl := r.DeLong()
	if w, wd := a.High-a.Low, dl.High-dl.Low; math.Abs(w-wd) > 0.3*wd {
		t.Fatalf("bootstrap width %v, DeLong width %v: differ by more than 30%%", w, wd)
	}
	if _, err := r.Bootstrap(5, 1); !errors.Is(err, ErrOption) {
		t.Errorf("Bootstrap(5) err = %v, want ErrOption", err)
	}
}

func TestCompareMismatchedRows(t *testing.T) {
	a, _ := Rank([]float64{1, 2, 3}, []bool{true, false, false})
	b, _ := Rank([]float64{1, 2, 3}, []bool{false, true, false})
	c, _ := Rank([]float64{1, 2}, []bool{true, false})
	for _, x := range []Ranking{b, c} {
		if _, err := CompareDeLong(a, x); !errors.Is(err, ErrLength) {
			t.Errorf("CompareDeLong err = %v, want ErrLength", err)
		}
		if _, err := CompareBootstrap(a, x, 10, 1); !errors.Is(err, ErrLength) {
			t.Errorf("CompareBootstrap err = %v, want ErrLength", err)
		}
	}
}

// Worked Wilson intervals from Newcombe (1998), "Two-sided confidence intervals for
// the single proportion: comparison of seven methods", Statistics in Medicine
// 17:857–872, Table II, method 3 (score interval without continuity correction).
func TestWilsonNewcombe(t *testing.T) {
	tests := []struct {
		x, n     int
		low, hig float64
	}{
		{81, 263, 0.2553, 0.3662}, // a mid-range proportion
		{15, 148, 0.0624, 0.1605}, // a small one
		{0, 20, 0, 0.1611},        // no successes: the interval still has width
		{1, 29, 0.0061, 0.1718},   // one success
	}
	for _, tt := range tests {
		iv, err := Wilson(tt.x, tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(iv.Low-tt.low) > 5e-5 || math.Abs(iv.High-tt.hig) > 5e-5 {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", tt.x, tt.n, iv.Low, iv.High, tt.low, tt.hig)
		}
	}
	for _, bad := range [][2]int{{1, 0}, {-1, 5}, {6, 5}} {
		if _, err := Wilson(bad[0], bad[1]); err == nil {
			t.Errorf("Wilson(%d, %d) succeeded, want an error", bad[0], bad[1])
		}
	}
}

func TestWilsonBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 10000).Draw(t, "n")
		x := rapid.IntRange(0, n).Draw(t, "x")
		iv, err := Wilson(x, n)
		if err != nil {
			t.Fatal(err)
		}
		if !(0 <= iv.Low && iv.Low <= iv.Estimate && iv.Estimate <= iv.High && iv.High <= 1) {
			t.Fatalf("Wilson(%d, %d) = %+v, want 0 ≤ low ≤ p ≤ high ≤ 1", x, n, iv)
		}
	})
}

func TestConfusion(t *testing.T) {
	// The CS platforms' definitions: precision = churn rate among red, recall = share of churners red,
	// lift = red churn rate ÷ base rate. 10 accounts, 4 red of which 3 churned, 5
	// churners overall: precision 3/4, recall 3/5, base 5/10, lift 1.5.
	flags := []bool{true, true, true, true, false, false, false, false, false, false}
	churn := []bool{true, true, true, false, true, true, false, false, false, false}
	c, err := Confuse(flags, churn)
	if err != nil {
		t.Fatal(err)
	}
	if c != (Confusion{TP: 3, FP: 1, FN: 2, TN: 4}) {
		t.Errorf("Confuse = %+v", c)
	}
	if c.Precision() != 0.75 || c.Recall() != 0.6 || c.BaseRate() != 0.5 || c.Lift() != 1.5 {
		t.Errorf("precision %v recall %v base %v lift %v, want 0.75 0.6 0.5 1.5", c.Precision(), c.Recall(), c.BaseRate(), c.Lift())
	}
	if _, err := Confuse(flags[:3], churn); !errors.Is(err, ErrLength) {
		t.Errorf("Confuse of unequal lengths err = %v, want ErrLength", err)
	}
	var z Confusion
	if z.Precision() != 0 || z.Recall() != 0 || z.Lift() != 0 {
		t.Errorf("empty Confusion rates not zero")
	}
}
