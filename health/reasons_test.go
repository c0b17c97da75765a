package health

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
)

func TestReasons(t *testing.T) {
	cfg := twoGroups()
	cfg.Profiles[0].Vetoes = []Veto{{Name: "usage floor", Measure: "usage", Min: true}}
	s := mustCompile(t, cfg)
	d := cs.MustParseDate
	r, err := s.Score(&cs.Customer{ID: "c", Signals: cs.Signals{"usage": 0.4, "logins_30d": 20}}, day,
		Override{Measure: "logins", Points: 20, Reason: "logins are a bot", Author: "kim", SetAt: d("2026-06-01"), Expires: d("2026-09-01")})
	if err != nil {
		t.Fatal(err)
	}
	// Adoption = (3×40 + 1×20)/4 = 35 is the only group: computed 35, usage
	// floor 40 does not lower it.
	want := []string{
		"usage pulls the score down most: 40 points on 0.4, weight 75%, costing 45 points",
		"logins set to 20 by kim until 2026-09-01: logins are a bot",
		"nps has no value; its weight went to the other groups",
	}
	if diff := cmp.Diff(want, r.Reasons()); diff != "" {
		t.Errorf("Reasons (-want +got):\n%s", diff)
	}
	u, _ := mustCompile(t, func() Config { c := twoGroups(); c.Profiles[0].MinCoverage = 0.9; return c }()).
		Score(&cs.Customer{ID: "c", Signals: cs.Signals{"usage": 0.4}}, day)
	if got := u.Reasons()[0]; got != "unknown: only 45% of the weight has data, below the minimum 90%" {
		t.Errorf("Reasons()[0] = %q", got)
	}
}
