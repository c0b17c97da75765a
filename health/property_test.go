package health

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

// genOpts shapes the random scorecards of the properties.
type genOpts struct {
	increasing bool // every curve non-decreasing (no bounded ramps, contiguous bands)
	decreasing bool // every curve non-increasing
	noVetoes   bool
	policy     MissingPolicy // "" draws one per profile
	minCov     bool          // draw a minimum coverage
}

var weightsDrawn = []float64{0.5, 1, 1, 2, 3, 0.25, 7}

// genProfile draws a one-profile Config whose measure i reads signal "s<i>".
func genProfile(t *rapid.T, o genOpts) Config {
	p := Profile{Name: "p"}
	if o.policy != "" {
		p.Missing = o.policy
	} else {
		p.Missing = rapid.SampledFrom([]MissingPolicy{"", MissingRedistribute, MissingNeutral, MissingZero, MissingRequired}).Draw(t, "policy")
	}
	if o.minCov {
		p.MinCoverage = rapid.SampledFrom([]float64{0, 0.3, 0.6}).Draw(t, "min_coverage")
	}
	nGroups := rapid.IntRange(1, 3).Draw(t, "groups")
	k := 0
	for gi := range nGroups {
		g := Group{Name: fmt.Sprintf("g%d", gi), Weight: rapid.SampledFrom(weightsDrawn).Draw(t, "gw")}
		nm := rapid.IntRange(1, 4).Draw(t, "measures")
		for range nm {
			m := Measure{Name: fmt.Sprintf("m%02d", k), Signal: fmt.Sprintf("s%d", k), Weight: rapid.SampledFrom(weightsDrawn).Draw(t, "w")}
			k++
			dir := 1.0
			switch {
			case o.decreasing:
				dir = -1
			case !o.increasing && rapid.Bool().Draw(t, "down"):
				dir = -1
			}
			switch rapid.IntRange(0, 2).Draw(t, "kind") {
			case 0:
				lo := rapid.Float64Range(-1, 1).Draw(t, "lo")
				hi := lo + rapid.Float64Range(0.01, 2).Draw(t, "span")
				m.Ramp = &Ramp{Bad: lo, Good: hi}
				if dir < 0 {
					m.Ramp = &Ramp{Bad: hi, Good: lo}
				}
				m.Ramp.Bounded = !o.increasing && !o.decreasing && rapid.Bool().Draw(t, "bounded")
			case 1:
				cut := rapid.Float64Range(-1, 1).Draw(t, "cut")
				cut2 := cut + rapid.Float64Range(0.01, 1).Draw(t, "cut2")
				pts := []float64{0, rapid.Float64Range(0, 100).Draw(t, "mid"), 100}
				slices.Sort(pts)
				if dir < 0 {
					slices.Reverse(pts)
				}
				m.Bands = []Band{
					{Max: ptr(cut), MaxInclusive: true, Points: pts[0]},
					{Min: ptr(cut), Max: ptr(cut2), Points: pts[1]},
					{Min: ptr(cut2), MinInclusive: true, Points: pts[2]},
				}
			default:
				at := rapid.Float64Range(-1, 0.5).Draw(t, "at")
				pts := []float64{rapid.Float64Range(0, 100).Draw(t, "p0"), rapid.Float64Range(0, 100).Draw(t, "p1"), rapid.Float64Range(0, 100).Draw(t, "p2")}
				slices.Sort(pts)
				if dir < 0 {
					slices.Reverse(pts)
				}
				m.Steps = &Steps{Below: pts[0], Thresholds: []Threshold{{At: at, Points: pts[1]}, {At: at + 0.5, Points: pts[2]}}}
			}
			if p.Missing != MissingRequired && rapid.IntRange(0, 5).Draw(t, "own policy") == 0 {
				m.Missing = MissingNeutral
				m.Neutral = ptr(rapid.Float64Range(0, 100).Draw(t, "neutral"))
			}
			g.Measures = append(g.Measures, m)
		}
		p.Groups = append(p.Groups, g)
	}
	if !o.noVetoes {
		for i := range rapid.IntRange(0, 2).Draw(t, "vetoes") {
			g := p.Groups[rapid.IntRange(0, len(p.Groups)-1).Draw(t, "veto group")]
			v := Veto{Name: fmt.Sprintf("v%d", i)}
			if rapid.Bool().Draw(t, "veto on group") {
				v.Group = g.Name
			} else {
				v.Measure = g.Measures[0].Name
			}
			switch rapid.IntRange(0, 2).Draw(t, "veto kind") {
			case 0:
				v.Min = true
			case 1:
				v.Grade, v.Cap = "red", ptr(rapid.Float64Range(0, 100).Draw(t, "cap"))
			default:
				v.Below, v.Cap = ptr(rapid.Float64Range(0, 100).Draw(t, "below")), ptr(rapid.Float64Range(0, 100).Draw(t, "cap"))
			}
			p.Vetoes = append(p.Vetoes, v)
		}
	}
	return Config{Version: "prop", Profiles: []Profile{p}}
}

