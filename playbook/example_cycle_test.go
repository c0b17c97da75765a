package playbook_test

import (
	"fmt"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
)

// riskPlaybook has one play: a call when health is below 40, with a 30-day
// cooldown.
func riskPlaybook() *playbook.Playbook {
	pb, err := playbook.New(playbook.Play{ID: "risk", Name: "Health below 40", Priority: playbook.Must,
		When:         playbook.Num("health.score", playbook.Lt, 40),
		Actions:      []playbook.Action{{Title: "Call the customer", Channel: "call", Owner: "csm", DueDays: 7, Hours: 1}},
		CooldownDays: 30})
	if err != nil {
		panic(err)
	}
	return pb
}

func sick(id, mrr string, on cs.Date) *playbook.Situation {
	return &playbook.Situation{Customer: &cs.Customer{ID: id, MRR: cs.MustParseMoney(mrr)}, Now: on, HealthScore: 30, HealthKnown: true}
}

// One weekly cycle after another: expire, evaluate, record, plan, and mark
// what the team did. A task the plan defers stays open and comes first the
// next week, even though its play is cooling down.
func ExampleHistory_Plan() {
	pb := riskPlaybook()
	var h playbook.History
	capacity := map[string]playbook.Capacity{"csm": {Slots: 1}}
	week1 := cs.MustParseDate("2026-06-01")
	tasks, _ := pb.EvaluateAll([]*playbook.Situation{sick("A", "100 USD", week1), sick("B", "900 USD", week1)}, &h)
	h.Record(tasks)
	sched, _ := h.Plan(week1, capacity)
	fmt.Println("week 1: do", sched.Do[0].Key, "defer", sched.Deferred[0].Task.Key)
	h.Done("B/risk#0", week1.AddDays(2), "ana", "called; a fix is planned")

	week2 := week1.AddDays(7)
	c := sick("C", "500 USD", week2) // a new task, worth more than A's
	tasks, _ = pb.EvaluateAll([]*playbook.Situation{sick("A", "100 USD", week2), c}, &h)
	h.Record(tasks)
	sched, _ = h.Plan(week2, capacity)
	fmt.Println("week 2: do", sched.Do[0].Key, "carried", sched.Do[0].Carried, "defer", sched.Deferred[0].Task.Key)
	r, _ := h.Task("A/risk#0")
	fmt.Println(r.Task.Key, r.State, "deferred", r.Deferred, "time(s)")
	// Output:
	// week 1: do B/risk#0 defer A/risk#0
	// week 2: do A/risk#0 carried true defer C/risk#0
	// A/risk#0 open deferred 1 time(s)
}

func ExampleHistory_Done() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := riskPlaybook().Evaluate(sick("A", "100 USD", on), &h)
	h.Record(tasks)
	fmt.Println(h.Done("A/risk#0", on.AddDays(1), "ana", "called; usage training booked"))
	fmt.Println(h.Done("A/risk#0", on.AddDays(2), "ana", ""))
	r, _ := h.Task("A/risk#0")
	fmt.Println(r.State, r.Closed, r.By, r.Note)
	// Output:
	// <nil>
	// playbook: key: "A/risk#0": no open task
	// done 2026-06-02 ana called; usage training booked
}

func ExampleHistory_Skip() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := riskPlaybook().Evaluate(sick("A", "100 USD", on), &h)
	h.Record(tasks)
	fmt.Println(h.Skip("A/risk#0", on, "ana", ""))
	fmt.Println(h.Skip("A/risk#0", on, "ana", "already in a renewal negotiation"))
	r, _ := h.Task("A/risk#0")
	fmt.Println(r.State, r.By, r.Note)
	// Output:
	// playbook: customer "A": note: missing: skipped task "A/risk#0"
	// <nil>
	// skipped ana already in a renewal negotiation
}

// A task not done within the grace period after its due date expires, with
// the rule as its reason.
func ExampleHistory_Expire() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := riskPlaybook().Evaluate(sick("A", "100 USD", on), &h)
	h.Record(tasks) // due 2026-06-08
	for _, day := range []string{"2026-06-22", "2026-06-23"} {
		expired, _ := h.Expire(cs.MustParseDate(day), 14)
		fmt.Println(day, len(expired), "expired")
	}
	r, _ := h.Task("A/risk#0")
	fmt.Println(r.State, r.By+":", r.Note)
	// Output:
	// 2026-06-22 0 expired
	// 2026-06-23 1 expired
	// expired playbook: not done within 14 days after its due date 2026-06-08
}

func ExampleHistory_Overdue() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := riskPlaybook().Evaluate(sick("A", "100 USD", on), &h)
	h.Record(tasks)
	for _, day := range []string{"2026-06-08", "2026-06-09"} {
		for _, r := range h.Overdue(cs.MustParseDate(day)) {
			fmt.Println(day, r.Task.Key, "was due", r.Task.Due)
		}
	}
	// Output:
	// 2026-06-09 A/risk#0 was due 2026-06-08
}

func ExampleHistory_Task() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := riskPlaybook().Evaluate(sick("A", "100 USD", on), &h)
	h.Record(tasks)
	r, ok := h.Task("A/risk#0")
	fmt.Println(ok, r.Task.Action.Title, r.State, r.Opened)
	_, ok = h.Task("Z/risk#0")
	fmt.Println(ok)
	// Output:
	// true Call the customer open 2026-06-01
	// false
}

func ExampleTaskRecord_Overdue() {
	r := playbook.TaskRecord{State: playbook.TaskOpen, Task: playbook.Task{Due: cs.MustParseDate("2026-06-08")}}
	fmt.Println(r.Overdue(cs.MustParseDate("2026-06-08")), r.Overdue(cs.MustParseDate("2026-06-09")))
	// Output:
	// false true
}

func ExampleTaskState() {
	for _, s := range []playbook.TaskState{playbook.TaskOpen, playbook.TaskDone, playbook.TaskSkipped, playbook.TaskExpired} {
		text, _ := s.MarshalText()
		fmt.Println(string(text), s.Terminal())
	}
	// Output:
	// open false
	// done true
	// skipped true
	// expired true
}

func ExampleChannels() {
	fmt.Println(playbook.Channels())
	// Output:
	// [email in_app call meeting webinar community]
}

func ExampleRoles() {
	fmt.Println(playbook.Roles())
	// Output:
	// [csm pooled_csm support product executive_sponsor automated]
}
