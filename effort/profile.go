package effort

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Signal names written by CustomerEffort.AddSignals, as in the sample book's vocabulary.
const (
	SignalFriction = "friction" // decayed friction 0..100
	SignalCES      = "ces"      // mean CES on the CES 2.0 scale 1..7
	SignalFCRRate  = "fcr_rate" // first-contact resolution rate 0..1
)

// CustomerEffort joins a customer's friction (HasFriction false without a valid
// case) and CES summary (CES.Summary.Count 0 without a CES answer).
type CustomerEffort struct {
	CustomerID  string
	HasFriction bool
	Friction    CustomerFriction
	CES         CustomerCES
}

// Profiles joins friction and CES results by customer ID, sorted by customer ID. Each
// input must be sorted by customer ID as Report.Customers and CESByCustomer return
// them.
func Profiles(friction []CustomerFriction, ces []CustomerCES) []CustomerEffort {
	var out []CustomerEffort
	i, j := 0, 0
	for i < len(friction) || j < len(ces) {
		var c int
		switch {
		case i == len(friction):
			c = 1
		case j == len(ces):
			c = -1
		default:
			c = strings.Compare(friction[i].CustomerID, ces[j].CustomerID)
		}
		switch {
		case c < 0:
			out = append(out, CustomerEffort{CustomerID: friction[i].CustomerID, HasFriction: true, Friction: friction[i]})
			i++
		case c > 0:
			out = append(out, CustomerEffort{CustomerID: ces[j].CustomerID, CES: ces[j]})
			j++
		default:
			out = append(out, CustomerEffort{CustomerID: ces[j].CustomerID, HasFriction: true, Friction: friction[i], CES: ces[j]})
			i++
			j++
		}
	}
	return out
}

// AddSignals writes the customer's effort signals into dst, for the health package:
// "friction" when the customer has a case, "fcr_rate" when it has a resolved case and
// "ces" (1..7) when it has a CES answer. Absent data is left absent, never zero.
func (e CustomerEffort) AddSignals(dst cs.Signals) {
	if e.HasFriction {
		dst[SignalFriction] = e.Friction.Friction
		if e.Friction.Resolved > 0 {
			dst[SignalFCRRate] = e.Friction.FCRRate
		}
	}
	if v, ok := e.CES.Summary.MeanCES2(); ok {
		dst[SignalCES] = v
	}
}

// Complaint is an explicit complaint by a customer, whatever its channel.
type Complaint struct {
	CustomerID string
	Time       time.Time
}

// Sign names one trouble sign found by Silence.FindAt.
const (
	SignFallingUsage = "falling_usage"
	SignHighFriction = "high_friction"
	SignLowCES       = "low_ces"
)

// Evidence is one trouble sign with the value seen and the threshold it crossed.
type Evidence struct {
	Sign      string
	Value     float64
	Threshold float64
}

// Silent is a customer whose data shows trouble but who has not spoken up.
// LastVoice is the latest complaint or survey answer before the window, zero if none.
type Silent struct {
	CustomerID string
	Evidence   []Evidence
	LastVoice  time.Time
}

// Silence configures Silence.FindAt; zero fields take the defaults shown.
type Silence struct {
	WindowDays      float64 `json:"window_days"`       // silence window before now; default 90
	UsageTrendBelow float64 `json:"usage_trend_below"` // falling usage: signal usage_trend below; default -0.2
	FrictionAbove   float64 `json:"friction_above"`    // high friction above; default 50
	CESEaseBelow    float64 `json:"ces_ease_below"`    // low CES: mean ease (0..100) below; default 50
	MinSigns        int     `json:"min_signs"`         // signs needed; default 2
}

