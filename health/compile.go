package health

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Func scores a customer in Go code: it returns the points in [0,100] and true,
// or false when the measure has no value for this customer (the missing-value
// policy then applies). Points outside [0,100] or NaN are reported as an error
// for that customer. A Func must be safe for concurrent use.
type Func func(c *cs.Customer) (points float64, ok bool)

// Option configures Compile.
type Option func(*compileOptions)

type compileOptions struct {
	funcs map[string]Func
}

// WithFunc registers the Go function that measures naming it in their "func"
// field call. Compile fails if a measure names a function not registered.
func WithFunc(name string, f Func) Option {
	return func(o *compileOptions) {
		if o.funcs == nil {
			o.funcs = map[string]Func{}
		}
		o.funcs[name] = f
	}
}

// Scorer is a compiled Config: immutable and safe for concurrent use by any
// number of goroutines. Build it with Compile.
type Scorer struct {
	version     string
	fingerprint string
	config      Config
	profiles    []profile
}

type curveKind uint8

const (
	kindRamp curveKind = iota
	kindBands
	kindSteps
	kindCategories
	kindFunc
)

type band struct {
	lo, hi     float64 // -Inf / +Inf when unbounded
	loIn, hiIn bool
	points     float64
}

// measure is a compiled Measure.
type measure struct {
	name, group, signal, attribute string

	kind    curveKind
	weight  float64 // as configured
	nominal float64 // share of the overall weight when every measure is present

	// ramp: points = (v-bad)/span*100, clamped to [0,100] unless bounded.
	bad, span, lo, hi float64
	bounded           bool

	bands          []band
	below          float64
	steps          []Threshold
	cats           map[string]float64
	unknownMissing bool
	unknownPoints  float64
	fn             Func

	missing MissingPolicy // resolved, never ""
	neutral float64
	grades  gradeTable
}

type group struct {
	name       string
	weight     float64 // as configured
	share      float64 // weight / Σ group weights
	start, end int     // measures[start:end]
}

type veto struct {
	name       string
	start, end int // measures in scope
	min        bool
	cap        float64
	grade      string
	below      float64
	useBelow   bool
}

type profile struct {
	name        string
	sel         Selector
	scheme      GradeScheme
	grades      gradeTable
	minCoverage float64
	groups      []group
	measures    []measure
	vetoes      []veto
	index       map[string]int // measure name → index in measures
	calibration *Calibration   // nil: no churn probability
}

// Compile validates cfg and compiles it into a Scorer. Measures are ordered
// canonically — groups by name, measures by name within a group — so the order
// of the configuration never changes a result, not even in the last bit. The
// Scorer keeps its own deep copy of cfg: later changes to cfg do not affect it.
func Compile(cfg Config, opts ...Option) (*Scorer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var o compileOptions
	for _, opt := range opts {
		opt(&o)
	}
	own, err := cloneConfig(cfg)
	if err != nil {
		return nil, err
	}
	s := &Scorer{version: own.Version, config: own}
	s.fingerprint, err = Fingerprint(own)
	if err != nil {
		return nil, err
	}
	for i := range own.Profiles {
		p, err := compileProfile(&own.Profiles[i], "profiles["+fmt.Sprint(i)+"]", &o)
		if err != nil {
			return nil, err
		}
		s.profiles = append(s.profiles, p)
	}
	return s, nil
}

func compileProfile(cp *Profile, path string, o *compileOptions) (profile, error) {
	p := profile{name: cp.Name, sel: cp.Select, minCoverage: cp.MinCoverage, index: map[string]int{}, calibration: cp.Calibration}
	if cp.Grades != nil {
		p.scheme = *cp.Grades
	} else {
		p.scheme = DefaultGrades()
	}
	p.grades = newGradeTable(&p.scheme)
	policy := cp.Missing
	if policy == "" {
		policy = MissingRedistribute
	}
	neutral := 50.0
	if cp.Neutral != nil {
		neutral = *cp.Neutral
	}

	order := make([]int, len(cp.Groups))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(cp.Groups[a].Name, cp.Groups[b].Name) })
	total := 0.0
	for _, gi := range order {
		total += cp.Groups[gi].Weight
	}
	for _, gi := range order {
		cg := &cp.Groups[gi]
		g := group{name: cg.Name, weight: cg.Weight, share: cg.Weight / total, start: len(p.measures)}
		ms := slices.Clone(cg.Measures)
		slices.SortFunc(ms, func(a, b Measure) int { return cmp.Compare(a.Name, b.Name) })
		sum := 0.0
		for i := range ms {
			sum += ms[i].Weight
		}
		for i := range ms {
			cm := &ms[i]
			m := measure{
				name: cm.Name, group: cg.Name, signal: cm.Signal, attribute: cm.Attribute,
				weight: cm.Weight, nominal: g.share * (cm.Weight / sum),
				missing: policy, neutral: neutral,
			}
			if cm.Missing != "" {
				m.missing = cm.Missing
			}
			if cm.Neutral != nil {
				m.neutral = *cm.Neutral
			}
			scheme := &p.scheme
			if cm.Grades != nil {
				scheme = cm.Grades
			}
			m.grades = newGradeTable(scheme)
			if !m.compileCurve(cm, o) {
				mi := slices.IndexFunc(cg.Measures, func(x Measure) bool { return x.Name == cm.Name })
				return profile{}, fmt.Errorf("health: %w: %w", ErrInvalidConfig, &cs.FieldError{
					Field: fmt.Sprintf("%s.groups[%d].measures[%d].func", path, gi, mi), Value: errs.Clip(cm.Func),
					Err: fmt.Errorf("%w: not registered (use WithFunc)", cs.ErrUnknownField)})
			}
			p.index[m.name] = len(p.measures)
			p.measures = append(p.measures, m)
		}
		g.end = len(p.measures)
		p.groups = append(p.groups, g)
	}
	p.compileVetoes(cp.Vetoes)
	return p, nil
}

