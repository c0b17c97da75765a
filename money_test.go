package cs

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		why  string
		in   string
		want string // String of the result; "" when an error is expected
		err  error
	}{
		{"cents keep their two digits", "1200.50 USD", "1200.50 USD", nil},
		{"a whole amount gains the minor digits", "1200 USD", "1200.00 USD", nil},
		{"a yen amount has no minor digits", "1500 JPY", "1500 JPY", nil},
		{"digits beyond the minor unit are kept", "0.125 USD", "0.125 USD", nil},
		{"three-digit dinars", "1.5 KWD", "1.500 KWD", nil},
		{"negative amounts parse (movements)", "-3 EUR", "-3.00 EUR", nil},
		{"a plus sign is accepted", "+3 EUR", "3.00 EUR", nil},
		{"more than 18 digits take the slow path", "123456789012345678901234.5 USD", "123456789012345678901234.50 USD", nil},
		{"19 digits would overflow an int64", "9999999999999999999 USD", "9999999999999999999.00 USD", nil},
		{"comma decimal mark", "12,00 USD", "", ErrNotDecimal},
		{"exponent", "1e3 USD", "", ErrNotDecimal},
		{"grouping", "1_000 USD", "", ErrNotDecimal},
		{"no currency", "12.00", "", ErrNotDecimal},
		{"empty", "", "", ErrNotDecimal},
		{"dot without digits", "12. USD", "", ErrNotDecimal},
		{"leading dot", ".5 USD", "", ErrNotDecimal},
		{"lower-case code", "12 usd", "", ErrUnknownCurrency},
		{"two spaces", "12  USD", "", ErrUnknownCurrency},
		{"a testing code has no minor unit", "12 XTS", "", ErrUnknownCurrency},
	} {
		m, err := ParseMoney(tc.in)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: ParseMoney(%q) = %v, %v; want error %v", tc.why, tc.in, m, err, tc.err)
			}
			continue
		}
		if err != nil || m.String() != tc.want {
			t.Errorf("%s: ParseMoney(%q) = %v, %v; want %s", tc.why, tc.in, m, err, tc.want)
		}
	}
}

func TestMoneyRound(t *testing.T) {
	for _, tc := range []struct {
		why              string
		in, round, banks string
	}{
		{"a half cent rounds away from zero, or to the even cent", "1.005 USD", "1.01 USD", "1.00 USD"},
		{"to the even cent upwards", "1.015 USD", "1.02 USD", "1.02 USD"},
		{"negative halves mirror positive ones", "-1.005 USD", "-1.01 USD", "-1.00 USD"},
		{"below the half", "1.0049 USD", "1.00 USD", "1.00 USD"},
		{"yen rounds to whole yen", "1500.5 JPY", "1501 JPY", "1500 JPY"},
		{"dinars to the fils", "0.0005 KWD", "0.001 KWD", "0.000 KWD"},
		{"already rounded stays", "7.25 EUR", "7.25 EUR", "7.25 EUR"},
	} {
		m := MustParseMoney(tc.in)
		if got := m.Round().String(); got != tc.round {
			t.Errorf("%s: %s.Round() = %s, want %s", tc.why, tc.in, got, tc.round)
		}
		if got := m.RoundBank().String(); got != tc.banks {
			t.Errorf("%s: %s.RoundBank() = %s, want %s", tc.why, tc.in, got, tc.banks)
		}
	}
	if got := (Money{}).Round(); !got.Equal(Money{}) {
		t.Errorf("Money{}.Round() = %v, want the zero Money", got)
	}
}

