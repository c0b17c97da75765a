package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// slowConcordance counts every pair by the rules Concordance documents, O(n²):
// the reference the fast path must match exactly.
func slowConcordance(times []float64, events []bool, pred []float64) (conc, tied, pairs int64) {
	for a := range times {
		for b := range times {
			// a is the shorter-lived member of the pair.
			shorter := times[a] < times[b] && events[a] ||
				times[a] == times[b] && events[a] && !events[b]
			if !shorter {
				continue
			}
			pairs++
			switch {
			case pred[a] < pred[b]:
				conc++
			case pred[a] == pred[b]:
				tied++
			}
		}
	}
	return conc, tied, pairs
}

func TestConcordanceTable(t *testing.T) {
	tests := []struct {
		name   string
		times  []float64
		events []bool
		pred   []float64
		want   float64
	}{
		// lifelines' test_both_concordance_index_function_deal_with_ties_the_same_way:
		// two events tied at time 1 are not comparable; the other pairs agree.
		{"tied times", []float64{1, 1, 2}, []bool{true, true, true}, []float64{1, 2, 3}, 1},
		// A prediction in the order of the times is perfect.
		{"perfect", []float64{1, 2, 3, 4}, []bool{true, true, true, true}, []float64{10, 20, 30, 40}, 1},
		// The reverse order is perfectly wrong.
		{"reversed", []float64{1, 2, 3, 4}, []bool{true, true, true, true}, []float64{40, 30, 20, 10}, 0},
		// A constant prediction ties every pair: one half.
		{"constant", []float64{1, 2, 3}, []bool{true, false, true}, []float64{5, 5, 5}, 0.5},
		// A censored subject is compared only with events before it (and at its
		// time): pairs (0,1), (0,2), (0,3), (2,3); (1,2) and (1,3) are not
		// comparable (1 was censored first). Subject 0 has the lowest prediction,
		// so its three pairs agree; (2,3) does not (3 > 2.5): 3/4.
		{"censoring", []float64{1, 2, 3, 4}, []bool{true, false, true, false}, []float64{1, 2, 3, 2.5}, 0.75},
		// An event and a censoring at the same time: the event is the shorter.
		{"event before censoring at a tie", []float64{5, 5}, []bool{true, false}, []float64{1, 2}, 1},
	}
	for _, tt := range tests {
		got, err := Concordance(tt.times, tt.events, tt.pred)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if math.Abs(got.C-tt.want) > 1e-15 {
			t.Errorf("%s: C = %v, want %v", tt.name, got.C, tt.want)
		}
	}
}

// lifelines' test_concordance_index_will_not_overflow: 65,537 subjects in order
// give 1, reversed give 0 (pair counts past 2^31).
func TestConcordanceLarge(t *testing.T) {
	n := 65537
	times := make([]float64, n)
	pred := make([]float64, n)
	rev := make([]float64, n)
	events := make([]bool, n)
	for i := range n {
		times[i], pred[i], rev[i], events[i] = float64(i), float64(i), float64(n-i), true
	}
	if r, err := Concordance(times, events, pred); err != nil || r.C != 1 {
		t.Errorf("in order: %+v, %v; want C = 1", r, err)
	}
	if r, err := Concordance(times, events, rev); err != nil || r.C != 0 {
		t.Errorf("reversed: %+v, %v; want C = 0", r, err)
	}
}

func TestConcordanceErrors(t *testing.T) {
	// lifelines' test_both_concordance_index_with_only_censoring_fails_gracefully:
	// with no event there is no comparable pair.
	if _, err := Concordance([]float64{1, 2, 3}, []bool{false, false, false}, []float64{1, 2, 3}); !errors.Is(err, ErrTooFewRows) {
		t.Errorf("only censoring: %v, want ErrTooFewRows", err)
	}
	if _, err := Concordance([]float64{1, 2}, []bool{true}, []float64{1, 2}); !errors.Is(err, ErrLength) {
		t.Errorf("length: %v, want ErrLength", err)
	}
	if _, err := Concordance([]float64{1, 2}, []bool{true, true}, []float64{1, math.NaN()}); err == nil {
		t.Error("NaN prediction accepted")
	}
}

func TestConcordanceAgreesWithDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 40).Draw(t, "n")
		times := make([]float64, n)
		events := make([]bool, n)
		pred := make([]float64, n)
		for i := range n {
			times[i] = float64(rapid.IntRange(0, 8).Draw(t, "time"))
			events[i] = rapid.Bool().Draw(t, "event")
			pred[i] = float64(rapid.IntRange(0, 5).Draw(t, "pred"))
		}
		conc, tied, pairs := slowConcordance(times, events, pred)
		got, err := Concordance(times, events, pred)
		if pairs == 0 {
			if !errors.Is(err, ErrTooFewRows) {
				t.Fatalf("no pair: err = %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if got.Concordant != conc || got.Tied != tied || got.Comparable != pairs {
			t.Fatalf("got %+v, want concordant %d tied %d comparable %d", got, conc, tied, pairs)
		}
	})
}

// A prediction unrelated to the outcome gives C near 0.5; here 20,000 subjects
// with 30% censoring, whose C has a standard deviation under 0.005.
func TestConcordanceRandomIsHalf(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 20000
	times, events, pred := make([]float64, n), make([]bool, n), make([]float64, n)
	for i := range n {
		times[i], events[i], pred[i] = rng.ExpFloat64(), rng.Float64() < 0.7, rng.Float64()
	}
	r, err := Concordance(times, events, pred)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.C-0.5) > 0.02 {
		t.Errorf("C of a random prediction = %v, want 0.5 ± 0.02", r.C)
	}
}
