package health

import (
	"errors"
	"math"
	"testing"

	"github.com/successkit/cs"
)

// oneMeasure wraps a measure in a one-group profile.
func oneMeasure(m Measure) Config {
	m.Name, m.Weight = "m", 1
	return Config{Profiles: []Profile{{Name: "p", Groups: []Group{{Name: "g", Weight: 1, Measures: []Measure{m}}}}}}
}

func TestCurves(t *testing.T) {
	// ChurnZero: top of a range inclusive, bottom exclusive (ChurnZero's documentation of its score factors).
	churnZero := []Band{
		{Max: ptr(10), MaxInclusive: true, Points: 0},
		{Min: ptr(10), Max: ptr(20), MaxInclusive: true, Points: 50},
		{Min: ptr(20), Points: 100},
	}
	// The same grid with lower bounds inclusive instead.
	lowerIn := []Band{
		{Max: ptr(10), Points: 0},
		{Min: ptr(10), Max: ptr(20), MinInclusive: true, Points: 50},
		{Min: ptr(20), MinInclusive: true, Points: 100},
	}
	gap := []Band{{Min: ptr(0), Max: ptr(1), MinInclusive: true, Points: 20}, {Min: ptr(2), Max: ptr(3), MinInclusive: true, MaxInclusive: true, Points: 80}}
	steps := &Steps{Below: 5, Thresholds: []Threshold{{At: 1, Points: 30}, {At: 5, Points: 60}, {At: 15, Points: 100}}}
	tests := []struct {
		name string
		m    Measure
		v    float64
		pts  float64
		ok   bool
	}{
		// Increasing ramp: midpoint, exact ends, clamped beyond.
		{"ramp mid", Measure{Signal: "x", Ramp: &Ramp{Bad: 0.2, Good: 0.8}}, 0.5, 50, true},
		{"ramp good", Measure{Signal: "x", Ramp: &Ramp{Bad: 0.2, Good: 0.8}}, 0.8, 100, true},
		{"ramp bad", Measure{Signal: "x", Ramp: &Ramp{Bad: 0.2, Good: 0.8}}, 0.2, 0, true},
		{"ramp above", Measure{Signal: "x", Ramp: &Ramp{Bad: 0.2, Good: 0.8}}, 3, 100, true},
		// Decreasing ramp (days since login): fewer is better.
		{"ramp down", Measure{Signal: "x", Ramp: &Ramp{Bad: 30, Good: 0}}, 6, 80, true},
		// Bounded ramp (Planhat): a value outside the range is ignored.
		{"bounded out", Measure{Signal: "x", Ramp: &Ramp{Bad: 0, Good: 10, Bounded: true}}, 11, 0, false},
		{"bounded edge", Measure{Signal: "x", Ramp: &Ramp{Bad: 0, Good: 10, Bounded: true}}, 10, 100, true},
		// ChurnZero grid: 10 belongs to the lower band, 20 to the middle one.
		{"cz 10", Measure{Signal: "x", Bands: churnZero}, 10, 0, true},
		{"cz 20", Measure{Signal: "x", Bands: churnZero}, 20, 50, true},
		{"cz 20.5", Measure{Signal: "x", Bands: churnZero}, 20.5, 100, true},
		// Lower bounds inclusive: 10 belongs to the middle band, 20 to the top.
		{"li 10", Measure{Signal: "x", Bands: lowerIn}, 10, 50, true},
		{"li 20", Measure{Signal: "x", Bands: lowerIn}, 20, 100, true},
		// A value in no band leaves the measure missing.
		{"gap", Measure{Signal: "x", Bands: gap}, 1.5, 0, false},
		{"gap top", Measure{Signal: "x", Bands: gap}, 3, 80, true},
		// Steps: the highest threshold reached; Below under the first.
		{"steps below", Measure{Signal: "x", Steps: steps}, 0.5, 5, true},
		{"steps at", Measure{Signal: "x", Steps: steps}, 5, 60, true},
		{"steps top", Measure{Signal: "x", Steps: steps}, 99, 100, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustCompile(t, oneMeasure(tc.m))
			r, err := s.Score(&cs.Customer{ID: "c", Signals: cs.Signals{"x": tc.v}}, day)
			if err != nil {
				t.Fatal(err)
			}
			mr := r.Measures[0]
			ok := mr.Status == StatusPresent
			if math.Abs(mr.Points-tc.pts) > 1e-9 || ok != tc.ok || !mr.HasRaw || mr.Raw != tc.v {
				t.Errorf("points(%v) = %v %v, want %v %v", tc.v, mr.Points, ok, tc.pts, tc.ok)
			}
		})
	}
}

