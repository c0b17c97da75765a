package health

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/successkit/cs"
)

// Sentinel errors. Errors returned by this package wrap one of them (or one of
// the cs package's sentinels, such as cs.ErrNotFinite for a NaN signal), so
// callers can test the kind of a failure with errors.Is. A located problem is a
// *cs.FieldError, the module's one located error, behind the package's
// "health: " prefix: errors.As finds it.
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

// wrap gives an error of this package or of internal/stats the package prefix.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("health: %w", err)
}

// at locates err at path in an input of several records ("[3]",
// "observations[12]"): the path is put in front of the field of the
// *cs.FieldError err carries (its other wrapping is dropped; its cause is kept),
// or err becomes the cause of a FieldError at path. The result has the package
// prefix.
func at(path string, err error) error {
	var fe *cs.FieldError
	if !errors.As(err, &fe) {
		return wrap(&cs.FieldError{Field: path, Err: err})
	}
	located := *fe
	located.Field = joinPath(path, fe.Field)
	return wrap(&located)
}

// joinPath appends a field to a path: "a" + "b" is "a.b", "a" + "[2]" is "a[2]".
func joinPath(path, field string) string {
	switch {
	case field == "":
		return path
	case path == "":
		return field
	case strings.HasPrefix(field, "["):
		return path + field
	}
	return path + "." + field
}

// reindex moves a *cs.FieldError whose path starts with from[i] to to[pick[i]],
// keeping the rest of its path: the stats package names a backtest's rows by
// their position in what it was given, this package by their position in the
// caller's input. Other errors are returned as they are.
func reindex(err error, from, to string, pick []int) error {
	var fe *cs.FieldError
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, from+"[") {
		return err
	}
	rest := fe.Field[len(from)+1:]
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return err
	}
	i, perr := strconv.Atoi(rest[:end])
	if perr != nil || i < 0 || i >= len(pick) {
		return err
	}
	moved := *fe
	moved.Field = to + "[" + strconv.Itoa(pick[i]) + "]" + rest[end+1:]
	return wrap(&moved)
}
