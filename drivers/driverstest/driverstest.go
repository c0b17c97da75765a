// Package driverstest opens throwaway stores for tests: a SQLite file in the
// test's temporary directory, or a schema of its own on the PostgreSQL server
// that $SUCCESSKIT_TEST_POSTGRES names, dropped when the test ends.
//
// Without $SUCCESSKIT_TEST_POSTGRES the PostgreSQL helpers skip the test,
// except when $CI is set: then they fail it, so that a CI run without a server
// cannot pass by skipping. `eval "$(.ci/postgres start)"` in the repository
// starts a server and sets the variable.
package driverstest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/store"
)

// SQLite returns a new store in a file of the test's temporary directory,
// closed when the test ends.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := drivers.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresURL returns the URL of the test server, or skips the test when
// $SUCCESSKIT_TEST_POSTGRES is empty, failing it instead when $CI is set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("SUCCESSKIT_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("SUCCESSKIT_TEST_POSTGRES is empty under CI: start a server with .ci/postgres start")
		}
		t.Skip("SUCCESSKIT_TEST_POSTGRES is empty: no PostgreSQL to test against (eval \"$(.ci/postgres start)\" starts one)")
	}
	return u
}

var schemas atomic.Int64

// PostgresSchema creates a schema of its own on the test server, dropped when
// the test ends, and returns the server's URL with that schema as its
// search_path: a store opened on it sees only its own tables.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	ctx := context.Background()
	admin, _, err := drivers.OpenDB(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	// The process ID keeps the test binaries of several packages, which run at
	// once, apart.
	schema := fmt.Sprintf("t%d_%d", os.Getpid(), schemas.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres returns a new store in a schema of its own on the test server (see
// PostgresSchema), closed and dropped when the test ends.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	s, err := drivers.Open(context.Background(), PostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