func TestCategoriesAndFunc(t *testing.T) {
	plan := func(rule UnknownRule, pts float64) Config {
		return oneMeasure(Measure{Attribute: "plan", Categories: &Categories{
			Values: map[string]float64{"starter": 40, "enterprise": 90}, Unknown: rule, UnknownPoints: pts}})
	}
	tests := []struct {
		name    string
		cfg     Config
		plan    string
		score   float64
		unknown bool
	}{
		// A listed value scores its points.
		{"listed", plan(UnknownMissing, 0), "enterprise", 90, false},
		// An unlisted value under "missing" leaves the only measure missing.
		{"unlisted missing", plan(UnknownMissing, 0), "growth", 0, true},
		// Under "points" it scores the configured points.
		{"unlisted points", plan(UnknownPoints, 25), "growth", 25, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := mustCompile(t, tc.cfg).Score(&cs.Customer{ID: "c", Attributes: cs.Attributes{"plan": tc.plan}}, day)
			if err != nil {
				t.Fatal(err)
			}
			if r.Score != tc.score || r.Unknown != tc.unknown || r.Measures[0].Text != tc.plan {
				t.Errorf("Score(plan=%s) = %v %v, want %v %v", tc.plan, r.Score, r.Unknown, tc.score, tc.unknown)
			}
		})
	}

	seats := func(c *cs.Customer) (float64, bool) {
		u, ok1 := c.Signals["seats_used"]
		p, ok2 := c.Signals["seats_purchased"]
		if !ok1 || !ok2 || p == 0 {
			return 0, false
		}
		return min(100, 100*u/p), true
	}
	s := mustCompile(t, oneMeasure(Measure{Func: "seats"}), WithFunc("seats", seats))
	r, err := s.Score(&cs.Customer{ID: "c", Signals: cs.Signals{"seats_used": 30, "seats_purchased": 40}}, day)
	if err != nil || r.Score != 75 {
		t.Errorf("func measure = %v, %v; want 75", r.Score, err)
	}
	if _, err := Compile(oneMeasure(Measure{Func: "nope"})); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("Compile with an unregistered func: %v, want ErrInvalidConfig", err)
	}
	bad := mustCompile(t, oneMeasure(Measure{Func: "f"}), WithFunc("f", func(*cs.Customer) (float64, bool) { return math.NaN(), true }))
	if _, err := bad.Score(&cs.Customer{ID: "c"}, day); !errors.Is(err, cs.ErrRange) {
		t.Errorf("func returning NaN: %v, want ErrRange", err)
	}
}

