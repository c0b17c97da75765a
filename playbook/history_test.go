package playbook

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	cs "github.com/successkit/cs"
)

// viaRows saves h as a store would, row by row, and loads it back.
func viaRows(h *History) (*History, error) {
	return NewHistory(slices.Collect(h.AllFires()), slices.Collect(h.AllTasks()))
}

// viaJSON saves h as one JSON document and loads it back.
func viaJSON(h *History) (*History, error) {
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var g History
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%w in %s", err, b)
	}
	return &g, nil
}

func mustJSON(t interface{ Fatal(...any) }, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func genCapacity(t *rapid.T) map[string]Capacity {
	capacity := map[string]Capacity{}
	for _, r := range roles {
		if rapid.Bool().Draw(t, "listed") {
			capacity[r] = Capacity{Slots: rapid.IntRange(0, 3).Draw(t, "slots"), Hours: float64(rapid.IntRange(0, 4).Draw(t, "hours"))}
		}
	}
	return capacity
}

// week is one weekly cycle's situations: customers C0..Cn-1 on the date, each
// with last week's situation as its previous one.
func genWeek(t *rapid.T, n int, on cs.Date, prev []*Situation) []*Situation {
	sits := make([]*Situation, n)
	for i := range sits {
		sits[i] = genSituation(t, fmt.Sprintf("C%d", i))
		sits[i].Now = on
		if prev != nil {
			p := *prev[i]
			p.Previous = nil // one week back is all "entering" reads
			sits[i].Previous = &p
		}
	}
	return sits
}

// closeSome marks random open tasks done or skipped in every history alike.
func closeSome(t *rapid.T, on cs.Date, hs ...*History) {
	open := hs[0].Open(on)
	for _, r := range open {
		var err error
		switch rapid.IntRange(0, 3).Draw(t, "close") {
		case 0:
			for _, h := range hs {
				err = errors.Join(err, h.Done(r.Task.Key, on, "ana", "called"))
			}
		case 1:
			for _, h := range hs {
				err = errors.Join(err, h.Skip(r.Task.Key, on, "bo", "customer on holiday"))
			}
		}
		if err != nil {
			t.Fatalf("closing %s: %v", r.Task.Key, err)
		}
	}
}

// Weeks of random situations, expiries, plans and closures: a History saved and
// loaded back every week (as rows or as JSON) gives exactly the tasks, expiries
// and plans of the one kept in memory, and the same rows at the end.
func TestSavedHistoryEvaluatesTheSame(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pb, _ := genPlaybook(t)
		n := rapid.IntRange(1, 4).Draw(t, "customers")
		grace := rapid.IntRange(0, 14).Draw(t, "grace")
		capacity := genCapacity(t)
		mem, saved := &History{}, &History{}
		var prev []*Situation
		for w := range rapid.IntRange(1, 8).Draw(t, "weeks") {
			on := now.AddDays(7 * w)
			e1, err1 := mem.Expire(on, grace)
			e2, err2 := saved.Expire(on, grace)
			if err1 != nil || err2 != nil || mustJSON(t, e1) != mustJSON(t, e2) {
				t.Fatalf("week %d: Expire differs: %v %v\n%s\n%s", w, err1, err2, mustJSON(t, e1), mustJSON(t, e2))
			}
			sits := genWeek(t, n, on, prev)
			t1, err1 := pb.EvaluateAll(sits, mem)
			t2, err2 := pb.EvaluateAll(sits, saved)
			if err := errors.Join(err1, err2); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(t1, t2) {
				t.Fatalf("week %d: Evaluate differs:\n%+v\n%+v", w, t1, t2)
			}
			if err := errors.Join(mem.Record(t1), saved.Record(t2)); err != nil {
				t.Fatal(err)
			}
			s1, err1 := mem.Plan(on, capacity)
			s2, err2 := saved.Plan(on, capacity)
			if err1 != nil || err2 != nil || mustJSON(t, s1) != mustJSON(t, s2) {
				t.Fatalf("week %d: Plan differs: %v %v\n%s\n%s", w, err1, err2, mustJSON(t, s1), mustJSON(t, s2))
			}
			closeSome(t, on, mem, saved)
			var err error
			if rapid.Bool().Draw(t, "asJSON") {
				saved, err = viaJSON(saved)
			} else {
				saved, err = viaRows(saved)
			}
			if err != nil {
				t.Fatalf("week %d: reload: %v", w, err)
			}
			prev = sits
		}
		if a, b := mustJSON(t, mem), mustJSON(t, saved); a != b {
			t.Fatalf("rows differ:\n%s\n%s", a, b)
		}
	})
}

