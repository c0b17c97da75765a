package health

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/stats"
)

// Observation is one customer as it stood on a past date: the input of Backtest,
// Compare and Fit. Several observations of one customer on different dates form its
// history (for the lead time of the churn flag).
type Observation struct {
	AsOf     cs.Date     // the date the customer's signals describe
	Customer cs.Customer // the customer as of AsOf
}

// Outcome is what happened to one customer after its observations: ID, Churned
// (churned within the horizon) and an optional Date — the churn date of a churner
// or the end of the horizon of a retained customer; a zero Date is unknown. The
// lead time of the churn flag needs a churner's Date. Read them with ReadOutcomes.
type Outcome = stats.Outcome

// ScoredSnapshot is one customer already scored as of a date, the input of
// BacktestScores: ID, Date, Score (higher is healthier), Grade ("" when the score
// is Unknown), MRR (the zero Money adds nothing to the MRR columns), and
// optionally the customer's Segment and the Profile that scored it, for the AUC
// per segment and per profile.
type ScoredSnapshot = stats.Snapshot

// Interval is an estimate with its two-sided 95% interval (Estimate, Low, High, SE
// where the method defines one, and Method: "delong", "bootstrap" or "wilson").
type Interval = stats.Interval

// ROCPoint is one point of a ROC curve: flagging every account whose health score
// is at most Threshold gives the false positive rate FPR and the true positive rate
// TPR.
type ROCPoint = stats.Point

// GradeRow is one line of the backtest's grade table: Grade ("" for Unknown),
// Accounts, Churners, ChurnRate with its Wilson 95% bounds ChurnLow and ChurnHigh,
// Lift over the base rate, and the MRR of the grade's accounts and of its churners
// (MRR at risk), one amount per currency.
type GradeRow = stats.GradeRow

// GroupAUC is the AUC of the customers of one segment or profile with a known
// score (Name, N, Churners); AUC is nil, and Note says why, when the group holds
// one outcome class.
type GroupAUC = stats.GroupAUC

// Confusion counts the churn flag against the outcomes (TP, FP, FN, TN).
type Confusion = stats.Confusion

// LeadTime is the distribution of how early the churn flag caught the churners
// with a history: for each churner with a churn date and at least two
// observations, the days from the start of its last unbroken run of flagged
// observations to the churn date (Days, ascending, and their Median), with the
// counts of churners flagged and never flagged at their last observation.
type LeadTime = stats.LeadTime

// BacktestOptions configure Backtest, BacktestScores and Compare. The zero value
// flags the lowest grade band ("red" under DefaultGrades) and takes DeLong's
// analytic interval.
type BacktestOptions struct {
	// Flag is the set of grade labels read as a churn flag; empty means the lowest
	// band of the first profile's scheme (BacktestScores without Grades: "red").
	Flag []string
	// Grades lists grade labels worst first, fixing the order of the grade table.
	// Backtest and Compare fill it from the scorer's schemes when empty.
	Grades []string
	// BootstrapReps, when positive, replaces DeLong's interval by a stratified
	// percentile bootstrap with that many replicates seeded by Seed.
	BootstrapReps int
	Seed          uint64
	// Lead, in days, evaluates each customer on a score taken at least Lead days
	// before its outcome date, as the CS platforms advise (scores taken 60–90 days
	// before each renewal): Backtest and Compare leave out, and count in
	// BacktestReport.Excluded, the observations dated less than Lead days before
	// their customer's outcome date. 0 evaluates the latest observation not after
	// the outcome; an outcome without a date sets no window.
	Lead int
}

