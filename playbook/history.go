package playbook

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// History is what a playbook remembers between evaluations: the fires of each
// play for each customer, which cooldowns and fire caps read, and the tasks with
// their lifecycle ([TaskRecord]), which updates, plans and the check step read.
// The zero value is empty and ready to use.
//
// # What starts a cooldown
//
// A fire does, and nothing else: [History.Record] stores one fire per customer,
// play and day for the tasks Evaluate returned, whatever becomes of them. Planning
// does not: a task that [History.Plan] defers stays open, is counted as deferred,
// and comes back in every later plan (first within its priority) until it is
// done ([History.Done]), skipped ([History.Skip]) or expired ([History.Expire]),
// each with who, when and why. When the play fires again while its task is open
// (after the cooldown), the open task is updated rather than duplicated. So a
// fired task is never lost: each ends in exactly one terminal state.
//
// # Keeping it
//
// A History is saved as rows and loaded back: [History.AllFires] and
// [History.AllTasks] stream what to save (sorted, so the same History always gives
// the same rows), and [NewHistory] (or [History.AddFire] and [History.AddTask],
// one row at a time) rebuilds it; MarshalJSON and UnmarshalJSON do the same as one
// JSON document {"fires": [...], "tasks": [...]}. A loaded History evaluates and
// plans exactly as the one saved. To evaluate, a History needs only the open
// tasks and the fires of the last [Playbook.Lookback] days: a store may load just
// those, and [History.Forget] drops the rest from memory.
//
// Memory: a customer costs one map entry and one small record; a fire 8 bytes; a
// task about 120 bytes plus its key, its MRR and its reason's comparisons (the
// play, action and condition text are shared by every task of the same action).
//
// A History is not safe for concurrent mutation; concurrent Evaluate calls may
// share one that is not being changed.
type History struct {
	index  map[string]int32 // customer ID → position in cust
	cust   []custHistory
	plays  []string // play IDs by number
	playNo map[string]uint32
	tmpls  []template // what tasks of one play action share
	tmplNo map[template]uint32
	words  map[string]string // short strings of loaded reasons, shared
	wants  map[string][]byte
}

// custHistory is one customer's record: looked up once per evaluation, then
// scanned, since a customer has few plays and tasks.
type custHistory struct {
	id    string
	fires []fireRec // sorted by play number, then day
	tasks []taskRec // in the order they were added
}

type fireRec struct {
	play uint32 // number in History.plays
	day  int32  // days since 1970-01-01 (cs.Date.Unix)
}

// template is what every task of one play action has in common.
type template struct {
	play, name, condition string
	priority              Priority
	action                Action
}

type taskRec struct {
	key        string
	tmpl       uint32
	state      TaskState
	deferred   int32
	fired, due int32 // days, as fireRec.day
	opened     int32
	closed     int32 // 0 with state open
	deferredOn int32 // 0 with deferred 0
	mrr        cs.Money
	matches    []Match
	extra      *taskExtra // nil when by, note and why are empty
}

type taskExtra struct{ by, note, why string }

func dayOf(d cs.Date) int32  { return int32(d.Unix()) }
func dateOf(n int32) cs.Date { return cs.DateFromUnix(int(n)) }

// customer returns the customer's record or nil; h may be nil.
func (h *History) customer(id string) *custHistory {
	if h == nil {
		return nil
	}
	if i, ok := h.index[id]; ok {
		return &h.cust[i]
	}
	return nil
}

// customerIndex returns the position of the customer's record, adding it.
func (h *History) customerIndex(id string) int32 {
	if i, ok := h.index[id]; ok {
		return i
	}
	if h.index == nil {
		h.index = map[string]int32{}
	}
	i := int32(len(h.cust))
	h.cust = append(h.cust, custHistory{id: id})
	h.index[id] = i
	return i
}

func (h *History) playNumber(id string) uint32 {
	if n, ok := h.playNo[id]; ok {
		return n
	}
	if h.playNo == nil {
		h.playNo = map[string]uint32{}
	}
	n := uint32(len(h.plays))
	h.plays = append(h.plays, id)
	h.playNo[id] = n
	return n
}

