package cs

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// tb is what the checks need of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// fieldErrors returns the FieldErrors an error from a reader is made of, and fails
// if it holds anything else.
func fieldErrors(t tb, err error) []*FieldError {
	t.Helper()
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]*FieldError, len(list))
	for i, e := range list {
		fe, ok := e.(*FieldError)
		if !ok {
			t.Fatalf("reader error %T %v is not a *FieldError", e, e)
		}
		out[i] = fe
	}
	return out
}

// checkCSV reads arbitrary bytes and checks the reader's contract: no panic, rows in
// increasing line order, one error per row made of FieldErrors on that row's line,
// valid customers, and what was read writes and reads back equal.
func checkCSV(t tb, data []byte) {
	t.Helper()
	var good []Customer
	last := 0
	for rec, err := range (CSVOptions{}).ReadCSV(bytes.NewReader(data), "f.csv") {
		if rec.Line < 1 || (rec.Line <= last && rec.Line != 1) {
			t.Fatalf("line %d after line %d", rec.Line, last)
		}
		last = rec.Line
		if err != nil {
			for _, fe := range fieldErrors(t, err) {
				if fe.Line != rec.Line || fe.File != "f.csv" {
					t.Fatalf("error %v on record of line %d", fe, rec.Line)
				}
			}
			continue
		}
		if verr := rec.Customer.Validate(); verr != nil {
			t.Fatalf("reader delivered an invalid customer: %v", verr)
		}
		good = append(good, rec.Customer)
	}
	var buf bytes.Buffer
	if err := WriteCustomersCSV(&buf, good); err != nil {
		t.Fatalf("WriteCustomersCSV of what was read: %v", err)
	}
	var back []Customer
	for c, err := range ReadCustomersCSV(&buf, "back.csv") {
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		back = append(back, c)
	}
	if diff := cmp.Diff(good, back, moneyComparer, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("read, write, read (-first +second):\n%s", diff)
	}
}

// checkJSONL is checkCSV for JSON Lines.
func checkJSONL(t tb, data []byte) {
	t.Helper()
	var good []Customer
	last := 0
	for c, err := range ReadCustomersJSONL(bytes.NewReader(data), "f.jsonl") {
		if err != nil {
			fes := fieldErrors(t, err)
			line := fes[0].Line
			for _, fe := range fes {
				if fe.Line != line || fe.File != "f.jsonl" {
					t.Fatalf("one error spans lines %d and %d: %v", line, fe.Line, err)
				}
			}
			if line <= last {
				t.Fatalf("error on line %d after line %d", line, last)
			}
			last = line
			continue
		}
		if verr := c.Validate(); verr != nil {
			t.Fatalf("reader delivered an invalid customer: %v", verr)
		}
		good = append(good, c)
	}
	var buf bytes.Buffer
	if err := WriteCustomersJSONL(&buf, good); err != nil {
		t.Fatalf("WriteCustomersJSONL of what was read: %v", err)
	}
	var back []Customer
	for c, err := range ReadCustomersJSONL(&buf, "back.jsonl") {
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		back = append(back, c)
	}
	if diff := cmp.Diff(good, back, moneyComparer, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("read, write, read (-first +second):\n%s", diff)
	}
}

var csvSeeds = []string{
	csvHeader + "c1,Acme,smb,adoption,2026-01-01,2027-01-01,1200.50,USD,0.8,growth\n",
	csvHeader + "c1,\"multi\nline\",smb,,,,,,,\nc2,,,,,,12,JPY,,\n",
	csvHeader + "c1,,,,,,,,NaN,\nc1,,,,,,,,,\n,,,,,,,,,\n",
	csvHeader + "c1,\"bare\"quote,,,,,,,,\nc2\n",
	"id,bogus\n",
	"\uFEFFid,signal.x\r\nc1,1e308\r\nc2,-0\r\n",
	"",
	"id\n\"unterminated\n",
}

var jsonlSeeds = []string{
	`{"id":"c1","name":"Acme","stage":"adoption","mrr":"10 USD","signals":{"usage":0.5},"attributes":{"plan":"growth"}}` + "\n",
	"{\"id\":\"c1\"}\n{\"id\":\"c1\"}\n\n{}\n",
	`{"id":"c1","signals":{"a":1,"a":2}}` + "\n" + `{"id":"c2","x":1}`,
	"not json\n[]\nnull\n{\"id\":\"\\u0000\"}\r\n",
}

func FuzzReadCustomersCSV(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkCSV(t, data) })
}

func FuzzReadCustomersJSONL(f *testing.F) {
	for _, s := range jsonlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkJSONL(t, data) })
}

// Property: the readers never panic on arbitrary bytes, near-CSV bytes
// included, and keep their contract.
func TestReadersArbitraryBytesProperty(t *testing.T) {
	alphabet := rapid.SampledFrom([]byte("c1,\"\n\r.-0123456789eE aUSDJPYNfI"))
	rapid.Check(t, func(t *rapid.T) {
		var data []byte
		if rapid.Bool().Draw(t, "nearCSV") {
			data = append([]byte(csvHeader), rapid.SliceOf(alphabet).Draw(t, "body")...)
		} else {
			data = rapid.SliceOf(rapid.Byte()).Draw(t, "data")
		}
		checkCSV(t, data)
		checkJSONL(t, data)
	})
}

