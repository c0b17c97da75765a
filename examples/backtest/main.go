// Command backtest answers "does your health score predict churn?": it scores past
// snapshots of a book with a health scorecard and checks the scores against what
// happened next. With no flags it runs on the sample book of package samplebook
// (2,000 customers, 24 monthly snapshots, seed 1, as of 2026-06-30, churn over the
// following 6 months), scored with health.SampleConfig:
//
//	go run ./examples/backtest
//
// It prints the AUC of the score for predicting churn with its 95% interval
// (DeLong's analytic interval, or a seeded bootstrap with -bootstrap), the grade
// table (accounts, churners, churn rate with its Wilson interval, lift over the base
// rate, MRR and MRR at risk per currency), the precision, recall and lift of the
// flagged grades, how many days before churn the churners first entered a flagged
// grade (from their snapshot history), a thinned ROC curve and every rejected
// record. With -fit it also learns the scorecard's weights from the same data
// (health.Fit) and prints them beside the in-sample and cross-validated AUC.
//
// With -calibrate it maps the score to a probability of churn within the outcomes'
// horizon (health.Calibrate: Platt scaling, or isotonic with -method isotonic) and
// prints the fitted curve, the Brier score with its decomposition and the
// expected calibration error in sample and cross-validated, and the reliability
// table of the cross-validated probabilities. With -survival it prints how long
// the customers of each grade stayed after their evaluated snapshot
// (health.SurvivalByGrade: Kaplan–Meier curves with Greenwood intervals, median
// lifetimes, the log-rank test between grades and Harrell's C of the score).
//
// Flags:
//
//	-customers file.csv  the snapshots to score: the cs customers CSV layout, with an
//	                     optional leading as_of column (YYYY-MM-DD) for monthly
//	                     snapshots (the sample book's snapshots.csv); requires -outcomes
//	-outcomes file.csv   the outcomes: id,churned[,date] with churned 0/1/true/false
//	-asof YYYY-MM-DD     the date of a plain customers file (no as_of column)
//	-health file.json    the scorecard (default: health.SampleConfig())
//	-compare file.json   also backtest this second scorecard on the same customers and
//	                     print the difference of the AUCs with its paired 95% interval
//	-flag red,yellow     the grades read as a churn flag (default: the lowest grade)
//	-lead DAYS           evaluate scores taken at least DAYS before each outcome date
//	                     (default 0: the latest snapshot not after the outcome)
//	-bootstrap N         a stratified bootstrap interval with N replicates (default:
//	                     DeLong's analytic interval)
//	-fit                 learn the weights of the scorecard's busiest profile
//	-profile NAME        fit this profile instead
//	-fitted file.json    write the fitted scorecard there (implies -fit)
//	-seed N              the seed of the bootstrap and of the fit's folds (default 1)
//	-folds K             the fit's cross-validation folds (default 5)
//	-calibrate           fit and measure a churn-probability calibration
//	-method platt|isotonic  the calibration's method (default platt)
//	-horizon DAYS        the horizon the probability is stated for (default: the
//	                     longest follow-up of a retained customer, 184 days on the
//	                     sample book)
//	-calibrated file.json  write the scorecard with its calibration (implies -calibrate)
//	-survival            Kaplan–Meier curves by grade, log-rank test, Harrell's C
//	-out scored.csv      write id,score,grade,churned and each measure's points
//	                     (a column per group/measure) for every evaluated customer,
//	                     and the churn probability with -calibrate
//	-report file.html    also write the report as a self-contained HTML page with
//	                     SVG charts (ROC; reliability with -calibrate; survival
//	                     curves with -survival)
//	-format text|json    a readable report (default) or one JSON object
//
// Each customer is evaluated on its latest snapshot not dated after its outcome;
// its earlier snapshots are its history. In the sample book the customers that
// left before the book date have no outcome: the program leaves them out and says
// how many. With a user's files every bad record is reported and the others are
// still used. The output depends only on the flags and the input: the program
// never reads the clock.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// options are the parsed flags.
type options struct {
	customers, outcomes, health string
	compare, profile            string
	asof                        cs.Date
	flag                        []string
	bootstrap, lead             int
	fit                         bool
	fitted                      string
	seed                        uint64
	folds                       int
	out                         string
	format                      string
	calibrate, survival         bool
	method                      health.CalibrationMethod
	horizon                     int
	calibrated, report          string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("backtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.customers, "customers", "", "snapshots or customers CSV (cs layout, optional leading as_of column)")
	fs.StringVar(&o.outcomes, "outcomes", "", "outcomes CSV: id,churned[,date]")
	asof := fs.String("asof", "", "date of a plain customers file, YYYY-MM-DD")
	fs.StringVar(&o.health, "health", "", "scorecard JSON (default: the sample scorecard)")
	fs.StringVar(&o.compare, "compare", "", "a second scorecard JSON to compare with the first on the same customers")
	fs.StringVar(&o.profile, "profile", "", "the profile to fit (default: the one scoring the most customers)")
	flagGrades := fs.String("flag", "", "comma-separated grades read as a churn flag (default: the lowest grade)")
	fs.IntVar(&o.bootstrap, "bootstrap", 0, "bootstrap replicates for the AUC interval (0: DeLong)")
	fs.IntVar(&o.lead, "lead", 0, "evaluate scores taken at least this many days before each outcome")
	fs.BoolVar(&o.fit, "fit", false, "fit the scorecard's weights")
	fs.StringVar(&o.fitted, "fitted", "", "write the fitted scorecard JSON to this file (implies -fit)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the bootstrap and of the fit's folds")
	fs.IntVar(&o.folds, "folds", 5, "cross-validation folds of the fit")
	fs.StringVar(&o.out, "out", "", "write id,score,grade,churned and each measure's points per evaluated customer to this CSV file")
	fs.BoolVar(&o.calibrate, "calibrate", false, "fit and measure a churn-probability calibration of the score")
	method := fs.String("method", "platt", "calibration method: platt or isotonic")
	fs.IntVar(&o.horizon, "horizon", 0, "days the churn probability covers (0: the longest follow-up of a retained customer)")
	fs.StringVar(&o.calibrated, "calibrated", "", "write the calibrated scorecard JSON to this file (implies -calibrate)")
	fs.BoolVar(&o.survival, "survival", false, "Kaplan–Meier survival curves by grade, log-rank test and Harrell's C")
	fs.StringVar(&o.report, "report", "", "also write the report as a self-contained HTML page with SVG charts to this file")
	fs.StringVar(&o.format, "format", "text", "text or json")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("backtest: unexpected argument %q", fs.Arg(0))
	}
	if *asof != "" {
		d, err := cs.ParseDate(*asof)
		if err != nil {
			return o, fmt.Errorf("backtest: -asof: %w", err)
		}
		o.asof = d
	}
	if *flagGrades != "" {
		for _, g := range strings.Split(*flagGrades, ",") {
			if g = strings.TrimSpace(g); g != "" {
				o.flag = append(o.flag, g)
			}
		}
	}
	switch {
	case o.format != "text" && o.format != "json":
		return o, fmt.Errorf("backtest: -format %q: want text or json", o.format)
	case (o.customers == "") != (o.outcomes == ""):
		return o, errors.New("backtest: -customers and -outcomes go together")
	case o.bootstrap < 0:
		return o, fmt.Errorf("backtest: -bootstrap %d: want ≥ 0", o.bootstrap)
	case o.lead < 0:
		return o, fmt.Errorf("backtest: -lead %d: want ≥ 0", o.lead)
	case o.folds < 2:
		return o, fmt.Errorf("backtest: -folds %d: want ≥ 2", o.folds)
	case *method != string(health.CalibrationPlatt) && *method != string(health.CalibrationIsotonic):
		return o, fmt.Errorf("backtest: -method %q: want platt or isotonic", *method)
	case o.horizon < 0:
		return o, fmt.Errorf("backtest: -horizon %d: want ≥ 0", o.horizon)
	}
	o.method = health.CalibrationMethod(*method)
	if o.fitted != "" {
		o.fit = true
	}
	if o.calibrated != "" {
		o.calibrate = true
	}
	return o, nil
}

// run is the program, with its arguments and output as parameters so that the
// golden tests run it in-process.
func run(args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	in, err := load(o)
	if err != nil {
		return err
	}
	rep, err := analyse(in, o)
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := writeFile(o.out, func(w io.Writer) error { return writeScored(w, rep) }); err != nil {
			return err
		}
	}
	if o.fitted != "" && rep.fit != nil {
		if err := writeFile(o.fitted, func(w io.Writer) error { _, err := w.Write(rep.fittedJSON); return err }); err != nil {
			return err
		}
	}
	if o.calibrated != "" && rep.cal != nil {
		if err := writeFile(o.calibrated, func(w io.Writer) error { _, err := w.Write(rep.calibratedJSON); return err }); err != nil {
			return err
		}
	}
	if o.report != "" {
		if err := writeFile(o.report, func(w io.Writer) error { return writeHTML(w, rep) }); err != nil {
			return err
		}
	}
	if o.format == "json" {
		return writeJSON(stdout, rep)
	}
	return writeText(stdout, rep)
}

// writeFile creates path and writes it with write, reporting the first error.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("backtest: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("backtest: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backtest: %w", err)
	}
	return nil
}
