package cycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"math"
	"slices"

	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/retention"
	"github.com/successkit/cs/touch"
)

// Errors of Run, for errors.Is.
var (
	// ErrUnread: with Config.Strict, a measure, touch rule or play reads a
	// signal or attribute that no customer of the week has.
	ErrUnread = errors.New("reads an input no customer has")
	// ErrInputChanged: the customers differed between the two passes of a run
	// (Input.Customers must yield the same customers each time it is called).
	ErrInputChanged = errors.New("customers changed between the passes of the run")
	// ErrNoCustomers: the week has no customer that could be read.
	ErrNoCustomers = errors.New("no customer could be read")
)

// Config is what stays the same from one week to the next: the compiled
// scorecard, touch policy and playbook, the team's capacity and the options of
// each step. Only Scorer is required; a nil Assigner or Playbook leaves that
// step out. New checks it and returns a Cycle.
type Config struct {
	// Scorer is the compiled health scorecard.
	Scorer *health.Scorer
	// Assigner is the compiled touch policy; nil skips the touch step.
	Assigner *touch.Assigner
	// Playbook is the playbook; nil skips the playbook step.
	Playbook *playbook.Playbook
	// Capacity is what each owner role can take on in a week (see
	// playbook.Capacity); a role absent from it gets no task but "automated".
	Capacity map[string]playbook.Capacity
	// Effort is the friction model; nil means effort.NewModel(effort.Config{}),
	// made for each run so that its working memory goes with the run.
	Effort *effort.Model
	// Silence configures the search for the silently dissatisfied; the zero
	// value takes effort's documented defaults.
	Silence effort.Silence
	// Trend configures each customer's health trend over its stored scores
	// and today's. The zero value is tolerance 0 and a window of 6 scores.
	Trend health.TrendOptions
	// GraceDays is how many days after its due date an open task expires
	// (playbook.History.Expire); zero expires a task the day after it is due.
	GraceDays int
	// OutcomeDays is how long after a fire its outcome is measured (health
	// then against health at the fire, churn and renewal in between); zero
	// means 28.
	OutcomeDays int
	// Retention configures the retention step's book. The zero value takes the
	// touch policy's currency and rates when there is a policy, else the
	// single currency of the records.
	Retention retention.Options
	// Top is the length of every list of the report (accounts at risk, new
	// reds, tasks, ...); zero means 10. Counts are always complete.
	Top int
	// Strict makes Run fail with ErrUnread when a measure, rule or play reads
	// an input that no customer has; otherwise the report lists it.
	Strict bool
}

// Cycle is a compiled Config: it runs one week of the customer-success cycle
// at a time with Run. A Cycle is immutable and safe for concurrent use; each
// Run works on its own Prior and Sink.
type Cycle struct {
	cfg      Config
	effort   *effort.Model
	reads    []Read
	entering entering
	readSig  []string // signals touch reads, kept on the accounts
}

// New checks cfg and compiles it into a Cycle. The error names the field at
// fault: a nil Scorer, a negative GraceDays, OutcomeDays or Top, a capacity
// that is negative or not finite.
func New(cfg Config) (*Cycle, error) {
	if cfg.Scorer == nil {
		return nil, fmt.Errorf("cycle: scorer: %w", cs.ErrMissing)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"grace_days", cfg.GraceDays}, {"outcome_days", cfg.OutcomeDays}, {"top", cfg.Top}} {
		if f.v < 0 {
			return nil, fmt.Errorf("cycle: %s %d: %w", f.name, f.v, cs.ErrNegative)
		}
	}
	for _, role := range slices.Sorted(maps.Keys(cfg.Capacity)) {
		c := cfg.Capacity[role]
		if c.Slots < 0 || c.Hours < 0 || math.IsNaN(c.Hours) || math.IsInf(c.Hours, 0) {
			return nil, fmt.Errorf("cycle: capacity[%q]: slots %d, hours %v: %w", role, c.Slots, c.Hours, cs.ErrRange)
		}
	}
	if cfg.OutcomeDays == 0 {
		cfg.OutcomeDays = 28
	}
	if cfg.Top == 0 {
		cfg.Top = 10
	}
	cfg.Capacity = maps.Clone(cfg.Capacity)
	c := &Cycle{cfg: cfg, effort: cfg.Effort}
	c.reads = append(c.reads, HealthReads(cfg.Scorer.Config())...)
	if cfg.Assigner != nil {
		c.reads = append(c.reads, TouchReads(cfg.Assigner.Policy())...)
		for _, r := range TouchReads(cfg.Assigner.Policy()) {
			c.readSig = append(c.readSig, r.Field[len("signal."):])
		}
		if len(c.readSig) == 0 {
			// Upgrade candidates always look at usage_trend.
			c.readSig = []string{"usage_trend"}
		}
	}
	if cfg.Playbook != nil {
		c.reads = append(c.reads, PlaybookReads(cfg.Playbook)...)
		c.entering = enteringOf(cfg.Playbook)
	}
	return c, nil
}

