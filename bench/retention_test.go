package bench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
	"github.com/successkit/cs/retention"
)

// synthBook reproduces retention's synthBook (retention/bench_test.go): the
// monthly MRR records of n customers over months months from a fixed seed, who
// start in a random month, grow, shrink, churn and come back, some with two
// subscriptions. It also returns each record's MRR in cents for DuckDB.
func synthBook(n, months int, seed uint64) ([]retention.Record, []int64) {
	rng := rand.New(rand.NewPCG(seed, 0))
	first := retention.MustParseMonth("2025-01")
	recs := make([]retention.Record, 0, n*months)
	cents := make([]int64, 0, n*months)
	for c := range n {
		id := "c" + strconv.Itoa(100000+c)
		subs := 1 + rng.IntN(2)
		start := 0
		if rng.IntN(4) == 0 {
			start = rng.IntN(months)
		}
		amount := int64(1000 + rng.IntN(500000))
		active := true
		for m := start; m < months; m++ {
			switch r := rng.IntN(100); {
			case r < 3:
				active = !active
			case r < 10:
				amount += amount / 10
			case r < 15:
				amount -= amount / 20
			}
			if !active {
				continue
			}
			for s := range subs {
				if s == 1 && m%7 == 6 {
					continue
				}
				mrr, _ := cs.MoneyFromMinor(amount/int64(subs), "USD")
				recs = append(recs, retention.Record{Customer: id, Subscription: "s" + strconv.Itoa(s), Month: first.Add(m), MRR: mrr})
				cents = append(cents, amount/int64(subs))
			}
		}
	}
	return recs, cents
}

