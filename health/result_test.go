package health

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/successkit/cs"
)

func TestResultJSON(t *testing.T) {
	s := mustCompile(t, SampleConfig())
	c := &cs.Customer{ID: "a", Signals: cs.Signals{"usage": 0.5, "nps": 7, "logins_30d": 3, "days_since_login": 10}}
	o := Override{Measure: "nps", Points: 80, Reason: "r", Author: "kim", SetAt: day.AddDays(-1), Expires: day.AddDays(10)}
	r, err := s.Score(c, day, o)
	if err != nil {
		t.Fatal(err)
	}
	b1, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(r)
	if string(b1) != string(b2) {
		t.Error("encoding is not deterministic")
	}
	for _, want := range []string{`"as_of":"2026-06-30"`, `"status":"missing"`, `"status":"overridden"`, `"override":{"measure":"nps"`} {
		if !strings.Contains(string(b1), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b1)
		}
	}
	var back map[string]any
	if err := json.Unmarshal(b1, &back); err != nil {
		t.Fatal(err)
	}
	if Status(9).String() != "status(9)" || UnknownCause(9).String() != "cause(9)" || Down.String() != "down" {
		t.Error("words of out-of-range values")
	}
	if snap := SnapshotOf(&r); snap.AsOf != day || snap.Score != r.Score {
		t.Errorf("SnapshotOf = %+v", snap)
	}
}

func TestSelector(t *testing.T) {
	cfg := Config{Profiles: []Profile{
		{Name: "ent-annual", Select: Selector{Segments: []string{"enterprise"}, Attributes: map[string][]string{"contract": {"annual"}}}, Groups: twoGroups().Profiles[0].Groups},
		{Name: "renewal", Select: Selector{Stages: []cs.Stage{cs.StageRenewal}}, Groups: twoGroups().Profiles[0].Groups},
		{Name: "rest", Groups: twoGroups().Profiles[0].Groups},
	}}
	s := mustCompile(t, cfg)
	if got := s.Profiles(); strings.Join(got, ",") != "ent-annual,renewal,rest" {
		t.Errorf("Profiles = %v", got)
	}
	for _, tc := range []struct {
		c    cs.Customer
		want string
	}{
		// Every list must match: segment and contract.
		{cs.Customer{ID: "1", Segment: "enterprise", Attributes: cs.Attributes{"contract": "annual"}}, "ent-annual"},
		// Contract monthly fails the first selector; stage renewal takes the second.
		{cs.Customer{ID: "2", Segment: "enterprise", Stage: cs.StageRenewal, Attributes: cs.Attributes{"contract": "monthly"}}, "renewal"},
		// An absent attribute does not match.
		{cs.Customer{ID: "3", Segment: "enterprise"}, "rest"},
	} {
		r, err := s.Score(&tc.c, day)
		if err != nil || r.Profile != tc.want {
			t.Errorf("customer %s: profile %q (%v), want %q", tc.c.ID, r.Profile, err, tc.want)
		}
	}
	if g := cfg.Profiles[0].GradeScheme(); g.Name != "rag" || len(g.Bands) != 3 {
		t.Errorf("default GradeScheme = %+v", g)
	}
	if cp := s.Config(); len(cp.Profiles) != 3 || cp.Profiles[0].Select.Attributes["contract"][0] != "annual" {
		t.Errorf("Config() = %+v", cp)
	}
}
