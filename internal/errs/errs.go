// Package errs keeps the library's error messages bounded: a quoted value is cut to
// MaxValue bytes, and a list of problems keeps the first MaxProblems and counts the
// rest, so no message and no error list grows with the input.
package errs

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The sentinels shared by the readers and decoders of every package; the root
// package re-exports them under the same names.
var (
	// ErrSyntax: input that cannot be parsed: malformed JSON or CSV, data after the
	// value, nesting deeper than the limit.
	ErrSyntax = errors.New("syntax error")
	// ErrUnknownField: a key or column that is not part of the format.
	ErrUnknownField = errors.New("unknown field")
	// ErrDuplicateKey: a key that occurs twice in one JSON object.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrWrongType: a value of the wrong kind, such as a number where a string is
	// expected.
	ErrWrongType = errors.New("wrong type")
	// ErrRange: a number too large for the value it is decoded into.
	ErrRange = errors.New("out of range")
	// ErrTooLong: a line or record longer than the reader's limit.
	ErrTooLong = errors.New("too long")
)

// MaxValue is the number of bytes of an offending value kept in an error; a longer
// value is cut at a rune boundary and ends in "…".
const MaxValue = 64

// MaxProblems is the number of problems a List keeps; the others are only counted
// and reported as "and N more problems".
const MaxProblems = 10

// Clip returns s cut to at most MaxValue bytes at a rune boundary, followed by "…"
// when it was cut.
func Clip(s string) string {
	if len(s) <= MaxValue {
		return s
	}
	n := MaxValue
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ClipBytes is Clip of a byte slice, copying only what it keeps.
func ClipBytes(b []byte) string {
	if len(b) <= MaxValue {
		return string(b)
	}
	return Clip(string(b[:MaxValue+1]))
}

// List collects the problems of one input: it keeps the first MaxProblems errors
// and counts the rest. The zero value is an empty list ready to use.
type List struct {
	errs []error
	n    int
}

// Add appends err to the list; a nil err is ignored.
func (l *List) Add(err error) {
	if err == nil {
		return
	}
	l.n++
	if len(l.errs) < MaxProblems {
		l.errs = append(l.errs, err)
	}
}

// Count counts a problem without keeping it, for a caller that saw Full and
// skipped building the error.
func (l *List) Count() { l.n++ }

// Len returns the number of problems added, kept or only counted.
func (l *List) Len() int { return l.n }

// Errs returns the kept problems, in the order added. The slice is the list's
// own: callers may change the errors it holds (to add a record ID, say) but not
// the slice.
func (l *List) Errs() []error { return l.errs }

// Full reports whether the list keeps no more problems: a caller may then stop
// building detailed errors and only count.
func (l *List) Full() bool { return len(l.errs) >= MaxProblems }

// Err returns nil for an empty list, the error itself for a list of one, and
// otherwise an error whose message lists the kept problems one per line, followed
// by "and N more problems" when some were only counted. errors.Is and errors.As
// see every kept problem.
func (l *List) Err() error {
	switch {
	case l.n == 0:
		return nil
	case l.n == 1:
		return l.errs[0]
	}
	return &joined{errs: l.errs[:len(l.errs):len(l.errs)], more: l.n - len(l.errs)}
}

type joined struct {
	errs []error
	more int
}

func (j *joined) Error() string {
	var b strings.Builder
	for i, err := range j.errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(err.Error())
	}
	if j.more > 0 {
		b.WriteString("\nand ")
		b.WriteString(strconv.Itoa(j.more))
		if j.more == 1 {
			b.WriteString(" more problem")
		} else {
			b.WriteString(" more problems")
		}
	}
	return b.String()
}

func (j *joined) Unwrap() []error { return j.errs }
