package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/touch"
)

var touchCols = []string{"as_of", "customer_id", "tier", "previous", "changed", "due", "toward", "streak", "owner",
	"community", "reasons", "fit_reason", "currency", "value_minor", "arr_minor", "arr_known"}

// SaveTouch adds a touch assignment to the run for every account of r, and
// keeps r's tier table, upgrade candidates and rejections as the run's
// document "touch" (TouchSummary reads it). r.AsOf must be the run's date.
func (t *RunTx) SaveTouch(r *touch.Result) error {
	if err := t.usable(); err != nil {
		return err
	}
	if r.AsOf != t.run.AsOf {
		return fmt.Errorf("store: run %s: touch result of %s: %w", t.run.AsOf, r.AsOf, cs.ErrDateOrder)
	}
	for i := range r.Accounts {
		if err := t.AddAssignment(&r.Accounts[i]); err != nil {
			return err
		}
	}
	summary := *r
	summary.Accounts = nil
	b, err := json.Marshal(&summary)
	if err != nil {
		return fmt.Errorf("store: run %s: touch summary: %w", t.run.AsOf, err)
	}
	return t.SaveDoc("touch", b)
}

// AddAssignment adds one account's touch assignment to the run: its tier,
// owner and the hysteresis state the next period's Assign reads, with the
// reasons, community flags and value.
func (t *RunTx) AddAssignment(a *touch.Assignment) error {
	if err := t.usable(); err != nil {
		return err
	}
	if err := checkAssignment(a); err != nil {
		return fmt.Errorf("store: run %s: touch: %w", t.run.AsOf, err)
	}
	in := t.inserter("cs_touch", touchCols...)
	if err := in.add(t.s.dateArg(t.run.AsOf), a.ID, a.Tier.String(), a.Previous.String(), a.Changed, a.Due.String(),
		a.Toward.String(), int64(a.Streak), a.Owner, int64(a.Community), int64(a.Reasons), a.FitReason,
		string(a.Currency), a.ValueMinor, a.ARRMinor, a.ARRKnown); err != nil {
		return t.fail(err)
	}
	return nil
}

func checkAssignment(a *touch.Assignment) error {
	if err := checkID("id", a.ID); err != nil {
		return err
	}
	for _, tier := range [...]touch.Tier{a.Tier, a.Previous, a.Due, a.Toward} {
		if !tier.Valid() {
			return &cs.FieldError{Record: a.ID, Field: "tier", Value: tier.String(), Err: touch.ErrUnknownTier}
		}
	}
	if err := checkText("owner", a.Owner); err != nil {
		return err
	}
	if err := checkText("fit_reason", a.FitReason); err != nil {
		return err
	}
	if a.Currency != "" && !a.Currency.Known() {
		return &cs.FieldError{Record: a.ID, Field: "currency", Value: clip(string(a.Currency)), Err: cs.ErrUnknownCurrency}
	}
	return nil
}

// TouchSummary returns the tier table, candidates and rejections SaveTouch
// kept for the run of a date (a touch.Result without Accounts).
func (s *Store) TouchSummary(ctx context.Context, asOf cs.Date) (touch.Result, error) {
	b, err := s.Doc(ctx, asOf, "touch")
	if err != nil {
		return touch.Result{}, err
	}
	var r touch.Result
	if err := json.Unmarshal(b, &r); err != nil {
		return touch.Result{}, fmt.Errorf("store: touch summary of %s: %w", asOf, err)
	}
	return r, nil
}

const touchSelect = `SELECT as_of, customer_id, tier, previous, changed, due, toward, streak, owner, community, reasons, fit_reason,
	currency, value_minor, arr_minor, arr_known FROM cs_touch `

