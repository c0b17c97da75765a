package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/successkit/cs"
)

// RunInfo describes a run to BeginRun.
type RunInfo struct {
	// AsOf is the run's as-of date, its key: a store holds one run per date,
	// and saving a date again replaces that run.
	AsOf cs.Date
	// At is when the run happened, by the caller's clock; the store reads no
	// clock. It is kept in UTC to the microsecond.
	At time.Time
	// By names who or what ran it (a person, a token's name, "cron"); required.
	By string
	// Inputs are the names of what the run read (file names, "api").
	Inputs []string
	// Version is the library version that computed the run; "" records
	// LibraryVersion().
	Version string
	// Rewrite allows an as-of date before the store's latest run: that run
	// and every later one are removed first, so no later state rests on the
	// history being rewritten. Without it such a run fails with ErrPastRun.
	Rewrite bool
}

// Counts are the rows a run saved, by kind.
type Counts struct {
	Health    int `json:"health"`    // health results
	Customers int `json:"customers"` // customer snapshots
	Touch     int `json:"touch"`     // touch assignments
	Fires     int `json:"fires"`     // playbook fires
	Tasks     int `json:"tasks"`     // task changes (opened, updated, deferred, expired)
	Outcomes  int `json:"outcomes"`  // outcomes
	Expired   int `json:"expired"`   // overrides the run found expired
}

// Run is a stored run: what RunInfo said, the configurations that produced
// its rows, and how many rows of each kind it saved.
type Run struct {
	AsOf    cs.Date   `json:"as_of"`
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Inputs  []string  `json:"inputs"`
	Version string    `json:"version"`
	// HealthConfig, TouchConfig and PlaybookConfig are the fingerprints of the
	// configurations the run used ("" if none was saved).
	HealthConfig   string `json:"health_config,omitempty"`
	TouchConfig    string `json:"touch_config,omitempty"`
	PlaybookConfig string `json:"playbook_config,omitempty"`
	Counts         Counts `json:"counts"`
}

// RunTx is one run being saved: everything added to it is written in one
// transaction, which Commit makes visible at once and Rollback (or a crash)
// discards whole. It holds the store's write lock until then, so other
// writers wait (see Options.LockTimeout); readers see the previous state.
//
// A RunTx is not safe for concurrent use. An Add method that refuses its
// input (an invalid ID, a NaN) returns the error and writes nothing for it;
// a database failure makes every later call, and Commit, return it, and the
// run is rolled back.
type RunTx struct {
	s       *Store
	w       *wtx
	run     Run
	err     error
	configs map[string]int64
	layouts map[layoutKey]*layout
	ins     map[string]*inserter
	newCfg  map[string]int64
	newLay  map[layoutKey]*layout
}

type layoutKey struct {
	config  int64
	profile string
}

// runTables are the tables whose rows belong to a run, deleted when the run
// is replaced, children first.
var runTables = []string{"cs_health", "cs_grades", "cs_customers", "cs_touch", "cs_outcomes", "cs_run_docs", "cs_fires", "cs_task_versions"}

// BeginRun starts saving the run of info.AsOf. If the store holds a run of
// that date, it is removed in the same transaction, so that committing
// replaces it exactly and rolling back keeps it. A date before the latest run
// fails with ErrPastRun unless info.Rewrite.
//
// BeginRun waits for another writer up to Options.LockTimeout (ErrBusy
// after it): a second run of the same date waits for the first to commit, then
// replaces it.
func (s *Store) BeginRun(ctx context.Context, info RunInfo) (*RunTx, error) {
	if !info.AsOf.Valid() {
		return nil, fmt.Errorf("store: run: as_of %q: %w", info.AsOf.String(), cs.ErrInvalidDate)
	}
	if info.At.IsZero() {
		return nil, fmt.Errorf("store: run %s: at: %w", info.AsOf, cs.ErrMissing)
	}
	if err := checkText("by", info.By); err != nil || info.By == "" {
		if err == nil {
			err = &cs.FieldError{Field: "by", Err: cs.ErrMissing}
		}
		return nil, fmt.Errorf("store: run %s: %w", info.AsOf, err)
	}
	for i, in := range info.Inputs {
		if err := checkText(fmt.Sprintf("inputs[%d]", i), in); err != nil {
			return nil, fmt.Errorf("store: run %s: %w", info.AsOf, err)
		}
	}
	if info.Version == "" {
		info.Version = LibraryVersion()
	}
	if err := checkText("version", info.Version); err != nil {
		return nil, fmt.Errorf("store: run %s: %w", info.AsOf, err)
	}
	w, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	t := &RunTx{s: s, w: w, configs: map[string]int64{}, layouts: map[layoutKey]*layout{},
		ins: map[string]*inserter{}, newCfg: map[string]int64{}, newLay: map[layoutKey]*layout{}}
	t.run = Run{AsOf: info.AsOf, At: normTime(info.At), By: info.By, Inputs: info.Inputs, Version: info.Version}
	if t.run.Inputs == nil {
		t.run.Inputs = []string{}
	}
	if err := t.start(info.Rewrite); err != nil {
		w.rollback()
		return nil, err
	}
	return t, nil
}