// loadMRR creates an in-memory DuckDB database with table mrr(customer,
// subscription, month, cents), months as retention.Month numbers, through the
// appender.
func loadMRR(ctx context.Context, recs []retention.Record, cents []int64) (*duckFixture, error) {
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
	if _, err := conn.ExecContext(ctx, "CREATE TABLE mrr (customer VARCHAR, subscription VARCHAR, month INTEGER, cents BIGINT)"); err != nil {
		f.Close()
		return nil, err
	}
	err = conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "mrr")
		if err != nil {
			return err
		}
		for i, r := range recs {
			if err := app.AppendRow(r.Customer, r.Subscription, int32(r.Month), cents[i]); err != nil {
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

// retentionSQL computes GRR's and NRR's parts for the period from → to over
// the customers paying in from (SaaS Capital's definitions, as retention's
// Period uses them): base Σ MRR(from), retained
// Σ min(MRR(to), MRR(from)), kept Σ MRR(to), in cents, a customer's
// subscriptions summed per month.
const retentionSQL = `WITH c AS (
	SELECT customer,
		sum(cents) FILTER (WHERE month = $1) AS a,
		coalesce(sum(cents) FILTER (WHERE month = $2), 0) AS b
	FROM mrr WHERE month = $1 OR month = $2 GROUP BY customer)
SELECT sum(a)::BIGINT, sum(least(a, b))::BIGINT, sum(b)::BIGINT FROM c WHERE a > 0`

type retentionParts struct{ base, retained, kept int64 }

func queryRetention(ctx context.Context, conn *sql.Conn, from, to retention.Month) (retentionParts, error) {
	var p retentionParts
	err := conn.QueryRowContext(ctx, retentionSQL, int32(from), int32(to)).Scan(&p.base, &p.retained, &p.kept)
	return p, err
}

// sameRatio reports whether r equals num ÷ den exactly.
func sameRatio(r retention.Ratio, num, den int64) bool {
	return r.Num.Mul(decimal.NewFromInt(den)).Equal(r.Den.Mul(decimal.NewFromInt(num)))
}

func checkRetention(p retention.Period, q retentionParts) error {
	if !sameRatio(p.GRR(), q.retained, q.base) || !sameRatio(p.NRR(), q.kept, q.base) {
		return fmt.Errorf("library GRR %v/%v NRR %v/%v; DuckDB %d/%d and %d/%d (cents)",
			p.GRR().Num, p.GRR().Den, p.NRR().Num, p.NRR().Den, q.retained, q.base, q.kept, q.base)
	}
	return nil
}

// TestRetentionSQLAgrees checks DuckDB's GRR and NRR against the library's on
// every month-to-month period of a 2,000-customer book.
func TestRetentionSQLAgrees(t *testing.T) {
	ctx := context.Background()
	recs, cents := synthBook(2000, 20, 1)
	bk, err := retention.NewBook(recs, retention.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := loadMRR(ctx, recs, cents)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	first, last := bk.Months()
	for m := first; m < last; m++ {
		p, err := bk.Period(m, m+1)
		if err != nil {
			t.Fatal(err)
		}
		q, err := queryRetention(ctx, f.conn, m, m+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkRetention(p, q); err != nil {
			t.Errorf("%v → %v: %v", m, m+1, err)
		}
		if q.retained == q.base || q.kept == q.retained {
			t.Errorf("%v → %v: no churn or no expansion; the book must exercise both", m, m+1)
		}
	}
}

// BenchmarkMetrics1M computes GRR and NRR of the last month of retention's
// 50,000-customer × 20-month book (about 1,000,000 MRR records), side by side
// in one run:
//
//   - duckdb/threads=N: the query on a loaded table, N = 1 and 2;
//   - successkit/period/workers=N: Book.Period on a built book of N workers,
//     reported as x-duckdb, DuckDB's time at N threads over the library's
//     (budget: at least 5);
//   - duckdb/load: DuckDB's appender loading the records, the counterpart of
//     NewBook;
//   - successkit/book+period/workers=N: NewBook then Period from the raw
//     records, reported as x-duckdb, DuckDB's load plus its query at N
//     threads over the library's (budget: at least 4).
//
// DuckDB runs first so that each library line carries its ratio. Every result
// is checked to agree before it counts.
func BenchmarkMetrics1M(b *testing.B) {
	ctx := context.Background()
	recs, cents := synthBook(50000, 20, 1)
	metric := func(b *testing.B) {
		b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	}
	perOp := func(b *testing.B) time.Duration { return b.Elapsed() / time.Duration(b.N) }
	// ratio reports ref over the library's time and fails below budget.
	ratio := func(b *testing.B, ref time.Duration, budget float64) {
		r := float64(ref) / float64(perOp(b))
		b.ReportMetric(r, "x-duckdb")
		if r < budget {
			b.Errorf("%.2f× DuckDB, budget at least %.0f×", r, budget)
		}
	}
	bk, err := retention.NewBook(recs, retention.Options{})
	if err != nil {
		b.Fatal(err)
	}
	_, last := bk.Months()
	want, err := bk.Period(last-1, last)
	if err != nil {
		b.Fatal(err)
	}
	threads := []int{1, 2}
	var load time.Duration
	query := map[int]time.Duration{}
	b.Run("duckdb/load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f, err := loadMRR(ctx, recs, cents)
			if err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		metric(b)
		load = perOp(b)
	})
	f, err := loadMRR(ctx, recs, cents)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for _, n := range threads {
		b.Run(fmt.Sprintf("duckdb/threads=%d", n), func(b *testing.B) {
			if _, err := f.conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", n)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var q retentionParts
			for b.Loop() {
				if q, err = queryRetention(ctx, f.conn, last-1, last); err != nil {
					b.Fatal(err)
				}
			}
			metric(b)
			query[n] = perOp(b)
			if err := checkRetention(want, q); err != nil {
				b.Fatal(err)
			}
		})
	}
	for _, n := range threads {
		wb, err := retention.NewBook(recs, retention.Options{Workers: n})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("successkit/period/workers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var p retention.Period
			for b.Loop() {
				if p, err = wb.Period(last-1, last); err != nil {
					b.Fatal(err)
				}
				_, _ = p.GRR(), p.NRR()
			}
			metric(b)
			if fmt.Sprint(p) != fmt.Sprint(want) {
				b.Fatalf("Period on %d workers = %v, want %v", n, p, want)
			}
			if query[n] > 0 {
				ratio(b, query[n], 5)
			}
		})
	}
	for _, n := range threads {
		b.Run(fmt.Sprintf("successkit/book+period/workers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var p retention.Period
			for b.Loop() {
				bk, err := retention.NewBook(recs, retention.Options{Workers: n})
				if err != nil {
					b.Fatal(err)
				}
				if p, err = bk.Period(last-1, last); err != nil {
					b.Fatal(err)
				}
				_, _ = p.GRR(), p.NRR()
			}
			metric(b)
			if fmt.Sprint(p) != fmt.Sprint(want) {
				b.Fatalf("NewBook + Period on %d workers = %v, want %v", n, p, want)
			}
			if load > 0 && query[n] > 0 {
				ratio(b, load+query[n], 4)
			}
		})
	}
}
