package playbook

import (
	"fmt"
	"slices"
	"strconv"

	cs "github.com/successkit/cs"
)

// TaskState is where a task is in its lifecycle. A task opens when its play
// fires and [History.Record] records it; it leaves TaskOpen exactly once, for one
// of the three terminal states, and never changes again. Being deferred by a plan
// is not a state: a deferred task stays open (see [TaskRecord.Deferred]).
//
// The zero value is invalid. The text form is the lower-case name.
type TaskState uint8

// The task states.
const (
	// TaskOpen: fired and not yet done, skipped or expired.
	TaskOpen TaskState = iota + 1
	// TaskDone: someone did it ([History.Done]).
	TaskDone
	// TaskSkipped: someone decided not to do it, with a reason ([History.Skip]).
	TaskSkipped
	// TaskExpired: not done in time; the History closed it with the reason
	// ([History.Expire]).
	TaskExpired
)

var stateNames = [...]string{"", "open", "done", "skipped", "expired"}

// String returns "open", "done", "skipped" or "expired".
func (s TaskState) String() string {
	if int(s) < len(stateNames) && s != 0 {
		return stateNames[s]
	}
	return fmt.Sprintf("TaskState(%d)", uint8(s))
}

// Terminal reports whether s is done, skipped or expired.
func (s TaskState) Terminal() bool { return s >= TaskDone && s <= TaskExpired }

func (s TaskState) valid() bool { return s >= TaskOpen && s <= TaskExpired }

// MarshalText returns the state's name; the zero or an unknown state is an error.
func (s TaskState) MarshalText() ([]byte, error) {
	if !s.valid() {
		return nil, wordErr("state", strconv.Itoa(int(s)), ErrUnknownValue)
	}
	return []byte(stateNames[s]), nil
}

// UnmarshalText reads "open", "done", "skipped" or "expired".
func (s *TaskState) UnmarshalText(b []byte) error {
	i := slices.Index(stateNames[1:], string(b))
	if i < 0 {
		return wordErr("state", string(b), why(ErrUnknownValue, "want open, done, skipped or expired"))
	}
	*s = TaskState(i + 1)
	return nil
}

// TaskRecord is one task with its lifecycle: the stored form of a task, as
// [History.AllTasks] lists it and [NewHistory] takes it back.
//
// Each transition says when, who and why:
//   - opened: on Opened, by the play Task.PlayID, for Task.Reason. Task is the
//     task as last fired: when the play fires again while the task is open, the
//     task is updated (new Fired, Due, MRR and Reason) and Opened stays.
//   - deferred (not a state: the task stays open): Deferred counts the plans
//     that left it out for lack of capacity ([History.Plan]), the last of them on
//     DeferredOn for the reason DeferredWhy.
//   - closed: on Closed, by By, with Note (what was done; for skipped and
//     expired, the reason, which is required).
//
// In a record Task.Update and Task.Carried are always false: they describe an
// evaluation or a plan, not the task.
type TaskRecord struct {
	Task        Task      `json:"task"`
	State       TaskState `json:"state"`
	Opened      cs.Date   `json:"opened"`
	Deferred    int       `json:"deferred,omitempty"`
	DeferredOn  cs.Date   `json:"deferred_on,omitzero"`
	DeferredWhy string    `json:"deferred_why,omitempty"`
	Closed      cs.Date   `json:"closed,omitzero"`
	By          string    `json:"by,omitempty"`
	Note        string    `json:"note,omitempty"`
}

// Overdue reports whether the task is open and its due date is before on.
func (r *TaskRecord) Overdue(on cs.Date) bool {
	return r.State == TaskOpen && r.Task.Due.Before(on)
}

// ExpiredBy is the author [History.Expire] gives the tasks it closes.
const ExpiredBy = "playbook"

// MaxNote is the longest note or reason, in bytes, a task transition keeps.
const MaxNote = 4096
