package bench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/successkit/cs/health"
)

// The health workload reproduces health's BenchmarkBatchRamp10
// (health/bench_test.go): 1,000,000 accounts, one group of 10 linear ramps
// with weights 3,2,2,1,1,2,1,1,1,2 (every third ramp decreasing), values
// uniform in [-0.1,1.1) so that some clamp, 5% of values missing, missing
// weight redistributed over the present measures, default grades.
const rampAccounts = 1_000_000

var rampWeights = [10]float64{3, 2, 2, 1, 1, 2, 1, 1, 1, 2}

// rampBounds returns the bad and good ends of ramp j, as health's ramp10 does.
func rampBounds(j int) (bad, good float64) {
	bad, good = 0.1+0.02*float64(j), 0.9-0.03*float64(j)
	if j%3 == 2 {
		bad, good = good, bad
	}
	return bad, good
}

func rampConfig() health.Config {
	g := health.Group{Name: "all", Weight: 1}
	for j, w := range rampWeights {
		bad, good := rampBounds(j)
		g.Measures = append(g.Measures, health.Measure{
			Name: fmt.Sprintf("m%d", j), Signal: fmt.Sprintf("s%d", j), Weight: w, Ramp: &health.Ramp{Bad: bad, Good: good},
		})
	}
	return health.Config{Version: "ramp10", Profiles: []health.Profile{{Name: "ramp10", Groups: []health.Group{g}}}}
}

// rampColumns builds n accounts with the same generator and seed as health's
// ramp10Columns.
func rampColumns(n int, seed uint64) *health.Columns {
	rng := rand.New(rand.NewPCG(seed, 7))
	c := &health.Columns{}
	for j := range 10 {
		c.Names = append(c.Names, fmt.Sprintf("s%d", j))
		vals := make([]float64, n)
		pres := health.SetPresent(n)
		for i := range vals {
			vals[i] = -0.1 + 1.2*rng.Float64()
			if rng.IntN(100) < 5 {
				pres[i/64] &^= 1 << (i % 64)
			}
		}
		c.Values = append(c.Values, vals)
		c.Present = append(c.Present, pres)
	}
	return c
}

func present(c *health.Columns, j, i int) bool { return c.Present[j][i>>6]&(1<<(uint(i)&63)) != 0 }

func rampPlan(tb testing.TB) *health.Plan {
	tb.Helper()
	s, err := health.Compile(rampConfig())
	if err != nil {
		tb.Fatal(err)
	}
	pl, err := s.Plan("ramp10", rampColumns(0, 1).Names)
	if err != nil {
		tb.Fatal(err)
	}
	return pl
}

// sqlFloat writes x as a DuckDB DOUBLE literal that parses back to the same
// bits (a literal in scientific notation is a DOUBLE in DuckDB; one like 0.12
// would be a DECIMAL).
func sqlFloat(x float64) string { return strconv.FormatFloat(x, 'e', -1, 64) }

// rampSQL is the workload as one SQL statement over table accounts(id, s0..s9):
// each ramp's points clamped to [0,100], the weighted mean over the present
// measures (a NULL value counts for neither the numerator nor the weights), NULL
// when no measure is present, and the default grades red ≤50 < yellow ≤75 <
// green as band indexes 0, 1, 2. The result is materialised in a temporary
// table, so that DuckDB computes every row.
func rampSQL() string {
	return `CREATE OR REPLACE TEMP TABLE scored AS ` + rampSelect()
}

// rampSelect is the SELECT of rampSQL: id, score and grade of every account.
func rampSelect() string {
	var num, den []string
	for j, w := range rampWeights {
		bad, good := rampBounds(j)
		num = append(num, fmt.Sprintf("coalesce(%s * least(greatest((s%d - %s) / %s * 100, 0), 100), 0)",
			sqlFloat(w), j, sqlFloat(bad), sqlFloat(good-bad)))
		den = append(den, fmt.Sprintf("(CASE WHEN s%d IS NULL THEN 0 ELSE %s END)", j, sqlFloat(w)))
	}
	return `SELECT id, score, CASE WHEN score IS NULL THEN NULL WHEN score <= 50 THEN 0 WHEN score <= 75 THEN 1 ELSE 2 END AS grade
FROM (SELECT id, (` + strings.Join(num, "\n + ") + `) / nullif(` + strings.Join(den, " + ") + `, 0) AS score FROM accounts)`
}

// rampSumSQL computes every row as rampSelect does but only returns sums of the
// scores and grades: DuckDB's best case, with no result rows to store.
func rampSumSQL() string {
	return "SELECT count(score), sum(score), sum(grade) FROM (" + rampSelect() + ")"
}

// duckFixture is an in-memory DuckDB database holding the columns in table
// accounts, with one connection (temporary tables belong to a connection).
type duckFixture struct {
	db   *sql.DB
	conn *sql.Conn
}

func (f *duckFixture) Close() {
	f.conn.Close()
	f.db.Close()
}

