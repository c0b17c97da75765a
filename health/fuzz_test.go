package health

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
)

// FuzzParseConfig decodes arbitrary bytes: never a panic; whatever decodes
// compiles and round-trips through MarshalConfig unchanged.
func FuzzParseConfig(f *testing.F) {
	f.Add(SampleJSON())
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"profiles":[{"name":"p","groups":[{"name":"g","weight":1,"measures":[{"name":"m","signal":"x","weight":1,"bands":[{"min":0,"max":1,"points":50}]}]}]}]}`))
	f.Add([]byte(`{"profiles":[{"name":"p","select":{"stages":["renewal"],"attributes":{"plan":["growth"]}},"groups":[{"name":"g","weight":1,"measures":[{"name":"m","attribute":"plan","weight":1,"categories":{"values":{"growth":70},"unknown":"points","unknown_points":10}}]}]}]}`))
	f.Add([]byte(`{"profiles":[{"name":"p","groups":[{"name":"g","weight":"1"}]}]} trailing`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(`{"profiles":[{"name":"p","grades":{"bands":[{"label":"x","max":1e999}]}}]}`))
	f.Add([]byte(`{"profiles":[{"name":"p","groups":[{"name":"g","weight":1,"measures":[{"name":"m","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]}],` +
		`"calibration":{"method":"isotonic","horizon_days":180,"steps":[{"from":0,"to":40,"p":0.3,"low":0.2,"high":0.4,"rows":10,"churners":3},` +
		`{"from":41,"to":100,"p":0.05,"low":0.02,"high":0.1,"rows":90,"churners":4}],"rows":100,"churners":7}}]}`))
	f.Add([]byte(`{"profiles":[{"name":"p","groups":[{"name":"g","weight":1,"measures":[{"name":"m","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]}],` +
		`"calibration":{"method":"platt","horizon_days":90,"platt":{"intercept":1.4,"slope":-0.05,"var_intercept":0.2,"covariance":-0.003,"var_slope":0.00004},"rows":10,"churners":2}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data)
		if err != nil {
			return
		}
		s, err := Compile(cfg)
		if err != nil {
			if usesFunc(cfg) {
				return // Go functions are registered at Compile; none here
			}
			t.Fatalf("ParseConfig accepted what Compile refuses: %v", err)
		}
		b, err := MarshalConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(b)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, b)
		}
		if d := cmp.Diff(cfg, back); d != "" {
			t.Fatalf("round trip (-want +got):\n%s", d)
		}
		if fp, _ := Fingerprint(back); fp != s.Fingerprint() {
			t.Fatal("fingerprint changed by a round trip")
		}
	})
}

// FuzzScore scores arbitrary customers (JSON) with arbitrary configurations:
// never a panic, every score in [0,100] or Unknown, and the columnar path
// agreeing with Score whenever the profile can be planned.
func FuzzScore(f *testing.F) {
	// Small seeds keep the fuzzer's minimisation quick.
	small := []byte(`{"profiles":[{"name":"p","min_coverage":0.3,"groups":[` +
		`{"name":"a","weight":2,"measures":[{"name":"u","signal":"usage","weight":3,"ramp":{"bad":0.2,"good":0.8}},` +
		`{"name":"n","signal":"nps","weight":1,"bands":[{"max":6,"max_inclusive":true,"points":0},{"min":6,"points":100}]}]},` +
		`{"name":"b","weight":1,"measures":[{"name":"t","signal":"tickets","weight":1,"missing":"neutral","steps":{"below":100,"thresholds":[{"at":3,"points":40}]}}]}],` +
		`"vetoes":[{"name":"v","group":"a","grade":"red","cap":40}]}]}`)
	f.Add(small, []byte(`{"id":"a","signals":{"nps":7,"tickets":4}}`), 0.5)
	f.Add(small, []byte(`{"id":"b","signals":{"nps":2}}`), 1e300)
	f.Add(SampleJSON(), []byte(`{"id":"c","stage":"onboarding","signals":{"usage":0.4,"nps":7}}`), 0.5)
	f.Add([]byte(`{"profiles":[{"name":"p","missing":"required","groups":[{"name":"g","weight":1,"measures":[{"name":"m","signal":"x","weight":1,"ramp":{"bad":1,"good":-1,"bounded":true}}]}]}]}`), []byte(`{"id":"c","signals":{"x":0}}`), -3.0)
	f.Fuzz(func(t *testing.T, cfgJSON, customerJSON []byte, extra float64) {
		cfg, err := ParseConfig(cfgJSON)
		if err != nil {
			return
		}
		s, err := Compile(cfg)
		if err != nil {
			if usesFunc(cfg) {
				return
			}
			t.Fatal(err)
		}
		var c cs.Customer
		if json.Unmarshal(customerJSON, &c) != nil {
			return
		}
		if c.Signals == nil {
			c.Signals = cs.Signals{}
		}
		c.Signals["usage"] = extra // may be anything, NaN and ±Inf included
		r, err := s.Score(&c, day)
		if err != nil {
			return
		}
		if r.Unknown && (r.Score != 0 || r.Grade != "") || !r.Unknown && !(r.Score >= 0 && r.Score <= 100) {
			t.Fatalf("result %v %q unknown %v", r.Score, r.Grade, r.Unknown)
		}
		_ = r.Reasons()
		pi := s.match(&c)
		names := c.Signals.Names()
		pl, err := s.Plan(s.profiles[pi].name, names)
		if err != nil {
			return
		}
		cols := &Columns{Names: names}
		for _, n := range names {
			cols.Values = append(cols.Values, []float64{c.Signals[n]})
		}
		out := make([]Scored, 1)
		if err := pl.Score(context.Background(), cols, out, 1); err != nil {
			t.Fatalf("columnar refused what Score accepted: %v", err)
		}
		if math.Float64bits(out[0].Score) != math.Float64bits(r.Score) || out[0].Cause != r.Cause {
			t.Fatalf("columnar %+v, Score %v %v", out[0], r.Score, r.Cause)
		}
	})
}

func usesFunc(c Config) bool {
	for _, p := range c.Profiles {
		for _, g := range p.Groups {
			for _, m := range g.Measures {
				if m.Func != "" {
					return true
				}
			}
		}
	}
	return false
}
