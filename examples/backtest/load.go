package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
)

// input is what the backtest runs on.
type input struct {
	source   string // for the report's title
	cfg      health.Config
	cfgName  string         // the scorecard's file, or "the sample scorecard"
	other    *health.Config // the -compare scorecard
	obs      []health.Observation
	outcomes []health.Outcome
	// leftOut counts the sample book's customers that left before the book date
	// (no outcome), left out on purpose.
	leftOut int
	// readErrs are the bad lines of the user's files (the other lines were read).
	readErrs []error
	// file and lines locate each observation of a user's file: lines[i] is the
	// line of obs[i] in file.
	file  string
	lines []int
}

func load(o options) (*input, error) {
	in := &input{cfgName: "the sample scorecard", cfg: health.SampleConfig()}
	if o.health != "" {
		data, err := os.ReadFile(o.health)
		if err != nil {
			return nil, fmt.Errorf("backtest: %w", err)
		}
		if in.cfg, err = health.ParseConfig(data); err != nil {
			return nil, fmt.Errorf("backtest: %s: %w", o.health, err)
		}
		in.cfgName = o.health
	}
	if o.compare != "" {
		data, err := os.ReadFile(o.compare)
		if err != nil {
			return nil, fmt.Errorf("backtest: %w", err)
		}
		other, err := health.ParseConfig(data)
		if err != nil {
			return nil, fmt.Errorf("backtest: %s: %w", o.compare, err)
		}
		in.other = &other
	}
	if o.customers == "" {
		loadSample(in)
		return in, nil
	}
	return in, loadFiles(in, o)
}

// loadSample takes the sample book's monthly snapshots of the customers with an
// outcome (those active at the book date) and their outcomes.
func loadSample(in *input) {
	b := samplebook.MustGenerate(samplebook.Config{})
	in.source = fmt.Sprintf("the sample book (%d customers, %d months to %s, churn over the next %d months)",
		len(b.Customers), b.Config.Months, b.Config.AsOf, b.Config.HorizonMonths)
	has := make(map[string]bool, len(b.Outcomes))
	for _, o := range b.Outcomes {
		has[o.ID] = true
		in.outcomes = append(in.outcomes, health.Outcome{ID: o.ID, Churned: o.Churned, Date: o.Date})
	}
	for _, c := range b.Customers {
		if !has[c.ID] {
			in.leftOut++
		}
	}
	for _, s := range b.Snapshots {
		if has[s.Customer.ID] {
			in.obs = append(in.obs, health.Observation{AsOf: s.AsOf, Customer: s.Customer})
		}
	}
}

// loadFiles reads the user's snapshots (or customers) and outcomes. Bad lines are
// kept in readErrs; a file that cannot be read at all is an error.
func loadFiles(in *input, o options) error {
	in.source = o.customers
	data, err := os.ReadFile(o.customers)
	if err != nil {
		return fmt.Errorf("backtest: %w", err)
	}
	header, err := csv.NewReader(bytes.NewReader(data)).Read()
	if err != nil {
		return fmt.Errorf("backtest: %s: header: %w", o.customers, err)
	}
	snapshots := slices.ContainsFunc(header, func(h string) bool {
		return strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), "as_of")
	})
	if !snapshots && o.asof.IsZero() {
		return fmt.Errorf("backtest: %s has no as_of column: give its date with -asof YYYY-MM-DD", o.customers)
	}
	opt := cs.CSVOptions{}
	if snapshots {
		opt = cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
	}
	for rec, err := range opt.ReadCSV(bytes.NewReader(data), o.customers) {
		if err != nil {
			if rec.Line <= 1 { // a bad header ends the sequence
				return fmt.Errorf("backtest: %w", err)
			}
			in.readErrs = append(in.readErrs, err)
			continue
		}
		d := o.asof
		if snapshots {
			if d, err = cs.ParseDate(strings.TrimSpace(rec.Extra[0])); err != nil {
				in.readErrs = append(in.readErrs, &cs.FieldError{File: o.customers, Line: rec.Line, Record: rec.Customer.ID, Field: "as_of", Value: rec.Extra[0], Err: cs.ErrInvalidDate})
				continue
			}
		}
		in.obs = append(in.obs, health.Observation{AsOf: d, Customer: rec.Customer})
		in.lines = append(in.lines, rec.Line)
	}
	in.file = o.customers
	f, err := os.Open(o.outcomes)
	if err != nil {
		return fmt.Errorf("backtest: %w", err)
	}
	defer f.Close()
	for out, err := range health.ReadOutcomes(f, o.outcomes) {
		var fe *cs.FieldError
		if err != nil && errors.As(err, &fe) && fe.Field == "header" {
			return fmt.Errorf("backtest: %w", err) // a bad header ends the sequence
		}
		if err != nil {
			in.readErrs = append(in.readErrs, err)
			continue
		}
		in.outcomes = append(in.outcomes, out)
	}
	return nil
}

// locate rewrites a backtest error naming "observations[i]" to name the line of
// the user's file instead. (An outcome keeps its index, "outcomes[i]", among the
// outcomes read: health.ReadOutcomes yields outcomes without their lines.)
func (in *input) locate(err error) error {
	if in.file == "" {
		return err
	}
	var fe *cs.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	rest, ok := strings.CutPrefix(fe.Field, "observations[")
	end := strings.IndexByte(rest, ']')
	if !ok || end < 0 {
		return err
	}
	i, e := strconv.Atoi(rest[:end])
	if e != nil || i < 0 || i >= len(in.lines) {
		return err
	}
	located := *fe
	located.File, located.Line = in.file, in.lines[i]
	located.Field = strings.TrimPrefix(rest[end+1:], ".")
	return fmt.Errorf("health: %w", &located)
}
