package csbeam

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/retention"
)

// Run with a short benchtime, each benchmark once:
//
//	go test -run '^$' -bench . -benchtime 1x ./beam
//
// Every budget is a ratio to the plain library measured in the same run.

var (
	bigOnce sync.Once
	bigDir  string
	bigErr  error
)

// bigBook writes a generated book of 100,000 customers (12 months of history)
// once per test binary.
func bigBook(b *testing.B) string {
	bigOnce.Do(func() {
		bigDir, bigErr = os.MkdirTemp("", "csbeam-100k")
		if bigErr != nil {
			return
		}
		book, err := samplebook.Generate(samplebook.Config{Customers: 100_000, Months: 12})
		if err != nil {
			bigErr = err
			return
		}
		bigErr = book.WriteDir(bigDir)
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigDir
}

// BenchmarkTransforms100k runs each transform on a generated book of 100,000
// customers on prism, checks that its output equals the library's on one machine,
// and reports the elements per second of both and their ratio (beam ÷ library
// time).
func BenchmarkTransforms100k(b *testing.B) {
	dir := bigBook(b)
	path := func(name string) string { return filepath.Join(dir, name) }
	asOf := samplebook.DefaultAsOf
	report := func(b *testing.B, n int, lib, bm time.Duration) {
		b.ReportMetric(float64(n)/bm.Seconds(), "beam-elem/s")
		b.ReportMetric(float64(n)/lib.Seconds(), "lib-elem/s")
		b.ReportMetric(bm.Seconds()/lib.Seconds(), "x-lib")
	}

	b.Run("ScoreCustomers", func(b *testing.B) {
		for b.Loop() {
			t0 := time.Now()
			want, _, _ := libraryScores(b, path(samplebook.CustomersFile), CSV)
			lib := time.Since(t0)
			t0 = time.Now()
			got, _, dead, _ := runScores(b, []string{path(samplebook.CustomersFile)}, ScoreOptions{Config: health.SampleConfig(), AsOf: asOf})
			bm := time.Since(t0)
			if diff := cmp.Diff(want, got); diff != "" || len(dead) > 0 {
				b.Fatalf("ScoreCustomers differs from the library (%d dead letters):\n%.2000s", len(dead), diff)
			}
			report(b, len(want), lib, bm)
		}
	})

	b.Run("Friction", func(b *testing.B) {
		now := time.Date(asOf.Year, asOf.Month, asOf.Day, 23, 59, 59, 0, time.UTC)
		for b.Loop() {
			t0 := time.Now()
			batch, err := effort.LoadBatch(open(b, path(samplebook.ContactsFile)), path(samplebook.ContactsFile),
				open(b, path(samplebook.CaseEventsFile)), path(samplebook.CaseEventsFile))
			if err != nil {
				b.Fatal(err)
			}
			model, _ := effort.NewModel(effort.Config{})
			rep := model.AnalyzeAt(batch, now)
			lib := time.Since(t0)
			nc, ne := batch.Len()
			want := map[string]effort.CustomerFriction{}
			for _, c := range rep.Customers {
				want[c.CustomerID] = c
			}
			t0 = time.Now()
			p, s := beam.NewPipelineWithRoot()
			out, err := Friction(s, []string{path(samplebook.ContactsFile)}, []string{path(samplebook.CaseEventsFile)}, FrictionOptions{Now: now})
			if err != nil {
				b.Fatal(err)
			}
			collect(s, b.Name()+"/c", out.Customers)
			collect(s, b.Name()+"/d", out.Dead)
			run(b, p)
			bm := time.Since(t0)
			got := map[string]effort.CustomerFriction{}
			for _, c := range take[effort.CustomerFriction](b.Name() + "/c") {
				got[c.CustomerID] = c
			}
			dead := take[DeadLetter](b.Name() + "/d")
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" || len(dead) != len(rep.Errors) {
				b.Fatalf("Friction differs from the library (%d dead letters, library %d errors):\n%.2000s", len(dead), len(rep.Errors), diff)
			}
			report(b, nc+ne, lib, bm)
		}
	})

	b.Run("Retention", func(b *testing.B) {
		for b.Loop() {
			t0 := time.Now()
			book, err := retention.ReadBook(open(b, path(samplebook.MRRFile)), path(samplebook.MRRFile), sampleRates())
			if err != nil {
				b.Fatal(err)
			}
			want := libraryRetention(b, book)
			lib := time.Since(t0)
			t0 = time.Now()
			p, s := beam.NewPipelineWithRoot()
			out, err := Retention(s, []string{path(samplebook.MRRFile)}, RetentionOptions{Book: sampleRates()})
			if err != nil {
				b.Fatal(err)
			}
			collect(s, b.Name()+"/r", out.Report)
			metrics := run(b, p)
			bm := time.Since(t0)
			got := take[RetentionReport](b.Name() + "/r")
			if len(got) != 1 {
				b.Fatalf("%d reports", len(got))
			}
			if diff := cmp.Diff(want, got[0], moneyEqual); diff != "" {
				b.Fatalf("Retention differs from the library:\n%.2000s", diff)
			}
			report(b, int(metrics["Retention_in"]), lib, bm)
		}
	})

	b.Run("Backtest", func(b *testing.B) {
		for b.Loop() {
			t0 := time.Now()
			scorer, _ := health.Compile(health.SampleConfig())
			var obs []health.Observation
			for rec, err := range (cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}).ReadCSV(open(b, path(samplebook.SnapshotsFile)), "snapshots.csv") {
				if err != nil {
					b.Fatal(err)
				}
				obs = append(obs, health.Observation{AsOf: cs.MustParseDate(rec.Extra[0]), Customer: rec.Customer})
			}
			var outcomes []health.Outcome
			for o, err := range health.ReadOutcomes(open(b, path(samplebook.OutcomesFile)), "outcomes.csv") {
				if err != nil {
					b.Fatal(err)
				}
				outcomes = append(outcomes, o)
			}
			lib, err := health.Backtest(scorer, obs, outcomes, health.BacktestOptions{})
			if err != nil {
				b.Fatal(err)
			}
			libTime := time.Since(t0)
			t0 = time.Now()
			p, s := beam.NewPipelineWithRoot()
			snaps, _, _ := ScoreSnapshots(s, []string{path(samplebook.SnapshotsFile)}, ScoreOptions{Config: health.SampleConfig()})
			outs, _ := ReadOutcomes(s, []string{path(samplebook.OutcomesFile)}, 0)
			rep, _, err := Backtest(s, snaps, outs, BacktestOptions{Grades: GradesOf(health.SampleConfig())})
			if err != nil {
				b.Fatal(err)
			}
			collect(s, b.Name()+"/r", rep)
			run(b, p)
			bm := time.Since(t0)
			got := take[BacktestReport](b.Name() + "/r")
			want := BacktestReport{N: lib.N, Churners: lib.Churners, BaseRate: lib.BaseRate, Unknown: lib.Unknown, AUC: lib.AUC, ROC: lib.ROC,
				Grades: lib.Grades, Flag: lib.Flag, FlagConf: lib.FlagConf, Precision: lib.Precision, Recall: lib.Recall, Lift: lib.Lift, LeadTime: lib.LeadTime}
			if len(got) != 1 {
				b.Fatalf("%d reports", len(got))
			}
			if diff := cmp.Diff(want, got[0], moneyEqual, cmpopts.IgnoreFields(health.Interval{}, "SE", "Low", "High")); diff != "" {
				b.Fatalf("Backtest differs from the library:\n%.2000s", diff)
			}
			b.ReportMetric(relDiff(want.AUC.SE, got[0].AUC.SE), "se-reldiff")
			report(b, len(obs), libTime, bm)
		}
	})
}

