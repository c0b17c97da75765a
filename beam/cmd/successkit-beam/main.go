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
	cfg := health.SampleConfig()
	if scorecard != "" {
		b, err := os.ReadFile(scorecard)
		if err != nil {
			return err
		}
		if cfg, err = health.ParseConfig(b); err != nil {
			return err
		}
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
	var dead []beam.PCollection
	var steps []string
	if customers != "" {
		if asOf.IsZero() {
			return fmt.Errorf("-customers needs -asof")
		}
		sc, err := csbeam.ScoreCustomers(s, split(customers), csbeam.ScoreOptions{Config: cfg, AsOf: asOf,
			Read: csbeam.ReadOptions{Format: csbeam.Format(format), ChunkBytes: chunk}})
		if err != nil {
			return err
		}
		csbeam.WriteLines(s, out, "scores", "csv", csbeam.ScoreCSVHeader, beam.ParDo(s, csbeam.FormatScoreRow, sc.Results))
		csbeam.WriteLines(s, out, "grades", "csv", "grade,customers", beam.ParDo(s, csbeam.FormatGradeCount, sc.Grades))
		dead = append(dead, sc.Dead)
		steps = append(steps, "ScoreCustomers")
	}
	if contacts != "" || events != "" {
		now := time.Time{}
		switch {
		case nowFlag != "":
			t, err := time.Parse(time.RFC3339, nowFlag)
			if err != nil {
				return fmt.Errorf("-now: %w", err)
			}
			now = t
		case !asOf.IsZero():
			now = asOf.AddDays(1).In(time.UTC).Add(-time.Second)
		default:
			return fmt.Errorf("-contacts and -events need -now or -asof")
		}
		fr, err := csbeam.Friction(s, split(contacts), split(events), csbeam.FrictionOptions{Now: now, ChunkBytes: chunk})
		if err != nil {
			return err
		}
		csbeam.WriteLines(s, out, "friction", "jsonl", "", beam.ParDo(s, csbeam.FormatFriction, fr.Customers))
		dead = append(dead, fr.Dead)
		steps = append(steps, "Friction")
	}
	if mrr != "" {
		re, err := csbeam.Retention(s, split(mrr), csbeam.RetentionOptions{Book: retention.Options{Currency: cs.Currency(currency), Rates: rs}, ChunkBytes: chunk})
		if err != nil {
			return err
		}
		csbeam.WriteLines(s, out, "retention", "json", "", beam.ParDo(s, csbeam.FormatRetention, re.Report))
		dead = append(dead, re.Dead)
		steps = append(steps, "Retention")
	}
	if snapshots != "" || outcomes != "" {
		snaps, d0, err := csbeam.ScoreSnapshots(s, split(snapshots), csbeam.ScoreOptions{Config: cfg, Read: csbeam.ReadOptions{ChunkBytes: chunk}})
		if err != nil {
			return err
		}
		outs, d1 := csbeam.ReadOutcomes(s, split(outcomes), chunk)
		bt, d2, err := csbeam.Backtest(s, snaps, outs, csbeam.BacktestOptions{Grades: csbeam.GradesOf(cfg)})
		if err != nil {
			return err
		}
		csbeam.WriteLines(s, out, "backtest", "json", "", beam.ParDo(s, csbeam.FormatBacktest, bt))
		dead = append(dead, d0, d1, d2)
		steps = append(steps, "ScoreSnapshots", "Backtest")
	}
	if len(dead) == 0 {
		return fmt.Errorf("nothing to do: give -customers, -contacts/-events, -mrr or -snapshots/-outcomes")
	}
	csbeam.WriteLines(s, out, "dead", "jsonl", "", beam.ParDo(s, csbeam.FormatDeadLetter, beam.Flatten(s, dead...)))

	start := time.Now()
	res, err := beam.Run(context.Background(), runner, p)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	if res == nil { // an asynchronous job (-async): nothing to report yet
		return nil
	}
	counts := map[string]int64{}
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Namespace() == csbeam.MetricsNamespace {
			counts[c.Name()] += c.Result()
		}
	}
	fmt.Printf("pipeline: %s on %s in %.2f s\n", strings.Join(steps, ", "), runner, elapsed.Seconds())
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range counts {
			if !yield(k) {
				return
			}
		}
	}) {
		fmt.Printf("  %-22s %12d  %12.0f /s\n", name, counts[name], float64(counts[name])/elapsed.Seconds())
	}
	return nil
}
