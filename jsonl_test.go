package cs

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

func readAllJSONL(text string) ([]Customer, []error) {
	var cs []Customer
	var errs []error
	for c, err := range ReadCustomersJSONL(strings.NewReader(text), "customers.jsonl") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cs = append(cs, c)
	}
	return cs, errs
}

func TestReadCustomersJSONLLineErrors(t *testing.T) {
	for _, tc := range []struct {
		why  string
		line string
		want string // the error message, "" for a good line
		is   error
	}{
		{"a complete good line", `{"id":"c1","name":"Acme","segment":"smb","stage":"adoption","contract_start":"2026-01-01","renewal_date":"2027-01-01","mrr":"1200.50 USD","signals":{"usage":0.8},"attributes":{"plan":"growth"}}`, "", nil},
		{"nulls are missing", `{"id":"c1","name":null,"mrr":null,"signals":{"usage":null},"attributes":null}`, "", nil},
		{"unknown keys are named", `{"id":"c1","mrrr":"1 USD"}`, `customers.jsonl:1: customer "c1": mrrr: unknown field`, ErrUnknownField},
		{"repeated keys are refused", `{"id":"c1","name":"a","name":"b"}`, `customers.jsonl:1: customer "c1": name: duplicate key`, ErrDuplicateKey},
		{"a comma decimal", `{"id":"c1","mrr":"12,00 USD"}`, `customers.jsonl:1: customer "c1": mrr: "12,00 USD": not a decimal: a decimal comma? write 12.00`, ErrNotDecimal},
		{"an amount without currency", `{"id":"c1","mrr":"12"}`, `customers.jsonl:1: customer "c1": mrr: "12": not a decimal: want "<amount> <currency>"`, ErrNotDecimal},
		{"negative MRR", `{"id":"c1","mrr":"-1.00 EUR"}`, `customers.jsonl:1: customer "c1": mrr: "-1.00 EUR": negative`, ErrNegative},
		{"unknown currency", `{"id":"c1","mrr":"1 XXX"}`, `customers.jsonl:1: customer "c1": mrr: "1 XXX": unknown currency`, ErrUnknownCurrency},
		{"a signal given as text", `{"id":"c1","signals":{"usage":"high"}}`, `customers.jsonl:1: customer "c1": signals.usage: "high": wrong type: want a number, got a string`, ErrWrongType},
		{"an overflowing signal", `{"id":"c1","signals":{"usage":1e999}}`, `customers.jsonl:1: customer "c1": signals.usage: "1e999": out of range: number does not fit a float64`, ErrRange},
		{"a number where text belongs", `{"id":"c1","name":5}`, `customers.jsonl:1: customer "c1": name: "5": wrong type: want a string, got a number`, ErrWrongType},
		{"signals not an object", `{"id":"c1","signals":[1]}`, `customers.jsonl:1: customer "c1": signals: "[1]": wrong type: want an object, got an array`, ErrWrongType},
		{"an ID with a control character", `{"id":"c\u0000"}`, `customers.jsonl:1: id: "c\x00": invalid identifier (control character or not UTF-8)`, ErrInvalidID},
		{"a byte-order mark", "\ufeff{\"id\":\"c1\"}", "", nil},
		{"nesting 10,000 deep", `{"id":"c1","signals":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, `customers.jsonl:1: customer "c1": signals` + strings.Repeat("[0]", 63) + `: "` + strings.Repeat("[", 64) + `…": syntax error: nested deeper than 64 arrays and objects at line 1, column 85`, ErrSyntax},
		{"an empty attribute", `{"id":"c1","attributes":{"plan":""}}`, `customers.jsonl:1: customer "c1": attributes.plan: missing (an empty attribute is left out)`, ErrMissing},
		{"renewal before start", `{"id":"c1","contract_start":"2026-05-01","renewal_date":"2026-04-30"}`, `customers.jsonl:1: customer "c1": renewal_date: "2026-04-30": date out of order: before contract_start 2026-05-01`, ErrDateOrder},
		{"missing id", `{"name":"Acme"}`, `customers.jsonl:1: id: missing`, ErrMissing},
		{"not JSON", `id,name`, `customers.jsonl:1: $: "id,name": syntax error: invalid character in a value at line 1, column 1`, ErrSyntax},
		{"two objects on a line", `{"id":"c1"}{"id":"c2"}`, `customers.jsonl:1: customer "c1": $: "{\"id\":\"c2\"}": syntax error: data after the JSON value at line 1, column 12`, ErrSyntax},
		{"an array, not an object", `[{"id":"c1"}]`, `customers.jsonl:1: $: "[{\"id\":\"c1\"}]": wrong type: want an object, got an array`, ErrWrongType},
	} {
		cs, errs := readAllJSONL(tc.line + "\n")
		if tc.want == "" {
			if len(errs) != 0 || len(cs) != 1 {
				t.Errorf("%s: ReadCustomersJSONL(%s) = %v, %v; want one customer", tc.why, tc.line, cs, errs)
			}
			continue
		}
		if len(errs) != 1 || len(cs) != 0 {
			t.Errorf("%s: ReadCustomersJSONL(%s) = %v, %v; want one error", tc.why, tc.line, cs, errs)
			continue
		}
		if got := errs[0].Error(); got != tc.want {
			t.Errorf("%s: ReadCustomersJSONL(%s) error = %s, want %s", tc.why, tc.line, got, tc.want)
		}
		if !errors.Is(errs[0], tc.is) {
			t.Errorf("%s: ReadCustomersJSONL(%s) error %v does not wrap %v", tc.why, tc.line, errs[0], tc.is)
		}
	}
}

// A bad line yields its error and the lines around it still arrive; blank lines
// count for the line numbers; a repeated ID is reported on its second line.
func TestReadCustomersJSONLContinues(t *testing.T) {
	text := "{\"id\":\"a\"}\r\n\n{\"id\":\"b\",\"mrr\":\"x USD\"}\n{\"id\":\"c\"}\n{\"id\":\"a\"}"
	cs, errs := readAllJSONL(text)
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	if diff := cmp.Diff([]string{"a", "c"}, ids); diff != "" {
		t.Errorf("customers (-want +got):\n%s", diff)
	}
	want := []string{
		`customers.jsonl:3: customer "b": mrr: "x USD": not a decimal`,
		`customers.jsonl:5: customer "a": id: "a": duplicate (first on line 1)`,
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// A known zero MRR is kept through JSON: Money.IsZero is true for it, so a plain
// omitzero tag would have dropped it.
func TestCustomerJSONKeepsZeroMRR(t *testing.T) {
	c := Customer{ID: "c1", MRR: MustParseMoney("0 USD")}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"c1","mrr":"0.00 USD"}`; string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
	var back Customer
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.HasMRR() || !back.MRR.Equal(c.MRR) {
		t.Errorf("json.Unmarshal(%s).MRR = %v, want %v", b, back.MRR, c.MRR)
	}
}

// Property: JSON Lines write then read returns equal customers.
func TestJSONLRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := genBook().Draw(t, "book")
		var buf bytes.Buffer
		if err := WriteCustomersJSONL(&buf, book); err != nil {
			t.Fatalf("WriteCustomersJSONL: %v", err)
		}
		var got []Customer
		for c, err := range ReadCustomersJSONL(bytes.NewReader(buf.Bytes()), "book.jsonl") {
			if err != nil {
				t.Fatalf("ReadCustomersJSONL of\n%s\n: %v", buf.String(), err)
			}
			got = append(got, c)
		}
		if diff := cmp.Diff(book, got, moneyComparer, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s\nfile:\n%s", diff, buf.String())
		}
	})
}

