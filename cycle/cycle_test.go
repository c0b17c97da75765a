package cycle_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

// samplePolicy is a touch policy for the sample book: tiers by ARR in USD,
// named CSMs for high touch and a pool for low touch.
const samplePolicy = `{
  "basis": "arr", "currency": "USD", "rates": {"EUR": "1.08", "JPY": "0.0067"},
  "high": {"min_value": "150000.00 USD", "csms": ["aiko", "bruno"], "max_accounts": 15},
  "low": {"min_value": "15000.00 USD", "headcount": 2, "pool": "scale-team", "max_accounts": 60},
  "tech": {}, "hysteresis": {"margin": "0.1"}
}`

func newCycle(t testing.TB, mod func(*cycle.Config)) *cycle.Cycle {
	t.Helper()
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	p, err := touch.ParsePolicy([]byte(samplePolicy))
	if err != nil {
		t.Fatal(err)
	}
	cfg := cycle.Config{Scorer: scorer, Assigner: touch.MustCompile(p), Playbook: playbook.Default(),
		Capacity: map[string]playbook.Capacity{"csm": {Hours: 12}, "pooled_csm": {Hours: 6}, "support": {Hours: 3}, "executive_sponsor": {Slots: 1}},
		Trend:    health.TrendOptions{Tolerance: 5}, GraceDays: 14}
	if mod != nil {
		mod(&cfg)
	}
	c, err := cycle.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var asOf = cs.MustParseDate("2026-06-30")

// TestOrderIndependence: the same customers in any order give the same
// report, the same sink rows (the order of the calls follows the input) and
// the same History, week after week.
func TestOrderIndependence(t *testing.T) {
	bk := sampleBook(t, 120)
	c := newCycle(t, nil)
	ref := newMemory()
	want := []*cycle.Result{ref.run(t, c, bk.input(asOf, nil)), ref.run(t, c, bk.input(asOf.AddDays(7), nil))}
	wantJSON := make([][]byte, len(want))
	for i, r := range want {
		wantJSON[i] = reportJSON(t, r)
	}
	wantCalls := slices.Sorted(slices.Values(ref.calls))
	rapid.Check(t, func(rt *rapid.T) {
		perm := rapid.Permutation(seqInts(len(bk.b.Customers))).Draw(rt, "order")
		m := newMemory()
		for i, d := range []cs.Date{asOf, asOf.AddDays(7)} {
			got := m.run(t, c, bk.input(d, perm))
			if g := reportJSON(t, got); string(g) != string(wantJSON[i]) {
				rt.Fatalf("week %s: the report depends on the order of the customers:\n%s", d, diffLine(wantJSON[i], g))
			}
		}
		if got := slices.Sorted(slices.Values(m.calls)); !slices.Equal(got, wantCalls) {
			rt.Fatalf("the sink received other rows")
		}
		a, _ := json.Marshal(ref.history)
		b, _ := json.Marshal(m.history)
		if string(a) != string(b) {
			rt.Fatalf("the History depends on the order of the customers")
		}
	})
}

func seqInts(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func reportJSON(t testing.TB, r *cycle.Result) []byte {
	b, err := json.MarshalIndent(&r.Report, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func diffLine(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "want " + al[i] + "\ngot  " + bl[i]
		}
	}
	return "lengths differ"
}

// TestWeeks runs three weeks in memory: the second week reports what changed
// since the first, deferred tasks come back first and open, no play fires
// twice within its cooldown, and the third measures nothing yet (outcomes are
// four weeks after a fire).
func TestWeeks(t *testing.T) {
	bk := sampleBook(t, 300)
	c := newCycle(t, nil)
	m := newMemory()
	w1 := m.run(t, c, bk.input(asOf, nil))
	if w1.Report.Previous != (cs.Date{}) || w1.Report.Changes.Since != (cs.Date{}) {
		t.Errorf("first week: previous %s, since %s, want none", w1.Report.Previous, w1.Report.Changes.Since)
	}
	if w1.Report.Playbook.Deferred.Count == 0 {
		t.Fatal("the first week deferred nothing: the test needs a plan over capacity")
	}
	w2 := m.run(t, c, bk.input(asOf.AddDays(7), nil))
	r := &w2.Report
	if r.Previous != asOf || r.Changes.Since != asOf {
		t.Errorf("second week: previous %s, since %s, want %s", r.Previous, r.Changes.Since, asOf)
	}
	// Every task deferred in week 1 is still open (no task is lost), and
	// the plan takes the carried tasks before the new ones of a priority.
	for _, d := range w1.Report.Playbook.Deferred.Items {
		rec, ok := m.history.Task(d.Key)
		if !ok || rec.State != playbook.TaskOpen || rec.Deferred < 1 {
			t.Errorf("task %s deferred in week 1: %+v, want open and counted deferred", d.Key, rec)
		}
	}
	seenNew := map[playbook.Priority]bool{}
	for _, k := range w2.Do {
		if !k.Carried {
			seenNew[k.Priority] = true
		} else if seenNew[k.Priority] {
			t.Errorf("carried task %s planned after a new task of priority %s", k.Key, k.Priority)
		}
	}
	// The same customers a week later: cooldowns of 7 days or more hold, so no
	// play fires again for a customer it fired for.
	fired := map[string]bool{}
	for f := range w1.Fired() {
		fired[f.CustomerID+"/"+f.PlayID] = true
	}
	for f := range w2.Fired() {
		if fired[f.CustomerID+"/"+f.PlayID] {
			t.Errorf("play %s fired again for %s a week later, inside its cooldown", f.PlayID, f.CustomerID)
		}
	}
	if len(m.outcomes) != 0 {
		t.Errorf("outcomes measured after a week: %v", m.outcomes[:1])
	}
	// The changed task records are exactly those dated today.
	for rec := range w2.Changed() {
		d := asOf.AddDays(7)
		if rec.Opened != d && rec.Task.Fired != d && rec.DeferredOn != d && rec.Closed != d {
			t.Errorf("changed record %s has no change dated %s", rec.Task.Key, d)
		}
	}
	// Five weeks on, the fires of week 1 have their outcomes.
	for k := 2; k <= 4; k++ {
		m.run(t, c, bk.input(asOf.AddDays(7*k), nil))
	}
	var fires, controls int
	for _, o := range m.outcomes {
		if o.Date != asOf {
			t.Errorf("outcome dated %s, want the fires of %s", o.Date, asOf)
		}
		if o.PlayID == "" {
			controls++
		} else {
			fires++
		}
	}
	if fires == 0 || controls == 0 {
		t.Errorf("after four weeks: %d outcomes of fires and %d of comparables, want both", fires, controls)
	}
	if _, err := playbook.Assess(m.outcomes); err != nil {
		t.Errorf("Assess on the outcomes: %v", err)
	}
}

// TestUnread: a measure, rule or play reading a signal no customer has is
// reported once per item, and Strict makes it an error.
func TestUnread(t *testing.T) {
	bk := sampleBook(t, 300)
	in := bk.input(asOf, nil)
	strip := in.Customers
	in.Customers = func() iter.Seq2[cs.Customer, error] {
		return func(yield func(cs.Customer, error) bool) {
			for c, err := range strip() {
				delete(c.Signals, "usage_trend")
				if !yield(c, err) {
					return
				}
			}
		}
	}
	res, err := newCycle(t, nil).Run(context.Background(), in, cycle.Prior{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, u := range res.Report.Unread {
		msgs = append(msgs, u.Message)
	}
	want := "play silent-risk reads signal usage_trend, which no customer has: it can never fire"
	if !slices.Contains(msgs, want) {
		t.Errorf("Unread = %q, want %q among them", msgs, want)
	}
	for i, u := range res.Report.Unread {
		for _, v := range res.Report.Unread[i+1:] {
			if u.Kind == v.Kind && u.Item == v.Item {
				t.Errorf("%s %s reported twice", u.Kind, u.Item)
			}
		}
	}
	in = bk.input(asOf, nil)
	in.Customers = func() iter.Seq2[cs.Customer, error] {
		return func(yield func(cs.Customer, error) bool) {
			for c, err := range strip() {
				delete(c.Signals, "usage_trend")
				if !yield(c, err) {
					return
				}
			}
		}
	}
	_, err = newCycle(t, func(c *cycle.Config) { c.Strict = true }).Run(context.Background(), in, cycle.Prior{}, nil)
	if !errors.Is(err, cycle.ErrUnread) || !strings.Contains(err.Error(), want) {
		t.Errorf("Strict: err = %v, want ErrUnread naming the play", err)
	}
}

// TestBadRuns covers the errors of New and Run.
func TestBadRuns(t *testing.T) {
	scorer, _ := health.Compile(health.SampleConfig())
	for _, tc := range []struct {
		cfg  cycle.Config
		want error
	}{
		{cycle.Config{}, cs.ErrMissing},                                 // no scorecard
		{cycle.Config{Scorer: scorer, GraceDays: -1}, cs.ErrNegative},   // a negative grace
		{cycle.Config{Scorer: scorer, OutcomeDays: -1}, cs.ErrNegative}, // a negative delay
		{cycle.Config{Scorer: scorer, Capacity: map[string]playbook.Capacity{"csm": {Hours: -1}}}, cs.ErrRange},
	} {
		if _, err := cycle.New(tc.cfg); !errors.Is(err, tc.want) {
			t.Errorf("New(%+v) = %v, want %v", tc.cfg, err, tc.want)
		}
	}
	bk := sampleBook(t, 300)
	c := newCycle(t, nil)
	ctx := context.Background()
	// An invalid date, no customers, a previous run not before this one.
	if _, err := c.Run(ctx, cycle.Input{Customers: bk.input(asOf, nil).Customers}, cycle.Prior{}, nil); !errors.Is(err, cs.ErrInvalidDate) {
		t.Errorf("no date: %v", err)
	}
	if _, err := c.Run(ctx, cycle.Input{AsOf: asOf}, cycle.Prior{}, nil); !errors.Is(err, cs.ErrMissing) {
		t.Errorf("no customers: %v", err)
	}
	if _, err := c.Run(ctx, bk.input(asOf, nil), cycle.Prior{Last: asOf}, nil); !errors.Is(err, cs.ErrDateOrder) {
		t.Errorf("previous run on the same date: %v", err)
	}
	// Customers that change between the passes.
	calls := 0
	in := bk.input(asOf, nil)
	in.Customers = func() iter.Seq2[cs.Customer, error] {
		calls++
		n := len(bk.b.Customers) - calls
		return func(yield func(cs.Customer, error) bool) {
			for _, c := range bk.b.Customers[:n] {
				if !yield(c, nil) {
					return
				}
			}
		}
	}
	if _, err := c.Run(ctx, in, cycle.Prior{}, nil); !errors.Is(err, cycle.ErrInputChanged) {
		t.Errorf("customers changing between passes: %v", err)
	}
	// Only bad rows.
	in.Customers = func() iter.Seq2[cs.Customer, error] {
		return cs.ReadCustomersCSV(strings.NewReader("id,mrr,currency\nc1,1;2,USD\n"), "bad.csv")
	}
	if _, err := c.Run(ctx, in, cycle.Prior{}, nil); !errors.Is(err, cycle.ErrNoCustomers) || !strings.Contains(err.Error(), "bad.csv:2") {
		t.Errorf("no good row: %v", err)
	}
	// A cancelled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Run(cctx, bk.input(asOf, nil), cycle.Prior{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// A failing sink stops the run with its error.
	boom := errors.New("disk full")
	if _, err := c.Run(ctx, bk.input(asOf, nil), cycle.Prior{}, failing{boom}); !errors.Is(err, boom) {
		t.Errorf("failing sink: %v", err)
	}
}

type failing struct{ err error }

func (f failing) AddCustomer(*cs.Customer) error        { return f.err }
func (f failing) AddHealth(*health.Result) error        { return nil }
func (f failing) AddAssignment(*touch.Assignment) error { return nil }
func (f failing) AddOutcome(playbook.Outcome) error     { return nil }

// TestBoundedLists: every list of the report holds at most Top items, with
// the complete count, and is in its documented order.
func TestBoundedLists(t *testing.T) {
	bk := sampleBook(t, 300)
	res, err := newCycle(t, func(c *cycle.Config) { c.Top = 3 }).Run(context.Background(), bk.input(asOf, nil), cycle.Prior{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &res.Report
	check := func(name string, items, count int) {
		if items > 3 || items > count || (count > 0 && items == 0) {
			t.Errorf("%s: %d items of %d, want min(3, count)", name, items, count)
		}
	}
	check("worst", len(r.Health.Worst.Items), r.Health.Worst.Count)
	check("do", len(r.Playbook.Do.Items), r.Playbook.Do.Count)
	check("deferred", len(r.Playbook.Deferred.Items), r.Playbook.Deferred.Count)
	check("silent", len(r.Effort.Silent.Items), r.Effort.Silent.Count)
	check("candidates", len(r.Touch.Candidates.Items), r.Touch.Candidates.Count)
	if r.Playbook.Do.Count != len(res.Do) {
		t.Errorf("plan count %d, planned %d", r.Playbook.Do.Count, len(res.Do))
	}
	w := r.Health.Worst.Items
	for i := 1; i < len(w); i++ {
		if w[i-1].Share < w[i].Share {
			t.Errorf("worst accounts not by share: %v then %v", w[i-1].Share, w[i].Share)
		}
	}
	// The standings hold every customer, by ID.
	var ids []string
	for s := range res.Standings() {
		ids = append(ids, s.ID)
	}
	if len(ids) != len(bk.b.Customers) || !slices.IsSorted(ids) {
		t.Errorf("%d standings (sorted %v), want %d sorted", len(ids), slices.IsSorted(ids), len(bk.b.Customers))
	}
}

// TestFileHints: an input file of the wrong kind is refused under its own
// name with what to do, and the week's other steps still run.
func TestFileHints(t *testing.T) {
	bk := sampleBook(t, 120)
	in := bk.input(asOf, nil)
	utf16 := []byte{0xFF, 0xFE, 'c', 0, 'u', 0, 's', 0, '\n', 0}
	in.Contacts = cycle.File{Name: "tickets.csv", R: strings.NewReader("contact_id;customer_id;case_id;time\nk1;c1;k;x\n")}
	in.Surveys = cycle.File{Name: "answers.csv", R: strings.NewReader(string(utf16))}
	in.MRR = cycle.File{Name: "revenue.csv", R: strings.NewReader("customer_id\tmonth\tmrr\n")}
	res, err := newCycle(t, nil).Run(context.Background(), in, cycle.Prior{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	errs := strings.Join(append(res.Report.Effort.Errors.First, res.Report.Retention.Errors.First...), "\n")
	for _, want := range []string{"tickets.csv:1", "semicolons", "answers.csv:1", "UTF-16", "revenue.csv:1", "tab"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the errors do not say %q:\n%s", want, errs)
		}
	}
	if res.Report.Health.Scored == 0 || res.Report.Playbook.Fired == 0 {
		t.Errorf("the other steps did not run: %d scored, %d fired", res.Report.Health.Scored, res.Report.Playbook.Fired)
	}
}