func nSignals(c Config) int {
	n := 0
	for _, g := range c.Profiles[0].Groups {
		n += len(g.Measures)
	}
	return n
}

// genSignals draws a customer with n signals, each present with probability ~0.8.
func genSignals(t *rapid.T, n int, label string) cs.Signals {
	s := cs.Signals{}
	for i := range n {
		if rapid.IntRange(0, 4).Draw(t, label+" missing") > 0 {
			s[fmt.Sprintf("s%d", i)] = rapid.Float64Range(-1.5, 2.5).Draw(t, label)
		}
	}
	return s
}

func scoreOf(t *rapid.T, s *Scorer, sig cs.Signals) Result {
	r, err := s.Score(&cs.Customer{ID: "c", Signals: sig}, day)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every score is in [0,100] with the grade of its band, or Unknown with score 0
// and no grade; and it agrees bit for bit with the slow reference.
func TestPropBoundsAndReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{minCov: true})
		s := mustCompile(t, cfg)
		sig := genSignals(t, nSignals(cfg), "v")
		r := scoreOf(t, s, sig)
		if r.Unknown {
			if r.Score != 0 || r.Grade != "" || r.GradeIndex != -1 {
				t.Fatalf("unknown result with score %v grade %q", r.Score, r.Grade)
			}
		} else if !(r.Score >= 0 && r.Score <= 100) || r.Grade != slowGrade(ptrScheme(DefaultGrades()), r.Score) {
			t.Fatalf("score %v grade %q", r.Score, r.Grade)
		}
		want, cause, cov := slowScore(&cfg.Profiles[0], &cs.Customer{Signals: sig})
		if math.Float64bits(r.Score) != math.Float64bits(want) || r.Cause != cause {
			t.Fatalf("Score = %v (%v), slow reference %v (%v)", r.Score, r.Cause, want, cause)
		}
		if math.Abs(r.Coverage-cov) > 1e-12 {
			t.Fatalf("coverage %v, reference %v", r.Coverage, cov)
		}
	})
}

func ptrScheme(g GradeScheme) *GradeScheme { return &g }

// Raising one signal never lowers the score when every curve increases, and
// never raises it when every curve decreases.
func TestPropMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		dec := rapid.Bool().Draw(t, "decreasing")
		cfg := genProfile(t, genOpts{increasing: !dec, decreasing: dec, noVetoes: true})
		s := mustCompile(t, cfg)
		n := nSignals(cfg)
		sig := genSignals(t, n, "v")
		name := fmt.Sprintf("s%d", rapid.IntRange(0, n-1).Draw(t, "which"))
		if _, ok := sig[name]; !ok {
			sig[name] = 0
		}
		r1 := scoreOf(t, s, sig)
		sig[name] += rapid.Float64Range(0, 2).Draw(t, "raise")
		r2 := scoreOf(t, s, sig)
		if r1.Unknown != r2.Unknown {
			t.Fatalf("presence unchanged but unknown %v → %v", r1.Unknown, r2.Unknown)
		}
		if !dec && r2.Score < r1.Score || dec && r2.Score > r1.Score {
			t.Fatalf("raising %s moved the score %v → %v (decreasing curves: %v)", name, r1.Score, r2.Score, dec)
		}
	})
}

