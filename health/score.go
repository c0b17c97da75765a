package health

import (
	"fmt"
	"math"
	"strconv"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Status says how a measure entered a result.
type Status uint8

// The statuses of a MeasureResult.
const (
	// StatusPresent: the measure had a value and scored it.
	StatusPresent Status = iota
	// StatusMissing: no usable value; the weight went to the other measures
	// (MissingRedistribute) or the result is Unknown (MissingRequired).
	StatusMissing
	// StatusImputed: no usable value; scored neutral or zero by policy.
	StatusImputed
	// StatusOverridden: an active override set the points.
	StatusOverridden
)

var statusNames = [...]string{"present", "missing", "imputed", "overridden"}

// String returns the status word ("present", "missing", "imputed", "overridden").
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the status word; a value outside the defined statuses is
// an error (its word could not be read back).
func (s Status) MarshalText() ([]byte, error) {
	if int(s) >= len(statusNames) {
		return nil, fmt.Errorf("health: %s: %w", s, cs.ErrRange)
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText decodes a status word; any other text is an error wrapping
// cs.ErrSyntax.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if string(b) == n {
			*s = Status(i)
			return nil
		}
	}
	return badWord("status", b, "present, missing, imputed or overridden")
}

// badWord is the error of a word that is not one of an enumeration's.
func badWord(field string, b []byte, want string) error {
	return wrap(&cs.FieldError{Field: field, Value: errs.ClipBytes(b), Err: fmt.Errorf("%w: want %s", cs.ErrSyntax, want)})
}

// UnknownCause says why a result is Unknown.
type UnknownCause uint8

// The causes of an Unknown result.
const (
	// KnownScore: the result is not Unknown.
	KnownScore UnknownCause = iota
	// CauseRequired: a measure with MissingRequired had no value.
	CauseRequired
	// CauseCoverage: the share of weight present is zero or below the profile's
	// minimum coverage.
	CauseCoverage
)

// String returns the cause's word: "" for KnownScore, "required", "coverage"
// or "invalid".
func (u UnknownCause) String() string {
	switch u {
	case KnownScore:
		return ""
	case CauseRequired:
		return "required"
	case CauseCoverage:
		return "coverage"
	case CauseInvalid:
		return "invalid"
	}
	return "cause(" + strconv.Itoa(int(u)) + ")"
}

// MarshalText encodes the cause's word; a value outside the defined causes is
// an error.
func (u UnknownCause) MarshalText() ([]byte, error) {
	if u > CauseInvalid {
		return nil, fmt.Errorf("health: %s: %w", u, cs.ErrRange)
	}
	return []byte(u.String()), nil
}

// UnmarshalText decodes a cause's word ("" is KnownScore); any other text is an
// error wrapping cs.ErrSyntax.
func (u *UnknownCause) UnmarshalText(b []byte) error {
	for c := KnownScore; c <= CauseInvalid; c++ {
		if string(b) == c.String() {
			*u = c
			return nil
		}
	}
	return badWord("cause", b, `"", required, coverage or invalid`)
}

// MeasureResult explains one measure of a result.
type MeasureResult struct {
	Name   string `json:"name"`             // the measure
	Group  string `json:"group"`            // its group
	Signal string `json:"signal,omitempty"` // the signal (or attribute) read
	// HasRaw reports whether the customer had a value (Raw or Text); a value the
	// curve ignores (out of a bounded ramp, in no band, an unlisted category
	// under UnknownMissing) has HasRaw set and Status StatusMissing.
	HasRaw bool    `json:"has_raw"`
	Raw    float64 `json:"raw"`            // the signal's value (or a Func's points)
	Text   string  `json:"text,omitempty"` // the attribute's value (categorical measures)
	Status Status  `json:"status"`         // how the measure entered the score
	// Points is the measure's score 0..100 (0 when missing).
	Points float64 `json:"points"`
	// Grade is the label of Points under the measure's display scheme ("" when
	// missing).
	Grade string `json:"grade,omitempty"`
	// Weight is the measure's nominal share of the overall score (group share ×
	// share within the group) when every measure is present.
	Weight float64 `json:"weight"`
	// Effective is the share actually used after redistribution (0 if missing).
	Effective float64 `json:"effective"`
	// Contribution is Effective × Points: the points this measure adds to the
	// overall score before vetoes and overrides.
	Contribution float64 `json:"contribution"`
	// Override points to the override that set Points when Status is
	// StatusOverridden (nil otherwise): the element of the overrides passed to
	// Score, not a copy, so explaining a measure costs no allocation.
	Override *Override `json:"override,omitempty"`
}