// BacktestReport is the backtest of one scorecard over a book. The AUC measures
// how well a low health score ranks the churners first.
type BacktestReport struct {
	N        int     `json:"n"`        // customers evaluated, one observation each
	Churners int     `json:"churners"` // of which churned
	BaseRate float64 `json:"base_rate"`
	// Excluded counts the observations left out by BacktestOptions.Lead, and
	// TooLate the customers left with none: they are not evaluated.
	Excluded int `json:"excluded,omitempty"`
	TooLate  int `json:"too_late,omitempty"`
	// Unknown counts evaluated customers whose score was Unknown: they are in the
	// grade table (grade "") but not in the AUC, which has N − Unknown rows.
	Unknown int `json:"unknown"`
	// AUC is the probability that a churner scores below a retained customer (ties
	// count half), with its 95% interval.
	AUC       Interval   `json:"auc"`
	ROC       []ROCPoint `json:"roc"`
	Grades    []GradeRow `json:"grades"`
	Flag      []string   `json:"flag"`
	FlagConf  Confusion  `json:"flag_confusion"`
	Precision float64    `json:"precision"` // churn rate among flagged customers
	Recall    float64    `json:"recall"`    // share of churners flagged
	Lift      float64    `json:"lift"`      // precision over the base rate
	LeadTime  LeadTime   `json:"lead_time"`
	// Segments and Profiles give the AUC within each customer segment and each
	// profile (by name), when any evaluated customer has a segment or a profile
	// (Backtest fills both; BacktestScores uses ScoredSnapshot's fields).
	Segments []GroupAUC `json:"segments,omitempty"`
	Profiles []GroupAUC `json:"profiles,omitempty"`
	// Errors lists one error per rejected record, in a fixed order; the other
	// records were evaluated.
	Errors []error `json:"-"`

	book stats.BookReport
}

// Backtest scores every observation with s and backtests the scores against the
// outcomes (see BacktestScores). An observation that cannot be scored (no
// profile, a NaN signal) is reported in Errors, and the customer's other
// observations are still used; an outcome whose every observation was rejected is
// reported too, as an unknown ID. Each error is a *cs.FieldError whose path names
// the observation ("observations[12].signals.usage") or the outcome
// ("outcomes[3].id") by its index in the caller's slices.
func Backtest(s *Scorer, obs []Observation, outcomes []Outcome, opt BacktestOptions) (BacktestReport, error) {
	if s == nil {
		return BacktestReport{}, fmt.Errorf("health: backtest: nil scorer: %w", stats.ErrOption)
	}
	if opt.Lead < 0 {
		return BacktestReport{}, fmt.Errorf("health: backtest: lead %d days: want ≥ 0: %w", opt.Lead, stats.ErrOption)
	}
	pick, excluded, late := leadWindow(obs, outcomes, opt.Lead)
	rows, bad := scoreObservations(s, obs, pick)
	if len(opt.Grades) == 0 {
		opt.Grades = scorerGrades(s)
	}
	rep, err := backtestScores(rows, outcomes, opt)
	rep.Excluded = excluded
	if len(late) > 0 {
		// A customer whose every observation fell in the lead window is counted in
		// TooLate, not reported as an outcome for an unknown ID.
		rep.Errors = slices.DeleteFunc(rep.Errors, func(e error) bool {
			var fe *cs.FieldError
			if errors.Is(e, ErrUnknownID) && errors.As(e, &fe) && late[fe.Record] {
				rep.TooLate++
				return true
			}
			return false
		})
	}
	for k, e := range rep.Errors {
		if se, ok := bad[snapshotIndex(e)]; ok {
			// The scoring error replaces the rejection of the NaN score it left.
			rep.Errors[k] = se
			continue
		}
		rep.Errors[k] = reindex(e, "snapshots", "observations", pick)
	}
	if err != nil {
		return rep, rejected(err, rep.Errors)
	}
	return rep, nil
}

// snapshotIndex returns k of an error at "snapshots[k].score", or -1.
func snapshotIndex(err error) int {
	var fe *cs.FieldError
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "snapshots[") || !strings.HasSuffix(fe.Field, "].score") {
		return -1
	}
	k, perr := strconv.Atoi(fe.Field[len("snapshots[") : len(fe.Field)-len("].score")])
	if perr != nil {
		return -1
	}
	return k
}

