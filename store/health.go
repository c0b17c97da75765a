package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

var healthCols = []string{"as_of", "customer_id", "config", "profile", "score", "grade", "grade_index", "unknown",
	"cause", "coverage", "computed", "computed_unknown", "vetoes", "weakest", "override", "churn", "detail"}

// AddHealth adds a health result to the run: its score, grade, coverage,
// profile, causes, the computed score beside an override, and every measure's
// value, status and points. The result's date must be the run's, and its
// configuration (by fingerprint) must be stored: save it first with
// SaveConfig(HealthConfig(cfg)), in this run or an earlier one. Rows are
// written in batches; a second result for the same customer makes the run
// fail (ErrConstraint).
func (t *RunTx) AddHealth(r *health.Result) error {
	if err := t.usable(); err != nil {
		return err
	}
	if err := t.checkResult(r); err != nil {
		return fmt.Errorf("store: run %s: health: %w", t.run.AsOf, err)
	}
	id, err := t.configID(r.Fingerprint, KindHealth)
	if err != nil {
		if isDBError(err) && !errors.Is(err, ErrNotFound) {
			return t.fail(err)
		}
		return fmt.Errorf("store: run %s: health: customer %q: %w", t.run.AsOf, clip(r.CustomerID), err)
	}
	if _, err := t.layout(id, r); err != nil {
		if isDBError(err) {
			return t.fail(err)
		}
		return fmt.Errorf("store: run %s: health: customer %q: %w", t.run.AsOf, clip(r.CustomerID), err)
	}
	in := t.inserter("cs_health", healthCols...)
	start := len(in.slab)
	in.slab, err = appendDetail(in.slab, r)
	if err != nil {
		in.slab = in.slab[:start]
		return fmt.Errorf("store: run %s: health: customer %q: %w", t.run.AsOf, clip(r.CustomerID), err)
	}
	detail := in.slab[start:len(in.slab):len(in.slab)]
	var override any
	if r.Overridden {
		j, err := json.Marshal(&r.Override)
		if err != nil {
			return fmt.Errorf("store: run %s: health: customer %q: override: %w", t.run.AsOf, clip(r.CustomerID), err)
		}
		override = string(j)
	}
	var churn any
	if !r.Churn.IsZero() {
		j, err := json.Marshal(r.Churn)
		if err != nil {
			return fmt.Errorf("store: run %s: health: customer %q: churn: %w", t.run.AsOf, clip(r.CustomerID), err)
		}
		churn = string(j)
	}
	if err := in.add(t.s.dateArg(r.AsOf), r.CustomerID, id, r.Profile, r.Score, r.Grade, int64(r.GradeIndex), r.Unknown,
		int64(r.Cause), r.Coverage, r.Computed, r.ComputedUnknown, int64(r.Vetoes), int64(r.Weakest), override, churn, detail); err != nil {
		return t.fail(err)
	}
	if t.run.HealthConfig == "" {
		t.run.HealthConfig = r.Fingerprint
	}
	return nil
}

// checkResult refuses what no database would keep as given.
func (t *RunTx) checkResult(r *health.Result) error {
	if err := checkID("customer_id", r.CustomerID); err != nil {
		return err
	}
	fe := func(field string, err error) error {
		return &cs.FieldError{Record: r.CustomerID, Field: field, Err: err}
	}
	if r.AsOf != t.run.AsOf {
		return fe("as_of", fmt.Errorf("%s is not the run's date %s: %w", r.AsOf, t.run.AsOf, cs.ErrDateOrder))
	}
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"score", r.Score}, {"coverage", r.Coverage}, {"computed", r.Computed},
		{"churn.p", r.Churn.P}, {"churn.low", r.Churn.Low}, {"churn.high", r.Churn.High}} {
		if err := checkFloat(f.name, f.v); err != nil {
			return fe(f.name, cs.ErrNotFinite)
		}
	}
	for _, s := range [...]struct{ name, v string }{{"profile", r.Profile}, {"grade", r.Grade}} {
		if err := checkText(s.name, s.v); err != nil {
			return err
		}
	}
	for i := range r.Measures {
		m := &r.Measures[i]
		if checkFloat("", m.Raw) != nil || checkFloat("", m.Points) != nil || checkFloat("", m.Effective) != nil {
			return fe(fmt.Sprintf("measures[%d]", i), cs.ErrNotFinite)
		}
		if err := checkText(fmt.Sprintf("measures[%d].text", i), m.Text); err != nil {
			return err
		}
	}
	for i := range r.Groups {
		if checkFloat("", r.Groups[i].Score) != nil || checkFloat("", r.Groups[i].Effective) != nil {
			return fe(fmt.Sprintf("groups[%d]", i), cs.ErrNotFinite)
		}
	}
	return nil
}