func (h *History) template(t *Task) uint32 {
	k := template{play: t.PlayID, name: t.PlayName, condition: t.Reason.Condition, priority: t.Priority, action: t.Action}
	if n, ok := h.tmplNo[k]; ok {
		return n
	}
	if h.tmplNo == nil {
		h.tmplNo = map[template]uint32{}
	}
	n := uint32(len(h.tmpls))
	h.tmpls = append(h.tmpls, k)
	h.tmplNo[k] = n
	return n
}

// firesOf returns the days the play fired for the customer, ascending.
func (h *History) firesOf(c *custHistory, play string) []fireRec {
	if c == nil {
		return nil
	}
	for i := range c.fires {
		if h.plays[c.fires[i].play] == play {
			j := i + 1
			for j < len(c.fires) && c.fires[j].play == c.fires[i].play {
				j++
			}
			return c.fires[i:j]
		}
	}
	return nil
}

// addFire inserts the fire in order; it reports false if it was there.
func (c *custHistory) addFire(f fireRec) bool {
	i, found := slices.BinarySearchFunc(c.fires, f, func(a, b fireRec) int {
		return cmp.Or(cmp.Compare(a.play, b.play), cmp.Compare(a.day, b.day))
	})
	if found {
		return false
	}
	c.fires = slices.Insert(c.fires, i, f)
	return true
}

// open returns the customer's open task with the key, or nil.
func (c *custHistory) open(key string) *taskRec {
	if c == nil {
		return nil
	}
	for i := range c.tasks {
		if r := &c.tasks[i]; r.state == TaskOpen && r.key == key {
			return r
		}
	}
	return nil
}

func (c *custHistory) isOpen(key string) bool { return c.open(key) != nil }

// findOpen returns the open task with the key. A key starts with its customer's
// ID followed by '/' or '#', so each such prefix is tried.
func (h *History) findOpen(key string) (*custHistory, *taskRec) {
	if h == nil {
		return nil, nil
	}
	for i := 0; i < len(key); i++ {
		if key[i] != '/' && key[i] != '#' {
			continue
		}
		if c := h.customer(key[:i]); c != nil {
			if r := c.open(key); r != nil {
				return c, r
			}
		}
	}
	return nil, nil
}

// Record stores the tasks of one evaluation, as Evaluate or EvaluateAll returned
// them: for each task one fire of its play for its customer on Task.Fired (a
// second task of the same play on the same day adds no fire), and the task
// opened under its key, or, when a task with that key is open, that task updated
// (its Fired, Due, MRR and Reason replaced; its opening date, deferrals and key
// kept). Recording the same tasks twice changes nothing the second time, even
// when a task was closed in between: a task fired on a day opens at most once
// that day.
//
// A task that is not well formed (no customer or play ID, a key that does not
// start with the customer ID, an invalid priority or date, a due date before the
// fire) is an error naming its index, and is not recorded; the others are.
func (h *History) Record(tasks []Task) error {
	var list errs.List
	for i := range tasks {
		if err := checkTask(&tasks[i], "tasks["+strconv.Itoa(i)+"]"); err != nil {
			list.Add(ofRecord(err, tasks[i].CustomerID))
			continue
		}
		h.record(&tasks[i])
	}
	return wrap(list.Err())
}

func (h *History) record(t *Task) {
	c := &h.cust[h.customerIndex(t.CustomerID)]
	day := dayOf(t.Fired)
	c.addFire(fireRec{play: h.playNumber(t.PlayID), day: day})
	tm := h.template(t)
	for i := range c.tasks {
		r := &c.tasks[i]
		if r.key != t.Key || r.state != TaskOpen && r.fired != day {
			continue
		}
		// The open task, or one already fired today (closed since): recording
		// today's fire again must not reopen it.
		if r.state == TaskOpen && day >= r.fired {
			r.tmpl, r.fired, r.due, r.mrr = tm, day, dayOf(t.Due), t.MRR
			r.matches = slices.Clone(t.Reason.Matches)
		}
		return
	}
	c.tasks = append(c.tasks, taskRec{key: t.Key, tmpl: tm, state: TaskOpen, fired: day, due: dayOf(t.Due),
		opened: day, mrr: t.MRR, matches: slices.Clone(t.Reason.Matches)})
}

