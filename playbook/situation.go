package playbook

import (
	"math"
	"slices"
	"strconv"

	cs "github.com/successkit/cs"
)

// tierNames are the touch model's tiers (S-cubism article; the community-touch
// column, 2024). Community touch overlays the tiers and is the Situation's
// Community flag, not a tier.
var tierNames = []string{"high", "low", "tech"}

// trendNames are the health trend directions, after Gainsight's up / down / same
// (Gainsight's documentation of score trends).
var trendNames = []string{"down", "same", "up"}

// Situation is what a play reads about one customer at one evaluation: the
// customer, the results of the health, touch and effort steps, and "now".
//
// Every number has a Known flag (or, for the customer's own fields, the cs rules
// for missing values): a comparison on a missing value is false. The fields are
// plain so that any scoring package can fill them; see the From* helpers.
//
// A Situation is prepared (its numbers copied into a dense layout) when evaluated:
// by Playbook.Evaluate on every call, by Condition.Eval the first time a condition
// of a given layout reads it (see Invalidate). It must therefore not be shared
// between goroutines while evaluated; conditions and playbooks themselves are safe
// for concurrent use.
type Situation struct {
	Customer *cs.Customer // required; its ID, stage, MRR, renewal date, signals and attributes are read
	Now      cs.Date      // today; days_to_renewal and cooldowns count from it

	HealthScore  float64 // 0..100
	HealthKnown  bool    // whether HealthScore is set
	HealthGrade  string  // the health band, such as "red"; "" if unknown
	HealthTrend  string  // "up", "down" or "same"; "" if unknown
	DecliningFor int     // consecutive evaluations the health has gone down

	Tier      string // "high", "low" or "tech"; "" if unassigned
	Community bool   // community touch overlay

	Friction      float64 // effort friction 0..100
	FrictionKnown bool
	FCR           float64 // first-contact resolution rate 0..1
	FCRKnown      bool
	CES           float64 // mean CES 2.0 answer 1..7
	CESKnown      bool

	Events []string // names of recent events, such as "case_closed_high_effort"

	// Previous is the situation at the last evaluation, read by "entering"
	// conditions; nil means there was none, so every state is being entered.
	Previous *Situation

	layout *layout
	nums   []float64 // NaN = missing
}

// numeric fields that are not signals, in slot order.
var numFields = []string{"health.score", "days_to_renewal", "mrr", "effort.friction", "effort.fcr", "effort.ces", "health.declining_for", "tenure_days"}

// layout maps every numeric field a compiled condition reads to a slot of the
// Situation's dense nums: the fixed fields first, then signals in first-use order.
type layout struct {
	signals []string
}

func (l *layout) slot(name string) int {
	if i := slices.Index(numFields, name); i >= 0 {
		return i
	}
	sig := name[len("signal."):]
	if i := slices.Index(l.signals, sig); i >= 0 {
		return len(numFields) + i
	}
	l.signals = append(l.signals, sig)
	return len(numFields) + len(l.signals) - 1
}

func known(v float64, ok bool) float64 {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return math.NaN()
	}
	return v
}

// check reports the first problem that keeps s from being evaluated, its path
// under prefix: no customer ID or an invalid one, no date, or a known number of
// s or of s.Previous outside its field's domain (NaN and infinities included).
func (s *Situation) check(prefix string) error {
	if s == nil || s.Customer == nil {
		return fieldErr(prefix+".customer.id", "", cs.ErrMissing)
	}
	id := s.Customer.ID
	if err := cs.CheckID(id); err != nil {
		return fieldErr(prefix+".customer.id", id, err)
	}
	if !s.Now.Valid() {
		return rowErr(prefix+".now", id, s.Now.String(), cs.ErrInvalidDate)
	}
	if err := s.checkNumbers(prefix); err != nil {
		return err
	}
	if s.Previous != nil {
		return s.Previous.checkNumbers(prefix + ".previous")
	}
	return nil
}

// checkNumbers reports the first known number of s outside its field's domain
// (NaN and infinities included), wrapping cs.ErrRange.
func (s *Situation) checkNumbers(prefix string) error {
	for _, f := range [...]struct {
		name   string
		v      float64
		known  bool
		lo, hi float64
	}{
		{"health.score", s.HealthScore, s.HealthKnown, 0, 100},
		{"effort.friction", s.Friction, s.FrictionKnown, 0, 100},
		{"effort.fcr", s.FCR, s.FCRKnown, 0, 1},
		{"effort.ces", s.CES, s.CESKnown, 1, 7},
	} {
		if f.known && !(f.v >= f.lo && f.v <= f.hi) {
			id := ""
			if s.Customer != nil {
				id = s.Customer.ID
			}
			return rowErr(prefix+"."+f.name, id, strconv.FormatFloat(f.v, 'g', -1, 64), why(cs.ErrRange, "want %v..%v", f.lo, f.hi))
		}
	}
	return nil
}

// prepare fills s.nums for l, and s.Previous's too.
func (s *Situation) prepare(l *layout) {
	s.fill(l)
	if s.Previous != nil {
		s.Previous.fill(l)
	}
}

// Invalidate discards the numbers a Condition copied from s at its first Eval.
// Call it after changing s (or its customer) before evaluating it again with
// Condition.Eval; Playbook.Evaluate always reads s afresh.
func (s *Situation) Invalidate() { s.layout = nil }

func (s *Situation) fill(l *layout) {
	n := len(numFields) + len(l.signals)
	if cap(s.nums) < n {
		s.nums = make([]float64, n)
	}
	s.nums = s.nums[:n]
	c := s.Customer
	if c == nil {
		c = &cs.Customer{}
	}
	s.nums[0] = known(s.HealthScore, s.HealthKnown)
	today := s.Now.Unix()
	s.nums[1] = known(float64(c.RenewalDate.Unix()-today), !c.RenewalDate.IsZero() && !s.Now.IsZero())
	s.nums[2] = known(c.MRR.Float64(), c.HasMRR())
	s.nums[3] = known(s.Friction, s.FrictionKnown)
	s.nums[4] = known(s.FCR, s.FCRKnown)
	s.nums[5] = known(s.CES, s.CESKnown)
	s.nums[6] = float64(s.DecliningFor)
	s.nums[7] = known(float64(today-c.ContractStart.Unix()), !c.ContractStart.IsZero() && !s.Now.IsZero())
	for i, name := range l.signals {
		v, ok := c.Signals.Get(name)
		s.nums[len(numFields)+i] = known(v, ok)
	}
	s.layout = l
}

func (s *Situation) stage() cs.Stage {
	if s.Customer == nil {
		return cs.StageUnknown
	}
	return s.Customer.Stage
}

func (s *Situation) hasEvent(name string) bool { return slices.Contains(s.Events, name) }