// compileCurve sets the measure's curve from its configuration; false when it
// names a Func that was not registered.
func (m *measure) compileCurve(cm *Measure, o *compileOptions) bool {
	switch {
	case cm.Ramp != nil:
		m.kind = kindRamp
		m.bad, m.span = cm.Ramp.Bad, cm.Ramp.Good-cm.Ramp.Bad
		m.lo, m.hi = min(cm.Ramp.Bad, cm.Ramp.Good), max(cm.Ramp.Bad, cm.Ramp.Good)
		m.bounded = cm.Ramp.Bounded
	case cm.Bands != nil:
		m.kind = kindBands
		for _, b := range cm.Bands {
			cb := band{lo: math.Inf(-1), hi: math.Inf(1), loIn: b.MinInclusive, hiIn: b.MaxInclusive, points: b.Points}
			if b.Min != nil {
				cb.lo = *b.Min
			}
			if b.Max != nil {
				cb.hi = *b.Max
			}
			m.bands = append(m.bands, cb)
		}
	case cm.Steps != nil:
		m.kind = kindSteps
		m.below = cm.Steps.Below
		m.steps = slices.Clone(cm.Steps.Thresholds)
	case cm.Categories != nil:
		m.kind = kindCategories
		m.cats = make(map[string]float64, len(cm.Categories.Values))
		for k, v := range cm.Categories.Values {
			m.cats[k] = v
		}
		m.unknownMissing = cm.Categories.Unknown == UnknownMissing
		m.unknownPoints = cm.Categories.UnknownPoints
	default:
		m.kind = kindFunc
		m.fn = o.funcs[cm.Func]
		return m.fn != nil
	}
	return true
}

// compileVetoes resolves each veto's scope to a range of the profile's measures.
func (p *profile) compileVetoes(vetoes []Veto) {
	for _, cv := range vetoes {
		v := veto{name: cv.Name, min: cv.Min, grade: cv.Grade}
		if cv.Measure != "" {
			v.start = p.index[cv.Measure]
			v.end = v.start + 1
		} else {
			for _, g := range p.groups {
				if g.name == cv.Group {
					v.start, v.end = g.start, g.end
				}
			}
		}
		if cv.Cap != nil {
			v.cap = *cv.Cap
		}
		if cv.Below != nil {
			v.below, v.useBelow = *cv.Below, true
		}
		p.vetoes = append(p.vetoes, v)
	}
}

// Version returns the configuration's version label.
func (s *Scorer) Version() string { return s.version }

// Fingerprint returns the hex SHA-256 of the configuration's canonical
// encoding, the value stamped on every Result.
func (s *Scorer) Fingerprint() string { return s.fingerprint }

// Config returns a deep copy of the compiled configuration.
func (s *Scorer) Config() Config {
	c, _ := cloneConfig(s.config) // the config encoded once already; cannot fail
	return c
}

// Profiles returns the profile names in the order they are tried.
func (s *Scorer) Profiles() []string {
	names := make([]string, len(s.profiles))
	for i := range s.profiles {
		names[i] = s.profiles[i].name
	}
	return names
}

// match returns the index of the first profile whose selector matches c, or -1.
func (s *Scorer) match(c *cs.Customer) int {
	for i := range s.profiles {
		if matches(&s.profiles[i].sel, c) {
			return i
		}
	}
	return -1
}

func matches(sel *Selector, c *cs.Customer) bool {
	if len(sel.Segments) > 0 && !slices.Contains(sel.Segments, c.Segment) {
		return false
	}
	if len(sel.Stages) > 0 && !slices.Contains(sel.Stages, c.Stage) {
		return false
	}
	for k, vals := range sel.Attributes {
		v, ok := c.Attributes[k]
		if !ok || !slices.Contains(vals, v) {
			return false
		}
	}
	return true
}
