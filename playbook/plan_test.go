package playbook

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"

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

// Whatever the tasks and capacities: every task is done or deferred exactly once,
// no role exceeds its slots or hours, and the plan does not depend on the order
// of the tasks.
func TestPlanProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "n")
		var tasks []Task
		for i := range n {
			tk := task(fmt.Sprintf("C%02d", i), rapid.SampledFrom([]Priority{Must, Should, Could}).Draw(t, "p"),
				rapid.SampledFrom(roles).Draw(t, "role"), float64(rapid.IntRange(0, 4).Draw(t, "h")), fmt.Sprintf("%d USD", rapid.IntRange(0, 9).Draw(t, "mrr")))
			tasks = append(tasks, tk)
		}
		capacity := map[string]Capacity{}
		for _, r := range roles {
			if rapid.Bool().Draw(t, "listed") {
				capacity[r] = Capacity{Slots: rapid.IntRange(0, 5).Draw(t, "slots"), Hours: float64(rapid.IntRange(0, 8).Draw(t, "hours"))}
			}
		}
		s, err := Plan(tasks, capacity)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Do)+len(s.Deferred) != len(tasks) {
			t.Fatalf("%d done + %d deferred != %d", len(s.Do), len(s.Deferred), len(tasks))
		}
		for role, u := range s.Used {
			c, ok := capacity[role]
			if !ok {
				if role != "automated" && u.Tasks > 0 {
					t.Fatalf("role %s without capacity got %d tasks", role, u.Tasks)
				}
				continue
			}
			if c.Slots > 0 && u.Tasks > c.Slots || c.Hours > 0 && u.Hours > c.Hours || c.Slots == 0 && c.Hours == 0 && u.Tasks > 0 {
				t.Fatalf("role %s: used %+v, capacity %+v", role, u, c)
			}
		}
		s2, _ := Plan(rapid.Permutation(tasks).Draw(t, "perm"), capacity)
		if !reflect.DeepEqual(s, s2) {
			t.Fatal("Plan depends on the order of the tasks")
		}
	})
}
