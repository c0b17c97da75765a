package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Dialect is the SQL dialect of a database: SQLite or PostgreSQL. The zero
// value, Auto, asks Open to detect it.
type Dialect uint8

// The dialects.
const (
	// Auto: detect the dialect from the driver (see Open).
	Auto Dialect = iota
	// SQLite 3.35 or later (RETURNING, UPSERT), in WAL mode.
	SQLite
	// PostgreSQL 12 or later.
	PostgreSQL
)

// String returns "auto", "sqlite" or "postgres".
func (d Dialect) String() string {
	switch d {
	case Auto:
		return "auto"
	case SQLite:
		return "sqlite"
	case PostgreSQL:
		return "postgres"
	}
	return fmt.Sprintf("Dialect(%d)", uint8(d))
}

// DefaultLockTimeout is how long a writer waits for the writer before it when
// Options.LockTimeout is zero.
const DefaultLockTimeout = 30 * time.Second

// Options configures Open. The zero value detects the dialect, migrates an
// older schema, inserts in batches and waits DefaultLockTimeout for another
// writer.
type Options struct {
	// Dialect of the database; Auto detects it from the driver.
	Dialect Dialect
	// Bulk, when set, loads large batches of rows faster than INSERT (COPY on
	// PostgreSQL). The drivers module sets it for pgx; nil inserts in batched
	// multi-row INSERT statements.
	Bulk BulkLoader
	// LockTimeout is how long a writer waits for another writer to finish
	// before failing with ErrBusy: zero means DefaultLockTimeout, a negative
	// value fails at once.
	LockTimeout time.Duration
	// NoMigrate makes Open refuse a database whose schema is older than this
	// package's (ErrSchemaOutdated) instead of migrating it forward; an empty
	// database is refused too.
	NoMigrate bool
	// CloseDB makes Store.Close close the *sql.DB. Leave it false when the
	// caller owns the database handle.
	CloseDB bool
}

// Store keeps the library's state in a SQL database: runs, health results,
// configurations, overrides, touch states, playbook fires and tasks, outcomes,
// customer snapshots, API tokens and an audit of writes. It is safe for
// concurrent use by several goroutines; writes are serialized (see Options
// .LockTimeout) and reads never wait for a writer.
type Store struct {
	db      *sql.DB
	dialect Dialect
	opt     Options
	schema  int

	mu      sync.Mutex
	configs map[string]int64      // fingerprint → id of stored configurations
	cfgInfo map[int64]configInfo  // id → fingerprint and version
	layouts map[layoutKey]*layout // stored layouts
}

// Open checks the database's schema and returns a Store on it. The database
// is the caller's: Open never opens a file or a connection itself, and the
// store never imports a driver (the drivers module does).
//
// The dialect is Options.Dialect or, when Auto, detected: first from the
// package path of the driver's type (a path containing "sqlite" is SQLite;
// "pgx", "lib/pq" or "postgres" is PostgreSQL), then, for a driver it does not
// know, by asking the server (SELECT sqlite_version() succeeds only on SQLite;
// SELECT version() on PostgreSQL names it).
//
// An empty database gets the schema; an older schema is migrated forward in
// one transaction (unless NoMigrate); a schema newer than this package's is
// refused with ErrSchemaTooNew and left untouched. On SQLite, Open turns on WAL
// journaling so that readers are never blocked by a writer; a database that
// cannot change its journal (read-only) stays readable. A file that is not a
// database is refused with ErrNotDatabase.
func Open(ctx context.Context, db *sql.DB, opt Options) (*Store, error) {
	if db == nil {
		return nil, errors.New("store: Open: nil *sql.DB")
	}
	s := &Store{db: db, opt: opt, configs: map[string]int64{}, cfgInfo: map[int64]configInfo{}, layouts: map[layoutKey]*layout{}}
	d := opt.Dialect
	if d == Auto {
		var err error
		if d, err = detect(ctx, db); err != nil {
			return nil, err
		}
	}
	if d != SQLite && d != PostgreSQL {
		return nil, fmt.Errorf("store: Open: unknown dialect %s", d)
	}
	s.dialect = d
	if d == SQLite {
		if err := s.walMode(ctx); err != nil {
			return nil, err
		}
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// detect finds the dialect of db from its driver's package path, or by probing.
func detect(ctx context.Context, db *sql.DB) (Dialect, error) {
	if d := dialectOfDriver(db.Driver()); d != Auto {
		return d, nil
	}
	var v string
	if err := db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v); err == nil {
		return SQLite, nil
	}
	if err := db.QueryRowContext(ctx, "SELECT version()").Scan(&v); err == nil && strings.Contains(v, "PostgreSQL") {
		return PostgreSQL, nil
	} else if err != nil {
		return Auto, fmt.Errorf("store: detecting the database: %w", classify(err))
	}
	return Auto, fmt.Errorf("store: cannot tell the dialect of driver %T (%q): set Options.Dialect", db.Driver(), v)
}

// dialectOfDriver names the dialect of a driver by its type's package path, or
// Auto when it does not know it.
func dialectOfDriver(drv any) Dialect {
	if drv == nil {
		return Auto
	}
	t := reflect.TypeOf(drv)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return dialectOfPath(strings.ToLower(t.PkgPath()))
}

func dialectOfPath(p string) Dialect {
	switch {
	case strings.Contains(p, "sqlite"):
		return SQLite
	case strings.Contains(p, "pgx"), strings.Contains(p, "lib/pq"), strings.Contains(p, "postgres"):
		return PostgreSQL
	}
	return Auto
}

// walMode turns on WAL journaling on SQLite, so readers never wait for the
// writer. A read-only database keeps its mode.
func (s *Store) walMode(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("store: reading the journal mode: %w", classify(err))
	}
	if strings.EqualFold(mode, "wal") || strings.EqualFold(mode, "memory") {
		return nil
	}
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		if errors.Is(classify(err), ErrReadOnly) {
			return nil
		}
		return fmt.Errorf("store: turning on WAL: %w", classify(err))
	}
	return nil
}

// DB returns the database handle the store uses.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's SQL dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// SchemaVersion returns the version of the database's schema, which Open
// checked or migrated to: SchemaVersion, the package constant.
func (s *Store) SchemaVersion() int { return s.schema }

// Close closes the database if Options.CloseDB was set, and does nothing
// otherwise.
func (s *Store) Close() error {
	if s.opt.CloseDB {
		return s.db.Close()
	}
	return nil
}

// LibraryVersion returns the version of module github.com/successkit/cs in
// the running program's build information ("v0.4.0", or "(devel)" when built
// from a work tree), or "unknown" when the program carries none. Runs record it
// unless RunInfo.Version says otherwise.
func LibraryVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	const mod = "github.com/successkit/cs"
	if bi.Main.Path == mod {
		return orDevel(bi.Main.Version)
	}
	for _, d := range bi.Deps {
		if d.Path == mod {
			if d.Replace != nil {
				return orDevel(d.Replace.Version)
			}
			return orDevel(d.Version)
		}
	}
	return "unknown"
}

func orDevel(v string) string {
	if v == "" {
		return "(devel)"
	}
	return v
}
