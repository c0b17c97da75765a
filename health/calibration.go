package health

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/successkit/cs/internal/stats"
)

// CalibrationMethod names how a Calibration maps a score to a probability.
type CalibrationMethod string

// The calibration methods.
const (
	// CalibrationPlatt is a logistic curve on the score, P = σ(a + b·score), fitted
	// by maximum likelihood (Platt, 1999): smooth, two parameters, with an
	// interval from their covariance.
	CalibrationPlatt CalibrationMethod = "platt"
	// CalibrationIsotonic is a non-increasing step function of the score fitted
	// by pool-adjacent-violators (Ayer et al., 1955): no shape assumed beyond
	// "a higher score never means more churn", each step's interval Wilson's.
	CalibrationIsotonic CalibrationMethod = "isotonic"
)

// Calibration maps a profile's score to the probability that the customer
// churns within HorizonDays: the statement "P(churn in 180 days) = 0.31
// (0.26–0.36)" beside a score. Calibrate fits one from past scores and
// outcomes; it is part of the Profile, so it is stored, compared and
// fingerprinted with the rest of the configuration.
//
// Exactly one of Platt (Method "platt") and Steps (Method "isotonic") is set.
// Rows and Churners record the customers it was fitted on.
type Calibration struct {
	Method      CalibrationMethod `json:"method"`
	HorizonDays int               `json:"horizon_days"` // ≥ 1
	Platt       *PlattCalibration `json:"platt,omitempty"`
	Steps       []CalibrationStep `json:"steps,omitempty"`
	Rows        int               `json:"rows"`
	Churners    int               `json:"churners"`
}

// PlattCalibration holds P(churn) = σ(Intercept + Slope·score) with the
// covariance matrix of (Intercept, Slope), from which the probability's 95%
// interval is σ(η ± 1.959964·se(η)), Var(η) = VarIntercept + 2·score·Covariance
// + score²·VarSlope.
type PlattCalibration struct {
	Intercept    float64 `json:"intercept"`
	Slope        float64 `json:"slope"`
	VarIntercept float64 `json:"var_intercept"`
	Covariance   float64 `json:"covariance"`
	VarSlope     float64 `json:"var_slope"`
}

