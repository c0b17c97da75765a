package health

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// MaxPlanMeasures is the most measures a Plan accepts: the columnar kernel keeps
// one row's points in a fixed array on the stack.
const MaxPlanMeasures = 64

// CauseInvalid marks a Scored row the columnar path refused (a NaN or infinite
// value where the presence bitmap says a value is present); the error returned
// by Plan.Score names the row.
const CauseInvalid UnknownCause = 3

// Columns is a book in columnar form: one slice of values per signal, all of
// the same length, and an optional presence bitmap per column. It is read-only
// to this package.
//
// Missing values are explicit: bit i%64 of Present[j][i/64] set means account
// i has signal Names[j]; a nil Present, or a nil Present[j], means every value
// of that column is present. A value marked present must be finite: NaN is
// refused at this boundary (the row is reported as an error), never read as
// "missing".
type Columns struct {
	Names   []string    // signal name of each column
	Values  [][]float64 // Values[j][i]: signal Names[j] of account i
	Present [][]uint64  // presence bitmaps; nil for all present
}

// Len returns the number of accounts, the length of the first column.
func (c *Columns) Len() int {
	if len(c.Values) == 0 {
		return 0
	}
	return len(c.Values[0])
}

// SetPresent returns a presence bitmap for n accounts with every bit set; clear
// bit i with bits[i/64] &^= 1 << (i % 64).
func SetPresent(n int) []uint64 {
	bits := make([]uint64, (n+63)/64)
	for i := range bits {
		bits[i] = ^uint64(0)
	}
	return bits
}

// Scored is one account's result on the columnar path: the overall score and
// its band index in the profile's grade scheme, or Cause ≠ KnownScore and Grade
// -1 when Unknown. It is the result of Scorer.Score without explanation,
// overrides or profile selection, and agrees with it bit for bit.
type Scored struct {
	Score float64      // 0..100; 0 when Unknown
	Grade int8         // band index in the profile's scheme (Plan.Grades); -1 when Unknown
	Cause UnknownCause // KnownScore, or why Unknown (CauseInvalid: refused)
}

// Unknown reports whether the account has no score.
func (s Scored) Unknown() bool { return s.Cause != KnownScore }

// Plan is a profile compiled against a set of columns: each measure's signal is
// resolved to a column index once, so scoring a row is arithmetic on flat
// arrays. A Plan is immutable and safe for concurrent use.
type Plan struct {
	scorer  *Scorer
	prof    *profile
	names   []string
	col     []int // per measure
	nGroups int
	vetoes  []planVeto
	chunk   int // rows per unit of parallel work: chunkRows (tests use less)
}

type planVeto struct {
	veto
	grades []int // per measure in scope: band index of the veto's grade, -1 if none
}

// Plan compiles the named profile for columns named names (in column order).
// Only numeric measures (ramp, bands, steps) can be planned; a categorical or
// Func measure, a signal without a column, or more than MaxPlanMeasures
// measures is an error wrapping ErrColumns.
func (s *Scorer) Plan(profileName string, names []string) (*Plan, error) {
	pi := slices.IndexFunc(s.profiles, func(p profile) bool { return p.name == profileName })
	if pi < 0 {
		return nil, fmt.Errorf("health: profile %q not in the configuration: %w", profileName, ErrColumns)
	}
	p := &s.profiles[pi]
	if len(p.measures) > MaxPlanMeasures {
		return nil, fmt.Errorf("health: profile %q has %d measures, the columnar path takes at most %d: %w",
			p.name, len(p.measures), MaxPlanMeasures, ErrColumns)
	}
	pl := &Plan{scorer: s, prof: p, names: slices.Clone(names), nGroups: len(p.groups), chunk: chunkRows}
	for i := range p.measures {
		m := &p.measures[i]
		if m.kind == kindCategories || m.kind == kindFunc {
			return nil, fmt.Errorf("health: measure %q is not numeric; the columnar path reads signals only: %w", m.name, ErrColumns)
		}
		j := slices.Index(names, m.signal)
		if j < 0 {
			return nil, fmt.Errorf("health: measure %q: signal %q has no column: %w", m.name, m.signal, ErrColumns)
		}
		pl.col = append(pl.col, j)
	}
	for _, v := range p.vetoes {
		pv := planVeto{veto: v}
		for mi := v.start; mi < v.end; mi++ {
			g := -1
			t := &p.measures[mi].grades
			for k := 0; k < t.n; k++ {
				if t.labels[k] == v.grade {
					g = k
				}
			}
			pv.grades = append(pv.grades, g)
		}
		pl.vetoes = append(pl.vetoes, pv)
	}
	return pl, nil
}

