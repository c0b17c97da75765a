package playbook

import (
	"math"
	"testing"
)

// Worked values: Newcombe, R. G. (1998), "Two-sided confidence intervals for the
// single proportion: comparison of seven methods", Statistics in Medicine
// 17:857–872, Table I, method 3 (Wilson score interval without continuity
// correction), 95% intervals to four decimals.
func TestWilsonNewcombe1998(t *testing.T) {
	tests := []struct {
		k, n      int
		low, high float64
	}{
		{81, 263, 0.2553, 0.3662}, // example (a)
		{15, 148, 0.0624, 0.1605}, // example (b)
		{0, 20, 0, 0.1611},        // example (c): zero successes, the bound is z²/(n+z²)
		{1, 29, 0.0061, 0.1718},   // example (d)
	}
	for _, tt := range tests {
		low, high := Wilson(tt.k, tt.n, z95)
		if math.Abs(low-tt.low) > 0.00005 || math.Abs(high-tt.high) > 0.00005 {
			t.Errorf("Wilson(%d, %d) = %.4f, %.4f, want %.4f, %.4f", tt.k, tt.n, low, high, tt.low, tt.high)
		}
	}
}
