// Package csio holds the strict readers of the library's packages, reporting every
// problem as a *cs.FieldError: JSON decoding with jsonx's rules, whose errors name
// the JSON path, and CSV reading with csvx's bounds, whose errors name the file and
// line. The root package cannot import this package (it imports the root); it
// builds its FieldErrors the same way in its own readers.
package csio

import (
	"cmp"
	"errors"
	"io"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/csvx"
	"github.com/successkit/cs/internal/jsonx"
)

// DecodeJSON decodes the JSON document data into v (a non-nil pointer) with
// jsonx's rules: unknown keys, duplicate keys, values of the wrong kind, trailing
// data, malformed JSON and nesting deeper than jsonx.MaxDepth are errors, each a
// *cs.FieldError naming the JSON path, joined in a bounded list. The caller wraps
// the error with its package's prefix.
func DecodeJSON(data []byte, v any) error { return jsonx.Decode(data, v, LocateJSON) }

// LocateJSON is the jsonx.Locate of the library: it builds a *cs.FieldError. When
// the cause is itself a *cs.FieldError from parsing the value (ParseMoney,
// ParseDate, ...), its cause and quoted value are kept and its field name gives way
// to the path.
func LocateJSON(path, value string, err error) error {
	var fe *cs.FieldError
	if errors.As(err, &fe) && fe.File == "" && fe.Line == 0 {
		value, err = cmp.Or(fe.Value, value), fe.Err
	}
	return &cs.FieldError{Field: path, Value: value, Err: err}
}

// NewCSVReader returns a csvx Reader of r whose errors are *cs.FieldErrors naming
// file and the line.
func NewCSVReader(r io.Reader, file string, opt csvx.Options) *csvx.Reader {
	return csvx.NewReader(r, opt, LocateCSV(file))
}

// LocateCSV returns the csvx.Locate of file: it builds *cs.FieldErrors.
func LocateCSV(file string) csvx.Locate {
	return func(line int, field, value string, err error) error {
		return &cs.FieldError{File: file, Line: line, Field: field, Value: value, Err: err}
	}
}

// Columns binds a CSV header to a format's columns as csvx.Columns does, with the
// library's sentinels: an unknown column is cs.ErrUnknownField, a repeated one
// cs.ErrDuplicate, a missing required one cs.ErrMissing.
func Columns(file string, header, known, required []string) ([]int, error) {
	return csvx.Columns(header, known, required, LocateCSV(file), cs.ErrDuplicate, cs.ErrMissing)
}
