package playbook

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
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

func TestAssess(t *testing.T) {
	var outs []Outcome
	add := func(play string, n int, before, after float64, churned bool) {
		for i := range n {
			outs = append(outs, Outcome{CustomerID: fmt.Sprintf("%s-%g-%d", play, after, i), PlayID: play, Tier: "low", HealthBefore: before, HealthAfter: after, Churned: churned})
		}
	}
	// Comparable customers in the 40s band: 10 of 20 improve.
	add("", 10, 45, 50, false)
	add("", 10, 45, 40, false)
	// "good": 18 of 20 improve by 10 points.
	add("good", 18, 45, 55, false)
	add("good", 2, 45, 45, false)
	// "bad": 2 of 20 improve, the others churn.
	add("bad", 2, 45, 47, false)
	add("bad", 18, 45, 30, true)
	// "new": too few fires.
	add("new", 3, 45, 60, false)
	// "meh": 11 of 20, like the comparables.
	add("meh", 11, 45, 46, false)
	add("meh", 9, 45, 40, false)
	effects, err := Assess(outs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Recommendation{"bad": Retire, "good": Keep, "meh": Revise, "new": Keep}
	if len(effects) != len(want) {
		t.Fatalf("effects = %+v", effects)
	}
	for _, e := range effects {
		if e.Recommendation != want[e.PlayID] {
			t.Errorf("%s: %s (%s), want %s", e.PlayID, e.Recommendation, e.Evidence, want[e.PlayID])
		}
	}
	good := effects[1]
	if good.PlayID != "good" || good.Fires != 20 || good.Successes != 18 || good.ControlRate != 0.5 || good.HealthChange != 9 || good.ControlChange != 0 || good.Uplift != 9 {
		t.Errorf("good = %+v", good)
	}
	if _, err := Assess([]Outcome{{PlayID: "x", HealthBefore: math.NaN()}}); err == nil || !strings.Contains(err.Error(), "outcomes[0].health_before") {
		t.Errorf("NaN: %v", err)
	}
}

// Wilson bounds contain the rate and stay in 0..1; the assessment does not depend
// on the order of the outcomes.
func TestAssessProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 500).Draw(t, "n")
		k := rapid.IntRange(0, n).Draw(t, "k")
		lo, hi := Wilson(k, n, z95)
		if lo < 0 || hi > 1 || lo > hi || n > 0 && (float64(k)/float64(n) < lo-1e-12 || float64(k)/float64(n) > hi+1e-12) {
			t.Fatalf("Wilson(%d, %d) = %v, %v", k, n, lo, hi)
		}
		outs := rapid.SliceOf(rapid.Custom(func(t *rapid.T) Outcome {
			return Outcome{CustomerID: rapid.StringMatching(`C[0-9]`).Draw(t, "id"), PlayID: rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, "play"),
				Tier: rapid.SampledFrom(tierNames).Draw(t, "tier"), HealthBefore: rapid.Float64Range(0, 100).Draw(t, "before"),
				HealthAfter: rapid.Float64Range(0, 100).Draw(t, "after"), Churned: rapid.Bool().Draw(t, "churned")}
		})).Draw(t, "outcomes")
		a, err := Assess(outs)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Assess(rapid.Permutation(outs).Draw(t, "perm"))
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("Assess depends on order:\n%+v\n%+v", a, b)
		}
	})
}
