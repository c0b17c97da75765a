package health

import (
	"cmp"
	"math"
	"slices"

	"github.com/successkit/cs"
)

// slowScore is the obviously correct reference for Scorer.Score without
// overrides: it reads the Config directly, one step of Gainsight's documented rollup after the
// other, in the canonical order (groups by name, measures by name). It must
// agree with the compiled scorer and with the columnar path bit for bit.
// Products are rounded explicitly (float64(x*y)) so no fused multiply-add can
// creep in on any architecture.
func slowScore(p *Profile, c *cs.Customer) (score float64, cause UnknownCause, coverage float64) {
	groups := slices.Clone(p.Groups)
	slices.SortFunc(groups, func(a, b Group) int { return cmp.Compare(a.Name, b.Name) })
	groupTotal := 0.0
	for _, g := range groups {
		groupTotal += g.Weight
	}
	type scored struct {
		m       Measure
		pts     float64
		counted bool
	}
	var all []scored
	overallNum, overallDen := 0.0, 0.0
	for _, g := range groups {
		ms := slices.Clone(g.Measures)
		slices.SortFunc(ms, func(a, b Measure) int { return cmp.Compare(a.Name, b.Name) })
		wsum := 0.0
		for _, m := range ms {
			wsum += m.Weight
		}
		num, den := 0.0, 0.0
		for _, m := range ms {
			pts, ok := slowPoints(&m, c)
			policy := m.Missing
			if policy == "" {
				policy = p.Missing
			}
			if ok {
				coverage += (g.Weight / groupTotal) * (m.Weight / wsum)
			} else {
				switch policy {
				case MissingNeutral:
					pts, ok = 50, true
					if m.Neutral != nil {
						pts = *m.Neutral
					} else if p.Neutral != nil {
						pts = *p.Neutral
					}
				case MissingZero:
					pts, ok = 0, true
				case MissingRequired:
					cause = CauseRequired
				}
			}
			all = append(all, scored{m, pts, ok})
			if ok {
				num = float64(m.Weight*pts) + num
				den = den + m.Weight
			}
		}
		if den > 0 {
			gs := num / den
			if gs > 100 {
				gs = 100
			}
			overallNum = float64(g.Weight*gs) + overallNum
			overallDen = overallDen + g.Weight
		}
	}
	if cause != KnownScore {
		return 0, cause, coverage
	}
	if overallDen <= 0 || coverage <= 0 || coverage < p.MinCoverage {
		return 0, CauseCoverage, coverage
	}
	score = overallNum / overallDen
	if score > 100 {
		score = 100
	}
	for _, v := range p.Vetoes {
		for _, s := range all {
			if !s.counted || (s.m.Name != v.Measure && !inGroup(p, v.Group, s.m.Name)) {
				continue
			}
			limit := score
			switch {
			case v.Min:
				limit = s.pts
			case v.Below != nil && s.pts < *v.Below:
				limit = *v.Cap
			case v.Grade != "" && slowGrade(slowScheme(p, &s.m), s.pts) == v.Grade:
				limit = *v.Cap
			}
			if limit < score {
				score = limit
			}
		}
	}
	return score, KnownScore, coverage
}

func inGroup(p *Profile, group, measure string) bool {
	for _, g := range p.Groups {
		if g.Name != group {
			continue
		}
		for _, m := range g.Measures {
			if m.Name == measure {
				return true
			}
		}
	}
	return false
}

func slowScheme(p *Profile, m *Measure) *GradeScheme {
	switch {
	case m.Grades != nil:
		return m.Grades
	case p.Grades != nil:
		return p.Grades
	}
	d := DefaultGrades()
	return &d
}

// slowGrade finds the band by its explicit bounds: (previous max, max], the
// first band closed at 0.
func slowGrade(g *GradeScheme, score float64) string {
	lo := 0.0
	for i, b := range g.Bands {
		if (score > lo || i == 0 && score == 0) && score <= b.Max {
			return b.Label
		}
		lo = b.Max
	}
	return ""
}

// slowPoints scores one numeric or categorical measure.
func slowPoints(m *Measure, c *cs.Customer) (float64, bool) {
	if m.Categories != nil {
		v, ok := c.Attributes[m.Attribute]
		if !ok {
			return 0, false
		}
		if p, ok := m.Categories.Values[v]; ok {
			return p, true
		}
		return m.Categories.UnknownPoints, m.Categories.Unknown == UnknownPoints
	}
	v, ok := c.Signals[m.Signal]
	if !ok {
		return 0, false
	}
	switch {
	case m.Ramp != nil:
		r := m.Ramp
		if r.Bounded && (v < math.Min(r.Bad, r.Good) || v > math.Max(r.Bad, r.Good)) {
			return 0, false
		}
		p := (v - r.Bad) / (r.Good - r.Bad) * 100
		if p < 0 {
			p = 0
		}
		if p > 100 {
			p = 100
		}
		return p, true
	case m.Bands != nil:
		for _, b := range m.Bands {
			above := b.Min == nil || v > *b.Min || b.MinInclusive && v == *b.Min
			below := b.Max == nil || v < *b.Max || b.MaxInclusive && v == *b.Max
			if above && below {
				return b.Points, true
			}
		}
		return 0, false
	default:
		for i := len(m.Steps.Thresholds) - 1; i >= 0; i-- {
			if v >= m.Steps.Thresholds[i].At {
				return m.Steps.Thresholds[i].Points, true
			}
		}
		return m.Steps.Below, true
	}
}