// checkTask reports the first problem of a task to record or load.
func checkTask(t *Task, path string) error {
	switch {
	case cs.CheckID(t.CustomerID) != nil:
		return fieldErr(path+".customer_id", t.CustomerID, cs.CheckID(t.CustomerID))
	case cs.CheckID(t.PlayID) != nil:
		return fieldErr(path+".play_id", t.PlayID, cs.CheckID(t.PlayID))
	case cs.CheckID(t.Key) != nil:
		return fieldErr(path+".key", t.Key, cs.CheckID(t.Key))
	case !keyOf(t.Key, t.CustomerID):
		return fieldErr(path+".key", t.Key, why(cs.ErrSyntax, "a key starts with its customer ID and / or #"))
	case t.Priority < Must || t.Priority > Could:
		return fieldErr(path+".priority", strconv.Itoa(int(t.Priority)), why(ErrUnknownValue, "want must, should or could"))
	case !t.Fired.Valid():
		return fieldErr(path+".fired", "", cs.ErrInvalidDate)
	case !t.Due.Valid():
		return fieldErr(path+".due", "", cs.ErrInvalidDate)
	case t.Due.Before(t.Fired):
		return fieldErr(path+".due", t.Due.String(), why(cs.ErrDateOrder, "before the fire on %s", t.Fired))
	case t.Action.DueDays < 0:
		return fieldErr(path+".action.due_days", strconv.Itoa(t.Action.DueDays), cs.ErrNegative)
	case !(t.Action.Hours >= 0) || t.Action.Hours > 1e6:
		return fieldErr(path+".action.hours", strconv.FormatFloat(t.Action.Hours, 'g', -1, 64), why(cs.ErrRange, "want 0 to 1e6"))
	}
	for _, f := range [...]struct{ name, v string }{{"play_name", t.PlayName}, {"action.title", t.Action.Title},
		{"action.channel", t.Action.Channel}, {"action.owner", t.Action.Owner}, {"reason.condition", t.Reason.Condition}} {
		if !utf8.ValidString(f.v) {
			return fieldErr(path+"."+f.name, "", why(cs.ErrSyntax, "not UTF-8"))
		}
	}
	for i := range t.Reason.Matches {
		if err := checkMatch(&t.Reason.Matches[i], path+".reason.matches["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	return nil
}

// keyOf reports whether key belongs to the customer: it starts with the ID and
// then '/' or '#'.
func keyOf(key, customerID string) bool {
	rest, ok := strings.CutPrefix(key, customerID)
	return ok && rest != "" && (rest[0] == '/' || rest[0] == '#')
}

// Fires returns the dates the play fired for the customer, ascending.
func (h *History) Fires(customerID, playID string) []cs.Date {
	fs := h.firesOf(h.customer(customerID), playID)
	if fs == nil {
		return nil
	}
	out := make([]cs.Date, len(fs))
	for i, f := range fs {
		out[i] = dateOf(f.day)
	}
	return out
}

// Fire is one recorded fire of a play for a customer.
type Fire struct {
	CustomerID string  `json:"customer_id"`
	PlayID     string  `json:"play_id"`
	Date       cs.Date `json:"date"`
}

// sortedCustomers returns the positions of the customers' records by customer ID.
func (h *History) sortedCustomers() []int32 {
	if h == nil {
		return nil
	}
	out := make([]int32, len(h.cust))
	for i := range out {
		out[i] = int32(i)
	}
	slices.SortFunc(out, func(a, b int32) int { return strings.Compare(h.cust[a].id, h.cust[b].id) })
	return out
}

// AllFires streams every fire sorted by customer ID, play ID and date: the rows a
// store saves ([NewHistory] takes them back). The History must not change during
// the iteration.
func (h *History) AllFires() iter.Seq[Fire] {
	return func(yield func(Fire) bool) {
		var buf []fireRec
		for _, ci := range h.sortedCustomers() {
			c := &h.cust[ci]
			buf = append(buf[:0], c.fires...)
			slices.SortStableFunc(buf, func(a, b fireRec) int { return strings.Compare(h.plays[a.play], h.plays[b.play]) })
			for _, f := range buf {
				if !yield(Fire{CustomerID: c.id, PlayID: h.plays[f.play], Date: dateOf(f.day)}) {
					return
				}
			}
		}
	}
}

// FireLog returns every recorded fire sorted by customer ID, play ID and date: the
// list to join with later health and renewal data into Outcomes for Assess.
func (h *History) FireLog() []Fire { return slices.Collect(h.AllFires()) }

// AllTasks streams every task record, open and closed, sorted by customer ID,
// key and opening date: the rows a store saves ([NewHistory] takes them back).
// The History must not change during the iteration.
func (h *History) AllTasks() iter.Seq[TaskRecord] {
	return func(yield func(TaskRecord) bool) {
		var buf []*taskRec
		for _, ci := range h.sortedCustomers() {
			c := &h.cust[ci]
			buf = buf[:0]
			for i := range c.tasks {
				buf = append(buf, &c.tasks[i])
			}
			slices.SortFunc(buf, func(a, b *taskRec) int { return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.opened, b.opened)) })
			for _, r := range buf {
				if !yield(h.recordOf(c, r)) {
					return
				}
			}
		}
	}
}

