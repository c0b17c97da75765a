package touch

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors of this package. Errors also wrap the root package's sentinels
// where they fit (cs.ErrNegative, cs.ErrDuplicate, cs.ErrCurrencyMismatch,
// cs.ErrMissing, cs.ErrUnknownField, cs.ErrDateOrder).
var (
	// ErrUnknownTier: a tier word that is not "high", "low" or "tech".
	ErrUnknownTier = errors.New("unknown tier")
	// ErrThresholdOrder: the high-touch threshold is not above the low-touch one,
	// or tech touch, the floor, was given a threshold.
	ErrThresholdOrder = errors.New("thresholds out of order")
	// ErrNoRate: a value in a currency other than the policy's, with no rate to
	// convert it. It also wraps cs.ErrCurrencyMismatch.
	ErrNoRate = errors.New("no exchange rate")
	// ErrInvalid: a policy setting outside its documented range.
	ErrInvalid = errors.New("out of range")
)

// Error locates a bad policy setting or a bad account: the JSON path of the
// policy field ("high.min_value") or the account's index and field
// ("accounts[3].value"), the account's ID when there is one, and the offending
// text. Its message starts with the package name:
//
//	touch: customer "C7": accounts[3].value: "-5.00 USD": negative
//
// Unwrap returns Err, so errors.Is(err, cs.ErrNegative) works through an Error.
type Error struct {
	Path   string // JSON path of the policy field or account field
	Record string // the account's ID; empty for policy errors
	Value  string // the offending text; may be empty
	Err    error  // the cause, normally a sentinel error
}

// Error formats the location, the quoted value and the cause.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("touch: ")
	if e.Record != "" {
		b.WriteString("customer ")
		b.WriteString(strconv.Quote(e.Record))
		b.WriteString(": ")
	}
	b.WriteString(e.Path)
	if e.Value != "" {
		b.WriteString(": ")
		b.WriteString(strconv.Quote(e.Value))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