// Config returns the configuration the Cycle was compiled from, with the
// defaults filled in.
func (c *Cycle) Config() Config {
	cfg := c.cfg
	cfg.Capacity = maps.Clone(cfg.Capacity)
	return cfg
}

// Reads returns what the configured scorecard, touch policy and playbook read
// from the customers: every measure's signal or attribute, the signals of the
// touch rules, and the fields of every play. Run checks them against the week's
// customers.
func (c *Cycle) Reads() []Read { return slices.Clone(c.reads) }

// Source yields the week's customers. Run calls it once per pass, twice in
// all, and each call must yield the same customers (in any order): a file
// reopened, a query run again. A bad record is yielded as an error and
// reported; the others are still used.
type Source func() iter.Seq2[cs.Customer, error]

// File is one optional input file of the week: its name (for messages) and its
// contents. The zero File is absent and its step, or that part of it, is
// skipped.
type File struct {
	Name string
	R    io.Reader
}

// Input is one week of the user's data.
type Input struct {
	// AsOf is the week's date; required.
	AsOf cs.Date
	// Customers yields the customers in the cs customer layout; required.
	Customers Source
	// Contacts and CaseEvents are the support interactions (effort's
	// contacts.csv and case_events.csv), Surveys the CES and NPS answers
	// (surveys.csv), MRR the monthly recurring revenue per subscription
	// (retention's mrr.csv).
	Contacts, CaseEvents, Surveys, MRR File
}

// Prior is what the previous runs left: the state the week reads. Every
// sequence is ordered by customer ID (as the store lists them) and may be nil
// when there is nothing to read; Run reads each once, after its first pass.
type Prior struct {
	// Last is the date of the previous run; zero for the first run.
	Last cs.Date
	// Scores are the customers' recent health snapshots before AsOf, oldest
	// first, for their trends (at least Trend.Window-1 of them, and the
	// score OutcomeDays before AsOf for the outcomes).
	Scores iter.Seq2[ScoreHistory, error]
	// Customers are the customers as the previous run read them: their value
	// a period ago (touch upgrade candidates) and their situation for the
	// plays' "entering" conditions.
	Customers iter.Seq2[cs.Customer, error]
	// Touch are the touch states the previous run left (hysteresis, owners).
	Touch iter.Seq2[TouchState, error]
	// Overrides are the health overrides active on AsOf.
	Overrides iter.Seq2[CustomerOverrides, error]
	// History is the playbook's memory (fires, open tasks); Run changes it:
	// expires overdue tasks, records the week's tasks and plans them. Nil
	// starts an empty one.
	History *playbook.History
}

// ScoreHistory is one customer's recent health snapshots, oldest first.
type ScoreHistory struct {
	CustomerID string
	Snapshots  []health.Snapshot
}

// TouchState is the touch state a customer was left in.
type TouchState struct {
	CustomerID string
	State      touch.State
}

// CustomerOverrides are one customer's active health overrides.
type CustomerOverrides struct {
	CustomerID string
	Overrides  []health.Override
}

// Sink receives, customer by customer, what a run produces, to store it; a
// store's run transaction satisfies it. Run stops at the first error a Sink
// returns and returns it.
type Sink interface {
	// AddCustomer receives each customer read, with the effort signals added.
	AddCustomer(c *cs.Customer) error
	// AddHealth receives each active customer's health result.
	AddHealth(r *health.Result) error
	// AddAssignment receives each touch assignment.
	AddAssignment(a *touch.Assignment) error
	// AddOutcome receives the outcomes measured this week.
	AddOutcome(o playbook.Outcome) error
}

type discard struct{}

func (discard) AddCustomer(*cs.Customer) error        { return nil }
func (discard) AddHealth(*health.Result) error        { return nil }
func (discard) AddAssignment(*touch.Assignment) error { return nil }
func (discard) AddOutcome(playbook.Outcome) error     { return nil }

