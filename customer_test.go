package cs

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStage(t *testing.T) {
	for _, tc := range []struct {
		why  string
		in   string
		want Stage
		err  error
	}{
		{"every word parses", "onboarding", StageOnboarding, nil},
		{"", "adoption", StageAdoption, nil},
		{"", "expansion", StageExpansion, nil},
		{"", "renewal", StageRenewal, nil},
		{"", "churned", StageChurned, nil},
		{"empty is unknown, not an error", "", StageUnknown, nil},
		{"words are lower case", "Churned", StageUnknown, ErrInvalidStage},
		{"no synonyms", "churn", StageUnknown, ErrInvalidStage},
	} {
		got, err := ParseStage(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Errorf("%s: ParseStage(%q) = %v, %v; want %v, %v", tc.why, tc.in, got, err, tc.want, tc.err)
		}
		if tc.err == nil && got.String() != tc.in {
			t.Errorf("%s: %v.String() = %q, want %q", tc.why, got, got.String(), tc.in)
		}
	}
	if got := Stage(9).String(); got != "stage(9)" {
		t.Errorf("Stage(9).String() = %q", got)
	}
	if _, err := Stage(9).MarshalText(); !errors.Is(err, ErrInvalidStage) {
		t.Errorf("Stage(9).MarshalText() error = %v", err)
	}
	b, err := json.Marshal([]Stage{StageRenewal, StageUnknown})
	if err != nil || string(b) != `["renewal",""]` {
		t.Errorf("json.Marshal(stages) = %s, %v", b, err)
	}
	var back []Stage
	if err := json.Unmarshal(b, &back); err != nil || !cmp.Equal(back, []Stage{StageRenewal, StageUnknown}) {
		t.Errorf("json.Unmarshal(%s) = %v, %v", b, back, err)
	}
	if diff := cmp.Diff([]Stage{1, 2, 3, 4, 5}, Stages()); diff != "" {
		t.Errorf("Stages() (-want +got):\n%s", diff)
	}
}

func TestFieldErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		why  string
		e    FieldError
		want string
	}{
		{"a decimal comma", FieldError{File: "customers.csv", Line: 17, Field: "mrr", Value: "12,00", Err: ErrNotDecimal},
			`customers.csv:17: mrr: "12,00": not a decimal`},
		{"with the customer", FieldError{File: "customers.csv", Line: 17, Record: "c42", Field: "mrr", Value: "12,00", Err: ErrNotDecimal},
			`customers.csv:17: customer "c42": mrr: "12,00": not a decimal`},
		{"a file without a line", FieldError{File: "book.json", Field: "signals.usage", Err: ErrNotFinite},
			`book.json: signals.usage: not finite`},
		{"a line without a file", FieldError{Line: 3, Field: "id", Err: ErrMissing}, `line 3: id: missing`},
		{"neither: the package prefix", FieldError{Record: "c1", Field: "renewal_date", Value: "2026-01-01", Err: ErrDateOrder},
			`customer "c1": renewal_date: "2026-01-01": date out of order`},
		{"values are quoted with escapes", FieldError{Field: "name", Value: "a\"b\n", Err: ErrUnknownField},
			`name: "a\"b\n": unknown field`},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%s: Error() = %s, want %s", tc.why, got, tc.want)
		}
		if !errors.Is(&tc.e, tc.e.Err) {
			t.Errorf("%s: does not unwrap to %v", tc.why, tc.e.Err)
		}
	}
}

