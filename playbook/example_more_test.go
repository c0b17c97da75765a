package playbook_test

import (
	"encoding/json"
	"fmt"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/playbook"
)

// atRisk is a low-touch customer 60 days before renewal with a red, falling
// health score and usage down by a quarter.
func atRisk() *playbook.Situation {
	return &playbook.Situation{
		Customer: &cs.Customer{ID: "C1", Stage: cs.StageRenewal, RenewalDate: cs.MustParseDate("2026-08-29"),
			MRR: cs.MustParseMoney("900 USD"), Signals: cs.Signals{"usage_trend": -0.25, "nps": 3}},
		Now:         cs.MustParseDate("2026-06-30"),
		HealthScore: 42, HealthKnown: true, HealthGrade: "red", HealthTrend: "down", Tier: "low",
	}
}

// mustCompile compiles a condition built in Go; the examples' conditions are valid.
func mustCompile(e playbook.Expr) *playbook.Condition {
	c, err := playbook.Compile(e)
	if err != nil {
		panic(err)
	}
	return c
}

func ExampleAll() {
	cond := mustCompile(playbook.All(playbook.Num("health.score", playbook.Lt, 50), playbook.Num("days_to_renewal", playbook.Le, 90)))
	fmt.Println(cond.Eval(atRisk()))
	far := atRisk()
	far.Customer.RenewalDate = cs.MustParseDate("2027-06-30")
	fmt.Println(cond.Eval(far))
	// Output:
	// true
	// false
}

func ExampleAny() {
	cond := mustCompile(playbook.Any(playbook.Str("health.grade", playbook.Eq, "red"), playbook.Num("signal.usage_trend", playbook.Le, -0.2)))
	s := atRisk()
	fmt.Println(cond.Eval(s))
	s.HealthGrade, s.Customer.Signals = "green", cs.Signals{"usage_trend": 0.1}
	fmt.Println(cond.Eval(playbook.NewSituation(s.Customer, s.Now)))
	// Output:
	// true
	// false
}

// A comparison on a missing value is false, so Not of it is true: here "no NPS
// answer", as the silent-risk play asks.
func ExampleNot() {
	cond := mustCompile(playbook.Not(playbook.Known("signal.nps")))
	answered := atRisk()
	silent := playbook.NewSituation(&cs.Customer{ID: "C2"}, answered.Now)
	fmt.Println(cond.Eval(answered), cond.Eval(silent))
	// Output:
	// false true
}

func ExampleEntering() {
	cond := mustCompile(playbook.Entering(playbook.Num("signal.seat_utilization", playbook.Ge, 0.9)))
	now := cs.MustParseDate("2026-06-01")
	june := &playbook.Situation{Customer: &cs.Customer{ID: "C1", Signals: cs.Signals{"seat_utilization": 0.85}}, Now: now}
	july := &playbook.Situation{Customer: &cs.Customer{ID: "C1", Signals: cs.Signals{"seat_utilization": 0.92}}, Now: now.AddDays(30), Previous: june}
	august := &playbook.Situation{Customer: &cs.Customer{ID: "C1", Signals: cs.Signals{"seat_utilization": 0.95}}, Now: now.AddDays(61), Previous: july}
	fmt.Println(cond.Eval(june), cond.Eval(july), cond.Eval(august))
	// Output:
	// false true false
}

func ExampleNum() {
	e := playbook.Num("signal.usage_trend", playbook.Le, -0.2)
	fmt.Println(e, mustCompile(e).Eval(atRisk()))
	// Output:
	// {"field":"signal.usage_trend","op":"<=","value":-0.2} true
}

func ExampleStr() {
	e := playbook.Str("health.trend", playbook.Eq, "down")
	fmt.Println(e, mustCompile(e).Eval(atRisk()))
	// Output:
	// {"field":"health.trend","op":"==","value":"down"} true
}

func ExampleOneOf() {
	e := playbook.OneOf("tier", "high", "low")
	tech := atRisk()
	tech.Tier = "tech"
	fmt.Println(e, mustCompile(e).Eval(atRisk()), mustCompile(e).Eval(tech))
	// Output:
	// {"field":"tier","op":"in","value":["high","low"]} true false
}

func ExampleKnown() {
	e := playbook.Known("signal.nps")
	fmt.Println(e, mustCompile(e).Eval(atRisk()))
	// Output:
	// {"field":"signal.nps","op":"exists"} true
}

