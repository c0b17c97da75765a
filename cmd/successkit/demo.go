package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// demoBook slices the sample book into weeks: on each date, every customer
// as its latest monthly snapshot left it, and the interactions, surveys and
// MRR up to that day. The book is generated once, as of the last week.
type demoBook struct {
	book  *samplebook.Book
	snaps map[string][]int // customer → indexes of its snapshots, by date
	ids   []string
}

func newDemoBook(last cs.Date) (*demoBook, error) {
	b, err := samplebook.Generate(samplebook.Config{AsOf: last})
	if err != nil {
		return nil, err
	}
	d := &demoBook{book: b, snaps: map[string][]int{}}
	for i, s := range b.Snapshots {
		if _, ok := d.snaps[s.Customer.ID]; !ok {
			d.ids = append(d.ids, s.Customer.ID)
		}
		d.snaps[s.Customer.ID] = append(d.snaps[s.Customer.ID], i)
	}
	return d, nil
}

// week returns the files of the week ending on day as CSV bytes, written by
// the sample book's own writer.
func (d *demoBook) week(day cs.Date) (map[string][]byte, error) {
	b := d.book
	end := day.AddDays(1).In(time.UTC)
	w := &samplebook.Book{Config: b.Config}
	for _, id := range d.ids {
		idx := d.snaps[id]
		last := -1
		for _, i := range idx {
			if b.Snapshots[i].AsOf.After(day) {
				break
			}
			last = i
		}
		if last >= 0 {
			w.Customers = append(w.Customers, b.Snapshots[last].Customer)
		}
	}
	for _, c := range b.Contacts {
		if c.Time.Before(end) {
			w.Contacts = append(w.Contacts, c)
		}
	}
	for _, e := range b.CaseEvents {
		if e.Time.Before(end) {
			w.CaseEvents = append(w.CaseEvents, e)
		}
	}
	for _, s := range b.Surveys {
		if s.Time.Before(end) {
			w.Surveys = append(w.Surveys, s)
		}
	}
	for _, m := range b.MRR {
		if !m.Month.After(day) {
			w.MRR = append(w.MRR, m)
		}
	}
	files := map[string][]byte{}
	for _, name := range []string{samplebook.CustomersFile, samplebook.ContactsFile, samplebook.CaseEventsFile,
		samplebook.SurveysFile, samplebook.MRRFile} {
		var buf bytes.Buffer
		if err := w.WriteCSV(&buf, name); err != nil {
			return nil, err
		}
		files[name] = buf.Bytes()
	}
	return files, nil
}

// weekInput is the cycle's input from a week's files in memory.
func weekInput(day cs.Date, files map[string][]byte) cycle.Input {
	file := func(name string) cycle.File { return cycle.File{Name: name, R: bytes.NewReader(files[name])} }
	return cycle.Input{AsOf: day,
		Customers: func() iter.Seq2[cs.Customer, error] {
			return cs.ReadCustomersCSV(bytes.NewReader(files[samplebook.CustomersFile]), samplebook.CustomersFile)
		},
		Contacts: file(samplebook.ContactsFile), CaseEvents: file(samplebook.CaseEventsFile),
		Surveys: file(samplebook.SurveysFile), MRR: file(samplebook.MRRFile)}
}

// demoWeek is one week of the demo as printed.
type demoWeek struct {
	AsOf      cs.Date `json:"as_of"`
	Red       int     `json:"red"`
	NewRed    int     `json:"new_red"`
	Recovered int     `json:"recovered"`
	TierMoves int     `json:"tier_moves"`
	Opened    int     `json:"tasks_opened"`
	Planned   int     `json:"tasks_planned"`
	Deferred  int     `json:"tasks_deferred"`
	Overdue   int     `json:"tasks_overdue"`
	Expired   int     `json:"tasks_expired"`
	Done      int     `json:"tasks_done"` // closed by the simulated team after the run
	Worst     string  `json:"first_new_red,omitempty"`
}

