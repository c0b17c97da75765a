package health

import (
	"github.com/successkit/cs"
)

// Config is a set of scorecards (profiles) under one version label. It is plain
// data: decode it with ParseConfig, check it with Validate, and turn it into a
// Scorer with Compile. The zero Config is invalid (it has no profile).
//
// JSON uses the same field names as the struct tags; unknown fields are errors.
type Config struct {
	// Version labels the configuration for people ("2026-06 v3"); it is copied into
	// every Result beside the fingerprint, which identifies the content exactly.
	Version string `json:"version,omitempty"`
	// Profiles are tried in order; the first whose selector matches a customer
	// scores it. A profile with an empty selector matches every customer, so put
	// the default last.
	Profiles []Profile `json:"profiles"`
}

// Profile is one scorecard with the selector of the customers it applies to.
type Profile struct {
	// Name identifies the profile in results; unique within a Config.
	Name string `json:"name"`
	// Select chooses the customers this profile scores; the zero Selector
	// matches everyone.
	Select Selector `json:"select,omitzero"`
	// Missing is the default missing-value policy of the scorecard's measures;
	// the zero value is MissingRedistribute.
	Missing MissingPolicy `json:"missing,omitempty"`
	// Neutral is the points a missing measure scores under MissingNeutral; nil
	// means 50.
	Neutral *float64 `json:"neutral,omitempty"`
	// MinCoverage in [0,1]: when the share of weight actually present is below
	// it, the result is Unknown. Zero accepts any coverage above zero.
	MinCoverage float64 `json:"min_coverage,omitempty"`
	// Grades is the overall grade scheme; nil means DefaultGrades (red, yellow,
	// green).
	Grades *GradeScheme `json:"grades,omitempty"`
	// Groups hold the measures; two-level rollup (measure → group → overall).
	Groups []Group `json:"groups"`
	// Vetoes are exceptions that can only lower the overall score.
	Vetoes []Veto `json:"vetoes,omitempty"`
	// Calibration maps the profile's score to a probability of churn, stated in
	// every Result as its Churn; nil means none. Calibrate fits one.
	Calibration *Calibration `json:"calibration,omitempty"`
}

// GradeScheme returns the profile's overall grade scheme: Grades, or
// DefaultGrades when Grades is nil.
func (p *Profile) GradeScheme() GradeScheme {
	if p.Grades != nil {
		return *p.Grades
	}
	return DefaultGrades()
}

// Selector chooses customers by segment, stage and attribute values. Each
// non-empty list must contain the customer's value (AND across lists, OR within
// one). The zero Selector matches every customer.
type Selector struct {
	Segments   []string            `json:"segments,omitempty"`   // cs.Customer.Segment values
	Stages     []cs.Stage          `json:"stages,omitempty"`     // lifecycle stages, as words in JSON
	Attributes map[string][]string `json:"attributes,omitempty"` // attribute name → accepted values
}

// IsZero reports whether the selector matches every customer.
func (s Selector) IsZero() bool {
	return len(s.Segments) == 0 && len(s.Stages) == 0 && len(s.Attributes) == 0
}

// Group is a named set of measures with a weight in the overall score.
type Group struct {
	Name string `json:"name"` // unique within a profile, such as "Adoption"
	// Weight is any non-negative number; group weights are normalised to sum to 1
	// (their sum must be finite).
	Weight   float64   `json:"weight"`
	Measures []Measure `json:"measures"` // at least one, with weights summing above 0 (and finite)
}

// Measure turns one signal (or attribute) of a customer into points 0..100 with
// exactly one curve: Ramp, Bands, Steps, Categories or Func.
type Measure struct {
	// Name identifies the measure; unique within a profile.
	Name string `json:"name"`
	// Signal names the cs.Signals value read by Ramp, Bands and Steps.
	Signal string `json:"signal,omitempty"`
	// Attribute names the cs.Attributes value read by Categories.
	Attribute string `json:"attribute,omitempty"`
	// Weight is any non-negative number, normalised within the group.
	Weight float64 `json:"weight"`

	Ramp       *Ramp       `json:"ramp,omitempty"`       // linear curve on Signal
	Bands      []Band      `json:"bands,omitempty"`      // value ranges on Signal
	Steps      *Steps      `json:"steps,omitempty"`      // thresholds on Signal
	Categories *Categories `json:"categories,omitempty"` // value map on Attribute
	// Func names a Go function given to Compile with WithFunc.
	Func string `json:"func,omitempty"`

	// Missing overrides the profile's missing-value policy for this measure.
	Missing MissingPolicy `json:"missing,omitempty"`
	// Neutral overrides the profile's neutral points for this measure.
	Neutral *float64 `json:"neutral,omitempty"`
	// Grades is a display scheme for this measure's points (nil: the profile's).
	Grades *GradeScheme `json:"grades,omitempty"`
}

