package drivers_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/store/storetest"
)

const bigWeeks = 52

// fixtureVersion names the fixture's layout in its file name: change it with
// the schema's tables or indexes, so that a cached fixture of another layout
// is not read.
const fixtureVersion = 2

// bigCustomers is the fixture's number of customers: 1,000,000, or
// SUCCESSKIT_BENCH_CUSTOMERS for a quick try.
var bigCustomers = func() int {
	if n, err := strconv.Atoi(os.Getenv("SUCCESSKIT_BENCH_CUSTOMERS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}()

// bigHealthConfig is a one-measure scorecard: the fixture's rows are as
// many as a real store's, with a short detail, so that it fits a test disk.
func bigHealthConfig() health.Config {
	cfg, err := health.ParseConfig([]byte(`{"version": "bench", "profiles": [{"name": "default", "groups": [
		{"name": "Adoption", "weight": 1, "measures": [{"name": "usage", "signal": "usage", "weight": 1, "ramp": {"bad": 0.2, "good": 0.8}}]}]}]}`))
	if err != nil {
		panic(err)
	}
	return cfg
}

// bigStore returns a SQLite store holding 1,000,000 customers × 52 weekly
// health results (and touch states, task records and fires for the last
// week), built once with INSERT … SELECT from a generator and cached under
// the temporary directory (SUCCESSKIT_BENCH_DIR overrides it). Rows are
// written run by run, as runs write them, and the indexes built after.
func bigStore(b *testing.B) *store.Store {
	b.Helper()
	dir := os.Getenv("SUCCESSKIT_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "successkit-bench")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("store-v%d.%d-%dx%d.db", store.SchemaVersion, fixtureVersion, bigCustomers, bigWeeks))
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		if err := buildBig(path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %v", path, time.Since(start).Round(time.Second))
	}
	s, err := drivers.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func bigDate(w int) cs.Date { return storetest.Start().AddDays(7 * w) }

func buildBig(path string) error {
	ctx := context.Background()
	tmp := path + ".building"
	os.Remove(tmp)
	os.Remove(tmp + "-wal")
	os.Remove(tmp + "-shm")
	s, err := drivers.Open(ctx, tmp)
	if err != nil {
		return err
	}
	defer s.Close()
	// One real run gives the configuration, the layout, a detail and a task
	// record to copy.
	sc, err := health.Compile(bigHealthConfig())
	if err != nil {
		return err
	}
	book := storetest.Book(50, 5, bigDate(bigWeeks-1), false)
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: bigDate(0), At: time.Unix(1_780_000_000, 0), By: "bench"})
	if err != nil {
		return err
	}
	hc, _ := store.HealthConfig(sc.Config())
	if err := tx.SaveConfig(hc); err != nil {
		return err
	}
	for i := range book {
		r, err := sc.Score(&book[i], bigDate(0))
		if err != nil {
			return err
		}
		if err := tx.AddHealth(&r); err != nil {
			return err
		}
	}
	if _, err := tx.Commit(); err != nil {
		return err
	}
	db := s.DB()
	var config int64
	var detail []byte
	if err := db.QueryRow(`SELECT config, detail FROM cs_health WHERE unknown = 0 LIMIT 1`).Scan(&config, &detail); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM cs_health`, `DELETE FROM cs_runs`, `DROP INDEX cs_health_customer`, `DROP INDEX cs_health_run`,
		`DROP INDEX cs_touch_customer`, `DROP INDEX cs_task_versions_run`, `DROP INDEX cs_task_versions_key`, `DROP INDEX cs_fires_run`, `DROP INDEX cs_fires_day`} {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	gen := `WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ?) `
	for w := 0; w < bigWeeks; w++ {
		d := bigDate(w).String()
		if _, err := db.Exec(`INSERT INTO cs_runs (as_of, ran_at, ran_by, library, inputs, n_health, n_customers, n_touch, n_fires, n_tasks, n_outcomes, n_expired)
			VALUES (?, ?, 'bench', 'bench', '[]', ?, 0, ?, 0, 0, 0, 0)`, d, bigDate(w).String()+"T06:00:00.000000Z", bigCustomers, bigCustomers); err != nil {
			return err
		}
		if _, err := db.Exec(gen+`INSERT INTO cs_health (as_of, customer_id, config, profile, score, grade, grade_index, unknown, cause,
			coverage, computed, computed_unknown, vetoes, weakest, override, churn, detail)
			SELECT ?, printf('c%07d', i), ?, 'default', s, CASE WHEN s <= 50 THEN 'red' WHEN s <= 75 THEN 'yellow' ELSE 'green' END,
				CASE WHEN s <= 50 THEN 0 WHEN s <= 75 THEN 1 ELSE 2 END, 0, 0, 1, s, 0, 0, 0, NULL, NULL, ?
			FROM (SELECT i, ((i * 2654435761 + ? * 40503) % 10001) / 100.0 AS s FROM c)`, bigCustomers-1, d, config, detail, w); err != nil {
			return fmt.Errorf("week %d: %w", w, err)
		}
	}
	last := bigDate(bigWeeks - 1).String()
	if _, err := db.Exec(gen+`INSERT INTO cs_touch (as_of, customer_id, tier, previous, changed, due, toward, streak, owner, community, reasons, fit_reason,
		currency, value_minor, arr_minor, arr_known)
		SELECT ?, printf('c%07d', i), CASE i % 10 WHEN 0 THEN 'high' WHEN 1 THEN 'low' WHEN 2 THEN 'low' ELSE 'tech' END, 'tech', 0,
			CASE i % 10 WHEN 0 THEN 'high' WHEN 1 THEN 'low' WHEN 2 THEN 'low' ELSE 'tech' END, '', i % 3,
			CASE i % 10 WHEN 0 THEN 'csm-' || (i % 40) WHEN 1 THEN 'scale-team' WHEN 2 THEN 'scale-team' ELSE '' END,
			0, 1, '', 'USD', 120000, 1440000, 1 FROM c`, bigCustomers-1, last); err != nil {
		return fmt.Errorf("touch: %w", err)
	}
	// Playbook state: every customer with one open task of a play that fired
	// last week, and a fire of another play a month before.
	rec := `{"task":{"key":"CUST/renewal-risk#0","customer_id":"CUST","play_id":"renewal-risk","play_name":"Renewal at risk",` +
		`"priority":"must","action":{"title":"Renewal risk review with the customer","channel":"meeting","owner":"csm","due_days":7,"hours":2},` +
		`"fired":"` + last + `","due":"` + bigDate(bigWeeks).String() + `","mrr":"1200.00 USD",` +
		`"reason":{"condition":"{\"field\":\"health.score\",\"op\":\"<\",\"value\":50}","matches":[{"field":"health.score","op":"<","want":50,"known":true,"num":42.5}]}},` +
		`"state":"open","opened":"` + last + `"}`
	if _, err := db.Exec(gen+`INSERT INTO cs_task_versions (as_of, customer_id, task_key, opened, state, play_id, owner, due, record)
		SELECT ?, printf('c%07d', i), printf('c%07d', i) || '/renewal-risk#0', ?, 'open', 'renewal-risk', 'csm', ?,
			replace(?, 'CUST', printf('c%07d', i)) FROM c`, bigCustomers-1, last, last, bigDate(bigWeeks).String(), rec); err != nil {
		return fmt.Errorf("tasks: %w", err)
	}
	if _, err := db.Exec(gen+`INSERT INTO cs_fires (as_of, customer_id, play_id, day)
		SELECT ?, printf('c%07d', i), 'renewal-risk', ? FROM c UNION ALL
		SELECT ?, printf('c%07d', i), 'silent-risk', ? FROM c`, bigCustomers-1, last, last, bigDate(bigWeeks-5).String(), bigDate(bigWeeks-5).String()); err != nil {
		return fmt.Errorf("fires: %w", err)
	}
	if _, err := db.Exec(`UPDATE cs_runs SET n_fires = ?, n_tasks = ? WHERE as_of = ?`, bigCustomers, bigCustomers, last); err != nil {
		return err
	}
	for _, q := range []string{
		`CREATE INDEX cs_health_customer ON cs_health (customer_id, as_of, score, unknown)`,
		`CREATE UNIQUE INDEX cs_health_run ON cs_health (as_of, customer_id)`,
		`CREATE INDEX cs_touch_customer ON cs_touch (customer_id, as_of)`,
		`CREATE INDEX cs_task_versions_run ON cs_task_versions (as_of)`,
		`CREATE INDEX cs_task_versions_key ON cs_task_versions (task_key, opened)`,
		`CREATE INDEX cs_fires_run ON cs_fires (as_of)`,
		`CREATE INDEX cs_fires_day ON cs_fires (day)`,
		`ANALYZE`,
		`PRAGMA wal_checkpoint(TRUNCATE)`,
	} {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	s.Close()
	return os.Rename(tmp, path)
}

// BenchmarkHealthHistory52 reads one customer's 52 weekly results from a
// store of 1,000,000 customers × 52 weeks, for random customers, and reports
// the median and 99th percentile of a read; the reference is a hand-written
// query of the same rows through the same index, without decoding. Budget:
// a median under 1 ms.
func BenchmarkHealthHistory52(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = fmt.Sprintf("c%07d", r.IntN(bigCustomers))
	}
	// Warm the page cache and the store's caches, as a serving process is.
	for _, id := range ids {
		for _, err := range s.HealthHistory(ctx, id, store.Page{}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	ref, err := s.DB().Prepare(`SELECT as_of, score, grade, detail FROM cs_health WHERE customer_id = ? ORDER BY as_of`)
	if err != nil {
		b.Fatal(err)
	}
	defer ref.Close()
	b.ReportAllocs()
	b.ResetTimer()
	var lat, refLat []time.Duration
	for i := 0; i < b.N; i++ {
		for _, id := range ids {
			start := time.Now()
			n := 0
			for _, err := range s.HealthHistory(ctx, id, store.Page{}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			lat = append(lat, time.Since(start))
			if n != bigWeeks {
				b.Fatalf("customer %s: %d results, want %d", id, n, bigWeeks)
			}
		}
	}
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		for _, id := range ids {
			start := time.Now()
			rows, err := ref.Query(id)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var d, g string
				var sc float64
				var det []byte
				if err := rows.Scan(&d, &sc, &g, &det); err != nil {
					b.Fatal(err)
				}
				n++
			}
			rows.Close()
			refLat = append(refLat, time.Since(start))
		}
	}
	med, p99 := quantiles(lat)
	refMed, _ := quantiles(refLat)
	b.ReportMetric(float64(med.Microseconds()), "median-µs")
	b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
	b.ReportMetric(float64(refMed.Microseconds()), "ref-median-µs")
	b.ReportMetric(float64(med)/float64(refMed), "x-ref")
	b.Logf("median %v p99 %v reference median %v", med, p99, refMed)
	if med > time.Millisecond {
		b.Errorf("median read of 52 weekly results: %v, budget 1 ms", med)
	}
}

func quantiles(d []time.Duration) (median, p99 time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], s[len(s)*99/100]
}

var _ = sql.ErrNoRows
