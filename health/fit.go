package health

import (
	"fmt"
	"math"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/stats"
)

// FitOptions configure Fit. The zero value fits the busiest profile with 5 folds,
// seed 0 and stats' default L2 penalty.
type FitOptions struct {
	// Profile names the profile whose weights are learned; "" means the profile
	// that scores the most evaluated customers (the first in profile order on a
	// tie). The other profiles are returned unchanged.
	Profile string
	// Seed seeds the assignment of customers to cross-validation folds.
	Seed uint64
	// Folds is the k of the k-fold cross-validation; 0 means 5, otherwise ≥ 2.
	Folds int
	// Lambda is the L2 penalty on the weights of the mean log-loss; 0 means 1e-4,
	// negative is an error.
	Lambda float64
	// Lead, in days, learns from scores taken at least Lead days before each
	// outcome date, as BacktestOptions.Lead; 0 takes the latest observation not
	// after the outcome.
	Lead int
}

// FittedWeight is one measure's weight before and after a fit, as a share of the
// overall score in percent (its group's share × its share within the group) when
// every measure is present.
type FittedWeight struct {
	Group   string  `json:"group"`
	Measure string  `json:"measure"`
	Before  float64 `json:"before"`
	After   float64 `json:"after"`
	// UnivariateAUC is the AUC of the measure's points alone (a low value
	// predicting churn) on the rows where it has a value; nil when it has none
	// or one class only.
	UnivariateAUC *float64 `json:"univariate_auc,omitempty"`
	// Reversed flags a measure the fit weighs 0 whose UnivariateAUC is below 0.5:
	// it looks reversed, churners score higher on it, so its curve probably runs
	// the wrong way (a weight cannot be negative).
	Reversed bool `json:"reversed,omitempty"`
}

// FitResult is the outcome of Fit.
type FitResult struct {
	// Config is the input configuration with the fitted profile's weights replaced
	// by the learned ones: an ordinary, editable Config (curves, vetoes, grades and
	// the other profiles unchanged). Measure weights are percents of the overall
	// score rounded to 0.01; each group's weight is the sum of its measures'. A
	// group whose measures all learn 0 gets weight 0 and keeps its measure weights.
	Config  Config `json:"config"`
	Profile string `json:"profile"` // the profile fitted
	// Rows and Churners count the customers the fit learned from: one row per
	// customer scored by the profile, on its latest observation not after its
	// outcome.
	Rows     int            `json:"rows"`
	Churners int            `json:"churners"`
	Weights  []FittedWeight `json:"weights"` // in canonical order (group, then measure name)
	// InSampleAUC is the AUC of the fitted model on the rows it learned from;
	// CVAUC the mean of its k-fold cross-validated AUCs (FoldAUC, by fold), the
	// estimate of how it ranks customers it has not seen, and CVInterval that
	// mean with a fold-based 95% interval (mean ± t·sd/√k; the folds share their
	// training rows, so read it as a lower bound of the uncertainty).
	InSampleAUC float64   `json:"in_sample_auc"`
	CVAUC       float64   `json:"cv_auc"`
	CVInterval  Interval  `json:"cv_interval"`
	FoldAUC     []float64 `json:"fold_auc"`
	// BaselineAUC is the input profile's AUC and ConfigAUC the fitted Config's, both
	// scored by this package (with its missing-value rules) on the same rows; rows
	// with an Unknown score are left out of each; 0 when the known rows hold one
	// class only.
	BaselineAUC float64 `json:"baseline_auc"`
	ConfigAUC   float64 `json:"config_auc"`
	// Converged reports that the solver met its tolerance; otherwise Reason says
	// what stopped it ("stalled" or "max_iter") and the weights are its best
	// iterate.
	Converged bool   `json:"converged"`
	Reason    string `json:"reason"`
	// NoData lists the measures ("group/measure") with no value on any row: they
	// learn weight 0.
	NoData []string `json:"no_data,omitempty"`
	// Excluded counts the observations left out by FitOptions.Lead, and TooLate
	// the customers left with none.
	Excluded int `json:"excluded,omitempty"`
	TooLate  int `json:"too_late,omitempty"`
	// Imputed counts missing measure points replaced by their measure's mean for
	// the fit (the scorecard itself redistributes missing weight); the
	// cross-validation imputes with the means of each fold's training rows only.
	Imputed int `json:"imputed"`
	// Errors lists one error per rejected record; the others were used.
	Errors []error `json:"-"`
}

