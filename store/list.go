package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
)

// queryer is *sql.DB, *sql.Conn or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// list streams the rows of a query, each turned into a T by scan. The query
// runs when the sequence is first iterated; breaking out of the loop closes
// the rows. A failure yields one error and ends the sequence.
func list[T any](ctx context.Context, s *Store, what, query string, args []any, scan func(*sql.Rows) (T, error)) iter.Seq2[T, error] {
	return listOn(ctx, s, s.db, what, query, args, scan)
}

// listOn is list on a given connection or transaction.
func listOn[T any](ctx context.Context, s *Store, db queryer, what, query string, args []any, scan func(*sql.Rows) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rows, err := db.QueryContext(ctx, s.q(query), args...)
		if err != nil {
			yield(zero, fmt.Errorf("store: %s: %w", what, classify(err)))
			return
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				yield(zero, fmt.Errorf("store: %s: %w", what, classify(err)))
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(zero, fmt.Errorf("store: %s: %w", what, classify(err)))
		}
	}
}

// fail is a sequence that yields one error.
func fail[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// snapshot streams like list, inside a read-only transaction that first runs
// prepare: so that what prepare reads (the configurations and layouts health
// rows refer to) and the rows come from the same snapshot, on one connection,
// and scanning never needs a second query.
func snapshot[T any](ctx context.Context, s *Store, what string, prepare func(q queryer) error,
	query string, args []any, scan func(*sql.Rows) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var opts *sql.TxOptions
		if s.dialect == PostgreSQL {
			opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
		}
		tx, err := s.db.BeginTx(ctx, opts)
		if err != nil {
			yield(zero, fmt.Errorf("store: %s: %w", what, classify(err)))
			return
		}
		defer tx.Rollback()
		if err := prepare(tx); err != nil {
			yield(zero, fmt.Errorf("store: %s: %w", what, classify(err)))
			return
		}
		for v, err := range listOn(ctx, s, tx, what, query, args, scan) {
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}
