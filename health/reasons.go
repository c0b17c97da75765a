package health

import (
	"strconv"
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
	// The two sentences nearly every result has are built in one buffer: a
	// batch of results spent more on concatenating them than on scoring.
	var buf [128]byte
	if m, ok := r.WeakestMeasure(); ok && !r.Unknown {
		b := append(buf[:0], m.Name...)
		b = append(b, " pulls the score down most: "...)
		b = append(appendPts(b, m.Points), " points"...)
		b = append(appendRaw(b, &m), ", weight "...)
		b = append(appendPct(b, m.Effective), ", costing "...)
		b = append(appendPts(b, m.Effective*(100-m.Points)), " points"...)
		out = append(out, string(b))
	}
	for i := range r.Measures {
		m := &r.Measures[i]
		switch m.Status {
		case StatusMissing:
			what := " has no value"
			if m.HasRaw {
				what = rawText(m)[1:] + " is outside what its curve scores"
			}
			b := append(buf[:0], m.Name...)
			b = append(b, what...)
			if g := r.group(m.Group); g != nil && !g.Present {
				b = append(b, "; its weight went to the other groups"...)
			} else {
				b = append(b, "; its weight went to the rest of "...)
				b = append(b, m.Group...)
			}
			out = append(out, string(b))
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
func rawText(m *MeasureResult) string { return string(appendRaw(nil, m)) }

func appendRaw(b []byte, m *MeasureResult) []byte {
	switch {
	case !m.HasRaw:
		return b
	case m.Text != "":
		return strconv.AppendQuote(append(b, " on "...), m.Text)
	}
	return strconv.AppendFloat(append(b, " on "...), m.Raw, 'g', 4, 64)
}

// pts formats points with at most one decimal.
func pts(p float64) string { return string(appendPts(nil, p)) }

func appendPts(b []byte, p float64) []byte {
	b = strconv.AppendFloat(b, p, 'f', 1, 64)
	if n := len(b); b[n-2] == '.' && b[n-1] == '0' {
		b = b[:n-2]
	}
	return b
}

// pct formats a share as a whole percentage.
func pct(x float64) string { return string(appendPct(nil, x)) }

func appendPct(b []byte, x float64) []byte {
	return append(strconv.AppendFloat(b, 100*x, 'f', 0, 64), '%')
}
