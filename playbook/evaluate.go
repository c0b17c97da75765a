package playbook

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Match is one comparison of a condition with the value the situation gave it.
type Match struct {
	Field string          `json:"field"`
	Op    Op              `json:"op"`
	Want  json.RawMessage `json:"want,omitempty"` // the condition's value
	Known bool            `json:"known"`          // false: the field was missing
	Num   float64         `json:"num,omitempty"`  // the value of a numeric field
	Text  string          `json:"text,omitempty"` // the value of a text field
	Flag  bool            `json:"flag,omitempty"` // the value of a flag field
}

// String formats the match as `health.score < 50 (got 42)`.
func (m Match) String() string {
	got := "missing"
	w := string(m.Want)
	switch {
	case !m.Known:
	case m.Op == Exists:
		got = "present"
	case m.Text != "":
		got = strconv.Quote(m.Text)
	case w == "true" || w == "false" || w == "[true]" || w == "[false]" || w == "[true,false]" || w == "[false,true]":
		got = strconv.FormatBool(m.Flag)
	default:
		got = strconv.FormatFloat(m.Num, 'g', -1, 64)
	}
	if m.Op == Exists {
		return fmt.Sprintf("%s exists (got %s)", m.Field, got)
	}
	return fmt.Sprintf("%s %s %s (got %s)", m.Field, m.Op, m.Want, got)
}

// Reason explains a task: the play's condition and the comparisons that decided it.
type Reason struct {
	Condition string  `json:"condition"`
	Matches   []Match `json:"matches"`
}

// Explain lists the comparisons that decided the condition for s: every operand of
// an all, the first true operand of an any, every comparison under a not.
func (c *Condition) Explain(s *Situation) []Match {
	if s.layout != c.layout {
		s.prepare(c.layout)
	}
	return c.root.explain(s, nil, false)
}

func (n *node) leaves() int {
	if n.kids == nil {
		return 1
	}
	k := 0
	for _, c := range n.kids {
		k += c.leaves()
	}
	return k
}

func (n *node) explain(s *Situation, out []Match, every bool) []Match {
	e := n.e
	switch {
	case e.Any != nil && !every:
		for _, k := range n.kids {
			if k.p(s) {
				return k.explain(s, out, false)
			}
		}
		return out
	case e.All != nil || e.Any != nil:
		for _, k := range n.kids {
			out = k.explain(s, out, every)
		}
		return out
	case e.Not != nil:
		return n.kids[0].explain(s, out, true)
	case e.Entering != nil:
		return n.kids[0].explain(s, out, every)
	}
	m := Match{Field: e.Field, Op: e.Op, Want: e.Value}
	switch {
	case n.slot >= 0:
		v := s.nums[n.slot]
		m.Known = !math.IsNaN(v)
		if m.Known {
			m.Num = v
		}
	case n.str != nil:
		m.Text = n.str(s)
		m.Known = m.Text != ""
	default:
		m.Flag, m.Known = n.flag(s), true
	}
	return append(out, m)
}

// Task is one action of a fired play for one customer.
type Task struct {
	Key        string   `json:"key"` // dedupe key and action index: "C42/renewal-risk#0"
	CustomerID string   `json:"customer_id"`
	PlayID     string   `json:"play_id"`
	PlayName   string   `json:"play_name"`
	Priority   Priority `json:"priority"`
	Action     Action   `json:"action"`
	Fired      cs.Date  `json:"fired"`
	Due        cs.Date  `json:"due"`
	MRR        cs.Money `json:"mrr"` // the customer's MRR, the value at risk; "" when unknown
	// Update is true when a task with this Key is already open: update it (new due
	// date and reason) rather than create a duplicate.
	Update bool `json:"update,omitempty"`
	// Carried is true for a task History.Open or History.Plan returns that was
	// opened before the plan's date (deferred, or not yet done): a plan takes it
	// before the new tasks of its priority.
	Carried bool   `json:"carried,omitempty"`
	Reason  Reason `json:"reason"`

	order int // play index × 256 + action index, for ties
}

// Evaluate returns the tasks the playbook creates for one situation, ordered by
// priority, then play and action order. h may be nil (no history). It neither
// reads nor changes anything else; call h.Record to commit the tasks. The error
// names a situation that cannot be evaluated: no customer ID (cs.ErrMissing) or
// one with a control character or invalid UTF-8 (cs.ErrInvalidID), no date
// (cs.ErrInvalidDate), or a known number outside its field's domain: NaN,
// infinite, or beyond the bounds listed in the package doc (cs.ErrRange).
func (pb *Playbook) Evaluate(s *Situation, h *History) ([]Task, error) {
	tasks, err := pb.AppendTasks(nil, s, h)
	slices.SortStableFunc(tasks, compareTasks)
	return tasks, err
}

// AppendTasks appends the situation's tasks to dst by priority, then play and
// action order (the order Evaluate returns), reusing dst's storage, for callers
// evaluating many situations.
func (pb *Playbook) AppendTasks(dst []Task, s *Situation, h *History) ([]Task, error) {
	if err := s.check("situation"); err != nil {
		return dst, wrap(err)
	}
	return pb.appendTasks(dst, s, h), nil
}

