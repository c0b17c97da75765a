package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// Weeks of the playbook cycle saved in the store and loaded back each week
// plan, record and close exactly as one History kept in memory: the tasks,
// their lifecycle and the fires agree after every week.
func testTasks(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(80, 21, Start(), true)
	mem := &playbook.History{}
	var closed []string
	for w := 0; w < 5; w++ {
		asOf := Start().AddDays(7 * w)
		if w > 0 {
			Drift(book, 21, w)
		}
		_, plans, err := week(ctx, s, book, asOf, mem)
		if err != nil {
			t.Fatalf("week %d: %v", w, err)
		}
		same(t, "plan of week "+asOf.String(), plans[0], plans[1])
		all := collect(t, s.Tasks(ctx, store.TaskFilter{}, store.Page{}))
		same(t, "tasks after week "+asOf.String(), all, slices.Collect(mem.AllTasks()))
		same(t, "fires after week "+asOf.String(), collect(t, s.Fires(ctx, cs.Date{}, cs.Date{})), mem.FireLog())
		// Close one open task each way between weeks, in the store and in memory.
		at := time.Date(asOf.Year, asOf.Month, asOf.Day, 17, 0, 0, 0, time.UTC)
		open := collect(t, s.Tasks(ctx, store.TaskFilter{State: playbook.TaskOpen}, store.Page{}))
		if len(open) < 2 {
			t.Fatalf("week %d: %d open tasks", w, len(open))
		}
		done, skip := open[w%len(open)].Task.Key, open[(w+1)%len(open)].Task.Key
		on := asOf.AddDays(2)
		if _, err := s.CloseTask(ctx, done, playbook.TaskDone, on, "ana", "called", at); err != nil {
			t.Fatal(err)
		}
		if err := mem.Done(done, on, "ana", "called"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CloseTask(ctx, skip, playbook.TaskSkipped, on, "bo", "in legal review", at); err != nil {
			t.Fatal(err)
		}
		if err := mem.Skip(skip, on, "bo", "in legal review"); err != nil {
			t.Fatal(err)
		}
		closed = append(closed, done, skip)
	}
	same(t, "tasks at the end", collect(t, s.Tasks(ctx, store.TaskFilter{}, store.Page{})), slices.Collect(mem.AllTasks()))
	deferred := false
	for _, r := range collect(t, s.Tasks(ctx, store.TaskFilter{}, store.Page{})) {
		deferred = deferred || r.Deferred > 1
	}
	if !deferred {
		t.Error("no task was deferred twice: the scenario does not test carrying deferrals")
	}
	// A task's log shows its versions and its closure.
	log := collect(t, s.TaskLog(ctx, closed[0]))
	if len(log) < 2 || !log[len(log)-1].Closure || log[len(log)-1].Record.State != playbook.TaskDone {
		t.Errorf("TaskLog(%q) = %+v", closed[0], log)
	}
	r, err := s.Task(ctx, closed[1])
	if err != nil || r.State != playbook.TaskSkipped || r.By != "bo" || r.Note != "in legal review" {
		t.Errorf("Task(%q) = %+v, %v", closed[1], r, err)
	}
	// The history a run would load holds open tasks only.
	h, err := s.History(ctx, Start().AddDays(35), playbook.Default().Lookback())
	if err != nil {
		t.Fatal(err)
	}
	for rec := range h.AllTasks() {
		if rec.State != playbook.TaskOpen {
			t.Errorf("History loaded a %s task %q", rec.State, rec.Task.Key)
		}
	}
	overdue := collect(t, s.Tasks(ctx, store.TaskFilter{State: playbook.TaskOpen, DueBefore: Start().AddDays(35)}, store.Page{}))
	for _, r := range overdue {
		if !r.Overdue(Start().AddDays(35)) {
			t.Errorf("%q listed as overdue, due %s", r.Task.Key, r.Task.Due)
		}
	}
	if n := len(mem.Overdue(Start().AddDays(35))); n != len(overdue) {
		t.Errorf("%d overdue tasks in the store, %d in memory", len(overdue), n)
	}
}

// Closing a task: each task closes once, a skip needs a reason, bad input
// changes nothing, and a closure outlives the replacement of its run.
func testCloseTask(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(60, 22, Start(), true)
	mustWeek(t, s, book, Start())
	open1 := collect(t, s.Tasks(ctx, store.TaskFilter{State: playbook.TaskOpen}, store.Page{}))
	if len(open1) == 0 {
		t.Fatal("no open task")
	}
	key := open1[0].Task.Key
	at := time.Unix(1_780_000_000, 0)
	before := dump(t, s)
	bad := []struct {
		name  string
		state playbook.TaskState
		on    cs.Date
		by    string
		note  string
		want  error
	}{
		{"skip without reason", playbook.TaskSkipped, Start(), "ana", "", cs.ErrMissing},
		{"no author", playbook.TaskDone, Start(), "", "x", cs.ErrMissing},
		{"author with a line break", playbook.TaskDone, Start(), "ana\nbo", "x", cs.ErrInvalidID},
		{"NUL in note", playbook.TaskDone, Start(), "ana", "a\x00b", store.ErrInvalidText},
		{"before it opened", playbook.TaskDone, Start().AddDays(-1), "ana", "x", cs.ErrDateOrder},
		{"note too long", playbook.TaskDone, Start(), "ana", strings.Repeat("x", playbook.MaxNote+1), cs.ErrRange},
	}
	for _, c := range bad {
		if _, err := s.CloseTask(ctx, key, c.state, c.on, c.by, c.note, at); !errors.Is(err, c.want) {
			t.Errorf("%s: CloseTask = %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := s.CloseTask(ctx, "nobody/none#0", playbook.TaskDone, Start(), "ana", "", at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("closing an unknown key = %v, want ErrNotFound", err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("refused closures changed the store: %s", firstDiff(before, after))
	}
	rec, err := s.CloseTask(ctx, key, playbook.TaskDone, Start(), "ana", "called", at)
	if err != nil || rec.State != playbook.TaskDone || rec.By != "ana" || rec.Closed != Start() {
		t.Fatalf("CloseTask = %+v, %v", rec, err)
	}
	if _, err := s.CloseTask(ctx, key, playbook.TaskSkipped, Start(), "bo", "late", at); !errors.Is(err, store.ErrClosed) {
		t.Errorf("closing twice = %v, want ErrClosed", err)
	}
	// Re-running the date that opened the task keeps the person's closure.
	mustWeek(t, s, book, Start())
	if r, err := s.Task(ctx, key); err != nil || r.State != playbook.TaskDone || r.Note != "called" {
		t.Errorf("after re-running the week, Task(%q) = %+v, %v", key, r, err)
	}
	last := collect(t, s.Audit(ctx, store.Page{}))
	found := false
	for _, e := range last {
		found = found || (e.Action == "task.done" && e.Object == key && e.By == "ana")
	}
	if !found {
		t.Error("the closure is not in the audit")
	}
	// Concurrent closures of one task: exactly one wins.
	key2 := open1[1%len(open1)].Task.Key
	errs := make(chan error, 8)
	for i := 0; i < cap(errs); i++ {
		go func() {
			_, err := s.CloseTask(ctx, key2, playbook.TaskDone, Start(), "ana", "", at)
			errs <- err
		}()
	}
	wins := 0
	for i := 0; i < cap(errs); i++ {
		switch err := <-errs; {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrClosed):
			t.Errorf("a concurrent closure: %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d concurrent closures won, want 1", wins)
	}
}