// Property: the readers report the right line. Rows of a written book,
// some with multi-line quoted cells, are broken on purpose; each broken row yields
// one error on the line where it starts and every other row is delivered.
func TestReadersReportTheRightLineProperty(t *testing.T) {
	// Text without capitals, so the currency marker below occurs nowhere else.
	text := rapid.StringMatching(`[a-z "\n,]{0,6}`)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "n")
		book := make([]Customer, n)
		bad := make([]bool, n)
		for i := range book {
			book[i] = Customer{ID: fmt.Sprintf("c%d", i), Name: text.Draw(t, "name"), Segment: text.Draw(t, "segment"),
				MRR: MustParseMoney("5 USD")}
			if bad[i] = rapid.Bool().Draw(t, "bad"); bad[i] {
				book[i].MRR = MustParseMoney("5 ISK") // replaced by an unknown currency below
			}
		}
		// Where each row starts, counted on the written text, independently of the reader.
		var out bytes.Buffer
		w := NewCSVWriter(&out, LayoutOf(book))
		lines := make([]int, n)
		for i := range book {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			lines[i] = 1 + bytes.Count(out.Bytes(), []byte("\n"))
			if err := w.Write(&book[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		csvText := strings.ReplaceAll(out.String(), ",ISK\n", ",XXX\n")

		var jsonl bytes.Buffer
		jsonLines := make([]int, n)
		for i := range book {
			jsonLines[i] = i + 1
			b, err := book[i].MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			jsonl.Write(b)
			jsonl.WriteByte('\n')
		}
		jsonText := strings.ReplaceAll(jsonl.String(), `"5.00 ISK"`, `"5.00 XXX"`)
		jsonText = strings.ReplaceAll(jsonText, `"5 ISK"`, `"5 XXX"`)

		check := func(format string, seq func(yield func(Customer, error) bool), want []int) {
			i := 0
			for c, err := range seq {
				if i >= n {
					t.Fatalf("%s: more records than rows", format)
				}
				if bad[i] {
					if err == nil {
						t.Fatalf("%s: row %d (%s) was not refused", format, i, book[i].ID)
					}
					fe := fieldErrors(t, err)[0]
					if fe.Line != want[i] || !errors.Is(err, ErrUnknownCurrency) || fe.Record != book[i].ID {
						t.Fatalf("%s: row %d error %v, want line %d", format, i, err, want[i])
					}
				} else if err != nil || c.ID != book[i].ID {
					t.Fatalf("%s: row %d = %v, %v; want %s", format, i, c.ID, err, book[i].ID)
				}
				i++
			}
			if i != n {
				t.Fatalf("%s: %d records, want %d", format, i, n)
			}
		}
		check("csv", ReadCustomersCSV(strings.NewReader(csvText), "f.csv"), lines)
		check("jsonl", ReadCustomersJSONL(strings.NewReader(jsonText), "f.jsonl"), jsonLines)
	})
}

func TestReadCustomersCSVHeaderErrors(t *testing.T) {
	for _, tc := range []struct {
		why, text, want string
	}{
		{"an empty file has no header", "", `customers.csv:1: header: missing`},
		{"the id column is required", "name\nAcme\n", `customers.csv:1: header: "id": missing`},
		{"an unknown column is named", "id,mrr,currency,sigal.usage\n", `customers.csv:1: header: "sigal.usage": unknown field`},
		{"a repeated column", "id,name,name\n", `customers.csv:1: header: "name": duplicate`},
		{"mrr needs its currency column", "id,mrr\n", `customers.csv:1: header: "currency": missing (mrr needs its currency)`},
		{"an empty signal name", "id,signal.\n", `customers.csv:1: header: "signal.": unknown field`},
		{"malformed quoting in the header", "id,\"name\n", "customers.csv:1: record: syntax error: a quote opened on this line is never closed"},
		{"a file saved with semicolons", "id;name;mrr\nc1;a;2\n", `customers.csv:1: header: "id;name;mrr": syntax error: one column whose name holds semicolons: the file seems to be separated by semicolons; save it with commas`},
		{"UTF-16 text", "\xff\xfei\x00d\x00\n\x00", "customers.csv:1: header: syntax error: the file is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"},
		{"several problems at once", "id,x,y\n", "customers.csv:1: header: \"x\": unknown field\ncustomers.csv:1: header: \"y\": unknown field"},
	} {
		_, errs := readAll(t, tc.text)
		if len(errs) != 1 || errs[0].Error() != tc.want {
			t.Errorf("%s: ReadCustomersCSV(%q) errors = %v, want %s", tc.why, tc.text, errs, tc.want)
		}
	}
}

