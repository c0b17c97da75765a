package health

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

// usageConfig is a one-measure scorecard: usage 0 → 0 points, usage 1 → 100.
func usageConfig() Config {
	return Config{Profiles: []Profile{{Name: "all", Groups: []Group{{
		Name: "Adoption", Weight: 1,
		Measures: []Measure{{Name: "usage", Signal: "usage", Weight: 1, Ramp: &Ramp{Bad: 0, Good: 1}}},
	}}}}}
}

var btDate = cs.NewDate(2026, 6, 30)

func obsOf(id string, date cs.Date, usage float64) Observation {
	return Observation{AsOf: date, Customer: cs.Customer{ID: id, Signals: cs.Signals{"usage": usage}}}
}

// slowAUC is the O(n²) reference: the share of (churner, retained) pairs in which
// the churner has the lower health score, ties counting half (Hanley & McNeil, 1982).
func slowAUC(scores []float64, churned []bool) float64 {
	var wins float64
	var pairs int
	for i := range scores {
		if !churned[i] {
			continue
		}
		for j := range scores {
			if churned[j] {
				continue
			}
			pairs++
			switch {
			case scores[i] < scores[j]:
				wins++
			case scores[i] == scores[j]:
				wins += 0.5
			}
		}
	}
	return wins / float64(pairs)
}

func scoredBook(scores []float64, churned []bool) ([]ScoredSnapshot, []Outcome) {
	rows := make([]ScoredSnapshot, len(scores))
	outs := make([]Outcome, len(scores))
	for i := range scores {
		id := fmt.Sprintf("c%05d", i)
		g := "green"
		if scores[i] <= 50 {
			g = "red"
		}
		rows[i] = ScoredSnapshot{ID: id, Date: btDate, Score: scores[i], Grade: g}
		outs[i] = Outcome{ID: id, Churned: churned[i]}
	}
	return rows, outs
}

// The direction: a scorecard giving churners low health scores has a high AUC.
func TestBacktestDirection(t *testing.T) {
	s := mustCompile(t, usageConfig())
	var obs []Observation
	var outs []Outcome
	for i := range 40 {
		id := fmt.Sprintf("c%02d", i)
		churned := i < 10
		u := 0.2 + 0.02*float64(i) // churners have the lowest usage
		obs = append(obs, obsOf(id, btDate, u))
		outs = append(outs, Outcome{ID: id, Churned: churned})
	}
	rep, err := Backtest(s, obs, outs, BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.AUC.Estimate != 1 {
		t.Errorf("AUC %v, want 1 when churners score lowest", rep.AUC.Estimate)
	}
	if rep.N != 40 || rep.Churners != 10 || rep.BaseRate != 0.25 {
		t.Errorf("N %d churners %d base rate %v, want 40, 10, 0.25", rep.N, rep.Churners, rep.BaseRate)
	}
	if len(rep.Flag) != 1 || rep.Flag[0] != "red" {
		t.Errorf("default flag %v, want [red]", rep.Flag)
	}
	if rep.Grades[0].Grade != "red" {
		t.Errorf("first grade row %q, want red (worst first)", rep.Grades[0].Grade)
	}
	// Reverse the outcomes: the churners now have the highest scores.
	for i := range outs {
		outs[i].Churned = !outs[i].Churned
	}
	rep, err = Backtest(s, obs, outs, BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.AUC.Estimate != 0 {
		t.Errorf("reversed AUC %v, want 0", rep.AUC.Estimate)
	}
}

func TestBacktestScoresAUCKnownCases(t *testing.T) {
	tests := []struct {
		name    string
		scores  []float64
		churned []bool
		want    float64
	}{
		// Every churner below every retained customer (Hanley & McNeil, 1982: AUC 1).
		{"perfect", []float64{10, 20, 80, 90}, []bool{true, true, false, false}, 1},
		// The healthiest accounts are the churners: the score points the wrong way.
		{"reversed", []float64{10, 20, 80, 90}, []bool{false, false, true, true}, 0},
		// A constant score ranks nobody: every pair is a tie counted half.
		{"constant", []float64{50, 50, 50, 50}, []bool{true, false, true, false}, 0.5},
		// One tied churner/retained pair of four counts half: (3 + 0.5) / 4.
		{"one tie", []float64{10, 50, 50, 90}, []bool{true, true, false, false}, 0.875},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, outs := scoredBook(tt.scores, tt.churned)
			rep, err := BacktestScores(rows, outs, BacktestOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.AUC.Estimate != tt.want {
				t.Errorf("AUC %v, want %v", rep.AUC.Estimate, tt.want)
			}
			if !(rep.AUC.Low <= rep.AUC.Estimate && rep.AUC.Estimate <= rep.AUC.High) {
				t.Errorf("interval [%v, %v] does not hold %v", rep.AUC.Low, rep.AUC.High, rep.AUC.Estimate)
			}
		})
	}
}

// The AUC agrees with the O(n²) pair count and is invariant to any strictly
// increasing transform of the score.
func TestBacktestAUCProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 60).Draw(t, "n")
		scores := make([]float64, n)
		churned := make([]bool, n)
		for i := range n {
			scores[i] = float64(rapid.IntRange(0, 20).Draw(t, "score")) * 5 // ties are likely
			churned[i] = rapid.Bool().Draw(t, "churned")
		}
		churned[0], churned[1] = true, false
		rows, outs := scoredBook(scores, churned)
		rep, err := BacktestScores(rows, outs, BacktestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := slowAUC(scores, churned)
		if math.Abs(rep.AUC.Estimate-want) > 1e-12 {
			t.Fatalf("AUC %v, pair count %v", rep.AUC.Estimate, want)
		}
		for i := range rows {
			rows[i].Score = math.Exp(rows[i].Score/10) - 3 // strictly increasing
		}
		rep2, err := BacktestScores(rows, outs, BacktestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep2.AUC.Estimate != rep.AUC.Estimate {
			t.Fatalf("AUC %v after a strictly increasing transform, %v before", rep2.AUC.Estimate, rep.AUC.Estimate)
		}
	})
}