// Every task a play fires ends in exactly one terminal state: each task that
// Evaluate opened (not an update) has one record, closed once by Done, Skip or
// Expire, never reopened, and an expiry far in the future closes the rest.
func TestEveryFiredTaskEndsOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pb, _ := genPlaybook(t)
		n := rapid.IntRange(1, 4).Draw(t, "customers")
		capacity := genCapacity(t)
		h := &History{}
		type id struct {
			key    string
			opened cs.Date
		}
		opened := map[id]int{} // closures per task
		var prev []*Situation
		var last cs.Date
		for w := range rapid.IntRange(1, 10).Draw(t, "weeks") {
			on := now.AddDays(7 * w)
			last = on
			expired, err := h.Expire(on, rapid.IntRange(0, 21).Draw(t, "grace"))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range expired {
				opened[id{r.Task.Key, r.Opened}]++
			}
			sits := genWeek(t, n, on, prev)
			tasks, _ := pb.EvaluateAll(sits, h)
			for _, task := range tasks {
				if task.Update {
					if _, open := h.findOpen(task.Key); open == nil {
						t.Fatalf("update of %s, which is not open", task.Key)
					}
				} else {
					opened[id{task.Key, on}] += 0
				}
			}
			if err := h.Record(tasks); err != nil {
				t.Fatal(err)
			}
			for _, task := range tasks {
				if r, ok := h.Task(task.Key); !ok || r.State != TaskOpen || r.Task.Fired != on {
					t.Fatalf("after Record, task %s = %+v, want open and fired on %s", task.Key, r, on)
				}
			}
			if _, err := h.Plan(on, capacity); err != nil {
				t.Fatal(err)
			}
			before := h.Open(on)
			closeSome(t, on, h)
			for _, r := range before {
				if after, _ := h.Task(r.Task.Key); after.State.Terminal() && after.Opened == r.Opened {
					opened[id{r.Task.Key, r.Opened}]++
				}
			}
			prev = sits
		}
		final, err := h.Expire(last.AddDays(10000), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range final {
			opened[id{r.Task.Key, r.Opened}]++
		}
		recs := slices.Collect(h.AllTasks())
		if len(recs) != len(opened) {
			t.Fatalf("%d task records, %d tasks opened", len(recs), len(opened))
		}
		for _, r := range recs {
			if !r.State.Terminal() || r.Closed.IsZero() || r.By == "" || r.State != TaskDone && r.Note == "" {
				t.Fatalf("record not closed with who, when and why: %+v", r)
			}
			if c := opened[id{r.Task.Key, r.Opened}]; c != 1 {
				t.Fatalf("task %s opened %s closed %d times", r.Task.Key, r.Opened, c)
			}
			if err := h.Done(r.Task.Key, last, "ana", ""); !errors.Is(err, ErrNotOpen) {
				t.Fatalf("Done of closed task %s = %v, want ErrNotOpen", r.Task.Key, err)
			}
		}
	})
}