// CSVOptions.Extra accepts the snapshots.csv layout: a leading as_of column, and
// several rows per customer with AllowDuplicateIDs.
func TestCSVOptionsExtra(t *testing.T) {
	text := "as_of,id,mrr,currency,signal.usage\n2026-05-31,c1,10,USD,0.5\n2026-06-30,c1,12,USD,0.6\n"
	opts := CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
	var got []string
	for rec, err := range opts.ReadCSV(strings.NewReader(text), "snapshots.csv") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %s %s %v", rec.Line, rec.Extra[0], rec.Customer.ID, rec.Customer.MRR, rec.Customer.Signals["usage"]))
	}
	want := []string{"2 2026-05-31 c1 10.00 USD 0.5", "3 2026-06-30 c1 12.00 USD 0.6"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("snapshots (-want +got):\n%s", diff)
	}
	// Without the option the second row is a duplicate, and without Extra as_of is unknown.
	_, errs := readAll(t, "id,mrr,currency\nc1,10,USD\nc1,12,USD\n")
	if len(errs) != 1 || errs[0].Error() != `customers.csv:3: customer "c1": id: "c1": duplicate (first on line 2)` {
		t.Errorf("repeated ID: errors %v", errs)
	}
	for rec, err := range (CSVOptions{Extra: []string{"as_of"}}).ReadCSV(strings.NewReader(text), "snapshots.csv") {
		if rec.Line == 3 && !errors.Is(err, ErrDuplicate) {
			t.Errorf("line 3: error %v, want ErrDuplicate", err)
		}
	}
	for _, err := range ReadCustomersCSV(strings.NewReader(text), "snapshots.csv") {
		if !errors.Is(err, ErrUnknownField) || !strings.Contains(err.Error(), `"as_of"`) {
			t.Errorf("as_of without Extra: error %v, want ErrUnknownField naming as_of", err)
		}
	}
	for _, err := range (CSVOptions{Extra: []string{"as_of"}}).ReadCSV(strings.NewReader("id\nc1\n"), "x.csv") {
		if !errors.Is(err, ErrMissing) {
			t.Errorf("Extra column absent from the header: error %v, want ErrMissing", err)
		}
	}
	for _, err := range (CSVOptions{Extra: []string{"signal.x"}}).ReadCSV(strings.NewReader("id\nc1\n"), "x.csv") {
		if err == nil {
			t.Errorf("an Extra name in the signal namespace was accepted")
		}
	}
	for _, err := range (CSVOptions{Extra: []string{"as_of", "as_of"}}).ReadCSV(strings.NewReader("as_of,id\n"), "x.csv") {
		if !errors.Is(err, ErrDuplicate) {
			t.Errorf("a repeated Extra name: error %v, want ErrDuplicate", err)
		}
	}
}

// FuzzDecodeLine holds CustomerDecoder.DecodeLine to ReadCSV on the same one-line
// row: the same customer, or an error for both.
func FuzzDecodeLine(f *testing.F) {
	for _, s := range []string{"c1,Acme,1200.50,USD,0.5", "c1,\"A, Inc.\",,,", "\"c1", ",,,,", "c1,a,12,00,USD,x"} {
		f.Add(s)
	}
	header := []string{"id", "name", "mrr", "currency", "signal.usage"}
	d, err := (CSVOptions{}).NewDecoder(header, "f.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n\r") {
			return // one line of text, as a pipeline hands it
		}
		got, gerr := d.DecodeLine(line, 2)
		var want CSVRecord
		var werr error
		n := 0
		for rec, err := range (CSVOptions{}).ReadCSV(strings.NewReader(strings.Join(header, ",")+"\n"+line+"\n"), "f.csv") {
			want, werr = rec, err
			n++
		}
		if n == 0 { // an empty line is no row for ReadCSV
			return
		}
		if (gerr == nil) != (werr == nil) || gerr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeLine(%q) = %+v, %v; ReadCSV gives %+v, %v", line, got, gerr, want, werr)
		}
	})
}

// FuzzParseValues feeds the small parsers arbitrary text: none panics, and what
// they accept formats back to text they accept again.
func FuzzParseValues(f *testing.F) {
	for _, s := range []string{"12.50", "-0.001", "1,5", "USD", "usd", "renewal", "", "1e3", "+7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDecimal(s); err == nil {
			if back, err := ParseDecimal(d.String()); err != nil || !back.Equal(d) {
				t.Fatalf("ParseDecimal(%q) = %v, which reads back as %v, %v", s, d, back, err)
			}
		}
		if c, err := ParseCurrency(s); err == nil && string(c) != s {
			t.Fatalf("ParseCurrency(%q) = %q", s, c)
		}
		if st, err := ParseStage(s); err == nil && st.String() != s {
			t.Fatalf("ParseStage(%q) = %v", s, st)
		}
		if err := CheckID(s); err == nil && (s == "" || strings.ContainsFunc(s, unicode.IsControl) || !utf8.ValidString(s)) {
			t.Fatalf("CheckID(%q) accepted", s)
		}
	})
}
