package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/store"
)

// runRequest is the body of POST /v1/runs.
type runRequest struct {
	AsOf cs.Date `json:"as_of"`
	// Rewrite allows a date before the latest run: that run and every later
	// one are replaced (the store's RunInfo.Rewrite).
	Rewrite bool `json:"rewrite"`
}

// postRun runs the cycle for a date on the inputs staged for it, in one
// store transaction, by the token's name: 201 with the run and its report.
// Re-running a date replaces that run. A SIGTERM during the run lets it
// finish (or, past the shutdown timeout, the store rolls it back).
func (c *call) postRun() error {
	if c.s.cycle == nil && c.s.run == nil {
		return unavailable("this server runs no cycle")
	}
	var req runRequest
	if err := c.decodeBody(&req); err != nil {
		return err
	}
	if req.AsOf.IsZero() {
		return invalidBody(&cs.FieldError{Field: "as_of", Err: cs.ErrMissing}, "")
	}
	files, err := c.s.stagedFiles(req.AsOf)
	if err != nil {
		return err
	}
	dir, _ := c.s.stagingDir(req.AsOf)
	in := cycle.Input{AsOf: req.AsOf}
	var names []string
	var opened []*os.File
	defer func() {
		for _, f := range opened {
			f.Close()
		}
	}()
	for _, f := range files {
		path := filepath.Join(dir, f.File)
		names = append(names, f.File)
		if f.Kind == "customers" {
			in.Customers = customerSource(path, f.File)
			continue
		}
		fh, err := os.Open(path)
		if err != nil {
			return err
		}
		opened = append(opened, fh)
		file := cycle.File{Name: f.File, R: bufio.NewReaderSize(fh, 1<<16)}
		switch f.Kind {
		case "contacts":
			in.Contacts = file
		case "case_events":
			in.CaseEvents = file
		case "surveys":
			in.Surveys = file
		case "mrr":
			in.MRR = file
		}
	}
	if in.Customers == nil {
		return invalidBody(&cs.FieldError{Field: "as_of", Value: req.AsOf.String(),
			Err: errors.New("no customers staged for this date: PUT /v1/inputs/" + req.AsOf.String() + "/customers first")}, "")
	}
	run := c.s.run
	if run == nil {
		run = func(ctx context.Context, in cycle.Input, inputs []string, by string, at time.Time, rewrite bool) (store.Run, *cycle.Report, error) {
			r, res, err := RunWeek(ctx, c.s.store, c.s.cycle, in, store.RunInfo{AsOf: in.AsOf, At: at, By: by, Inputs: inputs, Rewrite: rewrite})
			if err != nil {
				return r, nil, err
			}
			return r, &res.Report, nil
		}
	}
	stored, rep, err := run(c.r.Context(), in, names, c.id.Name, c.s.now(), req.Rewrite)
	if err != nil {
		if errors.Is(err, store.ErrPastRun) || errors.Is(err, cs.ErrDateOrder) {
			return newProblem("conflict", fmt.Sprintf(`as_of %s is before the latest run: send "rewrite": true to replace that run and every later one`, req.AsOf))
		}
		return storeError(err, "")
	}
	b, err := marshalLine(rep)
	if err != nil {
		return err
	}
	c.w.Header().Set("Location", "/v1/runs/"+stored.AsOf.String())
	return writeStatusJSON(c.w, http.StatusCreated, runDetail{Run: stored, Report: b})
}

// customerSource reads the staged customers each time the cycle asks: CSV
// or JSON Lines by the file's extension.
func customerSource(path, name string) cycle.Source {
	return func() iter.Seq2[cs.Customer, error] {
		return func(yield func(cs.Customer, error) bool) {
			f, err := os.Open(path)
			if err != nil {
				yield(cs.Customer{}, err)
				return
			}
			defer f.Close()
			var r io.Reader = f
			seq := cs.ReadCustomersCSV(r, name)
			if filepath.Ext(name) == ".jsonl" {
				seq = cs.ReadCustomersJSONL(r, name)
			}
			for c, err := range seq {
				if !yield(c, err) {
					return
				}
			}
		}
	}
}
