package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// SchemaVersion is the newest schema this package writes and reads.
const SchemaVersion = 1

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one forward step of the schema: the statements common to the
// dialects (with their type placeholders) and those of one dialect.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the forward migrations for the dialect, in order.
func migrations(d Dialect) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*migration{}
	for _, e := range entries {
		name := e.Name()
		base, _ := strings.CutSuffix(name, ".sql")
		base, only, _ := strings.Cut(base, ".")
		if only != "" && only != d.String() {
			continue
		}
		num, label, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: no version number", name)
		}
		body, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		m := byVersion[v]
		if m == nil {
			m = &migration{version: v, name: label}
			byVersion[v] = m
		}
		if only == "" {
			m.sql = string(body) + "\n" + m.sql
		} else {
			m.sql += "\n" + string(body)
		}
	}
	var out []migration
	for _, m := range byVersion {
		m.sql = expand(m.sql, d)
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations: version %d follows %d", m.version, i)
		}
	}
	return out, nil
}

// expand replaces the type placeholders of a migration for the dialect.
func expand(sql string, d Dialect) string {
	var r *strings.Replacer
	if d == PostgreSQL {
		r = strings.NewReplacer("{KEY}", `TEXT COLLATE "C"`, "{DATE}", "DATE", "{TIME}", "TIMESTAMPTZ",
			"{REAL}", "DOUBLE PRECISION", "{BOOL}", "BOOLEAN", "{BLOB}", "BYTEA", "{INT}", "BIGINT")
	} else {
		r = strings.NewReplacer("{KEY}", "TEXT", "{DATE}", "TEXT", "{TIME}", "TEXT",
			"{REAL}", "REAL", "{BOOL}", "INTEGER", "{BLOB}", "BLOB", "{INT}", "INTEGER")
	}
	return r.Replace(sql)
}

// migrate brings the schema to SchemaVersion in one write transaction, or
// refuses a newer one.
func (s *Store) migrate(ctx context.Context) error {
	// A read first: a newer or current schema needs no write lock, and a
	// read-only database that is up to date opens.
	v, err := s.readVersion(ctx, s.db)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("store: %w: the database has schema %d, this library knows up to %d; upgrade the library", ErrSchemaTooNew, v, SchemaVersion)
	}
	if v == SchemaVersion {
		s.schema = v
		return nil
	}
	if s.opt.NoMigrate {
		return fmt.Errorf("store: %w: the database has schema %d, this library needs %d; open it without NoMigrate to migrate it", ErrSchemaOutdated, v, SchemaVersion)
	}
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	return s.write(ctx, func(w *wtx) error {
		if _, err := w.exec(`CREATE TABLE IF NOT EXISTS cs_schema_version (version INTEGER PRIMARY KEY, library TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("store: creating cs_schema_version: %w", err)
		}
		// Read again under the lock: another process may have migrated.
		v, err := s.readVersion(ctx, w.conn)
		if err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("store: %w: the database has schema %d, this library knows up to %d", ErrSchemaTooNew, v, SchemaVersion)
		}
		for _, m := range ms[v:] {
			if _, err := w.conn.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("store: migrating to schema %d (%s): %w", m.version, m.name, classify(err))
			}
			if _, err := w.exec(`INSERT INTO cs_schema_version (version, library) VALUES (?, ?)`, m.version, LibraryVersion()); err != nil {
				return fmt.Errorf("store: recording schema %d: %w", m.version, err)
			}
		}
		s.schema = SchemaVersion
		return nil
	})
}

// rowQuerier is *sql.DB, *sql.Conn or *sql.Tx.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readVersion returns the schema version recorded in the database, 0 for a
// database without the table.
func (s *Store) readVersion(ctx context.Context, db rowQuerier) (int, error) {
	probe := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'cs_schema_version'`
	if s.dialect == PostgreSQL {
		probe = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'cs_schema_version'`
	}
	var exists int
	if err := db.QueryRowContext(ctx, probe).Scan(&exists); err != nil {
		return 0, fmt.Errorf("store: reading the schema version: %w", classify(err))
	}
	if exists == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM cs_schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: reading the schema version: %w", classify(err))
	}
	return int(v.Int64), nil
}