// task rebuilds the task of a record; its Reason.Matches is a copy.
func (h *History) task(c *custHistory, r *taskRec) Task {
	tm := &h.tmpls[r.tmpl]
	return Task{Key: r.key, CustomerID: c.id, PlayID: tm.play, PlayName: tm.name, Priority: tm.priority,
		Action: tm.action, Fired: dateOf(r.fired), Due: dateOf(r.due), MRR: r.mrr,
		Reason: Reason{Condition: tm.condition, Matches: slices.Clone(r.matches)}}
}

func (h *History) recordOf(c *custHistory, r *taskRec) TaskRecord {
	out := TaskRecord{Task: h.task(c, r), State: r.state, Opened: dateOf(r.opened), Deferred: int(r.deferred)}
	if r.deferred > 0 {
		out.DeferredOn = dateOf(r.deferredOn)
	}
	if r.state.Terminal() {
		out.Closed = dateOf(r.closed)
	}
	if x := r.extra; x != nil {
		out.By, out.Note, out.DeferredWhy = x.by, x.note, x.why
	}
	return out
}

// Open returns the open tasks, in the order a plan on the date takes them:
// priority, then the tasks opened before on (Task.Carried set: deferred or not
// yet done), then MRR at risk, customer ID and key.
func (h *History) Open(on cs.Date) []TaskRecord {
	return h.openWhere(on, func(*taskRec) bool { return true })
}

// Overdue returns the open tasks due before on, in the order of Open.
func (h *History) Overdue(on cs.Date) []TaskRecord {
	today := dayOf(on)
	return h.openWhere(on, func(r *taskRec) bool { return r.due < today })
}

func (h *History) openWhere(on cs.Date, keep func(*taskRec) bool) []TaskRecord {
	var out []TaskRecord
	if h == nil {
		return out
	}
	today := dayOf(on)
	for ci := range h.cust {
		c := &h.cust[ci]
		for i := range c.tasks {
			if r := &c.tasks[i]; r.state == TaskOpen && keep(r) {
				rec := h.recordOf(c, r)
				rec.Task.Carried = !on.IsZero() && r.opened < today
				out = append(out, rec)
			}
		}
	}
	slices.SortFunc(out, func(a, b TaskRecord) int {
		return cmp.Or(compareTasks(a.Task, b.Task), a.Opened.Compare(b.Opened))
	})
	return out
}

// Task returns the record of the task with the key: the open one, or else the
// one opened last.
func (h *History) Task(key string) (TaskRecord, bool) {
	if c, r := h.findOpen(key); r != nil {
		return h.recordOf(c, r), true
	}
	if h == nil {
		return TaskRecord{}, false
	}
	for i := 0; i < len(key); i++ {
		if key[i] != '/' && key[i] != '#' {
			continue
		}
		c := h.customer(key[:i])
		if c == nil {
			continue
		}
		var last *taskRec
		for j := range c.tasks {
			if r := &c.tasks[j]; r.key == key && (last == nil || r.opened > last.opened) {
				last = r
			}
		}
		if last != nil {
			return h.recordOf(c, last), true
		}
	}
	return TaskRecord{}, false
}

