package cs

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Every error this package returns wraps one of them, so callers
// can test the kind of a failure with errors.Is whatever the message says.
var (
	// ErrCurrencyMismatch: an operation combined two amounts in different currencies.
	ErrCurrencyMismatch = errors.New("currency mismatch")
	// ErrUnknownCurrency: a code that is not an active ISO 4217 currency.
	ErrUnknownCurrency = errors.New("unknown currency")
	// ErrNotDecimal: text that is not a plain decimal number ("12,00", "1e3", "").
	ErrNotDecimal = errors.New("not a decimal")
	// ErrNotNumber: text that is not a number where a signal value was expected.
	ErrNotNumber = errors.New("not a number")
	// ErrNotFinite: a NaN or an infinity, refused wherever numbers enter the library.
	ErrNotFinite = errors.New("not finite")
	// ErrNegative: a negative amount or count where the documentation forbids one.
	ErrNegative = errors.New("negative")
	// ErrInvalidDate: text that is not a valid civil date in the form YYYY-MM-DD.
	ErrInvalidDate = errors.New("not a date (want YYYY-MM-DD)")
	// ErrDateOrder: two dates in the wrong order, such as a renewal before the contract start.
	ErrDateOrder = errors.New("date out of order")
	// ErrMissing: a required value is absent.
	ErrMissing = errors.New("missing")
	// ErrUnknownField: a column or key this package does not know.
	ErrUnknownField = errors.New("unknown field")
	// ErrDuplicate: a value that must be unique, such as a customer ID, occurs twice.
	ErrDuplicate = errors.New("duplicate")
	// ErrInvalidStage: a lifecycle stage that is not one of the defined words.
	ErrInvalidStage = errors.New("unknown lifecycle stage")
	// ErrInvalidRate: an exchange rate that is zero, negative or between the wrong currencies.
	ErrInvalidRate = errors.New("invalid exchange rate")
	// ErrRange: an integer or amount too large for the representation asked for.
	ErrRange = errors.New("out of range")
	// ErrSyntax: a record that cannot be parsed at all: malformed CSV quoting, or a
	// JSON Lines line that is not one JSON object.
	ErrSyntax = errors.New("syntax error")
	// ErrWrongType: a JSON value of the wrong type, such as a number where a string
	// is expected.
	ErrWrongType = errors.New("wrong type")
)

// FieldError locates a bad input value: the file and line it came from (when it came
// from a file), the record it belongs to, the field and the offending text. Its message
// reads like a compiler's:
//
//	customers.csv:17: mrr: "12,00": not a decimal
//
// File, Line, Record and Value are each optional; Field and Err are always set.
// Unwrap returns Err, so errors.Is(err, ErrNotDecimal) works through a FieldError.
type FieldError struct {
	File   string // source name, such as "customers.csv"; may be empty
	Line   int    // 1-based line (or JSON Lines record) number; 0 if not from a file
	Record string // the record's ID, such as a customer ID; may be empty
	Field  string // the field or JSON path, such as "mrr" or "signal.usage"
	Value  string // the offending text, quoted in the message; may be empty
	Err    error  // the cause, normally one of the sentinel errors
}

// Error formats the location, the field, the quoted value and the cause.
func (e *FieldError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		b.WriteString(e.File)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	case e.File != "":
		b.WriteString(e.File)
		b.WriteString(": ")
	case e.Line > 0:
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	default:
		b.WriteString("cs: ")
	}
	if e.Record != "" {
		b.WriteString("customer ")
		b.WriteString(strconv.Quote(e.Record))
		b.WriteString(": ")
	}
	b.WriteString(e.Field)
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
func (e *FieldError) Unwrap() error { return e.Err }