// GroupResult is a group's share of a result.
type GroupResult struct {
	Name string `json:"name"` // the group
	// Present reports whether any measure of the group counted.
	Present bool `json:"present"`
	// Score is the weighted mean of the group's counted measures (0 if none).
	Score float64 `json:"score"`
	// Weight is the group's nominal share; Effective its share after
	// redistribution across groups (0 if no measure counted).
	Weight    float64 `json:"weight"`    // nominal share of the overall score
	Effective float64 `json:"effective"` // share after redistribution

	den float64 // Σ weights of counted measures
}

// Result is the score of one customer with its explanation. Every field is
// data; Reasons renders the explanation as short sentences.
//
// When Unknown is true, Score is 0 and Grade is "", whatever the measures say:
// a result below the minimum coverage is never a guess.
type Result struct {
	CustomerID  string  `json:"customer_id"`       // the customer scored
	Profile     string  `json:"profile"`           // the profile that scored it
	Version     string  `json:"version,omitempty"` // the configuration's version label
	Fingerprint string  `json:"fingerprint"`       // the configuration's fingerprint
	AsOf        cs.Date `json:"as_of"`             // the scoring date

	// Score is the overall score in [0,100] after vetoes and overrides.
	Score float64 `json:"score"`
	// Grade is Score's label in the profile's scheme; GradeIndex its band index
	// (0 is the lowest band), -1 when Unknown.
	Grade      string       `json:"grade"`
	GradeIndex int          `json:"grade_index"`
	Unknown    bool         `json:"unknown"`         // no score: Score 0, Grade ""
	Cause      UnknownCause `json:"cause,omitempty"` // why Unknown
	// Coverage is the share of the nominal weight whose measures had a value
	// (overridden measures count as present, imputed ones do not).
	Coverage float64 `json:"coverage"`
	// Computed is the rolled-up score before vetoes and the overall override;
	// ComputedUnknown whether the computation alone was Unknown.
	Computed        float64 `json:"computed"`                   // before vetoes and override
	ComputedUnknown bool    `json:"computed_unknown,omitempty"` // the computation alone was Unknown
	// Vetoes is the bit set of the profile's vetoes that lowered the score (bit
	// i for vetoes[i]); VetoNames lists them.
	Vetoes uint64 `json:"vetoes,omitempty"`
	// Overridden reports whether an overall override set Score; Override is
	// that override (audit trail). The computed score stays in Computed.
	Overridden bool     `json:"overridden,omitempty"` // an overall override set Score
	Override   Override `json:"override,omitzero"`    // that override, copied
	// Weakest is the index in Measures of the measure that pulls the score down
	// most (largest Effective × (100 − Points)), -1 if none counted. Ties go to
	// the first in canonical order.
	Weakest int `json:"weakest"`
	// Churn is the probability of churn the profile's Calibration gives Score,
	// with its interval ("P(churn in 180 days) = 0.31 (0.26–0.36)"); the zero
	// value when the profile has no calibration or the result is Unknown.
	Churn ChurnProbability `json:"churn,omitzero"`

	Groups   []GroupResult   `json:"groups"`   // by group name
	Measures []MeasureResult `json:"measures"` // by group name, then measure name

	prof *profile
}

// WeakestMeasure returns the measure pulling the score down most and true, or
// false when no measure counted.
func (r *Result) WeakestMeasure() (MeasureResult, bool) {
	if r.Weakest < 0 || r.Weakest >= len(r.Measures) {
		return MeasureResult{}, false
	}
	return r.Measures[r.Weakest], true
}

// VetoNames returns the names of the vetoes that lowered the score, in
// configuration order.
func (r *Result) VetoNames() []string {
	if r.prof == nil || r.Vetoes == 0 {
		return nil
	}
	var names []string
	for i := range r.prof.vetoes {
		if r.Vetoes&(1<<uint(i)) != 0 {
			names = append(names, r.prof.vetoes[i].name)
		}
	}
	return names
}

// Score scores one customer as of a date, applying the overrides active that
// day. It returns an error (and a zero Result) when no profile matches, when an
// override is invalid, or when a signal the profile reads is NaN or infinite.
// Score allocates the result's two slices; use ScoreInto to reuse them.
func (s *Scorer) Score(c *cs.Customer, asOf cs.Date, overrides ...Override) (Result, error) {
	var r Result
	err := s.ScoreInto(&r, c, asOf, overrides...)
	if err != nil {
		return Result{}, err
	}
	return r, nil
}

// ScoreInto is Score writing into r, reusing r's Groups and Measures slices: a
// loop that keeps one Result scores without allocating. r is overwritten
// entirely; on error its content is unspecified.
func (s *Scorer) ScoreInto(r *Result, c *cs.Customer, asOf cs.Date, overrides ...Override) error {
	p, overall, err := s.prepare(r, c, asOf, overrides)
	if err != nil {
		return err
	}
	unknown, overallDen, err := r.rollup(p, c, asOf, overrides)
	if err != nil {
		return err
	}
	r.finish(p, unknown, overallDen, overrides, overall)
	return nil
}

