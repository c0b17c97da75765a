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
