package samplebook

import (
	"fmt"
	"math"

	"github.com/successkit/cs"
)

// The defaults of Config, used where a field is zero.
const (
	DefaultCustomers     = 2000
	DefaultMonths        = 24
	DefaultSeed          = 1
	DefaultHorizonMonths = 6
)

// DefaultAsOf is the default book date, 2026-06-30.
var DefaultAsOf = cs.NewDate(2026, 6, 30)

// Config sets the size, seed and dates of a generated book. The zero value is the
// default book: 2,000 customers, 24 months of history ending at 2026-06-30, seed 1,
// outcomes over the following 6 months, the hazard of DefaultHazard. A zero field
// takes its default, so seed 0 is the same book as seed 1.
type Config struct {
	Customers     int     `json:"customers"`        // customers ever started; 0 means 2,000
	Months        int     `json:"months"`           // months of history, 1..240; 0 means 24
	Seed          uint64  `json:"seed"`             // PCG seed; 0 means 1
	AsOf          cs.Date `json:"as_of"`            // the book date, the last day of the history; zero means 2026-06-30
	HorizonMonths int     `json:"horizon_months"`   // months after AsOf the outcomes cover, 1..60; 0 means 6
	Hazard        *Hazard `json:"hazard,omitempty"` // the churn model; nil means DefaultHazard()
}

// Hazard is the latent churn model: each month an active customer's hazard is
//
//	h = 1 / (1 + exp(−z))
//	z = Base + Usage·(0.6 − usage) + Falling·max(0, −usage_trend)
//	      + Friction·friction + LowCES·max(0, 5 − ces) + SMB·[segment is smb]
//
// where usage and usage_trend are the customer's signals that month, friction is the
// mean effort of its support cases of the last 90 days (repeat contacts, transfers,
// channel switches, repeated information and generic answers, each counting 1;
// capped at 6) and ces its mean CES 2.0 answer of the last 90 days (the term is 0
// without answers). A monthly contract churns in a month with probability h; an
// annual contract only at its renewal, with probability 1 − Π(1 − h) over the
// months of the term. All coefficients are per month on the logit scale.
type Hazard struct {
	Base     float64 `json:"base"`     // the logit of the baseline monthly hazard
	Usage    float64 `json:"usage"`    // per unit of usage below 0.6
	Falling  float64 `json:"falling"`  // per unit of fall of usage over three months
	Friction float64 `json:"friction"` // per point of mean case effort (0..6)
	LowCES   float64 `json:"low_ces"`  // per point of mean CES 2.0 below 5
	SMB      float64 `json:"smb"`      // for an smb customer
}

// DefaultHazard returns the coefficients of the default book, chosen so that about
// one customer in seven churns in a year and churners differ visibly from the
// others in usage, usage trend, friction and CES.
func DefaultHazard() Hazard {
	return Hazard{Base: -5.7, Usage: 4.0, Falling: 3.0, Friction: 0.35, LowCES: 0.45, SMB: 0.5}
}

// withDefaults returns c with its zero fields set to their defaults, or an error
// naming the first field out of range.
func (c Config) withDefaults() (Config, error) {
	if c.Customers == 0 {
		c.Customers = DefaultCustomers
	}
	if c.Months == 0 {
		c.Months = DefaultMonths
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.AsOf.IsZero() {
		c.AsOf = DefaultAsOf
	}
	if c.HorizonMonths == 0 {
		c.HorizonMonths = DefaultHorizonMonths
	}
	// The book keeps its own copy of the hazard, so a caller changing theirs later
	// does not change Book.Config.
	h := DefaultHazard()
	if c.Hazard != nil {
		h = *c.Hazard
	}
	c.Hazard = &h
	switch {
	case c.Customers < 0 || c.Customers > 1_000_000:
		return c, fmt.Errorf("samplebook: customers %d: want 1..1000000", c.Customers)
	case c.Months < 0 || c.Months > 240:
		return c, fmt.Errorf("samplebook: months %d: want 1..240", c.Months)
	case c.HorizonMonths < 0 || c.HorizonMonths > 60:
		return c, fmt.Errorf("samplebook: horizon_months %d: want 1..60", c.HorizonMonths)
	case !c.AsOf.Valid() || c.AsOf.Year < 1900 || c.AsOf.Year > 9000:
		return c, fmt.Errorf("samplebook: as_of %04d-%02d-%02d: %w", c.AsOf.Year, int(c.AsOf.Month), c.AsOf.Day, cs.ErrInvalidDate)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"base", h.Base}, {"usage", h.Usage}, {"falling", h.Falling}, {"friction", h.Friction}, {"low_ces", h.LowCES}, {"smb", h.SMB}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return c, fmt.Errorf("samplebook: hazard.%s %v: %w", f.name, f.v, cs.ErrNotFinite)
		}
		if math.Abs(f.v) > 1000 {
			return c, fmt.Errorf("samplebook: hazard.%s %v: want a coefficient within ±1000", f.name, f.v)
		}
	}
	return c, nil
}
