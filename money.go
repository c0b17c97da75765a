package cs

import (
	"github.com/successkit/cs/internal/errs"

	"fmt"
	"math"
	"strings"

	"github.com/shopspring/decimal"
)

// Money is an exact amount of one currency. It is an immutable value: every
// operation returns a new Money.
//
// The zero Money has no currency and a zero amount. It means "no amount" (a
// Customer's MRR that is not known) and is the identity of Add and Sub, which give
// the other operand's currency, so a running total may start from the zero value.
// Any other combination of two different currencies is an error wrapping
// ErrCurrencyMismatch: Money never converts implicitly.
//
// Money may be negative: a movement of revenue or a difference of two amounts is.
// Functions that need a non-negative amount, such as Customer.Validate for MRR, say
// so and return an error wrapping ErrNegative.
type Money struct {
	amount   decimal.Decimal
	currency Currency
}

// NewMoney returns amount in the currency. The error wraps ErrUnknownCurrency for a
// code that is not an active ISO 4217 currency.
func NewMoney(amount decimal.Decimal, currency Currency) (Money, error) {
	if !currency.Known() {
		return Money{}, fmt.Errorf("cs: currency %q: %w", string(currency), ErrUnknownCurrency)
	}
	return Money{amount: amount, currency: currency}, nil
}

// MoneyFromMinor returns n minor units of the currency: MoneyFromMinor(120050, "USD")
// is 1200.50 USD. The error wraps ErrUnknownCurrency for an unknown code.
func MoneyFromMinor(n int64, currency Currency) (Money, error) {
	d := currency.Digits()
	if d < 0 {
		return Money{}, fmt.Errorf("cs: currency %q: %w", string(currency), ErrUnknownCurrency)
	}
	return Money{amount: decimal.New(n, int32(-d)), currency: currency}, nil
}

// ParseMoney parses "<amount> <code>", such as "1200.50 USD" or "-3 EUR". The amount
// is a plain decimal: an optional sign, digits and an optional fraction; no grouping
// separators, no exponent, no comma as decimal mark. Errors wrap ErrNotDecimal or
// ErrUnknownCurrency.
func ParseMoney(s string) (Money, error) {
	amt, code, ok := strings.Cut(s, " ")
	if !ok {
		return Money{}, moneyError(s, fmt.Errorf("%w: want \"<amount> <currency>\"", ErrNotDecimal))
	}
	d, err := ParseDecimal(amt)
	if err != nil {
		return Money{}, moneyError(s, err)
	}
	c, err := ParseCurrency(code)
	if err != nil {
		return Money{}, moneyError(s, ErrUnknownCurrency)
	}
	return Money{amount: d, currency: c}, nil
}

func moneyError(s string, err error) error {
	return fmt.Errorf("cs: %w", &FieldError{Field: "money", Value: errs.Clip(s), Err: err})
}

// decimalHint is the error for text that is not a plain decimal, saying what to do
// when it looks like a number written another way.
func decimalHint(s string) error {
	switch {
	case strings.Count(s, ",") == 1 && !strings.Contains(s, ".") && isPlainDecimal(strings.Replace(s, ",", ".", 1)):
		return fmt.Errorf("%w: a decimal comma? write %s", ErrNotDecimal, strings.Replace(s, ",", ".", 1))
	case strings.Contains(s, ",") && isPlainDecimal(strings.ReplaceAll(s, ",", "")):
		return fmt.Errorf("%w: thousands separators? write %s", ErrNotDecimal, strings.ReplaceAll(s, ",", ""))
	}
	return ErrNotDecimal
}

// MustParseMoney is ParseMoney for tests and constants: it panics on an error.
func MustParseMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// ParseDecimal parses a plain decimal number: an optional '+' or '-', at least one
// digit, and an optional '.' followed by at least one digit. It refuses what
// decimal.NewFromString would accept but a spreadsheet user did not mean: exponents,
// grouping, a comma as decimal mark, surrounding space. The error wraps ErrNotDecimal.
func ParseDecimal(s string) (decimal.Decimal, error) {
	if !isPlainDecimal(s) {
		return decimal.Decimal{}, decimalHint(s)
	}
	// Fast path: up to 18 digits fit an int64 with no allocation of a big.Int
	// beyond the one decimal keeps. (19 digits may overflow: 9999999999999999999.)
	digits := len(s)
	if s[0] == '-' || s[0] == '+' {
		digits--
	}
	if strings.IndexByte(s, '.') >= 0 {
		digits--
	}
	if digits <= 18 {
		var n int64
		exp := int32(0)
		neg := false
		seenDot := false
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '-':
				neg = true
			case c == '+':
			case c == '.':
				seenDot = true
			default:
				n = n*10 + int64(c-'0')
				if seenDot {
					exp--
				}
			}
		}
		if neg {
			n = -n
		}
		return decimal.New(n, exp), nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, ErrNotDecimal
	}
	return d, nil
}

func isPlainDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != '.' {
		return false
	}
	i++
	start = i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > start && i == len(s)
}

// Amount returns the exact amount.
func (m Money) Amount() decimal.Decimal { return m.amount }

// Currency returns the currency, "" for the zero Money.
func (m Money) Currency() Currency { return m.currency }

// IsZero reports whether the amount is zero, whatever the currency.
func (m Money) IsZero() bool { return m.amount.IsZero() }

// Sign returns -1, 0 or +1 as the amount is negative, zero or positive.
func (m Money) Sign() int { return m.amount.Sign() }

// IsNegative reports whether the amount is below zero.
func (m Money) IsNegative() bool { return m.amount.Sign() < 0 }

func (m Money) isNone() bool { return m.currency == "" && m.amount.IsZero() }

// common returns the currency of an operation on a and b, treating the zero Money
// as the identity.
func common(op string, a, b Money) (Currency, error) {
	switch {
	case a.currency == b.currency:
		return a.currency, nil
	case a.isNone():
		return b.currency, nil
	case b.isNone():
		return a.currency, nil
	}
	return "", fmt.Errorf("cs: %s %s and %s: %w", op, a, b, ErrCurrencyMismatch)
}

// Add returns m + o. The error wraps ErrCurrencyMismatch when the currencies differ.
func (m Money) Add(o Money) (Money, error) {
	c, err := common("add", m, o)
	if err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Add(o.amount), currency: c}, nil
}

// Sub returns m − o. The error wraps ErrCurrencyMismatch when the currencies differ.
func (m Money) Sub(o Money) (Money, error) {
	c, err := common("subtract", m, o)
	if err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Sub(o.amount), currency: c}, nil
}

// Cmp compares m and o: -1 if m < o, 0 if equal, +1 if m > o. The error wraps
// ErrCurrencyMismatch when the currencies differ.
func (m Money) Cmp(o Money) (int, error) {
	if _, err := common("compare", m, o); err != nil {
		return 0, err
	}
	return m.amount.Cmp(o.amount), nil
}

// Equal reports whether m and o have the same currency and the same amount
// (1.5 USD equals 1.50 USD). Amounts in different currencies are never equal.
func (m Money) Equal(o Money) bool {
	return m.currency == o.currency && m.amount.Equal(o.amount)
}

// Sum adds amounts of one currency. The sum of nothing is the zero Money. The error
// wraps ErrCurrencyMismatch and names the first amount in another currency.
func Sum(ms ...Money) (Money, error) {
	var total Money
	for _, m := range ms {
		var err error
		if total, err = total.Add(m); err != nil {
			return Money{}, err
		}
	}
	return total, nil
}

// Neg returns −m.
func (m Money) Neg() Money { return Money{amount: m.amount.Neg(), currency: m.currency} }

// Abs returns |m|.
func (m Money) Abs() Money { return Money{amount: m.amount.Abs(), currency: m.currency} }

// Mul returns m × f, exactly (not rounded): scaling MRR by 12 for ARR, or by a share.
func (m Money) Mul(f decimal.Decimal) Money {
	return Money{amount: m.amount.Mul(f), currency: m.currency}
}

// MulInt returns m × n, exactly.
func (m Money) MulInt(n int64) Money {
	return Money{amount: m.amount.Mul(decimal.NewFromInt(n)), currency: m.currency}
}

// Round rounds to the currency's minor unit, half away from zero (1.005 USD →
// 1.01 USD). The zero Money and amounts in an unknown currency are returned as
// they are.
func (m Money) Round() Money {
	d := m.currency.Digits()
	if d < 0 {
		return m
	}
	return Money{amount: m.amount.Round(int32(d)), currency: m.currency}
}

// RoundBank rounds to the currency's minor unit, half to even (1.005 USD →
// 1.00 USD, 1.015 USD → 1.02 USD), as accounting systems that avoid a rounding bias do.
func (m Money) RoundBank() Money {
	d := m.currency.Digits()
	if d < 0 {
		return m
	}
	return Money{amount: m.amount.RoundBank(int32(d)), currency: m.currency}
}

