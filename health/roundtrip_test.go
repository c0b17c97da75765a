package health

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

// genCalibration draws a valid calibration of either method.
func genCalibration(t *rapid.T) *Calibration {
	c := &Calibration{HorizonDays: rapid.IntRange(1, 730).Draw(t, "horizon"), Rows: 1000, Churners: 90}
	if rapid.Bool().Draw(t, "platt") {
		c.Method = CalibrationPlatt
		va, vb := rapid.Float64Range(0, 1).Draw(t, "va"), rapid.Float64Range(0, 1e-3).Draw(t, "vb")
		c.Platt = &PlattCalibration{
			Intercept: rapid.Float64Range(-5, 5).Draw(t, "a"), Slope: rapid.Float64Range(-0.2, 0).Draw(t, "b"),
			VarIntercept: va, VarSlope: vb, Covariance: -0.5 * rapid.Float64Range(0, 1).Draw(t, "r") * math.Sqrt(va*vb),
		}
		return c
	}
	c.Method = CalibrationIsotonic
	p := 1.0
	for i := range rapid.IntRange(1, 5).Draw(t, "steps") {
		p = rapid.Float64Range(0, p).Draw(t, "p")
		c.Steps = append(c.Steps, CalibrationStep{From: float64(20 * i), To: float64(20*i + 10), P: p, Low: p / 2, High: (1 + p) / 2, Rows: 10, Churners: 1})
	}
	return c
}

// A Result decoded from its own JSON equals it: its measures with their statuses
// and overrides, its groups, its cause, its trend words and its churn
// probability (only the link to the compiled profile, which VetoNames reads, is
// not data).
func TestPropResultRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{minCov: true})
		if rapid.Bool().Draw(t, "calibrated") {
			cfg.Profiles[0].Calibration = genCalibration(t)
		}
		s, err := Compile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var overrides []Override
		if rapid.Bool().Draw(t, "measure override") {
			overrides = append(overrides, Override{Measure: "m00", Points: rapid.Float64Range(0, 100).Draw(t, "mp"),
				Reason: "call", Author: "kim", SetAt: day.AddDays(-3), Expires: day.AddDays(30)})
		}
		if rapid.Bool().Draw(t, "overall override") {
			overrides = append(overrides, Override{Points: rapid.Float64Range(0, 100).Draw(t, "op"),
				Reason: "exec sponsor left", Author: "lee", SetAt: day, Expires: day.AddDays(1)})
		}
		r, err := s.Score(&cs.Customer{ID: "c", Signals: genSignals(t, nSignals(cfg), "s")}, day, overrides...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		if d := cmp.Diff(r, back, cmpopts.IgnoreUnexported(Result{}, GroupResult{})); d != "" {
			t.Fatalf("result round trip (-want +got):\n%s\n%s", d, b)
		}
	})
}

// A Trend and the Snapshots it came from survive their JSON.
func TestPropTrendRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var hist []Snapshot
		d := day
		for range rapid.IntRange(0, 8).Draw(t, "n") {
			d = d.AddDays(rapid.IntRange(1, 40).Draw(t, "gap"))
			hist = append(hist, Snapshot{AsOf: d, Score: rapid.Float64Range(0, 100).Draw(t, "score"), Unknown: rapid.IntRange(0, 5).Draw(t, "u") == 0})
		}
		tr, err := ComputeTrend(hist, TrendOptions{Tolerance: rapid.Float64Range(0, 5).Draw(t, "tol")})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []any{&tr, &hist} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			back := newOf(v)
			if err := json.Unmarshal(b, back); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if d := cmp.Diff(v, back); d != "" {
				t.Fatalf("round trip (-want +got):\n%s", d)
			}
		}
	})
}

func newOf(v any) any {
	switch v.(type) {
	case *Trend:
		return new(Trend)
	case *[]Snapshot:
		return new([]Snapshot)
	}
	panic(fmt.Sprintf("%T", v))
}

// Every defined value of the enumerations reads back from its word; an
// undefined one cannot be written.
func TestEnumText(t *testing.T) {
	for s := StatusPresent; s <= StatusOverridden; s++ {
		checkText(t, s, new(Status))
	}
	for u := KnownScore; u <= CauseInvalid; u++ {
		checkText(t, u, new(UnknownCause))
	}
	for _, d := range []Direction{Down, Flat, Up} {
		checkText(t, d, new(Direction))
	}
	for _, bad := range []interface{ MarshalText() ([]byte, error) }{Status(4), UnknownCause(4), Direction(2), Direction(-2)} {
		if _, err := bad.MarshalText(); err == nil {
			t.Errorf("%T(%v) marshals", bad, bad)
		}
	}
}

type textValue interface {
	comparable
	MarshalText() ([]byte, error)
}

func checkText[T textValue, P interface {
	*T
	UnmarshalText([]byte) error
}](t *testing.T, v T, back P) {
	t.Helper()
	b, err := v.MarshalText()
	if err != nil {
		t.Fatalf("%T(%v): %v", v, v, err)
	}
	if err := back.UnmarshalText(b); err != nil || *back != v {
		t.Errorf("%T %q read back as %v, %v", v, b, *back, err)
	}
}

// A calibrated configuration survives MarshalConfig and ParseConfig unchanged,
// with the same fingerprint; a different calibration changes the fingerprint.
func TestPropCalibratedConfigRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{})
		plain, _ := Fingerprint(cfg)
		cfg.Profiles[0].Calibration = genCalibration(t)
		b, err := MarshalConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(b)
		if err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		if d := cmp.Diff(cfg, back); d != "" {
			t.Fatalf("round trip (-want +got):\n%s", d)
		}
		f1, _ := Fingerprint(cfg)
		f2, _ := Fingerprint(back)
		if f1 != f2 || f1 == plain {
			t.Fatal("fingerprint changed by a round trip, or not by the calibration")
		}
	})
}

// FuzzEnumText: any text either is refused or reads as a value that writes back
// as the same text.
func FuzzEnumText(f *testing.F) {
	for _, s := range []string{"present", "overridden", "", "coverage", "up", "flat", "status(9)", "Up"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var st Status
		if st.UnmarshalText([]byte(s)) == nil {
			if b, err := st.MarshalText(); err != nil || string(b) != s {
				t.Fatalf("status %q wrote back %q, %v", s, b, err)
			}
		}
		var u UnknownCause
		if u.UnmarshalText([]byte(s)) == nil {
			if b, err := u.MarshalText(); err != nil || string(b) != s {
				t.Fatalf("cause %q wrote back %q, %v", s, b, err)
			}
		}
		var d Direction
		if d.UnmarshalText([]byte(s)) == nil {
			if b, err := d.MarshalText(); err != nil || string(b) != s {
				t.Fatalf("direction %q wrote back %q, %v", s, b, err)
			}
		}
	})
}
