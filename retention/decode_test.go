package retention

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
)

const musicJSON = `{
  "name": "music streaming", "pricing": "subscription", "uses_per_month": 60,
  "cancel_any_time": true, "cancellation_fee": "0", "notice_days": 0,
  "self_serve_cancel": true, "cancel_easy_to_find": true, "initial_cost": "0",
  "recurring_charge": "9.99 USD", "last_release": "2026-06-20", "releases_per_year": 26,
  "data_collected": true, "data_consented": true, "data_tailors_product": true
}`

// TestDecodeOffering checks that the JSON form decodes to the same Offering as the
// Go literal of the seed case, and that the phone contract's fee months decode.
func TestDecodeOffering(t *testing.T) {
	got, err := DecodeOffering(strings.NewReader(musicJSON))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(musicStreaming, got, cmp.Comparer(func(a, b cs.Money) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("DecodeOffering (-want +got):\n%s", diff)
	}
	list, err := DecodeOfferings(strings.NewReader(`[{"name":"phone contract","pricing":"subscription",
		"cancel_any_time":true,"cancellation_fee":"9500 JPY","fee_months":{"cycle":24,"free":[24]},
		"recurring_charge":"7000 JPY"}, {"name":"empty"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Offering{phoneContract, {Name: "empty"}}, list, cmp.Comparer(func(a, b cs.Money) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("DecodeOfferings (-want +got):\n%s", diff)
	}
}

// TestDecodeOfferingErrors checks that every malformed input is an error naming
// its JSON path and wrapping the sentinel of the fault.
func TestDecodeOfferingErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
		path string // the message's start after "retention: "
	}{
		// Not JSON, or more than one value.
		{`{`, cs.ErrSyntax, "$: "},
		{`{} {}`, cs.ErrSyntax, "$: "},
		{``, cs.ErrSyntax, "$: "},
		// Not an object.
		{`[]`, cs.ErrWrongType, "$: "},
		{`null`, cs.ErrWrongType, "$: "},
		// Unknown and repeated keys.
		{`{"nmae":"x"}`, cs.ErrUnknownField, "nmae: "},
		{`{"name":"x","name":"y"}`, cs.ErrDuplicateKey, "name: "},
		// Wrong types.
		{`{"uses_per_month":"often"}`, cs.ErrWrongType, "uses_per_month: "},
		{`{"cancel_any_time":1}`, cs.ErrWrongType, "cancel_any_time: "},
		{`{"notice_days":1.5}`, cs.ErrWrongType, "notice_days: "},
		// Values out of range.
		{`{"pricing":"rental"}`, ErrOption, `pricing: "rental": `},
		{`{"uses_per_month":-1}`, cs.ErrNegative, `uses_per_month: "-1": `},
		{`{"notice_days":-3}`, cs.ErrNegative, `notice_days: "-3": `},
		// Money and dates.
		{`{"initial_cost":"10"}`, cs.ErrNotDecimal, `initial_cost: "10": `},
		{`{"initial_cost":"1e3 USD"}`, cs.ErrNotDecimal, "initial_cost: "},
		{`{"initial_cost":"10 XXQ"}`, cs.ErrUnknownCurrency, "initial_cost: "},
		{`{"initial_cost":10}`, cs.ErrWrongType, "initial_cost: "},
		{`{"cancellation_fee":"-5 USD"}`, cs.ErrNegative, "cancellation_fee: "},
		{`{"last_release":"2026-13-01"}`, cs.ErrInvalidDate, "last_release: "},
		// Fee months.
		{`{"fee_months":{"free":[1]}}`, cs.ErrMissing, "fee_months.cycle: "},
		{`{"fee_months":{"cycle":0}}`, ErrOption, "fee_months.cycle: "},
		{`{"fee_months":{"cycle":24,"free":[24,25]}}`, ErrOption, "fee_months.free[1]: "},
		{`{"fee_months":{"cycle":24,"every":2}}`, cs.ErrUnknownField, "fee_months.every: "},
		{`{"fee_months":[24]}`, cs.ErrWrongType, "fee_months: "},
	} {
		_, err := DecodeOffering(strings.NewReader(tc.in))
		if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "retention: "+tc.path) {
			t.Errorf("DecodeOffering(%s) = %v, want %v at %s", tc.in, err, tc.want, tc.path)
		}
	}
	// In a list the path carries the index, and the good offerings are kept.
	got, err := DecodeOfferings(strings.NewReader(`[{"name":"a"},{"name":"b","uses_per_month":-1},{"name":"c"},{"nam":"d"}]`))
	if !errors.Is(err, cs.ErrNegative) || !errors.Is(err, cs.ErrUnknownField) ||
		!strings.Contains(err.Error(), "[1].uses_per_month") || !strings.Contains(err.Error(), "[3].nam") {
		t.Errorf("DecodeOfferings = %v, want [1].uses_per_month negative and [3].nam unknown", err)
	}
	if len(got) != 2 || got[0].Name != "a" || got[1].Name != "c" {
		t.Errorf("DecodeOfferings kept %+v, want a and c", got)
	}
	if _, err := DecodeOfferings(strings.NewReader(`{"name":"a"}`)); !errors.Is(err, cs.ErrWrongType) {
		t.Errorf("DecodeOfferings(object) = %v, want cs.ErrWrongType", err)
	}
}

// TestDecodersBadJSON feeds the same bad inputs to both decoders: each gives the
// library's sentinel and a message naming the path, and a byte-order mark is
// accepted.
func TestDecodersBadJSON(t *testing.T) {
	deep := `{"name":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`
	decoders := []struct {
		name   string
		decode func(string) error
		wrap   func(string) string // the input as this decoder's document
		at     string              // the path of the offering
	}{
		{"DecodeOffering", func(in string) error { _, err := DecodeOffering(strings.NewReader(in)); return err }, func(o string) string { return o }, ""},
		{"DecodeOfferings", func(in string) error { _, err := DecodeOfferings(strings.NewReader(in)); return err }, func(o string) string { return "[" + o + "]" }, "[0]."},
	}
	for _, d := range decoders {
		for _, tc := range []struct {
			name string
			in   string
			want error  // nil: accepted
			path string // after "retention: "
		}{
			{"unknown key", d.wrap(`{"name":"a","colour":"red"}`), cs.ErrUnknownField, d.at + "colour"},
			{"duplicate key", d.wrap(`{"name":"a","name":"b"}`), cs.ErrDuplicateKey, d.at + "name"},
			{"wrong type", d.wrap(`{"notice_days":"thirty"}`), cs.ErrWrongType, d.at + "notice_days"},
			// The outer array of DecodeOfferings counts as one level.
			{"10,000 levels", d.wrap(deep), cs.ErrSyntax, d.at + "name" + strings.Repeat("[0]", 63-len(d.at)/3)},
			{"byte-order mark", "\uFEFF" + d.wrap(`{"name":"a"}`), nil, ""},
			{"trailing data", d.wrap(`{"name":"a"}`) + ` {}`, cs.ErrSyntax, "$"},
		} {
			err := d.decode(tc.in)
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("%s: %s: %v, want no error", d.name, tc.name, err)
			case tc.want != nil && (!errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "retention: "+tc.path+": ")):
				t.Errorf("%s: %s: %v, want %v at %s", d.name, tc.name, err, tc.want, tc.path)
			}
			if err != nil && len(err.Error()) > 4096 {
				t.Errorf("%s: %s: a %d-byte error", d.name, tc.name, len(err.Error()))
			}
		}
	}
}

// A million bad offerings and a 100 MB value give errors of a few lines.
func TestDecodeOfferingsBounded(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds 100 MB of input")
	}
	var sb strings.Builder
	sb.WriteString("[")
	for i := range 1000000 {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"notice_days":-1}`)
	}
	sb.WriteString("]")
	_, err := DecodeOfferings(strings.NewReader(sb.String()))
	if !errors.Is(err, cs.ErrNegative) || len(err.Error()) > 4096 || !strings.HasSuffix(err.Error(), "and 999990 more problems") {
		t.Errorf("a million bad offerings: %d-byte error ending %q", len(err.Error()), err.Error()[max(0, len(err.Error())-60):])
	}
	huge := `{"name":"` + strings.Repeat("x", 100<<20) + `","pricing":"` + strings.Repeat("y", 100<<20) + `"}`
	_, err = DecodeOffering(strings.NewReader(huge))
	if !errors.Is(err, ErrOption) || len(err.Error()) > 4096 {
		t.Errorf("a 100 MB value: %d-byte error", len(err.Error()))
	}
}

// FuzzDecodeOffering checks that no input panics, that every error is prefixed and
// that what decodes passes Validate and can be checked without error (asOf after
// any release the decoder accepts is not guaranteed, so a date-order error is allowed).
func FuzzDecodeOffering(f *testing.F) {
	f.Add(musicJSON)
	f.Add(`{"name":"phone","cancellation_fee":"9500 JPY","fee_months":{"cycle":24,"free":[24]},"recurring_charge":"7000 JPY"}`)
	f.Add(`{"pricing":"ownership","uses_per_month":0.5}`)
	f.Add(`{"initial_cost":"10 EUR","recurring_charge":"1 USD"}`)
	f.Add(`{"last_release":"2030-01-01"}`)
	f.Add(`{"fee_months":{"cycle":3,"free":[1,1,1,1]},"cancellation_fee":"1 USD"}`)
	f.Add(`[1,2]`)
	f.Add("\uFEFF{\"name\":\"a\",\"name\":\"b\"}")
	f.Fuzz(func(t *testing.T, in string) {
		o, err := DecodeOffering(strings.NewReader(in))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "retention: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			return
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("decoded offering fails Validate: %v", err)
		}
		k, _ := NewChecker(Thresholds{MaxCancellationFeeRatio: 1})
		a, err := k.Check(o, asOf)
		if err != nil {
			if !errors.Is(err, cs.ErrDateOrder) && !errors.Is(err, cs.ErrCurrencyMismatch) {
				t.Fatalf("Check: %v", err)
			}
			return
		}
		for _, c := range a.Criteria {
			if (c.Verdict == Met) != (len(c.Changes) == 0) {
				t.Fatalf("criterion %d %v with changes %q", c.Criterion, c.Verdict, c.Changes)
			}
		}
	})
}

// A JSON null is not an array of offerings: it must not read as an empty list, which
// would let a blanked-out file pass as "nothing to check".
func TestDecodeOfferingsNull(t *testing.T) {
	for _, in := range []string{"null", " null\n"} {
		if got, err := DecodeOfferings(strings.NewReader(in)); !errors.Is(err, cs.ErrWrongType) {
			t.Errorf("DecodeOfferings(%q) = %v, %v; want cs.ErrWrongType", in, got, err)
		}
	}
	if got, err := DecodeOfferings(strings.NewReader("[]")); err != nil || len(got) != 0 {
		t.Errorf("DecodeOfferings([]) = %v, %v; want no offering, no error", got, err)
	}
}

// FuzzDecodeOfferings checks that no input panics, that every error is prefixed,
// bounded and names a path, and that every offering returned passes Validate.
func FuzzDecodeOfferings(f *testing.F) {
	f.Add("[" + musicJSON + "]")
	f.Add(`[{"name":"a"},{"name":"b","uses_per_month":-1},{"nam":"d"},null]`)
	f.Add(`[{"fee_months":{"cycle":2,"free":[3]}}, {"fee_months":{}}]`)
	f.Add(`null`)
	f.Add("\uFEFF[]")
	f.Fuzz(func(t *testing.T, in string) {
		list, err := DecodeOfferings(strings.NewReader(in))
		if err != nil && (!strings.HasPrefix(err.Error(), "retention: ") || len(err.Error()) > 8192) {
			t.Fatalf("error %q lacks the prefix or is unbounded", err)
		}
		for _, o := range list {
			if err := o.Validate(); err != nil {
				t.Fatalf("offering %+v fails Validate: %v", o, err)
			}
		}
	})
}
