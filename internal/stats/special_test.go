package stats

import (
	"math"
	"testing"
)

// Critical values from the tables of Abramowitz & Stegun (1964), "Handbook of
// Mathematical Functions", Table 26.8 (chi-square) and Table 26.10 (Student's t).
func TestChiSquareSurvivalTable(t *testing.T) {
	tests := []struct {
		x    float64
		df   int
		want float64
	}{
		{3.841459, 1, 0.05},
		{6.634897, 1, 0.01},
		{5.991465, 2, 0.05},
		{7.814728, 3, 0.05},
		{18.307038, 10, 0.05},
		{0, 3, 1},
	}
	for _, tt := range tests {
		if got := ChiSquareSurvival(tt.x, tt.df); math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("ChiSquareSurvival(%v, %d) = %v, want %v", tt.x, tt.df, got, tt.want)
		}
	}
}

func TestStudentQuantileTable(t *testing.T) {
	tests := []struct {
		p    float64
		df   int
		want float64
	}{
		{0.975, 1, 12.706},
		{0.975, 2, 4.303},
		{0.975, 4, 2.776},
		{0.975, 9, 2.262},
		{0.975, 30, 2.042},
		{0.95, 4, 2.132},
		{0.025, 4, -2.776},
		// Large df: the normal quantile, 1.959964.
		{0.975, 1_000_000, 1.960},
	}
	for _, tt := range tests {
		if got := StudentQuantile(tt.p, tt.df); math.Abs(got-tt.want) > 5e-4 {
			t.Errorf("StudentQuantile(%v, %d) = %v, want %v", tt.p, tt.df, got, tt.want)
		}
	}
}