// The scenario of the lost deferred task: a play fires, the plan has no room
// for its task, and next week the condition no longer holds. The fire started
// the cooldown, but the task stays open, is counted as deferred, and comes back
// first in the next plan.
func TestDeferredTaskComesBack(t *testing.T) {
	pb, err := New(
		Play{ID: "risk", Name: "risk", Priority: Must, When: Num("health.score", Lt, 40), CooldownDays: 30,
			Actions: []Action{{Title: "call", Channel: "call", Owner: "csm", DueDays: 7, Hours: 1}}},
		Play{ID: "review", Name: "review", Priority: Must, When: Str("tier", Eq, "high"), CooldownDays: 7,
			Actions: []Action{{Title: "review", Channel: "meeting", Owner: "csm", DueDays: 7, Hours: 1}}},
	)
	if err != nil {
		t.Fatal(err)
	}
	var h History
	week1 := cs.MustParseDate("2026-06-01")
	a := &Situation{Customer: customer("A", "100 USD", cs.StageAdoption, nil), Now: week1, HealthScore: 30, HealthKnown: true}
	b := &Situation{Customer: customer("B", "900 USD", cs.StageAdoption, nil), Now: week1, Tier: "high"}
	tasks, _ := pb.EvaluateAll([]*Situation{a, b}, &h)
	if err := h.Record(tasks); err != nil {
		t.Fatal(err)
	}
	sched, err := h.Plan(week1, map[string]Capacity{"csm": {Slots: 1}})
	if err != nil || len(sched.Do) != 1 || sched.Do[0].Key != "B/review#0" || len(sched.Deferred) != 1 {
		t.Fatalf("week 1: %+v, %v", sched, err)
	}
	if err := h.Done("B/review#0", week1.AddDays(2), "ana", "reviewed"); err != nil {
		t.Fatal(err)
	}
	// Week 2: A recovered (the risk play no longer holds, and is cooling down
	// anyway); B's review fires again, a new task worth more MRR than A's.
	week2 := week1.AddDays(7)
	a.Now, a.HealthScore = week2, 80
	b.Now = week2
	tasks, _ = pb.EvaluateAll([]*Situation{a, b}, &h)
	if len(tasks) != 1 || tasks[0].Update {
		t.Fatalf("week 2 tasks: %+v", tasks)
	}
	h.Record(tasks)
	rec, ok := h.Task("A/risk#0")
	if !ok || rec.State != TaskOpen || rec.Deferred != 1 || rec.DeferredOn != week1 || !strings.Contains(rec.DeferredWhy, "must-do task over capacity") {
		t.Fatalf("A's task = %+v", rec)
	}
	sched, err = h.Plan(week2, map[string]Capacity{"csm": {Slots: 1}})
	if err != nil || len(sched.Do) != 1 || sched.Do[0].Key != "A/risk#0" || !sched.Do[0].Carried {
		t.Fatalf("week 2: the carried task should come first: %+v, %v", sched, err)
	}
	// Planning the same date again does not count a second deferral.
	h.Plan(week2, map[string]Capacity{"csm": {Slots: 1}})
	h.Plan(week2, map[string]Capacity{"csm": {Slots: 1}})
	if rec, _ := h.Task("B/review#0"); rec.Deferred != 1 || rec.DeferredOn != week2 {
		t.Fatalf("B's task = %+v, want deferred once, on %s", rec, week2)
	}
	if err := h.Done("A/risk#0", week2.AddDays(1), "ana", "called; usage back up"); err != nil {
		t.Fatal(err)
	}
	if rec, _ := h.Task("A/risk#0"); rec.State != TaskDone || rec.By != "ana" || rec.Closed != week2.AddDays(1) || rec.Deferred != 1 {
		t.Fatalf("after Done: %+v", rec)
	}
}

// Expire closes exactly the open tasks more than grace days past their due date.
func TestExpire(t *testing.T) {
	var h History
	fired := cs.MustParseDate("2026-06-01")
	for i, due := range []int{0, 7, 14} {
		task := Task{Key: fmt.Sprintf("C%d/p#0", i), CustomerID: fmt.Sprintf("C%d", i), PlayID: "p", Priority: Must,
			Action: Action{Title: "t", Channel: "call", Owner: "csm", DueDays: due}, Fired: fired, Due: fired.AddDays(due)}
		if err := h.Record([]Task{task}); err != nil {
			t.Fatal(err)
		}
	}
	h.Done("C0/p#0", fired, "ana", "")
	// On 06-13 with 5 days' grace: C1 (due 06-08, 06-08+5 < 06-13... not: 06-13 is not after 06-13).
	got, err := h.Expire(cs.MustParseDate("2026-06-13"), 5)
	if err != nil || len(got) != 0 {
		t.Fatalf("Expire(06-13, 5) = %+v, %v; want none", got, err)
	}
	got, _ = h.Expire(cs.MustParseDate("2026-06-14"), 5)
	if len(got) != 1 || got[0].Task.Key != "C1/p#0" || got[0].State != TaskExpired || got[0].By != ExpiredBy ||
		got[0].Note != "not done within 5 days after its due date 2026-06-08" {
		t.Fatalf("Expire(06-14, 5) = %+v", got)
	}
	if len(h.Overdue(cs.MustParseDate("2026-06-16"))) != 1 || len(h.Overdue(cs.MustParseDate("2026-06-15"))) != 0 {
		t.Errorf("Overdue: C2 is due 06-15")
	}
	for _, tc := range []struct {
		on    cs.Date
		grace int
		want  error
	}{
		{cs.Date{}, 0, cs.ErrInvalidDate},
		{fired, -1, cs.ErrNegative},
	} {
		if _, err := h.Expire(tc.on, tc.grace); !errors.Is(err, tc.want) {
			t.Errorf("Expire(%v, %d) = %v, want %v", tc.on, tc.grace, err, tc.want)
		}
	}
}

