package cs

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/successkit/cs/internal/errs"
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
	// ErrUnknownField: a column or JSON key that is not part of the format. Every
	// package of the module reports an unknown key with this same value.
	ErrUnknownField = errs.ErrUnknownField
	// ErrDuplicateKey: a JSON key that occurs twice in one object. Every package of
	// the module reports a repeated key with this same value.
	ErrDuplicateKey = errs.ErrDuplicateKey
	// ErrDuplicate: a value that must be unique, such as a customer ID, occurs twice.
	ErrDuplicate = errors.New("duplicate")
	// ErrInvalidStage: a lifecycle stage that is not one of the defined words.
	ErrInvalidStage = errors.New("unknown lifecycle stage")
	// ErrInvalidRate: an exchange rate that is zero, negative or between the wrong currencies.
	ErrInvalidRate = errors.New("invalid exchange rate")
	// ErrRange: an integer or amount too large for the representation asked for.
	ErrRange = errs.ErrRange
	// ErrSyntax: input that cannot be parsed at all: malformed CSV quoting,
	// malformed JSON, data after a JSON value, nesting deeper than the decoders'
	// limit of 64 arrays and objects.
	ErrSyntax = errs.ErrSyntax
	// ErrWrongType: a JSON value of the wrong kind, such as a number where a string
	// is expected.
	ErrWrongType = errs.ErrWrongType
	// ErrTooLong: a line or record longer than the reader's limit (1 MiB unless
	// configured).
	ErrTooLong = errs.ErrTooLong
	// ErrInvalidID: an identifier holding a control character (NUL, a line break,
	// ...) or bytes that are not UTF-8.
	ErrInvalidID = errors.New("invalid identifier (control character or not UTF-8)")
)

// CheckID reports whether id can identify a record: nil for a usable ID, an error
// wrapping ErrMissing for an empty one, and ErrInvalidID for one holding a control
// character (U+0000–U+001F, U+007F–U+009F) or invalid UTF-8. Every reader of the
// module checks its IDs (customer, contact, case, subscription, play) with it.
func CheckID(id string) error {
	if id == "" {
		return ErrMissing
	}
	for i := 0; i < len(id); {
		c := id[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F {
				return ErrInvalidID
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(id[i:])
		if r == utf8.RuneError && size == 1 || r >= 0x80 && r <= 0x9F {
			return ErrInvalidID
		}
		i += size
	}
	return nil
}

// FieldError locates a bad input value: the file and line it came from (when it came
// from a file), the record it belongs to, the field or JSON path and the offending
// text. It is the one located error of the module: every package reports a bad
// value, line, record or configuration entry with it, and adds its package name by
// wrapping ("health: profiles[0].weight: ..."). Its message reads like a
// compiler's:
//
//	customers.csv:17: customer "c42": mrr: "12,00": not a decimal
//
// File, Line, Record and Value are each optional; Field and Err are normally set.
// Field is a column name or a JSON path relative to what was decoded
// ("signals.usage", "plays[2].actions[0].due_days", "[3].mrr" for the fourth
// element of a batch, "$" for a whole document). The message quotes at most the
// first 64 bytes of Value and of Record, then "…", so it stays short whatever the
// input; the readers and decoders of the module also cut the Value they keep.
// Unwrap returns Err, so errors.Is(err, ErrNotDecimal) works through a FieldError.
type FieldError struct {
	File   string // source name, such as "customers.csv"; may be empty
	Line   int    // 1-based line (or JSON Lines record) number; 0 if not from a file
	Record string // the record's ID, such as a customer ID; may be empty
	Field  string // the field or JSON path, such as "mrr" or "signals.usage"
	Value  string // the offending text, quoted in the message; may be empty
	Err    error  // the cause, normally one of the sentinel errors
}

// Error formats the location, the field, the quoted value and the cause.
func (e *FieldError) Error() string {
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
	}
	switch {
	case e.File != "" && e.Line > 0:
		b.WriteString(e.File)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	case e.File != "":
		b.WriteString(e.File)
	case e.Line > 0:
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Record != "" {
		sep()
		b.WriteString("customer ")
		b.WriteString(strconv.Quote(errs.Clip(e.Record)))
	}
	if e.Field != "" {
		sep()
		b.WriteString(e.Field)
	}
	if e.Value != "" {
		sep()
		b.WriteString(strconv.Quote(errs.Clip(e.Value)))
	}
	if e.Err != nil {
		sep()
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }
