package main

import (
	"context"
	"math"

	"github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// point is a customer's standing on one run date.
type point struct {
	AsOf     cs.Date  `json:"as_of"`
	Score    *float64 `json:"score"` // null when Unknown
	Grade    string   `json:"grade,omitempty"`
	Computed *float64 `json:"computed,omitempty"` // the computed score under an override
	Tier     string   `json:"tier,omitempty"`
	Reasons  []string `json:"reasons,omitempty"`
}

func cmdHistory(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "history", "CUSTOMER [flags]",
		"Shows a customer over time: its score, grade and tier at every run, with the\nreasons behind each score, and every task the playbook opened for it with\nhow it ended.",
		"successkit history C042", "successkit history C042 -format json").withDB()
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos, "the CUSTOMER ID"); err != nil {
		return err
	}
	id := pos[0]
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	var points []point
	byDate := map[cs.Date]int{}
	for r, err := range st.HealthHistory(ctx, id, store.Page{}) {
		if err != nil {
			return c.errorf("%w", err)
		}
		p := point{AsOf: r.AsOf, Grade: r.Grade, Reasons: r.Reasons()}
		if !r.Unknown {
			s := round1(r.Score)
			p.Score = &s
		}
		if r.Overridden {
			x := round1(r.Computed)
			p.Computed = &x
		}
		if len(p.Reasons) > 3 {
			p.Reasons = p.Reasons[:3]
		}
		byDate[r.AsOf] = len(points)
		points = append(points, p)
	}
	for tp, err := range st.TierHistory(ctx, id, store.Page{}) {
		if err != nil {
			return c.errorf("%w", err)
		}
		if i, ok := byDate[tp.AsOf]; ok {
			points[i].Tier = tp.Assignment.Tier.String()
		} else {
			points = append(points, point{AsOf: tp.AsOf, Tier: tp.Assignment.Tier.String()})
		}
	}
	tasks := []playbook.TaskRecord{}
	for r, err := range st.Tasks(ctx, store.TaskFilter{CustomerID: id}, store.Page{}) {
		if err != nil {
			return c.errorf("%w", err)
		}
		tasks = append(tasks, r)
	}
	if len(points) == 0 && len(tasks) == 0 {
		return c.errorf("customer %q: %w: no run scored it (check the ID with successkit tasks or the report)", id, store.ErrNotFound)
	}
	if points == nil {
		points = []point{}
	}
	return c.output(struct {
		CustomerID string                `json:"customer_id"`
		History    []point               `json:"history"`
		Tasks      []playbook.TaskRecord `json:"tasks"`
	}{id, points, tasks}, func(t *textOut) {
		t.printf("%s: %d runs, %d tasks\n\n", id, len(points), len(tasks))
		var rows [][]string
		for _, p := range points {
			score := "unknown"
			if p.Score != nil {
				score = fixed(*p.Score, 1)
			}
			if p.Computed != nil {
				score += " (override; computed " + fixed(*p.Computed, 1) + ")"
			}
			why := ""
			if len(p.Reasons) > 0 {
				why = p.Reasons[0]
			}
			rows = append(rows, []string{p.AsOf.String(), score, p.Grade, p.Tier, why})
		}
		t.table("lrlll", []string{"as of", "score", "grade", "tier", "why"}, rows)
		if len(tasks) > 0 {
			t.printf("\nTasks\n")
			rows = nil
			for _, r := range tasks {
				end := r.State.String()
				if r.State != playbook.TaskOpen {
					end += " " + r.Closed.String() + " by " + r.By
					if r.Note != "" {
						end += ": " + r.Note
					}
				}
				rows = append(rows, []string{r.Opened.String(), r.Task.PlayID, r.Task.Action.Title, end})
			}
			t.table("llll", []string{"opened", "play", "action", "state"}, rows)
		}
	})
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
