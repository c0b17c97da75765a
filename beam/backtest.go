package csbeam

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/internal/stats"
)

// BacktestReport is health.BacktestReport without its Errors (an element must be
// plain data): Backtest sends every refused record to the dead letters instead.
// The fields mean what they mean there, and have the same JSON names.
type BacktestReport struct {
	N         int               `json:"n"`
	Churners  int               `json:"churners"`
	BaseRate  float64           `json:"base_rate"`
	Unknown   int               `json:"unknown"`
	AUC       health.Interval   `json:"auc"`
	ROC       []health.ROCPoint `json:"roc"`
	Grades    []health.GradeRow `json:"grades"`
	Flag      []string          `json:"flag"`
	FlagConf  health.Confusion  `json:"flag_confusion"`
	Precision float64           `json:"precision"`
	Recall    float64           `json:"recall"`
	Lift      float64           `json:"lift"`
	LeadTime  health.LeadTime   `json:"lead_time"`
}

// BacktestOptions configure Backtest: the grade order and the flag, as in
// health.BacktestOptions. BootstrapReps and Lead are not supported (the bootstrap
// needs every row in one place; filter snapshots by date upstream for a lead).
type BacktestOptions = health.BacktestOptions

// GradesOf lists the grade labels of a scorecard's profiles, lowest band first,
// in profile order without repeats: the order health.Backtest gives the grade
// table when BacktestOptions.Grades is empty.
func GradesOf(cfg health.Config) []string {
	var labels []string
	for i := range cfg.Profiles {
		g := cfg.Profiles[i].GradeScheme()
		for _, b := range g.Bands {
			if !slices.Contains(labels, b.Label) {
				labels = append(labels, b.Label)
			}
		}
	}
	return labels
}

// ScoreSnapshots reads snapshots files (the customer CSV layout with an as_of
// column: every customer at every date, as the sample book's snapshots.csv) and
// scores each row as of its as_of date with the scorecard, as health.Backtest
// scores its observations. A row that cannot be read or scored is a DeadLetter.
func ScoreSnapshots(s beam.Scope, files []string, opt ScoreOptions) (snapshots, dead beam.PCollection, err error) {
	s = s.Scope("ScoreSnapshots")
	cfg, err := health.MarshalConfig(opt.Config)
	if err != nil {
		return snapshots, dead, fmt.Errorf("csbeam: ScoreSnapshots: %w", err)
	}
	if _, err := health.Compile(opt.Config); err != nil {
		return snapshots, dead, fmt.Errorf("csbeam: ScoreSnapshots: %w", err)
	}
	chunks, dead0 := Chunks(s, "Backtest", files, ReadOptions{Format: CSV, ChunkBytes: opt.Read.ChunkBytes})
	snapshots, dead1 := beam.ParDo2(s, &snapshotFn{Config: string(cfg)}, chunks)
	return snapshots, beam.Flatten(s, dead0, dead1), nil
}

type snapshotFn struct {
	Config string `json:"config"`

	scorer *health.Scorer
	res    health.Result
	c      counters
	dec    decoders
}

func (f *snapshotFn) Setup() error {
	cfg, err := health.ParseConfig([]byte(f.Config))
	if err != nil {
		return err
	}
	f.c = newCounters("ScoreSnapshots")
	f.dec.opt = cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
	f.scorer, err = health.Compile(cfg)
	return err
}

