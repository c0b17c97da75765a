package playbook

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	cs "github.com/successkit/cs"
)

// NewHistory rebuilds a History from saved fires and task records, as
// [History.AllFires] and [History.AllTasks] gave them, in any order. It checks
// every row as [History.AddFire] and [History.AddTask] do and reports the
// problems by index (fires[3].date, tasks[0].task.key), the first ten and a
// count of the others; with any problem it returns no History.
func NewHistory(fires []Fire, tasks []TaskRecord) (*History, error) {
	h := &History{}
	var list problems
	for i := range fires {
		list.add(h.addFire(&fires[i], fmt.Sprintf("fires[%d]", i)))
	}
	for i := range tasks {
		list.add(h.addTask(&tasks[i], fmt.Sprintf("tasks[%d]", i)))
	}
	if err := list.err(); err != nil {
		return nil, err
	}
	return h, nil
}

// AddFire adds one saved fire, for a store loading a History row by row. The
// error names the field: an invalid customer or play ID or date, or the same
// fire twice (cs.ErrDuplicate).
func (h *History) AddFire(f Fire) error { return h.addFire(&f, "fire") }

func (h *History) addFire(f *Fire, path string) error {
	switch {
	case checkID(f.CustomerID) != nil:
		return errAt(path+".customer_id", checkID(f.CustomerID), "%q", clip(f.CustomerID))
	case checkID(f.PlayID) != nil:
		return errAt(path+".play_id", checkID(f.PlayID), "%q", clip(f.PlayID))
	case !f.Date.Valid():
		return errAt(path+".date", cs.ErrInvalidDate, "")
	}
	c := &h.cust[h.customerIndex(f.CustomerID)]
	if !c.addFire(fireRec{play: h.playNumber(f.PlayID), day: dayOf(f.Date)}) {
		return errAt(path, cs.ErrDuplicate, "customer %q, play %q, %s", clip(f.CustomerID), clip(f.PlayID), f.Date)
	}
	return nil
}

// AddTask adds one saved task record, for a store loading a History row by row.
// Task.Update and Task.Carried are ignored. The error names the field: a task
// that Record would refuse, an invalid state, dates out of order (opened after
// the last fire, closed or deferred before it opened), a closed task without its
// author or, skipped or expired, without its reason, an open task with closing
// fields, a second open task with the same key, or the same task (key and
// opening date) twice (cs.ErrDuplicate).
func (h *History) AddTask(r TaskRecord) error { return h.addTask(&r, "task") }

func (h *History) addTask(r *TaskRecord, path string) error {
	if err := checkRecord(r, path); err != nil {
		return err
	}
	t := &r.Task
	ci := h.customerIndex(t.CustomerID)
	c := &h.cust[ci]
	opened := dayOf(r.Opened)
	for i := range c.tasks {
		o := &c.tasks[i]
		if o.key != t.Key {
			continue
		}
		if o.opened == opened {
			return errAt(path, cs.ErrDuplicate, "task %q opened on %s", clip(t.Key), r.Opened)
		}
		if o.state == TaskOpen && r.State == TaskOpen {
			return errAt(path+".state", cs.ErrDuplicate, "task %q is open twice (opened on %s and %s)", clip(t.Key), dateOf(o.opened), r.Opened)
		}
	}
	rec := taskRec{key: t.Key, tmpl: h.template(t), state: r.State, deferred: int32(r.Deferred),
		fired: dayOf(t.Fired), due: dayOf(t.Due), opened: opened, mrr: t.MRR, matches: h.shareMatches(t.Reason.Matches)}
	if r.Deferred > 0 {
		rec.deferredOn = dayOf(r.DeferredOn)
	}
	if r.State.Terminal() {
		rec.closed = dayOf(r.Closed)
	}
	if r.By != "" || r.Note != "" || r.DeferredWhy != "" {
		rec.extra = &taskExtra{by: h.word(r.By), note: r.Note, why: h.word(r.DeferredWhy)}
	}
	c.tasks = append(c.tasks, rec)
	return nil
}

