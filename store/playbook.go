package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
)

// A task's record is kept as versions: each run writes the record of every
// task it opened or changed (updated by a re-fire, deferred by a plan,
// expired), keyed by the run's date, so replacing a run restores the records
// the run before it left. People close tasks between runs (done, skipped) in
// an append-only log of closures, which no run rewrites; a task's record is
// its latest version with its closure applied.

// History loads the playbook History a run on this date starts from: the
// open tasks (as runs and people left them before the run's date, closures
// dated on or before it applied) and the fires of the lookbackDays days
// before the date (pass Playbook.Lookback()). Closed tasks are not loaded:
// a playbook needs only open tasks to evaluate and plan.
func (t *RunTx) History(lookbackDays int) (*playbook.History, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	h, err := t.s.loadHistory(t.w.ctx, t.w.conn, t.run.AsOf, lookbackDays)
	if err != nil {
		return nil, fmt.Errorf("store: run %s: %w", t.run.AsOf, err)
	}
	return h, nil
}

// History returns the playbook History as a run on a date would start from
// it (see RunTx.History).
func (s *Store) History(ctx context.Context, on cs.Date, lookbackDays int) (*playbook.History, error) {
	return s.loadHistory(ctx, s.db, on, lookbackDays)
}

func (s *Store) loadHistory(ctx context.Context, q queryer, on cs.Date, lookbackDays int) (*playbook.History, error) {
	if !on.Valid() {
		return nil, fmt.Errorf("store: history on %q: %w", on.String(), cs.ErrInvalidDate)
	}
	if lookbackDays < 0 {
		return nil, fmt.Errorf("store: history: lookback %d days: %w", lookbackDays, cs.ErrNegative)
	}
	h := &playbook.History{}
	for f, err := range s.fires(ctx, q, on.AddDays(-lookbackDays), on.AddDays(-1)) {
		if err != nil {
			return nil, err
		}
		if err := h.AddFire(f); err != nil {
			return nil, fmt.Errorf("store: loading fire of %q: %w", clip(f.CustomerID), err)
		}
	}
	for r, err := range s.tasks(ctx, q, on, TaskFilter{State: playbook.TaskOpen}, Page{}) {
		if err != nil {
			return nil, err
		}
		if err := h.AddTask(r); err != nil {
			return nil, fmt.Errorf("store: loading task %q: %w", clip(r.Task.Key), err)
		}
	}
	return h, nil
}

// Fires streams the stored fires dated from..to (inclusive; zero dates are
// open ends), by customer ID, play and date: the fire log to join with later
// health and renewals into outcomes.
func (s *Store) Fires(ctx context.Context, from, to cs.Date) iter.Seq2[playbook.Fire, error] {
	return s.fires(ctx, s.db, from, to)
}

func (s *Store) fires(ctx context.Context, q queryer, from, to cs.Date) iter.Seq2[playbook.Fire, error] {
	from, to = openRange(from, to)
	return listOn(ctx, s, q, "reading fires", `SELECT customer_id, play_id, day FROM cs_fires WHERE day >= ? AND day <= ?
		ORDER BY customer_id, play_id, day`, []any{s.dateArg(from), s.dateArg(to)},
		func(rows *sql.Rows) (playbook.Fire, error) {
			var f playbook.Fire
			err := rows.Scan(&f.CustomerID, &f.PlayID, dateCol{&f.Date})
			return f, err
		})
}

func openRange(from, to cs.Date) (cs.Date, cs.Date) {
	if from.IsZero() {
		from = cs.NewDate(1, 1, 1)
	}
	if to.IsZero() {
		to = cs.NewDate(9999, 12, 31)
	}
	return from, to
}

