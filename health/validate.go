package health

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// maxVetoes bounds a profile's vetoes so a result can record the applied ones in
// one uint64.
const maxVetoes = 64

// Validate checks the whole configuration and returns nil if it is valid, or an
// error wrapping ErrInvalidConfig that lists the problems found, each a
// *cs.FieldError naming its JSON path, at most ten of them and then how many
// more:
//
//	health: invalid configuration: profiles[0].groups[1].measures[0].bands[2]: upper bound 40 is below lower bound 50
//
// Compile calls it.
func (c *Config) Validate() error {
	var list errs.List
	c.validate(&list)
	if err := list.Err(); err != nil {
		return fmt.Errorf("health: %w: %w", ErrInvalidConfig, err)
	}
	return nil
}

// validate adds the configuration's problems to list.
func (c *Config) validate(list *errs.List) {
	v := &validator{list: list}
	v.config(c)
}

type validator struct {
	list *errs.List
}

// add reports one problem at path; once the list keeps no more, problems are
// only counted, so a configuration with a million bad entries costs no more
// memory than one with ten.
func (v *validator) add(path, format string, args ...any) {
	if v.list.Full() {
		v.list.Count()
		return
	}
	v.list.Add(&cs.FieldError{Field: path, Err: fmt.Errorf(format, args...)})
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func idx(path, field string, i int) string {
	return path + "." + field + "[" + strconv.Itoa(i) + "]"
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// points checks a number of points lies in [0,100].
func (v *validator) points(path string, p float64) {
	if !finite(p) || p < 0 || p > 100 {
		v.add(path, "points %s outside [0,100]", ftoa(p))
	}
}

func (v *validator) weight(path string, w float64) {
	if !finite(w) || w < 0 {
		v.add(path, "weight %s is not a non-negative number", ftoa(w))
	}
}

func (v *validator) config(c *Config) {
	if len(c.Profiles) == 0 {
		v.add("profiles", "no profile")
	}
	seen := map[string]bool{}
	catchAll := -1
	for i := range c.Profiles {
		p := &c.Profiles[i]
		path := "profiles[" + strconv.Itoa(i) + "]"
		if catchAll >= 0 {
			v.add(path, "unreachable: profiles[%d] (%q) before it matches every customer", catchAll, c.Profiles[catchAll].Name)
		} else if p.Select.IsZero() {
			catchAll = i
		}
		if p.Name == "" {
			v.add(join(path, "name"), "empty profile name")
		} else if seen[p.Name] {
			v.add(join(path, "name"), "duplicate profile %q", p.Name)
		}
		seen[p.Name] = true
		v.profile(path, p)
	}
}

func (v *validator) missing(path string, m MissingPolicy) {
	switch m {
	case "", MissingRedistribute, MissingNeutral, MissingZero, MissingRequired:
	default:
		v.add(path, "unknown missing-value policy %q (want redistribute, neutral, zero or required)", string(m))
	}
}

func (v *validator) profile(path string, p *Profile) {
	for i, s := range p.Select.Stages {
		if s == cs.StageUnknown || s > cs.StageChurned {
			v.add(idx(join(path, "select"), "stages", i), "unknown stage %s", s)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(p.Select.Attributes)) {
		if len(p.Select.Attributes[k]) == 0 {
			v.add(join(path, "select.attributes."+k), "empty list of values")
		}
	}
	v.missing(join(path, "missing"), p.Missing)
	if p.Neutral != nil {
		v.points(join(path, "neutral"), *p.Neutral)
	}
	if !finite(p.MinCoverage) || p.MinCoverage < 0 || p.MinCoverage > 1 {
		v.add(join(path, "min_coverage"), "%s outside [0,1]", ftoa(p.MinCoverage))
	}
	if p.Grades != nil {
		v.grades(join(path, "grades"), p.Grades)
	}
	if len(p.Groups) == 0 {
		v.add(join(path, "groups"), "no group")
	}
	groups := map[string]int{}
	measures := map[string][2]int{}
	total := 0.0
	for gi := range p.Groups {
		g := &p.Groups[gi]
		gp := idx(path, "groups", gi)
		if g.Name == "" {
			v.add(join(gp, "name"), "empty group name")
		} else if _, dup := groups[g.Name]; dup {
			v.add(join(gp, "name"), "duplicate group %q", g.Name)
		} else {
			groups[g.Name] = gi
		}
		v.weight(join(gp, "weight"), g.Weight)
		if finite(g.Weight) && g.Weight > 0 {
			total += g.Weight
		}
		if len(g.Measures) == 0 {
			v.add(join(gp, "measures"), "no measure")
		}
		sum := 0.0
		for mi := range g.Measures {
			m := &g.Measures[mi]
			mp := idx(gp, "measures", mi)
			if m.Name == "" {
				v.add(join(mp, "name"), "empty measure name")
			} else if _, dup := measures[m.Name]; dup {
				v.add(join(mp, "name"), "duplicate measure %q", m.Name)
			} else {
				measures[m.Name] = [2]int{gi, mi}
			}
			v.weight(join(mp, "weight"), m.Weight)
			if finite(m.Weight) && m.Weight > 0 {
				sum += m.Weight
			}
			v.measure(mp, m)
		}
		if len(g.Measures) > 0 && !(sum > 0) {
			v.add(join(gp, "measures"), "measure weights sum to 0")
		} else if !finite(sum) {
			v.add(join(gp, "measures"), "measure weights sum to %s", ftoa(sum))
		} else if !finite(100 * sum) {
			v.add(join(gp, "measures"), "measure weights sum to %s, too large to weigh 100 points", ftoa(sum))
		}
	}
	if len(p.Groups) > 0 && !(total > 0) {
		v.add(join(path, "groups"), "group weights sum to 0")
	} else if !finite(total) {
		v.add(join(path, "groups"), "group weights sum to %s", ftoa(total))
	} else if !finite(100 * total) {
		v.add(join(path, "groups"), "group weights sum to %s, too large to weigh 100 points", ftoa(total))
	}
	if len(p.Vetoes) > maxVetoes {
		v.add(join(path, "vetoes"), "%d vetoes, at most %d", len(p.Vetoes), maxVetoes)
	}
	for i := range p.Vetoes {
		v.veto(idx(path, "vetoes", i), p, &p.Vetoes[i], groups, measures)
	}
	if p.Calibration != nil {
		v.calibration(join(path, "calibration"), p.Calibration)
	}
}

func (v *validator) measure(path string, m *Measure) {
	curves := 0
	if m.Ramp != nil {
		curves++
		if !finite(m.Ramp.Bad) || !finite(m.Ramp.Good) {
			v.add(join(path, "ramp"), "bad %s and good %s must be finite", ftoa(m.Ramp.Bad), ftoa(m.Ramp.Good))
		} else if m.Ramp.Bad == m.Ramp.Good {
			v.add(join(path, "ramp"), "bad and good are both %s", ftoa(m.Ramp.Bad))
		} else if !finite(m.Ramp.Good - m.Ramp.Bad) {
			v.add(join(path, "ramp"), "good − bad overflows (bad %s, good %s)", ftoa(m.Ramp.Bad), ftoa(m.Ramp.Good))
		}
	}
	if m.Bands != nil {
		curves++
		v.bands(join(path, "bands"), m.Bands)
	}
	if m.Steps != nil {
		curves++
		v.steps(join(path, "steps"), m.Steps)
	}
	if m.Categories != nil {
		curves++
		v.categories(join(path, "categories"), m.Categories)
	}
	if m.Func != "" {
		curves++
	}
	if curves != 1 {
		v.add(path, "%d curves, want exactly one of ramp, bands, steps, categories or func", curves)
	}
	numeric := m.Ramp != nil || m.Bands != nil || m.Steps != nil
	switch {
	case numeric && m.Signal == "":
		v.add(join(path, "signal"), "missing (the curve reads a signal)")
	case numeric && m.Attribute != "":
		v.add(join(path, "attribute"), "set on a numeric curve (it reads signal %q)", m.Signal)
	case m.Categories != nil && m.Attribute == "":
		v.add(join(path, "attribute"), "missing (categories read an attribute)")
	case m.Categories != nil && m.Signal != "":
		v.add(join(path, "signal"), "set on a categorical curve (it reads attribute %q)", m.Attribute)
	}
	v.missing(join(path, "missing"), m.Missing)
	if m.Neutral != nil {
		v.points(join(path, "neutral"), *m.Neutral)
	}
	if m.Grades != nil {
		v.grades(join(path, "grades"), m.Grades)
	}
}

func (v *validator) bands(path string, bs []Band) {
	if len(bs) == 0 {
		v.add(path, "no band")
	}
	for i := range bs {
		b := &bs[i]
		bp := path + "[" + strconv.Itoa(i) + "]"
		v.points(join(bp, "points"), b.Points)
		if b.Min != nil && !finite(*b.Min) || b.Max != nil && !finite(*b.Max) {
			v.add(bp, "bounds must be finite")
			continue
		}
		if b.Min == nil && i > 0 {
			v.add(join(bp, "min"), "only the first band may be unbounded below")
		}
		if b.Max == nil && i < len(bs)-1 {
			v.add(join(bp, "max"), "only the last band may be unbounded above")
		}
		if b.Min != nil && b.Max != nil {
			switch {
			case *b.Max < *b.Min:
				v.add(bp, "upper bound %s is below lower bound %s", ftoa(*b.Max), ftoa(*b.Min))
			case *b.Max == *b.Min && !(b.MinInclusive && b.MaxInclusive):
				v.add(bp, "empty band: bounds are both %s but not both inclusive", ftoa(*b.Min))
			}
		}
		if i > 0 {
			prev := &bs[i-1]
			if prev.Max != nil && b.Min != nil && finite(*prev.Max) {
				if *b.Min < *prev.Max || *b.Min == *prev.Max && prev.MaxInclusive && b.MinInclusive {
					v.add(bp, "lower bound %s overlaps the band before (upper bound %s)", ftoa(*b.Min), ftoa(*prev.Max))
				}
			}
		}
	}
}

func (v *validator) steps(path string, s *Steps) {
	v.points(join(path, "below"), s.Below)
	if len(s.Thresholds) == 0 {
		v.add(join(path, "thresholds"), "no threshold")
	}
	for i, t := range s.Thresholds {
		tp := idx(path, "thresholds", i)
		v.points(join(tp, "points"), t.Points)
		if !finite(t.At) {
			v.add(join(tp, "at"), "%s is not finite", ftoa(t.At))
		} else if i > 0 && !(t.At > s.Thresholds[i-1].At) {
			v.add(join(tp, "at"), "%s is not above the threshold before (%s)", ftoa(t.At), ftoa(s.Thresholds[i-1].At))
		}
	}
}

func (v *validator) categories(path string, c *Categories) {
	if len(c.Values) == 0 {
		v.add(join(path, "values"), "no value")
	}
	for _, k := range slices.Sorted(maps.Keys(c.Values)) {
		v.points(join(path, "values."+k), c.Values[k])
	}
	switch c.Unknown {
	case UnknownMissing:
		if c.UnknownPoints != 0 {
			v.add(join(path, "unknown_points"), "set but unknown is %q", string(c.Unknown))
		}
	case UnknownPoints:
		v.points(join(path, "unknown_points"), c.UnknownPoints)
	case "":
		v.add(join(path, "unknown"), "missing (say what an unlisted value scores: missing or points)")
	default:
		v.add(join(path, "unknown"), "unknown rule %q (want missing or points)", string(c.Unknown))
	}
}

func (v *validator) grades(path string, g *GradeScheme) {
	if len(g.Bands) == 0 || len(g.Bands) > MaxGradeBands {
		v.add(join(path, "bands"), "%d bands, want 1 to %d", len(g.Bands), MaxGradeBands)
		return
	}
	labels := map[string]bool{}
	for i, b := range g.Bands {
		bp := idx(path, "bands", i)
		if b.Label == "" {
			v.add(join(bp, "label"), "empty label")
		} else if labels[b.Label] {
			v.add(join(bp, "label"), "duplicate label %q", b.Label)
		}
		labels[b.Label] = true
		switch {
		case !finite(b.Max) || b.Max < 0 || b.Max > 100:
			v.add(join(bp, "max"), "%s outside [0,100]", ftoa(b.Max))
		case i > 0 && !(b.Max > g.Bands[i-1].Max):
			v.add(join(bp, "max"), "%s is not above the band before (%s)", ftoa(b.Max), ftoa(g.Bands[i-1].Max))
		}
	}
	if last := g.Bands[len(g.Bands)-1].Max; last != 100 {
		v.add(idx(path, "bands", len(g.Bands)-1)+".max", "the last band ends at %s, want 100", ftoa(last))
	}
}

func (v *validator) veto(path string, p *Profile, x *Veto, groups map[string]int, measures map[string][2]int) {
	if x.Name == "" {
		v.add(join(path, "name"), "empty veto name")
	}
	var scope []*Measure
	switch {
	case (x.Measure == "") == (x.Group == ""):
		v.add(path, "set exactly one of measure and group")
	case x.Measure != "":
		at, ok := measures[x.Measure]
		if !ok {
			v.add(join(path, "measure"), "unknown measure %q", x.Measure)
		} else {
			scope = append(scope, &p.Groups[at[0]].Measures[at[1]])
		}
	default:
		gi, ok := groups[x.Group]
		if !ok {
			v.add(join(path, "group"), "unknown group %q", x.Group)
		} else {
			for i := range p.Groups[gi].Measures {
				scope = append(scope, &p.Groups[gi].Measures[i])
			}
		}
	}
	if x.Min {
		if x.Cap != nil || x.Grade != "" || x.Below != nil {
			v.add(path, "min takes no cap, grade or below")
		}
		return
	}
	if x.Cap == nil {
		v.add(join(path, "cap"), "missing (set cap, or min)")
	} else {
		v.points(join(path, "cap"), *x.Cap)
	}
	if (x.Grade == "") == (x.Below == nil) {
		v.add(path, "set exactly one condition: grade or below")
	}
	if x.Below != nil {
		v.points(join(path, "below"), *x.Below)
	}
	if x.Grade != "" {
		for _, m := range scope {
			g := m.Grades
			if g == nil {
				g = p.Grades
			}
			if g == nil {
				d := DefaultGrades()
				g = &d
			}
			found := false
			for _, b := range g.Bands {
				found = found || b.Label == x.Grade
			}
			if !found {
				v.add(join(path, "grade"), "measure %q has no grade %q", m.Name, x.Grade)
			}
		}
	}
}
