package health

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/stats"
)

// Lifetime is one customer's follow-up, what a CS team knows about every
// customer: it started on Start, and on End either churned (Churned) or was last
// seen still a customer (censored: it may churn later). Group names the curve it
// belongs to (a grade, a segment, a cohort); Score, when set, is a health score
// taken at Start, for Harrell's C.
type Lifetime struct {
	ID      string   `json:"id"`
	Start   cs.Date  `json:"start"`
	End     cs.Date  `json:"end"`
	Churned bool     `json:"churned"`
	Group   string   `json:"group,omitempty"`
	Score   *float64 `json:"score,omitempty"`
}

// SurvivalOptions configure Survival. The zero value orders groups by name and
// builds log-log intervals.
type SurvivalOptions struct {
	// Groups fixes the order of the curves (say worst grade first); groups seen
	// but not listed follow in sorted order. A listed group with no customer has
	// no curve.
	Groups []string
	// LogInterval builds the survival intervals on the log scale (R's default)
	// instead of log-log.
	LogInterval bool
}

// SurvivalPoint is one step of a survival curve, in days since Start: AtRisk
// customers were still followed on day Time, Events of them churned that day and
// Censored were last seen then; Survival is the estimated share still a customer
// after that day, SE its Greenwood standard error and [Low, High] its 95%
// interval.
type SurvivalPoint = stats.SurvivalPoint

// SurvivalCurve is the Kaplan–Meier curve of one group: N customers, Events
// churns, one point per day with a churn or a censoring, and the median lifetime
// in days with its 95% interval (nil when the curve, or the bound, never falls to
// 0.5 within the follow-up).
type SurvivalCurve struct {
	Group string `json:"group"`
	stats.Curve
}

// LogRank is the log-rank test that every group has the same survival:
// Observed and Expected churns per group (in curve order), ChiSquare with DF
// degrees of freedom and its p-value P.
type LogRank = stats.LogRank

// Concordance is Harrell's C of the scores against the lifetimes: the share of
// comparable pairs in which the customer who churned first had the lower score
// (ties half), with the pair counts. 0.5 is chance, 1 a perfect ranking.
type Concordance = stats.ConcordanceResult

// SurvivalReport is the outcome of Survival.
type SurvivalReport struct {
	N        int             `json:"n"`
	Churners int             `json:"churners"`
	Curves   []SurvivalCurve `json:"curves"`
	LogRank  LogRank         `json:"log_rank"`
	// Concordance is Harrell's C over the lifetimes with a score; nil when none
	// has one or no pair is comparable.
	Concordance *Concordance `json:"concordance,omitempty"`
	// Interval is the scale of the survival intervals: "log-log" or "log".
	Interval string `json:"interval"`
	// Errors lists one error per rejected lifetime; the others were used.
	Errors []error `json:"-"`
}

// Curve returns the curve of the named group, or nil.
func (r *SurvivalReport) Curve(group string) *SurvivalCurve {
	for i := range r.Curves {
		if r.Curves[i].Group == group {
			return &r.Curves[i]
		}
	}
	return nil
}

// Survival estimates how long customers stay, per group: the Kaplan–Meier curve
// of each group with right censoring (a customer still there at End counts until
// End and no further), Greenwood's 95% intervals on the log-log scale, the median
// lifetime with its interval, the log-rank test that the groups' survival is the
// same, and, over the lifetimes with a Score, Harrell's C of the score against
// the time to churn. Times are in days from Start to End. The methods and their
// sources are in the internal/stats package's documentation: Kaplan & Meier
// (1958), Greenwood (1926), Kalbfleisch & Prentice (1980), Brookmeyer & Crowley
// (1982), Peto & Peto (1972), Harrell et al. (1982, 1996).
//
// A bad lifetime is reported in Errors, a *cs.FieldError naming it by its path
// ("lifetimes[3].end"), and the others are used: an empty or invalid ID
// (cs.ErrMissing, cs.ErrInvalidID), an invalid date
// (cs.ErrInvalidDate), End before Start (cs.ErrDateOrder), an ID already seen
// (cs.ErrDuplicate), a NaN or infinite score (cs.ErrNotFinite). The returned
// error is set only when no lifetime is usable. The result does not depend on the
// order of the lifetimes.
func Survival(lifetimes []Lifetime, opt SurvivalOptions) (SurvivalReport, error) {
	rep := SurvivalReport{Interval: stats.LogLog.String()}
	tr := stats.LogLog
	if opt.LogInterval {
		tr = stats.Log
		rep.Interval = tr.String()
	}
	ok := rep.checkLifetimes(lifetimes)
	names := groupOrder(lifetimes, ok, opt.Groups)
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	var times, predicted, ctimes []float64
	var events, cevents []bool
	var groups []int
	for i := range lifetimes {
		if !ok[i] {
			continue
		}
		lt := &lifetimes[i]
		t := float64(lt.Start.DaysUntil(lt.End))
		times = append(times, t)
		events = append(events, lt.Churned)
		groups = append(groups, index[lt.Group])
		if lt.Score != nil {
			ctimes, cevents, predicted = append(ctimes, t), append(cevents, lt.Churned), append(predicted, *lt.Score)
		}
		rep.N++
		if lt.Churned {
			rep.Churners++
		}
	}
	if rep.N == 0 {
		return rep, rejected(fmt.Errorf("health: survival of %d lifetimes: none usable: %w", len(lifetimes), stats.ErrTooFewRows), rep.Errors)
	}
	res, err := stats.Survival(times, events, groups, len(names), stats.SurvivalOptions{Transform: tr})
	if err != nil {
		return rep, fmt.Errorf("health: survival: %w", err)
	}
	for g, c := range res.Curves {
		rep.Curves = append(rep.Curves, SurvivalCurve{Group: names[g], Curve: c})
	}
	rep.LogRank = res.LogRank
	if len(predicted) > 0 {
		if c, err := stats.Concordance(ctimes, cevents, predicted); err == nil {
			rep.Concordance = &c
		}
	}
	return rep, nil
}

