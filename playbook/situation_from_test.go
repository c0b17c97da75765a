package playbook

import (
	"testing"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/touch"
)

// Health results reach health.score, health.grade, health.trend and
// health.declining_for through SetHealth; an Unknown result or a short history
// leaves them unknown.
func TestSetHealth(t *testing.T) {
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	c := &cs.Customer{ID: "C1", Segment: "mid_market", Stage: cs.StageAdoption, Signals: cs.Signals{
		"usage": 0.1, "usage_trend": -0.4, "seat_utilization": 0.2, "feature_adoption": 0.1,
		"logins_30d": 1, "days_since_login": 40, "nps": 2, "ces": 2, "tickets_90d": 12, "friction": 80,
	}}
	r, err := scorer.Score(c, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Unknown || r.Grade != "red" {
		t.Fatalf("fixture: want a red score, got %+v", r)
	}
	hist := []health.Snapshot{{AsOf: now.AddDays(-60), Score: 70}, {AsOf: now.AddDays(-30), Score: 55}, health.SnapshotOf(&r)}
	tr, err := health.ComputeTrend(hist, health.TrendOptions{Tolerance: 1})
	if err != nil {
		t.Fatal(err)
	}
	red, _ := Compile(All(Num("health.score", Lt, 50), Str("health.grade", Eq, "red"),
		Str("health.trend", Eq, "down"), Num("health.declining_for", Ge, 2)))

	s := NewSituation(c, now)
	if red.Eval(s) {
		t.Fatal("true before health is set")
	}
	s.SetHealth(&r, tr)
	if !red.Eval(s) || s.HealthScore != r.Score {
		t.Fatalf("after SetHealth: %+v", s)
	}

	// One known snapshot: no trend; an Unknown result: no score or grade.
	s.SetHealth(&health.Result{Unknown: true}, health.Trend{Direction: health.Down, Declining: 3, Known: 1})
	if s.HealthKnown || s.HealthGrade != "" || s.HealthTrend != "" || s.DecliningFor != 0 {
		t.Fatalf("unknown result kept values: %+v", s)
	}
	if known, _ := Compile(Any(Known("health.score"), Known("health.trend"))); known.Eval(s) {
		t.Fatal("health fields known after an Unknown result")
	}
	s.SetHealth(nil, health.Trend{Direction: health.Flat, Known: 2})
	if s.HealthTrend != "same" {
		t.Fatalf("flat trend = %q, want same", s.HealthTrend)
	}
}

// Tier assignments reach tier and community through SetTier.
func TestSetTier(t *testing.T) {
	s := NewSituation(&cs.Customer{ID: "C1"}, now)
	cond, _ := Compile(All(Str("tier", Eq, "low"), Is("community", true)))
	s.SetTier(touch.Assignment{ID: "C1", Tier: touch.Low, Community: touch.CommunityPromoter})
	if !cond.Eval(s) {
		t.Fatalf("after SetTier: tier %q community %v", s.Tier, s.Community)
	}
	s.SetTier(touch.Assignment{ID: "C1", Tier: touch.None})
	if s.Tier != "" || s.Community {
		t.Fatalf("after SetTier(None): tier %q community %v", s.Tier, s.Community)
	}
	if tiered, _ := Compile(Known("tier")); tiered.Eval(s) {
		t.Fatal("tier known for an account without one")
	}
}