// start removes the run being replaced (and, rewriting, the later ones) and
// records the new run.
func (t *RunTx) start(rewrite bool) error {
	w := t.w
	var last cs.Date
	if err := w.queryRow(`SELECT MAX(as_of) FROM cs_runs`).Scan(dateCol{&last}); err != nil {
		return fmt.Errorf("store: run %s: reading the last run: %w", t.run.AsOf, classify(err))
	}
	if !last.IsZero() && last.After(t.run.AsOf) && !rewrite {
		return fmt.Errorf("store: run %s: %w %s (rewriting it removes every run from %s on)", t.run.AsOf, ErrPastRun, last, t.run.AsOf)
	}
	asOf := t.s.dateArg(t.run.AsOf)
	for _, table := range runTables {
		if _, err := w.exec(`DELETE FROM `+table+` WHERE as_of >= ?`, asOf); err != nil {
			return fmt.Errorf("store: run %s: removing the run it replaces: %w", t.run.AsOf, err)
		}
	}
	if _, err := w.exec(`DELETE FROM cs_runs WHERE as_of >= ?`, asOf); err != nil {
		return fmt.Errorf("store: run %s: removing the run it replaces: %w", t.run.AsOf, err)
	}
	inputs, _ := json.Marshal(t.run.Inputs)
	if _, err := w.exec(`INSERT INTO cs_runs (as_of, ran_at, ran_by, library, inputs, n_health, n_customers, n_touch, n_fires, n_tasks, n_outcomes, n_expired)
		VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0)`, asOf, t.s.timeArg(t.run.At), t.run.By, t.run.Version, string(inputs)); err != nil {
		return fmt.Errorf("store: run %s: %w", t.run.AsOf, err)
	}
	return nil
}

// AsOf returns the run's as-of date.
func (t *RunTx) AsOf() cs.Date { return t.run.AsOf }

// fail records a database failure: the run can only be rolled back.
func (t *RunTx) fail(err error) error {
	if t.err == nil {
		t.err = fmt.Errorf("store: run %s: %w", t.run.AsOf, err)
		t.w.rollback()
	}
	return t.err
}

// usable returns the sticky error, or ErrClosed after Commit or Rollback.
func (t *RunTx) usable() error {
	if t.err != nil {
		return t.err
	}
	if t.w.done {
		return fmt.Errorf("store: run %s: %w", t.run.AsOf, ErrClosed)
	}
	return nil
}

// inserter returns the run's inserter for a table.
func (t *RunTx) inserter(table string, cols ...string) *inserter {
	in := t.ins[table]
	if in == nil {
		in = t.w.inserter(table, cols...)
		t.ins[table] = in
	}
	return in
}

// SaveConfig stores a configuration (unless its fingerprint is stored) and
// records it as the run's configuration of its kind.
func (t *RunTx) SaveConfig(c Config) error {
	if err := t.usable(); err != nil {
		return err
	}
	id, err := t.w.saveConfig(c)
	if err != nil {
		if errors.Is(err, ErrNotFound) || !isDBError(err) {
			return err
		}
		return t.fail(err)
	}
	t.configs[c.Fingerprint] = id
	t.newCfg[c.Fingerprint] = id
	switch c.Kind {
	case KindHealth:
		t.run.HealthConfig = c.Fingerprint
	case KindTouch:
		t.run.TouchConfig = c.Fingerprint
	case KindPlaybook:
		t.run.PlaybookConfig = c.Fingerprint
	}
	return nil
}

