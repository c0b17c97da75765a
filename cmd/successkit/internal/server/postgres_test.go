package server

import (
	"strings"
	"sync"
	"testing"

	"github.com/successkit/cs/drivers/driverstest"
)

// The API's tests against PostgreSQL: the tests below run again with every
// store a schema of its own on the server SUCCESSKIT_TEST_POSTGRES names.
// Without it they skip, except under CI, where they fail.

var (
	pgMu    sync.Mutex
	pgTests = map[string]bool{} // names of the tests whose stores are on PostgreSQL
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

func TestPostgres(t *testing.T) {
	driverstest.PostgresURL(t)
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
