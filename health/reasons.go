package health

import (
	"strconv"
	"strings"
)

// Reasons renders the result's explanation as short sentences a CSM can read,
// most important first: why the result is Unknown, the override, the vetoes,
// the measure pulling the score down most, then measures without a usable
// value or set by hand. The sentences are derived from the result's fields
// only; the data stays authoritative.
func (r *Result) Reasons() []string {
	var out []string
	switch r.Cause {
	case CauseRequired:
		for _, m := range r.Measures {
			if m.Status == StatusMissing && r.prof != nil && r.prof.measures[r.prof.index[m.Name]].missing == MissingRequired {
				out = append(out, "unknown: required measure "+m.Name+" has no value")
			}
		}
	case CauseCoverage:
		msg := "unknown: only " + pct(r.Coverage) + " of the weight has data"
		if r.prof != nil && r.prof.minCoverage > 0 {
			msg += ", below the minimum " + pct(r.prof.minCoverage)
		}
		out = append(out, msg)
	}
	if r.Overridden {
		o := &r.Override
		msg := "overridden to " + pts(o.Points) + " by " + o.Author + " from " + o.SetAt.String() + " until " + o.Expires.String() + ": " + o.Reason
		if r.ComputedUnknown {
			msg += " (computed: unknown)"
		} else {
			msg += " (computed " + pts(r.Computed) + ")"
		}
		out = append(out, msg)
	}
	for _, name := range r.VetoNames() {
		out = append(out, "capped by veto "+strconv.Quote(name)+" (computed "+pts(r.Computed)+")")
	}
	if m, ok := r.WeakestMeasure(); ok && !r.Unknown {
		out = append(out, m.Name+" pulls the score down most: "+pts(m.Points)+" points"+rawText(&m)+
			", weight "+pct(m.Effective)+", costing "+pts(m.Effective*(100-m.Points))+" points")
	}
	for i := range r.Measures {
		m := &r.Measures[i]
		switch m.Status {
		case StatusMissing:
			what := " has no value"
			if m.HasRaw {
				what = rawText(m)[1:] + " is outside what its curve scores"
			}
			where := "the rest of " + m.Group
			if g := r.group(m.Group); g != nil && !g.Present {
				where = "the other groups"
			}
			out = append(out, m.Name+what+"; its weight went to "+where)
		case StatusImputed:
			out = append(out, m.Name+" has no value; scored "+pts(m.Points)+" by policy")
		case StatusOverridden:
			o := m.Override
			out = append(out, m.Name+" set to "+pts(m.Points)+" by "+o.Author+" until "+o.Expires.String()+": "+o.Reason)
		}
	}
	return out
}

func (r *Result) group(name string) *GroupResult {
	for i := range r.Groups {
		if r.Groups[i].Name == name {
			return &r.Groups[i]
		}
	}
	return nil
}

// rawText is " on <value>" for a measure with a raw value, "" otherwise.
func rawText(m *MeasureResult) string {
	switch {
	case !m.HasRaw:
		return ""
	case m.Text != "":
		return " on " + strconv.Quote(m.Text)
	}
	return " on " + strconv.FormatFloat(m.Raw, 'g', 4, 64)
}

// pts formats points with at most one decimal.
func pts(p float64) string {
	s := strconv.FormatFloat(p, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// pct formats a share as a whole percentage.
func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 0, 64) + "%" }
