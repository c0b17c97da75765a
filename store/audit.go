package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strconv"
	"time"
)

// AuditEntry is one write recorded in the store's audit: who did what, when.
// The audit is append-only; the database refuses to update or delete it.
type AuditEntry struct {
	Seq    int64     `json:"seq"`    // position in the audit, from 1, without gaps
	At     time.Time `json:"at"`     // when, by the writer's clock, in UTC
	By     string    `json:"by"`     // who: a person, a token's name
	Action string    `json:"action"` // "run.save", "override.set", "override.revoke", "task.done", "task.skip", "token.create", "token.revoke"
	Object string    `json:"object"` // what: a run's date, an override's ID, a task's ID, a token's name
	Detail string    `json:"detail"` // JSON with the particulars
}

// audit appends an entry in the write transaction.
func (w *wtx) audit(at time.Time, by, action, object, detail string) error {
	seq, err := w.next("cs_audit", "seq")
	if err != nil {
		return err
	}
	if _, err := w.exec(`INSERT INTO cs_audit (seq, at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		seq, w.s.timeArg(at), by, action, object, detail); err != nil {
		return fmt.Errorf("writing the audit: %w", err)
	}
	return nil
}

// Audit lists the audit in order; Page.After is a Seq in decimal.
func (s *Store) Audit(ctx context.Context, page Page) iter.Seq2[AuditEntry, error] {
	after, err := afterSeq(page.After)
	if err != nil {
		return fail[AuditEntry](err)
	}
	return list(ctx, s, "reading the audit", `SELECT seq, at, actor, action, object, detail FROM cs_audit
		WHERE seq > ? ORDER BY seq LIMIT ?`, []any{after, page.limit()},
		func(rows *sql.Rows) (AuditEntry, error) {
			var e AuditEntry
			err := rows.Scan(&e.Seq, timeCol{&e.At}, &e.By, &e.Action, &e.Object, &e.Detail)
			return e, err
		})
}

// afterSeq turns a sequence-number cursor into a parameter.
func afterSeq(after string) (int64, error) {
	if after == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(after, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != after {
		return 0, fmt.Errorf("store: page after %q: not a sequence number", clip(after))
	}
	return n, nil
}

// StateVersion returns a number that grows with every write to the store
// (the audit's last Seq; 0 for a store never written): an ETag for anything
// read from it.
func (s *Store) StateVersion(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(seq) FROM cs_audit`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: reading the state version: %w", classify(err))
	}
	return n.Int64, nil
}
