package cs

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing/iotest"

	"errors"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
	"strings"
	"testing"
)

// readAll collects every customer and error of a CSV text.
func readAll(t *testing.T, text string) ([]Customer, []error) {
	t.Helper()
	var cs []Customer
	var errs []error
	for c, err := range ReadCustomersCSV(strings.NewReader(text), "customers.csv") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cs = append(cs, c)
	}
	return cs, errs
}

const csvHeader = "id,name,segment,stage,contract_start,renewal_date,mrr,currency,signal.usage,attr.plan\n"

func TestReadCustomersCSVRowErrors(t *testing.T) {
	for _, tc := range []struct {
		why  string
		row  string
		want string // the error message, "" for a good row
		is   error
	}{
		{"a complete good row", "c1,Acme,smb,adoption,2026-01-01,2027-01-01,1200.50,USD,0.8,growth", "", nil},
		{"every optional cell empty", "c1,,,,,,,,,", "", nil},
		{"a comma decimal", `c1,,,,,,"12,00",USD,,`,
			`customers.csv:2: customer "c1": mrr: "12,00": not a decimal: a decimal comma? write 12.00`, ErrNotDecimal},
		{"negative MRR is refused", "c1,,,,,,-5,USD,,", `customers.csv:2: customer "c1": mrr: "-5": negative`, ErrNegative},
		{"NaN signal is refused", "c1,,,,,,,,NaN,", `customers.csv:2: customer "c1": signal.usage: "NaN": not finite`, ErrNotFinite},
		{"infinite signal is refused", "c1,,,,,,,,-Inf,", `customers.csv:2: customer "c1": signal.usage: "-Inf": not finite`, ErrNotFinite},
		{"overflowing signal is refused", "c1,,,,,,,,1e400,", `customers.csv:2: customer "c1": signal.usage: "1e400": out of range`, ErrRange},
		{"text signal is refused", "c1,,,,,,,,high,", `customers.csv:2: customer "c1": signal.usage: "high": not a number`, ErrNotNumber},
		{"mrr without currency", "c1,,,,,,10,,,", `customers.csv:2: customer "c1": currency: missing (mrr "10" has no currency)`, ErrMissing},
		{"currency without mrr", "c1,,,,,,,USD,,", `customers.csv:2: customer "c1": mrr: missing (currency "USD" has no mrr)`, ErrMissing},
		{"unknown currency", "c1,,,,,,10,usd,,", `customers.csv:2: customer "c1": currency: "usd": unknown currency`, ErrUnknownCurrency},
		{"renewal before start", "c1,,,,2026-05-01,2026-04-30,,,,",
			`customers.csv:2: customer "c1": renewal_date: "2026-04-30": date out of order: before contract_start 2026-05-01`, ErrDateOrder},
		{"impossible date", "c1,,,,2026-02-29,,,,,", `customers.csv:2: customer "c1": contract_start: "2026-02-29": not a date (want YYYY-MM-DD)`, ErrInvalidDate},
		{"unknown stage", "c1,,,Adoption,,,,,,", `customers.csv:2: customer "c1": stage: "Adoption": unknown lifecycle stage`, ErrInvalidStage},
		{"missing id", ",Acme,,,,,,,,", `customers.csv:2: id: missing`, ErrMissing},
		{"too few cells", "c1,Acme", `customers.csv:2: record: wrong number of fields: 2 cells, header has 10`, nil},
	} {
		cs, errs := readAll(t, csvHeader+tc.row+"\n")
		if tc.want == "" {
			if len(errs) != 0 || len(cs) != 1 {
				t.Errorf("%s: ReadCustomersCSV(%q) = %v, %v; want one customer", tc.why, tc.row, cs, errs)
			}
			continue
		}
		if len(errs) != 1 || len(cs) != 0 {
			t.Errorf("%s: ReadCustomersCSV(%q) = %v, %v; want one error", tc.why, tc.row, cs, errs)
			continue
		}
		if got := errs[0].Error(); got != tc.want {
			t.Errorf("%s: ReadCustomersCSV(%q) error = %s, want %s", tc.why, tc.row, got, tc.want)
		}
		if tc.is != nil && !errors.Is(errs[0], tc.is) {
			t.Errorf("%s: ReadCustomersCSV(%q) error %v does not wrap %v", tc.why, tc.row, errs[0], tc.is)
		}
	}
}

// Property: CSV write then read returns equal customers.
func TestCSVRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := genBook().Draw(t, "book")
		var buf bytes.Buffer
		if err := WriteCustomersCSV(&buf, book); err != nil {
			t.Fatalf("WriteCustomersCSV: %v", err)
		}
		var got []Customer
		for c, err := range ReadCustomersCSV(bytes.NewReader(buf.Bytes()), "book.csv") {
			if err != nil {
				t.Fatalf("ReadCustomersCSV of\n%s\n: %v", buf.String(), err)
			}
			got = append(got, c)
		}
		if diff := cmp.Diff(book, got, moneyComparer, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s\nfile:\n%s", diff, buf.String())
		}
	})
}

// Property: the reader matches columns by name, so any order of the columns reads
// the same customers.
func TestCSVColumnOrderProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := genBook().Draw(t, "book")
		var buf bytes.Buffer
		if err := WriteCustomersCSV(&buf, book); err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		perm := rapid.Permutation(seq(len(records[0]))).Draw(t, "perm")
		// Re-encoded with appendCell: encoding/csv's writer would turn a CR LF in a
		// cell into LF.
		var b []byte
		for _, rec := range records {
			for i, j := range perm {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendCell(b, rec[j])
			}
			b = append(b, '\n')
		}
		out := bytes.NewReader(b)
		var got []Customer
		for c, err := range ReadCustomersCSV(out, "shuffled.csv") {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, c)
		}
		if diff := cmp.Diff(book, got, moneyComparer, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("columns %v (-want +got):\n%s", perm, diff)
		}
	})
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// A failing reader ends the sequence with one error; a failing writer is reported;
// a caller may stop ranging early.
func TestCSVIOErrorsAndEarlyStop(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader(csvHeader+"c1,,,,,,,,,\n"), iotest.ErrReader(boom))
	var ids []string
	var errs []error
	for c, err := range ReadCustomersCSV(r, "customers.csv") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, c.ID)
	}
	if len(ids) != 1 || len(errs) != 1 || !errors.Is(errs[0], boom) || !strings.HasPrefix(errs[0].Error(), "customers.csv:3: ") {
		t.Errorf("failing reader: customers %v, errors %v", ids, errs)
	}
	if err := WriteCustomersCSV(failWriter{boom}, []Customer{{ID: "c1"}}); !errors.Is(err, boom) {
		t.Errorf("failing writer: error %v", err)
	}
	n := 0
	for range ReadCustomersCSV(strings.NewReader(csvHeader+"c1,,,,,,,,,\nc2,,,,,,,,,\n"), "x.csv") {
		n++
		break
	}
	for range ReadCustomersJSONL(strings.NewReader("{\"id\":\"a\"}\n{\"id\":\"b\"}\n"), "x.jsonl") {
		n++
		break
	}
	if n != 2 {
		t.Errorf("early stop ranged %d times, want 2", n)
	}
	errs = errs[:0]
	for _, err := range ReadCustomersJSONL(iotest.ErrReader(boom), "x.jsonl") {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Errorf("failing JSONL reader: errors %v", errs)
	}
	if err := WriteCustomersJSONL(failWriter{boom}, []Customer{{ID: "c1"}}); !errors.Is(err, boom) {
		t.Errorf("failing JSONL writer: error %v", err)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }
