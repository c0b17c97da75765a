package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/successkit/cs/examples/internal/golden"
	"github.com/successkit/cs/health"
)

func runArgs(t *testing.T, args ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := run(args, &out); err != nil {
		t.Fatalf("run(%q) = %v", args, err)
	}
	return out.Bytes()
}

var userFiles = []string{"-customers", "testdata/snapshots.csv", "-outcomes", "testdata/outcomes.csv", "-health", "testdata/scorecard.json"}

func TestGolden(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		out  bool // also check the -out file
	}{
		// What `go run ./examples/backtest` prints.
		{"backtest_default.golden", nil, true},
		// The sample book with a fit and a two-grade flag, as JSON.
		{"backtest_fit_json.golden", []string{"-fit", "-flag", "red,yellow", "-format", "json"}, false},
		// Is the sample scorecard better than usage alone? A paired comparison.
		{"backtest_compare.golden", []string{"-compare", "testdata/usage_only.json"}, false},
		// Scores taken at least 90 days before the outcome, as the CS platforms advise.
		{"backtest_lead90.golden", []string{"-lead", "90"}, false},
		// A user's files with bad records of every kind, reported one by one.
		{"backtest_files.golden", userFiles, true},
		// The same files with a bootstrap interval.
		{"backtest_files_bootstrap.golden", append([]string{"-bootstrap", "200", "-seed", "3"}, userFiles...), false},
		// The README's "Does your health score predict churn?": the churn
		// probability with its reliability table, and the survival by grade.
		{"backtest_calibrate_survival.golden", []string{"-calibrate", "-survival"}, false},
		// Isotonic calibration, as JSON, with the calibrated probabilities in -out.
		{"backtest_isotonic_json.golden", []string{"-calibrate", "-method", "isotonic", "-format", "json"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string(nil), tc.args...)
			if !tc.out {
				golden.Check(t, tc.name, runArgs(t, args...))
				return
			}
			args = append(args, "-out", filepath.Join(dir, "scored.csv"))
			golden.Check(t, tc.name, runArgs(t, args...))
			out, err := os.ReadFile(filepath.Join(dir, "scored.csv"))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, strings.TrimSuffix(tc.name, ".golden")+"_scored.csv.golden", out)
		})
	}
}

// The fit's acceptance test: on the sample book the fitted scorecard's
// cross-validated AUC is at least the sample scorecard's AUC.
func TestFitBeatsSampleScorecard(t *testing.T) {
	fitted := filepath.Join(t.TempDir(), "fitted.json")
	var j struct {
		AUC   float64  `json:"auc"`
		CVAUC *float64 `json:"cv_auc"`
		FitAU *float64 `json:"fit_auc"`
	}
	if err := json.Unmarshal(runArgs(t, "-fitted", fitted, "-format", "json"), &j); err != nil {
		t.Fatal(err)
	}
	if j.CVAUC == nil || j.FitAU == nil {
		t.Fatal("no cv_auc or fit_auc after -fitted")
	}
	t.Logf("sample scorecard AUC %.4f; fitted scorecard CV AUC %.4f (in sample %.4f)", j.AUC, *j.CVAUC, *j.FitAU)
	if *j.CVAUC < j.AUC {
		t.Errorf("fitted CV AUC %.4f below the sample scorecard's AUC %.4f", *j.CVAUC, j.AUC)
	}
	// The fitted file is an ordinary scorecard: it parses and runs.
	data, err := os.ReadFile(fitted)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := health.ParseConfig(data); err != nil {
		t.Fatalf("fitted scorecard: %v", err)
	}
	if err := json.Unmarshal(runArgs(t, "-health", fitted, "-format", "json"), &j); err != nil {
		t.Fatal(err)
	}
	t.Logf("fitted scorecard's AUC on the whole sample book %.4f", j.AUC)
}

