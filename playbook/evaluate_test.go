package playbook

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/effort"
)

func customer(id, mrr string, stage cs.Stage, sig cs.Signals) *cs.Customer {
	return &cs.Customer{ID: id, Stage: stage, MRR: cs.MustParseMoney(mrr), Signals: sig,
		ContractStart: cs.MustParseDate("2025-07-01"), RenewalDate: cs.MustParseDate("2026-08-29")}
}

func playIDs(tasks []Task) string {
	var b []string
	for _, t := range tasks {
		b = append(b, t.CustomerID+":"+t.Key[strings.IndexByte(t.Key, '/')+1:])
	}
	return strings.Join(b, " ")
}

// Each default play fires for the situation its purpose describes.
func TestDefaultPlaybook(t *testing.T) {
	pb := Default()
	tests := []struct {
		name string
		s    *Situation
		want string
	}{
		{"renewal in 60 days with red health, high touch (renewal at risk; the touch model of the S-cubism article)",
			&Situation{Customer: customer("C1", "900 USD", cs.StageRenewal, cs.Signals{"usage_trend": 0}), HealthScore: 35, HealthKnown: true, HealthGrade: "red", Tier: "high"},
			"C1:renewal-risk#0 C1:renewal-risk#1 C1:executive-review#0"},
		{"silent risk: usage falling, no tickets, no survey (the silently dissatisfied: ECのミカタ, undated)",
			&Situation{Customer: customer("C2", "100 USD", cs.StageAdoption, cs.Signals{"usage_trend": -0.3, "tickets_90d": 0}), Tier: "low"},
			"C2:silent-risk#0"},
		{"an answered survey is not silent",
			&Situation{Customer: customer("C3", "100 USD", cs.StageAdoption, cs.Signals{"usage_trend": -0.3, "tickets_90d": 0, "nps": 3}), Tier: "low"},
			""},
		{"high-effort case closed (next issue avoidance: Razavi 2019; Dixon, Toman & DeLisi 2013)",
			&Situation{Customer: customer("C4", "100 USD", cs.StageAdoption, nil), Friction: 72, FrictionKnown: true, Events: []string{"case_closed"}, Tier: "low"},
			"C4:high-effort-case-closed#0"},
		{"seats 90% used, entering",
			&Situation{Customer: customer("C5", "100 USD", cs.StageExpansion, cs.Signals{"seat_utilization": 0.95}), Tier: "low"},
			"C5:expansion-seats#0"},
		{"healthy power user joins the community; tech-touch ready to move up (the community-touch column, 2024)",
			&Situation{Customer: customer("C6", "50 USD", cs.StageAdoption, cs.Signals{"feature_adoption": 0.8, "usage": 0.7, "seat_utilization": 0.85}), HealthScore: 88, HealthKnown: true, HealthGrade: "green", Tier: "tech"},
			"C6:tech-to-low-touch#0 C6:community-invitation#0"},
	}
	for _, tt := range tests {
		tt.s.Now = cs.MustParseDate("2026-06-30")
		tasks, err := pb.Evaluate(tt.s, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := playIDs(tasks); got != tt.want {
			t.Errorf("%s: Evaluate = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Onboarding stalled needs 30 days of tenure: the contract start is read with now.
func TestOnboardingStalled(t *testing.T) {
	c := customer("C7", "100 USD", cs.StageOnboarding, cs.Signals{"logins_30d": 2})
	c.ContractStart, c.RenewalDate = cs.MustParseDate("2026-06-01"), cs.MustParseDate("2027-06-01")
	s := &Situation{Customer: c, Now: cs.MustParseDate("2026-06-20")}
	if tasks, _ := Default().Evaluate(s, nil); len(tasks) != 0 {
		t.Errorf("19 days in: %q, want none", playIDs(tasks))
	}
	s = &Situation{Customer: c, Now: cs.MustParseDate("2026-07-01")}
	if tasks, _ := Default().Evaluate(s, nil); playIDs(tasks) != "C7:onboarding-stalled#0 C7:onboarding-stalled#1" {
		t.Errorf("30 days in: %q", playIDs(tasks))
	}
}

// Cooldown, update of an open task and closing it.
func TestHistory(t *testing.T) {
	pb, err := New(Play{ID: "p", Name: "p", Priority: Must, When: Num("health.score", Lt, 50), CooldownDays: 7,
		Actions: []Action{{Title: "call", Channel: "call", Owner: "csm", DueDays: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	var h History
	s := &Situation{Customer: customer("C1", "10 USD", cs.StageAdoption, nil), HealthScore: 40, HealthKnown: true, Now: cs.MustParseDate("2026-06-01")}
	tasks, _ := pb.Evaluate(s, &h)
	if len(tasks) != 1 || tasks[0].Update || tasks[0].Due != cs.MustParseDate("2026-06-03") {
		t.Fatalf("first: %+v", tasks)
	}
	h.Record(tasks)
	s.Now = cs.MustParseDate("2026-06-07") // 6 days later: cooling down
	if tasks, _ := pb.Evaluate(s, &h); len(tasks) != 0 {
		t.Fatalf("within cooldown: %+v", tasks)
	}
	s.Now = cs.MustParseDate("2026-06-08") // 7 days later: fires again, updating the open task
	tasks, _ = pb.Evaluate(s, &h)
	if len(tasks) != 1 || !tasks[0].Update {
		t.Fatalf("after cooldown: %+v", tasks)
	}
	h.Record(tasks)
	if len(h.Open(s.Now)) != 1 || h.Done(tasks[0].Key, s.Now, "ana", "") != nil || len(h.Open(s.Now)) != 0 {
		t.Fatalf("open tasks: %+v", h.Open(s.Now))
	}
	if got := h.Fires("C1", "p"); len(got) != 2 {
		t.Fatalf("fires = %v", got)
	}
	log := h.FireLog()
	if len(log) != 2 || log[0] != (Fire{"C1", "p", cs.MustParseDate("2026-06-01")}) || log[1].Date != cs.MustParseDate("2026-06-08") {
		t.Fatalf("FireLog = %v", log)
	}
}

// A bad situation is an error for that record only.
func TestEvaluateAllErrors(t *testing.T) {
	pb := Default()
	good := &Situation{Customer: customer("C1", "900 USD", cs.StageRenewal, nil), HealthGrade: "red", Now: now}
	sits := []*Situation{
		{Customer: &cs.Customer{}, Now: now}, // no ID
		good,
		{Customer: customer("C2", "1 USD", cs.StageAdoption, nil)},           // no date
		{Customer: customer("C1", "1 USD", cs.StageAdoption, nil), Now: now}, // duplicate
	}
	tasks, err := pb.EvaluateAll(sits, nil)
	list := problemsOf(err)
	if len(list) != 3 || len(tasks) != 2 {
		t.Fatalf("EvaluateAll: %d tasks, errors %v", len(tasks), err)
	}
	for i, want := range []struct {
		err   error
		field string
	}{{cs.ErrMissing, "situations[0].customer.id"}, {cs.ErrInvalidDate, "situations[2].now"}, {cs.ErrDuplicate, "situations[3].customer.id"}} {
		if !errors.Is(list[i], want.err) || fieldOf(list[i]) != want.field {
			t.Errorf("problem %d = %v, want %v at %s", i, list[i], want.err, want.field)
		}
	}
	if !strings.HasPrefix(err.Error(), "playbook: ") {
		t.Errorf("error %q has no package prefix", err)
	}
}

// Order: priority, then MRR at risk (higher first), then customer ID.
func TestTaskOrder(t *testing.T) {
	pb, _ := New(
		Play{ID: "a", Name: "a", Priority: Could, When: Known("tier"), Actions: []Action{{Title: "a", Channel: "email", Owner: "automated"}}},
		Play{ID: "b", Name: "b", Priority: Must, When: Str("tier", Eq, "high"), Actions: []Action{{Title: "b", Channel: "call", Owner: "csm"}}},
	)
	sits := []*Situation{
		{Customer: customer("C3", "100 USD", cs.StageAdoption, nil), Tier: "high", Now: now},
		{Customer: customer("C1", "100 USD", cs.StageAdoption, nil), Tier: "high", Now: now},
		{Customer: customer("C2", "500 USD", cs.StageAdoption, nil), Tier: "high", Now: now},
	}
	tasks, _ := pb.EvaluateAll(sits, nil)
	if got, want := playIDs(tasks), "C2:b#0 C1:b#0 C3:b#0 C2:a#0 C1:a#0 C3:a#0"; got != want {
		t.Errorf("order = %q, want %q", got, want)
	}
}

// problemsOf returns the problems a joined error lists, or the error itself.
func problemsOf(err error) []error {
	if err == nil {
		return nil
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			return j.Unwrap()
		}
	}
	return []error{err}
}

// Each bad play is reported at its path, with every problem of the document.
func TestPlayErrors(t *testing.T) {
	tests := []struct{ json, path string }{
		{`{"plays":[{"id":"a","name":"a","priority":"must","when":{"field":"tier","op":"exists"},"actions":[{"title":"t","channel":"fax","owner":"csm"}]}]}`, "plays[0].actions[0].channel"},
		{`{"plays":[{"id":"a","name":"a","priority":"must","when":{"field":"tier","op":"exists"},"actions":[{"title":"t","channel":"call","owner":"csm"}],"tiers":["mid"]}]}`, "plays[0].tiers[0]"},
		{`{"plays":[{"id":"a","name":"a","priority":"must","when":{"field":"tier","op":"exists"},"actions":[]}]}`, "plays[0].actions"},
		{`{"plays":[{"id":"a","name":"a","priority":"must","when":{"field":"tier","op":"exists"},"actions":[{"title":"t","channel":"call","owner":"csm"}],"cooldown_days":-1}]}`, "plays[0].cooldown_days"},
		{`{"plays":[{"id":"a","name":"a","priority":"must","when":{"field":"tier","op":"exists"},"actions":[{"title":"t","channel":"call","owner":"csm"}]},{"id":"b","name":"b","priority":"must","when":{"field":"tie","op":"exists"},"actions":[{"title":"t","channel":"call","owner":"csm"}]}]}`, "plays[1].when.field"},
		{`{"plays":[{"id":"a","priority":"urgent"}]}`, "plays[0].priority"},
		{`{"plays":[{"id":"a","colour":"red"}]}`, "plays[0].colour"},
		{`{"plays":{}}`, "plays"},
		{`{"plays":[{"id":"a","id":"b"}]}`, "plays[0].id"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.json))
		if fieldOf(err) != tt.path || strings.Contains(err.Error(), "Go struct") {
			t.Errorf("Parse(%s) = %v, want path %s", tt.json, err, tt.path)
		}
	}
	// A play with many problems reports them all.
	_, err := Parse([]byte(`{"plays":[{"id":"","priority":"must","when":{},"actions":[{"title":"","channel":"fax","owner":"cfo","due_days":-1}]}]}`))
	var fields []string
	for _, e := range problemsOf(err) {
		fields = append(fields, fieldOf(e))
	}
	want := "plays[0].id plays[0].actions[0].title plays[0].actions[0].channel plays[0].actions[0].owner plays[0].actions[0].due_days plays[0].when"
	if got := strings.Join(fields, " "); got != want {
		t.Errorf("problems at %s\nwant %s\n%v", got, want, err)
	}
}

// Effort results reach the conditions through SetEffort and through signals.
func TestSetEffort(t *testing.T) {
	cond, _ := Compile(All(Num("effort.friction", Ge, 60), Num("effort.fcr", Lt, 0.5), Known("effort.ces")))
	s := NewSituation(&cs.Customer{ID: "C1", Signals: cs.Signals{"friction": 70, "fcr_rate": 0.2, "ces": 3}}, now)
	if cond.Eval(s) {
		t.Fatal("true before effort is set")
	}
	s.SetEffortFromSignals()
	if !cond.Eval(s) {
		t.Fatal("false after SetEffortFromSignals")
	}
	s.SetEffort(effort.CustomerEffort{CustomerID: "C1", HasFriction: true, Friction: effort.CustomerFriction{Friction: 80, Resolved: 2, FCRRate: 0.5}})
	if cond.Eval(s) || s.FCR != 0.5 || s.CESKnown {
		t.Fatalf("after SetEffort: %+v", s)
	}
}

// The default playbook documents every play and reads only the sample book's
// signal names (the customer layout of the cs package's README).
func TestDefaultVocabulary(t *testing.T) {
	vocabulary := []string{"usage", "usage_trend", "seats_used", "seats_purchased", "seat_utilization", "logins_30d",
		"days_since_login", "feature_adoption", "nps", "ces", "tickets_90d", "friction"}
	var walk func(e Expr, id string)
	walk = func(e Expr, id string) {
		for _, k := range append(append([]Expr{}, e.All...), e.Any...) {
			walk(k, id)
		}
		for _, k := range []*Expr{e.Not, e.Entering} {
			if k != nil {
				walk(*k, id)
			}
		}
		if name, ok := strings.CutPrefix(e.Field, "signal."); ok && !slices.Contains(vocabulary, name) {
			t.Errorf("%s reads signal %q, not in the sample book's vocabulary", id, name)
		}
	}
	for _, p := range Default().Plays() {
		if p.Purpose == "" || p.Name == "" {
			t.Errorf("%s: no name or purpose", p.ID)
		}
		walk(p.When, p.ID)
	}
}

// TestEvaluateRefusesBadNumbers checks that a known number outside its field's
// domain, NaN or infinite, is an error naming the field: NaN was read as missing,
// so a "not" condition fired on it, and a score of 150 was compared as if valid.
func TestEvaluateRefusesBadNumbers(t *testing.T) {
	c := cs.Customer{ID: "c1", Stage: cs.StageAdoption, MRR: cs.MustParseMoney("100 USD")}
	for _, tc := range []struct {
		set  func(s *Situation)
		want string
	}{
		{func(s *Situation) { s.HealthScore, s.HealthKnown = math.NaN(), true }, "situation.health.score"},
		{func(s *Situation) { s.HealthScore, s.HealthKnown = 150, true }, "situation.health.score"},
		{func(s *Situation) { s.Friction, s.FrictionKnown = math.Inf(1), true }, "situation.effort.friction"},
		{func(s *Situation) { s.FCR, s.FCRKnown = -0.5, true }, "situation.effort.fcr"},
		{func(s *Situation) { s.CES, s.CESKnown = 9, true }, "situation.effort.ces"},
		{func(s *Situation) {
			s.Previous = NewSituation(&c, cs.MustParseDate("2026-06-01"))
			s.Previous.HealthScore, s.Previous.HealthKnown = -1, true
		}, "situation.previous.health.score"},
	} {
		s := NewSituation(&c, cs.MustParseDate("2026-06-30"))
		tc.set(s)
		_, err := Default().Evaluate(s, nil)
		if err == nil || !errors.Is(err, cs.ErrRange) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Evaluate = %v, want an out-of-range error naming %s", err, tc.want)
		}
	}
	// The bounds themselves and unknown values are fine.
	s := NewSituation(&c, cs.MustParseDate("2026-06-30"))
	s.HealthScore, s.HealthKnown = 100, true
	s.Friction, s.FrictionKnown = 0, true
	s.FCR, s.FCRKnown = 1, true
	s.CES, s.CESKnown = 1, true
	s.Friction = math.NaN()
	s.FrictionKnown = false
	if _, err := Default().Evaluate(s, nil); err != nil {
		t.Errorf("Evaluate at the bounds = %v, want nil", err)
	}
}

// A customer ID with a control character is refused, naming the field, as
// every reader of the module refuses it.
func TestEvaluateRefusesBadID(t *testing.T) {
	s := NewSituation(&cs.Customer{ID: "C1\x00"}, now)
	if _, err := Default().Evaluate(s, nil); !errors.Is(err, cs.ErrInvalidID) || fieldOf(err) != "situation.customer.id" {
		t.Errorf("Evaluate = %v, want cs.ErrInvalidID at situation.customer.id", err)
	}
}
