package csbeam

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/retention"
)

func open(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sampleNow is "now" for the sample book's interactions: the end of its book date.
var sampleNow = time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC)

// TestFrictionEqualsLibrary: every customer's friction, drivers, FCR and case
// counts equal those of effort.Model.AnalyzeAt over the whole sample book.
func TestFrictionEqualsLibrary(t *testing.T) {
	batch, err := effort.LoadBatch(open(t, sample(samplebook.ContactsFile)), sample(samplebook.ContactsFile),
		open(t, sample(samplebook.CaseEventsFile)), sample(samplebook.CaseEventsFile))
	if err != nil {
		t.Fatalf("library: %v", err)
	}
	model, err := effort.NewModel(effort.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rep := model.AnalyzeAt(batch, sampleNow)
	if len(rep.Errors) > 0 || len(rep.Customers) < 1000 {
		t.Fatalf("library: %d customers, errors %v", len(rep.Customers), rep.Errors)
	}
	want := map[string]effort.CustomerFriction{}
	for _, c := range rep.Customers {
		want[c.CustomerID] = c
	}

	p, s := beam.NewPipelineWithRoot()
	out, err := Friction(s, []string{sample(samplebook.ContactsFile)}, []string{sample(samplebook.CaseEventsFile)},
		FrictionOptions{Now: sampleNow, ChunkBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	collect(s, t.Name()+"/c", out.Customers)
	collect(s, t.Name()+"/d", out.Dead)
	metrics := run(t, p)
	got := map[string]effort.CustomerFriction{}
	for _, c := range take[effort.CustomerFriction](t.Name() + "/c") {
		got[c.CustomerID] = c
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Friction (-library +beam):\n%s", diff)
	}
	if dead := take[DeadLetter](t.Name() + "/d"); len(dead) > 0 {
		t.Errorf("dead letters: %v", dead)
	}
	if metrics["Friction_out"] != int64(len(want)) {
		t.Errorf("Friction_out = %d, want %d", metrics["Friction_out"], len(want))
	}
}

// libraryRetention is the report of a whole book on one machine.
func libraryRetention(t testing.TB, book *retention.Book) RetentionReport {
	t.Helper()
	first, last := book.Months()
	want := RetentionReport{Currency: book.Currency(), First: first, Last: last, Cohorts: book.Cohorts(), Customers: book.Len()}
	for m := first; m < last; m++ {
		per, err := book.Period(m, m+1)
		if err != nil {
			t.Fatal(err)
		}
		want.Periods = append(want.Periods, per)
	}
	return want
}

// sampleRates are the README's illustrative rates into USD.
func sampleRates() retention.Options {
	return retention.Options{Currency: "USD", Rates: []retention.Rate{
		{From: "EUR", Rate: decimal.RequireFromString("1.08")},
		{From: "JPY", Rate: decimal.RequireFromString("0.0067")},
	}}
}

// TestRetentionEqualsLibrary: every month's movements, GRR, NRR, logo counts
// and the cohort table equal those of retention.ReadBook over the whole sample
// book, amounts exactly.
func TestRetentionEqualsLibrary(t *testing.T) {
	book, err := retention.ReadBook(open(t, sample(samplebook.MRRFile)), sample(samplebook.MRRFile), sampleRates())
	if err != nil {
		t.Fatal(err)
	}
	if err := book.Err(); err != nil {
		t.Fatalf("library: %v", err)
	}
	want := libraryRetention(t, book)

	p, s := beam.NewPipelineWithRoot()
	out, err := Retention(s, []string{sample(samplebook.MRRFile)}, RetentionOptions{Book: sampleRates(), ChunkBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	collect(s, t.Name()+"/r", out.Report)
	collect(s, t.Name()+"/d", out.Dead)
	run(t, p)
	got := take[RetentionReport](t.Name() + "/r")
	if len(got) != 1 {
		t.Fatalf("%d reports, want 1", len(got))
	}
	if diff := cmp.Diff(want, got[0], moneyEqual); diff != "" {
		t.Errorf("Retention (-library +beam):\n%s", diff)
	}
	for i, per := range got[0].Periods { // and the ratios the README prints
		w := want.Periods[i]
		if per.GRR().Percent(3) != w.GRR().Percent(3) || per.NRR().Percent(3) != w.NRR().Percent(3) ||
			per.LogoChurn(retention.ChartMogul).Percent(3) != w.LogoChurn(retention.ChartMogul).Percent(3) {
			t.Errorf("%s: GRR %s NRR %s, library %s %s", per.To, per.GRR().Percent(3), per.NRR().Percent(3), w.GRR().Percent(3), w.NRR().Percent(3))
		}
	}
	if dead := take[DeadLetter](t.Name() + "/d"); len(dead) > 0 {
		t.Errorf("dead letters: %v", dead)
	}
}

// TestBacktestEqualsLibrary: the backtest of the sample scorecard over the
// sample book's snapshots equals health.Backtest's: everything bit for bit but the
// DeLong standard error and bounds, which agree to a relative 1e-12.
func TestBacktestEqualsLibrary(t *testing.T) {
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	var obs []health.Observation
	for rec, err := range (cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}).ReadCSV(open(t, sample(samplebook.SnapshotsFile)), "snapshots.csv") {
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, health.Observation{AsOf: cs.MustParseDate(rec.Extra[0]), Customer: rec.Customer})
	}
	var outcomes []health.Outcome
	for o, err := range health.ReadOutcomes(open(t, sample(samplebook.OutcomesFile)), "outcomes.csv") {
		if err != nil {
			t.Fatal(err)
		}
		outcomes = append(outcomes, o)
	}
	lib, err := health.Backtest(scorer, obs, outcomes, health.BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The sample book's snapshots include customers that left before the book date
	// and so have no outcome: the library reports each such snapshot.
	if len(lib.Errors) == 0 {
		t.Fatal("library: no error; the sample book has snapshots without outcome")
	}
	want := BacktestReport{N: lib.N, Churners: lib.Churners, BaseRate: lib.BaseRate, Unknown: lib.Unknown, AUC: lib.AUC, ROC: lib.ROC,
		Grades: lib.Grades, Flag: lib.Flag, FlagConf: lib.FlagConf, Precision: lib.Precision, Recall: lib.Recall, Lift: lib.Lift, LeadTime: lib.LeadTime}

	p, s := beam.NewPipelineWithRoot()
	snaps, dead0, err := ScoreSnapshots(s, []string{sample(samplebook.SnapshotsFile)}, ScoreOptions{Config: health.SampleConfig(), Read: ReadOptions{ChunkBytes: 256 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	outs, dead1 := ReadOutcomes(s, []string{sample(samplebook.OutcomesFile)}, 8<<10)
	rep, dead2, err := Backtest(s, snaps, outs, BacktestOptions{Grades: GradesOf(health.SampleConfig())})
	if err != nil {
		t.Fatal(err)
	}
	collect(s, t.Name()+"/r", rep)
	collect(s, t.Name()+"/d", beam.Flatten(s, dead0, dead1, dead2))
	run(t, p)
	got := take[BacktestReport](t.Name() + "/r")
	if len(got) != 1 {
		t.Fatalf("%d reports, want 1", len(got))
	}
	g := got[0]
	if diff := cmp.Diff(want, g, moneyEqual, cmpopts.IgnoreFields(health.Interval{}, "SE", "Low", "High")); diff != "" {
		t.Errorf("Backtest (-library +beam):\n%s", diff)
	}
	for _, x := range [][2]float64{{want.AUC.SE, g.AUC.SE}, {want.AUC.Low, g.AUC.Low}, {want.AUC.High, g.AUC.High}} {
		if d := math.Abs(x[0] - x[1]); d > 1e-12*math.Abs(x[0]) {
			t.Errorf("DeLong: library %v, beam %v (relative difference %.3g)", x[0], x[1], d/math.Abs(x[0]))
		} else if d != 0 {
			t.Logf("DeLong: library %v, beam %v (relative difference %.3g)", x[0], x[1], d/math.Abs(x[0]))
		}
	}
	dead := take[DeadLetter](t.Name() + "/d")
	if len(dead) != len(lib.Errors) {
		t.Errorf("%d dead letters, library %d errors", len(dead), len(lib.Errors))
	}
	for _, d := range dead {
		if !strings.Contains(d.Err, ": outcome: ") || !strings.HasPrefix(d.Err, "health: "+sample(samplebook.SnapshotsFile)+":") {
			t.Errorf("dead letter %+v: want a snapshot without outcome, named by file and line", d)
			break
		}
	}
}
