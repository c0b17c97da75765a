package health

import (
	"fmt"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Override is a manual score set by a person, on the overall score (Measure
// empty) or on one measure. It is active from SetAt (inclusive) until Expires
// (exclusive); an expired override is ignored, and an active one is never
// replaced by recomputation: the Result carries the computed score beside the
// override that replaced it. Reason, Author and Expires are required, so no
// override is anonymous or eternal.
//
// When several active overrides target the same score, the one set last wins
// (on equal SetAt, the later in the list).
type Override struct {
	Measure string  `json:"measure,omitempty"` // the measure overridden; "" for the overall score
	Points  float64 `json:"points"`            // the points 0..100 it sets
	Reason  string  `json:"reason"`            // why, for the audit trail; required
	Author  string  `json:"author"`            // who set it; required
	SetAt   cs.Date `json:"set_at"`            // first day it applies
	Expires cs.Date `json:"expires"`           // first day it no longer applies; after SetAt
}

// IsZero reports whether o is the zero Override (no override).
func (o Override) IsZero() bool { return o == Override{} }

// Active reports whether the override applies on day asOf: SetAt ≤ asOf < Expires.
func (o *Override) Active(asOf cs.Date) bool {
	return !asOf.Before(o.SetAt) && asOf.Before(o.Expires)
}

// check validates the override against a profile: nil, or the problem located
// at the override's field, its cause wrapping ErrInvalidOverride.
func (o *Override) check(p *profile) *cs.FieldError {
	bad := func(field, value string, cause error) *cs.FieldError {
		return &cs.FieldError{Field: field, Value: errs.Clip(value), Err: fmt.Errorf("%w: %w", cause, ErrInvalidOverride)}
	}
	switch {
	case !(o.Points >= 0 && o.Points <= 100):
		return bad("points", ftoa(o.Points), fmt.Errorf("outside [0,100]: %w", cs.ErrRange))
	case o.Reason == "":
		return bad("reason", "", cs.ErrMissing)
	case o.Author == "":
		return bad("author", "", cs.ErrMissing)
	case !o.SetAt.Valid():
		return bad("set_at", o.SetAt.String(), cs.ErrInvalidDate)
	case !o.Expires.Valid():
		return bad("expires", o.Expires.String(), cs.ErrInvalidDate)
	case !o.Expires.After(o.SetAt):
		return bad("expires", o.Expires.String(), fmt.Errorf("not after set_at %s: %w", o.SetAt, cs.ErrDateOrder))
	}
	if o.Measure != "" {
		if _, ok := p.index[o.Measure]; !ok {
			return bad("measure", o.Measure, fmt.Errorf("not in profile %q: %w", p.name, cs.ErrUnknownField))
		}
	}
	return nil
}

// measureOverride returns the index of the active override of the named
// measure that was set last, or -1.
func measureOverride(overrides []Override, name string, asOf cs.Date) int {
	best := -1
	for i := range overrides {
		o := &overrides[i]
		if o.Measure == name && o.Active(asOf) && (best < 0 || !o.SetAt.Before(overrides[best].SetAt)) {
			best = i
		}
	}
	return best
}
