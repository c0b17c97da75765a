package drivers_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/drivers/driverstest"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/store/storetest"
)

// benchResults are 1000 distinct results of the sample scorecard; row i of a
// benchmark is result i%1000 under the ID b%08d.
func benchResults(b *testing.B) []health.Result {
	b.Helper()
	sc := storetest.Scorer()
	book := storetest.Book(1000, 42, storetest.Start(), false)
	out := make([]health.Result, len(book))
	for i := range book {
		r, err := sc.Score(&book[i], storetest.Start())
		if err != nil {
			b.Fatal(err)
		}
		out[i] = r
	}
	return out
}

// saveWithStore saves n results as one run through the store.
func saveWithStore(b *testing.B, s *store.Store, results []health.Result, n int) {
	ctx := context.Background()
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: storetest.Start(), At: time.Unix(1_780_000_000, 0), By: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	hc, _ := store.HealthConfig(storetest.Scorer().Config())
	if err := tx.SaveConfig(hc); err != nil {
		b.Fatal(err)
	}
	var r health.Result
	for i := 0; i < n; i++ {
		r = results[i%len(results)]
		r.CustomerID = fmt.Sprintf("b%08d", i)
		if err := tx.AddHealth(&r); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// refRows prepares a store for the hand-written reference: the run row, the
// configuration and the layouts exist (as the store would have written them
// before its first result), and the row values of the 1000 distinct results
// are read back from a small run, so the reference writes the same rows
// without the store's code.
type refRows struct {
	config int64
	vals   [][]any // per distinct result: the values after as_of and customer_id
}

func prepareRef(b *testing.B, s *store.Store, results []health.Result) refRows {
	b.Helper()
	saveWithStore(b, s, results, len(results))
	db := s.DB()
	rows, err := db.Query(`SELECT config, profile, score, grade, grade_index, unknown, cause, coverage, computed,
		computed_unknown, vetoes, weakest, override, churn, detail FROM cs_health ORDER BY customer_id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var ref refRows
	for rows.Next() {
		var config, gradeIndex, cause, vetoes, weakest int64
		var profile, grade string
		var score, coverage, computed float64
		var unknown, computedUnknown bool
		var override, churn sql.NullString
		var detail []byte
		if err := rows.Scan(&config, &profile, &score, &grade, &gradeIndex, &unknown, &cause, &coverage, &computed,
			&computedUnknown, &vetoes, &weakest, &override, &churn, &detail); err != nil {
			b.Fatal(err)
		}
		var ov, ch any
		if override.Valid {
			ov = override.String
		}
		if churn.Valid {
			ch = churn.String
		}
		ref.config = config
		ref.vals = append(ref.vals, []any{config, profile, score, grade, gradeIndex, unknown, cause, coverage, computed,
			computedUnknown, vetoes, weakest, ov, ch, detail})
	}
	if _, err := db.Exec(`DELETE FROM cs_health`); err != nil {
		b.Fatal(err)
	}
	return ref
}

const healthColumns = "as_of, customer_id, config, profile, score, grade, grade_index, unknown, cause, coverage, computed, computed_unknown, vetoes, weakest, override, churn, detail"

// refSQLite writes n rows as a hand-written program would: one transaction,
// a prepared multi-row INSERT of rowsPer rows.
func refSQLite(b *testing.B, db *sql.DB, ref refRows, n, rowsPer int) {
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", 17), ", ") + ")"
	q := "INSERT INTO cs_health (" + healthColumns + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", rowsPer), ", ")
	stmt, err := tx.Prepare(q)
	if err != nil {
		b.Fatal(err)
	}
	asOf := storetest.Start().String()
	args := make([]any, 0, 17*rowsPer)
	for i := 0; i < n; i++ {
		args = append(args, asOf, fmt.Sprintf("b%08d", i))
		args = append(args, ref.vals[i%len(ref.vals)]...)
		if len(args) == cap(args) {
			if _, err := stmt.Exec(args...); err != nil {
				b.Fatal(err)
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		if _, err := tx.Exec("INSERT INTO cs_health ("+healthColumns+") VALUES "+strings.TrimSuffix(strings.Repeat(row+", ", len(args)/17), ", "), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// copySource feeds n rows to pgx's CopyFrom.
type copySource struct {
	ref  refRows
	asOf time.Time
	i, n int
	row  []any
}

func (c *copySource) Next() bool { c.i++; return c.i <= c.n }
func (c *copySource) Values() ([]any, error) {
	c.row = append(c.row[:0], c.asOf, fmt.Sprintf("b%08d", c.i-1))
	c.row = append(c.row, c.ref.vals[(c.i-1)%len(c.ref.vals)]...)
	return c.row, nil
}
func (c *copySource) Err() error { return nil }

// refPostgres writes n rows with one hand-written COPY in one transaction.
func refPostgres(b *testing.B, db *sql.DB, ref refRows, n int) {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		asOf := time.Date(storetest.Start().Year, storetest.Start().Month, storetest.Start().Day, 0, 0, 0, 0, time.UTC)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"cs_health"}, strings.Split(healthColumns, ", "), &copySource{ref: ref, asOf: asOf, n: n}); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		b.Fatal(err)
	}
}

const saveRows = 1_000_000

// BenchmarkSaveHealth saves one run of 1,000,000 health results through the
// store, and the same rows with hand-written code in the same benchmark run:
// a batched multi-row INSERT in one transaction on SQLite, a COPY on
// PostgreSQL. Budget: the store within 2x of the reference.
func BenchmarkSaveHealth(b *testing.B) {
	results := benchResults(b)
	b.Run("sqlite", func(b *testing.B) {
		ratio(b, func() time.Duration {
			s := driverstest.SQLite(b)
			start := time.Now()
			b.StartTimer()
			saveWithStore(b, s, results, saveRows)
			b.StopTimer()
			return time.Since(start)
		}, func() time.Duration {
			s := driverstest.SQLite(b)
			ref := prepareRef(b, s, results)
			start := time.Now()
			refSQLite(b, s.DB(), ref, saveRows, 5)
			return time.Since(start)
		})
	})
	b.Run("postgres", func(b *testing.B) {
		driverstest.PostgresURL(b)
		ratio(b, func() time.Duration {
			s := driverstest.Postgres(b)
			start := time.Now()
			b.StartTimer()
			saveWithStore(b, s, results, saveRows)
			b.StopTimer()
			return time.Since(start)
		}, func() time.Duration {
			s := driverstest.Postgres(b)
			ref := prepareRef(b, s, results)
			start := time.Now()
			refPostgres(b, s.DB(), ref, saveRows)
			return time.Since(start)
		})
	})
}

// ratio times the store and the reference b.N times each, alternating, and
// reports the store's time and allocations per run (the benchmark's timer
// runs for the store only), rows per second and the ratio to the reference,
// failing past 2x.
func ratio(b *testing.B, withStore, reference func() time.Duration) {
	b.ReportAllocs()
	b.StopTimer()
	var st, rt time.Duration
	for i := 0; i < b.N; i++ {
		st += withStore()
		rt += reference()
	}
	r := float64(st) / float64(rt)
	b.ReportMetric(float64(saveRows*b.N)/st.Seconds(), "rows/s")
	b.ReportMetric(float64(saveRows*b.N)/rt.Seconds(), "ref-rows/s")
	b.ReportMetric(r, "x-ref")
	if r > 2 {
		b.Errorf("the store took %.2fx the hand-written reference (budget 2x): %v against %v", r, st/time.Duration(b.N), rt/time.Duration(b.N))
	}
}

var _ = drivers.Copy{}
var _ = filepath.Join
