package cs

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo

	"pgregory.net/rapid"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		why string
		in  string
		ok  bool
	}{
		{"a plain day", "2026-06-30", true},
		{"a leap day in a leap year", "2028-02-29", true},
		{"a leap day in a common year", "2026-02-29", false},
		{"1900 is not a leap year (century rule)", "1900-02-29", false},
		{"2000 is a leap year (400 rule)", "2000-02-29", true},
		{"April has 30 days", "2026-04-31", false},
		{"the first supported day", "0001-01-01", true},
		{"the last supported day", "9999-12-31", true},
		{"there is no year 0", "0000-12-31", false},
		{"month 13", "2026-13-01", false},
		{"day 0", "2026-01-00", false},
		{"single-digit month", "2026-1-01", false},
		{"slashes", "2026/01/01", false},
		{"a time of day", "2026-01-01T00:00:00Z", false},
		{"a sign", "+026-01-01", false},
		{"trailing space", "2026-01-01 ", false},
		{"empty", "", false},
	} {
		d, err := ParseDate(tc.in)
		if tc.ok != (err == nil) {
			t.Errorf("%s: ParseDate(%q) = %v, %v; want ok=%t", tc.why, tc.in, d, err, tc.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrInvalidDate) {
			t.Errorf("%s: ParseDate(%q) error %v does not wrap ErrInvalidDate", tc.why, tc.in, err)
		}
		if err == nil && d.String() != tc.in {
			t.Errorf("%s: ParseDate(%q).String() = %q", tc.why, tc.in, d.String())
		}
	}
}

func TestAddMonths(t *testing.T) {
	for _, tc := range []struct {
		why      string
		from     string
		n        int
		want     string
		wantDays int // calendar days from from to want
	}{
		{"a plain month", "2026-05-15", 1, "2026-06-15", 31},
		{"January 31 clamps to the end of February", "2026-01-31", 1, "2026-02-28", 28},
		{"and 13 months on to the next February", "2026-01-31", 13, "2027-02-28", 393},
		{"into a leap February", "2028-01-31", 1, "2028-02-29", 29},
		{"a leap-day contract renews on February 28", "2028-02-29", 12, "2029-02-28", 365},
		{"a year over a leap day has 366 days", "2027-03-01", 12, "2028-03-01", 366},
		{"backwards clamps too", "2026-03-31", -1, "2026-02-28", -31},
		{"backwards over a year end", "2026-05-15", -5, "2025-12-15", -151},
		{"31 to a 30-day month", "2026-08-31", 1, "2026-09-30", 30},
		{"zero months", "2026-08-31", 0, "2026-08-31", 0},
		{"December to January", "2026-12-31", 1, "2027-01-31", 31},
	} {
		from := MustParseDate(tc.from)
		got := from.AddMonths(tc.n)
		if got.String() != tc.want {
			t.Errorf("%s: %s.AddMonths(%d) = %s, want %s", tc.why, tc.from, tc.n, got, tc.want)
		}
		if days := from.DaysUntil(got); days != tc.wantDays {
			t.Errorf("%s: %s.DaysUntil(%s) = %d, want %d", tc.why, tc.from, got, days, tc.wantDays)
		}
	}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Days to renewal count calendar days: a day that is 23 or 25 hours long because of a
// daylight-saving change still counts as one, where dividing a time.Duration by 24
// hours would be off by one.
func TestDaysToRenewalAcrossDST(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	berlin := mustLoad(t, "Europe/Berlin")
	for _, tc := range []struct {
		why     string
		now     time.Time
		renewal string
		want    int
	}{
		{"New York springs forward on 2026-03-08 (a 23-hour day)", time.Date(2026, 3, 7, 0, 0, 0, 0, ny), "2026-03-09", 2},
		{"New York falls back on 2026-11-01 (a 25-hour day)", time.Date(2026, 10, 31, 23, 59, 0, 0, ny), "2026-11-02", 2},
		{"Berlin springs forward on 2026-03-29", time.Date(2026, 3, 28, 0, 30, 0, 0, berlin), "2026-03-30", 2},
		{"Berlin falls back on 2026-10-25", time.Date(2026, 10, 24, 23, 30, 0, 0, berlin), "2026-10-26", 2},
		{"the renewal day itself", time.Date(2026, 3, 8, 3, 0, 0, 0, ny), "2026-03-08", 0},
		{"a renewal already passed", time.Date(2026, 3, 9, 0, 0, 0, 0, ny), "2026-03-08", -1},
		{"a leap day in between", time.Date(2028, 2, 28, 12, 0, 0, 0, time.UTC), "2028-03-01", 2},
		{"no leap day in between", time.Date(2027, 2, 28, 12, 0, 0, 0, time.UTC), "2027-03-01", 1},
		{"a month end", time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC), "2026-02-01", 1},
		{"a year end", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), "2027-01-01", 1},
		{"a whole leap year", time.Date(2028, 1, 1, 0, 0, 0, 0, berlin), "2029-01-01", 366},
	} {
		c := Customer{ID: "c1", RenewalDate: MustParseDate(tc.renewal)}
		got, ok := c.DaysToRenewal(DateOf(tc.now))
		if !ok || got != tc.want {
			t.Errorf("%s: DaysToRenewal(%s) = %d, %t; want %d", tc.why, tc.now, got, ok, tc.want)
		}
	}
	// Why civil days: across the spring-forward day two midnights are 47 hours apart,
	// which a duration divided by 24 hours would count as one day.
	if h := MustParseDate("2026-03-09").In(ny).Sub(MustParseDate("2026-03-07").In(ny)).Hours(); h != 47 {
		t.Errorf("New York midnights around 2026-03-08 are %v hours apart, want 47", h)
	}
	if _, ok := (&Customer{ID: "c1"}).DaysToRenewal(MustParseDate("2026-01-01")); ok {
		t.Errorf("DaysToRenewal without a renewal date reports ok")
	}
}

