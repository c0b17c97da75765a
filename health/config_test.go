package health

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseConfigErrors(t *testing.T) {
	const head = `{"profiles":[{"name":"p","groups":[`
	tests := []struct {
		name string
		in   string
		want string // one problem of the list, after "invalid configuration: "
	}{
		// The error example of the package doc: a band whose upper bound is below its lower.
		{"band order", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]},
			{"name":"b","weight":1,"measures":[{"name":"y","signal":"y","weight":1,"bands":[
			{"min":0,"max":10,"points":0},{"min":10,"max":50,"points":50},{"min":50,"max":40,"points":100}]}]}]}]}`,
			"profiles[0].groups[1].measures[0].bands[2]: upper bound 40 is below lower bound 50"},
		// Strict decoding: an unknown field is named by its path.
		{"unknown field", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":0,"good":1,"steep":true}}]}]}]}`,
			"profiles[0].groups[0].measures[0].ramp.steep: unknown field"},
		// A string where a number belongs.
		{"type", head + `{"name":"a","weight":"heavy","measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]}]}]}`,
			`profiles[0].groups[0].weight: "heavy": wrong type: want a number, got a string`},
		// Negative weights are refused.
		{"negative weight", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":-1,"ramp":{"bad":0,"good":1}}]}]}]}`,
			"profiles[0].groups[0].measures[0].weight: weight -1 is not a non-negative number"},
		// Bands overlapping at a bound both sides include.
		{"overlap", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1,"bands":[
			{"max":10,"max_inclusive":true,"points":0},{"min":10,"min_inclusive":true,"points":100}]}]}]}]}`,
			"profiles[0].groups[0].measures[0].bands[1]: lower bound 10 overlaps the band before (upper bound 10)"},
		// Two curves on one measure.
		{"two curves", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":0,"good":1},"func":"f"}]}]}]}`,
			"profiles[0].groups[0].measures[0]: 2 curves, want exactly one of ramp, bands, steps, categories or func"},
		// Categories must say what an unlisted value scores.
		{"unknown rule", head + `{"name":"a","weight":1,"measures":[{"name":"x","attribute":"plan","weight":1,"categories":{"values":{"growth":70}}}]}]}]}`,
			"profiles[0].groups[0].measures[0].categories.unknown: missing (say what an unlisted value scores: missing or points)"},
		// A grade scheme must end at 100.
		{"grades end", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]}],
			"grades":{"bands":[{"label":"low","max":40},{"label":"high","max":90}]}}]}`,
			"profiles[0].grades.bands[1].max: the last band ends at 90, want 100"},
		// A veto naming a measure that does not exist.
		{"veto measure", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]}],
			"vetoes":[{"name":"v","measure":"nope","min":true}]}]}`,
			`profiles[0].vetoes[0].measure: unknown measure "nope"`},
		// Trailing data after the document.
		{"trailing", `{"profiles":[]} {}`, `$: "{}": syntax error: data after the JSON value`},
		// A bad stage word in a selector.
		{"stage", `{"profiles":[{"name":"p","select":{"stages":["teen"]},"groups":[]}]}`,
			`profiles[0].select.stages[0]: "teen": unknown lifecycle stage`},
		// A profile after the catch-all can never apply.
		{"unreachable", `{"profiles":[{"name":"all","groups":[]},{"name":"ent","select":{"segments":["enterprise"]},"groups":[]}]}`,
			`profiles[1]: unreachable: profiles[0] ("all") before it matches every customer`},
		// A key given twice is refused rather than silently overwritten.
		{"duplicate key", `{"version":"a","version":"b","profiles":[]}`, "version: duplicate key"},
		// A ramp whose span good − bad overflows: every value would score NaN
		// points and the NaN score would be graded as the top band.
		{"ramp span", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":-1.7e308,"good":1.7e308}}]}]}]}`,
			"profiles[0].groups[0].measures[0].ramp: good − bad overflows"},
		// Measure weights whose sum overflows leave every nominal share 0, so
		// every customer would silently be Unknown.
		{"measure weight sum", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1e308,"ramp":{"bad":0,"good":1}},
			{"name":"y","signal":"y","weight":1e308,"ramp":{"bad":0,"good":1}}]}]}]}`,
			"profiles[0].groups[0].measures: measure weights sum to +Inf"},
		// A finite sum whose product with 100 points overflows: the weighted
		// sum would be +Inf and every score 100.
		{"measure weight too large", head + `{"name":"a","weight":1,"measures":[{"name":"x","signal":"x","weight":1e307,"ramp":{"bad":0,"good":1}}]}]}]}`,
			"profiles[0].groups[0].measures: measure weights sum to 1e+307, too large to weigh 100 points"},
		{"group weight too large", head + `{"name":"a","weight":1e307,"measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]}]}]}`,
			"profiles[0].groups: group weights sum to 1e+307, too large to weigh 100 points"},
		// Likewise for group weights.
		{"group weight sum", head + `{"name":"a","weight":1e308,"measures":[{"name":"x","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]},
			{"name":"b","weight":1e308,"measures":[{"name":"y","signal":"y","weight":1,"ramp":{"bad":0,"good":1}}]}]}]}`,
			"profiles[0].groups: group weights sum to +Inf"},
		// No profile at all.
		{"empty", `{}`, "profiles: no profile"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.in))
			if err == nil {
				t.Fatalf("ParseConfig = nil error, want %q", tc.want)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("error %v does not wrap ErrInvalidConfig", err)
			}
			msg, ok := strings.CutPrefix(err.Error(), "health: invalid configuration: ")
			found := false
			for _, line := range strings.Split(msg, "\n") {
				found = found || strings.HasPrefix(line, tc.want)
			}
			found = found && ok
			if !found {
				t.Errorf("ParseConfig error = %q, want a line %q", err, tc.want)
			}
		})
	}
}

func TestSampleConfig(t *testing.T) {
	c := SampleConfig()
	b, err := MarshalConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(c, back); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	s := mustCompile(t, c)
	if s.Version() != "sample-2026-06" || len(s.Fingerprint()) != 64 {
		t.Errorf("version %q fingerprint %q", s.Version(), s.Fingerprint())
	}
	fp, _ := Fingerprint(back)
	if fp != s.Fingerprint() {
		t.Errorf("fingerprint changed by a round trip: %s vs %s", fp, s.Fingerprint())
	}
}