func ExampleCondition_Eval() {
	cond, _ := playbook.ParseCondition([]byte(`{"field": "mrr", "op": ">=", "value": 500}`))
	small := atRisk()
	small.Customer.MRR = cs.MustParseMoney("120 USD")
	fmt.Println(cond.Eval(atRisk()), cond.Eval(small))
	// Output:
	// true false
}

// Explain lists every operand of an all and the first true operand of an any.
func ExampleCondition_Explain() {
	cond := mustCompile(playbook.All(
		playbook.Num("days_to_renewal", playbook.Le, 90),
		playbook.Any(playbook.Num("signal.nps", playbook.Le, 6), playbook.Str("health.grade", playbook.Eq, "red")),
		playbook.Known("effort.friction")))
	for _, m := range cond.Explain(atRisk()) {
		fmt.Println(m)
	}
	// Output:
	// days_to_renewal <= 90 (got 60)
	// signal.nps <= 6 (got 3)
	// effort.friction exists (got missing)
}

func ExampleCondition_Expr() {
	cond, _ := playbook.ParseCondition([]byte(`{"any": [{"field": "tier", "op": "in", "value": ["high", "low"]},
		{"field": "community", "op": "==", "value": true}]}`))
	e := cond.Expr()
	fmt.Println(len(e.Any), e.Any[0].Field, e.Any[0].Op, string(e.Any[0].Value))
	fmt.Println(e)
	// Output:
	// 2 tier in ["high", "low"]
	// {"any":[{"field":"tier","op":"in","value":["high","low"]},{"field":"community","op":"==","value":true}]}
}

func ExampleDefaultJSON() {
	var doc playbook.Document
	if err := json.Unmarshal(playbook.DefaultJSON(), &doc); err != nil {
		fmt.Println(err)
		return
	}
	p := doc.Plays[2]
	fmt.Println(len(doc.Plays), "plays;", p.ID, p.Priority, p.CooldownDays, "days cooldown")
	fmt.Println(p.When)
	// Output:
	// 8 plays; renewal-risk must 30 days cooldown
	// {"all":[{"field":"days_to_renewal","op":">=","value":0},{"field":"days_to_renewal","op":"<=","value":90},{"any":[{"field":"health.grade","op":"==","value":"red"},{"field":"health.trend","op":"==","value":"down"}]}]}
}

func ExamplePlaybook_Plays() {
	for _, p := range playbook.Default().Plays()[:3] {
		fmt.Println(p.ID, p.Priority, len(p.Actions), "actions")
	}
	// Output:
	// onboarding-stalled must 2 actions
	// silent-risk must 1 actions
	// renewal-risk must 2 actions
}

// AppendTasks reuses one slice across customers.
func ExamplePlaybook_AppendTasks() {
	pb := playbook.Default()
	var tasks []playbook.Task
	for _, id := range []string{"C1", "C2"} {
		s := atRisk()
		s.Customer.ID = id
		var err error
		if tasks, err = pb.AppendTasks(tasks[:0], s, nil); err != nil {
			fmt.Println(err)
			return
		}
		for _, t := range tasks {
			fmt.Println(t.Key, t.Action.Owner, t.Due)
		}
	}
	_, err := pb.AppendTasks(nil, &playbook.Situation{Customer: &cs.Customer{ID: "C3"}}, nil)
	fmt.Println(err)
	// Output:
	// C1/renewal-risk#0 csm 2026-07-07
	// C1/renewal-risk#1 executive_sponsor 2026-07-14
	// C2/renewal-risk#0 csm 2026-07-07
	// C2/renewal-risk#1 executive_sponsor 2026-07-14
	// playbook: customer "C3": situation.now: not a date (want YYYY-MM-DD)
}

func ExampleNewSituation() {
	s := playbook.NewSituation(&cs.Customer{ID: "C1", Stage: cs.StageAdoption}, cs.MustParseDate("2026-06-30"))
	s.HealthScore, s.HealthKnown = 64, true
	tasks, err := playbook.Default().Evaluate(s, nil)
	fmt.Println(s.Customer.ID, s.Now, len(tasks), err)
	// Output:
	// C1 2026-06-30 0 <nil>
}

// Condition.Eval reads a situation's numbers once; after changing them, Invalidate.
func ExampleSituation_Invalidate() {
	cond := mustCompile(playbook.Num("health.score", playbook.Lt, 50))
	s := atRisk()
	fmt.Println(cond.Eval(s))
	s.HealthScore = 80
	s.Invalidate()
	fmt.Println(cond.Eval(s))
	// Output:
	// true
	// false
}

