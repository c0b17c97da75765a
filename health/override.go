package health

import (
	"fmt"

	"github.com/successkit/cs"
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

// check validates the override against a profile; errors wrap ErrInvalidOverride.
func (o *Override) check(p *profile) error {
	switch {
	case !(o.Points >= 0 && o.Points <= 100):
		return fmt.Errorf("points %s outside [0,100]: %w", ftoa(o.Points), ErrInvalidOverride)
	case o.Reason == "":
		return fmt.Errorf("reason: %w: %w", cs.ErrMissing, ErrInvalidOverride)
	case o.Author == "":
		return fmt.Errorf("author: %w: %w", cs.ErrMissing, ErrInvalidOverride)
	case !o.SetAt.Valid():
		return fmt.Errorf("set_at %q: %w: %w", o.SetAt.String(), cs.ErrInvalidDate, ErrInvalidOverride)
	case !o.Expires.Valid():
		return fmt.Errorf("expires %q: %w: %w", o.Expires.String(), cs.ErrInvalidDate, ErrInvalidOverride)
	case !o.Expires.After(o.SetAt):
		return fmt.Errorf("expires %s not after set_at %s: %w: %w", o.Expires, o.SetAt, cs.ErrDateOrder, ErrInvalidOverride)
	}
	if o.Measure != "" {
		if _, ok := p.index[o.Measure]; !ok {
			return fmt.Errorf("measure %q not in profile %q: %w", o.Measure, p.name, ErrInvalidOverride)
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