func TestMoneyMinor(t *testing.T) {
	for _, tc := range []struct {
		why    string
		in     Money
		want   int64
		wantOK bool
	}{
		{"cents", MustParseMoney("1200.50 USD"), 120050, true},
		{"yen are their own minor unit", MustParseMoney("1500 JPY"), 1500, true},
		{"fils", MustParseMoney("1.5 KWD"), 1500, true},
		{"negative", MustParseMoney("-0.01 EUR"), -1, true},
		{"a fraction of a cent is not whole", MustParseMoney("0.125 USD"), 0, false},
		{"beyond int64", MustParseMoney("92233720368547758.08 USD"), 0, false},
		{"the largest int64 of cents", MustParseMoney("92233720368547758.07 USD"), 9223372036854775807, true},
		{"the zero Money has no minor unit", Money{}, 0, false},
	} {
		got, ok := tc.in.Minor()
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%s: %v.Minor() = %d, %t; want %d, %t", tc.why, tc.in, got, ok, tc.want, tc.wantOK)
		}
		if ok {
			back, err := MoneyFromMinor(got, tc.in.Currency())
			if err != nil || !back.Equal(tc.in) {
				t.Errorf("%s: MoneyFromMinor(%d, %s) = %v, %v; want %v", tc.why, got, tc.in.Currency(), back, err, tc.in)
			}
		}
	}
	if _, err := MoneyFromMinor(1, "XXX"); !errors.Is(err, ErrUnknownCurrency) {
		t.Errorf("MoneyFromMinor(1, XXX) error = %v, want ErrUnknownCurrency", err)
	}
}

func TestMoneyConvert(t *testing.T) {
	usd := MustParseMoney("100.00 USD")
	for _, tc := range []struct {
		why  string
		to   Currency
		rate string
		want string
		err  error
	}{
		{"a plain rate, exact and unrounded", "EUR", "0.9213", "92.13 EUR", nil},
		{"to yen, then Round for booking", "JPY", "156.255", "15625.5 JPY", nil},
		{"the same currency at exactly 1", "USD", "1.000", "100.00 USD", nil},
		{"the same currency at another rate", "USD", "1.1", "", ErrInvalidRate},
		{"a zero rate", "EUR", "0", "", ErrInvalidRate},
		{"a negative rate", "EUR", "-0.9", "", ErrInvalidRate},
		{"an unknown target", "ABC", "1", "", ErrUnknownCurrency},
	} {
		got, err := usd.Convert(tc.to, decimal.RequireFromString(tc.rate))
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: Convert(%s, %s) = %v, %v; want %v", tc.why, tc.to, tc.rate, got, err, tc.err)
			}
			continue
		}
		if err != nil || !got.Equal(MustParseMoney(tc.want)) {
			t.Errorf("%s: Convert(%s, %s) = %v, %v; want %s", tc.why, tc.to, tc.rate, got, err, tc.want)
		}
	}
}

func TestSumAndZeroValue(t *testing.T) {
	if got, err := Sum(); err != nil || !got.Equal(Money{}) || got.String() != "0" {
		t.Errorf("Sum() = %v, %v; want the zero Money", got, err)
	}
	got, err := Sum(MustParseMoney("1.10 USD"), MustParseMoney("2.205 USD"), Money{})
	if err != nil || got.String() != "3.305 USD" {
		t.Errorf("Sum(1.10, 2.205, zero) = %v, %v; want 3.305 USD", got, err)
	}
	if _, err := Sum(MustParseMoney("1 USD"), MustParseMoney("1 EUR")); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("Sum(USD, EUR) error = %v, want ErrCurrencyMismatch", err)
	}
	// The zero Money is the identity of Add and Sub and takes the other currency.
	five := MustParseMoney("5 JPY")
	if got, err := (Money{}).Sub(five); err != nil || got.String() != "-5 JPY" {
		t.Errorf("Money{}.Sub(5 JPY) = %v, %v; want -5 JPY", got, err)
	}
	// A known zero in a currency is not the identity for another currency.
	if _, err := MustParseMoney("0 USD").Add(five); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("0 USD + 5 JPY error = %v, want ErrCurrencyMismatch", err)
	}
	if b, err := (Money{}).MarshalText(); err != nil || len(b) != 0 {
		t.Errorf("Money{}.MarshalText() = %q, %v; want empty", b, err)
	}
	var m Money
	if err := m.UnmarshalText(nil); err != nil || !m.Equal(Money{}) {
		t.Errorf("UnmarshalText(empty) = %v, %v; want the zero Money", m, err)
	}
	if got := MustParseMoney("100 USD").Mul(decimal.RequireFromString("0.015")); got.String() != "1.50 USD" {
		t.Errorf("100 USD × 0.015 = %v, want 1.50 USD", got)
	}
	if got := MustParseMoney("99.99 USD").MulInt(12); got.String() != "1199.88 USD" {
		t.Errorf("99.99 USD × 12 = %v, want 1199.88 USD", got)
	}
	if got := MustParseMoney("-2.5 EUR").Abs().Neg(); got.String() != "-2.50 EUR" {
		t.Errorf("|-2.5|·-1 = %v, want -2.50 EUR", got)
	}
	if c, err := MustParseMoney("1.5 USD").Cmp(MustParseMoney("1.50 USD")); err != nil || c != 0 {
		t.Errorf("Cmp(1.5, 1.50) = %d, %v; want 0", c, err)
	}
}