// A JSON null leaves a Customer as it is, as encoding/json does for other types;
// JSON Lines refuses a null line, which is not a customer.
func TestCustomerUnmarshalNull(t *testing.T) {
	var cs []*Customer
	if err := json.Unmarshal([]byte(`[null,{"id":"c1"}]`), &cs); err != nil || cs[0] != nil || cs[1].ID != "c1" {
		t.Errorf("json.Unmarshal = %v, %v", cs, err)
	}
	c := Customer{ID: "keep"}
	if err := c.UnmarshalJSON([]byte("null")); err != nil || c.ID != "keep" {
		t.Errorf("UnmarshalJSON(null) = %v, %v", c, err)
	}
	_, errs := readAllJSONL("null\n")
	if len(errs) != 1 || !errors.Is(errs[0], ErrWrongType) {
		t.Errorf("a null line: errors %v, want ErrWrongType", errs)
	}
}

// A line longer than the reader's buffer is read whole, and the next line keeps its number.
func TestReadCustomersJSONLLongLine(t *testing.T) {
	long := strings.Repeat("é", 100_000)
	text := `{"id":"c1","name":"` + long + "\"}\n{\"id\":\"c2\",\"x\":1}\n"
	cs, errs := readAllJSONL(text)
	if len(cs) != 1 || cs[0].Name != long {
		t.Errorf("long line: %d customers", len(cs))
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "customers.jsonl:2: ") {
		t.Errorf("after a long line: errors %v, want one on line 2", errs)
	}
}
