package stats

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Snapshot is one scored customer as of a date: the health score (higher is
// healthier), its grade label ("" when the score is Unknown) and the MRR it carries.
// Several snapshots of one customer on different dates form its history. Segment
// and Profile, when set, group the customers for the AUC per segment and per
// profile of the report.
type Snapshot struct {
	ID      string
	Date    cs.Date
	Score   float64
	Grade   string
	MRR     cs.Money
	Segment string
	Profile string
}

// Outcome is what happened to one customer after its snapshots: whether it churned
// within the horizon and, optionally, the date of the churn (for a churner) or of the
// end of the observation horizon (for a retained customer). A zero Date means the
// date is unknown; the lead time of a churner needs it.
type Outcome struct {
	ID      string  `json:"id"`
	Churned bool    `json:"churned"`
	Date    cs.Date `json:"date,omitzero"`
}

// BookOptions configure Book. The zero value flags the first grade of Grades (or,
// with no Grades, the grade "red"), and takes the DeLong interval.
type BookOptions struct {
	// Grades lists the grade labels worst first, fixing the order of the grade
	// table; grades seen but not listed follow in sorted order, then "" (Unknown).
	Grades []string
	// Flag is the set of grades read as a churn flag (default: Grades[0], or "red").
	Flag []string
	// BootstrapReps, when positive, replaces the DeLong interval of the AUC by a
	// stratified bootstrap with that many replicates and Seed.
	BootstrapReps int
	Seed          uint64
}

// GradeRow is one line of the grade table.
type GradeRow struct {
	Grade     string  `json:"grade"` // "" for Unknown scores
	Accounts  int     `json:"accounts"`
	Churners  int     `json:"churners"`
	ChurnRate float64 `json:"churn_rate"`
	// ChurnLow and ChurnHigh bound the churn rate (Wilson 95%).
	ChurnLow  float64 `json:"churn_low"`
	ChurnHigh float64 `json:"churn_high"`
	// Lift is the churn rate over the base rate.
	Lift float64 `json:"lift"`
	// MRR is the MRR of the grade's accounts and ChurnedMRR that of its churners, one
	// amount per currency in currency order; accounts without MRR add nothing.
	MRR        []cs.Money `json:"mrr"`
	ChurnedMRR []cs.Money `json:"churned_mrr"`
}

// LeadTime describes how early the flag caught the churners with a history. For
// each churner with a churn date and at least two snapshots, the lead is the days
// from the start of its last unbroken run of flagged snapshots to the churn date.
type LeadTime struct {
	Churners     int     `json:"churners"`      // churners with a date and ≥ 2 snapshots
	Flagged      int     `json:"flagged"`       // of those, flagged at their last snapshot
	NeverFlagged int     `json:"never_flagged"` // not flagged at their last snapshot
	Days         []int   `json:"days"`          // one lead per flagged churner, ascending
	Median       float64 `json:"median"`
}

// GroupAUC is the AUC of the customers of one segment or profile with a known
// score. AUC is nil, and Note says why, when the group holds one outcome class;
// with a single churner (or retained customer) DeLong's variance is not defined,
// the interval is the point and Note says so.
type GroupAUC struct {
	Name     string    `json:"name"`
	N        int       `json:"n"`
	Churners int       `json:"churners"`
	AUC      *Interval `json:"auc"`
	Note     string    `json:"note,omitempty"`
}

// BookReport is the backtest of one score over a book.
type BookReport struct {
	N         int        `json:"n"`        // customers evaluated (one snapshot each)
	Churners  int        `json:"churners"` // of which churned
	BaseRate  float64    `json:"base_rate"`
	Unknown   int        `json:"unknown"` // evaluated customers with an Unknown grade, left out of the AUC
	AUC       Interval   `json:"auc"`
	ROC       []Point    `json:"roc"`
	Grades    []GradeRow `json:"grades"`
	Flag      []string   `json:"flag"`
	FlagConf  Confusion  `json:"flag_confusion"`
	Precision float64    `json:"precision"`
	Recall    float64    `json:"recall"`
	Lift      float64    `json:"lift"`
	LeadTime  LeadTime   `json:"lead_time"`
	// Segments and Profiles give the AUC within each segment and each profile
	// (by name; "" for snapshots without one), when any snapshot names one.
	Segments []GroupAUC `json:"segments,omitempty"`
	Profiles []GroupAUC `json:"profiles,omitempty"`
	// Errors lists one error per rejected record; the others were evaluated.
	Errors []error `json:"-"`
	// ranking is kept so two reports on the same customers can be compared.
	ranking Ranking
	ids     []string
}

// Book backtests scored snapshots against outcomes. Each customer is evaluated on
// its latest snapshot not dated after its outcome; its earlier snapshots are its
// history for the lead time. The risk ranked by the AUC is −Score, so a healthier
// score predicts less churn.
//
// Per-record errors (in Errors, each naming the record by index and customer ID), the
// other records still counted: a snapshot with an empty ID or an invalid date
// (cs.ErrMissing, cs.ErrInvalidDate), a non-finite score (cs.ErrNotFinite), a customer
// with no outcome (cs.ErrMissing), two snapshots of one customer on one date or two
// outcomes for one customer (cs.ErrDuplicate), an outcome for an ID with no snapshot
// (ErrUnknownID), a snapshot dated after its customer's outcome (cs.ErrDateOrder).
// The returned error is set only when no AUC can be computed (no evaluated customer,
// or one class only).
func Book(snaps []Snapshot, outcomes []Outcome, opt BookOptions) (BookReport, error) {
	b := &bookBuilder{snaps: snaps, outcomes: outcomes, grades: make(map[string]*gradeAcc)}
	b.flag = opt.Flag
	if len(b.flag) == 0 {
		if len(opt.Grades) > 0 {
			b.flag = opt.Grades[:1]
		} else {
			b.flag = []string{"red"}
		}
	}
	b.uniqueOutcomes()
	b.sortSnapshots()
	b.join()
	return b.report(opt)
}

// bookBuilder holds the state of one Book run, step by step.
type bookBuilder struct {
	snaps    []Snapshot
	outcomes []Outcome
	rep      BookReport
	flag     []string
	// uniq lists the valid outcomes' indices by ID, and uniqIDs their IDs.
	uniq    []int32
	uniqIDs []string
	// idx lists the valid snapshots' indices by (ID, date, index), keys their keys.
	idx  []int32
	keys []idKey
	// risk and labels are the AUC's rows, and rows the snapshot each came from.
	risk   []float64
	labels []bool
	rows   []int32
	grades map[string]*gradeAcc
}

func (b *bookBuilder) rejectSnapshot(i int, field, value string, err error) {
	b.rep.Errors = append(b.rep.Errors, &cs.FieldError{Field: fmt.Sprintf("snapshots[%d].%s", i, field), Record: errs.Clip(b.snaps[i].ID), Value: errs.Clip(value), Err: err})
}

func (b *bookBuilder) rejectOutcome(i int32, err error) {
	o := &b.outcomes[i]
	b.rep.Errors = append(b.rep.Errors, &cs.FieldError{Field: fmt.Sprintf("outcomes[%d].id", i), Record: errs.Clip(o.ID), Value: errs.Clip(o.ID), Err: err})
}

// uniqueOutcomes sorts the outcomes by (ID, index), so that a repeated ID sits
// next to its first occurrence and the join with the snapshots is a merge of two
// sorted lists, with no hash map; it rejects empty and repeated IDs.
func (b *bookBuilder) uniqueOutcomes() {
	oidx := make([]int32, 0, len(b.outcomes))
	for i, o := range b.outcomes {
		if o.ID == "" {
			b.rejectOutcome(int32(i), cs.ErrMissing)
			continue
		}
		oidx = append(oidx, int32(i))
	}
	okeys := make([]idKey, len(oidx))
	for k, i := range oidx {
		okeys[k] = newIDKey(b.outcomes[i].ID, 0, i)
	}
	sortIDKeys(okeys)
	uniq := oidx[:0] // compacted in place: writes never overtake reads
	// Outcome IDs in merge order, so that the join reads two sequential arrays
	// instead of chasing indices into the records.
	b.uniqIDs = make([]string, 0, len(oidx))
	first := int32(-1)
	for _, key := range okeys {
		if first >= 0 && key.id == b.uniqIDs[len(b.uniqIDs)-1] {
			b.rejectOutcome(key.i, fmt.Errorf("%w: also outcomes[%d]", cs.ErrDuplicate, first))
			continue
		}
		first = key.i
		uniq = append(uniq, key.i)
		b.uniqIDs = append(b.uniqIDs, key.id)
	}
	b.uniq = uniq
}

// sortSnapshots rejects the snapshots with an empty ID, an invalid date or a
// non-finite score, and orders the others by (ID, date, index): each customer's
// history becomes one run, independent of the input order.
func (b *bookBuilder) sortSnapshots() {
	b.idx = make([]int32, 0, len(b.snaps))
	for i, s := range b.snaps {
		switch {
		case s.ID == "":
			b.rejectSnapshot(i, "id", "", cs.ErrMissing)
		case !s.Date.IsZero() && !s.Date.Valid():
			b.rejectSnapshot(i, "date", fmt.Sprintf("%04d-%02d-%02d", s.Date.Year, int(s.Date.Month), s.Date.Day), cs.ErrInvalidDate)
		case math.IsNaN(s.Score) || math.IsInf(s.Score, 0):
			b.rejectSnapshot(i, "score", fmt.Sprint(s.Score), cs.ErrNotFinite)
		default:
			b.idx = append(b.idx, int32(i))
		}
	}
	b.keys = make([]idKey, len(b.idx))
	for k, i := range b.idx {
		b.keys[k] = newIDKey(b.snaps[i].ID, b.snaps[i].Date.Unix(), i)
	}
	sortIDKeys(b.keys)
	for k := range b.keys {
		b.idx[k] = b.keys[k].i
	}
}

// join merges the sorted snapshots with the sorted outcomes and evaluates each
// customer with both.
func (b *bookBuilder) join() {
	p := 0                               // the next unmatched outcome in uniq
	most := min(len(b.uniq), len(b.idx)) // evaluated customers, at most
	b.risk = make([]float64, 0, most)
	b.labels = make([]bool, 0, most)
	b.rows = make([]int32, 0, most)
	b.rep.ids = make([]string, 0, most)
	var hist []int32 // one customer's kept snapshots, reused
	for a := 0; a < len(b.idx); {
		id := b.keys[a].id
		e := a + 1
		for e < len(b.idx) && b.keys[e].id == id {
			e++
		}
		for p < len(b.uniq) && b.uniqIDs[p] < id {
			b.rejectOutcome(b.uniq[p], ErrUnknownID)
			p++
		}
		if p == len(b.uniq) || b.uniqIDs[p] != id {
			for k := a; k < e; k++ {
				b.rejectSnapshot(int(b.idx[k]), "outcome", id, cs.ErrMissing)
			}
			a = e
			continue
		}
		o := &b.outcomes[b.uniq[p]]
		p++
		hist = b.history(hist[:0], b.idx[a:e], o)
		a = e
		if len(hist) > 0 {
			b.evaluate(id, hist, o)
		}
	}
	for ; p < len(b.uniq); p++ {
		b.rejectOutcome(b.uniq[p], ErrUnknownID)
	}
	b.keys = nil
}

// history keeps a customer's snapshots (sorted by date) that are neither after
// its outcome nor a second one on the same date, rejecting the others.
func (b *bookBuilder) history(hist []int32, run []int32, o *Outcome) []int32 {
	for _, i := range run {
		s := &b.snaps[i]
		switch {
		case !o.Date.IsZero() && s.Date.After(o.Date):
			b.rejectSnapshot(int(i), "date", s.Date.String(), fmt.Errorf("%w: after the outcome date %s", cs.ErrDateOrder, o.Date))
		case len(hist) > 0 && b.snaps[hist[len(hist)-1]].Date == s.Date:
			b.rejectSnapshot(int(i), "date", s.Date.String(), fmt.Errorf("%w: a second snapshot of %q on this date", cs.ErrDuplicate, s.ID))
		default:
			hist = append(hist, i)
		}
	}
	return hist
}

func (b *bookBuilder) isFlag(g string) bool { return slices.Contains(b.flag, g) }

// evaluate counts one customer on its latest kept snapshot, its earlier ones
// giving the lead time of the flag.
func (b *bookBuilder) evaluate(id string, hist []int32, o *Outcome) {
	rep := &b.rep
	last := &b.snaps[hist[len(hist)-1]]
	addGrade(b.grades, last, o.Churned)
	rep.N++
	if o.Churned {
		rep.Churners++
	}
	if last.Grade != "" {
		b.risk = append(b.risk, -last.Score)
		b.labels = append(b.labels, o.Churned)
		b.rows = append(b.rows, hist[len(hist)-1])
		rep.ids = append(rep.ids, id)
	} else {
		rep.Unknown++
	}
	rep.FlagConf.Add(b.isFlag(last.Grade), o.Churned)
	if o.Churned && !o.Date.IsZero() && len(hist) >= 2 {
		rep.LeadTime.Churners++
		if !b.isFlag(last.Grade) {
			rep.LeadTime.NeverFlagged++
			return
		}
		start := len(hist) - 1
		for start > 0 && b.isFlag(b.snaps[hist[start-1]].Grade) {
			start--
		}
		rep.LeadTime.Flagged++
		rep.LeadTime.Days = append(rep.LeadTime.Days, b.snaps[hist[start]].Date.DaysUntil(o.Date))
	}
}

// report computes the summary figures, the grade table and the AUC.
func (b *bookBuilder) report(opt BookOptions) (BookReport, error) {
	rep := &b.rep
	rep.Flag = slices.Clone(b.flag)
	if rep.N > 0 {
		rep.BaseRate = float64(rep.Churners) / float64(rep.N)
	}
	rep.Precision, rep.Recall, rep.Lift = rep.FlagConf.Precision(), rep.FlagConf.Recall(), rep.FlagConf.Lift()
	slices.Sort(rep.LeadTime.Days)
	if n := len(rep.LeadTime.Days); n > 0 {
		ds := make([]float64, n)
		for i, d := range rep.LeadTime.Days {
			ds[i] = float64(d)
		}
		rep.LeadTime.Median = percentile(ds, 0.5)
	}
	rep.Grades = gradeTable(b.grades, opt.Grades, *rep)
	rep.Segments = b.groupAUCs(func(s *Snapshot) string { return s.Segment })
	rep.Profiles = b.groupAUCs(func(s *Snapshot) string { return s.Profile })
	r, err := Rank(b.risk, b.labels)
	if err != nil {
		return *rep, fmt.Errorf("backtest of %d customers (%d with a known grade): %w", rep.N, len(b.risk), err)
	}
	rep.ranking = r
	rep.ROC = r.ROC()
	for i := range rep.ROC {
		// Report thresholds as health scores again (risk = −score).
		if !math.IsInf(rep.ROC[i].Threshold, 0) {
			rep.ROC[i].Threshold = -rep.ROC[i].Threshold
		}
	}
	rep.AUC = r.DeLong()
	if opt.BootstrapReps > 0 {
		if rep.AUC, err = r.Bootstrap(opt.BootstrapReps, opt.Seed); err != nil {
			return *rep, err
		}
	}
	return *rep, nil
}

// groupAUCs returns the AUC of the known-grade rows within each group that name
// gives them, sorted by name; nil when no row names a group.
func (b *bookBuilder) groupAUCs(name func(*Snapshot) string) []GroupAUC {
	if !slices.ContainsFunc(b.rows, func(i int32) bool { return name(&b.snaps[i]) != "" }) {
		return nil
	}
	risk, labels := b.risk, b.labels
	rows := map[string][]int{}
	for k, i := range b.rows {
		n := name(&b.snaps[i])
		rows[n] = append(rows[n], k)
	}
	out := make([]GroupAUC, 0, len(rows))
	for _, name := range slices.Sorted(maps.Keys(rows)) {
		g := GroupAUC{Name: name, N: len(rows[name])}
		r := make([]float64, len(rows[name]))
		y := make([]bool, len(rows[name]))
		for k, i := range rows[name] {
			r[k], y[k] = risk[i], labels[i]
			if y[k] {
				g.Churners++
			}
		}
		if rk, err := Rank(r, y); err == nil {
			iv := rk.DeLong()
			g.AUC = &iv
			if g.Churners < 2 || g.N-g.Churners < 2 {
				g.Note = "no interval: a single churner or retained customer"
			}
		} else {
			g.Note = "one outcome class"
		}
		out = append(out, g)
	}
	return out
}

// gradeAcc accumulates one grade's row of the grade table.
type gradeAcc struct {
	accounts, churners int
	mrr, churned       moneySum
}

// addGrade counts one evaluated customer in its grade's row.
func addGrade(rows map[string]*gradeAcc, s *Snapshot, churned bool) {
	a := rows[s.Grade]
	if a == nil {
		a = &gradeAcc{mrr: newMoneySum(), churned: newMoneySum()}
		rows[s.Grade] = a
	}
	a.accounts++
	a.mrr.add(s.MRR)
	if churned {
		a.churners++
		a.churned.add(s.MRR)
	}
}

// gradeTable lays out the accumulated rows: counts accounts, churners and MRR per grade, accumulating money in int64
// minor units per (grade, currency) and converting once at the end.
func gradeTable(rows map[string]*gradeAcc, order []string, rep BookReport) []GradeRow {
	var labels []string
	for _, g := range order {
		if _, ok := rows[g]; ok && !slices.Contains(labels, g) {
			labels = append(labels, g)
		}
	}
	var rest []string
	for g := range rows {
		if g != "" && !slices.Contains(labels, g) {
			rest = append(rest, g)
		}
	}
	slices.Sort(rest)
	labels = append(labels, rest...)
	if _, ok := rows[""]; ok {
		labels = append(labels, "")
	}
	table := make([]GradeRow, 0, len(labels))
	for _, g := range labels {
		a := rows[g]
		row := GradeRow{Grade: g, Accounts: a.accounts, Churners: a.churners, MRR: a.mrr.totals(), ChurnedMRR: a.churned.totals()}
		row.ChurnRate = float64(a.churners) / float64(a.accounts)
		if w, err := Wilson(a.churners, a.accounts); err == nil {
			row.ChurnLow, row.ChurnHigh = w.Low, w.High
		}
		row.Lift = Lift(a.churners, a.accounts, rep.Churners, rep.N)
		table = append(table, row)
	}
	return table
}

// moneySum totals amounts per currency exactly: in int64 minor units while they fit,
// and in cs.Money for an amount with sub-minor precision or a sum that would
// overflow, so no amount is ever rounded or dropped.
type moneySum struct {
	minor map[cs.Currency]int64
	exact map[cs.Currency]cs.Money
}

func newMoneySum() moneySum {
	return moneySum{minor: map[cs.Currency]int64{}, exact: map[cs.Currency]cs.Money{}}
}

func (t moneySum) add(m cs.Money) {
	c := m.Currency()
	if c == "" {
		return // MRR unknown: nothing to add
	}
	if v, ok := m.Minor(); ok {
		s := t.minor[c]
		if r := s + v; (v >= 0) == (r >= s) { // no int64 overflow
			t.minor[c] = r
			return
		}
	}
	if e, ok := t.exact[c]; ok {
		if sum, err := e.Add(m); err == nil {
			t.exact[c] = sum
		}
		return
	}
	t.exact[c] = m
}

// totals returns one amount per currency, in currency order.
func (t moneySum) totals() []cs.Money {
	var cur []cs.Currency
	for c := range t.minor {
		cur = append(cur, c)
	}
	for c := range t.exact {
		if _, ok := t.minor[c]; !ok {
			cur = append(cur, c)
		}
	}
	slices.Sort(cur)
	ms := make([]cs.Money, 0, len(cur))
	for _, c := range cur {
		total, err := cs.MoneyFromMinor(t.minor[c], c)
		if err != nil {
			continue // unreachable: c came from a valid Money
		}
		if e, ok := t.exact[c]; ok {
			if sum, err := total.Add(e); err == nil {
				total = sum
			}
		}
		ms = append(ms, total)
	}
	return ms
}

// CompareBooks returns AUC(a) − AUC(b) of two backtests of the same customers (the
// same evaluated IDs, outcomes and known grades) with its 95% interval: DeLong's
// paired method, or a paired stratified bootstrap when reps > 0 (seeded).
func CompareBooks(a, b BookReport, reps int, seed uint64) (Interval, error) {
	if !slices.Equal(a.ids, b.ids) {
		return Interval{}, fmt.Errorf("the two backtests evaluate different customers (%d and %d with a known grade): %w", len(a.ids), len(b.ids), ErrLength)
	}
	if reps > 0 {
		return CompareBootstrap(a.ranking, b.ranking, reps, seed)
	}
	return CompareDeLong(a.ranking, b.ranking)
}

// idKey orders records by (ID, day, index). The ID's first eight bytes, packed big
// endian, decide most comparisons from the key itself, so sorting a million keys
// touches the ID strings' memory only for IDs that share a prefix.
type idKey struct {
	pfx uint64
	day int32
	i   int32
	id  string
}

func newIDKey(id string, day int, i int32) idKey {
	var p uint64
	if len(id) >= 8 {
		_ = id[7] // one bounds check: the compiler combines the loads
		p = uint64(id[0])<<56 | uint64(id[1])<<48 | uint64(id[2])<<40 | uint64(id[3])<<32 |
			uint64(id[4])<<24 | uint64(id[5])<<16 | uint64(id[6])<<8 | uint64(id[7])
	} else {
		for k := range 8 {
			p <<= 8
			if k < len(id) {
				p |= uint64(id[k])
			}
		}
	}
	return idKey{pfx: p, day: int32(day), i: i, id: id}
}

// sortIDKeys sorts by ID (byte-wise, as strings compare), then day, then index. The
// zero-padded prefix orders like the string: a shorter ID that is a prefix of a longer
// one has an equal or smaller prefix and is then ordered by the full comparison.
func sortIDKeys(keys []idKey) {
	if len(keys) < 1024 {
		slices.SortFunc(keys, compareIDKeys)
		return
	}
	// A stable LSD radix sort on the prefix, one pass per byte, skipping the bytes
	// that every key shares; then each run of keys with one prefix (a customer's
	// history, or IDs sharing eight bytes) is finished by the full comparison.
	tmp := make([]idKey, len(keys))
	src, dst := keys, tmp
	for shift := 0; shift < 64; shift += 8 {
		var count [256]int
		for i := range src {
			count[byte(src[i].pfx>>shift)]++
		}
		if count[byte(src[0].pfx>>shift)] == len(src) {
			continue
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for i := range src {
			b := byte(src[i].pfx >> shift)
			dst[count[b]] = src[i]
			count[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
	for a := 0; a < len(keys); {
		b := a + 1
		for b < len(keys) && keys[b].pfx == keys[a].pfx {
			b++
		}
		if b-a > 1 {
			slices.SortFunc(keys[a:b], compareIDKeys)
		}
		a = b
	}
}

// compareIDKeys orders by ID (byte-wise), then day, then index.
func compareIDKeys(a, b idKey) int {
	if a.pfx != b.pfx {
		return cmp.Compare(a.pfx, b.pfx)
	}
	if c := cmp.Compare(a.id, b.id); c != 0 {
		return c
	}
	if c := cmp.Compare(a.day, b.day); c != 0 {
		return c
	}
	return cmp.Compare(a.i, b.i)
}
