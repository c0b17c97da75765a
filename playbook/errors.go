package playbook

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// The package's sentinels. Every error of the package wraps one of them or one
// of cs's ([cs.ErrSyntax], [cs.ErrUnknownField], [cs.ErrDuplicateKey],
// [cs.ErrWrongType], [cs.ErrMissing], [cs.ErrDuplicate], [cs.ErrRange],
// [cs.ErrNegative], [cs.ErrNotFinite], [cs.ErrInvalidDate], [cs.ErrDateOrder],
// [cs.ErrInvalidID], [cs.ErrInvalidStage]), inside a [*cs.FieldError] naming the
// JSON path or field at fault.
var (
	// ErrImpossible: a comparison that can never be true, such as
	// health.score > 100, tier < "high" or tier == "medium".
	ErrImpossible = errors.New("impossible comparison")
	// ErrUnknownValue: a word the field does not allow, such as the priority
	// "urgent", the channel "fax", the operator "=~" or the task state "closed".
	ErrUnknownValue = errors.New("unknown value")
	// ErrNotOpen: a task key with no open task in the History (never fired, or
	// already done, skipped or expired).
	ErrNotOpen = errors.New("no open task")
)

// prefix is what the package's errors start with; the cs.FieldError it wraps
// carries none.
const prefix = "playbook: "

// fieldErr locates a problem at a JSON path or field, quoting at most
// errs.MaxValue bytes of the offending text.
func fieldErr(path, value string, err error) *cs.FieldError {
	return &cs.FieldError{Field: path, Value: errs.Clip(value), Err: err}
}

// why adds a detail to a sentinel: "impossible comparison: > 120 is never true".
func why(err error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{err}, args...)...)
}

// wrap gives an error the package's prefix; nil stays nil.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s%w", prefix, err)
}

// wordErr is the error of a word an UnmarshalText refused, with the package's
// prefix; the strict JSON decoder keeps its value and cause and locates them at
// the value's path.
func wordErr(what, word string, err error) error {
	return wrap(fieldErr(what, word, err))
}

// locate is the jsonx.Locate of the package's decoders: the JSON path under
// root ("when", or "" for a document), keeping the value and the cause of a
// *cs.FieldError that an UnmarshalText or UnmarshalJSON returned.
func locate(root string) func(path, value string, err error) error {
	return func(path, value string, err error) error {
		var fe *cs.FieldError
		if errors.As(err, &fe) {
			value, err = cmp.Or(fe.Value, value), fe.Err
		}
		switch {
		case root == "":
		case path == "$":
			path = root
		case path != "" && path[0] == '[':
			path = root + path
		default:
			path = root + "." + path
		}
		return fieldErr(path, value, err)
	}
}

// rowErr locates a problem of one saved or recorded row: its path, the
// customer it belongs to, and the offending text.
func rowErr(path, record, value string, err error) *cs.FieldError {
	return &cs.FieldError{Record: errs.Clip(record), Field: path, Value: errs.Clip(value), Err: err}
}

// ofRecord names the customer in a row's error that does not name one.
func ofRecord(err error, record string) error {
	if fe, ok := err.(*cs.FieldError); ok && fe.Record == "" && !strings.HasSuffix(fe.Field, "customer_id") {
		fe.Record = errs.Clip(record)
	}
	return err
}
