package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
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
	cal                          *health.CalibrationResult
	calibratedJSON               []byte
	surv                         *health.SurvivalReport
	measures                     []string // the -out file's measure columns, "group/measure"
	o                            options
}

// scoredRow is one evaluated customer of the -out file.
type scoredRow struct {
	id      string
	score   float64
	grade   string
	unknown bool
	churned bool
	points  map[string]float64 // by "group/measure"; absent when the measure is missing
	churn   health.ChurnProbability
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
		return nil, fmt.Errorf("backtest: %w%s", err, badLines(in.readErrs))
	}
	rep.errs = slices.Clip(in.readErrs)
	for _, e := range rep.bt.Errors {
		rep.errs = append(rep.errs, in.locate(e))
	}
	outScorer := s
	if o.calibrate {
		if outScorer, err = calibrate(rep, in, o); err != nil {
			return nil, err
		}
	}
	if o.survival {
		sr, err := health.SurvivalByGrade(s, in.obs, in.outcomes, bo)
		if err != nil {
			return nil, fmt.Errorf("backtest: -survival: %w", err)
		}
		rep.surv = &sr
	}
	rep.measures = measureColumns(in.cfg)
	rep.scored = scoreLatest(outScorer, in.obs, in.outcomes)
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

// badLines lists the first bad lines of the input files (at most 10) for an error
// that ended the run: when every line is bad, the backtest alone can only say
// that nothing was left to evaluate.
func badLines(errs []error) string {
	if len(errs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d bad lines in the input files:", len(errs))
	for _, e := range errs[:min(len(errs), 10)] {
		fmt.Fprintf(&b, "\n  %v", e)
	}
	if len(errs) > 10 {
		fmt.Fprintf(&b, "\n  and %d more", len(errs)-10)
	}
	return b.String()
}

// calibrate fits the calibration, keeps its report and its scorecard, and
// returns the calibrated scorer for the -out file's probabilities.
func calibrate(rep *report, in *input, o options) (*health.Scorer, error) {
	horizon := o.horizon
	if horizon == 0 {
		if horizon = inferHorizon(in.obs, in.outcomes); horizon == 0 {
			return nil, errors.New("backtest: -calibrate: no retained customer has an outcome date to infer the horizon from: give -horizon DAYS")
		}
	}
	cr, err := health.Calibrate(in.cfg, in.obs, in.outcomes, health.CalibrateOptions{
		Method: o.method, HorizonDays: horizon, Profile: o.profile, Folds: o.folds, Seed: o.seed, Lead: o.lead,
	})
	if err != nil {
		return nil, fmt.Errorf("backtest: -calibrate: %w", err)
	}
	rep.cal = &cr
	compact, err := health.MarshalConfig(cr.Config)
	if err != nil {
		return nil, fmt.Errorf("backtest: -calibrate: %w", err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, compact, "", "  "); err != nil {
		return nil, fmt.Errorf("backtest: -calibrate: %w", err)
	}
	rep.calibratedJSON = append(buf.Bytes(), '\n')
	s, err := health.Compile(cr.Config)
	if err != nil {
		return nil, fmt.Errorf("backtest: -calibrate: %w", err)
	}
	return s, nil
}

// inferHorizon returns the longest follow-up of a retained customer: the days
// from its latest snapshot not after its outcome date to that date; 0 if no
// retained customer has a dated outcome.
func inferHorizon(obs []health.Observation, outs []health.Outcome) int {
	end := make(map[string]cs.Date, len(outs))
	for _, o := range outs {
		if !o.Churned && !o.Date.IsZero() {
			end[o.ID] = o.Date
		}
	}
	latest := map[string]cs.Date{}
	for i := range obs {
		id, d := obs[i].Customer.ID, obs[i].AsOf
		if e, ok := end[id]; ok && !d.After(e) && (latest[id].IsZero() || latest[id].Before(d)) {
			latest[id] = d
		}
	}
	h := 0
	for id, d := range latest {
		h = max(h, d.DaysUntil(end[id]))
	}
	return h
}

// measureColumns lists the measures of every profile as "group/measure", each
// once, in the canonical order (groups, then measures, by name).
func measureColumns(cfg health.Config) []string {
	type col struct{ group, measure string }
	var cols []col
	for _, p := range cfg.Profiles {
		for _, g := range p.Groups {
			for _, m := range g.Measures {
				if c := (col{g.Name, m.Name}); !slices.Contains(cols, c) {
					cols = append(cols, c)
				}
			}
		}
	}
	slices.SortFunc(cols, func(a, b col) int {
		if c := strings.Compare(a.group, b.group); c != 0 {
			return c
		}
		return strings.Compare(a.measure, b.measure)
	})
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.group + "/" + c.measure
	}
	return names
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
		row := scoredRow{id: id, score: r.Score, grade: r.Grade, unknown: r.Unknown, churned: outcome[id].Churned, churn: r.Churn, points: map[string]float64{}}
		for _, m := range r.Measures {
			if m.Status != health.StatusMissing {
				row.points[m.Group+"/"+m.Name] = m.Points
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// writeScored writes id,score,grade,churned, then each measure's points (empty
// when missing), then with a calibration the churn probability and its
// interval; an Unknown score is empty.
func writeScored(w io.Writer, r *report) error {
	cw := csv.NewWriter(w)
	header := append([]string{"id", "score", "grade", "churned"}, r.measures...)
	if r.cal != nil {
		header = append(header, "p_churn", "p_churn_low", "p_churn_high")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	f2 := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	for _, row := range r.scored {
		score := ""
		if !row.unknown {
			score = f2(row.score)
		}
		churned := "0"
		if row.churned {
			churned = "1"
		}
		rec := []string{row.id, score, row.grade, churned}
		for _, m := range r.measures {
			v, ok := row.points[m]
			if ok {
				rec = append(rec, f2(v))
			} else {
				rec = append(rec, "")
			}
		}
		if r.cal != nil {
			if row.churn.IsZero() {
				rec = append(rec, "", "", "")
			} else {
				f4 := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
				rec = append(rec, f4(row.churn.P), f4(row.churn.Low), f4(row.churn.High))
			}
		}
		if err := cw.Write(rec); err != nil {
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
	p("                     the chance that a churner scores below a retained customer\n")
	writeGroupAUCs(w, "segment", bt.Segments)
	writeGroupAUCs(w, "profile", bt.Profiles)
	p("\n")
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
		p("  AUC cross-validated           %.3f (95%% interval %.3f to %.3f, fold-based; folds", f.CVAUC, f.CVInterval.Low, f.CVInterval.High)
		for _, a := range f.FoldAUC {
			p(" %.3f", a)
		}
		p(")\n")
		if !f.Converged {
			p("  the solver did not converge (%s): the weights are its best iterate\n", f.Reason)
		}
		p("  %-12s %-20s %8s %8s  %s\n", "group", "measure", "before", "after", "AUC alone")
		for _, m := range f.Weights {
			alone := "-"
			if m.UnivariateAUC != nil {
				alone = fmt.Sprintf("%.3f", *m.UnivariateAUC)
			}
			p("  %-12s %-20s %7.2f%% %7.2f%%  %s", m.Group, m.Measure, m.Before, m.After, alone)
			if m.Reversed {
				p("  looks reversed: churners score higher on it")
			}
			p("\n")
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
	if r.cal != nil {
		writeCalibration(w, r.cal)
	}
	if r.surv != nil {
		writeSurvival(w, r.surv)
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
	Segments    []health.GroupAUC `json:"segments,omitempty"`
	Profiles    []health.GroupAUC `json:"profiles,omitempty"`
	Calibration *jsonCalibration  `json:"calibration,omitempty"`
	Survival    *jsonSurvival     `json:"survival,omitempty"`
}

// jsonCalibration is the -calibrate part of the JSON report (the calibrated
// scorecard itself goes to -calibrated).
type jsonCalibration struct {
	Profile        string                   `json:"profile"`
	Calibration    health.Calibration       `json:"calibration"`
	Rows           int                      `json:"rows"`
	Churners       int                      `json:"churners"`
	Intercept      *health.Interval         `json:"intercept,omitempty"`
	Slope          *health.Interval         `json:"slope,omitempty"`
	InSample       health.CalibrationReport `json:"in_sample"`
	CrossValidated health.CalibrationReport `json:"cross_validated"`
	Optimism       float64                  `json:"optimism"`
}

// jsonSurvival is the -survival part of the JSON report.
type jsonSurvival struct {
	health.SurvivalReport
	Errors int `json:"errors"` // records the survival analysis rejected (listed with the backtest's)
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
	j.Segments, j.Profiles = bt.Segments, bt.Profiles
	if c := r.cal; c != nil {
		j.Calibration = &jsonCalibration{Profile: c.Profile, Calibration: c.Calibration, Rows: c.Rows, Churners: c.Churners,
			Intercept: c.Intercept, Slope: c.Slope, InSample: c.InSample, CrossValidated: c.CrossValidated, Optimism: c.Optimism}
	}
	if sv := r.surv; sv != nil {
		j.Survival = &jsonSurvival{SurvivalReport: *sv, Errors: len(sv.Errors)}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

// writeGroupAUCs prints the AUC within each segment or profile, when there is
// more than one.
func writeGroupAUCs(w io.Writer, what string, gs []health.GroupAUC) {
	if len(gs) < 2 {
		return
	}
	fmt.Fprintf(w, "AUC by %s:\n", what)
	for _, g := range gs {
		name := g.Name
		if name == "" {
			name = "(none)"
		}
		if g.AUC == nil {
			fmt.Fprintf(w, "  %-18s %5d customers, %4d churned: no AUC (%s)\n", name, g.N, g.Churners, g.Note)
			continue
		}
		if g.Note != "" {
			fmt.Fprintf(w, "  %-18s %5d customers, %4d churned: %.3f (%s)\n", name, g.N, g.Churners, g.AUC.Estimate, g.Note)
			continue
		}
		fmt.Fprintf(w, "  %-18s %5d customers, %4d churned: %.3f (95%% interval %.3f to %.3f)\n", name, g.N, g.Churners, g.AUC.Estimate, g.AUC.Low, g.AUC.High)
	}
}

// writeCalibration prints the calibration, its quality in sample and
// cross-validated, and the cross-validated reliability table.
func writeCalibration(w io.Writer, c *health.CalibrationResult) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	cal := c.Calibration
	p("\nCalibration of profile %q (%s) on %d customers (%d churned): the probability of churn within %d days\n",
		c.Profile, cal.Method, c.Rows, c.Churners, cal.HorizonDays)
	if c.Intercept != nil {
		p("  P = 1 / (1 + exp(−(a + b·score))), a = %.4f (95%% interval %.4f to %.4f), b = %.5f (%.5f to %.5f)\n",
			c.Intercept.Estimate, c.Intercept.Low, c.Intercept.High, c.Slope.Estimate, c.Slope.Low, c.Slope.High)
	} else {
		p("  %d steps from score %.2f to %.2f, probability %.3f down to %.3f\n", len(cal.Steps),
			cal.Steps[0].From, cal.Steps[len(cal.Steps)-1].To, cal.Steps[0].P, cal.Steps[len(cal.Steps)-1].P)
	}
	for _, score := range []float64{25, 50, 75, 90} {
		p("  score %3.0f: %s\n", score, cal.Probability(score))
	}
	p("  %-16s %7s %12s %11s %12s %7s\n", "", "Brier", "reliability", "resolution", "uncertainty", "ECE")
	for _, row := range []struct {
		name string
		m    health.CalibrationReport
	}{{"in sample", c.InSample}, {"cross-validated", c.CrossValidated}} {
		p("  %-16s %7.4f %12.4f %11.4f %12.4f %7.4f\n", row.name, row.m.Brier, row.m.Reliability, row.m.Resolution, row.m.Uncertainty, row.m.ECE)
	}
	p("  optimism (cross-validated − in-sample Brier): %+.4f; within-bin terms %.4f − %.4f\n",
		c.Optimism, c.CrossValidated.WithinBinVariance, c.CrossValidated.WithinBinCovariance)
	p("  reliability of the cross-validated probabilities (deciles):\n")
	p("  %-15s %9s  %-24s %9s %8s\n", "predicted", "mean", "observed (95%)", "customers", "churned")
	for _, b := range c.CrossValidated.Bins {
		p("  %-15s %9.3f  %-24s %9d %8d\n", fmt.Sprintf("%.3f–%.3f", b.MinPredicted, b.MaxPredicted), b.MeanPredicted,
			fmt.Sprintf("%s (%s–%s)", pct(b.Observed), pct(b.Low), pct(b.High)), b.N, b.Positives)
	}
}

// survivalDays are the days at which the text report reads the survival curves.
func survivalDays(horizon float64) []float64 {
	var ds []float64
	for d := 30.0; d <= horizon; d += 30 {
		ds = append(ds, d)
	}
	return ds
}

// writeSurvival prints the survival by grade, the log-rank test and Harrell's C.
func writeSurvival(w io.Writer, s *health.SurvivalReport) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	horizon := 0.0
	for _, c := range s.Curves {
		if n := len(c.Points); n > 0 {
			horizon = max(horizon, c.Points[n-1].Time)
		}
	}
	days := survivalDays(horizon)
	p("\nSurvival by grade after the evaluated snapshot (Kaplan–Meier, %s 95%% intervals; %d customers, %d churned)\n", s.Interval, s.N, s.Churners)
	p("  %-8s %9s %7s", "grade", "customers", "churned")
	for _, d := range days {
		p("  %-19s", fmt.Sprintf("day %.0f", d))
	}
	p("  median\n")
	for _, c := range s.Curves {
		p("  %-8s %9d %7d", c.Group, c.N, c.Events)
		for _, d := range days {
			pt := c.At(d)
			p("  %-19s", fmt.Sprintf("%.3f (%.3f–%.3f)", pt.Survival, pt.Low, pt.High))
		}
		if c.Median == nil {
			p("  not reached")
		} else {
			p("  %.0f days", *c.Median)
		}
		p("\n")
	}
	lr := s.LogRank
	if lr.DF > 0 {
		p("  log-rank test of equal survival: χ² = %.2f on %d df, p = %.3g\n", lr.ChiSquare, lr.DF, lr.P)
	}
	if c := s.Concordance; c != nil {
		p("  Harrell's C of the score against the time to churn: %.3f (%d comparable pairs)\n", c.C, c.Comparable)
	}
}
