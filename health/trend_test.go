package health

import (
	"errors"
	"math"
	"testing"

	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

func snaps(start string, every int, scores ...float64) []Snapshot {
	d := cs.MustParseDate(start)
	var h []Snapshot
	for i, s := range scores {
		h = append(h, Snapshot{AsOf: d.AddDays(i * every), Score: s, Unknown: math.IsNaN(s)})
		if math.IsNaN(s) {
			h[i].Score = 0
		}
	}
	return h
}

func TestComputeTrend(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		h         []Snapshot
		opt       TrendOptions
		dir       Direction
		slope     float64
		hasSlope  bool
		declining int
	}{
		// A straight line losing 1 point a day: slope −30 per 30 days, three
		// declines in a row.
		{"line", snaps("2026-01-01", 1, 80, 79, 78, 77), TrendOptions{}, Down, -30, true, 3},
		// Monthly snapshots rising 6 points per 30 days.
		{"rising", snaps("2026-01-01", 30, 50, 56, 62), TrendOptions{}, Up, 6, true, 0},
		// A change within the tolerance is flat and breaks a decline run.
		{"flat", snaps("2026-01-01", 30, 70, 60, 59.5), TrendOptions{Tolerance: 1}, Flat, -5.25, true, 0},
		// Unknown snapshots are skipped: 70 → (unknown) → 60 is one decline.
		{"skip unknown", snaps("2026-01-01", 30, 70, nan, 60), TrendOptions{}, Down, -5, true, 1},
		// Window 2 fits the last two points only.
		{"window", snaps("2026-01-01", 30, 10, 90, 60), TrendOptions{Window: 2}, Down, -30, true, 1},
		// One snapshot: no direction, no slope.
		{"single", snaps("2026-01-01", 30, 70), TrendOptions{}, Flat, 0, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ComputeTrend(tc.h, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got.Direction != tc.dir || math.Abs(got.Slope-tc.slope) > 1e-9 || got.HasSlope != tc.hasSlope || got.Declining != tc.declining {
				t.Errorf("ComputeTrend = %+v, want %v slope %v (%v) declining %d", got, tc.dir, tc.slope, tc.hasSlope, tc.declining)
			}
		})
	}
	bad := snaps("2026-01-01", 30, 70, 60)
	bad[1].AsOf = bad[0].AsOf
	if _, err := ComputeTrend(bad, TrendOptions{}); !errors.Is(err, cs.ErrDateOrder) {
		t.Errorf("repeated date: %v, want ErrDateOrder", err)
	}
	if _, err := ComputeTrend(snaps("2026-01-01", 30, 70, 160), TrendOptions{}); !errors.Is(err, cs.ErrRange) {
		t.Errorf("score 160: %v, want ErrRange", err)
	}
}

// Shifting every score by a constant leaves the slope unchanged (within
// rounding) and adding c points per 30 days adds c to it.
func TestPropTrendSlope(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 8).Draw(t, "n")
		every := rapid.IntRange(1, 60).Draw(t, "every")
		c := rapid.Float64Range(-1, 1).Draw(t, "c")
		var base, tilted []float64
		for i := range n {
			y := rapid.Float64Range(20, 80).Draw(t, "y")
			base = append(base, y)
			tilted = append(tilted, y+c*float64(i*every)/30)
		}
		t1, err1 := ComputeTrend(snaps("2026-01-01", every, base...), TrendOptions{Window: n})
		t2, err2 := ComputeTrend(snaps("2026-01-01", every, tilted...), TrendOptions{Window: n})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if math.Abs(t2.Slope-t1.Slope-c) > 1e-6 {
			t.Fatalf("slope %v, tilted by %v gives %v", t1.Slope, c, t2.Slope)
		}
	})
}
