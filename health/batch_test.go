package health

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/successkit/cs"
)

func bookOf(n int) []cs.Customer {
	book := make([]cs.Customer, n)
	for i := range book {
		book[i] = cs.Customer{ID: fmt.Sprintf("c%04d", i), Signals: cs.Signals{
			"usage": float64(i%17) / 16, "logins_30d": float64(i % 23), "nps": float64(i % 11)}}
		if i%5 == 0 {
			delete(book[i].Signals, "nps")
		}
	}
	return book
}

func TestScoreBook(t *testing.T) {
	s := mustCompile(t, twoGroups())
	book := bookOf(1000)
	book[10].Signals["usage"] = math.NaN() // a bad record
	book[700].Signals["nps"] = math.Inf(1) // another
	var want []Result
	for i := range book {
		r, err := s.Score(&book[i], day)
		if (err != nil) != (i == 10 || i == 700) {
			t.Fatalf("record %d: %v", i, err)
		}
		want = append(want, r)
	}
	for _, workers := range []int{1, 2, 5} {
		got, err := s.ScoreBook(context.Background(), day, book, nil, workers)
		var fe *cs.FieldError
		if !errors.As(err, &fe) || fe.Field != "[10].signals.usage" || fe.Record != "c0010" || !errors.Is(err, cs.ErrNotFinite) {
			t.Fatalf("workers %d: error %v, want record 10 first", workers, err)
		}
		if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 2 {
			t.Errorf("workers %d: %d errors, want 2", workers, n)
		}
		if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Result{}, GroupResult{})); d != "" {
			t.Fatalf("workers %d (-want +got):\n%s", workers, d)
		}
	}
}

func TestBatchCancel(t *testing.T) {
	s := mustCompile(t, twoGroups())
	book := bookOf(5000)
	ctx, cancel := context.WithCancel(context.Background())
	seen := 0
	in := func(yield func(Input) bool) {
		for i := range book {
			if !yield(Input{Customer: &book[i]}) {
				return
			}
		}
	}
	err := s.Batch(ctx, day, in, 3, func(i int, r Result, err error) error {
		if i != seen {
			t.Fatalf("emitted %d, want %d", i, seen)
		}
		seen++
		if i == 100 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || seen >= len(book) {
		t.Errorf("Batch after cancel = %v having seen %d", err, seen)
	}
	stop := errors.New("stop")
	err = s.Batch(context.Background(), day, in, 2, func(i int, r Result, err error) error {
		if i == 70 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("Batch with a failing emit = %v, want stop", err)
	}
}
