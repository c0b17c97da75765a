package playbook

import (
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	cs "github.com/successkit/cs"
)

// The default playbook's declared inputs: what each play reads, and what it
// cannot fire without. A change to default.json that changes them must change
// this table (and the package doc) too.
func TestDefaultReads(t *testing.T) {
	want := map[string]string{
		"onboarding-stalled":      "signal.feature_adoption signal.logins_30d stage! tenure_days!",
		"silent-risk":             "signal.ces signal.nps signal.tickets_90d! signal.usage_trend! stage!",
		"renewal-risk":            "days_to_renewal! health.grade health.trend",
		"high-effort-case-closed": "effort.friction! event.case_closed!",
		"expansion-seats":         "signal.seat_utilization! stage!",
		"tech-to-low-touch":       "health.grade! signal.seat_utilization! signal.usage! tier!",
		"community-invitation":    "community health.score! signal.feature_adoption!",
		"executive-review":        "stage! tier!",
	}
	got := map[string]string{}
	for _, r := range Default().Reads() {
		f := r.Field
		if r.Required {
			f += "!"
		}
		got[r.Play] = strings.TrimSpace(got[r.Play] + " " + f)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Default().Reads() (-want +got):\n%s", d)
	}
}

// A book whose customers have none of the sample book's usage signals leaves
// the plays that need them unable to fire, and Unmet names them.
func TestUnmet(t *testing.T) {
	has := func(f string) bool { return !strings.HasPrefix(f, "signal.") }
	var plays []string
	for _, r := range Default().Unmet(has) {
		plays = append(plays, r.String())
	}
	want := []string{
		"play silent-risk needs signal.tickets_90d", "play silent-risk needs signal.usage_trend",
		"play expansion-seats needs signal.seat_utilization",
		"play tech-to-low-touch needs signal.seat_utilization", "play tech-to-low-touch needs signal.usage",
		"play community-invitation needs signal.feature_adoption",
	}
	if d := cmp.Diff(want, plays); d != "" {
		t.Errorf("Unmet (-want +got):\n%s", d)
	}
}

// without removes the field from the situation and its previous one.
func without(s *Situation, field string) {
	for ; s != nil; s = s.Previous {
		c := *s.Customer
		c.Signals, c.Attributes = maps.Clone(s.Customer.Signals), maps.Clone(s.Customer.Attributes)
		s.Customer = &c
		switch {
		case strings.HasPrefix(field, "signal."):
			delete(c.Signals, field[len("signal."):])
		case strings.HasPrefix(field, "attr."):
			delete(c.Attributes, field[len("attr."):])
		case strings.HasPrefix(field, "event."):
			s.Events = nil
		}
		switch field {
		case "health.score":
			s.HealthKnown = false
		case "health.grade":
			s.HealthGrade = ""
		case "tier":
			s.Tier = ""
		case "effort.friction":
			s.FrictionKnown = false
		case "days_to_renewal":
			c.RenewalDate = cs.Date{}
		case "stage":
			c.Stage = cs.StageUnknown
		case "community":
			s.Community = false
		}
		s.Invalidate()
	}
}

// A field Reads marks required is one without which the condition is false,
// whatever the other fields say.
func TestRequiredReadsAreRequired(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genExpr(t, 3)
		c, err := Compile(e)
		if err != nil {
			t.Fatal(err)
		}
		reads := c.Reads()
		if len(reads) == 0 {
			t.Fatalf("%s reads nothing", e)
		}
		r := rapid.SampledFrom(reads).Draw(t, "read")
		s := genSituation(t, "C1")
		if rapid.Bool().Draw(t, "hasPrevious") {
			s.Previous = genSituation(t, "C1")
		}
		without(s, r.Field)
		if r.Required && c.Eval(s) {
			t.Fatalf("%s needs %s, yet is true without it", e, r.Field)
		}
	})
}
