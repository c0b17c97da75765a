package playbook_test

import (
	"fmt"
	"strings"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
)

func ExamplePlaybook_Reads() {
	for _, r := range playbook.Default().Reads()[:9] {
		fmt.Println(r)
	}
	// Output:
	// play onboarding-stalled reads signal.feature_adoption
	// play onboarding-stalled reads signal.logins_30d
	// play onboarding-stalled needs stage
	// play onboarding-stalled needs tenure_days
	// play silent-risk reads signal.ces
	// play silent-risk reads signal.nps
	// play silent-risk needs signal.tickets_90d
	// play silent-risk needs signal.usage_trend
	// play silent-risk needs stage
}

// A program warns about plays that can never fire on its book: here a book
// whose customers carry only usage and nps signals.
func ExamplePlaybook_Unmet() {
	book := []cs.Customer{
		{ID: "A", Signals: cs.Signals{"usage": 0.4, "nps": 8}},
		{ID: "B", Signals: cs.Signals{"usage": 0.9}},
	}
	has := func(field string) bool {
		name, ok := strings.CutPrefix(field, "signal.")
		if !ok {
			return true // scores, tiers and stages come from the other steps
		}
		for _, c := range book {
			if _, found := c.Signals.Get(name); found {
				return true
			}
		}
		return false
	}
	for _, r := range playbook.Default().Unmet(has) {
		fmt.Printf("play %s reads %s, which no customer has: it can never fire\n", r.Play, r.Field)
	}
	// Output:
	// play silent-risk reads signal.tickets_90d, which no customer has: it can never fire
	// play silent-risk reads signal.usage_trend, which no customer has: it can never fire
	// play expansion-seats reads signal.seat_utilization, which no customer has: it can never fire
	// play tech-to-low-touch reads signal.seat_utilization, which no customer has: it can never fire
	// play community-invitation reads signal.feature_adoption, which no customer has: it can never fire
}

func ExampleCondition_Reads() {
	cond, _ := playbook.ParseCondition([]byte(`{"all": [
		{"field": "signal.usage_trend", "op": "<=", "value": -0.2},
		{"not": {"field": "signal.nps", "op": "exists"}}]}`))
	for _, r := range cond.Reads() {
		fmt.Println(r.Field, r.Required)
	}
	// Output:
	// signal.nps false
	// signal.usage_trend true
}