// Done and Skip refuse what would make the audit wrong.
func TestCloseErrors(t *testing.T) {
	var h History
	on := cs.MustParseDate("2026-06-01")
	h.Record([]Task{{Key: "C1/p#0", CustomerID: "C1", PlayID: "p", Priority: Must, Action: Action{Title: "t", Channel: "call", Owner: "csm"}, Fired: on, Due: on}})
	for _, tc := range []struct {
		name            string
		key             string
		on              cs.Date
		by, note        string
		skip            bool
		want            error
		field, contains string
	}{
		// No task has this key.
		{"unknown key", "C9/p#0", on, "ana", "", false, ErrNotOpen, "key", `"C9/p#0"`},
		// Who closed it is part of the audit.
		{"no author", "C1/p#0", on, "", "", false, cs.ErrMissing, "by", ""},
		// An author with a control character cannot be shown or stored safely.
		{"bad author", "C1/p#0", on, "a\x00b", "", false, cs.ErrInvalidID, "by", ""},
		// A skip without a reason.
		{"skip without reason", "C1/p#0", on, "ana", " ", true, cs.ErrMissing, "note", ""},
		// A date before the task opened.
		{"closed before opened", "C1/p#0", on.AddDays(-1), "ana", "", false, cs.ErrDateOrder, "on", ""},
		// No date.
		{"no date", "C1/p#0", cs.Date{}, "ana", "", false, cs.ErrInvalidDate, "on", ""},
		// A note as long as a file.
		{"long note", "C1/p#0", on, "ana", strings.Repeat("x", MaxNote+1), false, cs.ErrRange, "note", ""},
	} {
		var err error
		if tc.skip {
			err = h.Skip(tc.key, tc.on, tc.by, tc.note)
		} else {
			err = h.Done(tc.key, tc.on, tc.by, tc.note)
		}
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), tc.contains) {
			t.Errorf("%s: %v, want %v naming %s", tc.name, err, tc.want, tc.field)
		}
	}
	if err := h.Skip("C1/p#0", on, "ana", "duplicate of a call already booked"); err != nil {
		t.Fatal(err)
	}
	if err := h.Done("C1/p#0", on, "ana", ""); !errors.Is(err, ErrNotOpen) {
		t.Errorf("Done after Skip = %v, want ErrNotOpen", err)
	}
}

// A customer ID containing the key's separators is still found by key.
func TestFindByKeyWithSeparatorsInID(t *testing.T) {
	var h History
	on := cs.MustParseDate("2026-06-01")
	for _, id := range []string{"a/b", "a", "a/b#c"} {
		h.Record([]Task{{Key: id + "/p#0", CustomerID: id, PlayID: "p", Priority: Must, Action: Action{Title: "t", Channel: "call", Owner: "csm"}, Fired: on, Due: on}})
	}
	for _, id := range []string{"a/b#c", "a/b", "a"} {
		if err := h.Done(id+"/p#0", on, "ana", ""); err != nil {
			t.Errorf("Done(%s/p#0) = %v", id, err)
		}
	}
	if n := len(h.Open(on)); n != 0 {
		t.Errorf("%d open, want 0", n)
	}
}

