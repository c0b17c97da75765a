package main

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	csbeam "github.com/successkit/cs/beam"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/retention"
)

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	csbeam.QuietLogs()
	os.Exit(m.Run())
}

// TestRunEqualsLibrary runs the program's pipeline in-process on prism, as
// `successkit-beam -out DIR -customers ... -mrr ... -snapshots ...` does, on a
// generated book of 300 customers, and checks every output file against the
// library on one machine: the score lines and grade counts, the friction lines,
// the retention report (amounts exactly), the backtest (the DeLong standard
// error to 1e-12 relative) and the dead letters.
func TestRunEqualsLibrary(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	book, err := samplebook.Generate(samplebook.Config{Customers: 300, Months: 6})
	if err != nil {
		t.Fatal(err)
	}
	if err := book.WriteDir(in); err != nil {
		t.Fatal(err)
	}
	path := func(name string) string { return filepath.Join(in, name) }
	asOf := samplebook.DefaultAsOf
	rs := rates{{From: "EUR", Rate: decimal.RequireFromString("1.08")}, {From: "JPY", Rate: decimal.RequireFromString("0.0067")}}
	err = run(out, path(samplebook.CustomersFile), "csv", "", asOf.String(),
		path(samplebook.ContactsFile), path(samplebook.CaseEventsFile), "",
		path(samplebook.MRRFile), "USD", rs,
		path(samplebook.SnapshotsFile), path(samplebook.OutcomesFile), 16<<10, "prism")
	if err != nil {
		t.Fatal(err)
	}

	// Scores and grade counts.
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	var wantScores []string
	grades := map[string]int{}
	for rec, err := range (cs.CSVOptions{}).ReadCSV(open(t, path(samplebook.CustomersFile)), path(samplebook.CustomersFile)) {
		if err != nil {
			t.Fatal(err)
		}
		r, err := scorer.Score(&rec.Customer, asOf)
		if err != nil {
			t.Fatal(err)
		}
		row := csbeam.ScoreRow{ID: r.CustomerID, File: path(samplebook.CustomersFile), Line: rec.Line, Profile: r.Profile,
			Score: r.Score, Grade: r.Grade, Unknown: r.Unknown, Coverage: r.Coverage}
		if reasons := r.Reasons(); len(reasons) > 0 {
			row.Reason = reasons[0]
		}
		wantScores = append(wantScores, csbeam.FormatScoreRow(row))
		grades[r.Grade]++
	}
	slices.Sort(wantScores)
	if diff := cmp.Diff(wantScores, lines(t, out, "scores", csbeam.ScoreCSVHeader)); diff != "" {
		t.Errorf("scores (-library +program):\n%s", diff)
	}
	var wantGrades []string
	for g, n := range grades {
		wantGrades = append(wantGrades, csbeam.FormatGradeCount(g, n))
	}
	slices.Sort(wantGrades)
	if diff := cmp.Diff(wantGrades, lines(t, out, "grades", "grade,customers")); diff != "" {
		t.Errorf("grades (-library +program):\n%s", diff)
	}

	// Friction at the end of the scoring date.
	batch, err := effort.LoadBatch(open(t, path(samplebook.ContactsFile)), path(samplebook.ContactsFile),
		open(t, path(samplebook.CaseEventsFile)), path(samplebook.CaseEventsFile))
	if err != nil {
		t.Fatal(err)
	}
	model, err := effort.NewModel(effort.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rep := model.AnalyzeAt(batch, asOf.AddDays(1).In(time.UTC).Add(-time.Second))
	var wantFriction []string
	for _, c := range rep.Customers {
		l, err := csbeam.FormatFriction(c)
		if err != nil {
			t.Fatal(err)
		}
		wantFriction = append(wantFriction, l)
	}
	slices.Sort(wantFriction)
	if diff := cmp.Diff(wantFriction, lines(t, out, "friction", "")); diff != "" || len(wantFriction) < 100 {
		t.Errorf("friction of %d customers (-library +program):\n%s", len(wantFriction), diff)
	}

	// Retention.
	mrr, err := retention.ReadBook(open(t, path(samplebook.MRRFile)), path(samplebook.MRRFile), retention.Options{Currency: "USD", Rates: rs})
	if err != nil {
		t.Fatal(err)
	}
	first, last := mrr.Months()
	wantRet := csbeam.RetentionReport{Currency: mrr.Currency(), First: first, Last: last, Cohorts: mrr.Cohorts(), Customers: mrr.Len()}
	for m := first; m < last; m++ {
		p, err := mrr.Period(m, m+1)
		if err != nil {
			t.Fatal(err)
		}
		wantRet.Periods = append(wantRet.Periods, p)
	}
	var gotRet csbeam.RetentionReport
	if ls := lines(t, out, "retention", ""); len(ls) != 1 || json.Unmarshal([]byte(ls[0]), &gotRet) != nil {
		t.Fatalf("retention output %q: want one report", ls)
	}
	moneyEqual := cmp.Comparer(func(a, b cs.Money) bool { return a.Currency() == b.Currency() && a.Equal(b) })
	if diff := cmp.Diff(wantRet, gotRet, moneyEqual); diff != "" {
		t.Errorf("retention (-library +program):\n%s", diff)
	}

	// Backtest: the library's report in the program's format, compared field by
	// field, the DeLong standard error and bounds to 1e-12 relative.
	var obs []health.Observation
	for rec, err := range (cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}).ReadCSV(open(t, path(samplebook.SnapshotsFile)), path(samplebook.SnapshotsFile)) {
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, health.Observation{AsOf: cs.MustParseDate(rec.Extra[0]), Customer: rec.Customer})
	}
	var outcomes []health.Outcome
	for o, err := range health.ReadOutcomes(open(t, path(samplebook.OutcomesFile)), path(samplebook.OutcomesFile)) {
		if err != nil {
			t.Fatal(err)
		}
		outcomes = append(outcomes, o)
	}
	lib, err := health.Backtest(scorer, obs, outcomes, health.BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantBT, err := csbeam.FormatBacktest(csbeam.BacktestReport{N: lib.N, Churners: lib.Churners, BaseRate: lib.BaseRate, Unknown: lib.Unknown,
		AUC: lib.AUC, ROC: lib.ROC, Grades: lib.Grades, Flag: lib.Flag, FlagConf: lib.FlagConf, Precision: lib.Precision,
		Recall: lib.Recall, Lift: lib.Lift, LeadTime: lib.LeadTime})
	if err != nil {
		t.Fatal(err)
	}
	ls := lines(t, out, "backtest", "")
	if len(ls) != 1 {
		t.Fatalf("backtest output %q: want one report", ls)
	}
	want, got := jsonObject(t, wantBT), jsonObject(t, ls[0])
	for _, k := range []string{"se", "low", "high"} {
		w, g := want["auc"].(map[string]any)[k].(float64), got["auc"].(map[string]any)[k].(float64)
		if math.Abs(w-g) > 1e-12*math.Abs(w) {
			t.Errorf("auc.%s: library %v, program %v", k, w, g)
		}
		delete(want["auc"].(map[string]any), k)
		delete(got["auc"].(map[string]any), k)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("backtest (-library +program):\n%s", diff)
	}

	// Dead letters: the snapshots the library's backtest refuses (customers that
	// left before the book date have no outcome), each with its file and line.
	dead := lines(t, out, "dead", "")
	if len(dead) != len(lib.Errors) || len(dead) == 0 {
		t.Errorf("%d dead letters, the library refuses %d records", len(dead), len(lib.Errors))
	}
	for _, d := range dead {
		var dl csbeam.DeadLetter
		if err := json.Unmarshal([]byte(d), &dl); err != nil || dl.File != path(samplebook.SnapshotsFile) || dl.Line < 2 ||
			!strings.Contains(dl.Err, ":"+strconv.Itoa(dl.Line)+": ") {
			t.Errorf("dead letter %s: want a snapshot named by its file and line", d)
			break
		}
	}
}

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// lines returns the lines of every output file dir/prefix-*, sorted, each file's
// header checked and left out.
func lines(t *testing.T, dir, prefix, header string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, prefix+"-*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s-* output in %s (%v)", prefix, dir, err)
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ls := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if header != "" {
			if ls[0] != header {
				t.Fatalf("%s: header %q, want %q", f, ls[0], header)
			}
			ls = ls[1:]
		}
		out = append(out, ls...)
	}
	slices.Sort(out)
	return out
}

func jsonObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