func cmdDemo(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "demo", "[flags]",
		`Runs the cycle every week for 26 weeks on the bundled sample book (2,000
customers, as of 2026-06-30 for the last week) into a temporary store, or into
-db FILE, kept afterwards for successkit report (and successkit serve). Each
week the simulated team does the tasks planned for it; the rest carry over.
It prints each week's changes and, at the end, which plays worked. The output
depends on nothing but the flags.`,
		"successkit demo", "successkit demo -db demo.db && successkit report -db demo.db -o report.html")
	db := c.fs.String("db", "", "keep the store in this SQLite `file` (or postgres:// URL); it must hold no run yet (default: a temporary file, removed)")
	weeks := c.fs.Int("weeks", 26, "how many weeks to run, 1 to 104")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	if *weeks < 1 || *weeks > 104 {
		return usageErr("successkit demo: -weeks %d: want 1 to 104", *weeks)
	}
	st, closeStore, err := openEmptyStore(ctx, *db, "demo")
	if err != nil {
		return c.errorf("%w", err)
	}
	defer closeStore()
	out, err := demo(ctx, env, st, *weeks, func(w *demoWeek) {
		if *c.format == "text" {
			t := &textOut{w: env.Stdout}
			writeDemoWeek(t, w)
		}
	})
	if err != nil {
		return c.errorf("%w", err)
	}
	if *db != "" {
		out.DB = *db
	}
	if *c.format == "json" {
		return c.output(out, nil)
	}
	t := &textOut{w: env.Stdout}
	t.printf("\n")
	writeAssessment(t, &out.Assessment)
	if out.DB != "" {
		t.printf("\nThe store is in %s: try successkit tasks -db %s, successkit history %s -db %s, successkit report -db %s -o report.html\n",
			out.DB, out.DB, out.Example, out.DB, out.DB)
	}
	return t.err
}

// demoResult is what the demo prints.
type demoResult struct {
	DB         string     `json:"db,omitempty"`
	Weeks      []demoWeek `json:"weeks"`
	Assessment assessment `json:"assessment"`
	Example    string     `json:"example_customer"`
}

// demo runs the weeks and assesses the plays.
func demo(ctx context.Context, env *Env, st *store.Store, weeks int, each func(*demoWeek)) (*demoResult, error) {
	cfg, err := (&configFiles{health: new(string), policy: new(string), playbook: new(string), capacity: new(string)}).load()
	if err != nil {
		return nil, err
	}
	rn, err := newRunner(st, cfg, false)
	if err != nil {
		return nil, err
	}
	last := samplebook.DefaultAsOf
	book, err := newDemoBook(last)
	if err != nil {
		return nil, err
	}
	out := &demoResult{}
	if each == nil {
		each = func(*demoWeek) {}
	}
	for k := range weeks {
		day := last.AddDays(-7 * (weeks - 1 - k))
		files, err := book.week(day)
		if err != nil {
			return nil, err
		}
		at := day.In(time.UTC).Add(6 * time.Hour)
		res, _, err := rn.run(ctx, week{input: weekInput(day, files), inputs: []string{"sample book"}, by: "demo", at: at})
		if err != nil {
			return nil, err
		}
		r := &res.Report
		w := demoWeek{AsOf: day, NewRed: r.Changes.NewRed.Count, Recovered: r.Changes.Recovered.Count,
			TierMoves: r.Changes.TierMoves.Count, Opened: r.Changes.Opened, Overdue: r.Changes.Overdue.Count,
			Expired: r.Changes.Expired.Count}
		for _, g := range r.Health.Grades {
			if g.Grade == r.Health.RiskGrade {
				w.Red = g.Customers
			}
		}
		if len(r.Changes.NewRed.Items) > 0 {
			a := r.Changes.NewRed.Items[0]
			w.Worst = a.ID + " " + a.Name
			if out.Example == "" {
				out.Example = a.ID
			}
		}
		if p := r.Playbook; p != nil {
			w.Planned, w.Deferred = p.Do.Count, p.Deferred.Count
		}
		// The team does what was planned for the week, two days after the run.
		for _, k := range res.Do {
			by := "demo team"
			if k.Action.Owner == "automated" {
				by = "automation"
			}
			if _, err := st.CloseTask(ctx, k.Key, playbook.TaskDone, day.AddDays(2), by, "done as planned", at.Add(48*time.Hour)); err != nil {
				return nil, err
			}
			w.Done++
		}
		out.Weeks = append(out.Weeks, w)
		each(&out.Weeks[len(out.Weeks)-1])
	}
	if out.Assessment, err = assess(ctx, st, cs.Date{}, cs.Date{}, nil); err != nil {
		return nil, err
	}
	return out, nil
}

func writeDemoWeek(t *textOut, w *demoWeek) {
	t.printf("%s  red %4s (+%s new, %s recovered)  tier moves %3s  tasks: %4s opened, %3s planned and done, %5s deferred, %4s overdue, %3s expired",
		w.AsOf, count(w.Red), count(w.NewRed), count(w.Recovered), count(w.TierMoves), count(w.Opened), count(w.Planned),
		count(w.Deferred), count(w.Overdue), count(w.Expired))
	if w.Worst != "" {
		t.printf("  first new red: %s", w.Worst)
	}
	t.printf("\n")
}

var _ = fmt.Sprint
var _ io.Writer
