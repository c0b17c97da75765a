package playbook

import (
	"encoding/json"
	"slices"
	"strings"
)

// refEval is the slow, obviously correct reference: it walks the Expr tree and
// reads every field by name from the Situation's exported fields on each call,
// with no compilation, layout or closures.
func refEval(e Expr, s *Situation) bool {
	switch {
	case e.All != nil:
		for _, k := range e.All {
			if !refEval(k, s) {
				return false
			}
		}
		return true
	case e.Any != nil:
		for _, k := range e.Any {
			if refEval(k, s) {
				return true
			}
		}
		return false
	case e.Not != nil:
		return !refEval(*e.Not, s)
	case e.Entering != nil:
		return refEval(*e.Entering, s) && (s.Previous == nil || !refEval(*e.Entering, s.Previous))
	}
	var want any
	if e.Value != nil {
		if err := json.Unmarshal(e.Value, &want); err != nil {
			panic(err)
		}
	}
	got, ok := refField(e.Field, s)
	if e.Op == Exists {
		return ok
	}
	if !ok {
		return false
	}
	switch e.Op {
	case Eq:
		return got == want
	case Ne:
		return got != want
	case In:
		return slices.Contains(want.([]any), got)
	case NotIn:
		return !slices.Contains(want.([]any), got)
	}
	g, w := got.(float64), want.(float64)
	switch e.Op {
	case Lt:
		return g < w
	case Le:
		return g <= w
	case Gt:
		return g > w
	}
	return g >= w
}

// refField returns the field's value as float64, string or bool, and whether it
// is known.
func refField(f string, s *Situation) (any, bool) {
	c := s.Customer
	switch f {
	case "health.score":
		return s.HealthScore, s.HealthKnown
	case "health.grade":
		return s.HealthGrade, s.HealthGrade != ""
	case "health.trend":
		return s.HealthTrend, s.HealthTrend != ""
	case "health.declining_for":
		return float64(s.DecliningFor), true
	case "tier":
		return s.Tier, s.Tier != ""
	case "community":
		return s.Community, true
	case "effort.friction":
		return s.Friction, s.FrictionKnown
	case "effort.fcr":
		return s.FCR, s.FCRKnown
	case "effort.ces":
		return s.CES, s.CESKnown
	case "days_to_renewal":
		if c.RenewalDate.IsZero() || s.Now.IsZero() {
			return nil, false
		}
		return float64(s.Now.DaysUntil(c.RenewalDate)), true
	case "tenure_days":
		if c.ContractStart.IsZero() || s.Now.IsZero() {
			return nil, false
		}
		return float64(c.ContractStart.DaysUntil(s.Now)), true
	case "mrr":
		if c.MRR.Currency() == "" {
			return nil, false
		}
		f, _ := c.MRR.Amount().Float64()
		return f, true
	case "stage":
		return c.Stage.String(), c.Stage.String() != ""
	case "segment":
		return c.Segment, c.Segment != ""
	}
	switch name, _ := strings.CutPrefix(f, "signal."); {
	case strings.HasPrefix(f, "signal."):
		v, ok := c.Signals[name]
		return v, ok
	case strings.HasPrefix(f, "attr."):
		v := c.Attributes[f[len("attr."):]]
		return v, v != ""
	case strings.HasPrefix(f, "event."):
		return slices.Contains(s.Events, f[len("event."):]), true
	}
	panic("refField: unknown field " + f)
}