// Ramp is a linear curve: Bad scores 0 points, Good scores 100, linear in
// between. Good may be below Bad (a decreasing measure such as days since the
// last login). Outside the range the points are clamped to 0 or 100, unless
// Bounded is set: then a value outside [min(Bad,Good), max(Bad,Good)] is ignored
// and the measure counts as missing (Planhat's bounded factors).
type Ramp struct {
	Bad     float64 `json:"bad"`               // the value scoring 0 points
	Good    float64 `json:"good"`              // the value scoring 100 points; ≠ Bad, and Good − Bad finite
	Bounded bool    `json:"bounded,omitempty"` // ignore values outside [Bad,Good] instead of clamping
}

// Band maps a range of values to points. Min and Max are optional (nil is
// unbounded); MinInclusive and MaxInclusive say whether the bounds themselves
// belong to the band, so ChurnZero's "top inclusive" (MaxInclusive) and
// Gainsight's "lower exclusive" (MinInclusive false) are both expressible. Bands
// of a measure are listed in ascending order and must not overlap; a value in
// no band leaves the measure missing.
type Band struct {
	Min          *float64 `json:"min,omitempty"`           // lower bound; nil: unbounded (first band only)
	Max          *float64 `json:"max,omitempty"`           // upper bound; nil: unbounded (last band only)
	MinInclusive bool     `json:"min_inclusive,omitempty"` // Min itself belongs to the band
	MaxInclusive bool     `json:"max_inclusive,omitempty"` // Max itself belongs to the band
	Points       float64  `json:"points"`                  // points 0..100 of a value in the band
}

// Steps is a threshold curve: a value scores the points of the highest
// threshold it reaches (value ≥ At), or Below when it reaches none. Thresholds
// are strictly ascending in At.
type Steps struct {
	Below      float64     `json:"below"`      // points of a value under the first threshold
	Thresholds []Threshold `json:"thresholds"` // at least one, strictly ascending in At
}

// Threshold is one step of Steps.
type Threshold struct {
	At     float64 `json:"at"`     // values ≥ At reach this step
	Points float64 `json:"points"` // points 0..100 of the step
}

// Categories maps an attribute's values to points. Unknown says what an
// attribute value that is not listed scores, and must be set: UnknownMissing
// (the measure is missing) or UnknownPoints (it scores UnknownPoints).
type Categories struct {
	Values        map[string]float64 `json:"values"`                   // attribute value → points 0..100
	Unknown       UnknownRule        `json:"unknown"`                  // required: what an unlisted value scores
	UnknownPoints float64            `json:"unknown_points,omitempty"` // points of an unlisted value under UnknownPoints
}

// UnknownRule is what a categorical measure does with an unlisted value.
type UnknownRule string

// The unknown-value rules of Categories.
const (
	UnknownMissing UnknownRule = "missing"
	UnknownPoints  UnknownRule = "points"
)

// MissingPolicy says how a measure without a value is scored.
type MissingPolicy string

// The missing-value policies. The empty policy means "inherit": the profile's
// policy for a measure, MissingRedistribute for a profile.
const (
	// MissingRedistribute leaves the measure out: its weight goes to the other
	// measures of its group, and a group with no measure present gives its
	// weight to the other groups (Catalyst).
	MissingRedistribute MissingPolicy = "redistribute"
	// MissingNeutral scores the measure at the neutral points (default 50).
	MissingNeutral MissingPolicy = "neutral"
	// MissingZero scores the measure at 0 points.
	MissingZero MissingPolicy = "zero"
	// MissingRequired makes the whole result Unknown.
	MissingRequired MissingPolicy = "required"
)

// Veto is an exception that can only lower the overall score. It looks at one
// measure (Measure) or at every measure of one group (Group). When Min is set,
// the overall score becomes min(overall, points) of the measure (or the lowest
// points of the group's present measures). Otherwise Cap is required and the
// overall becomes min(overall, Cap) when the condition holds for the measure or
// for any present measure of the group: its grade label under its display
// scheme equals Grade, or its points are below Below (one of the two must be
// set). A missing measure never triggers a veto.
type Veto struct {
	Name    string   `json:"name"`              // for results and reasons
	Measure string   `json:"measure,omitempty"` // the measure looked at, or
	Group   string   `json:"group,omitempty"`   // every measure of this group
	Grade   string   `json:"grade,omitempty"`   // condition: a measure's grade label is Grade
	Below   *float64 `json:"below,omitempty"`   // condition: a measure's points are below Below
	Cap     *float64 `json:"cap,omitempty"`     // the overall score's limit when the condition holds
	Min     bool     `json:"min,omitempty"`     // overall = min(overall, the measure's points)
}