// Property: Money formats and parses back exactly, as text and JSON, for
// any amount and currency.
func TestMoneyRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMoney().Draw(t, "m")
		s := m.String()
		back, err := ParseMoney(s)
		if err != nil || !back.Equal(m) {
			t.Fatalf("ParseMoney(%q) = %v, %v; want %v", s, back, err, m)
		}
		if back.String() != s {
			t.Fatalf("ParseMoney(%q).String() = %q", s, back.String())
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var j Money
		if err := json.Unmarshal(b, &j); err != nil || !j.Equal(m) {
			t.Fatalf("json round trip of %v through %s = %v, %v", m, b, j, err)
		}
	})
}

// Property: Add and Sub are commutative and associative within one
// currency, exactly.
func TestMoneyArithmeticProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(genCodes).Draw(t, "currency")
		gen := rapid.Custom(func(t *rapid.T) Money {
			return Money{amount: genDecimal().Draw(t, "amount"), currency: cur}
		})
		a, b, c := gen.Draw(t, "a"), gen.Draw(t, "b"), gen.Draw(t, "c")
		must := func(m Money, err error) Money {
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		if ab, ba := must(a.Add(b)), must(b.Add(a)); !ab.Equal(ba) {
			t.Fatalf("a+b = %v, b+a = %v", ab, ba)
		}
		if l, r := must(must(a.Add(b)).Add(c)), must(a.Add(must(b.Add(c)))); !l.Equal(r) {
			t.Fatalf("(a+b)+c = %v, a+(b+c) = %v", l, r)
		}
		if l, r := must(must(a.Sub(b)).Sub(c)), must(a.Sub(must(b.Add(c)))); !l.Equal(r) {
			t.Fatalf("(a-b)-c = %v, a-(b+c) = %v", l, r)
		}
		if ab, ba := must(a.Sub(b)), must(b.Sub(a)); !ab.Equal(ba.Neg()) {
			t.Fatalf("a-b = %v, -(b-a) = %v", ab, ba.Neg())
		}
		if back := must(must(a.Add(b)).Sub(b)); !back.Equal(a) {
			t.Fatalf("(a+b)-b = %v, want %v", back, a)
		}
	})
}

// Property: combining two currencies always errors, whatever the amounts,
// zeros included.
func TestMoneyMixingProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genMoney().Draw(t, "a"), genMoney().Draw(t, "b")
		if a.Currency() == b.Currency() {
			t.Skip("same currency")
		}
		if _, err := a.Add(b); !errors.Is(err, ErrCurrencyMismatch) {
			t.Fatalf("%v + %v error = %v", a, b, err)
		}
		if _, err := a.Sub(b); !errors.Is(err, ErrCurrencyMismatch) {
			t.Fatalf("%v - %v error = %v", a, b, err)
		}
		if _, err := a.Cmp(b); !errors.Is(err, ErrCurrencyMismatch) {
			t.Fatalf("Cmp(%v, %v) error = %v", a, b, err)
		}
		if _, err := Sum(a, b); !errors.Is(err, ErrCurrencyMismatch) {
			t.Fatalf("Sum(%v, %v) error = %v", a, b, err)
		}
		if a.Equal(b) {
			t.Fatalf("%v equals %v", a, b)
		}
	})
}

