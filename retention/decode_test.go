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
		path string
	}{
		// Not JSON, or more than one value.
		{`{`, ErrJSON, "retention: offering:"},
		{`{} {}`, ErrJSON, "retention: offering:"},
		{``, ErrJSON, "retention: offering:"},
		// Not an object.
		{`[]`, ErrOption, "retention: offering:"},
		{`null`, cs.ErrMissing, "retention: offering:"},
		// Unknown and repeated keys.
		{`{"nmae":"x"}`, cs.ErrUnknownField, "offering.nmae"},
		{`{"name":"x","name":"y"}`, cs.ErrDuplicate, "offering.name"},
		// Wrong types and null values.
		{`{"uses_per_month":"often"}`, ErrOption, "offering.uses_per_month"},
		{`{"cancel_any_time":1}`, ErrOption, "offering.cancel_any_time"},
		{`{"notice_days":1.5}`, ErrOption, "offering.notice_days"},
		{`{"data_collected":null}`, cs.ErrMissing, "offering.data_collected"},
		// Values out of range.
		{`{"pricing":"rental"}`, ErrOption, "offering.pricing"},
		{`{"uses_per_month":-1}`, cs.ErrNegative, "offering.uses_per_month"},
		{`{"notice_days":-3}`, cs.ErrNegative, "offering.notice_days"},
		// Money and dates.
		{`{"initial_cost":"10"}`, cs.ErrNotDecimal, "offering.initial_cost"},
		{`{"initial_cost":"1e3 USD"}`, cs.ErrNotDecimal, "offering.initial_cost"},
		{`{"initial_cost":"10 XXQ"}`, cs.ErrUnknownCurrency, "offering.initial_cost"},
		{`{"initial_cost":10}`, ErrOption, "offering.initial_cost"},
		{`{"cancellation_fee":"-5 USD"}`, cs.ErrNegative, "offering.cancellation_fee"},
		{`{"last_release":"2026-13-01"}`, cs.ErrInvalidDate, "offering.last_release"},
		// Fee months.
		{`{"fee_months":{"free":[1]}}`, cs.ErrMissing, "offering.fee_months.cycle"},
		{`{"fee_months":{"cycle":0}}`, ErrOption, "offering.fee_months.cycle"},
		{`{"fee_months":{"cycle":24,"free":[24,25]}}`, ErrOption, "offering.fee_months.free[1]"},
		{`{"fee_months":{"cycle":24,"every":2}}`, cs.ErrUnknownField, "offering.fee_months.every"},
		{`{"fee_months":[24]}`, ErrOption, "offering.fee_months"},
	} {
		_, err := DecodeOffering(strings.NewReader(tc.in))
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.path) || !strings.HasPrefix(err.Error(), "retention: ") {
			t.Errorf("DecodeOffering(%s) = %v, want %v naming %s", tc.in, err, tc.want, tc.path)
		}
	}
	// In a list the path carries the index, and the good offerings are kept.
	got, err := DecodeOfferings(strings.NewReader(`[{"name":"a"},{"name":"b","uses_per_month":-1},{"name":"c"},{"nam":"d"}]`))
	if !errors.Is(err, cs.ErrNegative) || !errors.Is(err, cs.ErrUnknownField) ||
		!strings.Contains(err.Error(), "offerings[1].uses_per_month") || !strings.Contains(err.Error(), "offerings[3].nam") {
		t.Errorf("DecodeOfferings = %v, want offerings[1].uses_per_month negative and offerings[3].nam unknown", err)
	}
	if len(got) != 2 || got[0].Name != "a" || got[1].Name != "c" {
		t.Errorf("DecodeOfferings kept %+v, want a and c", got)
	}
	if _, err := DecodeOfferings(strings.NewReader(`{"name":"a"}`)); !errors.Is(err, ErrJSON) {
		t.Errorf("DecodeOfferings(object) = %v, want ErrJSON", err)
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
		if got, err := DecodeOfferings(strings.NewReader(in)); !errors.Is(err, ErrJSON) {
			t.Errorf("DecodeOfferings(%q) = %v, %v; want ErrJSON", in, got, err)
		}
	}
	if got, err := DecodeOfferings(strings.NewReader("[]")); err != nil || len(got) != 0 {
		t.Errorf("DecodeOfferings([]) = %v, %v; want no offering, no error", got, err)
	}
}