func scanAssignment(rows *sql.Rows) (touch.Assignment, cs.Date, error) {
	var a touch.Assignment
	var asOf cs.Date
	var tier, prev, due, toward, currency string
	var streak, community, reasons int64
	if err := rows.Scan(dateCol{&asOf}, &a.ID, &tier, &prev, boolCol{&a.Changed}, &due, &toward, &streak, &a.Owner,
		&community, &reasons, &a.FitReason, &currency, &a.ValueMinor, &a.ARRMinor, boolCol{&a.ARRKnown}); err != nil {
		return a, asOf, err
	}
	a.Currency = cs.Currency(currency)
	var errs [4]error
	a.Tier, errs[0] = touch.ParseTier(tier)
	a.Previous, errs[1] = touch.ParseTier(prev)
	a.Due, errs[2] = touch.ParseTier(due)
	a.Toward, errs[3] = touch.ParseTier(toward)
	a.Streak, a.Community, a.Reasons = int(streak), touch.Community(community), touch.Reasons(reasons)
	return a, asOf, errors.Join(errs[:]...)
}

// Assignments lists the touch assignments of the run of a date by customer
// ID; Page.After is a customer ID.
func (s *Store) Assignments(ctx context.Context, asOf cs.Date, page Page) iter.Seq2[touch.Assignment, error] {
	return list(ctx, s, "reading touch assignments", touchSelect+`WHERE as_of = ? AND customer_id > ? ORDER BY customer_id LIMIT ?`,
		[]any{s.dateArg(asOf), page.After, page.limit()},
		func(rows *sql.Rows) (touch.Assignment, error) {
			a, _, err := scanAssignment(rows)
			return a, err
		})
}

// TierPoint is a customer's touch assignment on one date.
type TierPoint struct {
	AsOf       cs.Date          `json:"as_of"`
	Assignment touch.Assignment `json:"assignment"`
}

// TierHistory lists a customer's touch assignments, oldest first; Page.After
// is a date.
func (s *Store) TierHistory(ctx context.Context, customerID string, page Page) iter.Seq2[TierPoint, error] {
	after, err := s.afterDate(page.After)
	if err != nil {
		return fail[TierPoint](err)
	}
	return list(ctx, s, "reading a tier history", touchSelect+`WHERE customer_id = ? AND as_of > ? ORDER BY as_of LIMIT ?`,
		[]any{customerID, after, page.limit()},
		func(rows *sql.Rows) (TierPoint, error) {
			a, d, err := scanAssignment(rows)
			return TierPoint{AsOf: d, Assignment: a}, err
		})
}

// TouchState is a customer's touch state as the last period left it.
type TouchState struct {
	CustomerID string
	State      touch.State
}

// lastTouch returns the date of the latest run before a date that saved
// touch assignments, or the zero Date.
func (s *Store) lastTouch(ctx context.Context, q queryer, before cs.Date) (cs.Date, error) {
	var d cs.Date
	err := q.QueryRowContext(ctx, s.q(`SELECT MAX(as_of) FROM cs_runs WHERE as_of < ? AND n_touch > 0`), s.dateArg(before)).Scan(dateCol{&d})
	if err != nil {
		return d, fmt.Errorf("store: finding the last touch run: %w", classify(err))
	}
	return d, nil
}

// TouchStates streams, by customer ID, the touch states left by the latest
// run before a date that saved assignments: the states hysteresis and sticky
// owners read. Nothing is yielded when no such run exists. Owners and tiers
// are shared strings, so a million states cost little more than their IDs.
// Page.After is a customer ID.
func (s *Store) TouchStates(ctx context.Context, before cs.Date, page Page) iter.Seq2[TouchState, error] {
	return s.touchStates(ctx, s.db, before, page)
}

func (s *Store) touchStates(ctx context.Context, q queryer, before cs.Date, page Page) iter.Seq2[TouchState, error] {
	return func(yield func(TouchState, error) bool) {
		d, err := s.lastTouch(ctx, q, before)
		if err != nil {
			yield(TouchState{}, err)
			return
		}
		if d.IsZero() {
			return
		}
		owners := map[string]string{}
		for st, err := range listOn(ctx, s, q, "reading touch states", `SELECT customer_id, tier, due, toward, streak, owner FROM cs_touch
			WHERE as_of = ? AND customer_id > ? ORDER BY customer_id LIMIT ?`, []any{s.dateArg(d), page.After, page.limit()},
			func(rows *sql.Rows) (TouchState, error) {
				var ts TouchState
				var tier, due, toward, owner sql.RawBytes
				var streak int64
				if err := rows.Scan(&ts.CustomerID, &tier, &due, &toward, &streak, &owner); err != nil {
					return ts, err
				}
				var errs [3]error
				ts.State.Tier, errs[0] = tierOf(tier)
				ts.State.Due, errs[1] = tierOf(due)
				ts.State.Toward, errs[2] = tierOf(toward)
				o, ok := owners[string(owner)]
				if !ok {
					o = string(owner)
					owners[o] = o
				}
				ts.State.Owner, ts.State.Streak, ts.State.AsOf = o, int(streak), d
				return ts, errors.Join(errs[:]...)
			}) {
			if !yield(st, err) || err != nil {
				return
			}
		}
	}
}

