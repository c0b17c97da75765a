package drivers_test

import (
	"slices"
	"testing"

	"github.com/successkit/cs/drivers/driverstest"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *store.Store { return driverstest.SQLite(t) })
}

func TestPostgres(t *testing.T) {
	driverstest.PostgresURL(t)
	storetest.Run(t, func(t *testing.T) *store.Store { return driverstest.Postgres(t) })
}

func sortStrings(s []string) { slices.Sort(s) }