// leadWindow returns the indices of the observations to evaluate: all of them when
// lead is 0, else all but those dated less than lead days before (and not after)
// their customer's outcome date, which it counts, with the IDs left with no
// observation. An outcome without a date, or an ID's repeated outcome, sets no
// window.
func leadWindow(obs []Observation, outcomes []Outcome, lead int) (pick []int, excluded int, late map[string]bool) {
	pick = make([]int, 0, len(obs))
	if lead == 0 {
		for i := range obs {
			pick = append(pick, i)
		}
		return pick, 0, nil
	}
	until := make(map[string]cs.Date, len(outcomes))
	for _, o := range outcomes {
		if _, seen := until[o.ID]; !seen {
			until[o.ID] = o.Date
		}
	}
	kept := map[string]bool{}
	for i := range obs {
		id := obs[i].Customer.ID
		d, ok := until[id]
		if ok && !d.IsZero() && !obs[i].AsOf.After(d) && obs[i].AsOf.After(d.AddDays(-lead)) {
			excluded++
			if _, seen := kept[id]; !seen {
				kept[id] = false
			}
			continue
		}
		kept[id] = true
		pick = append(pick, i)
	}
	for id, k := range kept {
		if !k {
			if late == nil {
				late = map[string]bool{}
			}
			late[id] = true
		}
	}
	return pick, excluded, late
}

// scoreObservations scores the picked observations; a failed one gets a NaN score
// (so the backtest rejects it at the same index) and its error in bad, keyed by
// its position in pick and naming its index in obs.
func scoreObservations(s *Scorer, obs []Observation, pick []int) ([]ScoredSnapshot, map[int]error) {
	rows := make([]ScoredSnapshot, len(pick))
	var bad map[int]error
	var r Result
	for k, i := range pick {
		o := &obs[i]
		rows[k] = ScoredSnapshot{ID: o.Customer.ID, Date: o.AsOf, MRR: o.Customer.MRR, Segment: o.Customer.Segment}
		if err := s.ScoreInto(&r, &o.Customer, o.AsOf); err != nil {
			if bad == nil {
				bad = make(map[int]error)
			}
			bad[k] = at(fmt.Sprintf("observations[%d]", i), err)
			rows[k].Score = math.NaN()
			continue
		}
		rows[k].Score, rows[k].Grade, rows[k].Profile = r.Score, r.Grade, r.Profile
	}
	return rows, bad
}

// scorerGrades lists the grade labels of s's profiles, lowest band first, in
// profile order without repeats.
func scorerGrades(s *Scorer) []string {
	var labels []string
	cfg := s.Config()
	for i := range cfg.Profiles {
		g := cfg.Profiles[i].GradeScheme()
		for _, b := range g.Bands {
			if !slices.Contains(labels, b.Label) {
				labels = append(labels, b.Label)
			}
		}
	}
	return labels
}

// BacktestScores backtests already scored snapshots against outcomes: the path for
// large books scored elsewhere (Plan.Score, a warehouse). Each customer is
// evaluated on its latest snapshot not dated after its outcome; its earlier
// snapshots are its history for the lead time. The AUC ranks the churn risk −Score,
// so a scorecard that gives churners low scores has an AUC above 0.5. The interval
// is DeLong's analytic one (DeLong, DeLong & Clarke-Pearson, 1988) unless
// opt.BootstrapReps asks for a seeded stratified bootstrap.
//
// Every bad record is reported in Errors (one error naming "snapshots[i]" or
// "outcomes[i]" and the customer) and the others are still evaluated, never dropped
// silently or counted twice: an empty ID, an invalid date, a non-finite score
// (cs.ErrNotFinite), a customer with no outcome (cs.ErrMissing), two snapshots of one
// customer on one date or two outcomes of one customer (cs.ErrDuplicate), an outcome
// for an ID with no snapshot (ErrUnknownID), a snapshot dated after its customer's
// outcome (cs.ErrDateOrder). The returned error is set only when no AUC can be
// computed: no customer evaluated, or one class only (ErrOneClass); it then lists
// the first rejected records too, so a file whose every row is bad says why.
func BacktestScores(rows []ScoredSnapshot, outcomes []Outcome, opt BacktestOptions) (BacktestReport, error) {
	rep, err := backtestScores(rows, outcomes, opt)
	if err != nil {
		return rep, rejected(err, rep.Errors)
	}
	return rep, nil
}