func TestCustomerValidate(t *testing.T) {
	ok := func() Customer {
		return Customer{ID: "c1", Stage: StageAdoption, ContractStart: MustParseDate("2026-01-01"),
			RenewalDate: MustParseDate("2027-01-01"), MRR: MustParseMoney("100 USD"),
			Signals: Signals{"usage": 0.5}, Attributes: Attributes{"plan": "growth"}}
	}
	for _, tc := range []struct {
		why    string
		change func(*Customer)
		want   string // "" when valid
		is     error
	}{
		{"a complete customer", func(*Customer) {}, "", nil},
		{"only an ID", func(c *Customer) { *c = Customer{ID: "c1"} }, "", nil},
		{"a known zero MRR", func(c *Customer) { c.MRR = MustParseMoney("0 JPY") }, "", nil},
		{"renewal on the start day", func(c *Customer) { c.RenewalDate = c.ContractStart }, "", nil},
		{"no ID", func(c *Customer) { c.ID = "" }, `cs: id: missing`, ErrMissing},
		{"renewal before start", func(c *Customer) { c.RenewalDate = MustParseDate("2025-12-31") },
			`cs: customer "c1": renewal_date: "2025-12-31": date out of order: before contract_start 2026-01-01`, ErrDateOrder},
		{"an impossible date", func(c *Customer) { c.ContractStart = NewDate(2026, 2, 30) },
			`cs: customer "c1": contract_start: "2026-02-30": not a date (want YYYY-MM-DD)`, ErrInvalidDate},
		{"negative MRR", func(c *Customer) { c.MRR = MustParseMoney("-1 USD") }, `cs: customer "c1": mrr: "-1.00 USD": negative`, ErrNegative},
		{"an amount with no currency", func(c *Customer) { c.MRR = Money{amount: MustParseMoney("5 USD").Amount()} },
			`cs: customer "c1": mrr: "5": unknown currency`, ErrUnknownCurrency},
		{"an unknown currency", func(c *Customer) { c.MRR = Money{amount: MustParseMoney("5 USD").Amount(), currency: "ABC"} },
			`cs: customer "c1": currency: "ABC": unknown currency`, ErrUnknownCurrency},
		{"an undefined stage", func(c *Customer) { c.Stage = 7 }, `cs: customer "c1": stage: "stage(7)": unknown lifecycle stage`, ErrInvalidStage},
		{"a NaN signal", func(c *Customer) { c.Signals["nps"] = math.NaN() }, `cs: customer "c1": signal.nps: "NaN": not finite`, ErrNotFinite},
		{"an infinite signal", func(c *Customer) { c.Signals["x"] = math.Inf(-1) }, `cs: customer "c1": signal.x: "-Inf": not finite`, ErrNotFinite},
		{"an unnamed signal", func(c *Customer) { c.Signals[""] = 1 }, `cs: customer "c1": signal.: missing`, ErrMissing},
		{"an empty attribute", func(c *Customer) { c.Attributes["region"] = "" }, `cs: customer "c1": attr.region: missing`, ErrMissing},
		{"every failure is reported, signals by name", func(c *Customer) {
			c.ID = ""
			c.Signals = Signals{"z": math.NaN(), "a": math.Inf(1)}
		}, "cs: id: missing\nsignal.a: \"+Inf\": not finite\nsignal.z: \"NaN\": not finite", ErrNotFinite},
	} {
		c := ok()
		tc.change(&c)
		err := c.Validate()
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", tc.why, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.want || !errors.Is(err, tc.is) {
			t.Errorf("%s: Validate() = %v, want %s (%v)", tc.why, err, tc.want, tc.is)
		}
	}
	c := ok()
	if n := testing.AllocsPerRun(100, func() { _ = c.Validate() }); n != 0 {
		t.Errorf("Validate of a valid customer allocates %v times, want 0", n)
	}
}

func TestCustomerAccessors(t *testing.T) {
	c := Customer{ID: "c1", ContractStart: MustParseDate("2025-07-01"), RenewalDate: MustParseDate("2026-07-01"),
		MRR: MustParseMoney("1200.50 USD"), Signals: Signals{"usage": 0.5, "nps": 0}, Attributes: Attributes{"plan": "growth"}}
	if got := c.ARR(); got.String() != "14406.00 USD" {
		t.Errorf("ARR = %v, want 14406.00 USD", got)
	}
	if got := (&Customer{ID: "x"}).ARR(); got.Currency() != "" {
		t.Errorf("ARR without MRR = %v, want the zero Money", got)
	}
	if d, ok := c.TenureDays(MustParseDate("2026-06-30")); !ok || d != 364 {
		t.Errorf("TenureDays = %d, %t; want 364", d, ok)
	}
	if _, ok := (&Customer{ID: "x"}).TenureDays(MustParseDate("2026-06-30")); ok {
		t.Errorf("TenureDays without a start reports ok")
	}
	// A measured zero is present; an absent name is missing.
	if v, ok := c.Signals.Get("nps"); !ok || v != 0 {
		t.Errorf("Get(nps) = %v, %t; want 0, true", v, ok)
	}
	if _, ok := c.Signals.Get("ces"); ok {
		t.Errorf("Get(ces) reports a missing signal as present")
	}
	if _, ok := c.Attributes.Get("region"); ok {
		t.Errorf("Get(region) reports a missing attribute as present")
	}
	if diff := cmp.Diff([]string{"nps", "usage"}, c.Signals.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
}

func TestCurrency(t *testing.T) {
	for _, tc := range []struct {
		code   string
		digits int
	}{{"USD", 2}, {"JPY", 0}, {"KWD", 3}, {"CLF", 4}, {"EUR", 2}, {"XAU", -1}, {"usd", -1}, {"", -1}} {
		c := Currency(tc.code)
		if c.Digits() != tc.digits || c.Known() != (tc.digits >= 0) {
			t.Errorf("%q: Digits %d Known %t, want %d", tc.code, c.Digits(), c.Known(), tc.digits)
		}
		_, err := ParseCurrency(tc.code)
		if (err == nil) != (tc.digits >= 0) || (err != nil && !errors.Is(err, ErrUnknownCurrency)) {
			t.Errorf("ParseCurrency(%q) error = %v", tc.code, err)
		}
	}
}
