// Command successkit-beam runs the successkit transforms (package csbeam) as one
// Apache Beam pipeline: health scores and grade counts, per-customer friction,
// monthly retention with cohorts, and a backtest of the scorecard, each step run
// when its input files are given. It runs locally on the prism runner by default;
// see the flags for other runners.
//
// Usage:
//
//	successkit-beam -out DIR [-customers FILES -asof YYYY-MM-DD [-format jsonl] [-scorecard card.json]]
//	    [-contacts FILES -events FILES [-now RFC3339]] [-mrr FILES [-currency USD -rate EUR=1.08 ...]]
//	    [-snapshots FILES -outcomes FILES] [-runner prism|universal] [Beam's runner flags]
//
// FILES is a comma-separated list of paths or globs (gs:// paths with a Dataflow
// build). Results go to DIR as sharded files: scores-*.csv, grades-*.csv,
// friction-*.jsonl, retention-*.json, backtest-*.json and dead-*.jsonl (every
// refused record, with its file, line and error). The counters are printed at the
// end with the elements per second of each transform.
package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"     // -runner prism (default)
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal" // -runner universal: Flink and Spark job servers
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	csbeam "github.com/successkit/cs/beam"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/retention"
)

type rates []retention.Rate

func (r *rates) String() string { return fmt.Sprint(*r) }

func (r *rates) Set(s string) error {
	cur, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want CUR=RATE, such as EUR=1.08")
	}
	c, err := cs.ParseCurrency(cur)
	if err != nil {
		return err
	}
	d, err := cs.ParseDecimal(v)
	if err != nil {
		return err
	}
	*r = append(*r, retention.Rate{From: c, Rate: decimal.Decimal(d)})
	return nil
}

