package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
)

// weeklyCapacity is what each owner role of the default playbook can take on in a
// week in the sample book's team: six high-touch CSMs and a pool of three with
// about eight hours a week each for playbook tasks, ten hours of support
// call-backs, three executive-sponsor meetings; automated actions are unlimited.
var weeklyCapacity = map[string]playbook.Capacity{
	"csm":               {Hours: 48},
	"pooled_csm":        {Hours: 24},
	"support":           {Hours: 10},
	"executive_sponsor": {Slots: 3},
}

// playbookSection is this week's plan: the tasks to do within capacity, in
// order, the deferred ones and why, and each role's load.
type playbookSection struct {
	Currency  cs.Currency                  `json:"mrr_currency"` // task MRR is converted into it
	Fired     int                          `json:"tasks_fired"`
	ByPlay    map[string]int               `json:"tasks_by_play"`
	Do        []taskRow                    `json:"do"`
	DoN       int                          `json:"do_count"`
	Deferred  []deferredRow                `json:"deferred"`
	DeferredN int                          `json:"deferred_count"`
	Used      map[string]playbook.Usage    `json:"used"`
	Capacity  map[string]playbook.Capacity `json:"capacity"`
	Errors    []string                     `json:"errors,omitempty"`
}

type taskRow struct {
	Customer string   `json:"customer_id"`
	Name     string   `json:"name,omitempty"`
	Play     string   `json:"play_id"`
	Priority string   `json:"priority"`
	Owner    string   `json:"owner"`
	Title    string   `json:"title"`
	Due      cs.Date  `json:"due"`
	MRR      cs.Money `json:"mrr,omitzero"`
	Why      string   `json:"why"`
}

type deferredRow struct {
	Task taskRow `json:"task"`
	Why  string  `json:"why"`
}

const taskLimit = 15

// runPlaybook evaluates the default playbook on every active customer with its
// health, tier and effort results, and plans the week within weeklyCapacity.
// Tasks are ranked by MRR at risk, so MRR is first converted into the touch
// policy's currency at the policy's rates (the playbook orders mixed currencies by
// code otherwise).
func runPlaybook(in *input, customers []cs.Customer, asof cs.Date, h *healthSection, e *effortSection, t *touchSection) (*playbookSection, error) {
	pb := playbook.Default()
	sec := &playbookSection{ByPlay: map[string]int{}, Capacity: weeklyCapacity}
	var rates map[cs.Currency]string
	if t != nil {
		sec.Currency = t.Currency
		rates = map[cs.Currency]string{}
		for k, v := range t.Rates {
			rates[cs.Currency(k)] = v
		}
	}
	tiers := map[string]int{}
	if t != nil && t.result != nil {
		for i, a := range t.result.Accounts {
			tiers[a.ID] = i
		}
	}
	names := map[string]string{}
	var sits []*playbook.Situation
	for i := range customers {
		c := customers[i] // a copy: its MRR may be converted
		if c.Stage == cs.StageChurned {
			continue
		}
		names[c.ID] = c.Name
		if sec.Currency != "" && c.HasMRR() && c.MRR.Currency() != sec.Currency {
			m, err := convert(c.MRR, sec.Currency, rates)
			if err != nil {
				sec.Errors = append(sec.Errors, fmt.Sprintf("customer %q: %v", c.ID, err))
				continue
			}
			c.MRR = m
		}
		s := playbook.NewSituation(&c, asof)
		if h != nil {
			hist := h.history[c.ID]
			trend, err := hist.trend()
			if err != nil {
				sec.Errors = append(sec.Errors, fmt.Sprintf("customer %q: %v", c.ID, err))
			}
			s.SetHealth(h.results[c.ID], trend)
			if hist != nil && !hist.prevDate.IsZero() {
				prev := hist.prev
				s.Previous = playbook.NewSituation(&prev, hist.prevDate)
			}
		}
		if j, ok := tiers[c.ID]; ok {
			s.SetTier(t.result.Accounts[j])
		}
		s.SetEffortFromSignals()
		if e != nil && e.report != nil {
			week := endOfDay(asof).AddDate(0, 0, -7)
			for _, k := range e.report.CasesOf(c.ID) {
				if !k.Open && k.Resolved.After(week) {
					s.Events = []string{"case_closed"}
					break
				}
			}
		}
		sits = append(sits, s)
	}
	tasks, err := pb.EvaluateAll(sits, nil)
	if err != nil {
		// One line per bad situation: the first ten, then how many more.
		sec.Errors = append(sec.Errors, strings.Split(err.Error(), "\n")...)
	}
	sec.Fired = len(tasks)
	for _, k := range tasks {
		sec.ByPlay[k.PlayID]++
	}
	sched, err := playbook.Plan(tasks, weeklyCapacity)
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	sec.Used = sched.Used
	sec.DoN, sec.DeferredN = len(sched.Do), len(sched.Deferred)
	for _, k := range sched.Do[:min(len(sched.Do), taskLimit)] {
		sec.Do = append(sec.Do, row(k, names))
	}
	for _, d := range sched.Deferred[:min(len(sched.Deferred), 5)] {
		sec.Deferred = append(sec.Deferred, deferredRow{Task: row(d.Task, names), Why: d.Why})
	}
	return sec, nil
}

func convert(m cs.Money, to cs.Currency, rates map[cs.Currency]string) (cs.Money, error) {
	r, ok := rates[m.Currency()]
	if !ok {
		return cs.Money{}, fmt.Errorf("no rate from %s to %s in the policy", m.Currency(), to)
	}
	d, err := cs.ParseDecimal(r)
	if err != nil {
		return cs.Money{}, err
	}
	c, err := m.Convert(to, d)
	if err != nil {
		return cs.Money{}, err
	}
	return c.RoundBank(), nil
}

func row(k playbook.Task, names map[string]string) taskRow {
	var why []string
	for _, m := range k.Reason.Matches {
		why = append(why, m.String())
	}
	return taskRow{Customer: k.CustomerID, Name: names[k.CustomerID], Play: k.PlayID, Priority: k.Priority.String(),
		Owner: k.Action.Owner, Title: k.Action.Title, Due: k.Due, MRR: k.MRR, Why: strings.Join(why, "; ")}
}

func sortedRoles(m map[string]playbook.Usage) []string { return slices.Sorted(maps.Keys(m)) }
