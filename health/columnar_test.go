package health

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/successkit/cs"
)

func TestPlanScoreBadRows(t *testing.T) {
	s := mustCompile(t, SampleConfig())
	names := []string{"usage", "usage_trend", "seat_utilization", "feature_adoption", "logins_30d",
		"days_since_login", "nps", "ces", "tickets_90d", "friction"}
	pl, err := s.Plan("default", names)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	cols := &Columns{Names: names}
	for j := range names {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64((i*7+j*3)%10) / 10 * []float64{1, 1, 1, 1, 40, 30, 10, 7, 12, 100}[j]
		}
		cols.Values = append(cols.Values, v)
	}
	cols.Values[6][3] = math.NaN()
	cols.Values[0][150] = math.Inf(-1)
	out := make([]Scored, n)
	err = pl.Score(context.Background(), cols, out, 2)
	var fe *cs.FieldError
	if !errors.As(err, &fe) || fe.Field != "[3].signals.nps" || !errors.Is(err, cs.ErrNotFinite) {
		t.Fatalf("Score error = %v, want record 3 first", err)
	}
	if want := "health: [3].signals.nps: \"NaN\": not finite\nhealth: [150].signals.usage: \"-Inf\": not finite"; err.Error() != want {
		t.Errorf("error = %q, want %q", err.Error(), want)
	}
	for i, o := range out {
		bad := i == 3 || i == 150
		if bad != (o.Cause == CauseInvalid) {
			t.Errorf("row %d: %+v", i, o)
		}
		if bad {
			continue
		}
		sig := cs.Signals{}
		for j, name := range names {
			sig[name] = cols.Values[j][i]
		}
		r, err := s.Score(&cs.Customer{ID: "x", Signals: sig}, day)
		if err != nil || r.Profile != "default" {
			t.Fatal(err)
		}
		if math.Float64bits(r.Score) != math.Float64bits(o.Score) || int8(r.GradeIndex) != o.Grade {
			t.Errorf("row %d: columnar %+v, Score %v %d", i, o, r.Score, r.GradeIndex)
		}
	}
	// Plans refuse what they cannot score and columns that do not match.
	if _, err := s.Plan("default", names[1:]); !errors.Is(err, ErrColumns) {
		t.Errorf("Plan without usage: %v", err)
	}
	if _, err := s.Plan("nope", names); !errors.Is(err, ErrColumns) {
		t.Errorf("Plan of an unknown profile: %v", err)
	}
	if err := pl.Score(context.Background(), cols, out[:10], 1); !errors.Is(err, ErrColumns) {
		t.Errorf("short output: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := pl.Score(ctx, cols, out, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestPlanAllocs(t *testing.T) {
	s := mustCompile(t, ramp10())
	cols := ramp10Columns(5000, 3)
	pl, err := s.Plan("ramp10", cols.Names)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]Scored, 5000)
	if a := testing.AllocsPerRun(5, func() { _ = pl.Score(context.Background(), cols, out, 1) }); a > 2 {
		t.Errorf("Plan.Score allocates %v times per call of 5000 accounts, want ≤ 2", a)
	}
	var r Result
	c := &cs.Customer{ID: "c", Signals: cs.Signals{"s0": 0.3, "s1": 0.5}}
	if a := testing.AllocsPerRun(100, func() { _ = s.ScoreInto(&r, c, day) }); a != 0 {
		t.Errorf("ScoreInto allocates %v times with a reused Result, want 0", a)
	}
}
