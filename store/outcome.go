package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"

	"github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
)

var outcomeCols = []string{"as_of", "customer_id", "play_id", "day", "tier", "health_before", "health_after", "renewed", "churned"}

// AddOutcome adds an outcome to the run: what followed a play's fire (or,
// with no play ID, a customer no play fired for), as playbook.Assess reads
// it. A later run may store the same outcome (customer, play, date) again;
// Outcomes reads the latest run's.
func (t *RunTx) AddOutcome(o playbook.Outcome) error {
	if err := t.usable(); err != nil {
		return err
	}
	if err := checkOutcome(&o); err != nil {
		return fmt.Errorf("store: run %s: outcome: %w", t.run.AsOf, err)
	}
	in := t.inserter("cs_outcomes", outcomeCols...)
	if err := in.add(t.s.dateArg(t.run.AsOf), o.CustomerID, o.PlayID, t.s.dateArg(o.Date), o.Tier,
		o.HealthBefore, o.HealthAfter, o.Renewed, o.Churned); err != nil {
		return t.fail(err)
	}
	return nil
}

func checkOutcome(o *playbook.Outcome) error {
	if err := checkID("customer_id", o.CustomerID); err != nil {
		return err
	}
	if o.PlayID != "" {
		if err := checkID("play_id", o.PlayID); err != nil {
			return err
		}
	}
	if !o.Date.Valid() {
		return &cs.FieldError{Record: o.CustomerID, Field: "date", Value: o.Date.String(), Err: cs.ErrInvalidDate}
	}
	if err := checkText("tier", o.Tier); err != nil {
		return err
	}
	if err := checkFloat("health_before", o.HealthBefore); err != nil {
		return err
	}
	return checkFloat("health_after", o.HealthAfter)
}

// Outcomes streams the outcomes dated from..to (inclusive; zero dates are
// open ends), each as the latest run that computed it stored it, by date,
// customer ID and play ID: the input of playbook.Assess.
func (s *Store) Outcomes(ctx context.Context, from, to cs.Date) iter.Seq2[playbook.Outcome, error] {
	if from.IsZero() {
		from = cs.NewDate(1, 1, 1)
	}
	if to.IsZero() {
		to = cs.NewDate(9999, 12, 31)
	}
	return list(ctx, s, "reading outcomes", `SELECT o.customer_id, o.play_id, o.day, o.tier, o.health_before, o.health_after, o.renewed, o.churned
		FROM cs_outcomes o WHERE o.day >= ? AND o.day <= ? AND o.as_of = (SELECT MAX(p.as_of) FROM cs_outcomes p
			WHERE p.day = o.day AND p.customer_id = o.customer_id AND p.play_id = o.play_id)
		ORDER BY o.day, o.customer_id, o.play_id`, []any{s.dateArg(from), s.dateArg(to)},
		func(rows *sql.Rows) (playbook.Outcome, error) {
			var o playbook.Outcome
			err := rows.Scan(&o.CustomerID, &o.PlayID, dateCol{&o.Date}, &o.Tier, &o.HealthBefore, &o.HealthAfter,
				boolCol{&o.Renewed}, boolCol{&o.Churned})
			return o, err
		})
}