func (f *snapshotFn) ProcessElement(ctx context.Context, c Chunk, emit func(Snapshot), dead func(DeadLetter)) {
	eachRecord(&c, &f.dec, func(line int, rec *cs.CSVRecord, err error) {
		if err != nil {
			dead(deadLetter(ctx, "Backtest", c.File, line, "", err))
			return
		}
		f.c.in.Inc(ctx, 1)
		cust := &rec.Customer
		asOf, err := cs.ParseDate(rec.Extra[0])
		if err != nil {
			dead(deadLetter(ctx, "Backtest", c.File, line, cust.ID,
				&cs.FieldError{File: c.File, Line: line, Record: cust.ID, Field: "as_of", Value: rec.Extra[0], Err: err}))
			return
		}
		if err := f.scorer.ScoreInto(&f.res, cust, asOf); err != nil {
			dead(deadLetter(ctx, "Backtest", c.File, line, cust.ID, err))
			return
		}
		f.c.out.Inc(ctx, 1)
		emit(Snapshot{File: c.File, Line: line, Rec: health.ScoredSnapshot{ID: cust.ID, Date: asOf, Score: f.res.Score, Grade: f.res.Grade, MRR: cust.MRR}})
	})
}

// ReadOutcomes reads outcomes files (id,churned[,date], the layout of
// health.ReadOutcomes) with the library's reader. A line it refuses is a
// DeadLetter.
func ReadOutcomes(s beam.Scope, files []string, chunkBytes int) (outcomes, dead beam.PCollection) {
	s = s.Scope("ReadOutcomes")
	chunks, dead0 := Chunks(s, "Backtest", files, ReadOptions{Format: CSV, ChunkBytes: chunkBytes})
	outcomes, dead1 := beam.ParDo2(s, decodeOutcomes, chunks)
	return outcomes, beam.Flatten(s, dead0, dead1)
}

// decodeOutcomes reads a chunk of outcomes with health.ReadOutcomes.
func decodeOutcomes(ctx context.Context, c Chunk, emit func(Outcome), dead func(DeadLetter)) {
	readChunk(&c, health.ReadOutcomes(c.records(), c.File), func(line int, _ []string, x health.Outcome, err error) {
		if err != nil {
			dead(deadLetter(ctx, "Backtest", c.File, line, "", err))
			return
		}
		emit(Outcome{File: c.File, Line: line, Rec: x})
	})
}

// Backtest evaluates scored snapshots (ScoreSnapshots, or your own) against
// outcomes as health.BacktestScores does on one machine, and returns one
// BacktestReport.
//
// Per group of customers (snapshots and outcomes grouped by customer ID, customers
// in DefaultBuckets groups), health.BacktestScores itself picks the snapshots to
// evaluate (the latest not after the outcome), refuses the bad records and finds the
// lead time of the flag; those parts are then added up.
//
// Exact, equal to the library bit for bit: N, churners, base rate, Unknown, the
// grade table (counts, exact MRR sums, churn rates, Wilson bounds, lift), the flag's
// confusion table, precision, recall and lift, the lead times and their median,
// the AUC and the ROC curve. The AUC needs a global rank, computed exactly here
// from a histogram of the distinct scores: the number of churners and of retained
// customers at each score is summed across workers (integers), and the
// Mann–Whitney U of the histogram, 2U = Σ churners(s)·(2·retained below s +
// retained at s), is the library's integer formula evaluated group by group, so the
// AUC is the same float64. The ROC has one point per distinct score, as the
// library's.
//
// Not bit for bit: the DeLong standard error (AUC.SE) and so the interval bounds.
// The library sums the squared placement deviations row by row; here they are
// summed per distinct score (count × deviation², compensated summation), which
// removes rounding rather than adding it. The two differ by a few units in the last
// place: the relative difference is bounded by n·2⁻⁵³ for n customers (about 1e-10
// for 1M), and TestBacktestEqualsLibrary checks it on the sample book.
//
// Memory: the histogram holds one entry per distinct score (about 40 bytes) and
// is merged on one worker at the end; health scores are weighted means of a few
// measures and repeat a lot, but a book whose every customer has its own score
// needs about 4 GB there for 100M customers.
//
// Refused records are DeadLetters named by file and line, with the library's
// message: an outcome without snapshots (health.ErrUnknownID), snapshots without
// an outcome (cs.ErrMissing), two outcomes of one customer (cs.ErrDuplicate, the
// first line wins), two snapshots of one customer on one date (the first line
// wins), a snapshot after the outcome (cs.ErrDateOrder).
func Backtest(s beam.Scope, snapshots, outcomes beam.PCollection, opt BacktestOptions) (report, dead beam.PCollection, err error) {
	s = s.Scope("Backtest")
	if opt.BootstrapReps > 0 || opt.Lead != 0 {
		return report, dead, errors.New("csbeam: Backtest: BootstrapReps and Lead are not supported")
	}
	sKV := beam.ParDo(s, &snapshotKeyFn{Buckets: DefaultBuckets}, snapshots)
	oKV := beam.ParDo(s, &outcomeKeyFn{Buckets: DefaultBuckets}, outcomes)
	parts, dead := beam.ParDo2(s, &backtestFn{Grades: opt.Grades, Flag: opt.Flag}, beam.CoGroupByKey(s, sKV, oKV))
	report, dead1 := beam.ParDo2(s, &finishBacktestFn{Grades: opt.Grades}, beam.Combine(s, mergeBook, parts))
	return report, beam.Flatten(s, dead, dead1), nil
}

