package cs

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Slow, obviously correct references for the fast code of this package.

// Hinnant's days_from_civil and civil_from_days agree with time.Date (the reference)
// on every day of the years 1900 to 2200.
func TestHinnantEveryDay1900To2200(t *testing.T) {
	first := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(2200, 12, 31, 0, 0, 0, 0, time.UTC)
	n := 0
	for tm := first; !tm.After(last); tm = tm.AddDate(0, 0, 1) {
		want := int(tm.Unix() / 86400)
		d := DateOf(tm)
		if got := d.Unix(); got != want {
			t.Fatalf("%s.Unix() = %d, want %d", d, got, want)
		}
		if got := DateFromUnix(want); got != d {
			t.Fatalf("DateFromUnix(%d) = %s, want %s", want, got, d)
		}
		n++
	}
	if n != 109938 { // 301 years, 73 of them leap years (1900 and 2100 are not, 2000 is)
		t.Fatalf("walked %d days, want 109938", n)
	}
}

// ... and on random days of the whole range 0001-01-01 to 9999-12-31.
func TestHinnantRandomDays(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		y := rapid.IntRange(1, 9999).Draw(t, "year")
		m := time.Month(rapid.IntRange(1, 12).Draw(t, "month"))
		d := rapid.IntRange(1, daysIn(y, m)).Draw(t, "day")
		tm := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		if tm.Day() != d || tm.Month() != m {
			t.Fatalf("daysIn(%d, %s) = %d, but time.Date normalises day %d", y, m, daysIn(y, m), d)
		}
		want := int(tm.Unix() / 86400)
		if got := NewDate(y, m, d).Unix(); got != want {
			t.Fatalf("%04d-%02d-%02d.Unix() = %d, want %d", y, m, d, got, want)
		}
		if got := DateFromUnix(want); got != NewDate(y, m, d) {
			t.Fatalf("DateFromUnix(%d) = %v", want, got)
		}
	})
}

// ParseDecimal agrees with decimal.NewFromString on every plain decimal, and refuses
// what NewFromString accepts but is not plain.
func TestParseDecimalAgainstNewFromString(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[+-]?[0-9]{1,40}(\.[0-9]{1,40})?`).Draw(t, "s")
		got, err := ParseDecimal(s)
		want, werr := decimal.NewFromString(s)
		if err != nil || werr != nil || !got.Equal(want) || got.Exponent() != want.Exponent() {
			t.Fatalf("ParseDecimal(%q) = %v (exp %d), %v; NewFromString = %v (exp %d), %v",
				s, got, got.Exponent(), err, want, want.Exponent(), werr)
		}
	})
	for _, s := range []string{"1e3", "1E-2", ".5", "5.", "-.5", " 1", "1 ", "1,5", "0x10", "", "-", "+", "1_000", "Inf", "NaN"} {
		if d, err := ParseDecimal(s); err == nil {
			t.Errorf("ParseDecimal(%q) = %v, want ErrNotDecimal", s, d)
		}
	}
}
