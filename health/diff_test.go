package health

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiff(t *testing.T) {
	a := SampleConfig()
	b, _ := cloneConfig(a)
	def := &b.Profiles[1]
	def.Groups[0].Measures[0].Weight = 4                                                                        // usage weight 3 → 4
	def.Groups[2].Measures[0].Bands[2].Points = 95                                                              // nps top band
	def.Groups[0].Measures = append(def.Groups[0].Measures[:1], def.Groups[0].Measures[2:]...)                  // drop usage_trend
	def.Groups[3].Measures[1], def.Groups[3].Measures[0] = def.Groups[3].Measures[0], def.Groups[3].Measures[1] // reorder: no change
	def.MinCoverage = 0.6
	b.Version = "sample-2026-07"
	b.Profiles[0], b.Profiles[1] = b.Profiles[1], b.Profiles[0]
	got, err := Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Path: "profiles", Kind: Reordered, Old: `["onboarding","default"]`, New: `["default","onboarding"]`},
		{Path: "profiles[default].groups[Adoption].measures[usage].weight", Kind: Modified, Old: "3", New: "4"},
		{Path: "profiles[default].groups[Adoption].measures[usage_trend]", Kind: Removed,
			Old: `{"name":"usage_trend","ramp":{"bad":-0.3,"good":0.1},"signal":"usage_trend","weight":2}`},
		{Path: "profiles[default].groups[Sentiment].measures[nps].bands[2].points", Kind: Modified, Old: "100", New: "95"},
		{Path: "profiles[default].min_coverage", Kind: Modified, Old: "0.5", New: "0.6"},
		{Path: "version", Kind: Modified, Old: `"sample-2026-06"`, New: `"sample-2026-07"`},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Diff (-want +got):\n%s", d)
	}
	if d, _ := Diff(a, a); len(d) != 0 {
		t.Errorf("Diff(a, a) = %v, want none", d)
	}
}