func main() {
	var (
		out       = flag.String("out", "", "output directory (required)")
		customers = flag.String("customers", "", "customer files (CSV layout of the cs package, or JSON Lines with -format jsonl)")
		format    = flag.String("format", "csv", "customer file format: csv or jsonl")
		scorecard = flag.String("scorecard", "", "health scorecard JSON (default: the sample scorecard)")
		asofFlag  = flag.String("asof", "", "scoring date YYYY-MM-DD (required with -customers)")
		contacts  = flag.String("contacts", "", "contacts.csv files (with -events)")
		events    = flag.String("events", "", "case_events.csv files (with -contacts)")
		nowFlag   = flag.String("now", "", "instant friction is measured at, RFC 3339 (default: the end of -asof, UTC)")
		mrr       = flag.String("mrr", "", "mrr.csv files")
		currency  = flag.String("currency", "", "retention reporting currency (needed when mrr holds several)")
		snapshots = flag.String("snapshots", "", "snapshots files: the customer layout with an as_of column (with -outcomes)")
		outcomes  = flag.String("outcomes", "", "outcomes files id,churned[,date] (with -snapshots)")
		chunk     = flag.Int("chunk", 0, "chunk size in bytes (default csbeam.DefaultChunkBytes)")
		runner    = flag.String("runner", "prism", "Beam runner: prism (local), universal (a Flink or Spark job server, with -endpoint), or dataflow (a build with -tags dataflow)")
		rs        rates
	)
	flag.Var(&rs, "rate", "exchange rate into -currency, CUR=RATE, repeatable")
	flag.Parse()
	beam.Init()
	csbeam.QuietLogs()
	if err := run(*out, *customers, *format, *scorecard, *asofFlag, *contacts, *events, *nowFlag, *mrr, *currency, rs,
		*snapshots, *outcomes, *chunk, *runner); err != nil {
		fmt.Fprintln(os.Stderr, "successkit-beam:", err)
		os.Exit(1)
	}
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(out, customers, format, scorecard, asofFlag, contacts, events, nowFlag, mrr, currency string, rs rates,
	snapshots, outcomes string, chunk int, runner string) error {
	if out == "" {
		return fmt.Errorf("-out is required")
	}
	cfg, err := loadScorecard(scorecard)
	if err != nil {
		return err
	}
	var asOf cs.Date
	if asofFlag != "" {
		d, err := cs.ParseDate(asofFlag)
		if err != nil {
			return fmt.Errorf("-asof: %w", err)
		}
		asOf = d
	}
	p, s := beam.NewPipelineWithRoot()
	pl := &plan{s: s, out: out, chunk: chunk}
	if customers != "" {
		if asOf.IsZero() {
			return fmt.Errorf("-customers needs -asof")
		}
		if err := pl.scoreCustomers(split(customers), format, cfg, asOf); err != nil {
			return err
		}
	}
	if contacts != "" || events != "" {
		now, err := frictionNow(nowFlag, asOf)
		if err != nil {
			return err
		}
		if err := pl.friction(split(contacts), split(events), now); err != nil {
			return err
		}
	}
	if mrr != "" {
		if err := pl.retention(split(mrr), retention.Options{Currency: cs.Currency(currency), Rates: rs}); err != nil {
			return err
		}
	}
	if snapshots != "" || outcomes != "" {
		if err := pl.backtest(split(snapshots), split(outcomes), cfg); err != nil {
			return err
		}
	}
	if len(pl.dead) == 0 {
		return fmt.Errorf("nothing to do: give -customers, -contacts/-events, -mrr or -snapshots/-outcomes")
	}
	csbeam.WriteLines(s, out, "dead", "jsonl", "", beam.ParDo(s, csbeam.FormatDeadLetter, beam.Flatten(s, pl.dead...)))

	start := time.Now()
	res, err := beam.Run(context.Background(), runner, p)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if res == nil { // an asynchronous job (-async): nothing to report yet
		return nil
	}
	fmt.Printf("pipeline: %s on %s in %.2f s\n", strings.Join(pl.steps, ", "), runner, elapsed.Seconds())
	printCounters(res, elapsed)
	return nil
}

// loadScorecard reads the health scorecard at path, or returns the sample
// scorecard if path is empty.
func loadScorecard(path string) (health.Config, error) {
	if path == "" {
		return health.SampleConfig(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return health.Config{}, err
	}
	return health.ParseConfig(b)
}

// frictionNow returns the instant friction is measured at: -now if given,
// else the last second of the -asof day in UTC.
func frictionNow(nowFlag string, asOf cs.Date) (time.Time, error) {
	switch {
	case nowFlag != "":
		t, err := time.Parse(time.RFC3339, nowFlag)
		if err != nil {
			return time.Time{}, fmt.Errorf("-now: %w", err)
		}
		return t, nil
	case !asOf.IsZero():
		return asOf.AddDays(1).In(time.UTC).Add(-time.Second), nil
	}
	return time.Time{}, fmt.Errorf("-contacts and -events need -now or -asof")
}

// A plan is the pipeline being built: each step asked for writes its results
// under out and adds its dead letters, which run writes together at the end.
type plan struct {
	s     beam.Scope
	out   string
	chunk int // read chunk size in bytes; 0 means csbeam's default
	dead  []beam.PCollection
	steps []string // the names of the steps added, for the report
}

// scoreCustomers adds the health scores of the customers in files and their
// count per grade.
func (pl *plan) scoreCustomers(files []string, format string, cfg health.Config, asOf cs.Date) error {
	s := pl.s
	sc, err := csbeam.ScoreCustomers(s, files, csbeam.ScoreOptions{Config: cfg, AsOf: asOf,
		Read: csbeam.ReadOptions{Format: csbeam.Format(format), ChunkBytes: pl.chunk}})
	if err != nil {
		return err
	}
	csbeam.WriteLines(s, pl.out, "scores", "csv", csbeam.ScoreCSVHeader, beam.ParDo(s, csbeam.FormatScoreRow, sc.Results))
	csbeam.WriteLines(s, pl.out, "grades", "csv", "grade,customers", beam.ParDo(s, csbeam.FormatGradeCount, sc.Grades))
	pl.dead = append(pl.dead, sc.Dead)
	pl.steps = append(pl.steps, "ScoreCustomers")
	return nil
}

// friction adds each customer's friction at now from contacts and case events.
func (pl *plan) friction(contacts, events []string, now time.Time) error {
	s := pl.s
	fr, err := csbeam.Friction(s, contacts, events, csbeam.FrictionOptions{Now: now, ChunkBytes: pl.chunk})
	if err != nil {
		return err
	}
	csbeam.WriteLines(s, pl.out, "friction", "jsonl", "", beam.ParDo(s, csbeam.FormatFriction, fr.Customers))
	pl.dead = append(pl.dead, fr.Dead)
	pl.steps = append(pl.steps, "Friction")
	return nil
}

// retention adds the retention report of the MRR files.
func (pl *plan) retention(mrr []string, book retention.Options) error {
	s := pl.s
	re, err := csbeam.Retention(s, mrr, csbeam.RetentionOptions{Book: book, ChunkBytes: pl.chunk})
	if err != nil {
		return err
	}
	csbeam.WriteLines(s, pl.out, "retention", "json", "", beam.ParDo(s, csbeam.FormatRetention, re.Report))
	pl.dead = append(pl.dead, re.Dead)
	pl.steps = append(pl.steps, "Retention")
	return nil
}

// backtest adds the backtest of the scorecard: the snapshots scored with cfg
// against the outcomes that followed.
func (pl *plan) backtest(snapshots, outcomes []string, cfg health.Config) error {
	s := pl.s
	snaps, d0, err := csbeam.ScoreSnapshots(s, snapshots, csbeam.ScoreOptions{Config: cfg, Read: csbeam.ReadOptions{ChunkBytes: pl.chunk}})
	if err != nil {
		return err
	}
	outs, d1 := csbeam.ReadOutcomes(s, outcomes, pl.chunk)
	bt, d2, err := csbeam.Backtest(s, snaps, outs, csbeam.BacktestOptions{Grades: csbeam.GradesOf(cfg)})
	if err != nil {
		return err
	}
	csbeam.WriteLines(s, pl.out, "backtest", "json", "", beam.ParDo(s, csbeam.FormatBacktest, bt))
	pl.dead = append(pl.dead, d0, d1, d2)
	pl.steps = append(pl.steps, "ScoreSnapshots", "Backtest")
	return nil
}

// printCounters prints csbeam's counters of a finished pipeline in name
// order, each with its rate over elapsed.
func printCounters(res beam.PipelineResult, elapsed time.Duration) {
	counts := map[string]int64{}
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Namespace() == csbeam.MetricsNamespace {
			counts[c.Name()] += c.Result()
		}
	}
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		fmt.Printf("  %-22s %12d  %12.0f /s\n", name, counts[name], float64(counts[name])/elapsed.Seconds())
	}
}
