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
//   - duckdb/threads=N and successkit/period/workers=N: the query on a loaded
//     table at N threads, and Book.Period on a built book of N workers, alone;
//   - vs/period/N: the two interleaved, one of each per iteration (in
//     alternating order), reporting each one's time per operation and x-duckdb,
//     DuckDB's total time over the library's (budget: at least 5);
//   - vs/build/N: from the raw records, DuckDB's appender load plus the query
//     at N threads against NewBook plus Period on N workers, interleaved the
//     same way (budget: at least 4).
//
// Interleaving keeps the ratios fair on a shared machine, where the load
// changes from one second to the next. Every result is checked to agree
// before it counts.
func BenchmarkMetrics1M(b *testing.B) {
	ctx := context.Background()
	recs, cents := synthBook(50000, 20, 1)
	metric := func(b *testing.B) {
		b.ReportMetric(float64(len(recs))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
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
	f, err := loadMRR(ctx, recs, cents)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	setThreads := func(b *testing.B, n int) {
		if _, err := f.conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", n)); err != nil {
			b.Fatal(err)
		}
	}
	query := func(b *testing.B) {
		q, err := queryRetention(ctx, f.conn, last-1, last)
		if err != nil {
			b.Fatal(err)
		}
		if err := checkRetention(want, q); err != nil {
			b.Fatal(err)
		}
	}
	period := func(b *testing.B, bk *retention.Book) {
		p, err := bk.Period(last-1, last)
		if err != nil {
			b.Fatal(err)
		}
		if p.GRR().Cmp(want.GRR()) != 0 || p.NRR().Cmp(want.NRR()) != 0 || fmt.Sprint(p) != fmt.Sprint(want) {
			b.Fatalf("Period = %v, want %v", p, want)
		}
	}
	threads := []int{1, 2}
	books := map[int]*retention.Book{}
	for _, n := range threads {
		if books[n], err = retention.NewBook(recs, retention.Options{Workers: n}); err != nil {
			b.Fatal(err)
		}
	}
	for _, n := range threads {
		b.Run(fmt.Sprintf("duckdb/threads=%d", n), func(b *testing.B) {
			setThreads(b, n)
			b.ReportAllocs()
			for b.Loop() {
				query(b)
			}
			metric(b)
		})
		b.Run(fmt.Sprintf("successkit/period/workers=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				period(b, books[n])
			}
			metric(b)
		})
	}
	for _, n := range threads {
		b.Run(fmt.Sprintf("vs/period/%d", n), func(b *testing.B) {
			setThreads(b, n)
			interleave(b, 5, func() { query(b) }, func() { period(b, books[n]) })
		})
	}
	for _, n := range threads {
		b.Run(fmt.Sprintf("vs/build/%d", n), func(b *testing.B) {
			setThreads(b, n)
			interleave(b, 4, func() {
				g, err := loadMRR(ctx, recs, cents)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := g.conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", n)); err != nil {
					b.Fatal(err)
				}
				q, err := queryRetention(ctx, g.conn, last-1, last)
				g.Close()
				if err != nil {
					b.Fatal(err)
				}
				if err := checkRetention(want, q); err != nil {
					b.Fatal(err)
				}
			}, func() {
				bk, err := retention.NewBook(recs, retention.Options{Workers: n})
				if err != nil {
					b.Fatal(err)
				}
				period(b, bk)
			})
		})
	}
}

// interleave times ref and lib once each per iteration, alternating which goes
// first, and reports the time per operation of each (duckdb-ms/op,
// successkit-ms/op) and ref's total over lib's (x-duckdb), failing the benchmark
// below budget.
func interleave(b *testing.B, budget float64, ref, lib func()) {
	var tr, tl time.Duration
	i := 0
	for b.Loop() {
		t0 := time.Now()
		if i%2 == 0 {
			ref()
			t1 := time.Now()
			lib()
			tr, tl = tr+t1.Sub(t0), tl+time.Since(t1)
		} else {
			lib()
			t1 := time.Now()
			ref()
			tl, tr = tl+t1.Sub(t0), tr+time.Since(t1)
		}
		i++
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(i) / 1e6 }
	b.ReportMetric(ms(tr), "duckdb-ms/op")
	b.ReportMetric(ms(tl), "successkit-ms/op")
	r := float64(tr) / float64(tl)
	b.ReportMetric(r, "x-duckdb")
	if r < budget {
		b.Errorf("%.2f× DuckDB, budget at least %.0f×", r, budget)
	}
}
