package cs

import (
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Generators shared by the property tests of this package.

// moneyComparer compares Money by value (1.5 USD equals 1.50 USD), as go-cmp cannot
// see inside decimal.Decimal.
var moneyComparer = cmp.Comparer(func(a, b Money) bool { return a.Equal(b) })

// genCodes are currencies with 0, 2, 3 and 4 minor digits.
var genCodes = []Currency{"USD", "EUR", "JPY", "KWD", "CLF", "GBP", "ISK"}

// genText draws any valid UTF-8 text, often with the characters CSV must quote.
func genText() *rapid.Generator[string] {
	return rapid.OneOf(rapid.String(), rapid.StringMatching(`[a\r\n", ]{0,6}`))
}

func genName() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		s := genText().Draw(t, "name")
		if s == "" {
			return "x"
		}
		return s
	})
}

// genID draws a usable ID (CheckID accepts it): any text without control
// characters.
func genID() *rapid.Generator[string] {
	return genName().Filter(func(s string) bool { return CheckID(s) == nil })
}

// genDecimal draws any decimal: an int64 or a 30-digit coefficient, with an exponent
// from -8 to 4.
func genDecimal() *rapid.Generator[decimal.Decimal] {
	return rapid.Custom(func(t *rapid.T) decimal.Decimal {
		exp := rapid.Int32Range(-8, 4).Draw(t, "exp")
		if rapid.Bool().Draw(t, "big") {
			digits := rapid.StringMatching(`-?[1-9][0-9]{0,29}`).Draw(t, "digits")
			d, err := decimal.NewFromString(digits)
			if err != nil {
				panic(err)
			}
			return d.Shift(exp)
		}
		return decimal.New(rapid.Int64().Draw(t, "coef"), exp)
	})
}

func genMoney() *rapid.Generator[Money] {
	return rapid.Custom(func(t *rapid.T) Money {
		return Money{amount: genDecimal().Draw(t, "amount"), currency: rapid.SampledFrom(genCodes).Draw(t, "currency")}
	})
}

func genDate() *rapid.Generator[Date] {
	return rapid.Custom(func(t *rapid.T) Date {
		return DateFromUnix(rapid.IntRange(MustParseDate("0001-01-01").Unix(), MustParseDate("9999-12-31").Unix()).Draw(t, "day"))
	})
}

// genFinite draws any finite float64, including -0, subnormals and extremes.
func genFinite() *rapid.Generator[float64] {
	return rapid.Float64().Filter(func(f float64) bool { return f-f == 0 })
}

// genCustomer draws a valid customer with the given ID. Empty maps are nil, as the
// readers return them.
func genCustomer(id string) *rapid.Generator[Customer] {
	return rapid.Custom(func(t *rapid.T) Customer {
		c := Customer{
			ID:      id,
			Name:    genText().Draw(t, "name"),
			Segment: genText().Draw(t, "segment"),
			Stage:   Stage(rapid.IntRange(0, int(StageChurned)).Draw(t, "stage")),
		}
		if rapid.Bool().Draw(t, "hasStart") {
			c.ContractStart = genDate().Draw(t, "start")
		}
		if rapid.Bool().Draw(t, "hasRenewal") {
			c.RenewalDate = genDate().Draw(t, "renewal")
			if !c.ContractStart.IsZero() && c.RenewalDate.Before(c.ContractStart) {
				c.ContractStart, c.RenewalDate = c.RenewalDate, c.ContractStart
			}
		}
		if rapid.Bool().Draw(t, "hasMRR") {
			c.MRR = genMoney().Draw(t, "mrr").Abs()
		}
		signals := rapid.MapOf(genName(), genFinite()).Draw(t, "signals")
		if len(signals) > 0 {
			c.Signals = signals
		}
		attrs := rapid.MapOf(genName(), genName()).Draw(t, "attrs")
		if len(attrs) > 0 {
			c.Attributes = attrs
		}
		return c
	})
}

// genBook draws up to 20 valid customers with distinct IDs.
func genBook() *rapid.Generator[[]Customer] {
	return rapid.Custom(func(t *rapid.T) []Customer {
		ids := rapid.SliceOfNDistinct(genID(), 0, 20, rapid.ID[string]).Draw(t, "ids")
		book := make([]Customer, len(ids))
		for i, id := range ids {
			book[i] = genCustomer(id).Draw(t, "customer")
		}
		return book
	})
}