// Profile returns the name of the profile the plan scores with.
func (pl *Plan) Profile() string { return pl.prof.name }

// Fingerprint returns the fingerprint of the configuration the plan was made
// from, to store beside its Scored rows.
func (pl *Plan) Fingerprint() string { return pl.scorer.fingerprint }

// Grades returns the profile's grade scheme: Scored.Grade indexes its Bands.
func (pl *Plan) Grades() GradeScheme {
	g := pl.prof.scheme
	g.Bands = slices.Clone(g.Bands)
	return g
}

// chunkRows is the unit of work of the parallel columnar path: a multiple of 64
// so that workers never share a presence word.
const chunkRows = 1 << 14

// Score scores every account of cols into out (len(out) must equal cols.Len())
// using up to workers goroutines (workers ≤ 0 means GOMAXPROCS). Results are
// bit-identical whatever the worker count. A row with a NaN or infinite present
// value gets Cause CauseInvalid and one *cs.FieldError in the returned error,
// located by the row and the signal ("[1234].signals.usage"), in row order, at
// most ten of them and then how many more; the other rows are scored. Cancelling ctx stops the
// work between chunks and returns ctx's error; out is then partly written.
// Score allocates nothing per account.
func (pl *Plan) Score(ctx context.Context, cols *Columns, out []Scored, workers int) error {
	n := cols.Len()
	if err := pl.check(cols, n, len(out)); err != nil {
		return err
	}
	chunk := pl.chunk
	chunks := (n + chunk - 1) / chunk
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, chunks)
	if workers <= 1 {
		var list errs.List
		sc := pl.newScratch()
		for c := range chunks {
			if err := ctx.Err(); err != nil {
				return err
			}
			lo := c * chunk
			pl.scoreRows(cols, out, lo, min(lo+chunk, n), &list, sc)
		}
		return list.Err()
	}
	chunkErrs := make([]errs.List, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	var cancelled atomic.Bool
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := pl.newScratch()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				if ctx.Err() != nil {
					cancelled.Store(true)
					return
				}
				lo := c * chunk
				pl.scoreRows(cols, out, lo, min(lo+chunk, n), &chunkErrs[c], sc)
			}
		}()
	}
	wg.Wait()
	if cancelled.Load() {
		return ctx.Err()
	}
	// The chunks' lists, merged in row order: the first ten problems of the
	// whole, and the count of all.
	var list errs.List
	for c := range chunkErrs {
		kept := chunkErrs[c].Errs()
		for _, e := range kept {
			list.Add(e)
		}
		for range chunkErrs[c].Len() - len(kept) {
			list.Count()
		}
	}
	return list.Err()
}

func (pl *Plan) check(cols *Columns, n, nOut int) error {
	switch {
	case !slices.Equal(cols.Names, pl.names):
		return fmt.Errorf("health: columns %q, the plan was made for %q: %w", cols.Names, pl.names, ErrColumns)
	case len(cols.Values) != len(pl.names):
		return fmt.Errorf("health: %d value columns for %d names: %w", len(cols.Values), len(pl.names), ErrColumns)
	case cols.Present != nil && len(cols.Present) != len(pl.names):
		return fmt.Errorf("health: %d presence columns for %d names: %w", len(cols.Present), len(pl.names), ErrColumns)
	case nOut != n:
		return fmt.Errorf("health: output has %d rows for %d accounts: %w", nOut, n, ErrColumns)
	}
	for j, v := range cols.Values {
		if len(v) != n {
			return fmt.Errorf("health: column %q has %d rows, want %d: %w", pl.names[j], len(v), n, ErrColumns)
		}
		if cols.Present != nil && cols.Present[j] != nil && len(cols.Present[j]) < (n+63)/64 {
			return fmt.Errorf("health: presence of column %q has %d words, want %d: %w", pl.names[j], len(cols.Present[j]), (n+63)/64, ErrColumns)
		}
	}
	return nil
}

