package drivers_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/store/storetest"
)

// openSQLite returns a new store in a file of the test's temporary directory.
func openSQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := drivers.Open(context.Background(), filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// postgresURL returns the URL of the test server, or skips the test when
// SUCCESSKIT_TEST_POSTGRES is empty, failing it instead when CI is set.
func postgresURL(t testing.TB) string {
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

// openPostgres returns a new store in a schema of its own on the test server,
// dropped when the test ends.
func openPostgres(t testing.TB) *store.Store {
	t.Helper()
	base := postgresURL(t)
	ctx := context.Background()
	admin, _, err := drivers.OpenDB(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("t%d_%d", os.Getpid(), schemas.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	s, err := drivers.Open(ctx, withSchema(t, base, schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func withSchema(t testing.TB, base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.Store { return openSQLite(t) })
}

func TestPostgres(t *testing.T) {
	postgresURL(t)
	storetest.Run(t, func(t *testing.T) *store.Store { return openPostgres(t) })
}

func sortStrings(s []string) { slices.Sort(s) }