// NewHistory refuses rows that would not reproduce a History, naming the row.
func TestNewHistoryErrors(t *testing.T) {
	on := cs.MustParseDate("2026-06-01")
	good := TaskRecord{Task: Task{Key: "C1/p#0", CustomerID: "C1", PlayID: "p", Priority: Must,
		Action: Action{Title: "t", Channel: "call", Owner: "csm"}, Fired: on, Due: on}, State: TaskOpen, Opened: on}
	if _, err := NewHistory([]Fire{{"C1", "p", on}}, []TaskRecord{good}); err != nil {
		t.Fatalf("good rows: %v", err)
	}
	with := func(f func(r *TaskRecord)) TaskRecord {
		r := good
		f(&r)
		return r
	}
	for _, tc := range []struct {
		name  string
		fires []Fire
		tasks []TaskRecord
		want  error
		path  string
	}{
		// The same fire twice.
		{"duplicate fire", []Fire{{"C1", "p", on}, {"C1", "p", on}}, nil, cs.ErrDuplicate, "fires[1]"},
		// A fire without a date.
		{"fire without date", []Fire{{"C1", "p", cs.Date{}}}, nil, cs.ErrInvalidDate, "fires[0].date"},
		// A task open twice under one key.
		{"open twice", nil, []TaskRecord{good, with(func(r *TaskRecord) { r.Opened = on.AddDays(-7) })}, cs.ErrDuplicate, "tasks[1].state"},
		// The same task twice.
		{"duplicate task", nil, []TaskRecord{good, good}, cs.ErrDuplicate, "tasks[1]"},
		// No state.
		{"no state", nil, []TaskRecord{with(func(r *TaskRecord) { r.State = 0 })}, ErrUnknownValue, "tasks[0].state"},
		// A key of another customer.
		{"foreign key", nil, []TaskRecord{with(func(r *TaskRecord) { r.Task.Key = "C2/p#0" })}, cs.ErrSyntax, "tasks[0].task.key"},
		// Opened after its last fire.
		{"opened late", nil, []TaskRecord{with(func(r *TaskRecord) { r.Opened = on.AddDays(1) })}, cs.ErrDateOrder, "tasks[0].opened"},
		// Closed without an author.
		{"closed anonymously", nil, []TaskRecord{with(func(r *TaskRecord) { r.State, r.Closed = TaskDone, on })}, cs.ErrMissing, "tasks[0].by"},
		// Expired without the reason.
		{"expired without reason", nil, []TaskRecord{with(func(r *TaskRecord) { r.State, r.Closed, r.By = TaskExpired, on, "playbook" })}, cs.ErrMissing, "tasks[0].note"},
		// An open task with a closing date.
		{"open with closing date", nil, []TaskRecord{with(func(r *TaskRecord) { r.Closed = on })}, cs.ErrSyntax, "tasks[0].closed"},
		// Deferred without a date.
		{"deferral without date", nil, []TaskRecord{with(func(r *TaskRecord) { r.Deferred = 2 })}, cs.ErrInvalidDate, "tasks[0].deferred_on"},
		// A comparison value that is not JSON would not save.
		{"bad want", nil, []TaskRecord{with(func(r *TaskRecord) { r.Task.Reason.Matches = []Match{{Field: "x", Want: json.RawMessage("{")}} })}, cs.ErrSyntax, "tasks[0].task.reason.matches[0].want"},
	} {
		h, err := NewHistory(tc.fires, tc.tasks)
		if h != nil || !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.path+":") {
			t.Errorf("%s: NewHistory = %v, want %v at %s", tc.name, err, tc.want, tc.path)
		}
	}
}

// A million bad rows give an error of a few KB that counts the rest.
func TestNewHistoryErrorIsBounded(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("a million rows: run without -race and -short")
	}
	fires := make([]Fire, 1_000_000)
	for i := range fires {
		fires[i] = Fire{CustomerID: strings.Repeat("x", 100), PlayID: "p"} // no date
	}
	_, err := NewHistory(fires, nil)
	if err == nil || len(err.Error()) > 4096 || !strings.Contains(err.Error(), "and 999990 more problems") {
		t.Fatalf("error of %d bytes: %.300s", len(err.Error()), err)
	}
}

