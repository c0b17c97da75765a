package stats

import (
	"errors"
	"math"
	"testing"

	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

func TestAUCTable(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		labels []bool
		want   float64
	}{
		// Every churner above every non-churner: a perfect ranking.
		{"perfect", []float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1},
		// Every churner below: the reversed ranking.
		{"reversed", []float64{4, 3, 2, 1}, []bool{false, false, true, true}, 0},
		// A constant score ties every pair: one half.
		{"constant", []float64{7, 7, 7, 7, 7}, []bool{true, false, false, true, false}, 0.5},
		// One of four pairs inverted: (2 vs 3) loses, the others win: 3/4.
		{"one inversion", []float64{1, 3, 2, 4}, []bool{false, false, true, true}, 0.75},
		// A tie between a churner and a non-churner counts half: (1 + 0.5 + 1 + 1)/4.
		{"tie", []float64{1, 2, 2, 3}, []bool{false, false, true, true}, 0.875},
	}
	for _, tt := range tests {
		got, err := AUC(tt.scores, tt.labels)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: AUC = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRankErrors(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		labels []bool
		want   error
	}{
		// Slices of different lengths cannot describe the same rows.
		{"length", []float64{1, 2}, []bool{true}, ErrLength},
		// A NaN score has no place in the order.
		{"nan", []float64{1, math.NaN()}, []bool{true, false}, cs.ErrNotFinite},
		// An infinite score is refused too.
		{"inf", []float64{math.Inf(1), 1}, []bool{true, false}, cs.ErrNotFinite},
		// No churners: no pair to rank.
		{"one class", []float64{1, 2}, []bool{false, false}, ErrOneClass},
		// Empty input is one class as well (no positives).
		{"empty", nil, nil, ErrOneClass},
	}
	for _, tt := range tests {
		_, err := Rank(tt.scores, tt.labels)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: Rank err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// genScored draws rows with few distinct scores so ties are common.
func genScored(t *rapid.T) ([]float64, []bool) {
	n := rapid.IntRange(2, 60).Draw(t, "n")
	scores := make([]float64, n)
	labels := make([]bool, n)
	for i := range n {
		scores[i] = float64(rapid.IntRange(-5, 5).Draw(t, "s")) / 2
		labels[i] = rapid.Bool().Draw(t, "y")
	}
	labels[0], labels[1] = true, false
	return scores, labels
}

func TestAUCMatchesPairCounting(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, y := genScored(t)
		got, err := AUC(s, y)
		if err != nil {
			t.Fatal(err)
		}
		if want := slowAUC(s, y); math.Abs(got-want) > 1e-12 {
			t.Fatalf("AUC = %v, want %v (pair counting)", got, want)
		}
	})
}

func TestAUCInvariantToIncreasingTransform(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, y := genScored(t)
		a := rapid.Float64Range(0.1, 10).Draw(t, "a")
		b := rapid.Float64Range(-100, 100).Draw(t, "b")
		tr := make([]float64, len(s))
		for i, v := range s {
			// exp then affine: strictly increasing, and injective on these values.
			tr[i] = a*math.Exp(v) + b
		}
		got, _ := AUC(tr, y)
		want, _ := AUC(s, y)
		if got != want {
			t.Fatalf("AUC(transformed) = %v, want %v", got, want)
		}
	})
}

func TestAUCComplement(t *testing.T) {
	// Negating the score swaps every win and loss: AUC(−s) = 1 − AUC(s).
	rapid.Check(t, func(t *rapid.T) {
		s, y := genScored(t)
		neg := make([]float64, len(s))
		for i, v := range s {
			neg[i] = -v
		}
		a, _ := AUC(s, y)
		b, _ := AUC(neg, y)
		if math.Abs(a+b-1) > 1e-12 {
			t.Fatalf("AUC(s)+AUC(-s) = %v, want 1", a+b)
		}
	})
}

func TestROCAreaEqualsAUC(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, y := genScored(t)
		r, err := Rank(s, y)
		if err != nil {
			t.Fatal(err)
		}
		pts := r.ROC()
		if p := pts[len(pts)-1]; p.FPR != 1 || p.TPR != 1 {
			t.Fatalf("last ROC point = %+v, want (1,1)", p)
		}
		area := 0.0
		for i := 1; i < len(pts); i++ {
			if pts[i].Threshold >= pts[i-1].Threshold || pts[i].FPR < pts[i-1].FPR || pts[i].TPR < pts[i-1].TPR {
				t.Fatalf("ROC not monotone at %d: %+v after %+v", i, pts[i], pts[i-1])
			}
			area += (pts[i].FPR - pts[i-1].FPR) * (pts[i].TPR + pts[i-1].TPR) / 2
		}
		if math.Abs(area-r.AUC()) > 1e-12 {
			t.Fatalf("ROC area = %v, AUC = %v", area, r.AUC())
		}
	})
}

func TestAUCOrderIndependent(t *testing.T) {
	// Permuting rows changes nothing, bit for bit, including the DeLong interval.
	rapid.Check(t, func(t *rapid.T) {
		s, y := genScored(t)
		perm := rapid.Permutation(seq(len(s))).Draw(t, "perm")
		ps := make([]float64, len(s))
		py := make([]bool, len(s))
		for i, p := range perm {
			ps[i], py[i] = s[p], y[p]
		}
		a, _ := Rank(s, y)
		b, _ := Rank(ps, py)
		if a.AUC() != b.AUC() {
			t.Fatalf("AUC %v after permutation, want %v", b.AUC(), a.AUC())
		}
		da, db := a.DeLong(), b.DeLong()
		if math.Abs(da.SE-db.SE) > 1e-12 {
			t.Fatalf("DeLong SE %v after permutation, want %v", db.SE, da.SE)
		}
	})
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestThin(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 200).Draw(t, "n")
		pts := make([]Point, n)
		for i := range pts {
			pts[i] = Point{Threshold: float64(-i), FPR: float64(i), TPR: float64(i)}
		}
		m := rapid.IntRange(0, 50).Draw(t, "max")
		got := Thin(pts, m)
		if m >= 2 && len(got) > m {
			t.Fatalf("Thin(%d points, %d) returned %d", n, m, len(got))
		}
		if n > 0 && (got[0] != pts[0] || got[len(got)-1] != pts[n-1]) {
			t.Fatalf("Thin dropped an end point")
		}
		for i := 1; i < len(got); i++ {
			if got[i].FPR <= got[i-1].FPR {
				t.Fatalf("Thin out of order at %d", i)
			}
		}
	})
}

// AUC, which merges the two classes' sorted scores, gives the Ranking's AUC bit
// for bit: both count the same integer pairs.
func TestAUCMatchesRanking(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 60).Draw(t, "n")
		s := make([]float64, n)
		y := make([]bool, n)
		for i := range n {
			s[i] = float64(rapid.IntRange(-5, 5).Draw(t, "s"))
			y[i] = i == 0 || i != 1 && rapid.Bool().Draw(t, "y")
		}
		r, err := Rank(s, y)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AUC(s, y)
		if err != nil || got != r.AUC() || got != slowAUC(s, y) {
			t.Fatalf("AUC = %v (%v), Ranking %v, definition %v", got, err, r.AUC(), slowAUC(s, y))
		}
	})
}