// bookAcc is a partial backtest: the sums over some customers.
type bookAcc struct {
	N, Churners, Unknown int
	Flag                 []string
	Conf                 health.Confusion
	Grades               map[string]*gradeAcc
	LeadChurners         int
	LeadFlagged          int
	LeadNever            int
	LeadDays             map[int]int // days → churners
	// Hist counts, per distinct risk (−score) of a known grade, the churners [0]
	// and the retained customers [1].
	Hist map[float64][2]int64
}

type gradeAcc struct {
	Accounts, Churners int
	MRR, ChurnedMRR    map[cs.Currency]cs.Money
}

// bookWire is bookAcc as JSON: the histogram and the lead days as lists, since
// JSON keys are strings. Amounts are exact text (cs.Money.MarshalText), floats the
// shortest text that reads back to the same bits.
type bookWire struct {
	N, Churners, Unknown                 int
	Flag                                 []string
	Conf                                 health.Confusion
	Grades                               map[string]*gradeAcc
	LeadChurners, LeadFlagged, LeadNever int
	LeadDays                             [][2]int
	Hist                                 []histEntry
}

type histEntry struct {
	Risk     float64
	Pos, Neg int64
}

func (a *bookAcc) marshal() ([]byte, error) {
	w := bookWire{N: a.N, Churners: a.Churners, Unknown: a.Unknown, Flag: a.Flag, Conf: a.Conf, Grades: a.Grades,
		LeadChurners: a.LeadChurners, LeadFlagged: a.LeadFlagged, LeadNever: a.LeadNever}
	for _, d := range slices.Sorted(mapKeys(a.LeadDays)) {
		w.LeadDays = append(w.LeadDays, [2]int{d, a.LeadDays[d]})
	}
	for _, r := range slices.Sorted(mapKeys(a.Hist)) {
		c := a.Hist[r]
		w.Hist = append(w.Hist, histEntry{r, c[0], c[1]})
	}
	return json.Marshal(w)
}

func unmarshalBookAcc(p []byte) (bookAcc, error) {
	var w bookWire
	if err := json.Unmarshal(p, &w); err != nil {
		return bookAcc{}, err
	}
	a := bookAcc{N: w.N, Churners: w.Churners, Unknown: w.Unknown, Flag: w.Flag, Conf: w.Conf, Grades: w.Grades,
		LeadChurners: w.LeadChurners, LeadFlagged: w.LeadFlagged, LeadNever: w.LeadNever}
	if len(w.LeadDays) > 0 {
		a.LeadDays = make(map[int]int, len(w.LeadDays))
		for _, d := range w.LeadDays {
			a.LeadDays[d[0]] = d[1]
		}
	}
	if len(w.Hist) > 0 {
		a.Hist = make(map[float64][2]int64, len(w.Hist))
		for _, h := range w.Hist {
			a.Hist[h.Risk] = [2]int64{h.Pos, h.Neg}
		}
	}
	return a, nil
}