// Fit learns the measure weights of one profile of cfg from observations and
// outcomes, by L2-regularised logistic regression of churn on the measures'
// shortfalls (100 − points)/100 with non-negative coefficients (Bertsekas'
// projected Newton method). Because a weighted mean of points with weights
// proportional to the coefficients ranks customers exactly as the model's risk
// does, the normalised coefficients are the scorecard's weights. The curves (ramp
// thresholds, bands, steps) are kept as configured: only weights are learned.
//
// Each customer contributes one row: its latest observation not dated after its
// outcome, scored by cfg; rows scored by another profile are left out. Bad records
// (an empty ID, an observation without outcome, one dated after its outcome, two
// observations of a customer on one date, a duplicate or unknown outcome, an
// observation that cannot be scored) are listed in FitResult.Errors and the others
// used. Fit is deterministic for a given Seed.
//
// Fit fails with an error naming the cause when the data cannot support a fit: an
// invalid cfg, an unknown profile, no row, one outcome class only (ErrOneClass),
// too few rows or too few of a class for the folds (ErrTooFewRows), a measure with
// the same points on every row that has a value (ErrConstantMeasure, naming the
// measure), no measure with any value (cs.ErrMissing), no measure predicting churn
// (ErrNoSignal), a bad option. A measure with no value on any row learns weight 0
// and is listed in FitResult.NoData; a measure learning weight 0 whose points
// alone rank churners higher is flagged Reversed.
// opts are the Compile options cfg needs (WithFunc).
func Fit(cfg Config, obs []Observation, outcomes []Outcome, opt FitOptions, opts ...Option) (FitResult, error) {
	var res FitResult
	if err := opt.check(); err != nil {
		return res, err
	}
	if opt.Folds == 0 {
		opt.Folds = 5
	}
	s, err := Compile(cfg, opts...)
	if err != nil {
		return res, fmt.Errorf("health: fit: %w", err)
	}
	ev := evaluated(obs, outcomes, opt.Lead)
	res.Errors, res.Excluded, res.TooLate = ev.errs, ev.excluded, ev.tooLate
	byProfile := scoreEvaluated(s, obs, outcomes, ev, &res.Errors)
	var pr *profileRows
	if res.Profile, pr, err = chooseProfile(s, byProfile, opt.Profile, "fit"); err != nil {
		return res, err
	}
	res.Rows = len(pr.y)
	for _, c := range pr.y {
		if c {
			res.Churners++
		}
	}
	keep, data, err := res.measuresWithData(pr)
	if err != nil {
		return res, err
	}
	wf, err := stats.FitWeights(stats.Matrix{Rows: res.Rows, Cols: len(keep), Data: data}, pr.y,
		stats.WeightOptions{Fit: stats.FitOptions{Lambda: opt.Lambda}, Folds: opt.Folds, Seed: opt.Seed})
	if err != nil {
		return res, fmt.Errorf("health: fit: profile %q, %d rows (%d churners): %w", res.Profile, res.Rows, res.Churners, err)
	}
	learned := make([]float64, len(pr.cols))
	for k, j := range keep {
		learned[j] = wf.Weights[k]
	}
	res.InSampleAUC, res.CVAUC, res.CVInterval, res.FoldAUC, res.Imputed = wf.AUC, wf.CV.AUC, wf.CV.Interval, wf.CV.FoldAUC, wf.Imputed
	res.Converged, res.Reason = wf.Model.Converged, wf.Model.Reason
	if sc, y := pr.known(); len(sc) > 0 {
		res.BaselineAUC = healthAUC(sc, y)
	}
	res.Config = s.Config() // a deep copy
	res.Weights = applyWeights(&res.Config, res.Profile, pr.cols, learned)
	flagReversed(res.Weights, pr)
	if res.Config.Version != "" {
		res.Config.Version += " fitted"
	} else {
		res.Config.Version = "fitted"
	}
	if res.ConfigAUC, err = configAUC(res.Config, obs, pr, opts); err != nil {
		return res, fmt.Errorf("health: fit: the fitted configuration: %w", err)
	}
	return res, nil
}

// check refuses options outside their documented ranges.
func (opt FitOptions) check() error {
	switch {
	case opt.Folds != 0 && opt.Folds < 2:
		return fmt.Errorf("health: fit: folds %d: want at least 2: %w", opt.Folds, stats.ErrOption)
	case opt.Lambda < 0 || math.IsNaN(opt.Lambda) || math.IsInf(opt.Lambda, 0):
		return fmt.Errorf("health: fit: lambda %v: want a finite value ≥ 0: %w", opt.Lambda, stats.ErrOption)
	case opt.Lead < 0:
		return fmt.Errorf("health: fit: lead %d days: want ≥ 0: %w", opt.Lead, stats.ErrOption)
	}
	return nil
}

// measuresWithData returns the columns with a value on some row and the points
// matrix restricted to them; the others learn weight 0 and are listed in NoData.
// It fails when no column has data or a kept column cannot be weighed.
func (res *FitResult) measuresWithData(pr *profileRows) ([]int, []float64, error) {
	cols, data := pr.cols, pr.data
	keep := make([]int, 0, len(cols))
	for j, m := range cols {
		if hasValue(data, len(cols), j) {
			keep = append(keep, j)
		} else {
			res.NoData = append(res.NoData, m.Group+"/"+m.Name)
		}
	}
	if len(keep) == 0 {
		return nil, nil, fmt.Errorf("health: fit: profile %q: no measure has a value on any of %d rows: %w", res.Profile, res.Rows, cs.ErrMissing)
	}
	if len(keep) < len(cols) {
		kept := make([]float64, 0, res.Rows*len(keep))
		for i := range res.Rows {
			for _, j := range keep {
				kept = append(kept, data[i*len(cols)+j])
			}
		}
		data = kept
	}
	keptCols := make([]MeasureResult, len(keep))
	for k, j := range keep {
		keptCols[k] = cols[j]
	}
	return keep, data, checkColumns(res.Profile, keptCols, data, res.Rows)
}