// Done closes the open task with the key as done on the date, by the author,
// with an optional note. The error wraps ErrNotOpen when no task with the key is
// open (so a task is never closed twice), cs.ErrMissing for no author,
// cs.ErrInvalidDate for an invalid date, and cs.ErrDateOrder for a date before
// the task opened.
func (h *History) Done(key string, on cs.Date, by, note string) error {
	return wrap(h.close(key, on, by, note, TaskDone))
}

// Skip closes the open task with the key as skipped on the date, by the author,
// for the reason, which is required. Errors as for Done.
func (h *History) Skip(key string, on cs.Date, by, reason string) error {
	return wrap(h.close(key, on, by, reason, TaskSkipped))
}

func (h *History) close(key string, on cs.Date, by, note string, to TaskState) error {
	c, r := h.findOpen(key)
	if r == nil {
		return fieldErr("key", key, ErrNotOpen)
	}
	task := errs.Clip(key)
	if !on.Valid() {
		return rowErr("on", c.id, on.String(), why(cs.ErrInvalidDate, "closing task %q", task))
	}
	if day := dayOf(on); day < r.opened {
		return rowErr("on", c.id, on.String(), why(cs.ErrDateOrder, "task %q opened on %s", task, dateOf(r.opened)))
	}
	if err := cs.CheckID(by); err != nil {
		return rowErr("by", c.id, by, why(err, "closing task %q needs its author", task))
	}
	if err := checkNote(note, to != TaskDone); err != nil {
		return rowErr("note", c.id, "", why(err, "%s task %q", to, task))
	}
	r.state, r.closed = to, dayOf(on)
	why := ""
	if r.extra != nil {
		why = r.extra.why
	}
	r.extra = &taskExtra{by: by, note: note, why: why}
	return nil
}

func checkNote(note string, required bool) error {
	switch {
	case required && strings.TrimSpace(note) == "":
		return cs.ErrMissing
	case len(note) > MaxNote:
		return fmt.Errorf("%w: %d bytes, at most %d", cs.ErrRange, len(note), MaxNote)
	case !utf8.ValidString(note):
		return why(cs.ErrSyntax, "not UTF-8")
	}
	return nil
}

// Expire closes as expired, on the date, every open task not done within
// graceDays after its due date (Due + graceDays before on), with ExpiredBy as
// the author and the rule as the reason. It returns the expired records sorted
// by customer ID and key. This is the only rule by which a task expires: a task
// whose play's condition stopped holding stays open, since the work it asks for
// (a call, a review) is usually still worth doing; skip it to say otherwise.
// The error wraps cs.ErrNegative for a negative grace and cs.ErrInvalidDate for
// an invalid date; nothing is expired then.
func (h *History) Expire(on cs.Date, graceDays int) ([]TaskRecord, error) {
	if !on.Valid() {
		return nil, wrap(fieldErr("on", on.String(), cs.ErrInvalidDate))
	}
	if graceDays < 0 {
		return nil, wrap(fieldErr("grace_days", strconv.Itoa(graceDays), cs.ErrNegative))
	}
	graceDays = min(graceDays, maxDays)
	var out []TaskRecord
	if h == nil {
		return out, nil
	}
	today := dayOf(on)
	for _, ci := range h.sortedCustomers() {
		c := &h.cust[ci]
		first := len(out)
		for i := range c.tasks {
			r := &c.tasks[i]
			if r.state != TaskOpen || int64(r.due)+int64(graceDays) >= int64(today) || r.opened > today {
				continue
			}
			why := ""
			if r.extra != nil {
				why = r.extra.why
			}
			r.state, r.closed = TaskExpired, today
			r.extra = &taskExtra{by: ExpiredBy, why: why,
				note: fmt.Sprintf("not done within %d days after its due date %s", graceDays, dateOf(r.due))}
			out = append(out, h.recordOf(c, r))
		}
		slices.SortFunc(out[first:], func(a, b TaskRecord) int { return strings.Compare(a.Task.Key, b.Task.Key) })
	}
	return out, nil
}

