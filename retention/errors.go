package retention

import "errors"

// Sentinel errors of this package. Every error it returns wraps one of them or a
// sentinel of the root package (cs.ErrNotDecimal, cs.ErrCurrencyMismatch,
// cs.ErrNegative, cs.ErrUnknownField, ...), so callers can use errors.Is.
var (
	// ErrUndefined: a result that has no value for the input, such as a ratio over an
	// empty base or a lifetime value at zero churn. It is never reported as 0 or Inf.
	ErrUndefined = errors.New("undefined")
	// ErrMonth: text that is not a month in the form YYYY-MM, or a month outside the book.
	ErrMonth = errors.New("not a month (want YYYY-MM)")
	// ErrNoRate: an amount in a currency for which the caller supplied no exchange rate.
	ErrNoRate = errors.New("no exchange rate")
	// ErrPeriod: a period whose end is not after its start, or outside the book.
	ErrPeriod = errors.New("invalid period")
	// ErrSurvivors: survivor counts that cannot describe a cohort (fewer than two,
	// negative, increasing, or a first count of zero).
	ErrSurvivors = errors.New("invalid survivor counts")
	// ErrNoConvergence: the maximum-likelihood search did not converge.
	ErrNoConvergence = errors.New("fit did not converge")
	// ErrJSON: input that is not exactly one well-formed JSON value of the
	// expected shape.
	ErrJSON = errors.New("malformed JSON")
	// ErrOption: a threshold or option outside its documented range.
	ErrOption = errors.New("invalid option")
)