// block is the number of rows the columnar kernel scores together: each
// measure's curve runs over a block of one column before the next measure, so
// the inner loop is tight and reads memory sequentially.
const block = 512

// scratch holds a worker's per-block accumulators; one per worker per call.
type scratch struct {
	num, den, cov [block]float64 // overall
	gnum, gden    [block]float64 // current group
	state         [block]uint8   // rowOK, rowRequired or rowBad
	badMeasure    [block]int16
	pts           [][block]float64 // per measure, only when the profile has vetoes
	counted       [][block]bool
}

const (
	rowOK uint8 = iota
	rowRequired
	rowBad
)

func (pl *Plan) newScratch() *scratch {
	sc := &scratch{}
	if len(pl.vetoes) > 0 {
		sc.pts = make([][block]float64, len(pl.col))
		sc.counted = make([][block]bool, len(pl.col))
	}
	return sc
}

// scoreRows scores rows [lo,hi) and adds one error per bad row to list. Per
// row, its arithmetic is that of ScoreInto, operation for operation and in the
// same order, so both paths give the same bits.
func (pl *Plan) scoreRows(cols *Columns, out []Scored, lo, hi int, list *errs.List, sc *scratch) {
	for b := lo; b < hi; b += block {
		pl.scoreBlock(cols, out, b, min(b+block, hi), list, sc)
	}
}

func (pl *Plan) scoreBlock(cols *Columns, out []Scored, lo, hi int, list *errs.List, sc *scratch) {
	p := pl.prof
	n := hi - lo
	num, den, cov := sc.num[:n], sc.den[:n], sc.cov[:n]
	gnum, gden := sc.gnum[:n], sc.gden[:n]
	state := sc.state[:n]
	clear(num)
	clear(den)
	clear(cov)
	clear(state)
	for gi := range p.groups {
		g := &p.groups[gi]
		clear(gnum)
		clear(gden)
		for mi := g.start; mi < g.end; mi++ {
			m := &p.measures[mi]
			j := pl.col[mi]
			vals := cols.Values[j][lo:hi]
			var pres []uint64
			if cols.Present != nil {
				pres = cols.Present[j]
			}
			acc := blockAcc{gnum: gnum, gden: gden, cov: cov, state: state, badMeasure: sc.badMeasure[:n]}
			if sc.pts != nil {
				acc.pts, acc.counted = sc.pts[mi][:n], sc.counted[mi][:n]
			}
			pl.scoreMeasure(m, int16(mi), vals, pres, lo, &acc)
		}
		w := g.weight
		for r := range n {
			if d := gden[r]; d > 0 {
				num[r] = float64(w*clamp100(gnum[r]/d)) + num[r]
				den[r] += w
			}
		}
	}
	o := out[lo:hi]
	minCov := p.minCoverage
	for r := range n {
		switch state[r] {
		case rowBad:
			o[r] = Scored{Grade: -1, Cause: CauseInvalid}
			if list.Full() {
				list.Count()
				continue
			}
			mi := sc.badMeasure[r]
			list.Add(wrap(&cs.FieldError{Field: "[" + strconv.Itoa(lo+r) + "].signals." + p.measures[mi].signal,
				Value: ftoa(cols.Values[pl.col[mi]][lo+r]), Err: cs.ErrNotFinite}))
			continue
		case rowRequired:
			o[r] = Scored{Grade: -1, Cause: CauseRequired}
			continue
		}
		d, c := den[r], cov[r]
		if !(d > 0) || !(c > 0) || c < minCov {
			o[r] = Scored{Grade: -1, Cause: CauseCoverage}
			continue
		}
		score := clamp100(num[r] / d)
		if len(pl.vetoes) > 0 {
			score = pl.veto(sc, r, score)
		}
		o[r] = Scored{Score: score, Grade: int8(p.grades.grade(score))}
	}
}