// Property: Round and RoundBank are idempotent, leave at most the minor digits and
// move an amount by at most half a minor unit.
func TestMoneyRoundProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMoney().Draw(t, "m")
		half := decimal.New(5, -int32(m.Currency().Digits())-1)
		for name, r := range map[string]Money{"Round": m.Round(), "RoundBank": m.RoundBank()} {
			if !r.Amount().Shift(int32(m.Currency().Digits())).IsInteger() {
				t.Fatalf("%s(%v) = %v is not whole minor units", name, m, r)
			}
			if r.Round().String() != r.String() || r.RoundBank().String() != r.String() {
				t.Fatalf("%s(%v) = %v is not idempotent", name, m, r)
			}
			if d := r.Amount().Sub(m.Amount()).Abs(); d.GreaterThan(half) {
				t.Fatalf("%s(%v) = %v moved by %v", name, m, r, d)
			}
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1200.50 USD", "0 JPY", "-3 EUR", "12,00 USD", "1e3 USD", "", " ", "1. USD",
		"99999999999999999999999999.999999 KWD", "+0.0 GBP", "1 usd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			if !errors.Is(err, ErrNotDecimal) && !errors.Is(err, ErrUnknownCurrency) {
				t.Fatalf("ParseMoney(%q) error %v wraps no sentinel", s, err)
			}
			return
		}
		back, err := ParseMoney(m.String())
		if err != nil || !back.Equal(m) {
			t.Fatalf("ParseMoney(%q).String() = %q reads back as %v, %v", s, m.String(), back, err)
		}
		d, err := decimal.NewFromString(s[:len(s)-4])
		if err != nil || !d.Equal(m.Amount()) {
			t.Fatalf("ParseMoney(%q) amount %v, decimal.NewFromString says %v, %v", s, m.Amount(), d, err)
		}
	})
}

// minorUnitsSlow is the obvious reference: shift by the digits and check that the
// result is a whole number that fits an int64.
func minorUnitsSlow(d decimal.Decimal, digits int32) (int64, bool) {
	s := d.Shift(digits)
	if !s.IsInteger() {
		return 0, false
	}
	bi := s.BigInt()
	if !bi.IsInt64() {
		return 0, false
	}
	return bi.Int64(), true
}

// TestMinorUnits checks the fast conversion against the reference, at the edges
// of int64 and of the exponent table.
func TestMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		s      string
		digits int32
	}{
		{"12.34", 2},                 // exact cents
		{"12.345", 2},                // a fraction of a cent: exact mode
		{"12.3400", 2},               // trailing zeros
		{"12", 2},                    // scale up
		{"0", 2},                     // zero
		{"1000", 0},                  // JPY
		{"92233720368547758.07", 2},  // max int64 in cents
		{"92233720368547758.08", 2},  // one cent more
		{"1e17", 2},                  // large positive exponent
		{"1e30", 2},                  // beyond int64
		{"0.0000000000000000001", 2}, // tiny
		{"-5.5", 2},                  // negative
	} {
		d := decimal.RequireFromString(tc.s)
		got, gok := minorUnits(d, tc.digits)
		want, wok := minorUnitsSlow(d, tc.digits)
		if got != want || gok != wok {
			t.Errorf("minorUnits(%s, %d) = %d, %v; want %d, %v", tc.s, tc.digits, got, gok, want, wok)
		}
	}
}

func TestPropMinorUnits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := decimal.New(rapid.Int64().Draw(t, "coef"), rapid.Int32Range(-22, 22).Draw(t, "exp"))
		digits := rapid.Int32Range(0, 3).Draw(t, "digits")
		got, gok := minorUnits(d, digits)
		want, wok := minorUnitsSlow(d, digits)
		if got != want || gok != wok {
			t.Fatalf("minorUnits(%s, %d) = %d, %v; want %d, %v", d, digits, got, gok, want, wok)
		}
	})
}
