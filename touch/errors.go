package touch

import (
	"errors"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Sentinel errors of this package. Errors also wrap the root package's sentinels
// where they fit (cs.ErrNegative, cs.ErrRange, cs.ErrDuplicate,
// cs.ErrCurrencyMismatch, cs.ErrMissing, cs.ErrUnknownField, cs.ErrDateOrder,
// and the JSON sentinels cs.ErrSyntax, cs.ErrDuplicateKey and cs.ErrWrongType).
var (
	// ErrInvalidPolicy: a policy that ParsePolicy cannot decode or Compile
	// refuses. Its errors wrap it together with one *cs.FieldError per problem.
	ErrInvalidPolicy = errors.New("invalid policy")
	// ErrUnknownTier: a tier word that is not "high", "low" or "tech".
	ErrUnknownTier = errors.New("unknown tier")
	// ErrThresholdOrder: the high-touch threshold is not above the low-touch one,
	// or tech touch, the floor, was given a threshold.
	ErrThresholdOrder = errors.New("thresholds out of order")
	// ErrNoRate: a value in a currency other than the policy's, with no rate to
	// convert it. It also wraps cs.ErrCurrencyMismatch.
	ErrNoRate = errors.New("no exchange rate")
)

// fieldErr locates a problem at a JSON path of the policy or a field of an
// account, quoting at most errs.MaxValue bytes of the offending text.
func fieldErr(path, value string, err error) *cs.FieldError {
	return &cs.FieldError{Field: path, Value: errs.Clip(value), Err: err}
}
