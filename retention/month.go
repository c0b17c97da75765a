package retention

import (
	"fmt"
	"time"

	"github.com/successkit/cs"
)

// Month is a calendar month, counted as Year×12 + (Month−1) so that consecutive
// months are consecutive integers and a difference of two Months is a number of
// months. The zero Month is January of year 0 and is not used by any book.
type Month int32

// MonthOf returns the month of a date.
func MonthOf(d cs.Date) Month { return Month(d.Year*12 + int(d.Month) - 1) }

// NewMonth returns the month of year y.
func NewMonth(y int, m time.Month) Month { return Month(y*12 + int(m) - 1) }

// ParseMonth parses "YYYY-MM" with a four-digit year from 0001 to 9999. The error
// wraps ErrMonth.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("retention: month %q: %w, want YYYY-MM", s, ErrMonth)
	}
	y, m := 0, 0
	for i, c := range []byte(s) {
		if i == 4 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("retention: month %q: %w, want YYYY-MM", s, ErrMonth)
		}
		if i < 4 {
			y = y*10 + int(c-'0')
		} else {
			m = m*10 + int(c-'0')
		}
	}
	if y < 1 || m < 1 || m > 12 {
		return 0, fmt.Errorf("retention: month %q: %w, want YYYY-MM", s, ErrMonth)
	}
	return NewMonth(y, time.Month(m)), nil
}

// MustParseMonth is ParseMonth for tests and constants: it panics on an error.
func MustParseMonth(s string) Month {
	m, err := ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// Year returns the month's year.
func (m Month) Year() int { return int(m) / 12 }

// Month returns the month of the year.
func (m Month) Month() time.Month { return time.Month(int(m)%12 + 1) }

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month { return m + Month(n) }

// String formats m as "YYYY-MM".
func (m Month) String() string {
	y, mo := m.Year(), int(m.Month())
	b := [7]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-', byte('0' + mo/10), byte('0' + mo%10)}
	return string(b[:])
}

// MarshalText encodes m as "YYYY-MM"; the zero Month, which no book uses,
// encodes as empty text, so a missing month stays missing through JSON.
func (m Month) MarshalText() ([]byte, error) {
	if m == 0 {
		return []byte{}, nil
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes "YYYY-MM", and empty text as the zero Month.
func (m *Month) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = 0
		return nil
	}
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
