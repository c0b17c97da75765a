package playbook

import (
	"math"
	"strings"
	"testing"

	cs "github.com/successkit/cs"
)

func task(id string, p Priority, owner string, hours float64, mrr string) Task {
	return Task{Key: id, CustomerID: id, PlayID: "p", Priority: p, MRR: cs.MustParseMoney(mrr), Action: Action{Title: "t", Channel: "call", Owner: owner, Hours: hours}}
}

func TestPlan(t *testing.T) {
	tasks := []Task{
		task("C4", Could, "csm", 1, "900 USD"),
		task("C1", Must, "csm", 2, "100 USD"),
		task("C2", Must, "csm", 2, "500 USD"),
		task("C3", Should, "csm", 2, "800 USD"),
		task("C5", Must, "support", 1, "1 USD"),
		task("C6", Could, "automated", 0, "1 USD"),
	}
	// 5 hours of CSM: the two musts (4 h) fit, the should (2 h) does not, the could (1 h) still does.
	s, err := Plan(tasks, map[string]Capacity{"csm": {Hours: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var do []string
	for _, t := range s.Do {
		do = append(do, t.CustomerID)
	}
	if got, want := strings.Join(do, " "), "C2 C1 C4 C6"; got != want {
		t.Errorf("Do = %q, want %q", got, want)
	}
	if len(s.Deferred) != 2 || s.Deferred[0].Task.CustomerID != "C5" || s.Deferred[1].Task.CustomerID != "C3" {
		t.Fatalf("Deferred = %+v", s.Deferred)
	}
	if w := s.Deferred[1].Why; !strings.Contains(w, "better than nothing") || !strings.Contains(w, "2 must") {
		t.Errorf("why C3 = %q", w)
	}
	if w := s.Deferred[0].Why; !strings.Contains(w, "must-do task over capacity") || !strings.Contains(w, "no capacity for role support") {
		t.Errorf("why C5 = %q", w)
	}
	if u := s.Used["csm"]; u.Tasks != 3 || u.Hours != 5 {
		t.Errorf("csm used %+v", u)
	}
	// Slots: one CSM slot goes to the must with the most MRR at risk.
	s, _ = Plan(tasks, map[string]Capacity{"csm": {Slots: 1}, "support": {Slots: 1}})
	if len(s.Do) != 3 || s.Do[0].CustomerID != "C2" {
		t.Errorf("slots: Do = %+v", s.Do)
	}
	if _, err := Plan(tasks, map[string]Capacity{"csm": {Hours: math.NaN()}}); err == nil {
		t.Error("NaN hours accepted")
	}
}

// Every task is either done or deferred, and no role goes over capacity.
func TestPlanConserves(t *testing.T) {
	tasks := []Task{task("A", Must, "csm", 3, "1 USD"), task("B", Should, "csm", 1, "2 USD"), task("C", Could, "product", 1, "3 USD")}
	s, _ := Plan(tasks, map[string]Capacity{"csm": {Slots: 2, Hours: 3.5}, "product": {}})
	if len(s.Do)+len(s.Deferred) != len(tasks) || s.Used["csm"].Hours > 3.5 {
		t.Errorf("plan %+v", s)
	}
}