// Minor returns the amount in minor units (cents for USD) when it is a whole number
// of them and fits an int64; ok is false otherwise, and for the zero Money. Hot
// loops accumulate in minor units and convert back with MoneyFromMinor: Minor does
// not allocate for amounts of up to 18 significant digits, which are all realistic
// ones.
func (m Money) Minor() (n int64, ok bool) {
	d := m.currency.Digits()
	if d < 0 {
		return 0, false
	}
	return minorUnits(m.amount, int32(d))
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// minorUnits returns d in units of 10^-digits when it is a whole number of them
// that fits an int64. Coefficients of up to 18 digits are converted in int64
// arithmetic; longer ones take the exact, allocating route through big.Int.
func minorUnits(d decimal.Decimal, digits int32) (int64, bool) {
	if d.NumDigits() > 18 {
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
	c, e := d.CoefficientInt64(), d.Exponent()+digits
	switch {
	case c == 0:
		return 0, true
	case e == 0:
		return c, true
	case e < 0:
		// A non-zero coefficient of at most 18 digits is never a multiple of 10^19.
		if e < -18 || c%pow10[-e] != 0 {
			return 0, false
		}
		return c / pow10[-e], true
	case e > 18:
		return 0, false
	}
	p := pow10[e]
	if c > (1<<63-1)/p || c < -(1<<63-1)/p {
		return 0, false
	}
	return c * p, true
}

// Convert returns m in currency to at rate units of to per unit of m's currency,
// exact and not rounded (call Round afterwards for an amount to book). The rate must
// be positive; the error wraps ErrInvalidRate otherwise. Converting to m's own
// currency requires a rate of exactly 1.
func (m Money) Convert(to Currency, rate decimal.Decimal) (Money, error) {
	if !to.Known() {
		return Money{}, fmt.Errorf("cs: convert %s to %q: %w", m, string(to), ErrUnknownCurrency)
	}
	if rate.Sign() <= 0 || (to == m.currency && !rate.Equal(decimal.NewFromInt(1))) {
		return Money{}, fmt.Errorf("cs: convert %s to %s at %s: %w", m, to, rate, ErrInvalidRate)
	}
	return Money{amount: m.amount.Mul(rate), currency: to}, nil
}

// Float64 returns the amount as the nearest float64, for display, charts and
// statistics; never for further money arithmetic.
func (m Money) Float64() float64 {
	f, _ := m.amount.Float64()
	return f
}

// String formats m as "<amount> <code>", with at least the currency's minor digits
// ("1200.50 USD", "1500 JPY") and more only if the amount has more significant
// digits ("0.125 USD"; 1.500 USD is "1.50 USD"), so ParseMoney(m.String()) equals m
// and equal amounts format alike. The zero Money formats as "0".
func (m Money) String() string {
	if m.currency == "" {
		return m.amount.String()
	}
	return m.formatAmount() + " " + string(m.currency)
}

// formatAmount writes at least the currency's minor digits, and more only when the
// amount has more significant ones: 1.500 USD is "1.50", 0.125 USD "0.125". So the
// text does not depend on the exponent the amount happens to carry.
func (m Money) formatAmount() string {
	d := m.currency.Digits()
	if d < 0 || m.amount.Exponent() >= -int32(d) {
		if d < 0 {
			return m.amount.String()
		}
		return m.amount.StringFixed(int32(d))
	}
	s := m.amount.String() // trailing zeros trimmed
	frac := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		frac = len(s) - i - 1
	}
	if frac < d {
		return m.amount.StringFixed(int32(d))
	}
	return s
}

// MarshalText encodes m as String does; the zero Money encodes as empty text, so a
// missing amount stays missing through JSON and CSV.
func (m Money) MarshalText() ([]byte, error) {
	if m.currency == "" {
		if !m.amount.IsZero() {
			return nil, fmt.Errorf("cs: money %s has no currency: %w", m.amount, ErrUnknownCurrency)
		}
		return []byte{}, nil
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes the form of ParseMoney; empty text gives the zero Money.
func (m *Money) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Money{}
		return nil
	}
	v, err := ParseMoney(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// checkFinite returns ErrNotFinite for NaN and infinities.
func checkFinite(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ErrNotFinite
	}
	return nil
}
