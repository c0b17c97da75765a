package playbook

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
)

// NewHistory rebuilds a History from saved fires and task records, as
// [History.AllFires] and [History.AllTasks] gave them, in any order. It checks
// every row as [History.AddFire] and [History.AddTask] do and reports the
// problems by index (fires[3].date, tasks[0].task.key), the first ten and a
// count of the others; with any problem it returns no History.
func NewHistory(fires []Fire, tasks []TaskRecord) (*History, error) {
	h := &History{}
	var list errs.List
	for i := range fires {
		list.Add(h.addFire(&fires[i], "fires["+strconv.Itoa(i)+"]"))
	}
	for i := range tasks {
		list.Add(h.addTask(&tasks[i], "tasks["+strconv.Itoa(i)+"]"))
	}
	if err := wrap(list.Err()); err != nil {
		return nil, err
	}
	return h, nil
}

// AddFire adds one saved fire, for a store loading a History row by row. The
// error names the field: an invalid customer or play ID or date, or the same
// fire twice (cs.ErrDuplicate).
func (h *History) AddFire(f Fire) error { return wrap(h.addFire(&f, "fire")) }

func (h *History) addFire(f *Fire, path string) error {
	if err := checkFire(f, path); err != nil {
		return ofRecord(err, f.CustomerID)
	}
	c := &h.cust[h.customerIndex(f.CustomerID)]
	if !c.addFire(fireRec{play: h.playNumber(f.PlayID), day: dayOf(f.Date)}) {
		return rowErr(path, f.CustomerID, "", why(cs.ErrDuplicate, "play %q fired on %s twice", errs.Clip(f.PlayID), f.Date))
	}
	return nil
}

func checkFire(f *Fire, path string) error {
	switch {
	case cs.CheckID(f.CustomerID) != nil:
		return fieldErr(path+".customer_id", f.CustomerID, cs.CheckID(f.CustomerID))
	case cs.CheckID(f.PlayID) != nil:
		return fieldErr(path+".play_id", f.PlayID, cs.CheckID(f.PlayID))
	case !f.Date.Valid():
		return fieldErr(path+".date", f.Date.String(), cs.ErrInvalidDate)
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
func (h *History) AddTask(r TaskRecord) error { return wrap(h.addTask(&r, "task")) }

func (h *History) addTask(r *TaskRecord, path string) error {
	if err := checkRecord(r, path); err != nil {
		return ofRecord(err, r.Task.CustomerID)
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
			return rowErr(path, t.CustomerID, t.Key, why(cs.ErrDuplicate, "the same task opened on %s twice", r.Opened))
		}
		if o.state == TaskOpen && r.State == TaskOpen {
			return rowErr(path+".state", t.CustomerID, t.Key, why(cs.ErrDuplicate, "open twice (opened on %s and %s)", dateOf(o.opened), r.Opened))
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
	switch {
	case !r.State.valid():
		return fieldErr(path+".state", strconv.Itoa(int(r.State)), ErrUnknownValue)
	case !r.Opened.Valid():
		return fieldErr(path+".opened", "", cs.ErrInvalidDate)
	case r.Task.Fired.Before(r.Opened):
		return fieldErr(path+".opened", r.Opened.String(), why(cs.ErrDateOrder, "after its last fire on %s", r.Task.Fired))
	case r.Deferred < 0 || r.Deferred > math.MaxInt32:
		return fieldErr(path+".deferred", strconv.Itoa(r.Deferred), why(cs.ErrRange, "want 0 to %d", math.MaxInt32))
	case r.Deferred == 0 && (!r.DeferredOn.IsZero() || r.DeferredWhy != ""):
		return fieldErr(path+".deferred", "", why(cs.ErrMissing, "a deferral date or reason without a count"))
	case r.Deferred > 0 && !r.DeferredOn.Valid():
		return fieldErr(path+".deferred_on", "", cs.ErrInvalidDate)
	case r.Deferred > 0 && r.DeferredOn.Before(r.Opened):
		return fieldErr(path+".deferred_on", r.DeferredOn.String(), why(cs.ErrDateOrder, "before it opened on %s", r.Opened))
	}
	if err := checkNote(r.DeferredWhy, false); err != nil {
		return fieldErr(path+".deferred_why", "", err)
	}
	if r.State == TaskOpen {
		if !r.Closed.IsZero() || r.By != "" || r.Note != "" {
			return fieldErr(path+".closed", "", why(cs.ErrSyntax, "an open task has no closing date, author or note"))
		}
		return nil
	}
	switch {
	case !r.Closed.Valid():
		return fieldErr(path+".closed", "", cs.ErrInvalidDate)
	case r.Closed.Before(r.Opened):
		return fieldErr(path+".closed", r.Closed.String(), why(cs.ErrDateOrder, "before it opened on %s", r.Opened))
	case cs.CheckID(r.By) != nil:
		return fieldErr(path+".by", r.By, cs.CheckID(r.By))
	}
	if err := checkNote(r.Note, r.State != TaskDone); err != nil {
		return fieldErr(path+".note", "", err)
	}
	return nil
}

func checkMatch(m *Match, path string) error {
	switch {
	case !utf8.ValidString(m.Field) || !utf8.ValidString(string(m.Op)) || !utf8.ValidString(m.Text):
		return fieldErr(path, "", why(cs.ErrSyntax, "not UTF-8"))
	case len(m.Want) > 0 && !json.Valid(m.Want):
		return fieldErr(path+".want", string(m.Want), why(cs.ErrSyntax, "not JSON"))
	case math.IsNaN(m.Num) || math.IsInf(m.Num, 0):
		return fieldErr(path+".num", "", cs.ErrNotFinite)
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
	var (
		v    historyJSON
		list errs.List
	)
	if !jsonx.DecodeTo(&list, data, &v, locate("")) || list.Len() > 0 {
		return wrap(list.Err())
	}
	nh, err := NewHistory(v.Fires, v.Tasks)
	if err != nil {
		return err
	}
	*h = *nh
	return nil
}