// healthAUC is the AUC of health scores against churn (the risk is −score); 0
// when it is not defined.
func healthAUC(scores []float64, churned []bool) float64 {
	a, _ := healthAUCOK(scores, churned)
	return a
}

// healthAUCOK is healthAUC, reporting whether the AUC is defined.
func healthAUCOK(scores []float64, churned []bool) (float64, bool) {
	risk := make([]float64, len(scores))
	for i, s := range scores {
		risk[i] = -s
	}
	a, err := stats.AUC(risk, churned)
	return a, err == nil
}

// flagReversed sets each measure's univariate AUC and flags the measures the fit
// weighs 0 whose points alone rank churners higher.
func flagReversed(ws []FittedWeight, pr *profileRows) {
	n := len(pr.cols)
	for j := range ws {
		var pts []float64
		var y []bool
		for i := range pr.y {
			if v := pr.data[i*n+j]; !math.IsNaN(v) {
				pts = append(pts, v)
				y = append(y, pr.y[i])
			}
		}
		a, ok := healthAUCOK(pts, y)
		if !ok {
			continue
		}
		ws[j].UnivariateAUC = &a
		ws[j].Reversed = ws[j].After == 0 && a < 0.5
	}
}

// configAUC scores the profile's rows with the fitted configuration and returns
// its AUC over the known scores (0 when one class only).
func configAUC(cfg Config, obs []Observation, pr *profileRows, opts []Option) (float64, error) {
	fitted, err := Compile(cfg, opts...)
	if err != nil {
		return 0, err
	}
	var r Result
	var sc []float64
	var y []bool
	for k, i := range pr.pick {
		if err := fitted.ScoreInto(&r, &obs[i].Customer, obs[i].AsOf); err != nil || r.Unknown {
			continue
		}
		sc = append(sc, r.Score)
		y = append(y, pr.y[k])
	}
	return healthAUC(sc, y), nil
}

// hasValue reports whether column j of the n-column data has a value on some row.
func hasValue(data []float64, n, j int) bool {
	for i := j; i < len(data); i += n {
		if !math.IsNaN(data[i]) {
			return true
		}
	}
	return false
}

// checkColumns names the measure that no fit can weigh: one with no value on any
// row, or with the same points on every row that has one.
func checkColumns(profile string, cols []MeasureResult, data []float64, rows int) error {
	n := len(cols)
	for j, m := range cols {
		first, seen, constant := math.NaN(), false, true
		for i := range rows {
			v := data[i*n+j]
			if math.IsNaN(v) {
				continue
			}
			if !seen {
				first, seen = v, true
			} else if v != first {
				constant = false
				break
			}
		}
		switch {
		case !seen:
			return fmt.Errorf("health: fit: profile %q measure %q (group %q): no value on any of %d rows: %w", profile, m.Name, m.Group, rows, cs.ErrMissing)
		case constant:
			return fmt.Errorf("health: fit: profile %q measure %q (group %q): %v points on every row: %w", profile, m.Name, m.Group, first, ErrConstantMeasure)
		}
	}
	return nil
}

// applyWeights writes the learned weights (normalised, in the order of cols) into
// the named profile of cfg and returns the before/after table.
func applyWeights(cfg *Config, profile string, cols []MeasureResult, learned []float64) []FittedWeight {
	out := make([]FittedWeight, len(cols))
	after := map[[2]string]float64{}
	for j, m := range cols {
		w := math.Round(learned[j]*10000) / 100
		after[[2]string{m.Group, m.Name}] = w
		out[j] = FittedWeight{Group: m.Group, Measure: m.Name, Before: math.Round(m.Weight*10000) / 100, After: w}
	}
	for p := range cfg.Profiles {
		if cfg.Profiles[p].Name != profile {
			continue
		}
		groups := cfg.Profiles[p].Groups
		for g := range groups {
			var sum float64
			for _, m := range groups[g].Measures {
				sum += after[[2]string{groups[g].Name, m.Name}]
			}
			groups[g].Weight = math.Round(sum*100) / 100
			if groups[g].Weight == 0 {
				continue // keep the measure weights: a group's must sum above 0
			}
			for m := range groups[g].Measures {
				groups[g].Measures[m].Weight = after[[2]string{groups[g].Name, groups[g].Measures[m].Name}]
			}
		}
	}
	return out
}
