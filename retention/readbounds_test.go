package retention

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/successkit/cs"
)

// ReadMRR yields one error per bad row, naming file, line, customer and column,
// and keeps yielding the good rows after it; IDs with control characters are
// refused.
func TestReadMRRIterator(t *testing.T) {
	in := "customer_id,subscription_id,month,mrr,currency\n" +
		"a,s1,2026-01,10.50,USD\n" +
		"b,s1,2026-01,-1,USD\n" + // negative
		"c\x00,s1,2026-01,1,USD\n" + // NUL in the ID
		"d,s\x01,2026-01,1,USD\n" + // control character in the subscription
		"e,s1,2026-01,0.125,USD\n" + // finer than a cent: kept exactly
		"f,s1,2026-01,3,JPY\n"
	var got []string
	for r, err := range ReadMRR(strings.NewReader(in), "mrr.csv") {
		if err != nil {
			got = append(got, err.Error())
			continue
		}
		got = append(got, r.Customer+" "+r.Subscription+" "+r.Month.String()+" "+r.MRR.String())
	}
	want := []string{
		"a s1 2026-01 10.50 USD",
		`retention: mrr.csv:3: customer "b": mrr: "-1": negative`,
		`retention: mrr.csv:4: customer_id: "c\x00": invalid identifier (control character or not UTF-8)`,
		`retention: mrr.csv:5: customer "d": subscription_id: "s\x01": invalid identifier (control character or not UTF-8)`,
		"e s1 2026-01 0.125 USD",
		"f s1 2026-01 3 JPY",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ReadMRR yields\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A bad header ends the sequence with one error naming the file.
	n := 0
	for _, err := range ReadMRR(strings.NewReader("customer,month\na,2026-01\n"), "x.csv") {
		n++
		if !errors.Is(err, cs.ErrUnknownField) || !strings.HasPrefix(err.Error(), "retention: x.csv:1: ") {
			t.Errorf("bad header: %v", err)
		}
	}
	if n != 1 {
		t.Errorf("bad header: %d yields, want 1", n)
	}
}

// A 100 MB line is one bounded error at its line, read without holding it in
// memory, and the rows after it still count; a quote left open refuses the
// whole file instead of swallowing it.
func TestReadMRRHostile(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("reads 100 MB")
	}
	head := "customer_id,subscription_id,month,mrr,currency\na,s,2026-01,1,USD\n"
	long := "b,s,2026-01," + strings.Repeat("9", 100<<20) + ",USD\n"
	tail := "a,s,2026-02,1,USD\nc,s,2026-02,2,USD\n"
	r := strings.NewReader(head + long + tail)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b, err := ReadBook(r, "mrr.csv", Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Customers(), ","); got != "a,c" || b.Bad() != 1 {
		t.Errorf("customers %s, %d bad; want a,c and 1", got, b.Bad())
	}
	if e := b.Err(); !errors.Is(e, cs.ErrTooLong) || len(e.Error()) > 200 || !strings.HasPrefix(e.Error(), "retention: mrr.csv:3: ") {
		t.Errorf("Err = %.300v (%d bytes), want ErrTooLong at mrr.csv:3", e, len(e.Error()))
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("reading allocated %d MB beside the 100 MB input", grew>>20)
	}
	open := head + "\"b,s,2026-01,1,USD\n" + tail
	if _, err := ReadBook(strings.NewReader(open), "mrr.csv", Options{}); !errors.Is(err, cs.ErrSyntax) || !strings.Contains(err.Error(), "mrr.csv:3") {
		t.Errorf("a quote left open: %v, want cs.ErrSyntax at line 3", err)
	}
}

// A million bad rows cost a counter each: the book's error stays a few lines.
func TestReadBookMillionBad(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("reads a million rows")
	}
	var sb strings.Builder
	sb.WriteString("customer_id,subscription_id,month,mrr,currency\nok,s,2026-01,1,USD\n")
	for range 1000000 {
		sb.WriteString("c,s,2026-01,-1,USD\n")
	}
	b, err := ReadBook(strings.NewReader(sb.String()), "mrr.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := b.Err()
	if b.Bad() != 1000000 || len(e.Error()) > 2048 || !strings.HasSuffix(e.Error(), "and 999990 more problems") {
		t.Errorf("Bad %d, a %d-byte error ending %q", b.Bad(), len(e.Error()), e.Error()[max(0, len(e.Error())-40):])
	}
}

// FuzzReadMRRRecords checks that the iterator never panics, that every error is
// prefixed, bounded and located in the file, and that every record it yields
// is one NewBook accepts.
func FuzzReadMRRRecords(f *testing.F) {
	f.Add("customer_id,subscription_id,month,mrr,currency\na,s,2026-01,10,USD\na,s,2026-02,12.50,USD\nb,s,2026-02,3,USD\n")
	f.Add("month,mrr,currency,customer_id,subscription_id\n2026-01,10,EUR,a,s\n2026-01,10,USD,b,s\n")
	f.Add("\xef\xbb\xbfcustomer_id,subscription_id,month,mrr,currency\na,s,2026-1,10,USD\n\"b\",s,2026-01,-1,USD\nc,s,2026-01,1e3,USD\n")
	f.Add("customer_id,subscription_id,month,mrr,currency\n\"a\nb\",s,2026-01,0.0000001,KWD\n")
	f.Fuzz(func(t *testing.T, in string) {
		for r, err := range ReadMRR(strings.NewReader(in), "mrr.csv") {
			if err != nil {
				if !strings.HasPrefix(err.Error(), "retention: mrr.csv") || len(err.Error()) > 1024 {
					t.Fatalf("error %q lacks its location or is unbounded", err)
				}
				continue
			}
			b, err := NewBook([]Record{r}, Options{})
			if err != nil || b.Bad() > 0 && !errors.Is(b.Err(), cs.ErrRange) {
				t.Fatalf("NewBook(%+v) = %v, %v", r, err, b.Err())
			}
		}
	})
}