// blockAcc holds the accumulators one measure adds a block of rows to: the
// group's weighted points and weights, the coverage, each row's state (and the
// measure that made it bad), and, when the profile has vetoes, each row's points
// and whether they counted.
type blockAcc struct {
	gnum, gden, cov []float64
	state           []uint8
	badMeasure      []int16
	pts             []float64
	counted         []bool
}

// add counts p points of weight w for row r.
func (a *blockAcc) add(r int, w, p float64) {
	a.gnum[r] = float64(w*p) + a.gnum[r]
	a.gden[r] += w
	if a.pts != nil {
		a.pts[r], a.counted[r] = p, true
	}
}

// missing applies the measure's missing-value policy to row r: impute its points,
// make the row Unknown, or leave the measure out.
func (a *blockAcc) missing(r int, m *measure) {
	switch m.missing {
	case MissingNeutral:
		a.add(r, m.weight, m.neutral)
		return
	case MissingZero:
		a.add(r, m.weight, 0)
		return
	case MissingRequired:
		a.state[r] = max(a.state[r], rowRequired)
	}
	if a.counted != nil {
		a.counted[r] = false
	}
}

// scoreMeasure adds one measure's points for a block of rows to the group
// accumulators. The clamped ramp without vetoes, the workload of large books,
// has its own tight loop; the other curves go through measure.points.
func (pl *Plan) scoreMeasure(m *measure, mi int16, vals []float64, pres []uint64, lo int, a *blockAcc) {
	if m.kind == kindRamp && !m.bounded && a.pts == nil {
		pl.scoreRamp(m, mi, vals, pres, lo, a)
		return
	}
	for r, v := range vals {
		row := lo + r
		if pres != nil && pres[row>>6]&(1<<(uint(row)&63)) == 0 {
			a.missing(r, m)
			continue
		}
		if v-v != 0 { // NaN or ±Inf
			if a.state[r] != rowBad {
				a.state[r], a.badMeasure[r] = rowBad, mi
			}
			if a.counted != nil {
				a.counted[r] = false
			}
			continue
		}
		p, ok, _ := m.points(v)
		if !ok {
			a.missing(r, m)
			continue
		}
		a.cov[r] += m.nominal
		a.add(r, m.weight, p)
	}
}

// scoreRamp is scoreMeasure for a clamped ramp on a profile without vetoes: the
// same arithmetic in a loop the compiler keeps in registers.
func (pl *Plan) scoreRamp(m *measure, mi int16, vals []float64, pres []uint64, lo int, a *blockAcc) {
	w, nominal, bad, span := m.weight, m.nominal, m.bad, m.span
	gnum, gden, cov, state := a.gnum[:len(vals)], a.gden[:len(vals)], a.cov[:len(vals)], a.state[:len(vals)]
	for r, v := range vals {
		row := lo + r
		if pres != nil && pres[row>>6]&(1<<(uint(row)&63)) == 0 {
			a.missing(r, m)
			continue
		}
		if v-v != 0 { // NaN or ±Inf
			if state[r] != rowBad {
				state[r], a.badMeasure[r] = rowBad, mi
			}
			continue
		}
		p := rampPoints(v, bad, span)
		cov[r] += nominal
		gnum[r] = float64(w*p) + gnum[r]
		gden[r] += w
	}
}

// veto applies the profile's vetoes to row r of the block.
func (pl *Plan) veto(sc *scratch, r int, score float64) float64 {
	ms := pl.prof.measures
	for vi := range pl.vetoes {
		v := &pl.vetoes[vi]
		limit := math.Inf(1)
		for mi := v.start; mi < v.end; mi++ {
			if !sc.counted[mi][r] {
				continue
			}
			p := sc.pts[mi][r]
			switch {
			case v.min:
				limit = min(limit, p)
			case v.useBelow && p < v.below,
				!v.useBelow && ms[mi].grades.grade(p) == v.grades[mi-v.start]:
				limit = min(limit, v.cap)
			}
		}
		if limit < score {
			score = limit
		}
	}
	return score
}