// The civil day of an instant depends on the location: 23:30 UTC on June 30 is
// already July 1 in Tokyo, so the renewal is a day nearer there.
func TestDaysToRenewalTimeZones(t *testing.T) {
	tokyo := mustLoad(t, "Asia/Tokyo")
	la := mustLoad(t, "America/Los_Angeles")
	instant := time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC)
	c := Customer{ID: "c1", RenewalDate: MustParseDate("2026-07-01")}
	for _, tc := range []struct {
		why  string
		loc  *time.Location
		day  string
		want int
	}{
		{"in UTC it is still June 30", time.UTC, "2026-06-30", 1},
		{"in Tokyo (UTC+9) it is July 1 at 08:30", tokyo, "2026-07-01", 0},
		{"in Los Angeles (UTC-7) it is June 30 at 16:30", la, "2026-06-30", 1},
	} {
		today := DateOf(instant.In(tc.loc))
		if today.String() != tc.day {
			t.Errorf("%s: DateOf = %s, want %s", tc.why, today, tc.day)
		}
		if got, _ := c.DaysToRenewal(today); got != tc.want {
			t.Errorf("%s: DaysToRenewal = %d, want %d", tc.why, got, tc.want)
		}
	}
	// 23:30 in Tokyo is 14:30 UTC on the same day.
	if a, b := DateOf(time.Date(2026, 6, 30, 23, 30, 0, 0, tokyo)), DateOf(time.Date(2026, 6, 30, 23, 30, 0, 0, tokyo).UTC()); a != b {
		t.Errorf("23:30 Tokyo: %s there, %s in UTC; want the same day", a, b)
	}
	// 08:30 in Tokyo is 23:30 UTC the day before.
	morning := time.Date(2026, 7, 1, 8, 30, 0, 0, tokyo)
	if a, b := DateOf(morning), DateOf(morning.UTC()); a.DaysUntil(b) != -1 {
		t.Errorf("08:30 Tokyo: %s there, %s in UTC; want the day before in UTC", a, b)
	}
}

