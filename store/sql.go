package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BulkLoader loads rows into a table faster than INSERT, inside the
// transaction the store holds open on conn: on PostgreSQL, COPY FROM STDIN
// through the driver's own connection (sql.Conn.Raw). The drivers module
// implements it for pgx. Load must use conn, and nothing else, so that the rows
// belong to the store's transaction; it returns the number of rows loaded.
//
// Values are of the Go types the store binds as parameters: string, []byte,
// int64, float64, bool, time.Time (dates at midnight UTC, times in UTC) and nil
// for NULL.
type BulkLoader interface {
	Load(ctx context.Context, conn *sql.Conn, table string, columns []string, rows Rows) (int64, error)
}

// Rows is a batch of rows handed to a BulkLoader, in the shape of pgx's
// CopyFromSource: Next advances to the next row, Values returns it (valid
// until the next call to Next), Err reports a failure to produce rows.
type Rows interface {
	Next() bool
	Values() ([]any, error)
	Err() error
}

// rebound caches queries rewritten for PostgreSQL's numbered placeholders.
var rebound sync.Map

// q returns the query in the store's placeholder syntax: the package writes
// queries with ?, which PostgreSQL spells $1, $2, ...
func (s *Store) q(query string) string {
	if s.dialect != PostgreSQL {
		return query
	}
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	r := rebind(query)
	rebound.Store(query, r)
	return r
}

// rebind turns each ? outside quotes into $n.
func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// wtx is a write transaction on a dedicated connection, begun with the
// store's write lock held: BEGIN IMMEDIATE on SQLite, an advisory transaction
// lock on PostgreSQL. It is begun and ended with SQL statements rather than
// sql.Tx so that a BulkLoader can reach the driver's connection with
// sql.Conn.Raw inside the same transaction.
type wtx struct {
	s    *Store
	conn *sql.Conn
	ctx  context.Context
	busy int // SQLite: the connection's busy timeout to restore, -1 if unknown
	done bool
}

func (s *Store) lockTimeout() time.Duration {
	switch t := s.opt.LockTimeout; {
	case t == 0:
		return DefaultLockTimeout
	case t < 0:
		return 0
	default:
		return t
	}
}

// begin starts a write transaction, waiting up to the lock timeout for the
// writer before it.
func (s *Store) begin(ctx context.Context) (*wtx, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: connecting: %w", classify(err))
	}
	w := &wtx{s: s, conn: conn, ctx: ctx, busy: -1}
	ms := s.lockTimeout().Milliseconds()
	switch s.dialect {
	case SQLite:
		var prev int
		if conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&prev) == nil {
			w.busy = prev
		}
		_, err = conn.ExecContext(ctx, "PRAGMA busy_timeout = "+strconv.FormatInt(ms, 10))
		if err == nil {
			_, err = conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		}
		if err != nil {
			w.release(false)
			return nil, fmt.Errorf("store: beginning a write: %w", classify(err))
		}
	case PostgreSQL:
		if _, err = conn.ExecContext(ctx, "BEGIN"); err != nil {
			w.release(true)
			return nil, fmt.Errorf("store: beginning a write: %w", classify(err))
		}
		if ms > 0 {
			if _, err = conn.ExecContext(ctx, "SET LOCAL lock_timeout = "+strconv.FormatInt(ms, 10)); err == nil {
				_, err = conn.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.successkit'))")
			}
		} else {
			var ok bool
			err = conn.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.successkit'))").Scan(&ok)
			if err == nil && !ok {
				err = ErrBusy
			}
		}
		if err != nil {
			w.rollback()
			return nil, fmt.Errorf("store: waiting for the writer before: %w", classify(err))
		}
	}
	return w, nil
}

// release restores the connection's settings and returns it to the pool; a
// connection whose transaction could not be ended is discarded instead.
func (w *wtx) release(bad bool) {
	if w.conn == nil {
		return
	}
	if bad {
		_ = w.conn.Raw(func(any) error { return driver.ErrBadConn })
	} else if w.busy >= 0 {
		_, _ = w.conn.ExecContext(context.Background(), "PRAGMA busy_timeout = "+strconv.Itoa(w.busy))
	}
	_ = w.conn.Close()
	w.conn = nil
	w.done = true
}

func (w *wtx) commit() error {
	if w.done {
		return ErrClosed
	}
	_, err := w.conn.ExecContext(w.ctx, "COMMIT")
	if err != nil {
		w.rollback()
		return classify(err)
	}
	w.release(false)
	return nil
}

// rollback ends the transaction; it is safe to call after commit.
func (w *wtx) rollback() {
	if w.done || w.conn == nil {
		return
	}
	_, err := w.conn.ExecContext(context.Background(), "ROLLBACK")
	w.release(err != nil && !isNoTx(err))
}

// isNoTx reports the error of a ROLLBACK with no transaction open (SQLite
// already rolled back after a failure such as SQLITE_FULL).
func isNoTx(err error) bool {
	return strings.Contains(err.Error(), "no transaction is active")
}

