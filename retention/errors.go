package retention

import (
	"errors"
	"slices"

	"github.com/successkit/cs/internal/errs"
)

// Sentinel errors of this package. Every error it returns wraps one of them or a
// sentinel of the root package (cs.ErrNotDecimal, cs.ErrCurrencyMismatch,
// cs.ErrNegative, cs.ErrUnknownField, ...), so callers can use errors.Is.
var (
	// ErrUndefined: a result that has no value for the input, such as a ratio over an
	// empty base or a lifetime value at zero churn. It is never reported as 0 or Inf.
	ErrUndefined = errors.New("undefined")
	// ErrMonth: text that is not a month in the form YYYY-MM, or a month outside the book.
	ErrMonth = errors.New("invalid month")
	// ErrNoRate: an amount in a currency for which the caller supplied no exchange rate.
	ErrNoRate = errors.New("no exchange rate")
	// ErrPeriod: a period whose end is not after its start, or outside the book.
	ErrPeriod = errors.New("invalid period")
	// ErrSurvivors: survivor counts that cannot describe a cohort (fewer than two,
	// negative, increasing, or a first count of zero).
	ErrSurvivors = errors.New("invalid survivor counts")
	// ErrNoConvergence: the maximum-likelihood search did not converge.
	ErrNoConvergence = errors.New("fit did not converge")
	// ErrOption: a threshold or option outside its documented range.
	ErrOption = errors.New("invalid option")
)

// problems keeps the bad records of one input bounded: it counts them all and
// keeps the errors of the errs.MaxProblems first by position (line, then index),
// building an error only when it is kept. A million bad records cost a counter.
type problems struct {
	kept []problem
	n    int
}

type problem struct {
	line, index int
	err         error
}

func (p problem) before(q problem) bool {
	return p.line < q.line || p.line == q.line && p.index < q.index
}

// add counts a problem at (line, index) and keeps the error mk builds if it is
// among the first.
func (ps *problems) add(line, index int, mk func() error) {
	ps.n++
	q := problem{line: line, index: index}
	if len(ps.kept) == errs.MaxProblems && !q.before(ps.kept[len(ps.kept)-1]) {
		return
	}
	q.err = mk()
	i := len(ps.kept)
	for i > 0 && q.before(ps.kept[i-1]) {
		i--
	}
	ps.kept = slices.Insert(ps.kept, i, q)
	if len(ps.kept) > errs.MaxProblems {
		ps.kept = ps.kept[:errs.MaxProblems]
	}
}

// merge adds the problems of o.
func (ps *problems) merge(o *problems) {
	n := ps.n + o.n
	for _, q := range o.kept {
		ps.add(q.line, q.index, func() error { return q.err })
	}
	ps.n = n
}

// err returns the problems as one bounded error, nil if there are none.
func (ps *problems) err() error {
	var list errs.List
	for _, q := range ps.kept {
		list.Add(q.err)
	}
	for range ps.n - len(ps.kept) {
		list.Count()
	}
	return list.Err()
}