// loadDuck creates the database and loads cols through DuckDB's appender
// (https://duckdb.org/docs/stable/clients/go#appender; duckdb-go's
// NewAppenderFromConn and AppendRow), a missing value as NULL.
func loadDuck(ctx context.Context, cols *health.Columns) (*duckFixture, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	f := &duckFixture{db: db, conn: conn}
	var colDefs []string
	for _, name := range cols.Names {
		colDefs = append(colDefs, name+" DOUBLE")
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE accounts (id INTEGER, "+strings.Join(colDefs, ", ")+")"); err != nil {
		f.Close()
		return nil, err
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "accounts")
		if err != nil {
			return err
		}
		row := make([]driver.Value, 1+len(cols.Names))
		for i := range cols.Len() {
			row[0] = int32(i)
			for j := range cols.Names {
				if present(cols, j, i) {
					row[1+j] = cols.Values[j][i]
				} else {
					row[1+j] = nil
				}
			}
			if err := app.AppendRow(row...); err != nil {
				app.Close()
				return err
			}
		}
		return app.Close()
	})
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// checkAgree compares the rows of DuckDB's scored table whose id is a multiple
// of every with the library's results: same grade, scores within 1e-9.
func checkAgree(ctx context.Context, conn *sql.Conn, out []health.Scored, every int) (int, error) {
	rows, err := conn.QueryContext(ctx, "SELECT id, score, grade FROM scored WHERE id % ? = 0 ORDER BY id", every)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int
		var score sql.NullFloat64
		var grade sql.NullInt64
		if err := rows.Scan(&id, &score, &grade); err != nil {
			return n, err
		}
		want := out[id]
		switch {
		case want.Unknown() != !score.Valid:
			return n, fmt.Errorf("account %d: library unknown=%v, DuckDB score %v", id, want.Unknown(), score)
		case score.Valid && (math.Abs(score.Float64-want.Score) > 1e-9 || int64(want.Grade) != grade.Int64):
			return n, fmt.Errorf("account %d: library %v grade %d, DuckDB %v grade %d", id, want.Score, want.Grade, score.Float64, grade.Int64)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	if want := (len(out) + every - 1) / every; n != want {
		return n, fmt.Errorf("DuckDB returned %d rows, want %d", n, want)
	}
	return n, nil
}

// TestRampSQLAgrees checks DuckDB's query against the library on every row of a
// 20,000-account book of the workload.
func TestRampSQLAgrees(t *testing.T) {
	ctx := context.Background()
	cols := rampColumns(20_000, 1)
	out := make([]health.Scored, cols.Len())
	if err := rampPlan(t).Score(ctx, cols, out, 1); err != nil {
		t.Fatal(err)
	}
	f, err := loadDuck(ctx, cols)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.conn.ExecContext(ctx, rampSQL()); err != nil {
		t.Fatal(err)
	}
	n, err := checkAgree(ctx, f.conn, out, 1)
	if err != nil {
		t.Fatal(err)
	}
	clamped := 0
	for j := range cols.Names {
		for i, v := range cols.Values[j] {
			if present(cols, j, i) && (v < 0.1 || v > 0.9) {
				clamped++
			}
		}
	}
	if clamped == 0 {
		t.Fatal("no value outside the ramps; the workload must exercise clamping")
	}
	t.Logf("%d rows agree", n)
}

// BenchmarkBatchRamp10 scores health's 1,000,000-account ramp workload with the
// library's columnar Plan.Score (one worker, then one per CPU) and with the same
// computation as a DuckDB SQL query materialised into a temporary table
// (threads=1, then DuckDB's default of one per CPU). Loading DuckDB is not
// timed. After the timed loop, every 997th row of DuckDB's result is checked
// against the library's.
func BenchmarkBatchRamp10(b *testing.B) {
	ctx := context.Background()
	cols := rampColumns(rampAccounts, 1)
	pl := rampPlan(b)
	out := make([]health.Scored, rampAccounts)
	metric := func(b *testing.B) {
		b.ReportMetric(float64(b.N)*rampAccounts/b.Elapsed().Seconds(), "accounts/s")
	}
	for _, workers := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("successkit/workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := pl.Score(ctx, cols, out, workers); err != nil {
					b.Fatal(err)
				}
			}
			metric(b)
		})
	}
	f, err := loadDuck(ctx, cols)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	query := rampSQL()
	for _, threads := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("duckdb/threads=%d", threads), func(b *testing.B) {
			if _, err := f.conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", threads)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.conn.ExecContext(ctx, query); err != nil {
					b.Fatal(err)
				}
			}
			metric(b)
			b.StopTimer()
			if _, err := checkAgree(ctx, f.conn, out, 997); err != nil {
				b.Fatal(err)
			}
		})
	}
	sumQuery := rampSumSQL()
	var wantN int
	var wantSum float64
	for _, s := range out {
		if !s.Unknown() {
			wantN++
			wantSum += s.Score
		}
	}
	for _, threads := range []int{1, runtime.NumCPU()} {
		b.Run(fmt.Sprintf("duckdb-sum/threads=%d", threads), func(b *testing.B) {
			if _, err := f.conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", threads)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var n, grades int64
			var sum float64
			for b.Loop() {
				if err := f.conn.QueryRowContext(ctx, sumQuery).Scan(&n, &sum, &grades); err != nil {
					b.Fatal(err)
				}
			}
			metric(b)
			// The sum's order differs between DuckDB and this loop: compare
			// with a relative tolerance.
			if n != int64(wantN) || math.Abs(sum-wantSum) > 1e-9*wantSum {
				b.Fatalf("DuckDB: %d scores summing to %v; library: %d summing to %v", n, sum, wantN, wantSum)
			}
		})
	}
}

// TestDuckDBVersion logs the DuckDB library the benchmarks link, for the
// results (bench/run prints it).
func TestDuckDBVersion(t *testing.T) {
	ctx := context.Background()
	f, err := loadDuck(ctx, rampColumns(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var v string
	if err := f.conn.QueryRowContext(ctx, "SELECT version()").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "v") {
		t.Fatalf("DuckDB version %q, want vX.Y.Z", v)
	}
	t.Logf("duckdb %s", v)
}
