package retention

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Inflow is the projection of the subscription customer-service article
// (サブスクリプションで顧客満足を高めるカスタマーサービス像とは, undated): New customers join at the
// start of every period and every cohort keeps the share Retention of its
// customers from one period to the next. With New = 200 and Retention = 0.5 the
// active customers are 200, 300, 350, … and tend to 400.
//
// Both forms are exact decimals: Active is the closed form New × (1 − rᵗ) ÷ (1 − r)
// as a Ratio, Simulate adds the cohorts period by period, and the two agree exactly.
type Inflow struct {
	New       decimal.Decimal // customers acquired per period, ≥ 0
	Retention decimal.Decimal // share of a cohort kept per period, 0 ≤ r ≤ 1
}

func (f Inflow) check() error {
	if f.New.Sign() < 0 {
		return fmt.Errorf("retention: inflow new %s: %w", f.New, ErrOption)
	}
	if f.Retention.Sign() < 0 || f.Retention.GreaterThan(decimal.NewFromInt(1)) {
		return fmt.Errorf("retention: inflow retention %s: want 0 ≤ r ≤ 1: %w", f.Retention, ErrOption)
	}
	return nil
}

// Active returns the closed form of the customers active in period t ≥ 1 (the
// geometric sum New × (1 + r + … + rᵗ⁻¹)): New × (1 − rᵗ) ÷ (1 − r), or New × t ÷ 1
// when r = 1. The error wraps ErrOption for an invalid Inflow or t < 1.
func (f Inflow) Active(t int) (Ratio, error) {
	if err := f.check(); err != nil {
		return Ratio{}, err
	}
	if t < 1 {
		return Ratio{}, fmt.Errorf("retention: inflow period %d: want ≥ 1: %w", t, ErrOption)
	}
	one := decimal.NewFromInt(1)
	if f.Retention.Equal(one) {
		return Ratio{Num: f.New.Mul(decimal.NewFromInt(int64(t))), Den: one}, nil
	}
	rt := one // rᵗ by repeated multiplication: exact, unlike a general Pow
	for range t {
		rt = rt.Mul(f.Retention)
	}
	return Ratio{Num: f.New.Mul(one.Sub(rt)), Den: one.Sub(f.Retention)}, nil
}

// Limit returns the number of active customers the inflow tends to, New ÷ (1 − r);
// undefined (Den 0) when r = 1 and the base grows without bound.
func (f Inflow) Limit() (Ratio, error) {
	if err := f.check(); err != nil {
		return Ratio{}, err
	}
	return Ratio{Num: f.New, Den: decimal.NewFromInt(1).Sub(f.Retention)}, nil
}

// Simulate returns the customers active in periods 1..periods by following every
// cohort: each period the survivors of all earlier cohorts are multiplied by r
// and a new cohort of New joins.
func (f Inflow) Simulate(periods int) ([]decimal.Decimal, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if periods < 0 {
		return nil, fmt.Errorf("retention: inflow periods %d: %w", periods, ErrOption)
	}
	cohorts := make([]decimal.Decimal, 0, periods)
	out := make([]decimal.Decimal, periods)
	for t := range out {
		for i := range cohorts {
			cohorts[i] = cohorts[i].Mul(f.Retention)
		}
		cohorts = append(cohorts, f.New)
		var sum decimal.Decimal
		for _, c := range cohorts {
			sum = sum.Add(c)
		}
		out[t] = sum
	}
	return out, nil
}
