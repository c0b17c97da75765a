package health_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// Survival compares how long two groups of customers stayed, with customers still
// there at the end counted until then (censored).
func ExampleSurvival() {
	in := `id,start,end,churned,group
a,2025-01-01,2025-03-01,1,onboarded late
b,2025-01-01,2025-05-01,1,onboarded late
c,2025-01-01,2025-06-30,0,onboarded late
d,2025-01-01,2025-02-01,1,onboarded late
e,2025-01-01,2025-12-31,0,onboarded on time
f,2025-01-01,2025-09-01,1,onboarded on time
g,2025-01-01,2025-12-31,0,onboarded on time
h,2025-01-01,2025-11-15,0,onboarded on time
`
	var lts []health.Lifetime
	for lt, err := range health.ReadLifetimes(strings.NewReader(in), "lifetimes.csv") {
		if err != nil {
			log.Fatal(err)
		}
		lts = append(lts, lt)
	}
	rep, err := health.Survival(lts, health.SurvivalOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range rep.Curves {
		median := "not reached"
		if c.Median != nil {
			median = fmt.Sprintf("%.0f days", *c.Median)
		}
		fmt.Printf("%-17s %d customers, %d churned, still there after 180 days: %.2f, median %s\n",
			c.Group, c.N, c.Events, c.At(180).Survival, median)
	}
	fmt.Printf("log-rank χ² = %.2f on %d df, p = %.2f\n", rep.LogRank.ChiSquare, rep.LogRank.DF, rep.LogRank.P)
	// Output:
	// onboarded late    4 customers, 3 churned, still there after 180 days: 0.25, median 59 days
	// onboarded on time 4 customers, 1 churned, still there after 180 days: 1.00, median not reached
	// log-rank χ² = 4.21 on 1 df, p = 0.04
}

// SurvivalByGrade follows each customer from its scored snapshot to its outcome.
func ExampleSurvivalByGrade() {
	obs, outs := tinyBook()
	for i := range outs {
		if outs[i].Churned {
			outs[i].Date = cs.NewDate(2026, 8, 15)
		}
	}
	rep, err := health.SurvivalByGrade(usageScorer(0, 1), obs, outs, health.BacktestOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range rep.Curves {
		fmt.Printf("%-6s %d customers, still there after 60 days: %.2f\n", c.Group, c.N, c.At(60).Survival)
	}
	fmt.Printf("Harrell's C %.2f\n", rep.Concordance.C)
	// Output:
	// red    3 customers, still there after 60 days: 0.33
	// yellow 1 customers, still there after 60 days: 1.00
	// green  2 customers, still there after 60 days: 1.00
	// Harrell's C 1.00
}

// ReadLifetimes streams id,start,end,churned[,group][,score]; a bad line is one
// error in its place.
func ExampleReadLifetimes() {
	in := "id,start,end,churned,score\na,2026-01-01,2026-03-01,1,35\nb,2026-01-01,2026-02-30,0,80\nc,2026-01-01,2026-06-30,0,\n"
	for lt, err := range health.ReadLifetimes(strings.NewReader(in), "lifetimes.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(lt.ID, lt.Start.DaysUntil(lt.End), "days, churned:", lt.Churned, "scored:", lt.Score != nil)
	}
	// Output:
	// a 59 days, churned: true scored: true
	// health: lifetimes.csv:3: customer "b": end: "2026-02-30": not a date (want YYYY-MM-DD)
	// c 180 days, churned: false scored: false
}

// ReadOptions bounds the length of a line; a longer one is one error at its line
// and reading goes on.
func ExampleReadOptions_ReadOutcomes() {
	in := "id,churned\na,1\n" + strings.Repeat("x", 200) + ",0\nc,0\n"
	for o, err := range (health.ReadOptions{MaxRecordBytes: 100}).ReadOutcomes(strings.NewReader(in), "outcomes.csv") {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(o.ID, o.Churned)
	}
	// Output:
	// a true
	// health: outcomes.csv:3: record: too long: line longer than 100 bytes
	// c false
}
