package effort

import "errors"

// Sentinel errors of this package; errors returned here wrap one of them or one of
// the root package's (cs.ErrMissing, cs.ErrDateOrder, cs.ErrNotFinite, ...).
var (
	// ErrScale: a survey kind that is not ces2, ces1 or nps, or not a CES scale where one is needed.
	ErrScale = errors.New("unknown survey scale")
	// ErrScore: a survey answer that is not an integer within its scale.
	ErrScore = errors.New("score out of scale")
	// ErrChannel: a contact channel that is not one of the defined words.
	ErrChannel = errors.New("unknown channel")
	// ErrEvent: a case event that is not opened, resolved or reopened.
	ErrEvent = errors.New("unknown case event")
	// ErrUnknownCase: a contact or event for a case that was never opened.
	ErrUnknownCase = errors.New("unknown case")
	// ErrFuture: a time after "now".
	ErrFuture = errors.New("time after now")
	// ErrCustomerMismatch: a record naming a different customer than its case's.
	ErrCustomerMismatch = errors.New("customer differs from the case's customer")
	// ErrConfig: an invalid configuration value.
	ErrConfig = errors.New("invalid configuration")
)
