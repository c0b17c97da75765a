package health

import (
	"errors"
	"math"
	"testing"

	"github.com/successkit/cs"
)

var day = cs.MustParseDate("2026-06-30")

func ptr(f float64) *float64 { return &f }

func ramp(name, signal string, w, bad, good float64) Measure {
	return Measure{Name: name, Signal: signal, Weight: w, Ramp: &Ramp{Bad: bad, Good: good}}
}

// twoGroups is the Gainsight two-level rollup (Gainsight's health score documentation): group score =
// Σ(weight × score)/Σweight; overall = Σ(group% × group score)/100.
func twoGroups() Config {
	return Config{Version: "t1", Profiles: []Profile{{
		Name: "default",
		Groups: []Group{
			{Name: "Adoption", Weight: 60, Measures: []Measure{
				ramp("usage", "usage", 3, 0, 1),
				ramp("logins", "logins_30d", 1, 0, 20),
			}},
			{Name: "Sentiment", Weight: 40, Measures: []Measure{
				ramp("nps", "nps", 1, 0, 10),
			}},
		},
	}}}
}

// fataler is what mustCompile needs of testing.TB and *rapid.T.
type fataler interface {
	Helper()
	Fatal(args ...any)
}

func mustCompile(t fataler, c Config, opts ...Option) *Scorer {
	t.Helper()
	s, err := Compile(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScoreRollup(t *testing.T) {
	neutral := twoGroups()
	neutral.Profiles[0].Missing = MissingNeutral
	zero := twoGroups()
	zero.Profiles[0].Missing = MissingZero
	required := twoGroups()
	required.Profiles[0].Groups[1].Measures[0].Missing = MissingRequired
	minCov := twoGroups()
	minCov.Profiles[0].MinCoverage = 0.7
	tests := []struct {
		name    string
		cfg     Config
		signals cs.Signals
		score   float64
		grade   string
		unknown UnknownCause
		cov     float64
	}{
		// Every measure present: Adoption = (3×50 + 1×100)/4 = 62.5, Sentiment =
		// 90, overall = 0.6×62.5 + 0.4×90 = 73.5 (Gainsight's rollup).
		{"all present", twoGroups(), cs.Signals{"usage": 0.5, "logins_30d": 20, "nps": 9}, 73.5, "yellow", KnownScore, 1},
		// Missing logins: its weight goes to usage within Adoption (Catalyst):
		// Adoption = 50, overall = 0.6×50 + 0.4×90 = 66.
		{"within group", twoGroups(), cs.Signals{"usage": 0.5, "nps": 9}, 66, "yellow", KnownScore, 0.85},
		// Missing nps empties Sentiment: its weight goes to Adoption, overall =
		// Adoption = 62.5.
		{"across groups", twoGroups(), cs.Signals{"usage": 0.5, "logins_30d": 20}, 62.5, "yellow", KnownScore, 0.6},
		// Neutral policy scores the missing nps at 50: 0.6×62.5 + 0.4×50 = 57.5;
		// coverage does not count the imputed weight.
		{"neutral", neutral, cs.Signals{"usage": 0.5, "logins_30d": 20}, 57.5, "yellow", KnownScore, 0.6},
		// Zero policy: 0.6×62.5 + 0 = 37.5, red.
		{"zero", zero, cs.Signals{"usage": 0.5, "logins_30d": 20}, 37.5, "red", KnownScore, 0.6},
		// A required measure missing makes the result Unknown, never a guess.
		{"required", required, cs.Signals{"usage": 0.5, "logins_30d": 20}, 0, "", CauseRequired, 0.6},
		// Coverage 0.6 below the minimum 0.7: Unknown.
		{"min coverage", minCov, cs.Signals{"usage": 0.5, "logins_30d": 20}, 0, "", CauseCoverage, 0.6},
		// No signal at all: coverage 0 is Unknown under any policy.
		{"nothing", neutral, cs.Signals{}, 0, "", CauseCoverage, 0},
		// Exactly 50 is red: band lower bounds are exclusive except the first.
		{"bound 50", twoGroups(), cs.Signals{"usage": 0.5}, 50, "red", KnownScore, 0.45},
		// Values beyond the ramp clamp to 0 and 100.
		{"clamped", twoGroups(), cs.Signals{"usage": 2, "logins_30d": -5, "nps": 10}, 0.6*75 + 40, "green", KnownScore, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustCompile(t, tc.cfg)
			r, err := s.Score(&cs.Customer{ID: "c1", Signals: tc.signals}, day)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.Score-tc.score) > 1e-12 || r.Grade != tc.grade || r.Cause != tc.unknown || r.Unknown != (tc.unknown != KnownScore) {
				t.Errorf("Score = %v %q %v, want %v %q %v", r.Score, r.Grade, r.Cause, tc.score, tc.grade, tc.unknown)
			}
			if math.Abs(r.Coverage-tc.cov) > 1e-12 {
				t.Errorf("Coverage = %v, want %v", r.Coverage, tc.cov)
			}
			if r.Fingerprint != s.Fingerprint() || r.Version != "t1" || r.Profile != "default" {
				t.Errorf("stamp = %q %q %q", r.Fingerprint, r.Version, r.Profile)
			}
		})
	}
}

func TestScoreNaN(t *testing.T) {
	s := mustCompile(t, twoGroups())
	_, err := s.Score(&cs.Customer{ID: "c1", Signals: cs.Signals{"usage": math.NaN()}}, day)
	if !errors.Is(err, cs.ErrNotFinite) {
		t.Fatalf("Score(NaN) error = %v, want ErrNotFinite", err)
	}
	if want := `health: customer "c1": signals.usage: "NaN": not finite`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}