// SaveHistory saves what the run did to the History it loaded: the fires
// dated on or after the run's date, and a version of every task record that
// is new or differs from the record stored before the run (opened, updated,
// deferred, expired, or closed in the run). The records go to a temporary
// table on the run's connection and the database keeps those that changed,
// so saving holds neither a map of the tasks nor a second connection.
func (t *RunTx) SaveHistory(h *playbook.History) error {
	if err := t.usable(); err != nil {
		return err
	}
	fires := t.inserter("cs_fires", "as_of", "customer_id", "play_id", "day")
	asOf := t.s.dateArg(t.run.AsOf)
	for f := range h.AllFires() {
		if f.Date.Before(t.run.AsOf) {
			continue
		}
		if err := fires.add(asOf, f.CustomerID, f.PlayID, t.s.dateArg(f.Date)); err != nil {
			return t.fail(err)
		}
	}
	create := `CREATE TEMP TABLE cs_task_stage (customer_id TEXT, task_key TEXT, opened TEXT, state TEXT, play_id TEXT, owner TEXT, due TEXT, record TEXT)`
	if t.s.dialect == PostgreSQL {
		create = `CREATE TEMP TABLE cs_task_stage (customer_id TEXT COLLATE "C", task_key TEXT COLLATE "C", opened DATE, state TEXT,
			play_id TEXT, owner TEXT, due DATE, record TEXT) ON COMMIT DROP`
	}
	drop := `DROP TABLE IF EXISTS temp.cs_task_stage`
	if t.s.dialect == PostgreSQL {
		drop = `DROP TABLE IF EXISTS pg_temp.cs_task_stage`
	}
	if _, err := t.w.exec(drop); err != nil {
		return t.fail(err)
	}
	if _, err := t.w.exec(create); err != nil {
		return t.fail(err)
	}
	stage := t.w.inserter("cs_task_stage", "customer_id", "task_key", "opened", "state", "play_id", "owner", "due", "record")
	for rec := range h.AllTasks() {
		if err := checkRecord(&rec); err != nil {
			return fmt.Errorf("store: run %s: task: %w", t.run.AsOf, err)
		}
		body, err := encodeRecord(&rec)
		if err != nil {
			return fmt.Errorf("store: run %s: task %q: %w", t.run.AsOf, clip(rec.Task.Key), err)
		}
		if err := stage.add(rec.Task.CustomerID, rec.Task.Key, t.s.dateArg(rec.Opened), rec.State.String(), rec.Task.PlayID,
			rec.Task.Action.Owner, t.s.dateArg(rec.Task.Due), body); err != nil {
			return t.fail(err)
		}
	}
	if err := stage.close(); err != nil {
		return t.fail(err)
	}
	res, err := t.w.exec(`INSERT INTO cs_task_versions (as_of, customer_id, task_key, opened, state, play_id, owner, due, record)
		SELECT ?, n.customer_id, n.task_key, n.opened, n.state, n.play_id, n.owner, n.due, n.record FROM cs_task_stage n
		WHERE NOT EXISTS (SELECT 1 FROM cs_task_versions v WHERE v.customer_id = n.customer_id AND v.task_key = n.task_key
			AND v.opened = n.opened AND v.as_of < ? AND v.record = n.record
			AND NOT EXISTS (SELECT 1 FROM cs_task_versions w WHERE w.customer_id = v.customer_id AND w.task_key = v.task_key
				AND w.opened = v.opened AND w.as_of > v.as_of AND w.as_of < ?))
		ORDER BY n.customer_id, n.task_key, n.opened`, asOf, asOf, asOf)
	if err != nil {
		return t.fail(err)
	}
	if n, err := res.RowsAffected(); err == nil {
		t.run.Counts.Tasks += int(n)
	}
	if _, err := t.w.exec(drop); err != nil {
		return t.fail(err)
	}
	return nil
}

// encodeRecord is the stored form of a task record: its JSON, with the
// evaluation's flags cleared.
func encodeRecord(r *playbook.TaskRecord) (string, error) {
	c := *r
	c.Task.Update, c.Task.Carried = false, false
	b, err := json.Marshal(&c)
	return string(b), err
}

func checkRecord(r *playbook.TaskRecord) error {
	for _, f := range [...]struct{ name, v string }{{"customer_id", r.Task.CustomerID}, {"key", r.Task.Key}, {"play_id", r.Task.PlayID}} {
		if err := checkID(f.name, f.v); err != nil {
			return err
		}
	}
	if !r.Opened.Valid() || !r.Task.Due.Valid() {
		return &cs.FieldError{Record: r.Task.CustomerID, Field: "opened", Value: r.Opened.String(), Err: cs.ErrInvalidDate}
	}
	if _, err := r.State.MarshalText(); err != nil {
		return err
	}
	return checkText("owner", r.Task.Action.Owner)
}

// taskKey identifies a task record: a key opens at most once per day.
type taskKey struct {
	customer, key string
	opened        cs.Date
}

// TaskCursor returns the cursor of a task record for Page.After: an opaque
// string, stable across versions of the store.
func TaskCursor(r playbook.TaskRecord) string {
	return TaskCursorOf(r.Task.CustomerID, r.Task.Key, r.Opened.String())
}

// TaskCursorOf is TaskCursor from the parts of a record's identity.
func TaskCursorOf(customerID, key, opened string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(customerID + "\x00" + key + "\x00" + opened))
}