func ExampleSituation_SetEffort() {
	s := atRisk()
	s.SetEffort(effort.CustomerEffort{CustomerID: "C1", HasFriction: true,
		Friction: effort.CustomerFriction{CustomerID: "C1", Friction: 72, Cases: 3, Resolved: 2, FirstContactResolved: 1, FCRRate: 0.5}})
	fmt.Println(s.Friction, s.FrictionKnown, s.FCR, s.FCRKnown, s.CESKnown)
	// Output:
	// 72 true 0.5 true false
}

func ExampleSituation_SetEffortFromSignals() {
	s := atRisk()
	s.Customer.Signals = cs.Signals{"friction": 65, "ces": 2.5}
	s.SetEffortFromSignals()
	fmt.Println(s.Friction, s.FrictionKnown, s.FCRKnown, s.CES, s.CESKnown)
	s.Events = []string{"case_closed"}
	tasks, _ := playbook.Default().Evaluate(s, nil)
	for _, t := range tasks {
		fmt.Println(t.Key)
	}
	// Output:
	// 65 true false 2.5 true
	// C1/renewal-risk#0
	// C1/renewal-risk#1
	// C1/high-effort-case-closed#0
}

func ExampleHistory_Record() {
	pb := playbook.Default()
	var h playbook.History
	s := atRisk()
	tasks, _ := pb.Evaluate(s, &h)
	h.Record(tasks)
	fmt.Println(len(h.Open(s.Now)), "open", h.Fires("C1", "renewal-risk"))
	// 30 days later the cooldown is over and the play fires again: the two
	// tasks, still open, are updated rather than duplicated.
	s.Now = s.Now.AddDays(30)
	tasks, _ = pb.Evaluate(s, &h)
	fmt.Println(tasks[0].Update)
	h.Record(tasks)
	fmt.Println(len(h.Open(s.Now)), "open", h.Fires("C1", "renewal-risk"))
	// Output:
	// 2 open [2026-06-30]
	// true
	// 2 open [2026-06-30 2026-07-30]
}

func ExampleHistory_Fires() {
	pb := playbook.Default()
	var h playbook.History
	s := atRisk()
	for range 3 {
		tasks, _ := pb.Evaluate(s, &h)
		h.Record(tasks)
		s.Now = s.Now.AddDays(20)
	}
	fmt.Println(h.Fires("C1", "renewal-risk"), h.Fires("C1", "silent-risk"))
	// Output:
	// [2026-06-30 2026-08-09] []
}

func ExampleHistory_Open() {
	var h playbook.History
	s := atRisk()
	tasks, _ := playbook.Default().Evaluate(s, &h)
	h.Record(tasks)
	// A week later both tasks are still open, carried from the week before.
	for _, r := range h.Open(s.Now.AddDays(7)) {
		fmt.Println(r.Task.Key, r.Task.Action.Owner, "due", r.Task.Due, "carried", r.Task.Carried)
	}
	// Output:
	// C1/renewal-risk#0 csm due 2026-07-07 carried true
	// C1/renewal-risk#1 executive_sponsor due 2026-07-14 carried true
}

func ExampleHistory_FireLog() {
	pb := playbook.Default()
	var h playbook.History
	for _, id := range []string{"C2", "C1"} {
		s := atRisk()
		s.Customer.ID = id
		tasks, _ := pb.Evaluate(s, &h)
		h.Record(tasks)
	}
	for _, f := range h.FireLog() {
		fmt.Println(f.CustomerID, f.PlayID, f.Date)
	}
	// Output:
	// C1 renewal-risk 2026-06-30
	// C2 renewal-risk 2026-06-30
}

func ExampleOutcome_Success() {
	for _, o := range []playbook.Outcome{
		{CustomerID: "A", HealthBefore: 40, HealthAfter: 55},
		{CustomerID: "B", HealthBefore: 40, HealthAfter: 38, Renewed: true},
		{CustomerID: "C", HealthBefore: 40, HealthAfter: 40},
		{CustomerID: "D", HealthBefore: 40, HealthAfter: 70, Churned: true},
	} {
		fmt.Println(o.CustomerID, o.Success())
	}
	// Output:
	// A true
	// B true
	// C false
	// D false
}