func TestVetoes(t *testing.T) {
	base := func(v ...Veto) Config {
		c := twoGroups()
		c.Profiles[0].Vetoes = v
		return c
	}
	// Adoption 62.5 (usage 50, logins 100), Sentiment nps 2 → 20: overall
	// 0.6×62.5 + 0.4×20 = 45.5; with nps 9 → 73.5.
	low := cs.Signals{"usage": 0.5, "logins_30d": 20, "nps": 2}
	high := cs.Signals{"usage": 0.5, "logins_30d": 20, "nps": 9}
	tests := []struct {
		name    string
		cfg     Config
		signals cs.Signals
		score   float64
		vetoes  uint64
	}{
		// "If any measure in group Sentiment is red, overall ≤ 40."
		{"group red", base(Veto{Name: "sentiment red", Group: "Sentiment", Grade: "red", Cap: ptr(40)}), low, 40, 1},
		// The condition does not hold: nothing changes.
		{"group green", base(Veto{Name: "sentiment red", Group: "Sentiment", Grade: "red", Cap: ptr(40)}), high, 73.5, 0},
		// A cap above the score does not raise it.
		{"cap above", base(Veto{Name: "sentiment red", Group: "Sentiment", Grade: "red", Cap: ptr(90)}), low, 45.5, 0},
		// overall = min(overall, usage).
		{"min", base(Veto{Name: "usage floor", Measure: "usage", Min: true}), high, 50, 1},
		// Points below a threshold.
		{"below", base(Veto{Name: "usage low", Measure: "usage", Below: ptr(60), Cap: ptr(10)}), high, 10, 1},
		// A missing measure never triggers a veto.
		{"missing", base(Veto{Name: "nps", Measure: "nps", Min: true}), cs.Signals{"usage": 0.5}, 50, 0},
		// Two vetoes: the min of usage (50) is above 45.5 and lowers nothing, so
		// only the second is recorded.
		{"two", base(Veto{Name: "a", Measure: "usage", Min: true}, Veto{Name: "b", Group: "Sentiment", Grade: "red", Cap: ptr(40)}), low, 40, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := mustCompile(t, tc.cfg).Score(&cs.Customer{ID: "c", Signals: tc.signals}, day)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.Score-tc.score) > 1e-12 || r.Vetoes != tc.vetoes {
				t.Errorf("Score = %v vetoes %b (%v), want %v %b", r.Score, r.Vetoes, r.VetoNames(), tc.score, tc.vetoes)
			}
			if r.Score > r.Computed {
				t.Errorf("veto raised %v to %v", r.Computed, r.Score)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	s := mustCompile(t, twoGroups())
	c := &cs.Customer{ID: "c", Signals: cs.Signals{"usage": 0.5, "logins_30d": 20, "nps": 9}} // 73.5
	d := cs.MustParseDate
	ov := func(measure string, pts float64, set, exp string) Override {
		return Override{Measure: measure, Points: pts, Reason: "exec sponsor left", Author: "kim", SetAt: d(set), Expires: d(exp)}
	}
	tests := []struct {
		name  string
		ovs   []Override
		score float64
		over  bool
	}{
		// No override: the computed score.
		{"none", nil, 73.5, false},
		// An active overall override replaces the score; Computed keeps 73.5.
		{"active", []Override{ov("", 30, "2026-06-01", "2026-07-01")}, 30, true},
		// Expired (Expires is exclusive): ignored.
		{"expired", []Override{ov("", 30, "2026-06-01", "2026-06-30")}, 73.5, false},
		// Not yet set: ignored.
		{"future", []Override{ov("", 30, "2026-07-01", "2026-08-01")}, 73.5, false},
		// Two active: the one set last wins.
		{"latest", []Override{ov("", 30, "2026-06-10", "2026-07-01"), ov("", 90, "2026-06-01", "2026-07-01")}, 30, true},
		// A measure override: nps 0 → Sentiment 0 → 0.6×62.5 = 37.5.
		{"measure", []Override{ov("nps", 0, "2026-06-01", "2026-07-01")}, 37.5, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := s.Score(c, day, tc.ovs...)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.Score-tc.score) > 1e-12 || r.Overridden != tc.over {
				t.Errorf("Score = %v overridden %v, want %v %v", r.Score, r.Overridden, tc.score, tc.over)
			}
			if tc.over && (r.Computed != 73.5 || r.Override.Author != "kim") {
				t.Errorf("audit: computed %v override %+v", r.Computed, r.Override)
			}
		})
	}
	for _, bad := range []Override{
		{Points: 30, Author: "kim", SetAt: d("2026-06-01"), Expires: d("2026-07-01")},                           // no reason
		{Points: 30, Reason: "r", Author: "kim", SetAt: d("2026-06-01")},                                        // no expiry
		{Points: 130, Reason: "r", Author: "kim", SetAt: d("2026-06-01"), Expires: d("2026-07-01")},             // points
		{Measure: "x", Points: 3, Reason: "r", Author: "kim", SetAt: d("2026-06-01"), Expires: d("2026-07-01")}, // measure
	} {
		if _, err := s.Score(c, day, bad); !errors.Is(err, ErrInvalidOverride) {
			t.Errorf("Score with %+v: %v, want ErrInvalidOverride", bad, err)
		}
	}
}

func TestProfiles(t *testing.T) {
	s := mustCompile(t, SampleConfig())
	for _, tc := range []struct {
		stage cs.Stage
		want  string
	}{{cs.StageOnboarding, "onboarding"}, {cs.StageRenewal, "default"}, {cs.StageUnknown, "default"}} {
		r, err := s.Score(&cs.Customer{ID: "c", Stage: tc.stage, Signals: cs.Signals{"usage": 0.5}}, day)
		if err != nil || r.Profile != tc.want {
			t.Errorf("profile for %v = %q (%v), want %q", tc.stage, r.Profile, err, tc.want)
		}
	}
	only := Config{Profiles: []Profile{{Name: "ent", Select: Selector{Segments: []string{"enterprise"}}, Groups: twoGroups().Profiles[0].Groups}}}
	if _, err := mustCompile(t, only).Score(&cs.Customer{ID: "c", Segment: "smb"}, day); !errors.Is(err, ErrNoProfile) {
		t.Errorf("no matching profile: %v, want ErrNoProfile", err)
	}
}