// CalibrationStep is one step of an isotonic calibration: the scores from From to
// To (as observed when it was fitted) churn with probability P, in [Low, High]
// (Wilson's 95% interval for Churners out of Rows). Steps are in ascending score
// order and P never increases from one step to the next.
type CalibrationStep struct {
	From     float64 `json:"from"`
	To       float64 `json:"to"`
	P        float64 `json:"p"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	Rows     int     `json:"rows"`
	Churners int     `json:"churners"`
}

// ChurnProbability is a calibrated probability of churn within HorizonDays with
// its 95% interval [Low, High]. The zero value means no calibration.
type ChurnProbability struct {
	HorizonDays int     `json:"horizon_days"`
	P           float64 `json:"p"`
	Low         float64 `json:"low"`
	High        float64 `json:"high"`
}

// IsZero reports whether c is the zero ChurnProbability (no calibration).
func (c ChurnProbability) IsZero() bool { return c == ChurnProbability{} }

// String reads "P(churn in 180 days) = 0.31 (0.26–0.36)"; "" for the zero value.
func (c ChurnProbability) String() string {
	if c.IsZero() {
		return ""
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	return "P(churn in " + strconv.Itoa(c.HorizonDays) + " days) = " + f(c.P) + " (" + f(c.Low) + "–" + f(c.High) + ")"
}

// Probability returns the calibrated probability of churn for a score. A score
// between two isotonic steps takes the step above it (the lower probability), one
// above the last step the last step's, one below the first step the first step's.
// It does not allocate.
func (c *Calibration) Probability(score float64) ChurnProbability {
	out := ChurnProbability{HorizonDays: c.HorizonDays}
	switch {
	case c.Platt != nil:
		p := stats.Platt{Intercept: c.Platt.Intercept, Slope: c.Platt.Slope,
			VarIntercept: c.Platt.VarIntercept, Covariance: c.Platt.Covariance, VarSlope: c.Platt.VarSlope}
		out.P = p.Probability(score)
		out.Low, out.High = p.Interval(score)
	case len(c.Steps) > 0:
		i := sort.Search(len(c.Steps), func(i int) bool { return c.Steps[i].To >= score })
		st := &c.Steps[min(i, len(c.Steps)-1)]
		out.P, out.Low, out.High = st.P, st.Low, st.High
	}
	return out
}

// calibration checks a profile's calibration.
func (v *validator) calibration(path string, c *Calibration) {
	if c.HorizonDays < 1 {
		v.add(join(path, "horizon_days"), "horizon %d days: want at least 1", c.HorizonDays)
	}
	if c.Rows < 0 || c.Churners < 0 || c.Churners > c.Rows {
		v.add(path, "%d churners of %d rows", c.Churners, c.Rows)
	}
	switch c.Method {
	case CalibrationPlatt:
		if c.Platt == nil {
			v.add(join(path, "platt"), "method platt without its parameters")
		}
		if len(c.Steps) > 0 {
			v.add(join(path, "steps"), "method platt with isotonic steps")
		}
	case CalibrationIsotonic:
		if len(c.Steps) == 0 {
			v.add(join(path, "steps"), "method isotonic without steps")
		}
		if c.Platt != nil {
			v.add(join(path, "platt"), "method isotonic with platt parameters")
		}
	default:
		v.add(join(path, "method"), "unknown calibration method %q (want platt or isotonic)", string(c.Method))
	}
	if p := c.Platt; p != nil {
		v.plattParams(join(path, "platt"), p)
	}
	for i := range c.Steps {
		v.calibrationStep(idx(path, "steps", i), c.Steps, i)
	}
}

func (v *validator) plattParams(path string, p *PlattCalibration) {
	for _, f := range []struct {
		name string
		x    float64
	}{{"intercept", p.Intercept}, {"slope", p.Slope}, {"var_intercept", p.VarIntercept}, {"covariance", p.Covariance}, {"var_slope", p.VarSlope}} {
		if !finite(f.x) {
			v.add(join(path, f.name), "%s is not a finite number", ftoa(f.x))
		}
	}
	// A covariance matrix is positive semi-definite: non-negative variances and
	// cov² ≤ var·var (with room for the rounding of a decimal encoding).
	if p.VarIntercept < 0 || p.VarSlope < 0 || p.Covariance*p.Covariance > p.VarIntercept*p.VarSlope*(1+1e-9) {
		v.add(path, "variances %s, %s and covariance %s do not form a covariance matrix", ftoa(p.VarIntercept), ftoa(p.VarSlope), ftoa(p.Covariance))
	}
}

func (v *validator) calibrationStep(path string, steps []CalibrationStep, i int) {
	st := &steps[i]
	if !finite(st.From) || !finite(st.To) || st.From > st.To {
		v.add(path, "scores from %s to %s: want finite numbers, from ≤ to", ftoa(st.From), ftoa(st.To))
	}
	if i > 0 && !(st.From > steps[i-1].To) {
		v.add(join(path, "from"), "%s is not above the previous step's to %s", ftoa(st.From), ftoa(steps[i-1].To))
	}
	prob := func(x float64) bool { return finite(x) && x >= 0 && x <= 1 }
	if !prob(st.P) || !prob(st.Low) || !prob(st.High) || !(st.Low <= st.P && st.P <= st.High) {
		v.add(path, "probability %s in [%s, %s]: want 0 ≤ low ≤ p ≤ high ≤ 1", ftoa(st.P), ftoa(st.Low), ftoa(st.High))
	}
	if i > 0 && st.P > steps[i-1].P {
		v.add(join(path, "p"), "%s is above the previous step's %s: a higher score must never mean more churn", ftoa(st.P), ftoa(steps[i-1].P))
	}
	if st.Rows < 0 || st.Churners < 0 || st.Churners > st.Rows {
		v.add(path, "%d churners of %d rows", st.Churners, st.Rows)
	}
}

// CalibrationReport measures calibrated probabilities against outcomes: the
// Brier score with its decomposition (Reliability, Resolution, Uncertainty and
// the two within-bin terms, summing to Brier exactly), the expected calibration
// error ECE, and the reliability table Bins (mean predicted against observed
// churn, with Wilson intervals). See Calibrate.
type CalibrationReport = stats.CalibrationReport

// ReliabilityBin is one line of a reliability table: N customers whose predicted
// probabilities run from MinPredicted to MaxPredicted (mean MeanPredicted), of
// which Positives churned: the Observed rate in [Low, High] (Wilson 95%).
type ReliabilityBin = stats.ReliabilityBin

// CalibrateOptions configure Calibrate. HorizonDays is required; the zero value
// of the rest fits a Platt calibration of the busiest profile with 5 folds,
// seed 0 and 10 reliability bins.
type CalibrateOptions struct {
	// Method is CalibrationPlatt (the default) or CalibrationIsotonic.
	Method CalibrationMethod
	// HorizonDays is the window the outcomes describe: a churner churned within
	// it after its evaluated observation (the sample book's outcomes cover 6
	// months). It labels the probability; it does not filter the outcomes.
	HorizonDays int
	// Profile names the profile to calibrate; "" means the one that scores the
	// most evaluated customers.
	Profile string
	// Folds is the k of the cross-validation (0 means 5, otherwise ≥ 2), Seed
	// seeds the folds.
	Folds int
	Seed  uint64
	// Bins is the number of reliability bins (0 means 10: deciles).
	Bins int
	// Lead, in days, calibrates scores taken at least Lead days before each
	// outcome date, as BacktestOptions.Lead.
	Lead int
}

// CalibrationResult is the outcome of Calibrate.
type CalibrationResult struct {
	// Config is the input configuration with the calibrated profile's
	// Calibration set: store it, and every Result of that profile carries its
	// ChurnProbability.
	Config      Config      `json:"config"`
	Profile     string      `json:"profile"`
	Calibration Calibration `json:"calibration"`
	// Rows and Churners count the customers with a known score it learned from.
	Rows     int `json:"rows"`
	Churners int `json:"churners"`
	// Intercept and Slope are the Platt parameters with their Wald 95%
	// intervals (nil for an isotonic calibration).
	Intercept *Interval `json:"intercept,omitempty"`
	Slope     *Interval `json:"slope,omitempty"`
	// InSample measures the calibration on the rows it was fitted on;
	// CrossValidated measures probabilities that each customer got from a
	// calibration fitted on the other folds only. Optimism is CrossValidated.Brier
	// − InSample.Brier: how much the in-sample figures flatter the calibration.
	InSample       CalibrationReport `json:"in_sample"`
	CrossValidated CalibrationReport `json:"cross_validated"`
	Optimism       float64           `json:"optimism"`
	// Excluded and TooLate count what CalibrateOptions.Lead left out.
	Excluded int `json:"excluded,omitempty"`
	TooLate  int `json:"too_late,omitempty"`
	// Errors lists one error per rejected record; the others were used.
	Errors []error `json:"-"`
}

// Calibrate fits a Calibration of one profile of cfg from observations and
// outcomes, and measures it in sample and by k-fold cross-validation. Each
// customer contributes its latest observation not dated after its outcome (see
// Fit), scored by cfg; customers scored by another profile, or Unknown, are left
// out. Platt scaling fits P = σ(a + b·score) by maximum likelihood; isotonic
// calibration fits a non-increasing step function by pool-adjacent-violators (see
// CalibrationMethod). The cross-validated report uses the stratified folds of
// Fit, so its figures describe customers the calibration has not seen.
//
// Errors: an invalid cfg or option, an unknown profile, fewer rows than folds of
// each class (ErrTooFewRows), one outcome class (ErrOneClass), a score that
// separates churners from the others perfectly (a Platt fit has no finite
// solution; try isotonic). Bad records are listed in CalibrationResult.Errors.
// opts are the Compile options cfg needs (WithFunc).
func Calibrate(cfg Config, obs []Observation, outcomes []Outcome, opt CalibrateOptions, opts ...Option) (CalibrationResult, error) {
	var res CalibrationResult
	if err := opt.check(); err != nil {
		return res, err
	}
	s, err := Compile(cfg, opts...)
	if err != nil {
		return res, fmt.Errorf("health: calibrate: %w", err)
	}
	ev := evaluated(obs, outcomes, opt.Lead)
	res.Errors, res.Excluded, res.TooLate = ev.errs, ev.excluded, ev.tooLate
	byProfile := scoreEvaluated(s, obs, outcomes, ev, &res.Errors)
	var pr *profileRows
	if res.Profile, pr, err = chooseProfile(s, byProfile, opt.Profile, "calibrate"); err != nil {
		return res, err
	}
	scores, y := pr.known()
	res.Rows = len(scores)
	for _, c := range y {
		if c {
			res.Churners++
		}
	}
	fail := func(err error) (CalibrationResult, error) {
		return res, fmt.Errorf("health: calibrate: profile %q, %d rows (%d churners): %w", res.Profile, res.Rows, res.Churners, err)
	}
	fit := calibrator(opt.Method, opt.HorizonDays)
	c, err := fit(scores, y)
	if err != nil {
		return fail(err)
	}
	res.Calibration = *c
	if p := res.Calibration.Platt; p != nil {
		sp := stats.Platt{Intercept: p.Intercept, Slope: p.Slope, VarIntercept: p.VarIntercept, VarSlope: p.VarSlope}
		a, b := sp.InterceptInterval(), sp.SlopeInterval()
		res.Intercept, res.Slope = &a, &b
	}
	if err := res.measure(scores, y, opt, fit); err != nil {
		return fail(err)
	}
	res.Config = s.Config() // a deep copy
	for i := range res.Config.Profiles {
		if res.Config.Profiles[i].Name == res.Profile {
			cal := res.Calibration
			res.Config.Profiles[i].Calibration = &cal
		}
	}
	return res, nil
}

// check refuses options outside their documented ranges.
func (opt CalibrateOptions) check() error {
	switch {
	case opt.Method != "" && opt.Method != CalibrationPlatt && opt.Method != CalibrationIsotonic:
		return fmt.Errorf("health: calibrate: method %q: want platt or isotonic: %w", string(opt.Method), stats.ErrOption)
	case opt.HorizonDays < 1:
		return fmt.Errorf("health: calibrate: horizon %d days: want at least 1: %w", opt.HorizonDays, stats.ErrOption)
	case opt.Folds != 0 && opt.Folds < 2:
		return fmt.Errorf("health: calibrate: folds %d: want at least 2: %w", opt.Folds, stats.ErrOption)
	case opt.Bins < 0 || opt.Lead < 0:
		return fmt.Errorf("health: calibrate: bins %d, lead %d: want ≥ 0: %w", opt.Bins, opt.Lead, stats.ErrOption)
	}
	return nil
}

// measure fills the in-sample and cross-validated reports.
func (res *CalibrationResult) measure(scores []float64, y []bool, opt CalibrateOptions, fit func([]float64, []bool) (*Calibration, error)) error {
	bins, folds := opt.Bins, opt.Folds
	if bins == 0 {
		bins = 10
	}
	if folds == 0 {
		folds = 5
	}
	in := make([]float64, len(scores))
	for i, s := range scores {
		in[i] = res.Calibration.Probability(s).P
	}
	var err error
	if res.InSample, err = stats.Reliability(in, y, bins); err != nil {
		return err
	}
	oof, err := stats.OutOfFold(scores, y, folds, opt.Seed, func(s []float64, y []bool) (stats.Calibrator, error) {
		c, err := fit(s, y)
		if err != nil {
			return nil, err
		}
		return calibrated{c}, nil
	})
	if err != nil {
		return err
	}
	if res.CrossValidated, err = stats.Reliability(oof, y, bins); err != nil {
		return err
	}
	res.Optimism = res.CrossValidated.Brier - res.InSample.Brier
	return nil
}

// calibrated adapts a Calibration to the stats package's Calibrator.
type calibrated struct{ c *Calibration }

func (c calibrated) Probability(score float64) float64 { return c.c.Probability(score).P }

// calibrator returns the function fitting one Calibration of the method to
// (score, churned) rows.
func calibrator(method CalibrationMethod, horizon int) func([]float64, []bool) (*Calibration, error) {
	if method == CalibrationIsotonic {
		return func(scores []float64, y []bool) (*Calibration, error) {
			return fitIsotonic(scores, y, horizon)
		}
	}
	return func(scores []float64, y []bool) (*Calibration, error) {
		p, err := stats.FitPlatt(scores, y)
		if err != nil {
			return nil, err
		}
		return &Calibration{Method: CalibrationPlatt, HorizonDays: horizon, Rows: p.N, Churners: p.Positives,
			Platt: &PlattCalibration{Intercept: p.Intercept, Slope: p.Slope, VarIntercept: p.VarIntercept, Covariance: p.Covariance, VarSlope: p.VarSlope}}, nil
	}
}

// fitIsotonic fits the churn rate as a non-increasing function of the score: the
// isotonic regression of churn on the risk −score, its blocks turned back into
// steps in ascending score order.
func fitIsotonic(scores []float64, y []bool, horizon int) (*Calibration, error) {
	risk := make([]float64, len(scores))
	for i, s := range scores {
		risk[i] = -s
	}
	m, err := stats.FitIsotonic(risk, y)
	if err != nil {
		return nil, err
	}
	c := &Calibration{Method: CalibrationIsotonic, HorizonDays: horizon, Rows: len(scores), Steps: make([]CalibrationStep, len(m.Blocks))}
	for k, b := range m.Blocks {
		st := CalibrationStep{From: -b.Max, To: -b.Min, P: b.P, Rows: b.N, Churners: b.Positives}
		if w, err := stats.Wilson(b.Positives, b.N); err == nil {
			st.Low, st.High = w.Low, w.High
		}
		c.Steps[len(m.Blocks)-1-k] = st
		c.Churners += b.Positives
	}
	for i := range c.Steps {
		// Negating a score of 0 gives −0, which JSON writes as "-0".
		if st := &c.Steps[i]; st.From == 0 {
			st.From = 0
		}
		if st := &c.Steps[i]; st.To == 0 {
			st.To = 0
		}
	}
	return c, nil
}