// configID returns the id of a stored configuration of the kind.
func (t *RunTx) configID(fp string, kind ConfigKind) (int64, error) {
	if id, ok := t.configs[fp]; ok {
		return id, nil
	}
	t.s.mu.Lock()
	id, ok := t.s.configs[fp]
	t.s.mu.Unlock()
	if !ok {
		var k string
		err := t.w.queryRow(`SELECT id, kind FROM cs_configs WHERE fingerprint = ?`, fp).Scan(&id, &k)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, &cs.FieldError{Field: "fingerprint", Value: clip(fp),
				Err: fmt.Errorf("configuration not stored (save it with SaveConfig first): %w", ErrNotFound)}
		}
		if err != nil {
			return 0, classify(err)
		}
		if k != string(kind) {
			return 0, &cs.FieldError{Field: "fingerprint", Value: clip(fp), Err: fmt.Errorf("a %s configuration, not %s", k, kind)}
		}
	}
	t.configs[fp] = id
	return id, nil
}

// layout returns the layout of the result's profile, storing it with the
// first result of a configuration and profile; a result that does not fit the
// stored layout is refused.
func (t *RunTx) layout(config int64, r *health.Result) (*layout, error) {
	k := layoutKey{config, r.Profile}
	l := t.layouts[k]
	if l == nil {
		var err error
		if l, err = t.s.loadLayout(t.w.ctx, t.w.conn, k); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if l == nil {
			l = layoutOf(r)
			body, err := json.Marshal(l)
			if err != nil {
				return nil, &cs.FieldError{Field: "measures", Err: err}
			}
			if _, err := t.w.exec(`INSERT INTO cs_health_layouts (config, profile, body) VALUES (?, ?, ?)`, config, r.Profile, string(body)); err != nil {
				return nil, err
			}
			t.newLay[k] = l
		}
		t.layouts[k] = l
	}
	if !l.fits(r) {
		return nil, &cs.FieldError{Field: "measures", Err: fmt.Errorf("the groups and measures differ from those stored for profile %q of configuration %s", r.Profile, r.Fingerprint)}
	}
	return l, nil
}

// loadLayout reads a layout, from the cache or the database.
func (s *Store) loadLayout(ctx context.Context, db rowQuerier, k layoutKey) (*layout, error) {
	s.mu.Lock()
	l := s.layouts[k]
	s.mu.Unlock()
	if l != nil {
		return l, nil
	}
	var body string
	err := db.QueryRowContext(ctx, s.q(`SELECT body FROM cs_health_layouts WHERE config = ? AND profile = ?`), k.config, k.profile).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, classify(err)
	}
	l = new(layout)
	if err := json.Unmarshal([]byte(body), l); err != nil {
		return nil, fmt.Errorf("layout of profile %q: %w", k.profile, err)
	}
	return l, nil
}

