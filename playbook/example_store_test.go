package playbook_test

import (
	"encoding/json"
	"fmt"
	"slices"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
)

// A store saves a History as rows and loads it back; the loaded History
// evaluates exactly as the saved one.
func ExampleNewHistory() {
	pb := riskPlaybook()
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := pb.Evaluate(sick("A", "100 USD", on), &h)
	h.Record(tasks)

	fires := slices.Collect(h.AllFires()) // INSERT INTO fires ...
	recs := slices.Collect(h.AllTasks())  // INSERT INTO tasks ...
	loaded, err := playbook.NewHistory(fires, recs)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Ten days later the play is cooling down in both.
	s := sick("A", "100 USD", on.AddDays(10))
	a, _ := pb.Evaluate(s, &h)
	b, _ := pb.Evaluate(s, loaded)
	fmt.Println(len(a), len(b), loaded.Fires("A", "risk"))

	_, err = playbook.NewHistory(append(fires, fires[0]), nil)
	fmt.Println(err)
	// Output:
	// 0 0 [2026-06-01]
	// playbook: customer "A": fires[1]: duplicate: play "risk" fired on 2026-06-01 twice
}

func ExampleHistory_AllTasks() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := riskPlaybook().EvaluateAll([]*playbook.Situation{sick("B", "100 USD", on), sick("A", "100 USD", on)}, &h)
	h.Record(tasks)
	h.Done("B/risk#0", on.AddDays(1), "ana", "")
	for r := range h.AllTasks() {
		fmt.Printf("%s %s opened %s closed %q\n", r.Task.Key, r.State, r.Opened, r.Closed)
	}
	// Output:
	// A/risk#0 open opened 2026-06-01 closed ""
	// B/risk#0 done opened 2026-06-01 closed "2026-06-02"
}

func ExampleHistory_AllFires() {
	var h playbook.History
	pb := riskPlaybook()
	for _, day := range []string{"2026-06-01", "2026-07-01"} {
		tasks, _ := pb.Evaluate(sick("A", "100 USD", cs.MustParseDate(day)), &h)
		h.Record(tasks)
	}
	for f := range h.AllFires() {
		fmt.Println(f.CustomerID, f.PlayID, f.Date)
	}
	// Output:
	// A risk 2026-06-01
	// A risk 2026-07-01
}

// A store that reads rows one at a time adds them one at a time.
func ExampleHistory_AddTask() {
	on := cs.MustParseDate("2026-06-01")
	var h playbook.History
	err := h.AddFire(playbook.Fire{CustomerID: "A", PlayID: "risk", Date: on})
	fmt.Println(err)
	err = h.AddTask(playbook.TaskRecord{State: playbook.TaskOpen, Opened: on, Task: playbook.Task{
		Key: "A/risk#0", CustomerID: "A", PlayID: "risk", PlayName: "Health below 40", Priority: playbook.Must,
		Action: playbook.Action{Title: "Call the customer", Channel: "call", Owner: "csm", DueDays: 7},
		Fired:  on, Due: on.AddDays(7)}})
	fmt.Println(err)
	fmt.Println(h.Len())
	err = h.AddTask(playbook.TaskRecord{State: playbook.TaskDone, Opened: on, Closed: on,
		Task: playbook.Task{Key: "A/risk#1", CustomerID: "A", PlayID: "risk", Priority: playbook.Must, Fired: on, Due: on}})
	fmt.Println(err)
	// Output:
	// <nil>
	// <nil>
	// 1 1
	// playbook: customer "A": task.by: missing
}

func ExampleHistory_AddFire() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	fmt.Println(h.AddFire(playbook.Fire{CustomerID: "A", PlayID: "risk", Date: on}))
	fmt.Println(h.AddFire(playbook.Fire{CustomerID: "A", PlayID: "risk", Date: on}))
	fmt.Println(h.Fires("A", "risk"))
	// Output:
	// <nil>
	// playbook: customer "A": fire: duplicate: play "risk" fired on 2026-06-01 twice
	// [2026-06-01]
}

func ExampleHistory_MarshalJSON() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := riskPlaybook().Evaluate(sick("A", "100 USD", on), &h)
	h.Record(tasks)
	b, _ := json.Marshal(&h)
	fmt.Println(string(b))
	var back playbook.History
	fmt.Println(json.Unmarshal(b, &back), len(back.Open(on)))
	// Output:
	// {"fires":[{"customer_id":"A","play_id":"risk","date":"2026-06-01"}],"tasks":[{"task":{"key":"A/risk#0","customer_id":"A","play_id":"risk","play_name":"Health below 40","priority":"must","action":{"title":"Call the customer","channel":"call","owner":"csm","due_days":7,"hours":1},"fired":"2026-06-01","due":"2026-06-08","mrr":"100.00 USD","reason":{"condition":"{\"field\":\"health.score\",\"op\":\"\u003c\",\"value\":40}","matches":[{"field":"health.score","op":"\u003c","want":40,"known":true,"num":30}]}},"state":"open","opened":"2026-06-01"}]}
	// <nil> 1
}

// A History needs the open tasks and the fires of the last Lookback days: a
// store loads just those, and Forget trims one kept in memory.
func ExamplePlaybook_Lookback() {
	fmt.Println(playbook.Default().Lookback(), "days")
	// Output:
	// 365 days
}

func ExampleHistory_Forget() {
	pb := riskPlaybook()
	var h playbook.History
	for _, day := range []string{"2026-01-05", "2026-03-02", "2026-06-01"} {
		on := cs.MustParseDate(day)
		tasks, _ := pb.Evaluate(sick("A", "100 USD", on), &h)
		h.Record(tasks)
		h.Done("A/risk#0", on, "ana", "")
	}
	h.Forget(cs.MustParseDate("2026-06-01").AddDays(-pb.Lookback()))
	fmt.Println(h.Fires("A", "risk"))
	fmt.Println(h.Len())
	// Output:
	// [2026-06-01]
	// 1 1
}

func ExampleHistory_Len() {
	var h playbook.History
	on := cs.MustParseDate("2026-06-01")
	tasks, _ := playbook.Default().Evaluate(atRisk(), &h)
	h.Record(tasks)
	fires, recs := h.Len()
	fmt.Println(fires, "fire,", recs, "tasks;", len(h.Open(on)), "open")
	// Output:
	// 1 fire, 2 tasks; 2 open
}
