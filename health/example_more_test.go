package health_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// sampleNames are the signals of the sample scorecard's default profile, in
// the column order of the columnar examples.
var sampleNames = []string{"usage", "usage_trend", "seat_utilization", "feature_adoption",
	"logins_30d", "days_since_login", "nps", "ces", "tickets_90d", "friction"}

// columnsOf turns customers of the sample book into columns: one column per
// signal of sampleNames, a signal a customer lacks marked absent.
func columnsOf(book []cs.Customer) *health.Columns {
	cols := &health.Columns{Names: sampleNames, Values: make([][]float64, len(sampleNames)), Present: make([][]uint64, len(sampleNames))}
	for j, name := range sampleNames {
		cols.Values[j] = make([]float64, len(book))
		cols.Present[j] = health.SetPresent(len(book))
		for i, c := range book {
			v, ok := c.Signals[name]
			if !ok {
				cols.Present[j][i/64] &^= 1 << (i % 64)
				continue
			}
			cols.Values[j][i] = v
		}
	}
	return cols
}

// at risk: usage collapsed and many tickets, so both vetoes of the sample
// scorecard's default profile apply.
func atRisk() cs.Customer {
	c := account("initech", 0.1, 7)
	c.Signals["tickets_90d"] = 12
	return c
}

func ExampleScorer_Score() {
	s, err := health.Compile(health.SampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	c := account("acme", 0.9, 9)
	r, err := s.Score(&c, asOf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s: %.1f %s\n", r.CustomerID, r.Profile, r.Score, r.Grade)
	for _, g := range r.Groups {
		fmt.Printf("  %-10s %5.1f\n", g.Name, g.Score)
	}
	_, err = s.Score(&cs.Customer{ID: "bad", Signals: cs.Signals{"usage": math.NaN()}}, asOf)
	fmt.Println(err)
	// Output:
	// acme default: 86.8 green
	//   Adoption    79.6
	//   Engagement  95.0
	//   Sentiment   88.9
	//   Support     86.7
	// health: customer "bad": signals.usage: "NaN": not finite
}

func ExampleScorer_Config() {
	s, _ := health.Compile(health.SampleConfig())
	cfg := s.Config()
	cfg.Version = "edited" // a deep copy: the Scorer is unchanged
	fmt.Println(s.Version(), len(cfg.Profiles))
	// Output:
	// sample-2026-06 2
}

func ExampleScorer_Fingerprint() {
	s, _ := health.Compile(health.SampleConfig())
	c := account("acme", 0.9, 9)
	r, _ := s.Score(&c, asOf)
	edited := health.SampleConfig()
	edited.Profiles[1].Groups[0].Weight = 40
	t, _ := health.Compile(edited)
	fmt.Println(len(s.Fingerprint()), r.Fingerprint == s.Fingerprint(), t.Fingerprint() == s.Fingerprint())
	// Output:
	// 64 true false
}

func ExampleScorer_Profiles() {
	s, _ := health.Compile(health.SampleConfig())
	fmt.Println(s.Profiles())
	c := account("newco", 0.5, 8)
	c.Stage = cs.StageOnboarding
	r, _ := s.Score(&c, asOf)
	fmt.Println(r.Profile)
	// Output:
	// [onboarding default]
	// onboarding
}

func ExampleScorer_Version() {
	s, _ := health.Compile(health.SampleConfig())
	c := account("acme", 0.9, 9)
	r, _ := s.Score(&c, asOf)
	fmt.Println(s.Version(), r.Version)
	// Output:
	// sample-2026-06 sample-2026-06
}

// Validate reports every problem of a configuration at once, each by its
// JSON path.
func ExampleConfig_Validate() {
	cfg := health.Config{Profiles: []health.Profile{{Name: "p", Groups: []health.Group{
		{Name: "Adoption", Weight: -1, Measures: []health.Measure{
			{Name: "usage", Signal: "usage", Weight: 1, Ramp: &health.Ramp{Bad: 0.5, Good: 0.5}}}},
		{Name: "Sentiment", Weight: 1, Measures: []health.Measure{
			{Name: "nps", Signal: "nps", Weight: 1, Ramp: &health.Ramp{Bad: 0, Good: 10}}}},
	}}}}
	for _, line := range strings.Split(fmt.Sprint(cfg.Validate()), "\n") {
		fmt.Println(line)
	}
	sample := health.SampleConfig()
	fmt.Println(sample.Validate())
	// Output:
	// health: invalid configuration: profiles[0].groups[0].weight: weight -1 is not a non-negative number
	// profiles[0].groups[0].measures[0].ramp: bad and good are both 0.5
	// <nil>
}

func ExampleDefaultGrades() {
	g := health.DefaultGrades()
	for _, b := range g.Bands {
		fmt.Printf("%s ≤ %g\n", b.Label, b.Max)
	}
	for _, score := range []float64{50, 50.1, 75, 75.1} {
		_, label := g.Grade(score)
		fmt.Print(score, " ", label, "; ")
	}
	fmt.Println()
	// Output:
	// red ≤ 50
	// yellow ≤ 75
	// green ≤ 100
	// 50 red; 50.1 yellow; 75 yellow; 75.1 green;
}

func ExampleLetterGrades() {
	g := health.LetterGrades()
	for _, b := range g.Bands {
		fmt.Printf("%s ≤ %g\n", b.Label, b.Max)
	}
	i, label := g.Grade(86.8)
	fmt.Println(i, label)
	// Output:
	// F ≤ 60
	// D ≤ 70
	// C ≤ 80
	// B ≤ 90
	// A ≤ 100
	// 3 B
}

func ExampleOverride_Active() {
	o := health.Override{Points: 30, Reason: "champion left", Author: "kim",
		SetAt: cs.MustParseDate("2026-06-15"), Expires: cs.MustParseDate("2026-07-15")}
	for _, d := range []string{"2026-06-14", "2026-06-15", "2026-07-14", "2026-07-15"} {
		fmt.Println(d, o.Active(cs.MustParseDate(d)))
	}
	// Output:
	// 2026-06-14 false
	// 2026-06-15 true
	// 2026-07-14 true
	// 2026-07-15 false
}

// Plan scores the same customers as Scorer.Score, from columns.
func ExamplePlan_Score() {
	s, _ := health.Compile(health.SampleConfig())
	book := []cs.Customer{account("acme", 0.9, 9), atRisk(), account("bad", math.NaN(), 9)}
	delete(book[0].Signals, "nps") // acme never answered
	plan, err := s.Plan("default", sampleNames)
	if err != nil {
		log.Fatal(err)
	}
	out := make([]health.Scored, len(book))
	err = plan.Score(context.Background(), columnsOf(book), out, 2)
	for i, o := range out {
		r, _ := s.Score(&book[i], asOf)
		fmt.Printf("%s: %.1f grade %d cause %q (Score: %.1f)\n", book[i].ID, o.Score, o.Grade, o.Cause, r.Score)
	}
	fmt.Println(err)
	// Output:
	// acme: 81.3 grade 2 cause "" (Score: 81.3)
	// initech: 45.0 grade 0 cause "" (Score: 45.0)
	// bad: 0.0 grade -1 cause "invalid" (Score: 0.0)
	// health: [2].signals.usage: "NaN": not finite
}

func ExamplePlan_Fingerprint() {
	s, _ := health.Compile(health.SampleConfig())
	plan, err := s.Plan("default", sampleNames)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(plan.Fingerprint() == s.Fingerprint())
	// Output:
	// true
}

// Grades turns the band indexes of Scored into labels.
func ExamplePlan_Grades() {
	s, _ := health.Compile(health.SampleConfig())
	plan, _ := s.Plan("default", sampleNames)
	book := []cs.Customer{account("acme", 0.9, 9), atRisk()}
	out := make([]health.Scored, len(book))
	if err := plan.Score(context.Background(), columnsOf(book), out, 1); err != nil {
		log.Fatal(err)
	}
	g := plan.Grades()
	for i, o := range out {
		fmt.Printf("%s %.1f %s\n", book[i].ID, o.Score, g.Bands[o.Grade].Label)
	}
	// Output:
	// acme 86.8 green
	// initech 45.0 red
}

func ExamplePlan_Profile() {
	s, _ := health.Compile(health.SampleConfig())
	plan, _ := s.Plan("onboarding", []string{"usage", "feature_adoption", "seat_utilization", "days_since_login", "logins_30d"})
	fmt.Println(plan.Profile())
	// The default profile reads signals that have no column here.
	_, err := s.Plan("default", []string{"usage"})
	fmt.Println(errors.Is(err, health.ErrColumns))
	// Output:
	// onboarding
	// true
}

func ExampleScored_Unknown() {
	s, _ := health.Compile(health.SampleConfig())
	plan, _ := s.Plan("default", sampleNames)
	book := []cs.Customer{account("acme", 0.9, 9), {ID: "silent", Signals: cs.Signals{"usage": 0.5}}}
	out := make([]health.Scored, len(book))
	if err := plan.Score(context.Background(), columnsOf(book), out, 1); err != nil {
		log.Fatal(err)
	}
	for i, o := range out {
		fmt.Printf("%s unknown %v cause %q grade %d\n", book[i].ID, o.Unknown(), o.Cause, o.Grade)
	}
	// Output:
	// acme unknown false cause "" grade 2
	// silent unknown true cause "coverage" grade -1
}

func ExampleColumns_Len() {
	cols := columnsOf([]cs.Customer{account("a", 0.9, 9), account("b", 0.3, 3), atRisk()})
	fmt.Println(cols.Len(), "accounts,", len(cols.Names), "signals")
	// Output:
	// 3 accounts, 10 signals
}

func ExampleSetPresent() {
	bits := health.SetPresent(70)  // 70 accounts: two words
	bits[65/64] &^= 1 << (65 % 64) // account 65 lacks the signal
	present := func(i int) bool { return bits[i/64]&(1<<(i%64)) != 0 }
	fmt.Println(len(bits), present(0), present(64), present(65), present(69))
	// Output:
	// 2 true true false true
}

// A profile without Grades grades red, yellow, green.
func ExampleProfile_GradeScheme() {
	p := health.SampleConfig().Profiles[1]
	labels := func(g health.GradeScheme) (out []string) {
		for _, b := range g.Bands {
			out = append(out, b.Label)
		}
		return out
	}
	fmt.Println(p.Name, p.Grades == nil, labels(p.GradeScheme()))
	letters := health.LetterGrades()
	p.Grades = &letters
	fmt.Println(p.Name, labels(p.GradeScheme()))
	// Output:
	// default true [red yellow green]
	// default [F D C B A]
}

// Reasons explains a vetoed score in words.
func ExampleResult_Reasons() {
	s, _ := health.Compile(health.SampleConfig())
	c := atRisk()
	r, err := s.Score(&c, asOf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.1f %s (computed %.1f)\n", r.Score, r.Grade, r.Computed)
	for _, reason := range r.Reasons() {
		fmt.Println(reason)
	}
	// Output:
	// 45.0 red (computed 64.0)
	// capped by veto "support red" (computed 64)
	// capped by veto "usage collapse" (computed 64)
	// usage pulls the score down most: 0 points on 0.1, weight 12%, costing 11.7 points
}

func ExampleResult_VetoNames() {
	s, _ := health.Compile(health.SampleConfig())
	for _, c := range []cs.Customer{account("acme", 0.9, 9), atRisk()} {
		r, _ := s.Score(&c, asOf)
		fmt.Printf("%s %.1f → %.1f %q\n", c.ID, r.Computed, r.Score, r.VetoNames())
	}
	// Output:
	// acme 86.8 → 86.8 []
	// initech 64.0 → 45.0 ["support red" "usage collapse"]
}

func ExampleResult_WeakestMeasure() {
	s, _ := health.Compile(health.SampleConfig())
	c := atRisk()
	r, _ := s.Score(&c, asOf)
	w, ok := r.WeakestMeasure()
	fmt.Printf("%v %s/%s: %.0f points on %g, effective weight %.3f\n", ok, w.Group, w.Name, w.Points, w.Raw, w.Effective)
	// Output:
	// true Adoption/usage: 0 points on 0.1, effective weight 0.117
}

func ExampleSampleConfig() {
	cfg := health.SampleConfig()
	fmt.Println(cfg.Version)
	for _, p := range cfg.Profiles {
		fmt.Print(p.Name, ":")
		for _, g := range p.Groups {
			fmt.Printf(" %s %g", g.Name, g.Weight)
		}
		fmt.Println()
	}
	// Output:
	// sample-2026-06
	// onboarding: Adoption 60 Engagement 40
	// default: Adoption 35 Engagement 25 Sentiment 25 Support 15
}

// SampleJSON is the file SampleConfig decodes.
func ExampleSampleJSON() {
	data := health.SampleJSON()
	cfg, err := health.ParseConfig(data)
	if err != nil {
		log.Fatal(err)
	}
	a, _ := health.Fingerprint(cfg)
	b, _ := health.Fingerprint(health.SampleConfig())
	fmt.Println(json.Valid(data), a == b)
	// Output:
	// true true
}

func ExampleSnapshotOf() {
	s, _ := health.Compile(health.SampleConfig())
	var history []health.Snapshot
	for i, usage := range []float64{0.8, 0.6, 0.4} {
		c := account("acme", usage, 9)
		r, _ := s.Score(&c, asOf.AddDays(30*i))
		history = append(history, health.SnapshotOf(&r))
	}
	for _, h := range history {
		fmt.Printf("%s %.1f unknown %v\n", h.AsOf, h.Score, h.Unknown)
	}
	// Output:
	// 2026-06-30 86.8 unknown false
	// 2026-07-30 83.0 unknown false
	// 2026-08-29 79.1 unknown false
}