// prepare finds the customer's profile, checks the overrides, picks the active
// overall one (-1 if none) and resets r for the profile, keeping its slices.
func (s *Scorer) prepare(r *Result, c *cs.Customer, asOf cs.Date, overrides []Override) (*profile, int, error) {
	pi := s.match(c)
	if pi < 0 {
		return nil, -1, wrap(&cs.FieldError{Record: errs.Clip(c.ID), Field: "segment", Value: errs.Clip(c.Segment), Err: ErrNoProfile})
	}
	p := &s.profiles[pi]
	overall := -1
	for i := range overrides {
		o := &overrides[i]
		if fe := o.check(p); fe != nil {
			fe.Record, fe.Field = errs.Clip(c.ID), "overrides["+strconv.Itoa(i)+"]."+fe.Field
			return nil, -1, wrap(fe)
		}
		if o.Measure == "" && o.Active(asOf) && (overall < 0 || !o.SetAt.Before(overrides[overall].SetAt)) {
			overall = i
		}
	}
	groups, measures := r.Groups[:0], r.Measures[:0]
	if cap(groups) < len(p.groups) {
		groups = make([]GroupResult, 0, len(p.groups))
	}
	if cap(measures) < len(p.measures) {
		measures = make([]MeasureResult, 0, len(p.measures))
	}
	*r = Result{
		CustomerID: c.ID, Profile: p.name, Version: s.version, Fingerprint: s.fingerprint, AsOf: asOf,
		Weakest: -1, GradeIndex: -1, prof: p,
	}
	r.Groups, r.Measures = groups, measures
	return p, overall, nil
}

// rollup scores every measure, applies the missing-value policies and measure
// overrides, and rolls the points up into group scores and the computed score
// (Gainsight's two-level weighted mean). It returns why the result is Unknown
// (KnownScore if it is not) and the sum of the weights of the groups present.
func (r *Result) rollup(p *profile, c *cs.Customer, asOf cs.Date, overrides []Override) (UnknownCause, float64, error) {
	unknown := KnownScore
	overallNum, overallDen, coverage := 0.0, 0.0, 0.0
	for gi := range p.groups {
		g := &p.groups[gi]
		num, den := 0.0, 0.0
		for mi := g.start; mi < g.end; mi++ {
			m := &p.measures[mi]
			r.Measures = append(r.Measures, MeasureResult{Name: m.name, Group: m.group, Signal: m.signal, Weight: m.nominal})
			mr := &r.Measures[mi]
			if m.kind == kindCategories {
				mr.Signal = m.attribute
			}
			pts, ok, err := m.score(c, mr)
			if err != nil {
				return unknown, 0, err
			}
			if oi := measureOverride(overrides, m.name, asOf); oi >= 0 {
				pts, ok = overrides[oi].Points, true
				mr.Status, mr.Override = StatusOverridden, &overrides[oi]
			}
			switch {
			case ok:
				coverage += m.nominal
			case m.missing == MissingRedistribute:
				mr.Status = StatusMissing
			case m.missing == MissingRequired:
				mr.Status = StatusMissing
				unknown = CauseRequired
			case m.missing == MissingNeutral:
				mr.Status, pts, ok = StatusImputed, m.neutral, true
			default: // MissingZero
				mr.Status, pts, ok = StatusImputed, 0, true
			}
			if ok {
				mr.Points = pts
				mr.Grade = m.grades.labels[m.grades.grade(pts)]
				num = float64(m.weight*pts) + num
				den += m.weight
			}
		}
		gr := GroupResult{Name: g.name, Weight: g.share, den: den}
		if den > 0 {
			gr.Present = true
			gr.Score = clamp100(num / den)
			overallNum = float64(g.weight*gr.Score) + overallNum
			overallDen += g.weight
		}
		r.Groups = append(r.Groups, gr)
	}
	r.Coverage = coverage
	if unknown == KnownScore && (!(overallDen > 0) || !(coverage > 0) || coverage < p.minCoverage) {
		unknown = CauseCoverage
	}
	if overallDen > 0 {
		r.Computed = clamp100(overallNum / overallDen)
	}
	return unknown, overallDen, nil
}