// backtestFn evaluates one group of customers with health.BacktestScores.
type backtestFn struct {
	Grades []string `json:"grades"`
	Flag   []string `json:"flag"`
}

func (f *backtestFn) ProcessElement(ctx context.Context, _ int, snaps func(*SnapshotBatch) bool, outs func(*OutcomeBatch) bool,
	emit func(bookAcc), dead func(DeadLetter)) {
	var rows []Snapshot
	var outcomes []Outcome
	var x SnapshotBatch
	var o OutcomeBatch
	for snaps(&x) {
		rows = append(rows, x.Recs...)
	}
	for outs(&o) {
		outcomes = append(outcomes, o.Recs...)
	}
	// Input order decides which duplicate the library keeps: file and line order
	// (by customer and date first, for the evaluated snapshot below).
	slices.SortFunc(rows, func(a, b Snapshot) int {
		return cmp.Or(strings.Compare(a.Rec.ID, b.Rec.ID), a.Rec.Date.Compare(b.Rec.Date), strings.Compare(a.File, b.File), a.Line-b.Line)
	})
	slices.SortFunc(outcomes, func(a, b Outcome) int { return cmp.Or(strings.Compare(a.File, b.File), a.Line-b.Line) })
	snapRows := make([]health.ScoredSnapshot, len(rows))
	for i := range rows {
		snapRows[i] = rows[i].Rec
	}
	outRows := make([]health.Outcome, len(outcomes))
	for i := range outcomes {
		outRows[i] = outcomes[i].Rec
	}
	rep, _ := health.BacktestScores(snapRows, outRows, health.BacktestOptions{Grades: f.Grades, Flag: f.Flag})
	for _, err := range rep.Errors {
		err = fixFieldErrors(err, func(fe *cs.FieldError) { locateBacktest(fe, rows, outcomes) })
		var fe *cs.FieldError
		file, line := "", 0
		if errors.As(err, &fe) {
			file, line = fe.File, fe.Line
		}
		dead(deadLetter(ctx, "Backtest", file, line, "", err))
	}
	if rep.N == 0 {
		return
	}
	acc := bookAcc{N: rep.N, Churners: rep.Churners, Unknown: rep.Unknown, Flag: rep.Flag, Conf: rep.FlagConf,
		Grades: map[string]*gradeAcc{}, LeadChurners: rep.LeadTime.Churners, LeadFlagged: rep.LeadTime.Flagged,
		LeadNever: rep.LeadTime.NeverFlagged}
	for _, g := range rep.Grades {
		ga := &gradeAcc{Accounts: g.Accounts, Churners: g.Churners, MRR: map[cs.Currency]cs.Money{}, ChurnedMRR: map[cs.Currency]cs.Money{}}
		for _, m := range g.MRR {
			ga.MRR[m.Currency()] = m
		}
		for _, m := range g.ChurnedMRR {
			ga.ChurnedMRR[m.Currency()] = m
		}
		acc.Grades[g.Grade] = ga
	}
	if len(rep.LeadTime.Days) > 0 {
		acc.LeadDays = map[int]int{}
		for _, d := range rep.LeadTime.Days {
			acc.LeadDays[d]++
		}
	}
	acc.Hist = evaluated(snapRows, outRows)
	emit(acc)
}

