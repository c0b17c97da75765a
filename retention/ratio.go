package retention

import (
	"math"

	"github.com/shopspring/decimal"
)

// Ratio is an exact quotient Num ÷ Den of two decimals, as the rates of this package
// are reported: GRR, NRR, churn rates, quick ratio, payback months. Keeping both parts
// lets a caller sum rates over segments correctly and round only for display.
//
// A Ratio whose denominator is zero is undefined (Defined is false): a churn rate
// over a book with no customers at the start, or a quick ratio with no losses, has
// no value, and this package never reports it as 0 or Inf. The zero Ratio is
// undefined.
type Ratio struct {
	Num decimal.Decimal // numerator
	Den decimal.Decimal // denominator; zero means undefined
}

// NewRatio returns num ÷ den.
func NewRatio(num, den decimal.Decimal) Ratio { return Ratio{Num: num, Den: den} }

func ratioInt(num, den int64) Ratio {
	return Ratio{Num: decimal.NewFromInt(num), Den: decimal.NewFromInt(den)}
}

// Defined reports whether the denominator is not zero.
func (r Ratio) Defined() bool { return !r.Den.IsZero() }

// Decimal returns the quotient rounded half away from zero to places decimal
// places; ok is false when r is undefined.
func (r Ratio) Decimal(places int32) (d decimal.Decimal, ok bool) {
	if !r.Defined() {
		return decimal.Decimal{}, false
	}
	return r.Num.DivRound(r.Den, places), true
}

// Float64 returns the quotient as the nearest float64 (for charts and statistics);
// ok is false when r is undefined.
func (r Ratio) Float64() (f float64, ok bool) {
	if !r.Defined() {
		return math.NaN(), false
	}
	q := r.Num.DivRound(r.Den, 20)
	f, _ = q.Float64()
	return f, true
}

// Percent formats the quotient as a percentage rounded half away from zero to
// places decimal places ("92.5%"), or "undefined".
func (r Ratio) Percent(places int32) string {
	d, ok := r.Decimal(places + 2)
	if !ok {
		return "undefined"
	}
	return d.Shift(2).StringFixed(places) + "%"
}

// String formats r as Percent(2) does.
func (r Ratio) String() string { return r.Percent(2) }

// Cmp compares the quotients of two defined ratios with non-negative denominators
// exactly (by cross-multiplication): -1, 0 or +1. It returns 0 when either is
// undefined.
func (r Ratio) Cmp(o Ratio) int {
	if !r.Defined() || !o.Defined() {
		return 0
	}
	c := r.Num.Mul(o.Den).Cmp(o.Num.Mul(r.Den))
	if r.Den.Sign()*o.Den.Sign() < 0 {
		c = -c
	}
	return c
}