// warm loads every configuration's fingerprint and version and every layout
// into the caches (small tables that only grow).
func (s *Store) warm(ctx context.Context, q queryer) error {
	// Both tables only grow: when the caches hold as many rows, they hold
	// them all, and one cheap query saves reading them again.
	var nc, nl int
	if err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM cs_configs), (SELECT COUNT(*) FROM cs_health_layouts)`).Scan(&nc, &nl); err != nil {
		return err
	}
	s.mu.Lock()
	full := len(s.cfgInfo) >= nc && len(s.layouts) >= nl
	s.mu.Unlock()
	if full {
		return nil
	}
	cfgs := map[int64]configInfo{}
	for c, err := range listOn(ctx, s, q, "reading configurations", `SELECT id, fingerprint, version FROM cs_configs`, nil,
		func(rows *sql.Rows) (struct {
			id int64
			ci configInfo
		}, error) {
			var v struct {
				id int64
				ci configInfo
			}
			err := rows.Scan(&v.id, &v.ci.fingerprint, &v.ci.version)
			return v, err
		}) {
		if err != nil {
			return err
		}
		cfgs[c.id] = c.ci
	}
	lays := map[layoutKey]*layout{}
	for l, err := range listOn(ctx, s, q, "reading layouts", `SELECT config, profile, body FROM cs_health_layouts`, nil,
		func(rows *sql.Rows) (struct {
			k layoutKey
			l *layout
		}, error) {
			var v struct {
				k layoutKey
				l *layout
			}
			var body string
			if err := rows.Scan(&v.k.config, &v.k.profile, &body); err != nil {
				return v, err
			}
			v.l = new(layout)
			return v, json.Unmarshal([]byte(body), v.l)
		}) {
		if err != nil {
			return err
		}
		lays[l.k] = l.l
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ci := range cfgs {
		s.cfgInfo[id] = ci
	}
	for k, l := range lays {
		if s.layouts[k] == nil {
			s.layouts[k] = l
		}
	}
	return nil
}

// configInfo is what a result needs of its configuration.
type configInfo struct{ fingerprint, version string }

// cached returns the fingerprint and version of a configuration and the
// layout of a profile from the caches warm filled.
func (s *Store) cached(config int64, profile string) (configInfo, *layout, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci, ok := s.cfgInfo[config]
	if !ok {
		return ci, nil, fmt.Errorf("configuration %d: %w", config, ErrNotFound)
	}
	l := s.layouts[layoutKey{config, profile}]
	if l == nil {
		return ci, nil, fmt.Errorf("layout of profile %q of configuration %d: %w", profile, config, ErrNotFound)
	}
	return ci, l, nil
}

// healthSelect reads the health columns, and with them the sizes of the two
// tables a result refers to, in the rows' own snapshot: when the caches hold
// as many configurations and layouts, they hold every one the rows name.
const healthSelect = `SELECT as_of, customer_id, config, profile, score, grade, grade_index, unknown, cause, coverage,
	computed, computed_unknown, vetoes, weakest, override, churn, detail,
	(SELECT COUNT(*) FROM cs_configs), (SELECT COUNT(*) FROM cs_health_layouts) FROM cs_health `

// healthScan reads health rows, reusing its buffers and sharing the
// strings rows repeat (profiles, grades).
type healthScan struct {
	s                    *Store
	asOf, profile, grade sql.RawBytes
	override, churn      sql.RawBytes
	detail               sql.RawBytes
	nConfigs, nLayouts   int
	words                map[string]string
}

func (h *healthScan) word(b []byte) string {
	w, ok := h.words[string(b)]
	if !ok {
		w = string(b)
		h.words[w] = w
	}
	return w
}

// scan reads a row into a Result.
func (h *healthScan) scan(rows *sql.Rows) (health.Result, error) {
	var r health.Result
	var config, gradeIndex, cause, vetoes, weakest int64
	if err := rows.Scan(&h.asOf, &r.CustomerID, &config, &h.profile, &r.Score, &h.grade, &gradeIndex, boolCol{&r.Unknown},
		&cause, &r.Coverage, &r.Computed, boolCol{&r.ComputedUnknown}, &vetoes, &weakest, &h.override, &h.churn, &h.detail,
		&h.nConfigs, &h.nLayouts); err != nil {
		return r, err
	}
	if err := (dateCol{&r.AsOf}).parse(string(h.asOf)); err != nil {
		return r, err
	}
	r.Profile, r.Grade = h.word(h.profile), h.word(h.grade)
	r.GradeIndex, r.Cause, r.Vetoes, r.Weakest = int(gradeIndex), health.UnknownCause(cause), uint64(vetoes), int(weakest)
	ci, l, err := h.s.cached(config, r.Profile)
	if err != nil {
		return r, fmt.Errorf("customer %q on %s: %w", r.CustomerID, r.AsOf, err)
	}
	r.Fingerprint, r.Version = ci.fingerprint, ci.version
	if h.override != nil {
		r.Overridden = true
		if err := json.Unmarshal(h.override, &r.Override); err != nil {
			return r, fmt.Errorf("customer %q on %s: override: %w", r.CustomerID, r.AsOf, err)
		}
	}
	if h.churn != nil {
		if err := json.Unmarshal(h.churn, &r.Churn); err != nil {
			return r, fmt.Errorf("customer %q on %s: churn: %w", r.CustomerID, r.AsOf, err)
		}
	}
	if err := decodeDetail(h.detail, l, &r); err != nil {
		return r, fmt.Errorf("customer %q on %s: %w", r.CustomerID, r.AsOf, err)
	}
	return r, nil
}

// healthRows streams health results. The first row tells whether the caches
// know every configuration and layout of the rows' snapshot; if not, they
// are filled and the query starts again, before anything was yielded.
func (s *Store) healthRows(ctx context.Context, what, where string, args ...any) iter.Seq2[health.Result, error] {
	return func(yield func(health.Result, error) bool) {
		fail := func(err error) { yield(health.Result{}, fmt.Errorf("store: %s: %w", what, classify(err))) }
		for attempt := 0; ; attempt++ {
			rows, err := s.db.QueryContext(ctx, s.q(healthSelect+where), args...)
			if err != nil {
				fail(err)
				return
			}
			h := &healthScan{s: s, words: map[string]string{}}
			first, again := true, false
			for rows.Next() {
				r, err := h.scan(rows)
				if first {
					first = false
					s.mu.Lock()
					known := len(s.cfgInfo) >= h.nConfigs && len(s.layouts) >= h.nLayouts
					s.mu.Unlock()
					if !known && attempt < 3 {
						again = true
						break
					}
				}
				if err != nil {
					rows.Close()
					fail(err)
					return
				}
				if !yield(r, nil) {
					rows.Close()
					return
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				fail(err)
				return
			}
			if !again {
				return
			}
			if err := s.warm(ctx, s.db); err != nil {
				fail(err)
				return
			}
		}
	}
}

// HealthOn lists the health results of the run of a date by customer ID;
// Page.After is a customer ID. A result read back equals the one saved, except
// that the methods needing its compiled profile (VetoNames, and the Reasons
// naming required measures or vetoes) have less to say.
func (s *Store) HealthOn(ctx context.Context, asOf cs.Date, page Page) iter.Seq2[health.Result, error] {
	return s.healthRows(ctx, "reading health results", `WHERE as_of = ? AND customer_id > ? ORDER BY customer_id LIMIT ?`,
		s.dateArg(asOf), page.After, page.limit())
}

// Health returns a customer's result in the run of a date; ErrNotFound if
// there is none.
func (s *Store) Health(ctx context.Context, customerID string, asOf cs.Date) (health.Result, error) {
	for r, err := range s.healthRows(ctx, "reading a health result", `WHERE customer_id = ? AND as_of = ?`, customerID, s.dateArg(asOf)) {
		return r, err
	}
	return health.Result{}, fmt.Errorf("store: health of customer %q on %s: %w", clip(customerID), asOf, ErrNotFound)
}

// HealthHistory lists a customer's results, oldest first, through the index
// on (customer, date); Page.After is a date ("2026-06-30").
func (s *Store) HealthHistory(ctx context.Context, customerID string, page Page) iter.Seq2[health.Result, error] {
	after, err := s.afterDate(page.After)
	if err != nil {
		return fail[health.Result](err)
	}
	return s.healthRows(ctx, "reading a health history", `WHERE customer_id = ? AND as_of > ? ORDER BY as_of LIMIT ?`,
		customerID, after, page.limit())
}

// Snapshots returns a customer's score snapshots up to and including a date,
// oldest first: the input of health.ComputeTrend.
func (s *Store) Snapshots(ctx context.Context, customerID string, through cs.Date) ([]health.Snapshot, error) {
	var out []health.Snapshot
	for snap, err := range list(ctx, s, "reading snapshots", `SELECT as_of, score, unknown FROM cs_health
		WHERE customer_id = ? AND as_of <= ? ORDER BY as_of`, []any{customerID, s.dateArg(through)},
		func(rows *sql.Rows) (health.Snapshot, error) {
			var sn health.Snapshot
			err := rows.Scan(dateCol{&sn.AsOf}, &sn.Score, boolCol{&sn.Unknown})
			return sn, err
		}) {
		if err != nil {
			return nil, err
		}
		out = append(out, snap)
	}
	return out, nil
}

// Trend computes a customer's trend from its stored snapshots up to and
// including a date.
func (s *Store) Trend(ctx context.Context, customerID string, through cs.Date, opt health.TrendOptions) (health.Trend, error) {
	snaps, err := s.Snapshots(ctx, customerID, through)
	if err != nil {
		return health.Trend{}, err
	}
	t, err := health.ComputeTrend(snaps, opt)
	if err != nil {
		return health.Trend{}, fmt.Errorf("store: trend of customer %q: %w", clip(customerID), err)
	}
	return t, nil
}

// ScoreHistory is one customer's recent snapshots, oldest first.
type ScoreHistory struct {
	CustomerID string
	Snapshots  []health.Snapshot
}

// ScoreHistories streams, by customer ID, the snapshots of every customer
// scored in the last n runs with health results up to and including through
// (n ≤ 0: every run): what a weekly run needs to compute each customer's trend
// in one pass, holding one customer at a time. Page.After is a customer ID.
func (s *Store) ScoreHistories(ctx context.Context, through cs.Date, n int, page Page) iter.Seq2[ScoreHistory, error] {
	return func(yield func(ScoreHistory, error) bool) {
		from := cs.NewDate(1, 1, 1)
		if n > 0 {
			var d cs.Date
			err := s.db.QueryRowContext(ctx, s.q(`SELECT MIN(as_of) FROM (SELECT as_of FROM cs_runs
				WHERE as_of <= ? AND n_health > 0 ORDER BY as_of DESC LIMIT ?) recent`), s.dateArg(through), n).Scan(dateCol{&d})
			if err != nil {
				yield(ScoreHistory{}, fmt.Errorf("store: reading score histories: %w", classify(err)))
				return
			}
			if d.IsZero() {
				return
			}
			from = d
		}
		var cur ScoreHistory
		count := 0
		for row, err := range list(ctx, s, "reading score histories", `SELECT customer_id, as_of, score, unknown FROM cs_health
			WHERE customer_id > ? AND as_of >= ? AND as_of <= ? ORDER BY customer_id, as_of`,
			[]any{page.After, s.dateArg(from), s.dateArg(through)},
			func(rows *sql.Rows) (struct {
				id string
				sn health.Snapshot
			}, error) {
				var v struct {
					id string
					sn health.Snapshot
				}
				err := rows.Scan(&v.id, dateCol{&v.sn.AsOf}, &v.sn.Score, boolCol{&v.sn.Unknown})
				return v, err
			}) {
			if err != nil {
				yield(ScoreHistory{}, err)
				return
			}
			if row.id != cur.CustomerID {
				if cur.CustomerID != "" {
					if !yield(cur, nil) {
						return
					}
					count++
					if page.Limit > 0 && count >= page.Limit {
						return
					}
				}
				cur = ScoreHistory{CustomerID: row.id}
			}
			cur.Snapshots = append(cur.Snapshots, row.sn)
		}
		if cur.CustomerID != "" {
			yield(cur, nil)
		}
	}
}

// GradeCount is the number of customers in one grade on one date, with their
// mean score: a point of the book's grades over time. Grade is "" for the
// Unknown results.
type GradeCount struct {
	AsOf       cs.Date `json:"as_of"`
	Grade      string  `json:"grade"`
	GradeIndex int     `json:"grade_index"` // -1 for Unknown
	Customers  int     `json:"customers"`
	// MeanScore is the grade's mean score, summed in millionths of a point so
	// that every database gives the same figure.
	MeanScore float64 `json:"mean_score"`
}

// Grades streams the book's grades over time: per run with health results
// from..to (inclusive; zero dates are open ends), the count and mean score of
// each grade, by date then grade index. The counts are summed when a run
// commits, so this reads a few rows per run whatever the book's size.
func (s *Store) Grades(ctx context.Context, from, to cs.Date) iter.Seq2[GradeCount, error] {
	if from.IsZero() {
		from = cs.NewDate(1, 1, 1)
	}
	if to.IsZero() {
		to = cs.NewDate(9999, 12, 31)
	}
	return list(ctx, s, "reading grades", `SELECT as_of, grade, grade_index, customers, score_micro FROM cs_grades
		WHERE as_of >= ? AND as_of <= ? ORDER BY as_of, grade_index, grade`,
		[]any{s.dateArg(from), s.dateArg(to)},
		func(rows *sql.Rows) (GradeCount, error) {
			var g GradeCount
			var idx, sum int64
			err := rows.Scan(dateCol{&g.AsOf}, &g.Grade, &idx, &g.Customers, &sum)
			g.GradeIndex = int(idx)
			if g.Customers > 0 {
				g.MeanScore = float64(sum) / 1e6 / float64(g.Customers)
			}
			return g, err
		})
}