func TestJSONKeys(t *testing.T) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(runArgs(t, append([]string{"-format", "json"}, userFiles...)...), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"n", "base_rate", "auc", "auc_low", "auc_high", "grades", "errors"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks the key %q", k)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "xml"}, `-format "xml"`},
		{[]string{"-customers", "testdata/snapshots.csv"}, "go together"},
		{[]string{"-bootstrap", "-1"}, "-bootstrap -1"},
		{[]string{"-folds", "1"}, "-folds 1"},
		{[]string{"-lead", "-5"}, "-lead -5"},
		{[]string{"-method", "spline"}, `-method "spline"`},
		{[]string{"-horizon", "-1"}, "-horizon -1"},
		// A file whose every row is bad lists its bad rows, not only "one class".
		{[]string{"-customers", "testdata/snapshots_all_bad.csv", "-outcomes", "testdata/outcomes.csv"}, "5 bad lines in the input files"},
		{[]string{"-asof", "2026-02-30"}, "-asof"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-health", "testdata/missing.json"}, "missing.json"},
		{[]string{"-compare", "testdata/missing.json"}, "missing.json"},
		{[]string{"-compare", "testdata/outcomes.csv"}, "testdata/outcomes.csv"},
		{append([]string{"-fit", "-profile", "nope"}, userFiles...), `profile "nope"`},
		{[]string{"-health", "testdata/outcomes.csv"}, "testdata/outcomes.csv"},
		{[]string{"-customers", "testdata/outcomes.csv", "-outcomes", "testdata/outcomes.csv"}, "outcomes.csv"},
		{[]string{"-customers", "testdata/snapshots.csv", "-outcomes", "testdata/snapshots.csv"}, "snapshots.csv"},
		{append([]string{"-fit"}, userFiles...), "-fit: health: fit:"},
		// A grade the scorecard does not have flagged nobody and reported precision 0.
		{[]string{"-flag", "red,purple"}, `-flag "purple"`},
		// A customers file without an as_of column was scored as of 0001-01-01.
		{[]string{"-customers", "testdata/customers_plain.csv", "-outcomes", "testdata/outcomes.csv", "-health", "testdata/scorecard.json"}, "-asof"},
	} {
		var out bytes.Buffer
		err := run(tc.args, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "backtest: ") {
			t.Errorf("run(%q) = %v, want a backtest: error containing %q", tc.args, err, tc.want)
		}
	}
}

// TestPlainCustomersAsOf checks that a customers file without an as_of column is
// scored as of -asof.
func TestPlainCustomersAsOf(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-customers", "testdata/customers_plain.csv", "-outcomes", "testdata/outcomes.csv", "-health", "testdata/scorecard.json", "-asof", "2026-05-31"}, &out)
	if err != nil {
		t.Fatalf("run = %v", err)
	}
	if !strings.Contains(out.String(), "Customers evaluated  6 ") {
		t.Errorf("run printed\n%s\nwant 6 customers evaluated", out.String())
	}
}

// -report writes one self-contained HTML page with the ROC, reliability and
// survival charts as inline SVG.
func TestReportHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	runArgs(t, "-calibrate", "-survival", "-report", path)
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{"<!DOCTYPE html>", `aria-label="ROC curve"`, `aria-label="Reliability"`, `aria-label="Survival by grade"`, "log-rank", "</html>"} {
		if !strings.Contains(s, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(s, "<script") || strings.Contains(s, "http://") && !strings.Contains(s, "http://www.w3.org/2000/svg") {
		t.Error("the report is not self-contained")
	}
	if n := strings.Count(s, "<svg"); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
}

// The bad rows of a file whose every row is bad are listed in the error.
func TestAllRowsBad(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-customers", "testdata/snapshots_all_bad.csv", "-outcomes", "testdata/outcomes.csv"}, &out)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"snapshots_all_bad.csv:2:", "snapshots_all_bad.csv:3:", "snapshots_all_bad.csv:4:", "snapshots_all_bad.csv:5:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not list %s:\n%v", want, err)
		}
	}
}