func parseTaskCursor(c string) (taskKey, error) {
	if c == "" {
		return taskKey{}, nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(c)
	parts := strings.Split(string(b), "\x00")
	if err != nil || len(parts) != 3 {
		return taskKey{}, fmt.Errorf("store: page after %q: not a task cursor", clip(c))
	}
	d, err := cs.ParseDate(parts[2])
	if err != nil || TaskCursorOf(parts[0], parts[1], parts[2]) != c { // base64 skips line breaks
		return taskKey{}, fmt.Errorf("store: page after %q: not a task cursor", clip(c))
	}
	return taskKey{parts[0], parts[1], d}, nil
}

// TaskFilter selects task records; its zero value selects every record.
type TaskFilter struct {
	CustomerID string             // one customer's tasks; "" for all
	Owner      string             // tasks whose action's owner role is this; "" for all
	State      playbook.TaskState // tasks in this state; 0 for all
	// DueBefore selects tasks due before this date (with State TaskOpen: the
	// overdue tasks); the zero Date selects all.
	DueBefore cs.Date
}

// storedTask is a task's latest version before a date, with its closure.
type storedTask struct {
	key    taskKey
	record string              // the version's JSON, or
	rec    playbook.TaskRecord // the version decoded
	state  string              // the closure's state, "" if none
	closed cs.Date
	by     string
	note   string
	at     time.Time
}

// currentTasks streams the latest task versions of runs before a date (with
// the closures dated on or before it) by customer, key and opening date.
func (s *Store) currentTasks(ctx context.Context, db queryer, before cs.Date, f TaskFilter, page Page) iter.Seq2[storedTask, error] {
	after, err := parseTaskCursor(page.After)
	if err != nil {
		return fail[storedTask](err)
	}
	if after.customer == "" {
		after.opened = cs.NewDate(1, 1, 1)
	}
	b := s.dateArg(before)
	q := `SELECT v.customer_id, v.task_key, v.opened, v.record, c.state, c.closed, c.actor, c.note
		FROM cs_task_versions v
		LEFT JOIN cs_task_closures c ON c.customer_id = v.customer_id AND c.task_key = v.task_key AND c.opened = v.opened AND c.closed <= ?
		WHERE v.as_of < ? AND NOT EXISTS (SELECT 1 FROM cs_task_versions w WHERE w.customer_id = v.customer_id
			AND w.task_key = v.task_key AND w.opened = v.opened AND w.as_of > v.as_of AND w.as_of < ?)
		AND (v.customer_id > ? OR (v.customer_id = ? AND (v.task_key > ? OR (v.task_key = ? AND v.opened > ?))))`
	args := []any{b, b, b, after.customer, after.customer, after.key, after.key, s.dateArg(after.opened)}
	if f.CustomerID != "" {
		q += ` AND v.customer_id = ?`
		args = append(args, f.CustomerID)
	}
	if f.Owner != "" {
		q += ` AND v.owner = ?`
		args = append(args, f.Owner)
	}
	if f.State != 0 {
		q += ` AND COALESCE(c.state, v.state) = ?`
		args = append(args, f.State.String())
	}
	if !f.DueBefore.IsZero() {
		q += ` AND v.due < ?`
		args = append(args, s.dateArg(f.DueBefore))
	}
	q += ` ORDER BY v.customer_id, v.task_key, v.opened LIMIT ?`
	args = append(args, page.limit())
	return listOn(ctx, s, db, "reading tasks", q, args, func(rows *sql.Rows) (storedTask, error) {
		var st storedTask
		var customer, key, record sql.RawBytes
		var state, by, note sql.NullString
		if err := rows.Scan(&customer, &key, dateCol{&st.key.opened}, &record, &state, dateCol{&st.closed}, &by, &note); err != nil {
			return st, err
		}
		st.state, st.by, st.note = state.String, by.String, note.String
		// The record is decoded from the driver's buffer: a row leaves no
		// copy of its JSON behind.
		if err := json.Unmarshal(record, &st.rec); err != nil {
			return st, fmt.Errorf("task %q: %w", clip(string(key)), err)
		}
		return st, nil
	})
}

// record decodes a stored task with its closure applied.
func (st *storedTask) decode() (playbook.TaskRecord, error) {
	r := st.rec
	if st.record != "" {
		if err := json.Unmarshal([]byte(st.record), &r); err != nil {
			return r, fmt.Errorf("task %q: %w", st.key.key, err)
		}
	}
	if st.state != "" {
		if err := r.State.UnmarshalText([]byte(st.state)); err != nil {
			return r, err
		}
		r.Closed, r.By, r.Note = st.closed, st.by, st.note
	}
	return r, nil
}

// tasks streams the task records as of a date: the latest versions of runs
// before it, with the closures dated on or before it.
func (s *Store) tasks(ctx context.Context, q queryer, on cs.Date, f TaskFilter, page Page) iter.Seq2[playbook.TaskRecord, error] {
	return func(yield func(playbook.TaskRecord, error) bool) {
		for st, err := range s.currentTasks(ctx, q, on, f, page) {
			if err != nil {
				yield(playbook.TaskRecord{}, err)
				return
			}
			r, err := st.decode()
			if err != nil {
				yield(r, fmt.Errorf("store: reading tasks: %w", err))
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Tasks lists the task records as they stand (every run, every closure),
// filtered, by customer ID, key and opening date; Page.After is a
// TaskCursor. Open tasks are TaskFilter{State: playbook.TaskOpen}; overdue
// ones add DueBefore.
func (s *Store) Tasks(ctx context.Context, f TaskFilter, page Page) iter.Seq2[playbook.TaskRecord, error] {
	return s.tasks(ctx, s.db, cs.NewDate(9999, 12, 31), f, page)
}

// Task returns the record of the task with the key: the open one, or else
// the one opened last; ErrNotFound if the key has none.
func (s *Store) Task(ctx context.Context, key string) (playbook.TaskRecord, error) {
	return s.task(ctx, s.db, key)
}

func (s *Store) task(ctx context.Context, db rowQuerier, key string) (playbook.TaskRecord, error) {
	var st storedTask
	var state, by, note sql.NullString
	err := db.QueryRowContext(ctx, s.q(`SELECT v.customer_id, v.task_key, v.opened, v.record, c.state, c.closed, c.actor, c.note
		FROM cs_task_versions v
		LEFT JOIN cs_task_closures c ON c.customer_id = v.customer_id AND c.task_key = v.task_key AND c.opened = v.opened
		WHERE v.task_key = ? AND NOT EXISTS (SELECT 1 FROM cs_task_versions w WHERE w.customer_id = v.customer_id
			AND w.task_key = v.task_key AND w.opened = v.opened AND w.as_of > v.as_of)
		ORDER BY CASE WHEN c.state IS NULL AND v.state = 'open' THEN 0 ELSE 1 END, v.opened DESC, v.as_of DESC LIMIT 1`), key).
		Scan(&st.key.customer, &st.key.key, dateCol{&st.key.opened}, &st.record, &state, dateCol{&st.closed}, &by, &note)
	if errors.Is(err, sql.ErrNoRows) {
		return playbook.TaskRecord{}, fmt.Errorf("store: task %q: %w", clip(key), ErrNotFound)
	}
	if err != nil {
		return playbook.TaskRecord{}, fmt.Errorf("store: task %q: %w", clip(key), classify(err))
	}
	st.state, st.by, st.note = state.String, by.String, note.String
	return st.decode()
}

// CloseTask closes the open task with the key as done (playbook.TaskDone)
// or skipped (playbook.TaskSkipped) on a date, by a person, with a note (a
// skip needs one: the reason), recorded at a time, and returns the closed
// record. The closure is kept apart from runs, so replacing a run never
// reopens what a person closed. A key with no open task gives ErrClosed (its
// last task was closed) or ErrNotFound; a second closure of the same task,
// even from another process at the same moment, finds it closed.
func (s *Store) CloseTask(ctx context.Context, key string, state playbook.TaskState, on cs.Date, by, note string, at time.Time) (playbook.TaskRecord, error) {
	var err error
	switch {
	case state != playbook.TaskDone && state != playbook.TaskSkipped:
		err = fmt.Errorf("state %s: only done or skipped close a task by hand", state)
	case !on.Valid():
		err = &cs.FieldError{Field: "on", Value: on.String(), Err: cs.ErrInvalidDate}
	case by == "":
		err = &cs.FieldError{Field: "by", Err: cs.ErrMissing}
	case state == playbook.TaskSkipped && note == "":
		err = &cs.FieldError{Field: "note", Err: fmt.Errorf("a skip needs a reason: %w", cs.ErrMissing)}
	case len(note) > playbook.MaxNote:
		err = &cs.FieldError{Field: "note", Value: clip(note), Err: cs.ErrRange}
	case at.IsZero():
		err = &cs.FieldError{Field: "at", Err: cs.ErrMissing}
	}
	if err == nil {
		err = checkID("by", by)
	}
	if err == nil {
		err = checkText("note", note)
	}
	if err != nil {
		return playbook.TaskRecord{}, fmt.Errorf("store: closing task %q: %w", clip(key), err)
	}
	var rec playbook.TaskRecord
	err = s.write(ctx, func(w *wtx) error {
		var err error
		if rec, err = s.task(ctx, w.conn, key); err != nil {
			return err
		}
		if rec.State != playbook.TaskOpen {
			return fmt.Errorf("store: closing task %q: %w (%s on %s)", clip(key), ErrClosed, rec.State, rec.Closed)
		}
		if on.Before(rec.Opened) {
			return fmt.Errorf("store: closing task %q on %s: %w: opened %s", clip(key), on, cs.ErrDateOrder, rec.Opened)
		}
		seq, err := w.next("cs_task_closures", "seq")
		if err != nil {
			return err
		}
		if _, err := w.exec(`INSERT INTO cs_task_closures (seq, customer_id, task_key, opened, state, closed, actor, note, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, seq, rec.Task.CustomerID, key, s.dateArg(rec.Opened), state.String(),
			s.dateArg(on), by, note, s.timeArg(at)); err != nil {
			return fmt.Errorf("store: closing task %q: %w", clip(key), err)
		}
		rec.State, rec.Closed, rec.By, rec.Note = state, on, by, note
		detail, _ := json.Marshal(map[string]string{"customer_id": rec.Task.CustomerID, "opened": rec.Opened.String(), "on": on.String(), "note": note})
		return w.audit(at, by, "task."+state.String(), key, string(detail))
	})
	if err != nil {
		return playbook.TaskRecord{}, err
	}
	return rec, nil
}

// TaskVersion is one state of a task record: as a run left it (AsOf, the
// run's date) or as a person closed it (Closure set, AsOf the closing date).
type TaskVersion struct {
	AsOf    cs.Date             `json:"as_of"`
	Closure bool                `json:"closure,omitempty"`
	At      time.Time           `json:"at,omitzero"` // a closure's time
	Record  playbook.TaskRecord `json:"record"`
}

// TaskLog lists the versions of the tasks with a key, oldest first: when
// each was opened, updated, deferred, expired or closed, by whom and why.
func (s *Store) TaskLog(ctx context.Context, key string) iter.Seq2[TaskVersion, error] {
	return func(yield func(TaskVersion, error) bool) {
		var out []TaskVersion
		for v, err := range list(ctx, s, "reading a task's log", `SELECT as_of, record FROM cs_task_versions
			WHERE task_key = ? ORDER BY as_of, opened`, []any{key},
			func(rows *sql.Rows) (TaskVersion, error) {
				var v TaskVersion
				var record string
				if err := rows.Scan(dateCol{&v.AsOf}, &record); err != nil {
					return v, err
				}
				return v, json.Unmarshal([]byte(record), &v.Record)
			}) {
			if err != nil {
				yield(v, err)
				return
			}
			out = append(out, v)
		}
		for c, err := range list(ctx, s, "reading a task's log", `SELECT opened, state, closed, actor, note, at FROM cs_task_closures
			WHERE task_key = ? ORDER BY seq`, []any{key},
			func(rows *sql.Rows) (storedTask, error) {
				var st storedTask
				err := rows.Scan(dateCol{&st.key.opened}, &st.state, dateCol{&st.closed}, &st.by, &st.note, timeCol{&st.at})
				return st, err
			}) {
			if err != nil {
				yield(TaskVersion{}, err)
				return
			}
			// The closure applies to the last version of its task.
			last := -1
			for i := range out {
				if !out[i].Closure && out[i].Record.Opened == c.key.opened {
					last = i
				}
			}
			if last < 0 {
				continue // its task went with a replaced run
			}
			v := TaskVersion{AsOf: c.closed, Closure: true, At: c.at, Record: out[last].Record}
			if err := v.Record.State.UnmarshalText([]byte(c.state)); err != nil {
				yield(v, err)
				return
			}
			v.Record.Closed, v.Record.By, v.Record.Note = c.closed, c.by, c.note
			out = append(out, v)
		}
		slices.SortStableFunc(out, func(a, b TaskVersion) int { return a.AsOf.Compare(b.AsOf) })
		for _, v := range out {
			if !yield(v, nil) {
				return
			}
		}
	}
}