// FindAt lists the silently dissatisfied customers at the instant now, as AnalyzeAt
// takes it (the ECのミカタ survey article: dissatisfied customers who never raise it with support
// are part of customer success's remit):
// those with at least MinSigns trouble signs — usage_trend below the threshold (from
// customers' cs.Signals), decayed friction above it, mean CES ease below it — and no
// complaint nor survey answer of any kind (responses, NPS included) in the window
// (now − WindowDays, now]. The CES evidence may come from answers older than the
// window: pass the CES summary over the period you trust. The result is sorted by
// number of signs, most first, then customer ID. A NaN or infinite usage_trend is an
// error naming the customer; that customer is skipped and the others processed.
func (s Silence) FindAt(efforts []CustomerEffort, customers []cs.Customer, responses []Response, complaints []Complaint, now time.Time) ([]Silent, error) {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.WindowDays, 90)
	def(&s.UsageTrendBelow, -0.2)
	def(&s.FrictionAbove, 50)
	def(&s.CESEaseBelow, 50)
	if s.MinSigns == 0 {
		s.MinSigns = 2
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"window_days", s.WindowDays}, {"usage_trend_below", s.UsageTrendBelow},
		{"friction_above", s.FrictionAbove}, {"ces_ease_below", s.CESEaseBelow}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return nil, fmt.Errorf("effort: silence.%s: %w", f.name, cs.ErrNotFinite)
		}
	}
	if s.WindowDays < 0 || s.MinSigns < 1 || s.MinSigns > 3 {
		return nil, fmt.Errorf("effort: silence: window_days %v, min_signs %d: %w", s.WindowDays, s.MinSigns, ErrConfig)
	}
	from := now.Add(-time.Duration(s.WindowDays * float64(24*time.Hour)))
	voice := map[string]time.Time{}
	heard := map[string]bool{}
	note := func(id string, t time.Time) {
		if t.After(now) {
			return
		}
		if t.After(from) {
			heard[id] = true
		} else if t.After(voice[id]) {
			voice[id] = t
		}
	}
	for _, r := range responses {
		note(r.CustomerID, r.Time)
	}
	for _, c := range complaints {
		note(c.CustomerID, c.Time)
	}
	trend := map[string]float64{}
	var list errs.List
	for _, c := range customers {
		v, ok := c.Signals.Get("usage_trend")
		if !ok {
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			list.Add(fmt.Errorf("effort: %w", &cs.FieldError{Record: errs.Clip(c.ID), Field: "signals.usage_trend", Value: fmt.Sprint(v), Err: cs.ErrNotFinite}))
			continue
		}
		trend[c.ID] = v
	}
	ids := map[string]*CustomerEffort{}
	var all []string
	for i := range efforts {
		ids[efforts[i].CustomerID] = &efforts[i]
		all = append(all, efforts[i].CustomerID)
	}
	for id := range trend {
		if ids[id] == nil {
			all = append(all, id)
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	var out []Silent
	for _, id := range all {
		if heard[id] {
			continue
		}
		var ev []Evidence
		if v, ok := trend[id]; ok && v < s.UsageTrendBelow {
			ev = append(ev, Evidence{SignFallingUsage, v, s.UsageTrendBelow})
		}
		if e := ids[id]; e != nil {
			if e.HasFriction && e.Friction.Friction > s.FrictionAbove {
				ev = append(ev, Evidence{SignHighFriction, e.Friction.Friction, s.FrictionAbove})
			}
			if e.CES.Summary.Count > 0 && e.CES.Summary.MeanEase < s.CESEaseBelow {
				ev = append(ev, Evidence{SignLowCES, e.CES.Summary.MeanEase, s.CESEaseBelow})
			}
		}
		if len(ev) >= s.MinSigns {
			out = append(out, Silent{CustomerID: id, Evidence: ev, LastVoice: voice[id]})
		}
	}
	slices.SortStableFunc(out, func(a, b Silent) int {
		if c := cmp.Compare(len(b.Evidence), len(a.Evidence)); c != 0 {
			return c
		}
		return strings.Compare(a.CustomerID, b.CustomerID)
	})
	return out, list.Err()
}