// Forget keeps what the playbook's Lookback needs: evaluations after it are the
// same as with the full History.
func TestForgetKeepsTheLookback(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pb, _ := genPlaybook(t)
		full := &History{}
		var prev []*Situation
		weeks := rapid.IntRange(1, 10).Draw(t, "weeks")
		for w := range weeks {
			sits := genWeek(t, 3, now.AddDays(7*w), prev)
			tasks, _ := pb.EvaluateAll(sits, full)
			full.Record(tasks)
			closeSome(t, now.AddDays(7*w), full)
			prev = sits
		}
		on := now.AddDays(7 * weeks)
		pruned, err := viaRows(full)
		if err != nil {
			t.Fatal(err)
		}
		pruned.Forget(on.AddDays(-pb.Lookback()))
		sits := genWeek(t, 3, on, prev)
		a, _ := pb.EvaluateAll(sits, full)
		b, _ := pb.EvaluateAll(sits, pruned)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("after Forget:\n%+v\nwant\n%+v", b, a)
		}
		if mustJSON(t, full.Open(on)) != mustJSON(t, pruned.Open(on)) {
			t.Fatal("Forget dropped an open task")
		}
	})
}

func TestTaskStateText(t *testing.T) {
	for _, s := range []TaskState{TaskOpen, TaskDone, TaskSkipped, TaskExpired} {
		b, err := s.MarshalText()
		var back TaskState
		if err != nil || back.UnmarshalText(b) != nil || back != s {
			t.Errorf("%v: %s, %v → %v", s, b, err, back)
		}
	}
	var s TaskState
	if _, err := s.MarshalText(); err == nil {
		t.Error("the zero state marshals")
	}
	for _, bad := range []string{"", "Open", "closed", "deferred"} {
		if err := s.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("UnmarshalText(%q) accepted", bad)
		}
	}
}

// Record refuses a task it could not save or load back, naming its index and
// customer, and records the others.
func TestRecordRefusesBadTasks(t *testing.T) {
	on := cs.MustParseDate("2026-06-01")
	good := Task{Key: "C1/p#0", CustomerID: "C1", PlayID: "p", Priority: Must, Action: Action{Title: "t", Channel: "call", Owner: "csm"}, Fired: on, Due: on}
	for _, tc := range []struct {
		name  string
		set   func(*Task)
		want  error
		field string
	}{
		{"no customer", func(k *Task) { k.CustomerID = "" }, cs.ErrMissing, "tasks[1].customer_id"},
		{"NUL in play ID", func(k *Task) { k.PlayID = "p\x00" }, cs.ErrInvalidID, "tasks[1].play_id"},
		{"key of another customer", func(k *Task) { k.Key = "C2/p#0" }, cs.ErrSyntax, "tasks[1].key"},
		{"no priority", func(k *Task) { k.Priority = 0 }, ErrUnknownValue, "tasks[1].priority"},
		{"no fire date", func(k *Task) { k.Fired = cs.Date{} }, cs.ErrInvalidDate, "tasks[1].fired"},
		{"due before fired", func(k *Task) { k.Due = on.AddDays(-1) }, cs.ErrDateOrder, "tasks[1].due"},
		{"negative due days", func(k *Task) { k.Action.DueDays = -1 }, cs.ErrNegative, "tasks[1].action.due_days"},
		{"NaN hours", func(k *Task) { k.Action.Hours = math.NaN() }, cs.ErrRange, "tasks[1].action.hours"},
		{"title not UTF-8", func(k *Task) { k.Action.Title = "\xff" }, cs.ErrSyntax, "tasks[1].action.title"},
		{"infinite match", func(k *Task) { k.Reason.Matches = []Match{{Field: "x", Num: math.Inf(1)}} }, cs.ErrNotFinite, "tasks[1].reason.matches[0].num"},
	} {
		bad := good
		bad.Key, bad.CustomerID = "C9/p#0", "C9"
		tc.set(&bad)
		var h History
		err := h.Record([]Task{good, bad})
		if !errors.Is(err, tc.want) || fieldOf(err) != tc.field || !strings.HasPrefix(err.Error(), "playbook: ") {
			t.Errorf("%s: Record = %v, want %v at %s", tc.name, err, tc.want, tc.field)
		}
		if _, ok := h.Task("C1/p#0"); !ok {
			t.Errorf("%s: the good task was not recorded", tc.name)
		}
	}
}