func (w *wtx) exec(query string, args ...any) (sql.Result, error) {
	r, err := w.conn.ExecContext(w.ctx, w.s.q(query), args...)
	return r, classify(err)
}

func (w *wtx) query(query string, args ...any) (*sql.Rows, error) {
	r, err := w.conn.QueryContext(w.ctx, w.s.q(query), args...)
	return r, classify(err)
}

func (w *wtx) queryRow(query string, args ...any) *sql.Row {
	return w.conn.QueryRowContext(w.ctx, w.s.q(query), args...)
}

// next returns MAX(column)+1 of a table: the store numbers its append-only
// logs itself, inside the write lock, so that numbers have no gaps and are the
// same in every database (a PostgreSQL sequence is not rolled back).
func (w *wtx) next(table, column string) (int64, error) {
	var n sql.NullInt64
	if err := w.queryRow("SELECT MAX(" + column + ") FROM " + table).Scan(&n); err != nil {
		return 0, classify(err)
	}
	return n.Int64 + 1, nil
}

// write runs fn in a write transaction and commits it.
func (s *Store) write(ctx context.Context, fn func(w *wtx) error) error {
	w, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer w.rollback()
	if err := fn(w); err != nil {
		return err
	}
	if err := w.commit(); err != nil {
		return fmt.Errorf("store: committing: %w", err)
	}
	return nil
}

// inserter adds rows to a table in batches: multi-row INSERT statements, or
// the BulkLoader in large batches when the store has one.
type inserter struct {
	w      *wtx
	table  string
	cols   []string
	per    int   // rows per batch
	buf    []any // pending rows, flat
	n      int   // pending rows
	stmt   *sql.Stmt
	bulk   BulkLoader
	total  int64
	suffix string
	// slab holds the bytes of the pending rows' blobs, reused after a flush.
	slab []byte
}

// batchParams bounds the parameters of one multi-row INSERT. SQLite allows
// 32766 and PostgreSQL 65535, but modernc.org/sqlite binds each parameter by
// scanning the argument list, in time quadratic in their number: a few
// hundred parameters per statement is fastest there (about 6 rows of a
// health result), and costs PostgreSQL little when it has no BulkLoader.
const batchParams = 96

func (w *wtx) inserter(table string, cols ...string) *inserter {
	in := &inserter{w: w, table: table, cols: cols}
	if w.s.opt.Bulk != nil && w.s.dialect == PostgreSQL {
		in.bulk, in.per = w.s.opt.Bulk, 20000
	} else {
		in.per = max(1, batchParams/len(cols))
	}
	in.buf = make([]any, 0, in.per*len(cols))
	return in
}

// add appends one row; it must have one value per column.
func (in *inserter) add(vals ...any) error {
	if len(vals) != len(in.cols) {
		panic(fmt.Sprintf("store: %d values for the %d columns of %s", len(vals), len(in.cols), in.table))
	}
	in.buf = append(in.buf, vals...)
	in.n++
	if in.n >= in.per {
		return in.flush()
	}
	return nil
}

func (in *inserter) statement(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(in.table)
	b.WriteString(" (")
	b.WriteString(strings.Join(in.cols, ", "))
	b.WriteString(") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(in.cols)), ", ") + ")"
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(in.suffix)
	return in.w.s.q(b.String())
}

// flush writes the pending rows.
func (in *inserter) flush() error {
	if in.n == 0 {
		return nil
	}
	var err error
	switch {
	case in.bulk != nil:
		var n int64
		n, err = in.bulk.Load(in.w.ctx, in.w.conn, in.table, in.cols, &flatRows{vals: in.buf, cols: len(in.cols), n: in.n})
		if err == nil && n != int64(in.n) {
			err = fmt.Errorf("bulk load wrote %d rows of %d", n, in.n)
		}
	case in.n == in.per:
		if in.stmt == nil {
			in.stmt, err = in.w.conn.PrepareContext(in.w.ctx, in.statement(in.per))
		}
		if err == nil {
			_, err = in.stmt.ExecContext(in.w.ctx, in.buf...)
		}
	default:
		_, err = in.w.conn.ExecContext(in.w.ctx, in.statement(in.n), in.buf...)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", in.table, classify(err))
	}
	in.total += int64(in.n)
	clear(in.buf)
	in.buf, in.n, in.slab = in.buf[:0], 0, in.slab[:0]
	return nil
}

// close flushes and releases the prepared statement.
func (in *inserter) close() error {
	err := in.flush()
	if in.stmt != nil {
		if cerr := in.stmt.Close(); err == nil {
			err = cerr
		}
		in.stmt = nil
	}
	return err
}

// flatRows presents a flat buffer of values as Rows.
type flatRows struct {
	vals    []any
	cols, n int
	i       int
}

func (r *flatRows) Next() bool { r.i++; return r.i <= r.n }
func (r *flatRows) Values() ([]any, error) {
	if r.i < 1 || r.i > r.n {
		return nil, errors.New("store: Values called out of range")
	}
	return r.vals[(r.i-1)*r.cols : r.i*r.cols], nil
}
func (r *flatRows) Err() error { return nil }