func backtestScores(rows []ScoredSnapshot, outcomes []Outcome, opt BacktestOptions) (BacktestReport, error) {
	book, err := stats.Book(rows, outcomes, stats.BookOptions{
		Grades: opt.Grades, Flag: opt.Flag, BootstrapReps: opt.BootstrapReps, Seed: opt.Seed,
	})
	rep := BacktestReport{
		N: book.N, Churners: book.Churners, BaseRate: book.BaseRate, Unknown: book.Unknown,
		AUC: book.AUC, ROC: book.ROC, Grades: book.Grades, Flag: book.Flag, FlagConf: book.FlagConf,
		Precision: book.Precision, Recall: book.Recall, Lift: book.Lift, LeadTime: book.LeadTime,
		Segments: book.Segments, Profiles: book.Profiles,
		book: book,
	}
	if len(book.Errors) > 0 {
		rep.Errors = make([]error, len(book.Errors))
		for i, e := range book.Errors {
			rep.Errors[i] = wrap(e)
		}
	}
	return rep, wrap(err)
}

// Comparison is the paired comparison of two scorecards on the same customers.
type Comparison struct {
	A, B BacktestReport
	// Diff is AUC(A) − AUC(B) with its 95% interval on paired data: DeLong's
	// covariance of correlated AUCs, or a paired bootstrap with the options' reps.
	Diff Interval
}

// Compare backtests two scorecards on the same observations and outcomes and
// returns AUC(a) − AUC(b) with its 95% interval, computed on paired data so that
// the correlation between the two scores of one customer is kept: DeLong's method
// for correlated AUCs, or, with opt.BootstrapReps > 0, a paired stratified bootstrap
// in which every replicate evaluates both scores on the same resample (Efron &
// Tibshirani, 1993). The two scorecards must give a known score to the same
// customers; a customer Unknown under one of them makes the comparison an error.
func Compare(a, b *Scorer, obs []Observation, outcomes []Outcome, opt BacktestOptions) (Comparison, error) {
	var c Comparison
	var err error
	if c.A, err = Backtest(a, obs, outcomes, opt); err != nil {
		return c, fmt.Errorf("health: compare: scorecard A: %w", err)
	}
	if c.B, err = Backtest(b, obs, outcomes, opt); err != nil {
		return c, fmt.Errorf("health: compare: scorecard B: %w", err)
	}
	if c.Diff, err = stats.CompareBooks(c.A.book, c.B.book, opt.BootstrapReps, opt.Seed); err != nil {
		return c, fmt.Errorf("health: compare: %w", err)
	}
	return c, nil
}

// Re-exported sentinels of the backtest and fit, for errors.Is.
var (
	// ErrUnknownID: an outcome for a customer with no usable observation.
	ErrUnknownID = stats.ErrUnknownID
	// ErrNotBool: a churned value that is not 0, 1, true or false.
	ErrNotBool = stats.ErrNotBool
	// ErrOneClass: the outcomes hold only churners or only retained customers.
	ErrOneClass = stats.ErrOneClass
	// ErrTooFewRows: too few customers (or too few of one class) for a fit.
	ErrTooFewRows = stats.ErrTooFewRows
	// ErrConstantMeasure: a measure scores the same points for every customer, so its
	// weight cannot be learned.
	ErrConstantMeasure = stats.ErrConstantFeature
	// ErrNoSignal: no measure predicts churn (every learned weight is zero).
	ErrNoSignal = stats.ErrNoSignal
)

// rejected adds the first rejected records to err (at most ten, then how many
// more), so an error that ends a run because every record was bad says which
// records and why. errors.Is and errors.As see err and the listed records.
func rejected(err error, rejects []error) error {
	if len(rejects) == 0 {
		return err
	}
	var list errs.List
	for _, e := range rejects {
		list.Add(e)
	}
	return fmt.Errorf("%w; %d records rejected:\n%w", err, len(rejects), list.Err())
}