// finish explains the computed score, applies the vetoes and the overall
// override, and grades the final score with its churn probability.
func (r *Result) finish(p *profile, unknown UnknownCause, overallDen float64, overrides []Override, overall int) {
	if overallDen > 0 {
		r.explain(p, overallDen)
	}
	score := r.Computed
	if unknown != KnownScore {
		r.ComputedUnknown = true
		r.Computed = 0
		score = 0
	} else {
		score = r.applyVetoes(p, score)
	}
	if overall >= 0 {
		r.Overridden, r.Override = true, overrides[overall]
		score, unknown = overrides[overall].Points, KnownScore
	}
	if unknown != KnownScore {
		r.Unknown, r.Cause = true, unknown
		return
	}
	r.Score = score
	r.GradeIndex = p.grades.grade(score)
	r.Grade = p.grades.labels[r.GradeIndex]
	if p.calibration != nil {
		r.Churn = p.calibration.Probability(score)
	}
}

// explain fills the effective weights, contributions and the weakest measure.
func (r *Result) explain(p *profile, overallDen float64) {
	worst := -1.0
	for gi := range p.groups {
		g := &p.groups[gi]
		gr := &r.Groups[gi]
		if !gr.Present {
			continue
		}
		gr.Effective = g.weight / overallDen
		for mi := g.start; mi < g.end; mi++ {
			mr := &r.Measures[mi]
			if mr.Status == StatusMissing {
				continue
			}
			mr.Effective = gr.Effective * (p.measures[mi].weight / gr.den)
			mr.Contribution = mr.Effective * mr.Points
			if loss := mr.Effective * (100 - mr.Points); loss > worst {
				worst, r.Weakest = loss, mi
			}
		}
	}
}

// applyVetoes lowers score by every veto whose condition holds; it never raises
// it. Vetoes look at the measures' points as scored (overrides included).
func (r *Result) applyVetoes(p *profile, score float64) float64 {
	for vi := range p.vetoes {
		v := &p.vetoes[vi]
		limit := math.Inf(1)
		for mi := v.start; mi < v.end; mi++ {
			mr := &r.Measures[mi]
			if mr.Status == StatusMissing {
				continue
			}
			switch {
			case v.min:
				limit = min(limit, mr.Points)
			case v.useBelow && mr.Points < v.below, !v.useBelow && mr.Grade == v.grade:
				limit = min(limit, v.cap)
			}
		}
		if limit < score {
			score = limit
			r.Vetoes |= 1 << uint(vi)
		}
	}
	return score
}

// score reads the measure's input from c into mr and returns its points, false
// when the value is missing or ignored by the curve.
func (m *measure) score(c *cs.Customer, mr *MeasureResult) (float64, bool, error) {
	switch m.kind {
	case kindCategories:
		v, ok := c.Attributes[m.attribute]
		if !ok {
			return 0, false, nil
		}
		mr.HasRaw, mr.Text = true, v
		p, ok := m.cats[v]
		if !ok {
			if m.unknownMissing {
				return 0, false, nil
			}
			p = m.unknownPoints
		}
		return p, true, nil
	case kindFunc:
		p, ok := m.fn(c)
		if !ok {
			return 0, false, nil
		}
		if !(p >= 0 && p <= 100) {
			return 0, false, wrap(&cs.FieldError{Record: errs.Clip(c.ID), Field: m.name, Value: ftoa(p),
				Err: fmt.Errorf("func returned points outside [0,100]: %w", cs.ErrRange)})
		}
		mr.HasRaw, mr.Raw = true, p
		return p, true, nil
	}
	v, ok := c.Signals[m.signal]
	if !ok {
		return 0, false, nil
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, wrap(&cs.FieldError{Record: errs.Clip(c.ID), Field: "signals." + m.signal, Value: ftoa(v), Err: cs.ErrNotFinite})
	}
	mr.HasRaw, mr.Raw = true, v
	return m.points(v)
}

// points applies a numeric curve to a finite value.
func (m *measure) points(v float64) (float64, bool, error) {
	switch m.kind {
	case kindRamp:
		if m.bounded && (v < m.lo || v > m.hi) {
			return 0, false, nil
		}
		return rampPoints(v, m.bad, m.span), true, nil
	case kindBands:
		for i := range m.bands {
			b := &m.bands[i]
			if (v > b.lo || b.loIn && v == b.lo) && (v < b.hi || b.hiIn && v == b.hi) {
				return b.points, true, nil
			}
		}
		return 0, false, nil
	default: // kindSteps
		p := m.below
		for _, t := range m.steps {
			if v < t.At {
				break
			}
			p = t.Points
		}
		return p, true, nil
	}
}

// rampPoints is a ramp's points for a finite value: linear from 0 at bad to 100
// at bad+span, clamped. Dividing by span (rather than multiplying by its
// inverse) makes the good value score exactly 100.
func rampPoints(v, bad, span float64) float64 {
	return clamp100((v - bad) / span * 100)
}

// clamp100 limits x to [0,100].
// It uses the min and max built-ins, which compile without branches: clamping
// is frequent and unpredictable in large books.
func clamp100(x float64) float64 {
	return min(max(x, 0), 100)
}
