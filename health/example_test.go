package health_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

var asOf = cs.MustParseDate("2026-06-30")

// account returns a customer of the sample book with every signal of the
// sample scorecard; usage and nps vary.
func account(id string, usage, nps float64) cs.Customer {
	return cs.Customer{ID: id, Signals: cs.Signals{
		"usage": usage, "usage_trend": 0, "seat_utilization": 0.7, "feature_adoption": 0.5,
		"logins_30d": 20, "days_since_login": 2, "nps": nps, "ces": 5, "tickets_90d": 1, "friction": 30,
	}}
}

// The sample scorecard scores one account of the sample book and explains it.
func Example() {
	s, err := health.Compile(health.SampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	c := &cs.Customer{ID: "acme", Segment: "mid_market", Stage: cs.StageAdoption, Signals: cs.Signals{
		"usage": 0.35, "usage_trend": -0.2, "seat_utilization": 0.5, "feature_adoption": 0.4,
		"logins_30d": 12, "days_since_login": 4, "nps": 7, "ces": 5.5, "tickets_90d": 4, "friction": 35,
	}}
	r, err := s.Score(c, asOf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %.1f %s (profile %s, coverage %.0f%%)\n", r.CustomerID, r.Score, r.Grade, r.Profile, 100*r.Coverage)
	for _, g := range r.Groups {
		fmt.Printf("  %-10s %5.1f\n", g.Name, g.Score)
	}
	for _, reason := range r.Reasons() {
		fmt.Println(" ", reason)
	}
	// Output:
	// acme: 59.8 yellow (profile default, coverage 100%)
	//   Adoption    32.4
	//   Engagement  84.2
	//   Sentiment   67.8
	//   Support     70.0
	//   usage pulls the score down most: 25 points on 0.35, weight 12%, costing 8.7 points
}

func ExampleParseConfig() {
	cfg, err := health.ParseConfig([]byte(`{
		"version": "v1",
		"profiles": [{"name": "all", "groups": [
			{"name": "Adoption", "weight": 1, "measures": [
				{"name": "usage", "signal": "usage", "weight": 1, "ramp": {"bad": 0.2, "good": 0.8}}]}]}]}`))
	fmt.Println(cfg.Version, err)
	_, err = health.ParseConfig([]byte(`{"profiles": [{"name": "all", "groups": [
		{"name": "Adoption", "weight": 1, "measures": [
			{"name": "usage", "signal": "usage", "weight": 1, "ramp": {"bad": 0.2, "good": 0.8}, "colour": "red"}]}]}]}`))
	fmt.Println(err)
	// Output:
	// v1 <nil>
	// health: invalid configuration: profiles[0].groups[0].measures[0].colour: unknown field
}

func ExampleCompile() {
	cfg := health.Config{Version: "v1", Profiles: []health.Profile{{
		Name: "all",
		Groups: []health.Group{
			{Name: "Adoption", Weight: 60, Measures: []health.Measure{
				{Name: "usage", Signal: "usage", Weight: 1, Ramp: &health.Ramp{Bad: 0, Good: 1}}}},
			{Name: "Sentiment", Weight: 40, Measures: []health.Measure{
				{Name: "nps", Signal: "nps", Weight: 1, Ramp: &health.Ramp{Bad: 0, Good: 10}}}},
		},
	}}}
	s, err := health.Compile(cfg)
	if err != nil {
		log.Fatal(err)
	}
	r, _ := s.Score(&cs.Customer{ID: "a", Signals: cs.Signals{"usage": 0.5, "nps": 9}}, asOf)
	fmt.Printf("%.1f %s\n", r.Score, r.Grade)
	// nps missing: Sentiment's weight goes to Adoption.
	r, _ = s.Score(&cs.Customer{ID: "b", Signals: cs.Signals{"usage": 0.5}}, asOf)
	fmt.Printf("%.1f %s coverage %.2f\n", r.Score, r.Grade, r.Coverage)
	// Output:
	// 66.0 yellow
	// 50.0 red coverage 0.60
}

func ExampleScorer_ScoreInto() {
	s, _ := health.Compile(health.SampleConfig())
	var r health.Result // reused: no allocation per customer
	for _, c := range []cs.Customer{account("a", 0.9, 9), account("b", 0.3, 3)} {
		if err := s.ScoreInto(&r, &c, asOf); err != nil {
			log.Fatal(err)
		}
		w, _ := r.WeakestMeasure()
		fmt.Printf("%s %.1f %s weakest %s\n", r.CustomerID, r.Score, r.Grade, w.Name)
	}
	// Output:
	// a 86.8 green weakest ces
	// b 62.1 yellow weakest nps
}

func ExampleOverride() {
	s, _ := health.Compile(health.SampleConfig())
	c := account("a", 0.9, 9)
	o := health.Override{Points: 30, Reason: "champion left", Author: "kim",
		SetAt: cs.MustParseDate("2026-06-15"), Expires: cs.MustParseDate("2026-07-15")}
	r, _ := s.Score(&c, asOf, o)
	fmt.Printf("%.0f %s (computed %.1f) by %s\n", r.Score, r.Grade, r.Computed, r.Override.Author)
	r, _ = s.Score(&c, cs.MustParseDate("2026-07-15"), o) // expired
	fmt.Printf("%.1f %s overridden %v\n", r.Score, r.Grade, r.Overridden)
	// Output:
	// 30 red (computed 86.8) by kim
	// 86.8 green overridden false
}

func ExampleScorer_Plan() {
	s, _ := health.Compile(health.SampleConfig())
	cols := &health.Columns{
		Names:   []string{"usage", "usage_trend", "seat_utilization", "feature_adoption", "logins_30d", "days_since_login", "nps", "ces", "tickets_90d", "friction"},
		Values:  make([][]float64, 10),
		Present: make([][]uint64, 10),
	}
	for j := range cols.Values {
		cols.Values[j] = []float64{0.5, 0.5, 0.5}
	}
	cols.Values[0] = []float64{0.9, 0.3, 0.05} // usage
	cols.Values[6] = []float64{9, 6, 0}        // nps
	cols.Present[6] = health.SetPresent(3)     // nps
	cols.Present[6][0] &^= 1 << 2              // account 2 never answered
	plan, err := s.Plan("default", cols.Names)
	if err != nil {
		log.Fatal(err)
	}
	out := make([]health.Scored, 3)
	if err := plan.Score(context.Background(), cols, out, 0); err != nil {
		log.Fatal(err)
	}
	for i, o := range out {
		fmt.Printf("account %d: %.1f grade %d\n", i, o.Score, o.Grade)
	}
	// Output:
	// account 0: 75.6 grade 2
	// account 1: 50.8 grade 1
	// account 2: 45.0 grade 0
}

func ExampleScorer_ScoreBook() {
	s, _ := health.Compile(health.SampleConfig())
	book := []cs.Customer{account("a", 0.9, 9), account("b", math.Inf(-1), 9), account("c", 0.2, 2)}
	results, err := s.ScoreBook(context.Background(), asOf, book, nil, 2)
	for _, r := range results {
		fmt.Printf("%q %.1f %q\n", r.CustomerID, r.Score, r.Grade)
	}
	fmt.Println(err)
	// Output:
	// "a" 86.8 "green"
	// "" 0.0 ""
	// "c" 45.0 "red"
	// health: customer "b": [1].signals.usage: "-Inf": not finite
}

func ExampleComputeTrend() {
	d := cs.MustParseDate("2026-01-31")
	history := []health.Snapshot{
		{AsOf: d, Score: 78}, {AsOf: d.AddDays(30), Score: 74},
		{AsOf: d.AddDays(60), Score: 69}, {AsOf: d.AddDays(90), Score: 61},
	}
	t, err := health.ComputeTrend(history, health.TrendOptions{Tolerance: 1, Window: 4})
	fmt.Printf("%s by %.0f, %.1f points per 30 days, declining for %d snapshots %v\n",
		t.Direction, t.Change, t.Slope, t.Declining, err)
	// Output:
	// down by -8, -5.6 points per 30 days, declining for 3 snapshots <nil>
}

func ExampleDiff() {
	a := health.SampleConfig()
	b := health.SampleConfig()
	b.Profiles[1].Groups[0].Measures[0].Ramp.Good = 0.7
	changes, _ := health.Diff(a, b)
	for _, c := range changes {
		fmt.Println(c.Kind, c.Path, c.Old, "→", c.New)
	}
	// Output:
	// modified profiles[default].groups[Adoption].measures[usage].ramp.good 0.8 → 0.7
}

func ExampleFingerprint() {
	fp, _ := health.Fingerprint(health.SampleConfig())
	s, _ := health.Compile(health.SampleConfig())
	fmt.Println(len(fp), fp == s.Fingerprint())
	// Output:
	// 64 true
}

func ExampleMarshalConfig() {
	b, _ := health.MarshalConfig(health.Config{Version: "v1", Profiles: []health.Profile{{Name: "p",
		Groups: []health.Group{{Name: "g", Weight: 1, Measures: []health.Measure{
			{Name: "m", Signal: "usage", Weight: 1, Ramp: &health.Ramp{Bad: 0, Good: 1}}}}}}}})
	fmt.Println(string(b))
	// Output:
	// {"version":"v1","profiles":[{"name":"p","groups":[{"name":"g","weight":1,"measures":[{"name":"m","signal":"usage","weight":1,"ramp":{"bad":0,"good":1}}]}]}]}
}

func ExampleGradeScheme_Grade() {
	rag, letters := health.DefaultGrades(), health.LetterGrades()
	for _, s := range []float64{0, 50, 50.5, 75, 91} {
		_, a := rag.Grade(s)
		_, b := letters.Grade(s)
		fmt.Println(s, a, b)
	}
	// Output:
	// 0 red F
	// 50 red F
	// 50.5 yellow F
	// 75 yellow C
	// 91 green A
}

func ExampleWithFunc() {
	seats := func(c *cs.Customer) (float64, bool) {
		used, ok1 := c.Signals["seats_used"]
		bought, ok2 := c.Signals["seats_purchased"]
		if !ok1 || !ok2 || bought == 0 {
			return 0, false
		}
		return min(100, 100*used/bought), true
	}
	cfg := health.Config{Profiles: []health.Profile{{Name: "p", Groups: []health.Group{{Name: "Adoption", Weight: 1,
		Measures: []health.Measure{{Name: "seats", Func: "seats", Weight: 1}}}}}}}
	s, err := health.Compile(cfg, health.WithFunc("seats", seats))
	if err != nil {
		log.Fatal(err)
	}
	r, _ := s.Score(&cs.Customer{ID: "a", Signals: cs.Signals{"seats_used": 45, "seats_purchased": 50}}, asOf)
	fmt.Println(r.Score, r.Grade)
	// Output:
	// 90 green
}

func ExampleScorer_Batch() {
	s, _ := health.Compile(health.SampleConfig())
	book := []cs.Customer{
		account("a", 0.9, 9),
		{ID: "b"},
	}
	in := func(yield func(health.Input) bool) {
		for i := range book {
			if !yield(health.Input{Customer: &book[i]}) {
				return
			}
		}
	}
	_ = s.Batch(context.Background(), asOf, in, 4, func(i int, r health.Result, err error) error {
		fmt.Printf("%d %q %.1f %q unknown=%v cause=%q %v\n", i, r.CustomerID, r.Score, r.Grade, r.Unknown, r.Cause, err)
		return nil
	})
	// Output:
	// 0 "a" 86.8 "green" unknown=false cause="" <nil>
	// 1 "b" 0.0 "" unknown=true cause="coverage" <nil>
}
