package health

import (
	"fmt"
	"math"
	"slices"

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
	// estimate of how it ranks customers it has not seen.
	InSampleAUC float64   `json:"in_sample_auc"`
	CVAUC       float64   `json:"cv_auc"`
	FoldAUC     []float64 `json:"fold_auc"`
	// BaselineAUC is the input profile's AUC and ConfigAUC the fitted Config's, both
	// scored by this package (with its missing-value rules) on the same rows; rows
	// with an Unknown score are left out of each; 0 when the known rows hold one
	// class only.
	BaselineAUC float64 `json:"baseline_auc"`
	ConfigAUC   float64 `json:"config_auc"`
	// NoData lists the measures ("group/measure") with no value on any row: they
	// learn weight 0.
	NoData []string `json:"no_data,omitempty"`
	// Excluded counts the observations left out by FitOptions.Lead, and TooLate
	// the customers left with none.
	Excluded int `json:"excluded,omitempty"`
	TooLate  int `json:"too_late,omitempty"`
	// Imputed counts missing measure points replaced by their measure's mean for
	// the fit (the scorecard itself redistributes missing weight).
	Imputed int `json:"imputed"`
	// Errors lists one error per rejected record; the others were used.
	Errors []error `json:"-"`
}

// Fit learns the measure weights of one profile of cfg from observations and
// outcomes, by L2-regularised logistic regression of churn on the measures'
// shortfalls (100 − points)/100 with non-negative coefficients (stats.FitWeights;
// Bertsekas' projected Newton method). Because a weighted mean of points with
// weights proportional to the coefficients ranks customers exactly as the model's
// risk does, the normalised coefficients are the scorecard's weights. The curves
// (ramp thresholds, bands, steps) are kept as configured: only weights are learned.
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
// and is listed in FitResult.NoData.
// opts are the Compile options cfg needs (WithFunc).
func Fit(cfg Config, obs []Observation, outcomes []Outcome, opt FitOptions, opts ...Option) (FitResult, error) {
	var res FitResult
	if opt.Folds == 0 {
		opt.Folds = 5
	}
	if opt.Folds < 2 {
		return res, fmt.Errorf("health: fit: folds %d: want at least 2: %w", opt.Folds, stats.ErrOption)
	}
	if opt.Lambda < 0 || math.IsNaN(opt.Lambda) || math.IsInf(opt.Lambda, 0) {
		return res, fmt.Errorf("health: fit: lambda %v: want a finite value ≥ 0: %w", opt.Lambda, stats.ErrOption)
	}
	s, err := Compile(cfg, opts...)
	if err != nil {
		return res, fmt.Errorf("health: fit: %w", err)
	}
	if opt.Lead < 0 {
		return res, fmt.Errorf("health: fit: lead %d days: want ≥ 0: %w", opt.Lead, stats.ErrOption)
	}
	pick, churned, errs := evaluated(obs, outcomes, opt.Lead, &res)
	res.Errors = errs

	// Score each evaluated customer once, into one points matrix per profile: one
	// row per customer, one column per measure in the result's canonical order,
	// NaN where the measure is missing. A reused Result keeps this allocation-free
	// per row.
	type rows struct {
		cols     []MeasureResult
		data     []float64
		y        []bool
		pick     []int // observation index of each row
		baseRisk []float64
		baseY    []bool
	}
	byProfile := map[string]*rows{}
	var r Result
	for k, i := range pick {
		if err := s.ScoreInto(&r, &obs[i].Customer, obs[i].AsOf); err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("health: fit: %w", &RecordError{Index: i, ID: obs[i].Customer.ID, Err: err}))
			continue
		}
		pr := byProfile[r.Profile]
		if pr == nil {
			pr = &rows{cols: slices.Clone(r.Measures)}
			byProfile[r.Profile] = pr
		}
		for _, m := range r.Measures {
			if m.Status == StatusMissing {
				pr.data = append(pr.data, math.NaN())
			} else {
				pr.data = append(pr.data, m.Points)
			}
		}
		pr.y = append(pr.y, churned[k])
		pr.pick = append(pr.pick, i)
		if !r.Unknown {
			pr.baseRisk = append(pr.baseRisk, -r.Score)
			pr.baseY = append(pr.baseY, churned[k])
		}
	}
	profiles := s.Profiles()
	res.Profile = opt.Profile
	if res.Profile == "" {
		most := 0
		for _, p := range profiles {
			if pr := byProfile[p]; pr != nil && len(pr.y) > most {
				res.Profile, most = p, len(pr.y)
			}
		}
	} else if !slices.Contains(profiles, res.Profile) {
		return res, fmt.Errorf("health: fit: profile %q: not in the configuration (%v)", res.Profile, profiles)
	}
	pr := byProfile[res.Profile]
	if pr == nil {
		return res, fmt.Errorf("health: fit: no customer with an outcome is scored by profile %q: %w", res.Profile, stats.ErrTooFewRows)
	}
	cols, data, y := pr.cols, pr.data, pr.y
	for _, c := range y {
		if c {
			res.Churners++
		}
	}
	res.Rows = len(y)
	// A measure with no value on any row cannot be weighed: it learns weight 0 and
	// is listed in NoData; the others are fitted.
	keep := make([]int, 0, len(cols))
	for j, m := range cols {
		if hasValue(data, len(cols), j) {
			keep = append(keep, j)
		} else {
			res.NoData = append(res.NoData, m.Group+"/"+m.Name)
		}
	}
	if len(keep) == 0 {
		return res, fmt.Errorf("health: fit: profile %q: no measure has a value on any of %d rows: %w", res.Profile, res.Rows, cs.ErrMissing)
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
	if err := checkColumns(res.Profile, keptCols, data, res.Rows); err != nil {
		return res, err
	}
	wf, err := stats.FitWeights(stats.Matrix{Rows: res.Rows, Cols: len(keep), Data: data}, y,
		stats.WeightOptions{Fit: stats.FitOptions{Lambda: opt.Lambda}, Folds: opt.Folds, Seed: opt.Seed})
	if err != nil {
		return res, fmt.Errorf("health: fit: profile %q, %d rows (%d churners): %w", res.Profile, res.Rows, res.Churners, unstamped(err))
	}
	learned := make([]float64, len(cols))
	for k, j := range keep {
		learned[j] = wf.Weights[k]
	}
	res.InSampleAUC, res.CVAUC, res.FoldAUC, res.Imputed = wf.AUC, wf.CV.AUC, wf.CV.FoldAUC, wf.Imputed
	if a, err := stats.AUC(pr.baseRisk, pr.baseY); err == nil {
		res.BaselineAUC = a
	}

	res.Config = s.Config() // a deep copy
	res.Weights = applyWeights(&res.Config, res.Profile, cols, learned)
	if res.Config.Version != "" {
		res.Config.Version += " fitted"
	} else {
		res.Config.Version = "fitted"
	}
	fitted, err := Compile(res.Config, opts...)
	if err != nil {
		return res, fmt.Errorf("health: fit: the fitted configuration: %w", err)
	}
	var risk []float64
	var ry []bool
	for k, i := range pr.pick {
		if err := fitted.ScoreInto(&r, &obs[i].Customer, obs[i].AsOf); err != nil || r.Unknown {
			continue
		}
		risk = append(risk, -r.Score)
		ry = append(ry, y[k])
	}
	if a, err := stats.AUC(risk, ry); err == nil {
		res.ConfigAUC = a
	}
	return res, nil
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

// evaluated pairs each outcome with its customer's latest observation not dated
// after the outcome (any date when the outcome has none). It returns the chosen
// observation indices and outcomes in ascending ID order, and one error per bad
// record: observation errors in input order, then outcome errors in input order.
func evaluated(obs []Observation, outcomes []Outcome, lead int, res *FitResult) (pick []int, churned []bool, errs []error) {
	bad := func(kind string, i int, id, field string, err error) error {
		return fmt.Errorf("health: fit: %w", &cs.FieldError{File: fmt.Sprintf("%s[%d]", kind, i), Record: id, Field: field, Value: id, Err: err})
	}
	type indexed struct {
		i   int
		err error
	}
	var outErrs []indexed
	byID := make(map[string]int, len(outcomes))
	for i, o := range outcomes {
		if o.ID == "" {
			outErrs = append(outErrs, indexed{i, bad("outcomes", i, "", "id", cs.ErrMissing)})
			continue
		}
		if first, dup := byID[o.ID]; dup {
			outErrs = append(outErrs, indexed{i, bad("outcomes", i, o.ID, "id", fmt.Errorf("%w: also outcomes[%d]", cs.ErrDuplicate, first))})
			continue
		}
		byID[o.ID] = i
	}
	type idDate struct {
		id   string
		date cs.Date
	}
	onDate := make(map[idDate]int, len(obs))
	best := make(map[string]int, len(byID))
	late := map[string]bool{} // customers with observations only inside the lead window
	for i := range obs {
		id := obs[i].Customer.ID
		oi, has := byID[id]
		var until cs.Date
		if has {
			until = outcomes[oi].Date
		}
		switch {
		case id == "":
			errs = append(errs, bad("observations", i, "", "id", cs.ErrMissing))
			continue
		case !has:
			errs = append(errs, bad("observations", i, id, "id", fmt.Errorf("no outcome: %w", cs.ErrMissing)))
			continue
		case !until.IsZero() && until.Before(obs[i].AsOf):
			errs = append(errs, bad("observations", i, id, "as_of", fmt.Errorf("%s after the outcome's %s: %w", obs[i].AsOf, until, cs.ErrDateOrder)))
			continue
		}
		if first, dup := onDate[idDate{id, obs[i].AsOf}]; dup {
			errs = append(errs, bad("observations", i, id, "as_of", fmt.Errorf("%s: %w: also observations[%d]", obs[i].AsOf, cs.ErrDuplicate, first)))
			continue
		}
		onDate[idDate{id, obs[i].AsOf}] = i
		if lead > 0 && !until.IsZero() && obs[i].AsOf.After(until.AddDays(-lead)) {
			res.Excluded++
			if _, seen := best[id]; !seen {
				late[id] = true
			}
			continue
		}
		delete(late, id)
		if b, seen := best[id]; !seen || obs[b].AsOf.Before(obs[i].AsOf) {
			best[id] = i
		}
	}
	res.TooLate = len(late)
	for id, i := range byID {
		if _, seen := best[id]; !seen && !late[id] {
			outErrs = append(outErrs, indexed{i, bad("outcomes", i, id, "id", ErrUnknownID)})
		}
	}
	slices.SortFunc(outErrs, func(a, b indexed) int { return a.i - b.i })
	for _, e := range outErrs {
		errs = append(errs, e.err)
	}
	ids := make([]string, 0, len(best))
	for id := range best {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		pick = append(pick, best[id])
		churned = append(churned, outcomes[byID[id]].Churned)
	}
	return pick, churned, errs
}