// Date.In gives the first instant of the day, which lies on that day in its location
// even where a daylight-saving change skips midnight (Sao Paulo, 2011 to 2018).
func TestDateInEveryZoneDay(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Sao_Paulo", "Australia/Lord_Howe", "Pacific/Apia"} {
		loc := mustLoad(t, name)
		for day := MustParseDate("2011-01-01"); day.Year < 2027; day = day.AddDays(1) {
			if name == "Pacific/Apia" && day.String() == "2011-12-30" {
				// Samoa skipped the day: it starts at the next day's midnight.
				if got := day.In(loc); got != time.Date(2011, 12, 31, 0, 0, 0, 0, loc) {
					t.Fatalf("%s: %s.In = %s, want the next midnight", name, day, got)
				}
				continue
			}
			if got := DateOf(day.In(loc)); got != day {
				t.Fatalf("%s: DateOf(%s.In) = %s", name, day, got)
			}
			if got := DateOf(day.In(loc).Add(-time.Nanosecond)); got == day {
				t.Fatalf("%s: %s.In = %s is not the first instant of the day", name, day, day.In(loc))
			}
		}
	}
}

func TestDateBasics(t *testing.T) {
	a, b := MustParseDate("2026-01-31"), MustParseDate("2026-02-01")
	if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("ordering of %s and %s is wrong", a, b)
	}
	if got := b.StartOfMonth(); got.String() != "2026-02-01" {
		t.Errorf("StartOfMonth = %s", got)
	}
	if got := MustParseDate("1970-01-01").Unix(); got != 0 {
		t.Errorf("1970-01-01.Unix() = %d, want 0", got)
	}
	if got := DateFromUnix(-1); got.String() != "1969-12-31" {
		t.Errorf("DateFromUnix(-1) = %s", got)
	}
	if got := (Date{}).String(); got != "" || !(Date{}).IsZero() || (Date{}).Valid() {
		t.Errorf("the zero Date: String %q, IsZero %t, Valid %t", got, (Date{}).IsZero(), (Date{}).Valid())
	}
	if _, err := NewDate(2026, 2, 30).MarshalText(); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("MarshalText(2026-02-30) error = %v, want ErrInvalidDate", err)
	}
	var d Date
	if err := d.UnmarshalText([]byte("2026-02-30")); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("UnmarshalText(2026-02-30) error = %v, want ErrInvalidDate", err)
	}
	if err := d.UnmarshalText(nil); err != nil || !d.IsZero() {
		t.Errorf("UnmarshalText(empty) = %v, %v; want the zero Date", d, err)
	}
	if got := a.AddDays(-31); got.String() != "2025-12-31" {
		t.Errorf("AddDays(-31) = %s", got)
	}
}

// Property: for any valid day, text, Unix days and AddDays agree with each other.
func TestDateProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDate().Draw(t, "d")
		n := rapid.IntRange(-5000, 5000).Draw(t, "n")
		if back, err := ParseDate(d.String()); err != nil || back != d {
			t.Fatalf("ParseDate(%s) = %v, %v", d, back, err)
		}
		if DateFromUnix(d.Unix()) != d {
			t.Fatalf("DateFromUnix(%s.Unix()) = %s", d, DateFromUnix(d.Unix()))
		}
		e := d.AddDays(n)
		if e.Valid() && d.DaysUntil(e) != n {
			t.Fatalf("%s.DaysUntil(%s) = %d, want %d", d, e, d.DaysUntil(e), n)
		}
		if e.Valid() && d.Compare(e) != cmpInt(d.Unix(), e.Unix()) {
			t.Fatalf("Compare(%s, %s) disagrees with Unix days", d, e)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-06-30", "2028-02-29", "2026-02-29", "0000-01-01", "9999-12-31", "2026-1-1", "", "２０２６-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		// time.Parse is the slow, obviously correct reference, except that it allows
		// year 0, which Date does not.
		ref, refErr := time.Parse(time.DateOnly, s)
		refOK := refErr == nil && ref.Year() >= 1 && len(s) == 10
		if (err == nil) != refOK {
			t.Fatalf("ParseDate(%q) = %v, %v; time.Parse says %v, %v", s, d, err, ref, refErr)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("ParseDate(%q) error %v does not wrap ErrInvalidDate", s, err)
			}
			return
		}
		if d != DateOf(ref) || d.String() != s {
			t.Fatalf("ParseDate(%q) = %s, time.Parse gives %s", s, d, DateOf(ref))
		}
	})
}
