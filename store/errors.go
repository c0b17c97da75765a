package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Errors from the store wrap one of these (or a sentinel of
// the cs package for bad input) beside the driver's own error, so callers can
// test the kind of a failure with errors.Is whatever the driver.
var (
	// ErrSchemaTooNew: the database was written by a newer version of this
	// package; it is left untouched.
	ErrSchemaTooNew = errors.New("database schema is newer than this library")
	// ErrSchemaOutdated: the schema is older than this package's and
	// Options.NoMigrate forbids migrating it.
	ErrSchemaOutdated = errors.New("database schema is out of date")
	// ErrNotDatabase: the file is not a database, or not one the dialect reads.
	ErrNotDatabase = errors.New("not a database")
	// ErrReadOnly: the database refuses writes (a read-only file or
	// connection, or a read-only transaction on a replica).
	ErrReadOnly = errors.New("database is read-only")
	// ErrFull: the disk (or the database's size limit) is full; the write was
	// rolled back.
	ErrFull = errors.New("database or disk is full")
	// ErrBusy: another writer held the store longer than Options.LockTimeout.
	ErrBusy = errors.New("another writer holds the store")
	// ErrConstraint: the database refused a row (a duplicate key, a missing
	// reference); the write was rolled back.
	ErrConstraint = errors.New("constraint violated")
	// ErrPastRun: a run dated before the store's latest run, without
	// RunInfo.Rewrite.
	ErrPastRun = errors.New("as-of date is before the last run")
	// ErrNotFound: no run, configuration, task, override or token with that key.
	ErrNotFound = errors.New("not found")
	// ErrClosed: the task, override or token is already closed, revoked or
	// expired, or the RunTx is already committed or rolled back.
	ErrClosed = errors.New("already closed")
	// ErrUnauthorized: a token that is unknown, malformed or revoked.
	ErrUnauthorized = errors.New("unknown or revoked token")
	// ErrInvalidText: text the store cannot keep the same in every database: a
	// NUL byte or invalid UTF-8 (PostgreSQL refuses both in text).
	ErrInvalidText = errors.New("NUL byte or invalid UTF-8 in text")
)

// sqliteCoder is the error of modernc.org/sqlite (and of drivers shaped like it).
type sqliteCoder interface{ Code() int }

// sqlStater is the error of pgx (*pgconn.PgError) and of lib/pq.
type sqlStater interface{ SQLState() string }

// Classify returns err wrapped with the store's sentinel of its kind when it
// is a database error the store recognises (ErrBusy, ErrReadOnly, ErrFull,
// ErrNotDatabase, ErrConstraint), by the SQLite result code or PostgreSQL
// SQLSTATE the driver reports, else err itself. The store's own errors are
// classified already; Classify is for code that talks to the database
// beside it, such as a helper opening one.
func Classify(err error) error { return classify(err) }

func classify(err error) error {
	if err == nil {
		return nil
	}
	if k := kindOf(err); k != nil && !errors.Is(err, k) {
		return fmt.Errorf("%w: %w", k, err)
	}
	return err
}

func kindOf(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	var sc sqliteCoder
	if errors.As(err, &sc) {
		switch sc.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return ErrBusy
		case 8: // SQLITE_READONLY
			return ErrReadOnly
		case 13: // SQLITE_FULL
			return ErrFull
		case 19: // SQLITE_CONSTRAINT
			return ErrConstraint
		case 26, 11: // SQLITE_NOTADB, SQLITE_CORRUPT
			return ErrNotDatabase
		}
	}
	var ss sqlStater
	if errors.As(err, &ss) {
		code := ss.SQLState()
		switch {
		case code == "55P03": // lock_not_available (lock_timeout)
			return ErrBusy
		case code == "25006": // read_only_sql_transaction
			return ErrReadOnly
		case code == "53100": // disk_full
			return ErrFull
		case strings.HasPrefix(code, "23"): // integrity constraint violation
			return ErrConstraint
		}
		return nil
	}
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "database table is locked"):
		return ErrBusy
	case strings.Contains(msg, "readonly database"), strings.Contains(msg, "read-only"):
		return ErrReadOnly
	case strings.Contains(msg, "database or disk is full"):
		return ErrFull
	case strings.Contains(msg, "file is not a database"):
		return ErrNotDatabase
	case strings.Contains(msg, "constraint failed"), strings.Contains(msg, "violates"):
		return ErrConstraint
	}
	return nil
}