// Multiplying every weight by a positive constant changes nothing: exactly for
// powers of two, within rounding otherwise (weights are normalised by a sum).
func TestPropWeightScale(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{})
		sig := genSignals(t, nSignals(cfg), "v")
		pow2 := rapid.Bool().Draw(t, "power of two")
		k := math.Ldexp(1, rapid.IntRange(-8, 8).Draw(t, "exp"))
		if !pow2 {
			k = rapid.Float64Range(0.01, 100).Draw(t, "k")
		}
		scaled, _ := cloneConfig(cfg)
		for gi := range scaled.Profiles[0].Groups {
			g := &scaled.Profiles[0].Groups[gi]
			g.Weight *= k
			for mi := range g.Measures {
				g.Measures[mi].Weight *= k
			}
		}
		r1 := scoreOf(t, mustCompile(t, cfg), sig)
		r2 := scoreOf(t, mustCompile(t, scaled), sig)
		if r1.Unknown != r2.Unknown {
			t.Fatalf("unknown %v vs %v", r1.Unknown, r2.Unknown)
		}
		if pow2 && math.Float64bits(r1.Score) != math.Float64bits(r2.Score) || math.Abs(r1.Score-r2.Score) > 1e-9 {
			t.Fatalf("weights ×%v: score %v → %v", k, r1.Score, r2.Score)
		}
	})
}

// Under redistribution a missing measure gives exactly the score of the
// scorecard without that measure.
func TestPropMissingIsRemoval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{policy: MissingRedistribute})
		p := &cfg.Profiles[0]
		for gi := range p.Groups {
			for mi := range p.Groups[gi].Measures {
				p.Groups[gi].Measures[mi].Missing = ""
			}
		}
		sig := genSignals(t, nSignals(cfg), "v")
		gi := rapid.IntRange(0, len(p.Groups)-1).Draw(t, "group")
		mi := rapid.IntRange(0, len(p.Groups[gi].Measures)-1).Draw(t, "measure")
		m := p.Groups[gi].Measures[mi]
		delete(sig, m.Signal)
		r1 := scoreOf(t, mustCompile(t, cfg), sig)

		without, _ := cloneConfig(cfg)
		wp := &without.Profiles[0]
		wp.Groups[gi].Measures = slices.Delete(wp.Groups[gi].Measures, mi, mi+1)
		groupGone := len(wp.Groups[gi].Measures) == 0
		if groupGone {
			wp.Groups = slices.Delete(wp.Groups, gi, gi+1)
			if len(wp.Groups) == 0 {
				t.Skip("the scorecard without the measure is empty")
			}
		}
		wp.Vetoes = slices.DeleteFunc(wp.Vetoes, func(v Veto) bool {
			return v.Measure == m.Name || groupGone && v.Group == cfg.Profiles[0].Groups[gi].Name
		})
		r2 := scoreOf(t, mustCompile(t, without), sig)
		if r1.Unknown != r2.Unknown || math.Float64bits(r1.Score) != math.Float64bits(r2.Score) {
			t.Fatalf("missing %s: %v (%v); without it: %v (%v)", m.Name, r1.Score, r1.Unknown, r2.Score, r2.Unknown)
		}
	})
}

// The order of groups and measures in the configuration does not change the
// result in any bit.
func TestPropOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{minCov: true})
		sig := genSignals(t, nSignals(cfg), "v")
		shuffled, _ := cloneConfig(cfg)
		p := &shuffled.Profiles[0]
		p.Groups = rapid.Permutation(p.Groups).Draw(t, "groups")
		for gi := range p.Groups {
			p.Groups[gi].Measures = rapid.Permutation(p.Groups[gi].Measures).Draw(t, "measures")
		}
		r1 := scoreOf(t, mustCompile(t, cfg), sig)
		r2 := scoreOf(t, mustCompile(t, shuffled), sig)
		if d := cmp.Diff(r1, r2, cmpopts.IgnoreFields(Result{}, "Fingerprint"), cmpopts.IgnoreUnexported(Result{}, GroupResult{})); d != "" {
			t.Fatalf("shuffled config (-orig +shuffled):\n%s", d)
		}
	})
}