// Every bad record is reported once, with the package prefix, and the others are
// still evaluated.
func TestBacktestRecordErrors(t *testing.T) {
	s := mustCompile(t, usageConfig())
	early := cs.NewDate(2026, 3, 31)
	obs := []Observation{
		obsOf("a", btDate, 0.9),
		obsOf("b", btDate, 0.1),
		obsOf("c", btDate, 0.5),               // no outcome
		obsOf("d", btDate, 0.4),               // duplicate snapshot of d on one date
		obsOf("d", btDate, 0.4),               //
		obsOf("e", btDate, math.NaN()),        // cannot be scored; e's earlier one is used
		obsOf("e", early, 0.2),                //
		obsOf("f", cs.NewDate(2026, 8, 1), 1), // after f's outcome; f's earlier one is used
		obsOf("f", early, 0.8),
	}
	outs := []Outcome{
		{ID: "a"}, {ID: "b", Churned: true}, {ID: "d"}, {ID: "e", Churned: true},
		{ID: "f", Date: cs.NewDate(2026, 7, 15)},
		{ID: "zz", Churned: true}, // unknown ID
		{ID: "a"},                 // duplicate outcome
	}
	rep, err := Backtest(s, obs, outs, BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantErrs := []struct {
		sentinel error
		text     string
	}{
		{cs.ErrMissing, "c"},
		{cs.ErrDuplicate, "d"},
		{cs.ErrNotFinite, "observations[5].signals.usage"},
		{cs.ErrDateOrder, "f"},
		{ErrUnknownID, "zz"},
		{cs.ErrDuplicate, "outcomes[6]"},
	}
	for _, w := range wantErrs {
		found := false
		for _, e := range rep.Errors {
			if errors.Is(e, w.sentinel) && strings.Contains(e.Error(), w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error wrapping %v mentioning %q in %v", w.sentinel, w.text, rep.Errors)
		}
	}
	if len(rep.Errors) != len(wantErrs) {
		t.Errorf("%d errors, want %d: %v", len(rep.Errors), len(wantErrs), rep.Errors)
	}
	for _, e := range rep.Errors {
		if !strings.HasPrefix(e.Error(), "health: ") {
			t.Errorf("error %q lacks the health: prefix", e)
		}
	}
	// a, b, d, e, f evaluated once each.
	if rep.N != 5 || rep.Churners != 2 {
		t.Errorf("N %d churners %d, want 5 and 2", rep.N, rep.Churners)
	}
}

func TestBacktestOneClass(t *testing.T) {
	rows, outs := scoredBook([]float64{10, 20}, []bool{false, false})
	_, err := BacktestScores(rows, outs, BacktestOptions{})
	if !errors.Is(err, ErrOneClass) || !strings.HasPrefix(err.Error(), "health: ") {
		t.Errorf("err %v, want a health: error wrapping ErrOneClass", err)
	}
}

func TestCompareSelfAndBetter(t *testing.T) {
	good := mustCompile(t, usageConfig())
	bad := usageConfig()
	bad.Profiles[0].Groups[0].Measures[0].Ramp = &Ramp{Bad: 1, Good: 0} // reversed
	worse := mustCompile(t, bad)
	var obs []Observation
	var outs []Outcome
	for i := range 60 {
		id := fmt.Sprintf("c%02d", i)
		u := float64(i%30) / 30
		churned := (i*7)%10 < 3 && u < 0.6 || i%17 == 0
		obs = append(obs, obsOf(id, btDate, u))
		outs = append(outs, Outcome{ID: id, Churned: churned})
	}
	c, err := Compare(good, good, obs, outs, BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Diff.Estimate != 0 {
		t.Errorf("self comparison %v, want 0", c.Diff.Estimate)
	}
	for _, reps := range []int{0, 200} {
		c, err = Compare(good, worse, obs, outs, BacktestOptions{BootstrapReps: reps, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		want := c.A.AUC.Estimate - c.B.AUC.Estimate
		if math.Abs(c.Diff.Estimate-want) > 1e-12 || c.Diff.Low <= 0 {
			t.Errorf("reps %d: diff %+v, want %v with an interval above 0", reps, c.Diff, want)
		}
	}
	if _, err := Compare(nil, good, obs, outs, BacktestOptions{}); err == nil || !strings.Contains(err.Error(), "scorecard A") {
		t.Errorf("nil scorecard A: %v", err)
	}
	if _, err := Compare(good, nil, obs, outs, BacktestOptions{}); err == nil || !strings.Contains(err.Error(), "scorecard B") {
		t.Errorf("nil scorecard B: %v", err)
	}
	// A customer Unknown under B only: the pairs differ, so no paired interval.
	partial := usageConfig()
	partial.Profiles[0].Groups[0].Measures[0].Ramp.Bounded = true
	partial.Profiles[0].Groups[0].Measures[0].Ramp.Good = 0.5
	if _, err := Compare(good, mustCompile(t, partial), obs, outs, BacktestOptions{}); err == nil || !strings.HasPrefix(err.Error(), "health: compare: ") {
		t.Errorf("customers Unknown under B only: %v", err)
	}
}

// The report depends on the records, not on their order: shuffling the
// observations and the outcomes changes nothing but the indices in the errors.
func TestBacktestOrderInvariant(t *testing.T) {
	s := mustCompile(t, usageConfig())
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 25).Draw(t, "customers")
		var obs []Observation
		var outs []Outcome
		for i := range n {
			id := fmt.Sprintf("c%02d", i)
			for m := range rapid.IntRange(0, 4).Draw(t, "months") {
				u := float64(rapid.IntRange(0, 10).Draw(t, "usage")) / 10
				obs = append(obs, obsOf(id, cs.NewDate(2026, time.Month(1+m), 28), u))
			}
			if rapid.IntRange(0, 9).Draw(t, "has outcome") > 0 {
				outs = append(outs, Outcome{ID: id, Churned: i%2 == 0, Date: cs.NewDate(2026, 5, 1)})
			}
		}
		a, errA := Backtest(s, obs, outs, BacktestOptions{})
		po := rapid.Permutation(obs).Draw(t, "obs order")
		pc := rapid.Permutation(outs).Draw(t, "outcome order")
		b, errB := Backtest(s, po, pc, BacktestOptions{})
		if (errA == nil) != (errB == nil) {
			t.Fatalf("errors differ: %v / %v", errA, errB)
		}
		if len(a.Errors) != len(b.Errors) {
			t.Fatalf("%d record errors, %d after shuffling", len(a.Errors), len(b.Errors))
		}
		a.Errors, b.Errors = nil, nil
		if diff := cmp.Diff(a, b, cmpopts.IgnoreUnexported(BacktestReport{}), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("report depends on input order (-a +b):\n%s", diff)
		}
	})
}

// With a lead, each customer is scored as it stood at least that many days before
// its outcome (the vendors' practice of scoring 60–90 days before the renewal); the later
// observations are counted as excluded, and bad records still name their index.
func TestBacktestLead(t *testing.T) {
	s := mustCompile(t, usageConfig())
	mar, jun, sep := cs.NewDate(2026, 3, 31), cs.NewDate(2026, 6, 30), cs.NewDate(2026, 9, 30)
	// In March the churners looked healthy; by June they did not.
	obs := []Observation{
		obsOf("a", mar, 0.2), obsOf("a", jun, 0.9),
		obsOf("b", mar, 0.9), obsOf("b", jun, 0.1),
		obsOf("c", mar, 0.3), obsOf("c", jun, 0.8),
		obsOf("d", mar, 0.8), obsOf("d", jun, 0.2),
		obsOf("d", cs.NewDate(2026, 10, 31), 0.2), // after d's outcome: an error, lead or not
	}
	outs := []Outcome{
		{ID: "a", Date: sep}, {ID: "b", Churned: true, Date: sep},
		{ID: "c", Date: sep}, {ID: "d", Churned: true, Date: sep},
	}
	tests := []struct {
		lead     int
		auc      float64
		excluded int
	}{
		{0, 1, 0},  // June scores: the churners score lowest
		{60, 1, 0}, // June 30 is 92 days before September 30: still in
		{92, 1, 0}, // exactly 92 days before: in (at least Lead days)
		{93, 0, 4}, // March scores: the churners looked healthiest
	}
	for _, tt := range tests {
		rep, err := Backtest(s, obs, outs, BacktestOptions{Lead: tt.lead})
		if err != nil {
			t.Fatal(err)
		}
		if rep.AUC.Estimate != tt.auc || rep.Excluded != tt.excluded || rep.N != 4 {
			t.Errorf("lead %d: AUC %v excluded %d N %d, want %v, %d, 4", tt.lead, rep.AUC.Estimate, rep.Excluded, rep.N, tt.auc, tt.excluded)
		}
		if len(rep.Errors) != 1 || !errors.Is(rep.Errors[0], cs.ErrDateOrder) || !strings.Contains(rep.Errors[0].Error(), "observations[8]") {
			t.Errorf("lead %d: errors %v, want one date-order error naming observations[8]", tt.lead, rep.Errors)
		}
	}
	// A lead longer than the history leaves no customer with an old enough score:
	// they are counted as too late, not reported as unknown IDs (d is not: its
	// October observation is kept, and reported as after its outcome).
	rep, err := Backtest(s, obs, outs, BacktestOptions{Lead: 400})
	if !errors.Is(err, ErrOneClass) || rep.N != 0 || rep.Excluded != 8 || rep.TooLate != 3 || len(rep.Errors) != 1 {
		t.Errorf("lead 400: err %v, N %d, excluded %d, too late %d, errors %v", err, rep.N, rep.Excluded, rep.TooLate, rep.Errors)
	}
	if _, err := Backtest(s, obs, outs, BacktestOptions{Lead: -1}); err == nil {
		t.Error("negative lead accepted")
	}
}

// Backtest gives the AUC within each segment and profile the customers have.
func TestBacktestBySegmentAndProfile(t *testing.T) {
	obs, outs := calibrationData(2000, 13)
	for i := range obs {
		obs[i].Customer.Segment = []string{"smb", "enterprise"}[i%2]
	}
	rep, err := Backtest(mustCompile(t, usageConfig()), obs, outs, BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Segments) != 2 || rep.Segments[0].Name != "enterprise" || rep.Segments[1].N != 1000 || rep.Segments[0].AUC == nil {
		t.Fatalf("segments %+v", rep.Segments)
	}
	if len(rep.Profiles) != 1 || rep.Profiles[0].Name != "all" || rep.Profiles[0].AUC.Estimate != rep.AUC.Estimate {
		t.Errorf("profiles %+v, want one with the book's AUC", rep.Profiles)
	}
}

// When no AUC can be computed because every record was rejected, the error lists
// the rejected records (at most 10, then how many more).
func TestBacktestListsRejectedRecords(t *testing.T) {
	var obs []Observation
	var outs []Outcome
	for i := range 12 {
		id := fmt.Sprintf("c%02d", i)
		obs = append(obs, obsOf(id, btDate, math.NaN()))
		outs = append(outs, Outcome{ID: id, Churned: i%2 == 0})
	}
	_, err := Backtest(mustCompile(t, usageConfig()), obs, outs, BacktestOptions{})
	if !errors.Is(err, ErrOneClass) || !errors.Is(err, cs.ErrNotFinite) {
		t.Fatalf("err = %v, want ErrOneClass and the NaN rejections", err)
	}
	msg := err.Error()
	for _, want := range []string{"records rejected", `customer "c00"`, "and 14 more problems"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if len(msg) > 4096 {
		t.Errorf("error of %d bytes", len(msg))
	}
}