// tierOf parses a tier word without allocating.
func tierOf(b []byte) (touch.Tier, error) {
	switch string(b) {
	case "":
		return touch.None, nil
	case "tech":
		return touch.Tech, nil
	case "low":
		return touch.Low, nil
	case "high":
		return touch.High, nil
	}
	return touch.ParseTier(string(b))
}

// FillTouchStates sets the State of each account to the state the latest run
// before a date left for its ID, and the zero State (new) to the others, as
// touch.Result.Carry does in memory: the accounts are then ready for
// Assigner.Assign. It returns the number of accounts found and the date of
// the run read (zero if none). It holds one index per account, not a map.
func (s *Store) FillTouchStates(ctx context.Context, before cs.Date, accounts []touch.Account) (int, cs.Date, error) {
	return s.fillTouchStates(ctx, s.db, before, accounts)
}

// FillTouchStates is Store.FillTouchStates for the run's date, read on the
// run's own connection.
func (t *RunTx) FillTouchStates(accounts []touch.Account) (int, cs.Date, error) {
	if err := t.usable(); err != nil {
		return 0, cs.Date{}, err
	}
	return t.s.fillTouchStates(t.w.ctx, t.w.conn, t.run.AsOf, accounts)
}

func (s *Store) fillTouchStates(ctx context.Context, q queryer, before cs.Date, accounts []touch.Account) (int, cs.Date, error) {
	order := make([]int32, len(accounts))
	for i := range order {
		order[i] = int32(i)
		accounts[i].State = touch.State{}
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(accounts[a].ID, accounts[b].ID) })
	d, err := s.lastTouch(ctx, q, before)
	if err != nil || d.IsZero() {
		return 0, d, err
	}
	// One ordered pass beside the sorted accounts; IDs are compared in the
	// driver's buffer, so a row costs no allocation but a new owner's name.
	owners := map[string]string{}
	found, j := 0, 0
	rows, err := q.QueryContext(ctx, s.q(`SELECT customer_id, tier, due, toward, streak, owner FROM cs_touch
		WHERE as_of = ? ORDER BY customer_id`), s.dateArg(d))
	if err != nil {
		return 0, d, fmt.Errorf("store: reading touch states: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, tier, due, toward, owner sql.RawBytes
		var streak int64
		if err := rows.Scan(&id, &tier, &due, &toward, &streak, &owner); err != nil {
			return found, d, fmt.Errorf("store: reading touch states: %w", classify(err))
		}
		for j < len(order) && accounts[order[j]].ID < string(id) {
			j++
		}
		if j == len(order) || accounts[order[j]].ID != string(id) {
			continue
		}
		var st touch.State
		var errs [3]error
		st.Tier, errs[0] = tierOf(tier)
		st.Due, errs[1] = tierOf(due)
		st.Toward, errs[2] = tierOf(toward)
		if err := errors.Join(errs[:]...); err != nil {
			return found, d, fmt.Errorf("store: reading touch states: customer %q: %w", clip(string(id)), err)
		}
		o, ok := owners[string(owner)]
		if !ok {
			o = string(owner)
			owners[o] = o
		}
		st.Owner, st.Streak, st.AsOf = o, int(streak), d
		for k := j; k < len(order) && accounts[order[k]].ID == string(id); k++ {
			accounts[order[k]].State = st
			found++
		}
	}
	if err := rows.Err(); err != nil {
		return found, d, fmt.Errorf("store: reading touch states: %w", classify(err))
	}
	return found, d, nil
}
