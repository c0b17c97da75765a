package retention

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/successkit/cs"
)

// mrrCSV writes an mrr.csv of n customers paying 10.00 USD a month from
// 2024-01 to 2025-12, then the extra lines.
func mrrCSV(n int, extra string) string {
	var sb strings.Builder
	sb.WriteString("customer_id,subscription_id,month,mrr,currency\n")
	for c := range n {
		for m := range 24 {
			fmt.Fprintf(&sb, "c%05d,s,%s,10.00,USD\n", c, MustParseMonth("2024-01").Add(m))
		}
	}
	sb.WriteString(extra)
	return sb.String()
}

// A typo month far from the book's other months (2224-12 in a file of 2024 and
// 2025) is one bad record at its line: its customer is left out, the book keeps
// its two years, and the heap it needs does not grow with the typo.
func TestTypoMonth(t *testing.T) {
	in := mrrCSV(2000, "c00007,s,2224-12,10.00,USD\n")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b, err := ReadBook(strings.NewReader(in), "mrr.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if first, last := b.Months(); first != MustParseMonth("2024-01") || last != MustParseMonth("2025-12") {
		t.Errorf("Months = %s to %s, want 2024-01 to 2025-12", first, last)
	}
	errs := bookErrors(b)
	if fe := fieldError(b.Err()); b.Bad() != 1 || fe == nil || fe.File != "mrr.csv" || fe.Line != 2000*24+2 || !errors.Is(errs[0], ErrMonth) || fe.Record != "c00007" || fe.Field != "month" {
		t.Fatalf("Err = %v, want one ErrMonth at mrr.csv:%d for c00007", b.Err(), 2000*24+2)
	}
	if want := `retention: mrr.csv:48002: customer "c00007": month: "2224-12": invalid month: 2388 months from the book's other months (2024-01 to 2025-12)`; b.Err().Error() != want {
		t.Errorf("Err = %q, want %q", b.Err(), want)
	}
	if b.Len() != 1999 {
		t.Errorf("%d customers, want 1999", b.Len())
	}
	// 48,000 records at about 8 bytes each; two centuries of months for every
	// customer would be 2000 × 2412 × 8 = 38 MB.
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 2<<20 {
		t.Errorf("the book holds %d bytes, want under 2 MiB", grew)
	}
	runtime.KeepAlive(b)
}

// TestMonthOutliers checks the rule for months far from the others: more than
// 24 months from every month of the main body (the largest run, by records, of
// months at most 24 apart) is a bad record; 24 months is not.
func TestMonthOutliers(t *testing.T) {
	jan24 := MustParseMonth("2024-01")
	base := []Record{rec("a", "s", jan24, "1"), rec("a", "s", jan24.Add(1), "1"), rec("b", "s", jan24, "1")}
	for _, tc := range []struct {
		name  string
		extra []Record
		bad   int   // bad records
		first Month // the book's range
		last  Month
	}{
		{"24 months after is kept", []Record{rec("c", "s", jan24.Add(25), "1")}, 0, jan24, jan24.Add(25)},
		{"25 months after is bad", []Record{rec("c", "s", jan24.Add(26), "1")}, 1, jan24, jan24.Add(1)},
		{"25 months before is bad", []Record{rec("c", "s", jan24.Add(-25), "1")}, 1, jan24, jan24.Add(1)},
		{"two typos of the same month are both bad", []Record{rec("c", "s", jan24.Add(2400), "1"), rec("d", "s", jan24.Add(2400), "1")}, 2, jan24, jan24.Add(1)},
		{"a chain of months at most 24 apart is one body", []Record{rec("c", "s", jan24.Add(25), "1"), rec("c", "s", jan24.Add(49), "1")}, 0, jan24, jan24.Add(49)},
	} {
		b, err := NewBook(append(slicesClone(base), tc.extra...), Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		errs := bookErrors(b)
		if len(errs) != tc.bad {
			t.Errorf("%s: errors %v, want %d", tc.name, errs, tc.bad)
		}
		for _, e := range errs {
			if !errors.Is(e, ErrMonth) {
				t.Errorf("%s: error %v, want ErrMonth", tc.name, e)
			}
		}
		if first, last := b.Months(); first != tc.first || last != tc.last {
			t.Errorf("%s: Months = %s to %s, want %s to %s", tc.name, first, last, tc.first, tc.last)
		}
	}
}

func slicesClone(r []Record) []Record { return append([]Record(nil), r...) }

// A book whose main body of months spans more than MaxMonths is refused, with
// the line of the record at the odd end.
func TestSpanRefused(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(mrrCSV(10, ""))
	// One customer every 24 months back to 1970: a chain the outlier rule keeps.
	for m := MustParseMonth("2024-01").Add(-24); m >= MustParseMonth("1970-01"); m -= 24 {
		fmt.Fprintf(&sb, "old,s,%s,1.00,USD\n", m)
	}
	_, err := ReadBook(strings.NewReader(sb.String()), "mrr.csv", Options{})
	if !errors.Is(err, ErrPeriod) || !strings.Contains(err.Error(), "more than 600 months") {
		t.Fatalf("ReadBook = %v, want ErrPeriod over 600 months", err)
	}
	// The odd end is 1970-01 (most records are in 2024–2025), at the last line.
	if want := fmt.Sprintf(`retention: mrr.csv:%d: customer "old": month: "1970-01": invalid period: the book would span 1970-01 to 2025-12, more than 600 months`, 10*24+1+27); err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if _, err := NewBook([]Record{rec("a", "s", MustParseMonth("1970-01"), "1")}, Options{First: MustParseMonth("1970-01"), Last: MustParseMonth("2030-01")}); !errors.Is(err, ErrOption) {
		t.Errorf("a fixed range over MaxMonths = %v, want ErrOption", err)
	}
}

// bookErrors returns the errors a book keeps of its bad records.
func bookErrors(b *Book) []error {
	var out []error
	for _, q := range b.probs.kept {
		out = append(out, q.err)
	}
	return out
}

// fieldError returns the *cs.FieldError in err.
func fieldError(err error) *cs.FieldError {
	var fe *cs.FieldError
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}