// evaluated returns the histogram of the scores BacktestScores ranks: for each
// customer with an outcome (the first one), its latest snapshot not after the
// outcome date (the first line of that date), when its grade is known; churners
// counted in [0], retained customers in [1], by risk −score. rows are sorted by
// customer, date, file and line.
func evaluated(rows []health.ScoredSnapshot, outs []health.Outcome) map[float64][2]int64 {
	first := map[string]*health.Outcome{}
	for i := range outs {
		if _, ok := first[outs[i].ID]; !ok && outs[i].ID != "" {
			first[outs[i].ID] = &outs[i]
		}
	}
	hist := map[float64][2]int64{}
	for a := 0; a < len(rows); {
		b := a + 1
		for b < len(rows) && rows[b].ID == rows[a].ID {
			b++
		}
		o := first[rows[a].ID]
		var eval *health.ScoredSnapshot
		for i := a; o != nil && i < b; i++ {
			r := &rows[i]
			if !o.Date.IsZero() && r.Date.After(o.Date) {
				break
			}
			if r.ID == "" || math.IsNaN(r.Score) || math.IsInf(r.Score, 0) || !r.Date.IsZero() && !r.Date.Valid() {
				continue // refused by the library too
			}
			if eval == nil || r.Date.After(eval.Date) {
				eval = r
			}
		}
		if eval != nil && eval.Grade != "" {
			k := 1
			if o.Churned {
				k = 0
			}
			c := hist[-eval.Score]
			c[k]++
			hist[-eval.Score] = c
		}
		a = b
	}
	return hist
}

// locateBacktest turns the path of a record in the group's slices
// ("snapshots[3].date", "outcomes[0].id") into its file and line, and the index
// of a first outcome that a duplicate names ("also outcomes[2]") into its file
// and line.
func locateBacktest(fe *cs.FieldError, rows []Snapshot, outcomes []Outcome) {
	at := func(prefix string, n int) (file string, line int, rest string, ok bool) {
		i, rest, ok := pathIndex(fe.Field, prefix)
		if !ok || i >= n {
			return "", 0, "", false
		}
		if prefix == "snapshots" {
			return rows[i].File, rows[i].Line, rest, true
		}
		return outcomes[i].File, outcomes[i].Line, rest, true
	}
	if file, line, rest, ok := at("snapshots", len(rows)); ok {
		fe.File, fe.Line, fe.Field = file, line, rest
	} else if file, line, rest, ok := at("outcomes", len(outcomes)); ok {
		fe.File, fe.Line, fe.Field = file, line, rest
	}
	if errors.Is(fe.Err, cs.ErrDuplicate) {
		if _, also, ok := strings.Cut(fe.Err.Error(), "also "); ok {
			if i, _, ok := pathIndex(also+".", "outcomes"); ok && i < len(outcomes) {
				fe.Err = fmt.Errorf("%w: also %s:%d", cs.ErrDuplicate, outcomes[i].File, outcomes[i].Line)
			}
		}
	}
}

// pathIndex parses path as prefix[i].rest.
func pathIndex(path, prefix string) (i int, rest string, ok bool) {
	s, ok := strings.CutPrefix(path, prefix+"[")
	if !ok {
		return 0, "", false
	}
	num, rest, ok := strings.Cut(s, "].")
	if !ok {
		return 0, "", false
	}
	i, err := strconv.Atoi(num)
	return i, rest, err == nil && i >= 0
}

func mergeBook(a, b bookAcc) bookAcc {
	a.N += b.N
	a.Churners += b.Churners
	a.Unknown += b.Unknown
	if a.Flag == nil {
		a.Flag = b.Flag
	}
	a.Conf.TP += b.Conf.TP
	a.Conf.FP += b.Conf.FP
	a.Conf.FN += b.Conf.FN
	a.Conf.TN += b.Conf.TN
	if a.Grades == nil {
		a.Grades = map[string]*gradeAcc{}
	}
	for g, y := range b.Grades {
		x := a.Grades[g]
		if x == nil {
			a.Grades[g] = y
			continue
		}
		x.Accounts += y.Accounts
		x.Churners += y.Churners
		addMoneyMap(x.MRR, y.MRR)
		addMoneyMap(x.ChurnedMRR, y.ChurnedMRR)
	}
	a.LeadChurners += b.LeadChurners
	a.LeadFlagged += b.LeadFlagged
	a.LeadNever += b.LeadNever
	if len(b.LeadDays) > 0 && a.LeadDays == nil {
		a.LeadDays = map[int]int{}
	}
	for d, n := range b.LeadDays {
		a.LeadDays[d] += n
	}
	if len(b.Hist) > 0 && a.Hist == nil {
		a.Hist = map[float64][2]int64{}
	}
	for r, c := range b.Hist {
		x := a.Hist[r]
		a.Hist[r] = [2]int64{x[0] + c[0], x[1] + c[1]}
	}
	return a
}

