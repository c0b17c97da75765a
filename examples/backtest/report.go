package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// report is everything the program prints.
type report struct {
	source, cfgName, fingerprint string
	leftOut                      int
	bt                           health.BacktestReport
	errs                         []error // bad lines of the files, then the backtest's rejected records
	scored                       []scoredRow
	fit                          *health.FitResult
	fitErrs                      int
	cmp                          *health.Comparison
	fittedJSON                   []byte
	o                            options
}

// scoredRow is one evaluated customer of the -out file.
type scoredRow struct {
	id      string
	score   float64
	grade   string
	unknown bool
	churned bool
}

// checkFlag refuses a -flag grade that no profile of cfg can give: it would flag
// nobody and report a precision and recall of 0 as if measured.
func checkFlag(flag []string, cfg health.Config) error {
	var labels []string
	for i := range cfg.Profiles {
		for _, b := range cfg.Profiles[i].GradeScheme().Bands {
			if !slices.Contains(labels, b.Label) {
				labels = append(labels, b.Label)
			}
		}
	}
	for _, g := range flag {
		if !slices.Contains(labels, g) {
			return fmt.Errorf("backtest: -flag %q: not a grade of the scorecard (%s)", g, strings.Join(labels, ", "))
		}
	}
	return nil
}

func analyse(in *input, o options) (*report, error) {
	s, err := health.Compile(in.cfg)
	if err != nil {
		return nil, fmt.Errorf("backtest: %s: %w", in.cfgName, err)
	}
	rep := &report{source: in.source, cfgName: in.cfgName, fingerprint: s.Fingerprint(), leftOut: in.leftOut, o: o}
	if err := checkFlag(o.flag, in.cfg); err != nil {
		return nil, err
	}
	bo := health.BacktestOptions{Flag: o.flag, BootstrapReps: o.bootstrap, Seed: o.seed, Lead: o.lead}
	if rep.bt, err = health.Backtest(s, in.obs, in.outcomes, bo); err != nil {
		return nil, fmt.Errorf("backtest: %w", err)
	}
	rep.errs = slices.Clip(in.readErrs)
	for _, e := range rep.bt.Errors {
		rep.errs = append(rep.errs, in.locate(e))
	}
	rep.scored = scoreLatest(s, in.obs, in.outcomes)
	if in.other != nil {
		b, err := health.Compile(*in.other)
		if err != nil {
			return nil, fmt.Errorf("backtest: %s: %w", o.compare, err)
		}
		c, err := health.Compare(s, b, in.obs, in.outcomes, bo)
		if err != nil {
			return nil, fmt.Errorf("backtest: -compare: %w", err)
		}
		rep.cmp = &c
	}
	if o.fit {
		fr, err := health.Fit(in.cfg, in.obs, in.outcomes, health.FitOptions{Profile: o.profile, Seed: o.seed, Folds: o.folds, Lead: o.lead})
		if err != nil {
			return nil, fmt.Errorf("backtest: -fit: %w", err)
		}
		rep.fit, rep.fitErrs = &fr, len(fr.Errors)
		compact, err := health.MarshalConfig(fr.Config)
		if err != nil {
			return nil, fmt.Errorf("backtest: -fit: %w", err)
		}
		var buf bytes.Buffer // indented, for people to read and edit
		if err := json.Indent(&buf, compact, "", "  "); err != nil {
			return nil, fmt.Errorf("backtest: -fit: %w", err)
		}
		rep.fittedJSON = append(buf.Bytes(), '\n')
	}
	return rep, nil
}

// scoreLatest scores each customer with an outcome on its latest snapshot not
// dated after the outcome, in ID order (the rows the backtest evaluates; records
// it rejects are left out here too).
func scoreLatest(s *health.Scorer, obs []health.Observation, outs []health.Outcome) []scoredRow {
	outcome := make(map[string]health.Outcome, len(outs))
	for _, o := range outs {
		if _, dup := outcome[o.ID]; !dup && o.ID != "" {
			outcome[o.ID] = o
		}
	}
	latest := make(map[string]int)
	for i := range obs {
		o, ok := outcome[obs[i].Customer.ID]
		if !ok || (!o.Date.IsZero() && o.Date.Before(obs[i].AsOf)) {
			continue
		}
		if b, seen := latest[o.ID]; !seen || obs[b].AsOf.Before(obs[i].AsOf) {
			latest[o.ID] = i
		}
	}
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rows := make([]scoredRow, 0, len(ids))
	for _, id := range ids {
		ob := &obs[latest[id]]
		r, err := s.Score(&ob.Customer, ob.AsOf)
		if err != nil {
			continue // reported by the backtest
		}
		rows = append(rows, scoredRow{id: id, score: r.Score, grade: r.Grade, unknown: r.Unknown, churned: outcome[id].Churned})
	}
	return rows
}