// Vetoes never raise a score: the score with vetoes is at most the score of
// the same scorecard without them.
func TestPropVetoesOnlyLower(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{minCov: true})
		sig := genSignals(t, nSignals(cfg), "v")
		plain, _ := cloneConfig(cfg)
		plain.Profiles[0].Vetoes = nil
		r1 := scoreOf(t, mustCompile(t, cfg), sig)
		r2 := scoreOf(t, mustCompile(t, plain), sig)
		if r1.Score > r2.Score || r1.Unknown != r2.Unknown || r1.Computed != r2.Score {
			t.Fatalf("with vetoes %v, without %v", r1.Score, r2.Score)
		}
	})
}

// Expired overrides (and those not yet set) never apply.
func TestPropExpiredOverrides(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{})
		sig := genSignals(t, nSignals(cfg), "v")
		s := mustCompile(t, cfg)
		var ovs []Override
		for range rapid.IntRange(1, 4).Draw(t, "overrides") {
			set := day.AddDays(rapid.IntRange(-400, 400).Draw(t, "set"))
			exp := set.AddDays(rapid.IntRange(1, 400).Draw(t, "days"))
			if !exp.After(day) || set.After(day) {
				// inactive as drawn
			} else {
				exp = day // expires today: inactive today
			}
			o := Override{Points: rapid.Float64Range(0, 100).Draw(t, "pts"), Reason: "r", Author: "a", SetAt: set, Expires: exp}
			if exp.After(set) {
				if rapid.Bool().Draw(t, "on a measure") {
					o.Measure = "m00"
				}
				ovs = append(ovs, o)
			}
		}
		r1, err := s.Score(&cs.Customer{ID: "c", Signals: sig}, day, ovs...)
		if err != nil {
			t.Fatal(err)
		}
		r2 := scoreOf(t, s, sig)
		if r1.Overridden || math.Float64bits(r1.Score) != math.Float64bits(r2.Score) || r1.Unknown != r2.Unknown {
			t.Fatalf("inactive overrides changed %v to %v", r2.Score, r1.Score)
		}
	})
}

// The columnar path agrees with Score bit for bit, for any worker count.
func TestPropColumnarWorkers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{minCov: true})
		s := mustCompile(t, cfg)
		n := nSignals(cfg)
		rows := rapid.IntRange(0, 300).Draw(t, "rows")
		cols := &Columns{}
		for j := range n {
			cols.Names = append(cols.Names, fmt.Sprintf("s%d", j))
			cols.Values = append(cols.Values, make([]float64, rows))
			cols.Present = append(cols.Present, SetPresent(rows))
		}
		want := make([]Scored, rows)
		for i := range rows {
			sig := genSignals(t, n, "v")
			for j := range n {
				v, ok := sig[cols.Names[j]]
				cols.Values[j][i] = v
				if !ok {
					cols.Present[j][i/64] &^= 1 << (i % 64)
				}
			}
			r := scoreOf(t, s, sig)
			want[i] = Scored{Score: r.Score, Grade: int8(r.GradeIndex), Cause: r.Cause}
		}
		pl, err := s.Plan("p", cols.Names)
		if err != nil {
			t.Fatal(err)
		}
		pl.chunk = 64
		for _, w := range []int{1, 2, 3, 7} {
			got := make([]Scored, rows)
			if err := pl.Score(context.Background(), cols, got, w); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if math.Float64bits(got[i].Score) != math.Float64bits(want[i].Score) || got[i].Grade != want[i].Grade || got[i].Cause != want[i].Cause {
					t.Fatalf("workers %d row %d: %+v, Score says %+v", w, i, got[i], want[i])
				}
			}
		}
	})
}

// A configuration survives MarshalConfig and ParseConfig unchanged, with the
// same fingerprint.
func TestPropRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := genProfile(t, genOpts{minCov: true})
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
		if f1 != f2 {
			t.Fatal("fingerprint changed")
		}
	})
}