func addMoneyMap(dst, src map[cs.Currency]cs.Money) {
	for c, m := range src {
		if sum, err := dst[c].Add(m); err == nil {
			dst[c] = sum
		}
	}
}

// finishBacktestFn turns the merged sums into the report.
type finishBacktestFn struct {
	Grades []string `json:"grades"`
}

func (f *finishBacktestFn) ProcessElement(ctx context.Context, a bookAcc, emit func(BacktestReport), dead func(DeadLetter)) {
	rep, err := finishBook(a, f.Grades)
	if err != nil {
		dead(deadLetter(ctx, "Backtest", "", 0, "", err))
	}
	emit(rep)
}

func finishBook(a bookAcc, order []string) (BacktestReport, error) {
	rep := BacktestReport{N: a.N, Churners: a.Churners, Unknown: a.Unknown, Flag: a.Flag, FlagConf: a.Conf}
	if rep.N > 0 {
		rep.BaseRate = float64(rep.Churners) / float64(rep.N)
	}
	rep.Precision, rep.Recall, rep.Lift = a.Conf.Precision(), a.Conf.Recall(), a.Conf.Lift()
	rep.LeadTime = health.LeadTime{Churners: a.LeadChurners, Flagged: a.LeadFlagged, NeverFlagged: a.LeadNever}
	for _, d := range slices.Sorted(mapKeys(a.LeadDays)) {
		for range a.LeadDays[d] {
			rep.LeadTime.Days = append(rep.LeadTime.Days, d)
		}
	}
	if n := len(rep.LeadTime.Days); n > 0 {
		rep.LeadTime.Median = median(rep.LeadTime.Days)
	}
	rep.Grades = gradeTable(a, order)
	groups := histGroups(a.Hist)
	var pos, neg int64
	for _, g := range groups {
		pos += g.pos
		neg += g.neg
	}
	if pos == 0 || neg == 0 {
		return rep, fmt.Errorf("health: backtest of %d customers (%d with a known grade): %d rows, %d positive: %w", rep.N, pos+neg, pos+neg, pos, health.ErrOneClass)
	}
	rep.AUC, rep.ROC = rankGroups(groups, pos, neg)
	return rep, nil
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// median is the 0.5 quantile of sorted days by linear interpolation between order
// statistics (Hyndman & Fan, 1996, definition 7), as the library computes it.
func median(days []int) float64 {
	h := 0.5 * float64(len(days)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(days) {
		return float64(days[len(days)-1])
	}
	return float64(days[i]) + float64((h-lo)*(float64(days[i+1])-float64(days[i])))
}

// gradeTable lays the grades out as the library does: the listed grades in their
// order, then the others sorted, then "" (Unknown).
func gradeTable(a bookAcc, order []string) []health.GradeRow {
	var labels []string
	for _, g := range order {
		if _, ok := a.Grades[g]; ok && !slices.Contains(labels, g) {
			labels = append(labels, g)
		}
	}
	var rest []string
	for g := range a.Grades {
		if g != "" && !slices.Contains(labels, g) {
			rest = append(rest, g)
		}
	}
	slices.Sort(rest)
	labels = append(labels, rest...)
	if _, ok := a.Grades[""]; ok {
		labels = append(labels, "")
	}
	table := make([]health.GradeRow, 0, len(labels))
	for _, g := range labels {
		x := a.Grades[g]
		row := health.GradeRow{Grade: g, Accounts: x.Accounts, Churners: x.Churners, MRR: sortedMoney(x.MRR), ChurnedMRR: sortedMoney(x.ChurnedMRR)}
		row.ChurnRate = float64(x.Churners) / float64(x.Accounts)
		if w, err := stats.Wilson(x.Churners, x.Accounts); err == nil {
			row.ChurnLow, row.ChurnHigh = w.Low, w.High
		}
		row.Lift = stats.Lift(x.Churners, x.Accounts, a.Churners, a.N)
		table = append(table, row)
	}
	return table
}

func sortedMoney(m map[cs.Currency]cs.Money) []cs.Money {
	out := make([]cs.Money, 0, len(m))
	for _, c := range slices.Sorted(mapKeys(m)) {
		out = append(out, m[c])
	}
	return out
}

// group is one distinct risk (−score) with its churners and retained customers.
type group struct {
	risk     float64
	pos, neg int64
}

func histGroups(h map[float64][2]int64) []group {
	out := make([]group, 0, len(h))
	for r, c := range h {
		out = append(out, group{r, c[0], c[1]})
	}
	slices.SortFunc(out, func(a, b group) int { return cmp.Compare(a.risk, b.risk) })
	return out
}

// z95 is the standard normal quantile for a two-sided 95% interval, as the
// library's.
const z95 = 1.959963984540054

// rankGroups computes the AUC with DeLong's interval and the ROC curve from the
// groups of tied risks, in ascending risk (DeLong, DeLong & Clarke-Pearson, 1988;
// Hanley & McNeil, 1982).
func rankGroups(groups []group, pos, neg int64) (health.Interval, []health.ROCPoint) {
	var negBelow, num2 int64
	for _, g := range groups {
		num2 += g.pos * (2*negBelow + g.neg)
		negBelow += g.neg
	}
	auc := float64(num2) / (2 * float64(pos*neg))
	// Placements: a churner's is the share of retained customers at lower risk (ties
	// half), a retained customer's the share of churners at higher risk.
	fneg, fpos := float64(neg), float64(pos)
	vp := make([]float64, len(groups))
	vn := make([]float64, len(groups))
	negBelow = 0
	var posBelow int64
	for i, g := range groups {
		vp[i] = (float64(negBelow) + float64(0.5*float64(g.neg))) / fneg
		posAbove := pos - posBelow - g.pos
		vn[i] = (float64(posAbove) + float64(0.5*float64(g.pos))) / fpos
		negBelow += g.neg
		posBelow += g.pos
	}
	se := 0.0
	if pos > 1 && neg > 1 {
		var sp, sn ksum
		for i, g := range groups {
			sp.add(float64(g.pos) * vp[i])
			sn.add(float64(g.neg) * vn[i])
		}
		mp, mn := sp.sum()/fpos, sn.sum()/fneg
		var s10, s01 ksum
		for i, g := range groups {
			dp, dn := vp[i]-mp, vn[i]-mn
			s10.add(float64(g.pos) * float64(dp*dp))
			s01.add(float64(g.neg) * float64(dn*dn))
		}
		v := s10.sum()/(fpos-1)/fpos + s01.sum()/(fneg-1)/fneg
		se = math.Sqrt(max(v, 0))
	}
	iv := health.Interval{Estimate: auc, Low: max(auc-float64(z95*se), 0), High: min(auc+float64(z95*se), 1), SE: se, Method: "delong"}
	roc := make([]health.ROCPoint, 0, len(groups)+1)
	roc = append(roc, health.ROCPoint{Threshold: math.Inf(1)})
	var tp, fp int64
	for i := len(groups) - 1; i >= 0; i-- {
		tp += groups[i].pos
		fp += groups[i].neg
		roc = append(roc, health.ROCPoint{Threshold: -groups[i].risk, FPR: float64(fp) / fneg, TPR: float64(tp) / fpos})
	}
	return iv, roc
}

// ksum is Neumaier's compensated sum.
type ksum struct{ s, c float64 }

func (k *ksum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *ksum) sum() float64 { return k.s + k.c }