// Result is what a run computed beyond what it gave the Sink: the report, the
// playbook's memory after the week with what changed in it, the plan, and each
// customer's standing.
type Result struct {
	// Report is the week's summary, with bounded lists: what a person reads.
	Report Report
	// History is the playbook memory after the run (Prior.History, changed);
	// Fired and Changed list what the run changed in it.
	History *playbook.History
	// Do are the tasks planned for the week within capacity, in the plan's
	// order (the deferred ones stay open in the History, with their
	// DeferredOn set to the run's date); Used is each role's load.
	Do   []playbook.Task
	Used map[string]playbook.Usage
	// Touch is the touch result without its per-account assignments (which
	// went to the Sink): tiers, candidates, rejections. Nil without a policy.
	Touch *touch.Result

	tab *table
}

// Fired yields the fires recorded on the run's date, by customer, play and
// date.
func (r *Result) Fired() iter.Seq[playbook.Fire] {
	return func(yield func(playbook.Fire) bool) {
		if r.History == nil {
			return
		}
		for f := range r.History.AllFires() {
			if f.Date == r.Report.AsOf && !yield(f) {
				return
			}
		}
	}
}

// Changed yields the task records the run opened, updated, deferred or
// expired (every record with a change dated on the run's date), by customer,
// key and opening date: what a store saves of the History. It reads the
// History, so call it before changing the History again.
func (r *Result) Changed() iter.Seq[playbook.TaskRecord] {
	return func(yield func(playbook.TaskRecord) bool) {
		if r.History == nil {
			return
		}
		d := r.Report.AsOf
		for rec := range r.History.AllTasks() {
			if (rec.Opened == d || rec.Task.Fired == d || rec.DeferredOn == d || rec.Closed == d) && !yield(rec) {
				return
			}
		}
	}
}

// Standing is one customer's compact state after a run.
type Standing struct {
	ID        string
	Name      string
	MRR       cs.Money
	Churned   bool
	Scored    bool    // a health result was computed (active customers)
	Unknown   bool    // the result was Unknown
	Score     float64 // 0..100 when Scored and not Unknown
	Grade     string
	GradeRank int // the grade's band index, 0 the lowest; -1 when Unknown or not scored
	Tier      touch.Tier
}

// Standings yields every customer's standing, by ID.
func (r *Result) Standings() iter.Seq[Standing] {
	return func(yield func(Standing) bool) {
		if r.tab == nil {
			return
		}
		for i := range r.tab.rows {
			if !yield(r.tab.standing(i)) {
				return
			}
		}
	}
}

// Standing returns one customer's standing.
func (r *Result) Standing(id string) (Standing, bool) {
	if r.tab == nil {
		return Standing{}, false
	}
	i, ok := r.tab.find(id)
	if !ok {
		return Standing{}, false
	}
	return r.tab.standing(i), true
}

// Run runs the week: effort from the interactions and surveys; health of every
// active customer with its trend over Prior.Scores; touch tiers from
// Prior.Touch; the playbook's tasks from Prior.History (expiring overdue tasks
// first, so cooldowns, dedupe and re-entry hold across weeks); the plan within
// capacity, deferred tasks first; and retention from the MRR file. Customers
// stream through twice, each time from in.Customers: Run keeps a few words per
// customer (ID, name, MRR, score, grade, tier) and the lists of its report in
// bounded heaps, so its memory grows with the customers only by that compact
// state, the touch accounts while they are assigned, the fired tasks and the
// effort and retention inputs.
//
// The results go to sink as they are computed (nil discards them) and the
// summary comes back in the Result. The same input and prior give the same
// Result and the same calls to the sink (in the order of in.Customers),
// whatever the order of the input's records. Run reads no clock, honours ctx
// between records, and never panics on bad input: a bad record is reported and
// left out; a broken file, a failing sink or, with Strict, an unread input ends
// the run with an error.
func (c *Cycle) Run(ctx context.Context, in Input, prior Prior, sink Sink) (*Result, error) {
	if !in.AsOf.Valid() {
		return nil, fmt.Errorf("cycle: as_of %q: %w", in.AsOf.String(), cs.ErrInvalidDate)
	}
	if in.Customers == nil {
		return nil, fmt.Errorf("cycle: customers: %w", cs.ErrMissing)
	}
	if !prior.Last.IsZero() && !prior.Last.Before(in.AsOf) {
		return nil, fmt.Errorf("cycle: previous run %s is not before %s: %w", prior.Last, in.AsOf, cs.ErrDateOrder)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cycle: %w", err)
	}
	if sink == nil {
		sink = discard{}
	}
	if prior.History == nil {
		prior.History = &playbook.History{}
	}
	r := &run{c: c, ctx: ctx, in: in, prior: prior, sink: sink}
	return r.do()
}