// checkRecord reports the first problem of a saved task record.
func checkRecord(r *TaskRecord, path string) error {
	if err := checkTask(&r.Task, path+".task"); err != nil {
		return err
	}
	for i, m := range r.Task.Reason.Matches {
		if err := checkMatch(&m, fmt.Sprintf("%s.task.reason.matches[%d]", path, i)); err != nil {
			return err
		}
	}
	switch {
	case !r.State.valid():
		return errAt(path+".state", ErrSyntax, "invalid task state %d", uint8(r.State))
	case !r.Opened.Valid():
		return errAt(path+".opened", cs.ErrInvalidDate, "")
	case r.Task.Fired.Before(r.Opened):
		return errAt(path+".opened", cs.ErrDateOrder, "opened on %s, after its last fire on %s", r.Opened, r.Task.Fired)
	case r.Deferred < 0 || r.Deferred > math.MaxInt32:
		return errAt(path+".deferred", cs.ErrNegative, "%d", r.Deferred)
	case r.Deferred == 0 && (!r.DeferredOn.IsZero() || r.DeferredWhy != ""):
		return errAt(path+".deferred", cs.ErrMissing, "a deferral date or reason without a count")
	case r.Deferred > 0 && !r.DeferredOn.Valid():
		return errAt(path+".deferred_on", cs.ErrInvalidDate, "")
	case r.Deferred > 0 && r.DeferredOn.Before(r.Opened):
		return errAt(path+".deferred_on", cs.ErrDateOrder, "deferred on %s, before it opened on %s", r.DeferredOn, r.Opened)
	}
	if err := checkNote(r.DeferredWhy, false); err != nil {
		return errAt(path+".deferred_why", err, "")
	}
	if r.State == TaskOpen {
		if !r.Closed.IsZero() || r.By != "" || r.Note != "" {
			return errAt(path+".closed", ErrSyntax, "an open task has no closing date, author or note")
		}
		return nil
	}
	switch {
	case !r.Closed.Valid():
		return errAt(path+".closed", cs.ErrInvalidDate, "")
	case r.Closed.Before(r.Opened):
		return errAt(path+".closed", cs.ErrDateOrder, "closed on %s, before it opened on %s", r.Closed, r.Opened)
	case checkID(r.By) != nil:
		return errAt(path+".by", checkID(r.By), "%q", clip(r.By))
	}
	if err := checkNote(r.Note, r.State != TaskDone); err != nil {
		return errAt(path+".note", err, "")
	}
	return nil
}

func checkMatch(m *Match, path string) error {
	switch {
	case !utf8.ValidString(m.Field) || !utf8.ValidString(string(m.Op)) || !utf8.ValidString(m.Text):
		return errAt(path, ErrSyntax, "invalid UTF-8")
	case len(m.Want) > 0 && !json.Valid(m.Want):
		return errAt(path+".want", ErrSyntax, "not JSON")
	case math.IsNaN(m.Num) || math.IsInf(m.Num, 0):
		return errAt(path+".num", cs.ErrNotFinite, "")
	}
	return nil
}

// word returns the History's copy of a short string that recurs across tasks.
func (h *History) word(s string) string {
	if s == "" {
		return ""
	}
	if w, ok := h.words[s]; ok {
		return w
	}
	if h.words == nil {
		h.words = map[string]string{}
	}
	h.words[s] = s
	return s
}

// shareMatches copies loaded matches, sharing their recurring strings and
// values with the other tasks of the History.
func (h *History) shareMatches(ms []Match) []Match {
	if len(ms) == 0 {
		return nil
	}
	out := slices.Clone(ms)
	for i := range out {
		m := &out[i]
		m.Field, m.Op, m.Text = h.word(m.Field), Op(h.word(string(m.Op))), h.word(m.Text)
		if m.Want != nil {
			w, ok := h.wants[string(m.Want)]
			if !ok {
				if h.wants == nil {
					h.wants = map[string][]byte{}
				}
				w = slices.Clone(m.Want)
				h.wants[string(w)] = w
			}
			m.Want = w
		}
	}
	return out
}

// historyJSON is the JSON form of a History.
type historyJSON struct {
	Fires []Fire       `json:"fires"`
	Tasks []TaskRecord `json:"tasks"`
}

// MarshalJSON encodes the History as {"fires": [...], "tasks": [...]}, the rows
// of [History.AllFires] and [History.AllTasks] in their order: a stable form,
// the same for the same History. It has a value receiver, so a History held by
// value in another struct encodes too.
func (h History) MarshalJSON() ([]byte, error) {
	v := historyJSON{Fires: []Fire{}, Tasks: []TaskRecord{}}
	v.Fires = append(v.Fires, h.FireLog()...)
	for r := range h.AllTasks() {
		v.Tasks = append(v.Tasks, r)
	}
	return json.Marshal(v)
}

// UnmarshalJSON replaces the History with the one the JSON of MarshalJSON
// describes, checked as NewHistory checks it; on error the History is unchanged.
func (h *History) UnmarshalJSON(data []byte) error {
	var v historyJSON
	if err := decodeStrict(data, &v); err != nil {
		return errAt("$", ErrSyntax, "%v", err)
	}
	nh, err := NewHistory(v.Fires, v.Tasks)
	if err != nil {
		return err
	}
	*h = *nh
	return nil
}
