package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// OverrideAction is what an override event records.
type OverrideAction string

// The override events. An override is set once and then, at most once,
// revoked by a person or found expired by a run.
const (
	OverrideSet     OverrideAction = "set"
	OverrideRevoked OverrideAction = "revoked"
	OverrideExpired OverrideAction = "expired"
)

// OverrideEvent is one entry of the override audit. The audit is
// append-only: setting, revoking and expiring an override each add an event,
// and the database refuses to update or delete one.
type OverrideEvent struct {
	Seq        int64           `json:"seq"`         // position in the audit, from 1
	ID         int64           `json:"override_id"` // the override: the Seq of its set event
	CustomerID string          `json:"customer_id"`
	Action     OverrideAction  `json:"action"`
	Override   health.Override `json:"override"` // the override as set
	// Effective is, for revoked and expired, the first day the override no
	// longer applies.
	Effective cs.Date   `json:"effective,omitzero"`
	Note      string    `json:"note,omitempty"` // why it was revoked
	By        string    `json:"by"`             // who recorded the event
	At        time.Time `json:"at"`             // when, by the caller's clock, in UTC
	Run       cs.Date   `json:"run,omitzero"`   // expired: the run that found it expired
}

// checkOverride validates an override as health.Scorer.Score would, except
// for the measure's name, which only the scorecard knows.
func checkOverride(customerID string, o *health.Override) error {
	if err := checkID("customer_id", customerID); err != nil {
		return err
	}
	fe := func(field, value string, err error) error {
		return &cs.FieldError{Record: customerID, Field: field, Value: value, Err: err}
	}
	switch {
	case !(o.Points >= 0 && o.Points <= 100):
		return fe("points", strconv.FormatFloat(o.Points, 'g', -1, 64), cs.ErrRange)
	case o.Reason == "":
		return fe("reason", "", cs.ErrMissing)
	case o.Author == "":
		return fe("author", "", cs.ErrMissing)
	case !o.SetAt.Valid():
		return fe("set_at", o.SetAt.String(), cs.ErrInvalidDate)
	case !o.Expires.Valid():
		return fe("expires", o.Expires.String(), cs.ErrInvalidDate)
	case !o.Expires.After(o.SetAt):
		return fe("expires", o.Expires.String(), fmt.Errorf("not after set_at %s: %w", o.SetAt, cs.ErrDateOrder))
	}
	for _, f := range [...]struct{ name, v string }{{"measure", o.Measure}, {"reason", o.Reason}, {"author", o.Author}} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// SetOverride records a new override of a customer's score (or of one
// measure, o.Measure) set by o.Author at a time, and returns its set event;
// the event's ID identifies the override from then on.
func (s *Store) SetOverride(ctx context.Context, customerID string, o health.Override, at time.Time) (OverrideEvent, error) {
	if err := checkOverride(customerID, &o); err != nil {
		return OverrideEvent{}, fmt.Errorf("store: override: %w", err)
	}
	if at.IsZero() {
		return OverrideEvent{}, fmt.Errorf("store: override: at: %w", cs.ErrMissing)
	}
	ev := OverrideEvent{CustomerID: customerID, Action: OverrideSet, Override: o, By: o.Author, At: normTime(at)}
	err := s.write(ctx, func(w *wtx) error {
		if err := w.overrideEvent(&ev); err != nil {
			return err
		}
		return w.auditEvent("override.set", &ev)
	})
	return ev, err
}

// RevokeOverride records that an override no longer applies from a day on,
// with who revoked it, why, and when. An override already revoked or expired
// gives ErrClosed; an unknown ID ErrNotFound.
func (s *Store) RevokeOverride(ctx context.Context, id int64, on cs.Date, by, reason string, at time.Time) (OverrideEvent, error) {
	switch {
	case !on.Valid():
		return OverrideEvent{}, fmt.Errorf("store: revoking override %d: on %q: %w", id, on.String(), cs.ErrInvalidDate)
	case by == "":
		return OverrideEvent{}, fmt.Errorf("store: revoking override %d: by: %w", id, cs.ErrMissing)
	case reason == "":
		return OverrideEvent{}, fmt.Errorf("store: revoking override %d: reason: %w", id, cs.ErrMissing)
	case at.IsZero():
		return OverrideEvent{}, fmt.Errorf("store: revoking override %d: at: %w", id, cs.ErrMissing)
	}
	for _, f := range [...]struct{ name, v string }{{"by", by}, {"reason", reason}} {
		if err := checkText(f.name, f.v); err != nil {
			return OverrideEvent{}, fmt.Errorf("store: revoking override %d: %w", id, err)
		}
	}
	var ev OverrideEvent
	err := s.write(ctx, func(w *wtx) error {
		set, closed, err := w.overrideState(id)
		if err != nil {
			return err
		}
		if closed != "" {
			return fmt.Errorf("store: revoking override %d: %w (%s)", id, ErrClosed, closed)
		}
		ev = OverrideEvent{ID: id, CustomerID: set.CustomerID, Action: OverrideRevoked, Override: set.Override,
			Effective: on, Note: reason, By: by, At: normTime(at)}
		if err := w.overrideEvent(&ev); err != nil {
			return err
		}
		return w.auditEvent("override.revoke", &ev)
	})
	return ev, err
}

// overrideState returns an override's set event and the action that closed
// it ("" while open).
func (w *wtx) overrideState(id int64) (OverrideEvent, OverrideAction, error) {
	var set OverrideEvent
	var closed OverrideAction
	found := false
	rows, err := w.query(overrideSelect+`WHERE override_id = ? ORDER BY seq`, id)
	if err != nil {
		return set, "", fmt.Errorf("store: override %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		ev, err := scanOverrideEvent(rows)
		if err != nil {
			return set, "", fmt.Errorf("store: override %d: %w", id, classify(err))
		}
		if ev.Action == OverrideSet {
			set, found = ev, true
		} else {
			closed = ev.Action
		}
	}
	if err := rows.Err(); err != nil {
		return set, "", fmt.Errorf("store: override %d: %w", id, classify(err))
	}
	if !found {
		return set, "", fmt.Errorf("store: override %d: %w", id, ErrNotFound)
	}
	return set, closed, nil
}

// overrideEvent appends ev, numbering it (and, for a set event, the override).
func (w *wtx) overrideEvent(ev *OverrideEvent) error {
	seq, err := w.next("cs_override_events", "seq")
	if err != nil {
		return err
	}
	ev.Seq = seq
	if ev.Action == OverrideSet {
		ev.ID = seq
	}
	o := &ev.Override
	s := w.s
	if _, err := w.exec(`INSERT INTO cs_override_events (seq, override_id, customer_id, event, measure, points, reason, author,
		set_at, expires, effective, note, actor, at, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Seq, ev.ID, ev.CustomerID, string(ev.Action), o.Measure, o.Points, o.Reason, o.Author,
		s.dateArg(o.SetAt), s.dateArg(o.Expires), s.dateArg(ev.Effective), ev.Note, ev.By, s.timeArg(ev.At), s.dateArg(ev.Run)); err != nil {
		return fmt.Errorf("store: recording override event: %w", err)
	}
	return nil
}

func (w *wtx) auditEvent(action string, ev *OverrideEvent) error {
	b, _ := json.Marshal(ev)
	return w.audit(ev.At, ev.By, action, strconv.FormatInt(ev.ID, 10), string(b))
}

const overrideSelect = `SELECT seq, override_id, customer_id, event, measure, points, reason, author, set_at, expires,
	effective, note, actor, at, run FROM cs_override_events `

func scanOverrideEvent(rows interface{ Scan(...any) error }) (OverrideEvent, error) {
	var ev OverrideEvent
	var action string
	o := &ev.Override
	err := rows.Scan(&ev.Seq, &ev.ID, &ev.CustomerID, &action, &o.Measure, &o.Points, &o.Reason, &o.Author,
		dateCol{&o.SetAt}, dateCol{&o.Expires}, dateCol{&ev.Effective}, &ev.Note, &ev.By, timeCol{&ev.At}, dateCol{&ev.Run})
	ev.Action = OverrideAction(action)
	return ev, err
}

// ExpireOverrides records an expired event, by the run, for every override
// whose expiry is on or before the run's date and that is neither revoked nor
// already expired, and returns how many it found. Re-running the date finds
// none again: the audit is never rewritten.
func (t *RunTx) ExpireOverrides() (int, error) {
	if err := t.usable(); err != nil {
		return 0, err
	}
	var due []OverrideEvent
	rows, err := t.w.query(overrideSelect+`s WHERE s.event = 'set' AND s.expires <= ? AND NOT EXISTS
		(SELECT 1 FROM cs_override_events e WHERE e.override_id = s.override_id AND e.event <> 'set') ORDER BY s.seq`,
		t.s.dateArg(t.run.AsOf))
	if err != nil {
		return 0, t.fail(err)
	}
	for rows.Next() {
		ev, err := scanOverrideEvent(rows)
		if err != nil {
			rows.Close()
			return 0, t.fail(err)
		}
		due = append(due, ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, t.fail(err)
	}
	for _, set := range due {
		ev := OverrideEvent{ID: set.ID, CustomerID: set.CustomerID, Action: OverrideExpired, Override: set.Override,
			Effective: set.Override.Expires, By: t.run.By, At: t.run.At, Run: t.run.AsOf}
		if err := t.w.overrideEvent(&ev); err != nil {
			return 0, t.fail(err)
		}
	}
	t.run.Counts.Expired += len(due)
	return len(due), nil
}

// activeWhere selects the set events of overrides active on a date: set_at ≤
// date < expires, and not revoked from a day on or before it.
const activeWhere = `s.event = 'set' AND s.set_at <= ? AND s.expires > ? AND NOT EXISTS
	(SELECT 1 FROM cs_override_events r WHERE r.override_id = s.override_id AND r.event = 'revoked' AND r.effective <= ?)`

// Overrides returns a customer's overrides active on a date, oldest first:
// what health.Scorer.Score takes.
func (s *Store) Overrides(ctx context.Context, customerID string, on cs.Date) ([]health.Override, error) {
	var out []health.Override
	d := s.dateArg(on)
	for ev, err := range list(ctx, s, "reading overrides", overrideSelect+`s WHERE s.customer_id = ? AND `+activeWhere+` ORDER BY s.seq`,
		[]any{customerID, d, d, d}, func(rows *sql.Rows) (OverrideEvent, error) { return scanOverrideEvent(rows) }) {
		if err != nil {
			return nil, err
		}
		out = append(out, ev.Override)
	}
	return out, nil
}

// Overrides returns the overrides active on the run's date by customer ID,
// read on the run's own connection: what health.Scorer.Score takes for each
// customer (health.Input.Overrides).
func (t *RunTx) Overrides() (map[string][]health.Override, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	out := map[string][]health.Override{}
	for co, err := range t.s.activeOverrides(t.w.ctx, t.w.conn, t.run.AsOf, Page{}) {
		if err != nil {
			return nil, err
		}
		out[co.CustomerID] = co.Overrides
	}
	return out, nil
}

// CustomerOverrides are a customer's active overrides with their IDs.
type CustomerOverrides struct {
	CustomerID string
	IDs        []int64
	Overrides  []health.Override
}

// ActiveOverrides streams, by customer ID, the overrides active on a date,
// one customer at a time (ready for health.Input); Page.After is a customer
// ID and Page.Limit counts customers.
func (s *Store) ActiveOverrides(ctx context.Context, on cs.Date, page Page) iter.Seq2[CustomerOverrides, error] {
	return s.activeOverrides(ctx, s.db, on, page)
}

func (s *Store) activeOverrides(ctx context.Context, q queryer, on cs.Date, page Page) iter.Seq2[CustomerOverrides, error] {
	return func(yield func(CustomerOverrides, error) bool) {
		d := s.dateArg(on)
		var cur CustomerOverrides
		n := 0
		for ev, err := range listOn(ctx, s, q, "reading overrides", overrideSelect+`s WHERE s.customer_id > ? AND `+activeWhere+
			` ORDER BY s.customer_id, s.seq`, []any{page.After, d, d, d},
			func(rows *sql.Rows) (OverrideEvent, error) { return scanOverrideEvent(rows) }) {
			if err != nil {
				yield(CustomerOverrides{}, err)
				return
			}
			if ev.CustomerID != cur.CustomerID {
				if cur.CustomerID != "" {
					if !yield(cur, nil) {
						return
					}
					if n++; page.Limit > 0 && n >= page.Limit {
						return
					}
				}
				cur = CustomerOverrides{CustomerID: ev.CustomerID}
			}
			cur.IDs = append(cur.IDs, ev.ID)
			cur.Overrides = append(cur.Overrides, ev.Override)
		}
		if cur.CustomerID != "" {
			yield(cur, nil)
		}
	}
}

// OverrideAudit lists the events of one override, in order: its set event,
// then its revoked or expired event if any.
func (s *Store) OverrideAudit(ctx context.Context, id int64) iter.Seq2[OverrideEvent, error] {
	return list(ctx, s, "reading an override's audit", overrideSelect+`WHERE override_id = ? ORDER BY seq`, []any{id},
		func(rows *sql.Rows) (OverrideEvent, error) { return scanOverrideEvent(rows) })
}

// OverrideEvents lists the override audit in order, of one customer or of
// all ("" customer ID); Page.After is a Seq in decimal.
func (s *Store) OverrideEvents(ctx context.Context, customerID string, page Page) iter.Seq2[OverrideEvent, error] {
	after, err := afterSeq(page.After)
	if err != nil {
		return fail[OverrideEvent](err)
	}
	return list(ctx, s, "reading the override audit", overrideSelect+`WHERE (? = '' OR customer_id = ?) AND seq > ? ORDER BY seq LIMIT ?`,
		[]any{customerID, customerID, after, page.limit()},
		func(rows *sql.Rows) (OverrideEvent, error) { return scanOverrideEvent(rows) })
}
