package store

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Page asks a listing for one page: the items after a cursor, at most Limit
// of them. Every listing has a stable order by a unique key (documented with
// the method), and After is that key of the last item seen, so a client pages
// through a table without offsets and without missing or repeating an item
// when rows are added meanwhile.
type Page struct {
	After string // the key of the last item of the previous page; "" starts at the first
	Limit int    // the most items to return; 0 or less means no limit
}

// limit returns the SQL LIMIT value of the page (-1: none on SQLite, NULL on
// PostgreSQL through the caller's args).
func (p Page) limit() any {
	if p.Limit <= 0 {
		return int64(math.MaxInt64)
	}
	return int64(p.Limit)
}

// timeFormat is how SQLite keeps instants: RFC 3339 in UTC with exactly six
// fractional digits, so text order is time order and values equal those of a
// PostgreSQL timestamptz.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// normTime returns t in UTC, truncated to the microsecond: what both databases
// keep.
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// dateArg is the parameter for a date: text on SQLite, a time at midnight UTC
// on PostgreSQL (which a COPY needs); the zero Date is NULL.
func (s *Store) dateArg(d cs.Date) any {
	if d.IsZero() {
		return nil
	}
	if s.dialect == PostgreSQL {
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	}
	return d.String()
}

// timeArg is the parameter for an instant; the zero time is NULL.
func (s *Store) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = normTime(t)
	if s.dialect == PostgreSQL {
		return t
	}
	return t.Format(timeFormat)
}

// dateCol scans a date column of either dialect into a cs.Date; NULL gives
// the zero Date.
type dateCol struct{ d *cs.Date }

func (c dateCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.d = cs.Date{}
	case time.Time:
		*c.d = cs.DateOf(x.UTC())
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	default:
		return fmt.Errorf("store: a date column holds %T", v)
	}
	return nil
}

func (c dateCol) parse(s string) error {
	if len(s) > 10 { // "2026-06-30T00:00:00Z" from a driver that formats DATE as a time
		s = s[:10]
	}
	d, err := cs.ParseDate(s)
	if err != nil {
		return fmt.Errorf("store: date column %q: %w", s, err)
	}
	*c.d = d
	return nil
}

// timeCol scans an instant column of either dialect; NULL gives the zero time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	var err error
	switch x := v.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = x.UTC()
	case string:
		*c.t, err = time.Parse(time.RFC3339Nano, x)
	case []byte:
		*c.t, err = time.Parse(time.RFC3339Nano, string(x))
	default:
		err = fmt.Errorf("store: a time column holds %T", v)
	}
	if err != nil {
		return fmt.Errorf("store: time column: %w", err)
	}
	return nil
}

// boolCol scans a boolean column of either dialect.
type boolCol struct{ b *bool }

func (c boolCol) Scan(v any) error {
	switch x := v.(type) {
	case bool:
		*c.b = x
	case int64:
		*c.b = x != 0
	case nil:
		*c.b = false
	default:
		return fmt.Errorf("store: a boolean column holds %T", v)
	}
	return nil
}

// checkText reports text no database keeps unchanged: NUL bytes (PostgreSQL
// refuses them) or invalid UTF-8.
func checkText(field, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return &cs.FieldError{Field: field, Value: clip(s), Err: ErrInvalidText}
		}
	}
	if !utf8.ValidString(s) {
		return &cs.FieldError{Field: field, Value: clip(s), Err: ErrInvalidText}
	}
	return nil
}

// checkID reports an ID that is empty (cs.ErrMissing), or holds control
// characters, NUL or invalid UTF-8 (cs.ErrInvalidID), naming the field.
func checkID(field, id string) error {
	if err := cs.CheckID(id); err != nil {
		return &cs.FieldError{Field: field, Value: clip(id), Err: err}
	}
	return nil
}

// checkFloat reports a NaN or infinite number, which SQLite would store as
// NULL.
func checkFloat(field string, f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return &cs.FieldError{Field: field, Value: strconv.FormatFloat(f, 'g', -1, 64), Err: cs.ErrNotFinite}
	}
	return nil
}

// clip cuts a value quoted in an error to errs.MaxValue bytes and "…".
func clip(s string) string { return errs.Clip(s) }
