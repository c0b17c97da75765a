package playbook

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	cs "github.com/successkit/cs"
)

// Capacity is what one owner role can do in the planning period: at most Slots
// tasks (0 = no limit on the count) and at most Hours of work (0 = no limit on
// hours). A role absent from the capacity map has no capacity, except "automated",
// which has no limit unless listed.
type Capacity struct {
	Slots int     `json:"slots,omitempty"`
	Hours float64 `json:"hours,omitempty"`
}

// Usage is what the plan gives a role.
type Usage struct {
	Tasks int     `json:"tasks"`
	Hours float64 `json:"hours"`
}

// Deferred is a task left out of the plan, and why.
type Deferred struct {
	Task Task   `json:"task"`
	Why  string `json:"why"`
}

// Schedule is the outcome of capacity planning: the tasks to do, in order, the
// deferred ones, and each role's usage.
type Schedule struct {
	Do       []Task           `json:"do"`
	Deferred []Deferred       `json:"deferred"`
	Used     map[string]Usage `json:"used"`
}

// Plan chooses the tasks to do within each owner role's capacity: tasks are taken
// by priority, then MRR at risk, then customer ID (the Evaluate order), and each
// goes in if its role still has a slot and its hours; otherwise it is deferred
// with the reason, naming the higher-ranked tasks that used the capacity. A
// smaller task ranked lower may still fit after a larger one was deferred. This
// makes the "must vs. better than nothing" call explicit (S-cubism article).
// tasks is not modified. Plan returns an error for a negative or non-finite
// capacity.
func Plan(tasks []Task, capacity map[string]Capacity) (Schedule, error) {
	if err := checkCapacity(capacity); err != nil {
		return Schedule{}, err
	}
	sorted := slices.Clone(tasks)
	slices.SortStableFunc(sorted, compareTasks)
	return schedule(sorted, capacity), nil
}

func checkCapacity(capacity map[string]Capacity) error {
	for _, role := range sortedRoles(capacity) {
		c := capacity[role]
		switch {
		case c.Slots < 0:
			return wrap(fieldErr("capacity."+role+".slots", strconv.Itoa(c.Slots), cs.ErrNegative))
		case math.IsNaN(c.Hours) || math.IsInf(c.Hours, 0):
			return wrap(fieldErr("capacity."+role+".hours", "", cs.ErrNotFinite))
		case c.Hours < 0:
			return wrap(fieldErr("capacity."+role+".hours", strconv.FormatFloat(c.Hours, 'g', -1, 64), cs.ErrNegative))
		case c.Hours > 1e12:
			return wrap(fieldErr("capacity."+role+".hours", strconv.FormatFloat(c.Hours, 'g', -1, 64), why(cs.ErrRange, "at most 1e12")))
		}
	}
	return nil
}

// schedule plans tasks, sorted in the order Plan takes them, within capacity.
// It decides every task first and then fills Do and Deferred at their exact
// sizes: a History of a million customers plans hundreds of thousands of open
// tasks, and arrays grown by appending would hold up to twice their size.
func schedule(sorted []Task, capacity map[string]Capacity) Schedule {
	sched := Schedule{Used: map[string]Usage{}}
	whys := make([]string, len(sorted)) // empty: the task is done
	deferred := 0
	// taken[role][priority] counts the tasks given the role, for the reasons.
	taken := map[string]*[4]int{}
	for i := range sorted {
		t := &sorted[i]
		role := t.Action.Owner
		c, listed := capacity[role]
		u := sched.Used[role]
		if taken[role] == nil {
			taken[role] = new([4]int)
		}
		var why string
		switch {
		case !listed && role != "automated":
			why = fmt.Sprintf("no capacity for role %s in this period", role)
		case listed && c.Slots == 0 && c.Hours == 0:
			why = fmt.Sprintf("role %s has zero capacity in this period", role)
		case c.Slots > 0 && u.Tasks >= c.Slots:
			why = fmt.Sprintf("%s: all %d slots taken by higher-ranked tasks (%s)", role, c.Slots, describe(taken[role]))
		case c.Hours > 0 && float64(u.Hours+t.Action.Hours) > c.Hours:
			why = fmt.Sprintf("%s: %.4g of %.4g hours left, task needs %.4g (used by %s)", role, c.Hours-u.Hours, c.Hours, t.Action.Hours, describe(taken[role]))
		}
		if why != "" {
			if t.Priority == Must {
				why = "must-do task over capacity: " + why + "; add capacity or accept the risk"
			} else {
				why = t.Priority.String() + " task (better than nothing) deferred: " + why
			}
			whys[i] = why
			deferred++
			continue
		}
		u.Tasks++
		u.Hours += t.Action.Hours
		sched.Used[role] = u
		taken[role][t.Priority]++
	}
	if n := len(sorted) - deferred; n > 0 {
		sched.Do = make([]Task, 0, n)
	}
	if deferred > 0 {
		sched.Deferred = make([]Deferred, 0, deferred)
	}
	for i := range sorted {
		if whys[i] == "" {
			sched.Do = append(sched.Do, sorted[i])
		} else {
			sched.Deferred = append(sched.Deferred, Deferred{Task: sorted[i], Why: whys[i]})
		}
	}
	return sched
}

func describe(n *[4]int) string {
	return fmt.Sprintf("%d must, %d should, %d could", n[Must], n[Should], n[Could])
}

func sortedRoles(m map[string]Capacity) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
