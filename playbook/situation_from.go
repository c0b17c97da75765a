package playbook

import (
	cs "github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/touch"
)

// SetHealth copies a health result and its trend into the situation: the score
// and grade (health.score, health.grade) unless the result is Unknown, and, when
// the trend has at least two known snapshots, its direction (health.trend: "up",
// "down", or "same" for health.Flat) and the number of consecutive declines
// (health.declining_for). A trend with fewer known snapshots leaves the trend
// unknown and declining_for 0.
func (s *Situation) SetHealth(r *health.Result, t health.Trend) {
	s.HealthScore, s.HealthKnown, s.HealthGrade = 0, false, ""
	if r != nil && !r.Unknown {
		s.HealthScore, s.HealthKnown, s.HealthGrade = r.Score, true, r.Grade
	}
	s.HealthTrend, s.DecliningFor = "", 0
	if t.Known >= 2 {
		switch {
		case t.Direction > 0:
			s.HealthTrend = "up"
		case t.Direction < 0:
			s.HealthTrend = "down"
		default:
			s.HealthTrend = "same"
		}
		s.DecliningFor = t.Declining
	}
	s.Invalidate()
}

// SetTier copies a touch assignment into the situation: its tier (tier: "high",
// "low", "tech", or "" for an account touch left without one) and whether any
// community-touch reason flagged it (community).
func (s *Situation) SetTier(a touch.Assignment) {
	s.Tier = a.Tier.String()
	s.Community = a.Community != 0
	s.Invalidate()
}

// SetEffort copies a customer's effort results into the situation: the friction
// score (effort.friction) when the customer has a case, the first-contact
// resolution rate (effort.fcr) when it has a resolved case, and the mean CES 2.0
// answer (effort.ces) when it has one. Absent results leave the field unknown.
func (s *Situation) SetEffort(e effort.CustomerEffort) {
	s.Friction, s.FrictionKnown = 0, false
	s.FCR, s.FCRKnown = 0, false
	s.CES, s.CESKnown = 0, false
	if e.HasFriction {
		s.Friction, s.FrictionKnown = e.Friction.Friction, true
		if e.Friction.Resolved > 0 {
			s.FCR, s.FCRKnown = e.Friction.FCRRate, true
		}
	}
	if v, ok := e.CES.Summary.MeanCES2(); ok {
		s.CES, s.CESKnown = v, true
	}
	s.Invalidate()
}

// SetEffortFromSignals fills the effort fields from the customer's signals
// "friction", "fcr_rate" and "ces" (the names effort.CustomerEffort.AddSignals
// writes), for callers that carry effort results as signals. A field whose signal
// is absent is left as it is.
func (s *Situation) SetEffortFromSignals() {
	if s.Customer == nil {
		return
	}
	get := func(name string, v *float64, ok *bool) {
		if x, found := s.Customer.Signals.Get(name); found {
			*v, *ok = x, true
		}
	}
	get(effort.SignalFriction, &s.Friction, &s.FrictionKnown)
	get(effort.SignalFCRRate, &s.FCR, &s.FCRKnown)
	get(effort.SignalCES, &s.CES, &s.CESKnown)
	s.Invalidate()
}

// NewSituation returns the situation of a customer on now, with no health, tier
// or effort results yet; set them with the fields or SetHealth, SetTier and
// SetEffort.
func NewSituation(c *cs.Customer, now cs.Date) *Situation {
	return &Situation{Customer: c, Now: now}
}