// isDBError reports whether err came from the database rather than from
// checking the input.
func isDBError(err error) bool {
	var fe *cs.FieldError
	return !errors.As(err, &fe)
}

// SaveDoc keeps a small JSON document with the run under a name (a tier
// table, a plan, retention metrics), replacing one of the same name. Doc
// reads it back.
func (t *RunTx) SaveDoc(name string, body []byte) error {
	if err := t.usable(); err != nil {
		return err
	}
	if err := checkID("name", name); err != nil {
		return fmt.Errorf("store: run %s: doc: %w", t.run.AsOf, err)
	}
	if !json.Valid(body) {
		return fmt.Errorf("store: run %s: doc %q: %w", t.run.AsOf, name, cs.ErrSyntax)
	}
	if b := compact(body); b != nil {
		body = b
	}
	if err := checkText("body", string(body)); err != nil {
		return fmt.Errorf("store: run %s: doc %q: %w", t.run.AsOf, name, err)
	}
	asOf := t.s.dateArg(t.run.AsOf)
	if _, err := t.w.exec(`DELETE FROM cs_run_docs WHERE as_of = ? AND name = ?`, asOf, name); err != nil {
		return t.fail(err)
	}
	if _, err := t.w.exec(`INSERT INTO cs_run_docs (as_of, name, body) VALUES (?, ?, ?)`, asOf, name, string(body)); err != nil {
		return t.fail(err)
	}
	return nil
}

// Commit writes what is pending and commits the run, which then replaces any
// earlier run of its date. It returns the run as stored.
func (t *RunTx) Commit() (Run, error) {
	if err := t.usable(); err != nil {
		return Run{}, err
	}
	for _, name := range []string{"cs_health", "cs_customers", "cs_touch", "cs_outcomes", "cs_fires"} {
		if in := t.ins[name]; in != nil {
			if err := in.close(); err != nil {
				return Run{}, t.fail(err)
			}
		}
	}
	c := &t.run.Counts
	c.Health, c.Customers, c.Touch = t.total("cs_health"), t.total("cs_customers"), t.total("cs_touch")
	if c.Health > 0 {
		micros := `CAST(score * 1000000 + 0.5 AS INTEGER)`
		if t.s.dialect == PostgreSQL {
			micros = `CAST(trunc(score * 1000000 + 0.5) AS BIGINT)`
		}
		if _, err := t.w.exec(`INSERT INTO cs_grades (as_of, grade_index, grade, customers, score_micro)
			SELECT as_of, grade_index, grade, COUNT(*), SUM(`+micros+`) FROM cs_health WHERE as_of = ?
			GROUP BY as_of, grade_index, grade`, t.s.dateArg(t.run.AsOf)); err != nil {
			return Run{}, t.fail(err)
		}
	}
	c.Outcomes, c.Fires = t.total("cs_outcomes"), t.total("cs_fires")
	if _, err := t.w.exec(`UPDATE cs_runs SET health_config = ?, touch_config = ?, playbook_config = ?,
		n_health = ?, n_customers = ?, n_touch = ?, n_fires = ?, n_tasks = ?, n_outcomes = ?, n_expired = ? WHERE as_of = ?`,
		nullString(t.run.HealthConfig), nullString(t.run.TouchConfig), nullString(t.run.PlaybookConfig),
		c.Health, c.Customers, c.Touch, c.Fires, c.Tasks, c.Outcomes, c.Expired, t.s.dateArg(t.run.AsOf)); err != nil {
		return Run{}, t.fail(err)
	}
	counts, _ := json.Marshal(c)
	if err := t.w.audit(t.run.At, t.run.By, "run.save", t.run.AsOf.String(), string(counts)); err != nil {
		return Run{}, t.fail(err)
	}
	if err := t.w.commit(); err != nil {
		return Run{}, t.fail(err)
	}
	t.s.remember(t.newCfg, t.newLay)
	return t.run, nil
}