// appendTasks is AppendTasks for a checked situation.
func (pb *Playbook) appendTasks(dst []Task, s *Situation, h *History) []Task {
	// Always prepared afresh: the caller may have changed s since the last call.
	s.prepare(pb.layout)
	ti, st := tierIndex(s.Tier), s.Customer.Stage
	customerKey := false
	var ch *custHistory
	looked := false
	var buf [64]int
	fired := buf[:0]
	for _, i := range pb.order {
		c := &pb.plays[i]
		if c.key && customerKey {
			continue
		}
		if !c.any && !c.tiers[ti] || !c.anySt && (int(st) >= len(c.stage) || !c.stage[st]) {
			continue
		}
		if !c.cond.root.p(s) {
			continue
		}
		if !looked {
			ch, looked = h.customer(s.Customer.ID), true
		}
		if blocked(&c.play, h.firesOf(ch, c.play.ID), s.Now) {
			continue
		}
		fired = append(fired, i)
		customerKey = customerKey || c.key
	}
	if len(fired) == 0 {
		return dst
	}
	return pb.appendFired(dst, fired, s, ch)
}

// blocked reports whether the cooldown or the fire cap forbids a fire on now.
// fires are the play's fires for the customer, ascending.
func blocked(p *Play, fires []fireRec, now cs.Date) bool {
	if len(fires) == 0 {
		return false
	}
	today := now.Unix()
	if p.CooldownDays > 0 {
		for _, d := range slices.Backward(fires) {
			if age := today - int(d.day); age >= 0 {
				if age < p.CooldownDays {
					return true
				}
				break
			}
		}
	}
	if p.MaxFires > 0 {
		period := p.PeriodDays
		if period == 0 {
			period = 30
		}
		n := 0
		for _, d := range fires {
			if age := today - int(d.day); age >= 0 && age < period {
				n++
			}
		}
		if n >= p.MaxFires {
			return true
		}
	}
	return false
}

// appendFired appends the tasks of the fired plays. All their keys share one
// string and all their matches one array, so a situation costs two allocations
// whatever the number of tasks.
func (pb *Playbook) appendFired(dst []Task, fired []int, s *Situation, ch *custHistory) []Task {
	id := s.Customer.ID
	var kb strings.Builder
	leaves, size := 0, 0
	for _, i := range fired {
		c := &pb.plays[i]
		leaves += c.nleaf
		size += len(c.play.Actions) * (len(id) + len(c.play.ID) + 6)
	}
	kb.Grow(size)
	var ends [256]int
	nt := 0
	for _, i := range fired {
		c := &pb.plays[i]
		for j := range c.play.Actions {
			kb.WriteString(id)
			if !c.key {
				kb.WriteByte('/')
				kb.WriteString(c.play.ID)
			}
			kb.WriteByte('#')
			var num [20]byte
			kb.Write(strconv.AppendInt(num[:0], int64(j), 10))
			if nt < len(ends) {
				ends[nt] = kb.Len()
			}
			nt++
		}
	}
	keys := kb.String()
	matches := make([]Match, 0, leaves)
	// Due dates repeat across plays (3, 7, 14 days...): compute each once.
	var dues [32]cs.Date
	var known uint32
	today := s.Now.Unix()
	due := func(n int) cs.Date {
		if n >= 0 && n < len(dues) {
			if known&(1<<n) == 0 {
				dues[n], known = cs.DateFromUnix(today+n), known|1<<n
			}
			return dues[n]
		}
		return cs.DateFromUnix(today + n)
	}
	start, t := 0, 0
	for _, i := range fired {
		c := &pb.plays[i]
		from := len(matches)
		matches = c.cond.root.explain(s, matches, false)
		r := Reason{Condition: c.text, Matches: matches[from:len(matches):len(matches)]}
		for j, a := range c.play.Actions {
			var key string
			if t < len(ends) {
				key = keys[start:ends[t]]
				start = ends[t]
			} else {
				key = id + "/" + c.play.ID + "#" + strconv.Itoa(j)
				if c.key {
					key = id + "#" + strconv.Itoa(j)
				}
			}
			t++
			open := ch.isOpen(key)
			dst = append(dst, Task{
				Key: key, CustomerID: id, PlayID: c.play.ID, PlayName: c.play.Name,
				Priority: c.play.Priority, Action: a, Fired: s.Now, Due: due(a.DueDays),
				MRR: s.Customer.MRR, Update: open, Reason: r, order: i<<8 | j,
			})
		}
	}
	return dst
}

// compareTasks orders by priority, then carried tasks before new ones, then MRR
// at risk (higher first; amounts in different currencies by currency code), then
// customer ID, then play and action.
func compareTasks(a, b Task) int {
	if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
		return c
	}
	if a.Carried != b.Carried {
		if a.Carried {
			return -1
		}
		return 1
	}
	if ac, bc := a.MRR.Currency(), b.MRR.Currency(); ac != bc {
		return cmp.Compare(ac, bc)
	}
	if c := b.MRR.Amount().Cmp(a.MRR.Amount()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.CustomerID, b.CustomerID); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.Key, b.Key))
}

// EvaluateAll evaluates every situation against the same history and returns all
// tasks ordered by priority, MRR at risk and customer ID. A situation that
// cannot be evaluated (see Evaluate; a customer ID that occurs twice is an error
// for its second occurrence) is left out with an error naming its index
// (situations[3].now) and the others are evaluated: the error lists the first
// ten problems and counts the rest.
func (pb *Playbook) EvaluateAll(situations []*Situation, h *History) ([]Task, error) {
	var (
		tasks []Task
		list  errs.List
	)
	seen := make(map[string]int, len(situations))
	for i, s := range situations {
		path := "situations[" + strconv.Itoa(i) + "]"
		if err := s.check(path); err != nil {
			list.Add(err)
			continue
		}
		if j, dup := seen[s.Customer.ID]; dup {
			list.Add(rowErr(path+".customer.id", s.Customer.ID, s.Customer.ID, why(cs.ErrDuplicate, "also situations[%d]", j)))
			continue
		}
		seen[s.Customer.ID] = i
		tasks = pb.appendTasks(tasks, s, h)
	}
	slices.SortFunc(tasks, compareTasks)
	return tasks, wrap(list.Err())
}
