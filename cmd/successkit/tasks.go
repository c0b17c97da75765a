package main

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// today is the date of the clock in the local time zone: the default date of
// a person's edit (a task closed, an override set).
func today(env *Env) cs.Date { return cs.DateOf(env.Now()) }

// lastRunDate returns the store's latest run date, or an error saying to run
// first.
func lastRunDate(ctx context.Context, st *store.Store) (cs.Date, error) {
	r, ok, err := st.LastRun(ctx)
	if err != nil {
		return cs.Date{}, err
	}
	if !ok {
		return cs.Date{}, errNoRun
	}
	return r.AsOf, nil
}

type noRunError struct{}

func (noRunError) Error() string {
	return "the store has no run yet: run successkit run -asof DATE -customers FILE (or successkit demo) first"
}

var errNoRun error = noRunError{}

func cmdTasks(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "tasks", "[flags]",
		`Lists the tasks the playbook opened, as the last run planned them and people
closed them since: open (the default), due within a week, overdue,
deferred (left out of a plan for lack of capacity), closed, or all; for one
owner role or customer.`,
		"successkit tasks -owner csm", "successkit tasks -state overdue -format json").withDB()
	owner := c.fs.String("owner", "", "only the tasks of this owner `role` (csm, pooled_csm, support, ...)")
	customer := c.fs.String("customer", "", "only this customer's tasks (`ID`)")
	state := c.fs.String("state", "open", "which `tasks`: open, due, overdue, deferred, closed or all")
	asOf := c.date("asof", "the `date` due and overdue count from (default: the last run's)")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	switch *state {
	case "open", "due", "overdue", "deferred", "closed", "all":
	default:
		return usageErr("successkit tasks: -state %q: want open, due, overdue, deferred, closed or all", *state)
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	on := *asOf
	if on.IsZero() {
		if on, err = lastRunDate(ctx, st); err != nil {
			return c.errorf("%w", err)
		}
	}
	f := store.TaskFilter{CustomerID: *customer, Owner: *owner}
	switch *state {
	case "open", "due", "deferred":
		f.State = playbook.TaskOpen
	case "overdue":
		f.State, f.DueBefore = playbook.TaskOpen, on
	}
	var recs []playbook.TaskRecord
	for r, err := range st.Tasks(ctx, f, store.Page{}) {
		if err != nil {
			return c.errorf("%w", err)
		}
		switch {
		case *state == "due" && !r.Task.Due.Before(on.AddDays(7)),
			*state == "deferred" && r.Deferred == 0,
			*state == "closed" && r.State == playbook.TaskOpen:
			continue
		}
		recs = append(recs, r)
	}
	// By owner, then priority, due date and key: the order a team works in.
	slices.SortStableFunc(recs, func(a, b playbook.TaskRecord) int {
		return cmp.Or(strings.Compare(a.Task.Action.Owner, b.Task.Action.Owner), cmp.Compare(a.Task.Priority, b.Task.Priority),
			a.Task.Due.Compare(b.Task.Due), strings.Compare(a.Task.Key, b.Task.Key))
	})
	if recs == nil {
		recs = []playbook.TaskRecord{}
	}
	out := struct {
		AsOf  cs.Date               `json:"as_of"`
		State string                `json:"state"`
		Count int                   `json:"count"`
		Tasks []playbook.TaskRecord `json:"tasks"`
	}{on, *state, len(recs), recs}
	return c.output(out, func(t *textOut) {
		t.printf("%s %s tasks as of %s\n", count(len(recs)), *state, on)
		owner := "\x00"
		var rows [][]string
		flush := func() {
			if len(rows) > 0 {
				t.table("llllrl", []string{"task", "priority", "state", "due", "deferred", "action"}, rows)
				rows = nil
			}
		}
		for _, r := range recs {
			if r.Task.Action.Owner != owner {
				flush()
				owner = r.Task.Action.Owner
				t.printf("\n%s\n", owner)
			}
			due := r.Task.Due.String()
			if r.State == playbook.TaskOpen && r.Task.Due.Before(on) {
				due += " overdue"
			}
			rows = append(rows, []string{r.Task.Key, r.Task.Priority.String(), r.State.String(), due, count(r.Deferred), r.Task.Action.Title})
		}
		flush()
	})
}

func cmdTask(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "done" && args[0] != "skip") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			env.Stdout.Write([]byte("Usage: successkit task done|skip KEY -by WHO [-note TEXT]\n\nRun successkit task done -h or successkit task skip -h for the flags.\n"))
			return errHelp
		}
		return usageErr("successkit task: want done or skip, as in: successkit task done C042/renewal-risk#0 -by ana")
	}
	verb := args[0]
	about := "Marks an open task done, by a person, with an optional note. The closure is\nkept apart from runs: re-running a week never reopens it."
	example := `successkit task done C042/renewal-risk#0 -by ana -note "renewal call held; they stay"`
	state := playbook.TaskDone
	if verb == "skip" {
		about = "Skips an open task, by a person, with the reason (required). The closure is\nkept apart from runs: re-running a week never reopens it."
		example = `successkit task skip C042/silent-risk#0 -by ana -note "spoke last week; usage drop is seasonal"`
		state = playbook.TaskSkipped
	}
	c := newCLI(env, "task "+verb, "KEY -by WHO [flags]", about, example).withDB()
	by := c.fs.String("by", "", "who closes it (required)")
	note := c.fs.String("note", "", "a note; for skip, the reason (required)")
	on := c.date("on", "the `date` it was closed (default: today)")
	pos, err := c.parse(args[1:])
	if err != nil {
		return err
	}
	if err := c.want(pos, "the task's KEY (see successkit tasks)"); err != nil {
		return err
	}
	if *by == "" {
		return usageErr("successkit task %s: -by is required: who closes the task", verb)
	}
	if verb == "skip" && *note == "" {
		return usageErr("successkit task skip: -note is required: why the task is skipped")
	}
	if on.IsZero() {
		*on = today(env)
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	rec, err := st.CloseTask(ctx, pos[0], state, *on, *by, *note, env.Now())
	if err != nil {
		return c.errorf("%w", err)
	}
	return c.output(rec, func(t *textOut) {
		t.printf("%s %s on %s by %s\n", rec.Task.Key, rec.State, rec.Closed, rec.By)
	})
}
