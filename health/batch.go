package health

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"strconv"
	"sync"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Input is one record of a batch: a customer and the overrides on file for it.
type Input struct {
	Customer  *cs.Customer // the customer to score; nil is a bad record
	Overrides []Override   // its overrides, active or not
}

// batchSize is the number of records a worker scores per unit of work.
const batchSize = 64

type batch struct {
	seq     int
	start   int
	items   []Input
	results []Result
	errs    []error
}

// Batch scores a stream of records as of one date with up to workers
// goroutines (workers ≤ 0 means GOMAXPROCS) and calls emit once per record, in
// input order, from the calling goroutine. A bad record (no profile, an
// invalid override, a NaN signal, a nil customer) reaches emit with a zero
// Result and an error whose *cs.FieldError path starts with the record's 0-based
// index ("[3].signals.usage"); the others are scored all the same. Results do
// not depend on the worker count.
//
// Batch returns the first error emit returns, or ctx's error if ctx is
// cancelled before the stream is exhausted, or nil. It reads in from one
// goroutine and keeps at most a few batches of 64 records per worker in memory.
func (s *Scorer) Batch(ctx context.Context, asOf cs.Date, in iter.Seq[Input], workers int,
	emit func(index int, r Result, err error) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *batch, workers)
	done := make(chan *batch, workers)
	window := make(chan struct{}, 2*workers)

	send := func(b *batch) bool {
		select {
		case window <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		select {
		case jobs <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(jobs)
		b := &batch{}
		for x := range in {
			if ctx.Err() != nil {
				return
			}
			b.items = append(b.items, x)
			if len(b.items) == batchSize {
				if !send(b) {
					return
				}
				b = &batch{seq: b.seq + 1, start: b.start + batchSize}
			}
		}
		if len(b.items) > 0 {
			send(b)
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.results = make([]Result, len(b.items))
				b.errs = make([]error, len(b.items))
				for i, x := range b.items {
					b.errs[i] = s.scoreRecord(&b.results[i], b.start+i, x, asOf)
				}
				select {
				case done <- b:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	pending := map[int]*batch{}
	next := 0
	var err error
	for b := range done {
		if err != nil {
			continue // draining after a failure
		}
		pending[b.seq] = b
		for {
			pb, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for i := range pb.items {
				if err = emit(pb.start+i, pb.results[i], pb.errs[i]); err != nil {
					cancel()
					break
				}
			}
			<-window
			if err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	return ctx.Err()
}

// scoreRecord scores one batch record into r, locating any error at the
// record's index.
func (s *Scorer) scoreRecord(r *Result, index int, x Input, asOf cs.Date) error {
	path := "[" + strconv.Itoa(index) + "]"
	if x.Customer == nil {
		return at(path, fmt.Errorf("nil customer: %w", cs.ErrMissing))
	}
	if err := s.ScoreInto(r, x.Customer, asOf, x.Overrides...); err != nil {
		*r = Result{}
		return at(path, err)
	}
	return nil
}

// ScoreBook scores a slice of customers in parallel (workers ≤ 0 means
// GOMAXPROCS), with overrides looked up by customer ID (nil for none). It
// returns one Result per customer in input order — the zero Result for a bad
// record — and the bad records' errors (located as Batch's) in input order, at
// most ten of them and then how many more.
func (s *Scorer) ScoreBook(ctx context.Context, asOf cs.Date, customers []cs.Customer,
	overrides map[string][]Override, workers int) ([]Result, error) {
	results := make([]Result, len(customers))
	var list errs.List
	in := func(yield func(Input) bool) {
		for i := range customers {
			c := &customers[i]
			if !yield(Input{Customer: c, Overrides: overrides[c.ID]}) {
				return
			}
		}
	}
	err := s.Batch(ctx, asOf, in, workers, func(i int, r Result, err error) error {
		results[i] = r
		list.Add(err)
		return nil
	})
	if err != nil {
		return results, err
	}
	return results, list.Err()
}
