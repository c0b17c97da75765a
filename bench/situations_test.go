package bench

import (
	"fmt"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
)

// The values below reproduce the playbook package's benchSituations and its
// test variables (playbook/bench_test.go, playbook/property_test.go,
// playbook/situation.go), which are not exported: the comparison must run over
// exactly the situations BenchmarkCondition4 uses.
var (
	now        = cs.MustParseDate("2026-06-30")
	grades     = []string{"red", "yellow", "green"}
	trendNames = []string{"down", "same", "up"}
	tierNames  = []string{"high", "low", "tech"}
)

// benchSituations returns n varied situations, as playbook's benchmark does.
func benchSituations(n int) []*playbook.Situation {
	out := make([]*playbook.Situation, n)
	for i := range out {
		c := &cs.Customer{
			ID: fmt.Sprintf("C%07d", i), Stage: cs.Stages()[i%4], MRR: cs.MustParseMoney(fmt.Sprintf("%d USD", 50+i%1000)),
			ContractStart: now.AddDays(-400 + i%300), RenewalDate: now.AddDays(i % 365),
			Signals: cs.Signals{
				"usage": float64(i%10) / 10, "usage_trend": float64(i%7-4) / 10, "seat_utilization": float64(i%12) / 10,
				"logins_30d": float64(i % 40), "feature_adoption": float64(i%11) / 10, "tickets_90d": float64(i % 3),
			},
		}
		s := &playbook.Situation{
			Customer: c, Now: now, HealthScore: float64(i % 101), HealthKnown: i%13 != 0,
			HealthGrade: grades[i%3], HealthTrend: trendNames[i%3], Tier: tierNames[i%3], Community: i%5 == 0,
			Friction: float64(i % 97), FrictionKnown: i%2 == 0,
		}
		if i%17 == 0 {
			s.Events = []string{"case_closed"}
		}
		out[i] = s
	}
	return out
}
