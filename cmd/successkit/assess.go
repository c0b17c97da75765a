package main

import (
	"context"
	"fmt"
	"math"

	"github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// assessment is the check and act steps: each play's effect and what to do
// about it.
type assessment struct {
	From     cs.Date           `json:"from,omitzero"`
	To       cs.Date           `json:"to,omitzero"`
	Outcomes int               `json:"outcomes"`
	Effects  []playbook.Effect `json:"effects"`
	Act      []string          `json:"act"`
}

func assess(ctx context.Context, st *store.Store, from, to cs.Date, churned func(o *playbook.Outcome)) (assessment, error) {
	a := assessment{From: from, To: to, Effects: []playbook.Effect{}, Act: []string{}}
	var outs []playbook.Outcome
	for o, err := range st.Outcomes(ctx, from, to) {
		if err != nil {
			return a, err
		}
		if churned != nil {
			churned(&o)
		}
		outs = append(outs, o)
	}
	a.Outcomes = len(outs)
	if len(outs) == 0 {
		return a, nil
	}
	effects, err := playbook.Assess(outs)
	if err != nil {
		return a, err
	}
	a.Effects = effects
	for _, e := range effects {
		switch e.Recommendation {
		case playbook.Retire:
			a.Act = append(a.Act, fmt.Sprintf("retire %s: %s", e.PlayID, e.Evidence))
		case playbook.Revise:
			a.Act = append(a.Act, fmt.Sprintf("revise %s: %s", e.PlayID, e.Evidence))
		}
	}
	return a, nil
}

func writeAssessment(t *textOut, a *assessment) {
	t.printf("Which plays worked: %s outcomes measured %d days after each fire", count(a.Outcomes), outcomeDays)
	if !a.From.IsZero() || !a.To.IsZero() {
		t.printf(" (%s to %s)", a.From, a.To)
	}
	t.printf("\n")
	if len(a.Effects) == 0 {
		t.printf("  no play has fired long enough ago to measure: run more weeks\n")
		return
	}
	var rows [][]string
	for _, e := range a.Effects {
		rows = append(rows, []string{e.PlayID, count(e.Fires), pct(e.SuccessRate) + " (" + pct(e.Low) + "–" + pct(e.High) + ")",
			signed(e.HealthChange), signed(e.Uplift), count(e.Compared), string(e.Recommendation)})
	}
	t.table("lrrrrrl", []string{"play", "fires", "success (95%)", "health", "uplift", "compared", "verdict"}, rows)
	t.printf("\nWhat to change\n")
	if len(a.Act) == 0 {
		t.printf("  nothing: every play is kept\n")
	}
	for _, s := range a.Act {
		t.printf("  %s\n", s)
	}
}

func pct(x float64) string { return fixed(100*x, 0) + "%" }

func signed(x float64) string {
	if x = math.Round(x*10) / 10; x == 0 {
		x = 0 // no "-0.0"
	}
	if x >= 0 {
		return "+" + fixed(x, 1)
	}
	return fixed(x, 1)
}

func cmdAssess(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "assess", "[flags]",
		`The "check" step: which plays worked. For every play that fired at least four
weeks ago, the share of its fires followed by a better health score or a
renewal without churn, with a 95% Wilson interval, against comparable customers
it did not fire for (same tier, same ten-point health band); then what to
change ("act"): keep, revise or retire each play.`,
		"successkit assess", "successkit assess -from 2026-01-01 -format json").withDB()
	from := c.date("from", "the first fire `date` to assess (default: all)")
	to := c.date("to", "the last fire `date` to assess (default: all)")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	if _, err := lastRunDate(ctx, st); err != nil {
		return c.errorf("%w", err)
	}
	a, err := assess(ctx, st, *from, *to, nil)
	if err != nil {
		return c.errorf("%w", err)
	}
	return c.output(a, func(t *textOut) { writeAssessment(t, &a) })
}
