package playbook_test

import (
	"fmt"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

func ExampleParseCondition() {
	cond, err := playbook.ParseCondition([]byte(`{"all": [
		{"field": "health.score", "op": "<", "value": 50},
		{"field": "days_to_renewal", "op": "<=", "value": 90},
		{"any": [{"field": "tier", "op": "==", "value": "high"},
		         {"field": "signal.usage_trend", "op": "<", "value": -0.2}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := &playbook.Situation{
		Customer:    &cs.Customer{ID: "C1", RenewalDate: cs.MustParseDate("2026-08-29"), Signals: cs.Signals{"usage_trend": -0.25}},
		Now:         cs.MustParseDate("2026-06-30"),
		HealthScore: 42, HealthKnown: true, Tier: "low",
	}
	fmt.Println(cond.Eval(s))
	for _, m := range cond.Explain(s) {
		fmt.Println(m)
	}
	_, err = playbook.ParseCondition([]byte(`{"all": [{"field": "health.score", "op": ">", "value": 120}]}`))
	fmt.Println(err)
	// Output:
	// true
	// health.score < 50 (got 42)
	// days_to_renewal <= 90 (got 60)
	// signal.usage_trend < -0.2 (got -0.25)
	// playbook: when.all[0]: impossible comparison: > 120 is never true (bounds 0..100)
}

func ExampleCompile() {
	// The same kind of condition, built in Go: entering red health.
	cond, err := playbook.Compile(playbook.Entering(playbook.Str("health.grade", playbook.Eq, "red")))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &cs.Customer{ID: "C1"}
	monday := &playbook.Situation{Customer: c, Now: cs.MustParseDate("2026-06-29"), HealthGrade: "yellow"}
	tuesday := &playbook.Situation{Customer: c, Now: cs.MustParseDate("2026-06-30"), HealthGrade: "red", Previous: monday}
	wednesday := &playbook.Situation{Customer: c, Now: cs.MustParseDate("2026-07-01"), HealthGrade: "red", Previous: tuesday}
	fmt.Println(cond.Eval(monday), cond.Eval(tuesday), cond.Eval(wednesday))
	fmt.Println(cond.Expr())
	// Output:
	// false true false
	// {"entering":{"field":"health.grade","op":"==","value":"red"}}
}

func ExampleDefault() {
	pb := playbook.Default()
	for _, p := range pb.Plays() {
		fmt.Printf("%-6s %s\n", p.Priority, p.ID)
	}
	// Output:
	// must   onboarding-stalled
	// must   silent-risk
	// must   renewal-risk
	// should high-effort-case-closed
	// should expansion-seats
	// could  tech-to-low-touch
	// could  community-invitation
	// should executive-review
}

func ExamplePlaybook_Evaluate() {
	pb := playbook.Default()
	var h playbook.History
	s := &playbook.Situation{
		Customer: &cs.Customer{ID: "C1", Stage: cs.StageRenewal, RenewalDate: cs.MustParseDate("2026-08-29"),
			MRR: cs.MustParseMoney("900 USD")},
		Now:         cs.MustParseDate("2026-06-30"),
		HealthGrade: "red", HealthTrend: "down", Tier: "low",
	}
	tasks, err := pb.Evaluate(s, &h)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range tasks {
		fmt.Println(t.Key, t.Priority, t.Action.Owner, t.Due, t.Reason.Matches[2])
	}
	h.Record(tasks)
	// Tomorrow the cooldown holds the play back.
	s.Now = s.Now.AddDays(1)
	tasks, _ = pb.Evaluate(s, &h)
	fmt.Println(len(tasks), "tasks the next day")
	// Output:
	// C1/renewal-risk#0 must csm 2026-07-07 health.grade == "red" (got "red")
	// C1/renewal-risk#1 must executive_sponsor 2026-07-14 health.grade == "red" (got "red")
	// 0 tasks the next day
}

func ExamplePlaybook_EvaluateAll() {
	pb := playbook.Default()
	now := cs.MustParseDate("2026-06-30")
	renewal := cs.MustParseDate("2026-08-01")
	sits := []*playbook.Situation{
		{Customer: &cs.Customer{ID: "B", Stage: cs.StageRenewal, RenewalDate: renewal, MRR: cs.MustParseMoney("100 USD")}, Now: now, HealthGrade: "red"},
		{Customer: &cs.Customer{ID: "A", Stage: cs.StageRenewal, RenewalDate: renewal, MRR: cs.MustParseMoney("700 USD")}, Now: now, HealthGrade: "red"},
		{Customer: &cs.Customer{ID: ""}, Now: now},
	}
	tasks, err := pb.EvaluateAll(sits, nil)
	for _, t := range tasks {
		fmt.Println(t.Key, t.MRR)
	}
	fmt.Println(err)
	// Output:
	// A/renewal-risk#0 700.00 USD
	// A/renewal-risk#1 700.00 USD
	// B/renewal-risk#0 100.00 USD
	// B/renewal-risk#1 100.00 USD
	// playbook: situations[2].customer.id: missing
}

func ExamplePlan() {
	pb := playbook.Default()
	now := cs.MustParseDate("2026-06-30")
	var sits []*playbook.Situation
	for i, mrr := range []string{"300 USD", "900 USD", "500 USD"} {
		sits = append(sits, &playbook.Situation{
			Customer: &cs.Customer{ID: fmt.Sprintf("C%d", i), Stage: cs.StageAdoption, RenewalDate: now.AddDays(60), MRR: cs.MustParseMoney(mrr)},
			Now:      now, HealthGrade: "red",
		})
	}
	tasks, _ := pb.EvaluateAll(sits, nil)
	sched, err := playbook.Plan(tasks, map[string]playbook.Capacity{"csm": {Hours: 4}, "executive_sponsor": {Slots: 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range sched.Do {
		fmt.Println("do", t.Key)
	}
	for _, d := range sched.Deferred {
		fmt.Println("defer", d.Task.Key+":", d.Why)
	}
	// Output:
	// do C1/renewal-risk#0
	// do C1/renewal-risk#1
	// do C2/renewal-risk#0
	// defer C2/renewal-risk#1: must-do task over capacity: executive_sponsor: all 1 slots taken by higher-ranked tasks (1 must, 0 should, 0 could); add capacity or accept the risk
	// defer C0/renewal-risk#0: must-do task over capacity: csm: 0 of 4 hours left, task needs 2 (used by 2 must, 0 should, 0 could); add capacity or accept the risk
	// defer C0/renewal-risk#1: must-do task over capacity: executive_sponsor: all 1 slots taken by higher-ranked tasks (1 must, 0 should, 0 could); add capacity or accept the risk
}

func ExampleAssess() {
	var outs []playbook.Outcome
	for i := range 40 {
		// Customers the play did not fire for: half improve.
		outs = append(outs, playbook.Outcome{CustomerID: fmt.Sprint("K", i), Tier: "low", HealthBefore: 45, HealthAfter: float64(40 + 10*(i%2))})
	}
	for i := range 30 {
		// The play fired: 25 of 30 improve.
		after := 55.0
		if i >= 25 {
			after = 44
		}
		outs = append(outs, playbook.Outcome{CustomerID: fmt.Sprint("F", i), PlayID: "renewal-risk", Tier: "low", HealthBefore: 45, HealthAfter: after})
	}
	effects, err := playbook.Assess(outs)
	if err != nil {
		fmt.Println(err)
		return
	}
	e := effects[0]
	fmt.Println(e.PlayID, e.Recommendation)
	fmt.Println(e.Evidence)
	// Output:
	// renewal-risk keep
	// 30 fires, success 83.3% (95% Wilson 66.4–92.7%), health change +8.2; comparable customers: success 50.0%, health change +0.0 (uplift +8.2 over 30 fires); success rate significantly above comparables
}

func ExampleWilson() {
	// Newcombe (1998), example (a): 81 successes in 263 trials.
	low, high := playbook.Wilson(81, 263, 1.959963984540054)
	fmt.Printf("%.4f %.4f\n", low, high)
	// Output: 0.2553 0.3662
}

func ExampleParse() {
	_, err := playbook.Parse([]byte(`{"plays": [{"id": "x", "name": "x", "priority": "must",
		"when": {"field": "signal.usage", "op": "<", "value": "low"},
		"actions": [{"title": "call", "channel": "call", "owner": "csm", "due_days": 3}]}]}`))
	fmt.Println(err)
	// Output: playbook: plays[0].when.value: wrong type: signal.usage is a number, got string
}

func ExampleNew() {
	pb, err := playbook.New(playbook.Play{
		ID: "low-nps", Name: "Detractor follow-up", Priority: playbook.Should,
		Tiers:        []string{"high", "low"},
		When:         playbook.All(playbook.Num("signal.nps", playbook.Le, 6), playbook.Not(playbook.Is("event.case_closed", true))),
		Actions:      []playbook.Action{{Title: "Call the detractor", Channel: "call", Owner: "csm", DueDays: 5}},
		CooldownDays: 30,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := &playbook.Situation{Customer: &cs.Customer{ID: "C9", Signals: cs.Signals{"nps": 4}}, Now: cs.MustParseDate("2026-06-30"), Tier: "high"}
	tasks, _ := pb.Evaluate(s, nil)
	fmt.Println(tasks[0].Key, tasks[0].Reason.Condition)
	// Output: C9/low-nps#0 {"all":[{"field":"signal.nps","op":"<=","value":6},{"not":{"field":"event.case_closed","op":"==","value":true}}]}
}

func ExampleHistory() {
	pb := playbook.Default()
	var h playbook.History
	c := &cs.Customer{ID: "C1", Stage: cs.StageExpansion, Signals: cs.Signals{"seat_utilization": 0.93}}
	day1 := &playbook.Situation{Customer: c, Now: cs.MustParseDate("2026-06-01"), Tier: "low"}
	tasks, _ := pb.Evaluate(day1, &h)
	h.Record(tasks)
	for _, r := range h.Open(day1.Now) {
		fmt.Println("open", r.Task.Key, "due", r.Task.Due)
	}
	h.Done(tasks[0].Key, day1.Now.AddDays(3), "ana", "customer buys 20 more seats")
	fmt.Println(len(h.Open(day1.Now)), "open;", h.FireLog())
	// Output:
	// open C1/expansion-seats#0 due 2026-06-15
	// 0 open; [{C1 expansion-seats 2026-06-01}]
}

func ExampleSituation_SetHealth() {
	asOf := cs.MustParseDate("2026-06-30")
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &cs.Customer{ID: "acme", Segment: "mid_market", Stage: cs.StageAdoption, Signals: cs.Signals{
		"usage": 0.1, "usage_trend": -0.4, "seat_utilization": 0.2, "feature_adoption": 0.1,
		"logins_30d": 1, "days_since_login": 40, "nps": 2, "ces": 2, "tickets_90d": 12, "friction": 80,
	}}
	r, err := scorer.Score(c, asOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	trend, _ := health.ComputeTrend([]health.Snapshot{
		{AsOf: asOf.AddDays(-60), Score: 70}, {AsOf: asOf.AddDays(-30), Score: 55}, health.SnapshotOf(&r),
	}, health.TrendOptions{Tolerance: 1})

	s := playbook.NewSituation(c, asOf)
	s.SetHealth(&r, trend)
	fmt.Printf("%.1f %s, trend %s, declining for %d\n", s.HealthScore, s.HealthGrade, s.HealthTrend, s.DecliningFor)
	// Output:
	// 4.7 red, trend down, declining for 2
}

func ExampleSituation_SetTier() {
	s := playbook.NewSituation(&cs.Customer{ID: "acme"}, cs.MustParseDate("2026-06-30"))
	s.SetTier(touch.Assignment{ID: "acme", Tier: touch.Low, Community: touch.CommunityPromoter})
	fmt.Println(s.Tier, s.Community)
	// Output:
	// low true
}