// Plan plans the open tasks on the date within each owner role's capacity, as
// [Plan] does, with the tasks opened before the date (Task.Carried) first within
// their priority, and records the deferrals: each deferred task stays open, its
// Deferred count goes up by one (once per date: planning the same date again
// does not count twice), and DeferredOn and DeferredWhy are set. Record the
// day's tasks first, so that they are planned too. The error is Plan's, or
// cs.ErrInvalidDate for an invalid date; nothing is recorded then.
func (h *History) Plan(on cs.Date, capacity map[string]Capacity) (Schedule, error) {
	if !on.Valid() {
		return Schedule{}, wrap(fieldErr("on", on.String(), cs.ErrInvalidDate))
	}
	if err := checkCapacity(capacity); err != nil {
		return Schedule{}, err
	}
	sched := schedule(h.openTasks(on), capacity)
	today := dayOf(on)
	for _, d := range sched.Deferred {
		_, r := h.findOpen(d.Task.Key)
		if r == nil {
			continue // cannot happen: the task came from the open ones
		}
		if r.deferred == 0 || r.deferredOn != today {
			r.deferred++
		}
		r.deferredOn = today
		x := taskExtra{why: d.Why}
		if r.extra != nil {
			x.by, x.note = r.extra.by, r.extra.note
		}
		r.extra = &x
	}
	return sched, nil
}

// openTasks returns the open tasks in the order of Open, as Plan takes them.
// It builds the tasks alone, not their records: on a large book the open tasks
// are the largest thing a weekly plan holds.
func (h *History) openTasks(on cs.Date) []Task {
	if h == nil {
		return nil
	}
	today := dayOf(on)
	n := 0
	for ci := range h.cust {
		for i := range h.cust[ci].tasks {
			if h.cust[ci].tasks[i].state == TaskOpen {
				n++
			}
		}
	}
	o := openOrder{tasks: make([]Task, 0, n), opened: make([]int32, 0, n)}
	for ci := range h.cust {
		c := &h.cust[ci]
		for i := range c.tasks {
			if r := &c.tasks[i]; r.state == TaskOpen {
				t := h.task(c, r)
				t.Carried = !on.IsZero() && r.opened < today
				o.tasks = append(o.tasks, t)
				o.opened = append(o.opened, r.opened)
			}
		}
	}
	sort.Sort(o)
	return o.tasks
}

// openOrder sorts open tasks with their opening days in the order of Open:
// compareTasks, then the day the task opened.
type openOrder struct {
	tasks  []Task
	opened []int32
}

func (o openOrder) Len() int { return len(o.tasks) }
func (o openOrder) Less(i, j int) bool {
	if c := compareTasks(o.tasks[i], o.tasks[j]); c != 0 {
		return c < 0
	}
	return o.opened[i] < o.opened[j]
}
func (o openOrder) Swap(i, j int) {
	o.tasks[i], o.tasks[j] = o.tasks[j], o.tasks[i]
	o.opened[i], o.opened[j] = o.opened[j], o.opened[i]
}

// Forget drops the fires before the date and the tasks closed before it, keeping
// every open task. Evaluations on or after before+Lookback() give the same tasks
// as with the full History: it keeps a long-running History the size of its
// window.
func (h *History) Forget(before cs.Date) {
	if h == nil {
		return
	}
	limit := dayOf(before)
	for ci := range h.cust {
		c := &h.cust[ci]
		c.fires = slices.DeleteFunc(c.fires, func(f fireRec) bool { return f.day < limit })
		c.tasks = slices.DeleteFunc(c.tasks, func(r taskRec) bool { return r.state.Terminal() && r.closed < limit })
	}
}

// Len returns the number of fires and of task records the History holds.
func (h *History) Len() (fires, tasks int) {
	if h == nil {
		return 0, 0
	}
	for i := range h.cust {
		fires += len(h.cust[i].fires)
		tasks += len(h.cust[i].tasks)
	}
	return fires, tasks
}
