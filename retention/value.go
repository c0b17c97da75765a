package retention

import (
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// roundMoney divides num by den (den ≠ 0) and rounds half away from zero to the
// currency's minor unit: the only rounding of a value computed from exact parts.
func roundMoney(num, den decimal.Decimal, c cs.Currency) cs.Money {
	m, _ := cs.NewMoney(num.DivRound(den, int32(c.Digits())), c)
	return m
}

func checkMargin(margin decimal.Decimal) error {
	if margin.Sign() <= 0 || margin.GreaterThan(decimal.NewFromInt(1)) {
		return fmt.Errorf("retention: gross margin %s: want 0 < margin ≤ 1: %w", margin, ErrOption)
	}
	return nil
}

// LTV is the lifetime value of a customer, ARPA × margin ÷ churn, rounded half away
// from zero to the currency's minor unit. Pass margin 1 for ChartMogul's LTV without
// margin (ARPA ÷ customer churn rate): ARPA $100, churn 5% → $2,000.
//
// The error wraps ErrUndefined when churn is undefined or not positive (an LTV at
// zero churn is not infinite money), ErrOption for a margin outside (0, 1], and
// cs.ErrNegative for a negative ARPA.
func LTV(arpa cs.Money, margin decimal.Decimal, churn Ratio) (cs.Money, error) {
	if err := checkMargin(margin); err != nil {
		return cs.Money{}, err
	}
	if arpa.IsNegative() {
		return cs.Money{}, fmt.Errorf("retention: arpa %s: %w", arpa, cs.ErrNegative)
	}
	if !churn.Defined() || churn.Num.Sign()*churn.Den.Sign() <= 0 {
		return cs.Money{}, fmt.Errorf("retention: ltv at churn %s: %w", churn, ErrUndefined)
	}
	if !arpa.Currency().Known() {
		return cs.Money{}, fmt.Errorf("retention: arpa %s: %w", arpa, cs.ErrUnknownCurrency)
	}
	return roundMoney(arpa.Amount().Mul(margin).Mul(churn.Den), churn.Num, arpa.Currency()), nil
}

// LTV is the period's lifetime value, ARPA × margin ÷ logo churn under the
// convention, computed from the exact parts (EndMRR × margin × S ÷ (E × churned))
// with one rounding to the minor unit. Errors as for the function LTV; ARPA over no
// customers is undefined too.
func (p Period) LTV(c Convention, margin decimal.Decimal) (cs.Money, error) {
	if err := checkMargin(margin); err != nil {
		return cs.Money{}, err
	}
	churned := p.ChurnedCustomers(c)
	if p.EndCustomers == 0 || p.StartCustomers == 0 || churned == 0 {
		return cs.Money{}, fmt.Errorf("retention: ltv of %s to %s (%d customers at the end, churn %s): %w",
			p.From, p.To, p.EndCustomers, p.LogoChurn(c), ErrUndefined)
	}
	num := p.EndMRR.Amount().Mul(margin).Mul(decimal.NewFromInt(int64(p.StartCustomers)))
	den := decimal.NewFromInt(int64(p.EndCustomers) * int64(churned))
	return roundMoney(num, den, p.EndMRR.Currency()), nil
}

// CACPayback is the number of months of gross-margin revenue that pay back the
// cost of acquiring a customer: CAC ÷ (ARPA × margin), exact. The Ratio is
// undefined when ARPA is zero; the error wraps cs.ErrCurrencyMismatch for two
// currencies, ErrOption for a margin outside (0, 1] and cs.ErrNegative for a
// negative amount.
func CACPayback(cac, arpa cs.Money, margin decimal.Decimal) (Ratio, error) {
	if err := checkMargin(margin); err != nil {
		return Ratio{}, err
	}
	if cac.IsNegative() || arpa.IsNegative() {
		return Ratio{}, fmt.Errorf("retention: cac %s, arpa %s: %w", cac, arpa, cs.ErrNegative)
	}
	if _, err := cac.Cmp(arpa); err != nil {
		return Ratio{}, fmt.Errorf("retention: cac payback: %w", err)
	}
	return Ratio{Num: cac.Amount(), Den: arpa.Amount().Mul(margin)}, nil
}