func relDiff(a, b float64) float64 {
	if a == 0 {
		return b
	}
	d := (a - b) / a
	if d < 0 {
		d = -d
	}
	return d
}

var (
	millionOnce sync.Once
	millionPath string
	millionErr  error
)

// million writes a customer file of 1,000,000 rows: the sample book's customers
// repeated under new IDs.
func million(b *testing.B) string {
	millionOnce.Do(func() {
		data, err := os.ReadFile(sample(samplebook.CustomersFile))
		if err != nil {
			millionErr = err
			return
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		dir, err := os.MkdirTemp("", "csbeam-1m")
		if err != nil {
			millionErr = err
			return
		}
		millionPath = filepath.Join(dir, "customers.csv")
		f, err := os.Create(millionPath)
		if err != nil {
			millionErr = err
			return
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString(lines[0] + "\n")
		rows := lines[1:]
		for i := range 1_000_000 {
			r := rows[i%len(rows)]
			_, rest, _ := strings.Cut(r, ",") // the id is the first column
			fmt.Fprintf(w, "M%07d,%s\n", i, rest)
		}
		if err := w.Flush(); err != nil {
			millionErr = err
			return
		}
		millionErr = f.Close()
	})
	if millionErr != nil {
		b.Fatal(millionErr)
	}
	return millionPath
}

// BenchmarkScoreCustomers1M scores 1,000,000 customers and writes their scores:
// on prism (the workers in this process, GOMAXPROCS of the machine) and with the
// plain library streaming the same file into the same CSV lines. Budget: prism
// within 3× the library's time.
func BenchmarkScoreCustomers1M(b *testing.B) {
	path := million(b)
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		b.Fatal(err)
	}
	asOf := samplebook.DefaultAsOf
	for b.Loop() {
		out := b.TempDir()
		t0 := time.Now()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		w, err := os.Create(filepath.Join(out, "plain.csv"))
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		bw.WriteString(ScoreCSVHeader + "\n")
		var res health.Result
		n := 0
		for rec, err := range (cs.CSVOptions{}).ReadCSV(f, path) {
			if err != nil {
				b.Fatal(err)
			}
			if err := scorer.ScoreInto(&res, &rec.Customer, asOf); err != nil {
				b.Fatal(err)
			}
			bw.WriteString(FormatScoreRow(scoreRow(&res, path, rec.Line)))
			bw.WriteByte('\n')
			n++
		}
		bw.Flush()
		w.Close()
		f.Close()
		lib := time.Since(t0)

		t0 = time.Now()
		p, s := beam.NewPipelineWithRoot()
		sc, err := ScoreCustomers(s, []string{path}, ScoreOptions{Config: health.SampleConfig(), AsOf: asOf})
		if err != nil {
			b.Fatal(err)
		}
		WriteLines(s, out, "scores", "csv", ScoreCSVHeader, beam.ParDo(s, FormatScoreRow, sc.Results))
		metrics := run(b, p)
		bm := time.Since(t0)
		if metrics["ScoreCustomers_out"] != int64(n) {
			b.Fatalf("beam scored %d customers, library %d", metrics["ScoreCustomers_out"], n)
		}
		plain, _ := os.ReadFile(filepath.Join(out, "plain.csv"))
		if got := len(readLines(b, out, "scores", true)); got != bytes.Count(plain, []byte("\n"))-1 {
			b.Fatalf("beam wrote %d rows, library %d", got, bytes.Count(plain, []byte("\n"))-1)
		}
		ratio := bm.Seconds() / lib.Seconds()
		b.ReportMetric(float64(n)/bm.Seconds(), "beam-rows/s")
		b.ReportMetric(float64(n)/lib.Seconds(), "lib-rows/s")
		b.ReportMetric(ratio, "x-lib")
		if ratio > 3 {
			b.Errorf("ScoreCustomers on prism took %.2f s, %.1f× the library's %.2f s: budget 3×", bm.Seconds(), ratio, lib.Seconds())
		}
	}
}
