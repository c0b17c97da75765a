package health

import (
	"errors"
	"strings"
)

// Sentinel errors. Errors returned by this package wrap one of them (or one of
// the cs package's sentinels, such as cs.ErrNotFinite for a NaN signal), so
// callers can test the kind of a failure with errors.Is.
var (
	// ErrInvalidConfig: a configuration that does not decode or does not validate.
	ErrInvalidConfig = errors.New("invalid configuration")
	// ErrNoProfile: no profile's selector matches the customer.
	ErrNoProfile = errors.New("no profile matches")
	// ErrInvalidOverride: an override without reason, author or expiry, with
	// points outside [0,100], or naming a measure the profile does not have.
	ErrInvalidOverride = errors.New("invalid override")
	// ErrColumns: columnar input whose columns do not match the plan.
	ErrColumns = errors.New("columns do not match")
)

// ConfigError is one problem of a configuration, located by its JSON path
// ("profiles[0].groups[1].measures[0].bands[2]"). Its message reads
//
//	health: profiles[0].groups[1].measures[0].bands[2]: upper bound 40 is below lower bound 50
//
// and it unwraps to ErrInvalidConfig.
type ConfigError struct {
	Path string // JSON path of the offending value; "" for the document itself
	Msg  string // what is wrong, for people
}

// Error formats the path and the message, prefixed with the package name.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("health: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns ErrInvalidConfig.
func (e *ConfigError) Unwrap() error { return ErrInvalidConfig }