func (t *RunTx) total(table string) int {
	if in := t.ins[table]; in != nil {
		return int(in.total)
	}
	return 0
}

// Rollback discards the run; the store keeps its previous state. It is safe
// to call after Commit, where it does nothing, so `defer tx.Rollback()` is
// the usual way to end a run on every path.
func (t *RunTx) Rollback() error {
	t.w.rollback()
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// remember caches the configurations and layouts a committed run saved.
func (s *Store) remember(cfgs map[string]int64, lays map[layoutKey]*layout) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for fp, id := range cfgs {
		s.configs[fp] = id
	}
	if s.layouts == nil {
		s.layouts = map[layoutKey]*layout{}
	}
	for k, l := range lays {
		s.layouts[k] = l
	}
}

const runColumns = `as_of, ran_at, ran_by, library, inputs, health_config, touch_config, playbook_config,
	n_health, n_customers, n_touch, n_fires, n_tasks, n_outcomes, n_expired`

func scanRun(rows interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var inputs string
	var hc, tc, pc sql.NullString
	c := &r.Counts
	err := rows.Scan(dateCol{&r.AsOf}, timeCol{&r.At}, &r.By, &r.Version, &inputs, &hc, &tc, &pc,
		&c.Health, &c.Customers, &c.Touch, &c.Fires, &c.Tasks, &c.Outcomes, &c.Expired)
	if err != nil {
		return Run{}, err
	}
	r.HealthConfig, r.TouchConfig, r.PlaybookConfig = hc.String, tc.String, pc.String
	if err := json.Unmarshal([]byte(inputs), &r.Inputs); err != nil {
		return Run{}, fmt.Errorf("run %s: inputs: %w", r.AsOf, err)
	}
	return r, nil
}

// Run returns the stored run of a date; ErrNotFound if there is none.
func (s *Store) Run(ctx context.Context, asOf cs.Date) (Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, s.q(`SELECT `+runColumns+` FROM cs_runs WHERE as_of = ?`), s.dateArg(asOf)))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, fmt.Errorf("store: run %s: %w", asOf, ErrNotFound)
	}
	if err != nil {
		return Run{}, fmt.Errorf("store: run %s: %w", asOf, classify(err))
	}
	return r, nil
}

// LastRun returns the latest run and true, or false when the store has none.
func (s *Store) LastRun(ctx context.Context) (Run, bool, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM cs_runs ORDER BY as_of DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("store: last run: %w", classify(err))
	}
	return r, true, nil
}

// Runs lists the runs by as-of date, oldest first; Page.After is a date
// ("2026-06-30").
func (s *Store) Runs(ctx context.Context, page Page) iter.Seq2[Run, error] {
	after, err := s.afterDate(page.After)
	if err != nil {
		return fail[Run](err)
	}
	return list(ctx, s, "listing runs", `SELECT `+runColumns+` FROM cs_runs WHERE as_of > ? ORDER BY as_of LIMIT ?`,
		[]any{after, page.limit()}, func(rows *sql.Rows) (Run, error) { return scanRun(rows) })
}

// afterDate turns a date cursor into a parameter ("" is before every date).
func (s *Store) afterDate(after string) (any, error) {
	if after == "" {
		return s.dateArg(cs.NewDate(1, 1, 1)), nil
	}
	d, err := cs.ParseDate(after)
	if err != nil {
		return nil, fmt.Errorf("store: page after %q: %w", clip(after), err)
	}
	return s.dateArg(d.AddDays(0)), nil
}

// Doc reads a document a run saved with RunTx.SaveDoc; ErrNotFound if the
// run or the document is missing.
func (s *Store) Doc(ctx context.Context, asOf cs.Date, name string) ([]byte, error) {
	var body string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT body FROM cs_run_docs WHERE as_of = ? AND name = ?`), s.dateArg(asOf), name).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: run %s: doc %q: %w", asOf, clip(name), ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: run %s: doc %q: %w", asOf, clip(name), classify(err))
	}
	return []byte(body), nil
}
