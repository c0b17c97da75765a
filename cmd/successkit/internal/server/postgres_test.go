package server

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/store"
)

// The API's tests against PostgreSQL: the tests below run again with every
// store a schema of its own on the server SUCCESSKIT_TEST_POSTGRES names.
// Without it they skip, except under CI, where they fail.

var (
	pgMu    sync.Mutex
	pgTests = map[string]bool{} // names of the tests whose stores are on PostgreSQL
	schemas atomic.Int64
)

func onPostgres(t testing.TB) bool {
	pgMu.Lock()
	defer pgMu.Unlock()
	for name := range pgTests {
		if t.Name() == name || strings.HasPrefix(t.Name(), name+"/") {
			return true
		}
	}
	return false
}

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

// openPostgres returns a store in a new schema, dropped when the test ends.
func openPostgres(t testing.TB) *store.Store {
	t.Helper()
	base := postgresURL(t)
	ctx := context.Background()
	admin, _, err := drivers.OpenDB(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("serve%d_%d", os.Getpid(), schemas.Add(1))
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
	st, err := drivers.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestPostgres(t *testing.T) {
	postgresURL(t)
	for _, c := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"Reads", TestAPIReads},
		{"Writes", TestAPIWrites},
		{"IngestAndRun", TestIngestAndRun},
		{"SecurityTable", TestSecurityTable},
		{"SQLTextStoredVerbatim", TestSQLTextStoredVerbatim},
		{"ConcurrentTaskWrites", TestConcurrentTaskWrites},
		{"OpenAPIAnswers", TestOpenAPIAnswers},
		{"Dashboard", TestDashboard},
		{"DashboardCSRF", TestDashboardCSRF},
	} {
		t.Run(c.name, func(t *testing.T) {
			pgMu.Lock()
			pgTests[t.Name()] = true
			pgMu.Unlock()
			c.run(t)
		})
	}
}