// checkLifetimes reports the bad lifetimes in Errors and returns which are usable.
func (r *SurvivalReport) checkLifetimes(lifetimes []Lifetime) []bool {
	ok := make([]bool, len(lifetimes))
	seen := make(map[string]int, len(lifetimes))
	reject := func(i int, field, value string, err error) {
		r.Errors = append(r.Errors, wrap(&cs.FieldError{Field: "lifetimes[" + strconv.Itoa(i) + "]." + field, Record: errs.Clip(lifetimes[i].ID), Value: errs.Clip(value), Err: err}))
	}
	for i := range lifetimes {
		lt := &lifetimes[i]
		switch {
		case cs.CheckID(lt.ID) != nil:
			reject(i, "id", lt.ID, cs.CheckID(lt.ID))
		case !lt.Start.Valid():
			reject(i, "start", lt.Start.String(), cs.ErrInvalidDate)
		case !lt.End.Valid():
			reject(i, "end", lt.End.String(), cs.ErrInvalidDate)
		case lt.End.Before(lt.Start):
			reject(i, "end", lt.End.String(), fmt.Errorf("%w: before start %s", cs.ErrDateOrder, lt.Start))
		case lt.Score != nil && (math.IsNaN(*lt.Score) || math.IsInf(*lt.Score, 0)):
			reject(i, "score", ftoa(*lt.Score), cs.ErrNotFinite)
		default:
			if first, dup := seen[lt.ID]; dup {
				reject(i, "id", lt.ID, fmt.Errorf("%w: also lifetimes[%d]", cs.ErrDuplicate, first))
				continue
			}
			seen[lt.ID] = i
			ok[i] = true
		}
	}
	return ok
}

// groupOrder lists the groups of the usable lifetimes: those of order first (if
// present), then the others sorted.
func groupOrder(lifetimes []Lifetime, ok []bool, order []string) []string {
	present := map[string]bool{}
	for i := range lifetimes {
		if ok[i] {
			present[lifetimes[i].Group] = true
		}
	}
	var names []string
	for _, g := range order {
		if present[g] && !slices.Contains(names, g) {
			names = append(names, g)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(present)) {
		if !slices.Contains(names, g) {
			names = append(names, g)
		}
	}
	return names
}

// SurvivalByGrade scores each customer on its latest observation not dated after
// its outcome (see BacktestOptions.Lead for the window) and estimates how long the
// customers of each grade stay from that day: each outcome's Date is the end of
// the follow-up, the churn date of a churner or the end of the horizon of a
// retained customer (censored there). Curves are in the order of opt.Grades
// (default: the scorer's grades, lowest band first); customers with an Unknown
// score form the group "unknown". Harrell's C compares the scores with the
// lifetimes.
//
// Bad records are reported in Errors as in Backtest; an outcome without a date
// cannot give a lifetime and is reported too (cs.ErrMissing, field "date").
func SurvivalByGrade(s *Scorer, obs []Observation, outcomes []Outcome, opt BacktestOptions) (SurvivalReport, error) {
	if s == nil {
		return SurvivalReport{}, fmt.Errorf("health: survival: nil scorer: %w", stats.ErrOption)
	}
	if opt.Lead < 0 {
		return SurvivalReport{}, fmt.Errorf("health: survival: lead %d days: want ≥ 0: %w", opt.Lead, stats.ErrOption)
	}
	ev := evaluated(obs, outcomes, opt.Lead)
	rejects := ev.errs
	var lts []Lifetime
	var r Result
	for k, i := range ev.pick {
		o := &outcomes[ev.outcome[k]]
		ob := &obs[i]
		if o.Date.IsZero() {
			rejects = append(rejects, wrap(&cs.FieldError{Field: "outcomes[" + strconv.Itoa(ev.outcome[k]) + "].date", Record: errs.Clip(o.ID), Err: fmt.Errorf("%w: a lifetime needs the churn or horizon date", cs.ErrMissing)}))
			continue
		}
		if err := s.ScoreInto(&r, &ob.Customer, ob.AsOf); err != nil {
			rejects = append(rejects, at("observations["+strconv.Itoa(i)+"]", err))
			continue
		}
		lt := Lifetime{ID: o.ID, Start: ob.AsOf, End: o.Date, Churned: o.Churned, Group: r.Grade}
		if r.Unknown {
			lt.Group = "unknown"
		} else {
			score := r.Score
			lt.Score = &score
		}
		lts = append(lts, lt)
	}
	grades := opt.Grades
	if len(grades) == 0 {
		grades = scorerGrades(s)
	}
	rep, err := Survival(lts, SurvivalOptions{Groups: grades})
	rep.Errors = append(rejects, rep.Errors...)
	if err != nil {
		return rep, rejected(err, rep.Errors)
	}
	return rep, nil
}
