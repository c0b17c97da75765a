package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/store"
)

func cmdInit(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "init", "[flags]",
		"Creates the store, or upgrades an older one to this program's schema. The\ndefault store is the SQLite file successkit.db in the current directory.",
		"successkit init", "successkit init -db postgres://cs:secret@localhost/cs").withDB()
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	out := struct {
		DB     string `json:"db"`
		Driver string `json:"driver"`
		Schema int    `json:"schema"`
	}{*c.db, st.Dialect().String(), st.SchemaVersion()}
	if strings.Contains(out.DB, "@") {
		out.DB = "postgres://…"
	}
	return c.output(out, func(t *textOut) {
		t.printf("store ready: %s (%s, schema %d)\n", out.DB, out.Driver, out.Schema)
	})
}

// inputFlags are the flags naming a week's files, as examples/portfolio
// names them.
type inputFlags struct {
	customers, contacts, events, surveys, mrr, mapping *string
}

func (c *cli) inputFlags() *inputFlags {
	return &inputFlags{
		customers: c.fs.String("customers", "", "customers CSV `file`: the cs layout, or any layout with -mapping (required)"),
		contacts:  c.fs.String("contacts", "", "support contacts CSV `file` (effort)"),
		events:    c.fs.String("events", "", "support case events CSV `file` (effort)"),
		surveys:   c.fs.String("surveys", "", "CES and NPS answers CSV `file` (effort)"),
		mrr:       c.fs.String("mrr", "", "monthly MRR per subscription CSV `file` (retention)"),
		mapping:   c.fs.String("mapping", "", "column mapping JSON `file` for the customers file (see successkit help mapping)"),
	}
}

// files are a week's open input files.
type files struct {
	closers []io.Closer
	names   []string
}

func (f *files) Close() {
	for _, c := range f.closers {
		c.Close()
	}
}

// open opens the week's files: every file is checked before the run starts,
// so a missing one fails at once, and the customers file is reopened for each
// pass of the cycle.
func (in *inputFlags) open(asOf cs.Date) (cycle.Input, *files, error) {
	fs := &files{}
	week := cycle.Input{AsOf: asOf}
	if *in.customers == "" {
		return week, fs, usageErr("-customers is required: the customers CSV file")
	}
	var m *Mapping
	if *in.mapping != "" {
		var err error
		if m, err = loadMapping(*in.mapping); err != nil {
			return week, fs, fmt.Errorf("-mapping %w", err)
		}
		fs.names = append(fs.names, filepath.Base(*in.mapping))
	}
	f, err := os.Open(*in.customers)
	if err != nil {
		return week, fs, err
	}
	f.Close()
	fs.names = append(fs.names, filepath.Base(*in.customers))
	week.Customers = customersOf(*in.customers, m)
	for _, x := range []struct {
		path *string
		dst  *cycle.File
	}{{in.contacts, &week.Contacts}, {in.events, &week.CaseEvents}, {in.surveys, &week.Surveys}, {in.mrr, &week.MRR}} {
		if *x.path == "" {
			continue
		}
		f, err := os.Open(*x.path)
		if err != nil {
			fs.Close()
			return week, fs, err
		}
		fs.closers = append(fs.closers, f)
		fs.names = append(fs.names, filepath.Base(*x.path))
		*x.dst = cycle.File{Name: filepath.Base(*x.path), R: f}
	}
	return week, fs, nil
}

// customersOf reads a customers file anew on each call, through the mapping
// when there is one.
func customersOf(path string, m *Mapping) cycle.Source {
	name := filepath.Base(path)
	return func() iter.Seq2[cs.Customer, error] {
		return func(yield func(cs.Customer, error) bool) {
			f, err := os.Open(path)
			if err != nil {
				yield(cs.Customer{}, err)
				return
			}
			defer f.Close()
			seq := cs.ReadCustomersCSV(f, name)
			if m != nil {
				seq = m.Read(f, name)
			}
			for c, err := range seq {
				if !yield(c, err) {
					return
				}
			}
		}
	}
}

func cmdRun(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "run", "-asof DATE -customers FILE [flags]",
		`Runs one week of the customer-success cycle on your files and stores it in
one transaction: effort from the support contacts and surveys, health with the
trend from the stored scores, touch tiers from the stored states, the
playbook's tasks from the stored history (cooldowns and open tasks hold across
weeks), the plan within capacity (deferred tasks come first next week) and
retention from the MRR file. It prints what changed since the last run.
Running a date again replaces that run; a date before the last run needs
-force, which removes the runs after it.`,
		"successkit run -asof 2026-06-30 -customers customers.csv -contacts contacts.csv -events case_events.csv -surveys surveys.csv -mrr mrr.csv",
		"successkit run -asof 2026-07-07 -customers export.csv -mapping mapping.json -health scorecard.json").withDB()
	asOf := c.date("asof", "the week's `date`, YYYY-MM-DD (required): results are as of this date, never the clock's")
	in := c.inputFlags()
	cfgs := c.configFlags()
	force := c.fs.Bool("force", false, "allow a date before the last run: the runs after it are removed")
	strict := c.fs.Bool("strict", false, "fail when a measure, touch rule or play reads a signal or attribute no customer has")
	by := c.fs.String("by", "successkit", "who or what runs it, for the record (a person, \"cron\")")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	if asOf.IsZero() {
		return usageErr("successkit run: -asof is required: the week's date (results never depend on the clock)")
	}
	cfg, err := cfgs.load()
	if err != nil {
		return c.errorf("%w", err)
	}
	input, fs, err := in.open(*asOf)
	if err != nil {
		if isUsage(err) {
			return usageErr("successkit run: %v", err)
		}
		return c.errorf("%w", err)
	}
	defer fs.Close()
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	rn, err := newRunner(st, cfg, *strict)
	if err != nil {
		return c.errorf("%w", err)
	}
	res, run, err := rn.run(ctx, week{input: input, inputs: append(fs.names, cfg.names...), by: *by, at: env.Now(), force: *force})
	if err != nil {
		return c.errorf("%w", err)
	}
	if *c.format == "text" {
		for _, u := range res.Report.Unread {
			fmt.Fprintf(env.Stderr, "warning: %s\n", u.Message)
		}
	}
	return c.output(struct {
		Run    store.Run    `json:"run"`
		Report cycle.Report `json:"report"`
	}{run, res.Report}, func(t *textOut) { writeWeek(t, &res.Report, *c.db) })
}

func isUsage(err error) bool {
	_, ok := err.(*usageError)
	return ok
}
