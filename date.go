package cs

import (
	"strings"

	"github.com/successkit/cs/internal/errs"

	"fmt"
	"time"
)

// Date is a civil date: a day of the proleptic Gregorian calendar with no time of day
// and no location. Contract and renewal arithmetic is done on Dates, so "days to
// renewal" is a count of calendar days, right across daylight-saving changes and
// whatever the time zone of the caller (convert a time.Time with DateOf in the
// location that matters to you).
//
// The zero Date means "no date" (IsZero is true); it is not a valid day. Dates
// compare with ==, Before, After and Compare.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date; it does not normalise (use Valid to check).
func NewDate(year int, month time.Month, day int) Date {
	return Date{Year: year, Month: month, Day: day}
}

// DateOf returns the calendar date of t in t's own location. "Now" in this library
// is always an argument: callers pass DateOf(time.Now().In(loc)) themselves.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses "YYYY-MM-DD" (ISO 8601 calendar date, four-digit year). The error
// wraps ErrInvalidDate for any other form and for days that do not exist (2026-02-29).
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, dateHint(s)
	}
	y, ok1 := atoiDigits(s[0:4])
	m, ok2 := atoiDigits(s[5:7])
	d, ok3 := atoiDigits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, ErrInvalidDate
	}
	date := Date{Year: y, Month: time.Month(m), Day: d}
	if !date.Valid() {
		return Date{}, ErrInvalidDate
	}
	return date, nil
}

// dateHint is the error for text that is not in the form YYYY-MM-DD, saying what
// to do when it looks like a date written another way.
func dateHint(s string) error {
	if n := len(s); n >= 8 && n <= 10 && strings.Count(s, "/")+strings.Count(s, ".") == 2 {
		return fmt.Errorf("%w: %q looks like a month/day or day/month date; write it as YYYY-MM-DD", ErrInvalidDate, s)
	}
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return fmt.Errorf("%w: a time where a date was expected; keep the YYYY-MM-DD part", ErrInvalidDate)
	}
	return ErrInvalidDate
}

// MustParseDate is ParseDate for tests and constants: it panics on an error.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(fmt.Sprintf("cs: date %q: %v", s, err))
	}
	return d
}

func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d is a real day of years 1 to 9999.
func (d Date) Valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days since 1970-01-01 (negative before), by
// Howard Hinnant's days_from_civil algorithm ("chrono-Compatible Low-Level Date
// Algorithms", 2013), exact for the whole proleptic Gregorian calendar.
func daysFromCivil(y int, m time.Month, d int) int {
	if m <= time.February {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (int(m) + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int) Date {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

// Unix returns the number of days from 1970-01-01 to d (negative before it). It is
// the key to sort or bucket dates by.
func (d Date) Unix() int { return daysFromCivil(d.Year, d.Month, d.Day) }

// DateFromUnix returns the date n days after 1970-01-01.
func DateFromUnix(n int) Date { return civilFromDays(n) }

// DaysUntil returns the number of calendar days from d to e: positive when e is
// later, negative when earlier, 0 on the same day.
func (d Date) DaysUntil(e Date) int { return e.Unix() - d.Unix() }

// AddDays returns the date n days after d (before, if n is negative).
func (d Date) AddDays(n int) Date { return civilFromDays(d.Unix() + n) }

// AddMonths returns the same day n months later, clamped to the end of a shorter
// month: 2026-01-31 plus one month is 2026-02-28, and plus 13 months 2027-02-28.
// Renewal terms are counted this way by most billing systems. d must be Valid and
// the result in years 1 to 9999.
func (d Date) AddMonths(n int) Date {
	total := d.Year*12 + int(d.Month) - 1 + n
	y, m := total/12, time.Month(total%12+1)
	day := d.Day
	if dim := daysIn(y, m); day > dim {
		day = dim
	}
	return Date{Year: y, Month: m, Day: day}
}

// StartOfMonth returns the first day of d's month.
func (d Date) StartOfMonth() Date { return Date{Year: d.Year, Month: d.Month, Day: 1} }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	}
	return cmpInt(d.Day, e.Day)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// In returns the first instant of d in loc: midnight, or, where a daylight-saving
// change skips midnight (America/Sao_Paulo on 2011-10-16), the instant the clocks
// jump, so DateOf(d.In(loc)) is d. For a day that a zone skipped entirely
// (Pacific/Apia, 2011-12-30) it returns the first instant after it.
func (d Date) In(loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if DateOf(t).Before(d) {
		// time.Date read the missing midnight with the offset in force after the
		// change, which lands before it; the day starts when that zone period ends.
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end
		}
	}
	return t
}

// String formats d as "YYYY-MM-DD"; the zero Date formats as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendTo(make([]byte, 0, 10)))
}

func (d Date) appendTo(b []byte) []byte {
	y := d.Year
	b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+int(d.Month)/10), byte('0'+int(d.Month)%10), '-')
	return append(b, byte('0'+d.Day/10), byte('0'+d.Day%10))
}

// debugString formats any Date, valid or not, for error messages.
func (d Date) debugString() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText encodes d as "YYYY-MM-DD", the zero Date as empty text. An invalid
// non-zero Date is an error wrapping ErrInvalidDate.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if !d.Valid() {
		return nil, fmt.Errorf("cs: date %s: %w", d.debugString(), ErrInvalidDate)
	}
	return d.appendTo(make([]byte, 0, 10)), nil
}

// UnmarshalText decodes "YYYY-MM-DD"; empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return fmt.Errorf("cs: %w", &FieldError{Field: "date", Value: errs.ClipBytes(b), Err: err})
	}
	*d = v
	return nil
}