// writeScored writes id,score,grade,churned; an Unknown score is empty.
func writeScored(w io.Writer, rows []scoredRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "score", "grade", "churned"}); err != nil {
		return err
	}
	for _, r := range rows {
		score := ""
		if !r.unknown {
			score = strconv.FormatFloat(r.score, 'f', 2, 64)
		}
		churned := "0"
		if r.churned {
			churned = "1"
		}
		if err := cw.Write([]string{r.id, score, r.grade, churned}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// rocPoints keeps at most max points of a ROC curve, evenly spaced by index, with
// the first and the last.
func rocPoints(pts []health.ROCPoint, max int) []health.ROCPoint {
	if len(pts) <= max {
		return pts
	}
	out := make([]health.ROCPoint, max)
	for k := range max {
		out[k] = pts[k*(len(pts)-1)/(max-1)]
	}
	return out
}

// quantile is the Hyndman–Fan definition 7 quantile of sorted days.
func quantile(days []int, p float64) float64 {
	if len(days) == 0 {
		return 0
	}
	h := float64(len(days)-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= len(days) {
		return float64(days[lo])
	}
	return float64(days[lo]) + (h-float64(lo))*float64(days[lo+1]-days[lo])
}

func moneyList(ms []cs.Money) string {
	if len(ms) == 0 {
		return "-"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, " + ")
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

func writeText(w io.Writer, r *report) error {
	bt := &r.bt
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("Backtest of %s (fingerprint %s)\non %s\n", r.cfgName, r.fingerprint, r.source)
	if r.leftOut > 0 {
		p("(%d customers that left before the book date have no outcome and are left out)\n", r.leftOut)
	}
	if r.o.lead > 0 {
		p("(scores taken at least %d days before each outcome: %d later snapshots left out, %d customers with none that early)\n",
			r.o.lead, bt.Excluded, bt.TooLate)
	}
	p("\n")
	p("Customers evaluated  %d (%d churned, base rate %s; %d with an Unknown score)\n", bt.N, bt.Churners, pct(bt.BaseRate), bt.Unknown)
	p("AUC                  %.3f (95%% interval %.3f to %.3f, %s)\n", bt.AUC.Estimate, bt.AUC.Low, bt.AUC.High, bt.AUC.Method)
	p("                     the chance that a churner scores below a retained customer\n\n")
	p("%-8s %8s %8s  %-21s %5s  %s\n", "grade", "accounts", "churners", "churn rate (95%)", "lift", "MRR / MRR of churners")
	for _, g := range bt.Grades {
		label := g.Grade
		if label == "" {
			label = "unknown"
		}
		p("%-8s %8d %8d  %-21s %5.2f  %s / %s\n", label, g.Accounts, g.Churners,
			fmt.Sprintf("%s (%s–%s)", pct(g.ChurnRate), pct(g.ChurnLow), pct(g.ChurnHigh)), g.Lift, moneyList(g.MRR), moneyList(g.ChurnedMRR))
	}
	p("\nFlag %s: precision %s, recall %s, lift %.2f (TP %d, FP %d, FN %d, TN %d)\n",
		strings.Join(bt.Flag, "+"), pct(bt.Precision), pct(bt.Recall), bt.Lift, bt.FlagConf.TP, bt.FlagConf.FP, bt.FlagConf.FN, bt.FlagConf.TN)
	lt := bt.LeadTime
	p("Lead time: %d churners with a history; %d flagged at their last snapshot, %d not\n", lt.Churners, lt.Flagged, lt.NeverFlagged)
	if len(lt.Days) > 0 {
		p("  days from entering the flag to churn: median %.0f, quartiles %.0f–%.0f, range %d–%d\n",
			lt.Median, quantile(lt.Days, 0.25), quantile(lt.Days, 0.75), lt.Days[0], lt.Days[len(lt.Days)-1])
	}
	p("\nROC (flag every score ≤ threshold):\n  %9s %6s %6s\n", "threshold", "FPR", "TPR")
	for _, pt := range rocPoints(bt.ROC, 11) {
		p("  %9s %6.3f %6.3f\n", threshold(pt.Threshold), pt.FPR, pt.TPR)
	}
	if c := r.cmp; c != nil {
		p("\nCompared with %s on the same %d customers:\n", r.o.compare, c.B.N)
		p("  AUC %.3f here, %.3f there: difference %+.3f (95%% interval %+.3f to %+.3f, paired %s)\n",
			c.A.AUC.Estimate, c.B.AUC.Estimate, c.Diff.Estimate, c.Diff.Low, c.Diff.High, c.Diff.Method)
		p("  its flag %s: precision %s, recall %s, lift %.2f\n", strings.Join(c.B.Flag, "+"), pct(c.B.Precision), pct(c.B.Recall), c.B.Lift)
	}
	if r.fit != nil {
		f := r.fit
		p("\nFit of profile %q on %d customers (%d churned), %d-fold cross-validation, seed %d\n", f.Profile, f.Rows, f.Churners, len(f.FoldAUC), r.o.seed)
		p("  AUC of the input profile      %.3f\n", f.BaselineAUC)
		p("  AUC in sample                 %.3f (fitted config as scored: %.3f)\n", f.InSampleAUC, f.ConfigAUC)
		p("  AUC cross-validated           %.3f (folds", f.CVAUC)
		for _, a := range f.FoldAUC {
			p(" %.3f", a)
		}
		p(")\n  %-12s %-20s %8s %8s\n", "group", "measure", "before", "after")
		for _, m := range f.Weights {
			p("  %-12s %-20s %7.2f%% %7.2f%%\n", m.Group, m.Measure, m.Before, m.After)
		}
		if len(f.NoData) > 0 {
			p("  no value on any row, weight 0: %s\n", strings.Join(f.NoData, ", "))
		}
		if f.Imputed > 0 {
			p("  %d missing measure values imputed by their mean for the fit\n", f.Imputed)
		}
		if r.o.fitted != "" {
			p("  fitted scorecard written to %s\n", r.o.fitted)
		}
	}
	if len(r.errs) > 0 {
		p("\n%d rejected records (the others were used):\n", len(r.errs))
		for _, e := range r.errs {
			p("  %v\n", e)
		}
	}
	return nil
}

func threshold(t float64) string {
	if math.IsInf(t, 0) {
		return "none"
	}
	return strconv.FormatFloat(t, 'f', 2, 64)
}

// jsonReport is the -format json object.
type jsonReport struct {
	Scorecard   string            `json:"scorecard"`
	Fingerprint string            `json:"fingerprint"`
	Source      string            `json:"source"`
	LeftOut     int               `json:"left_out,omitempty"`
	Lead        int               `json:"lead,omitempty"`
	Excluded    int               `json:"excluded,omitempty"`
	TooLate     int               `json:"too_late,omitempty"`
	N           int               `json:"n"`
	Churners    int               `json:"churners"`
	BaseRate    float64           `json:"base_rate"`
	Unknown     int               `json:"unknown"`
	AUC         float64           `json:"auc"`
	AUCLow      float64           `json:"auc_low"`
	AUCHigh     float64           `json:"auc_high"`
	AUCMethod   string            `json:"auc_method"`
	Grades      []health.GradeRow `json:"grades"`
	Flag        []string          `json:"flag"`
	Precision   float64           `json:"precision"`
	Recall      float64           `json:"recall"`
	Lift        float64           `json:"lift"`
	LeadTime    health.LeadTime   `json:"lead_time"`
	ROC         []jsonPoint       `json:"roc"`
	Errors      []string          `json:"errors"`
	FitAUC      *float64          `json:"fit_auc,omitempty"`
	CVAUC       *float64          `json:"cv_auc,omitempty"`
	Fit         *health.FitResult `json:"fit,omitempty"`
	Compare     *jsonCompare      `json:"compare,omitempty"`
}

// jsonCompare is the -compare part of the JSON report.
type jsonCompare struct {
	Scorecard string          `json:"scorecard"`
	AUC       float64         `json:"auc"`
	Diff      health.Interval `json:"auc_difference"` // the main scorecard's AUC minus this one's
	Precision float64         `json:"precision"`
	Recall    float64         `json:"recall"`
}

type jsonPoint struct {
	Threshold *float64 `json:"threshold"` // null for the point that flags nobody
	FPR       float64  `json:"fpr"`
	TPR       float64  `json:"tpr"`
}

func writeJSON(w io.Writer, r *report) error {
	bt := &r.bt
	j := jsonReport{
		Scorecard: r.cfgName, Fingerprint: r.fingerprint, Source: r.source, LeftOut: r.leftOut,
		Lead: r.o.lead, Excluded: bt.Excluded, TooLate: bt.TooLate,
		N: bt.N, Churners: bt.Churners, BaseRate: bt.BaseRate, Unknown: bt.Unknown,
		AUC: bt.AUC.Estimate, AUCLow: bt.AUC.Low, AUCHigh: bt.AUC.High, AUCMethod: bt.AUC.Method,
		Grades: bt.Grades, Flag: bt.Flag, Precision: bt.Precision, Recall: bt.Recall, Lift: bt.Lift,
		LeadTime: bt.LeadTime, Errors: []string{},
	}
	for _, pt := range rocPoints(bt.ROC, 21) {
		jp := jsonPoint{FPR: pt.FPR, TPR: pt.TPR}
		if !math.IsInf(pt.Threshold, 0) {
			t := pt.Threshold
			jp.Threshold = &t
		}
		j.ROC = append(j.ROC, jp)
	}
	for _, e := range r.errs {
		j.Errors = append(j.Errors, e.Error())
	}
	if c := r.cmp; c != nil {
		j.Compare = &jsonCompare{Scorecard: r.o.compare, AUC: c.B.AUC.Estimate, Diff: c.Diff, Precision: c.B.Precision, Recall: c.B.Recall}
	}
	if f := r.fit; f != nil {
		j.FitAUC, j.CVAUC, j.Fit = &f.InSampleAUC, &f.CVAUC, f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}
