package csbeam

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csvx"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/retention"
)

// RetentionOptions configure Retention.
type RetentionOptions struct {
	// Book is retention.NewBook's options: the reporting currency and your rates.
	Book retention.Options
	// ChunkBytes is the chunk size of the reader; 0 means DefaultChunkBytes.
	ChunkBytes int
	// Buckets is the number of customer groups; 0 means DefaultBuckets.
	Buckets int
}

// RetentionReport is what Retention computes over the whole book: the report of
// every month against the previous one and the cohort table, exactly as a
// retention.Book over all the records gives them.
type RetentionReport struct {
	Currency cs.Currency `json:"currency"`
	// First and Last are the book's month range.
	First retention.Month `json:"first"`
	Last  retention.Month `json:"last"`
	// Periods[i] is Book.Period(First+i, First+i+1): MRR movements, GRR and NRR
	// (their methods), logo churn under every convention, and the counts.
	Periods []retention.Period `json:"periods"`
	// Cohorts is Book.Cohorts().
	Cohorts []retention.Cohort `json:"cohorts"`
	// Customers counts the customers in the book (bad ones left out).
	Customers int `json:"customers"`
}

// RetentionOutput is the output of Retention.
type RetentionOutput struct {
	Report beam.PCollection // one RetentionReport
	Dead   beam.PCollection // DeadLetter
}

// Retention reads mrr.csv files (customer_id,subscription_id,month,mrr,currency;
// each chunk read by retention.ReadMRR), groups the records by customer
// (customers in DefaultBuckets groups), builds each group's retention.Book over
// the whole book's month range and adds the groups' monthly Periods and cohorts
// up into one RetentionReport.
//
// Exact: each group's book is retention.NewBook on its customers' records with the
// whole book's month range fixed (Options.First and Options.Last, unless you set
// them: found in a first pass over the records by NewBook's own rule, which drops
// a month more than 24 months from the main body of the book's months), so New
// and Reactivation and the cohort of the first month are classified as in the
// whole book; the groups' Periods and cohorts are then added with
// retention.Period.Add and retention.AddCohorts, which the library documents as
// exact in any order. The report equals that of retention.ReadBook over all the
// files' records: amounts compare Equal, counts are equal.
//
// As in ReadBook, a bad line (a malformed month, amount or currency, a wrong
// number of fields) or a bad record (a repeated customer/subscription/month, a
// month far from the others) is a DeadLetter with the library's error, file and
// line, and leaves its customer out of the report entirely. Faults of the whole
// input fail the pipeline with the library's error: two currencies without a
// reporting currency, a currency without a rate for some month
// (retention.ErrNoRate), a range of months over retention.MaxMonths. Not the
// same: a file whose header ReadBook refuses, or with a quote left open, fails
// ReadBook; here it is a DeadLetter and the other files still count.
func Retention(s beam.Scope, files []string, opt RetentionOptions) (RetentionOutput, error) {
	s = s.Scope("Retention")
	book, err := json.Marshal(opt.Book)
	if err != nil {
		return RetentionOutput{}, fmt.Errorf("csbeam: Retention: %w", err)
	}
	chunks, dead0 := Chunks(s, "Retention", files, ReadOptions{Format: CSV, ChunkBytes: opt.ChunkBytes})
	recs, dead1 := beam.ParDo2(s, &decodeMRRFn{Buckets: opt.Buckets}, chunks)
	// Every group gets the whole book's bounds by joining them on its key: a
	// singleton side input would do, but prism (v2.78.0) now and then serves it
	// empty to a small pipeline ("got 0 values, want one value for Singleton
	// side input").
	bounds := beam.Combine(s, mergeBounds, beam.ParDo(s, recordBounds, recs))
	keyed := beam.ParDo(s, &everyGroupFn{Buckets: opt.Buckets}, bounds)
	parts, dead2 := beam.ParDo2(s, &retentionFn{Book: string(book)}, beam.CoGroupByKey(s, recs, keyed))
	report := beam.ParDo(s, finishRetention, beam.Combine(s, mergeRetention, parts))
	return RetentionOutput{Report: report, Dead: beam.Flatten(s, dead0, dead1, dead2)}, nil
}

// decodeMRRFn reads a chunk of mrr.csv with retention.ReadMRR and keys each
// record by its customer's group. A line that cannot be read is a DeadLetter;
// when it names a usable customer ID, a marker record with Bad set follows it to
// the group, which leaves that customer out, as retention.ReadBook does.
type decodeMRRFn struct {
	Buckets int `json:"buckets"`
	b       batches[MRRRecord]
}

func (f *decodeMRRFn) FinishBundle(emit func(int, MRRBatch), _ func(DeadLetter)) {
	f.b.flush(func(k int, s []MRRRecord) { emit(k, MRRBatch{s}) })
}

func (f *decodeMRRFn) ProcessElement(ctx context.Context, c Chunk, emitBatch func(int, MRRBatch), dead func(DeadLetter)) {
	full := func(k int, s []MRRRecord) { emitBatch(k, MRRBatch{s}) }
	emit := func(r MRRRecord) { f.b.add(bucketOf(r.Rec.Customer, f.Buckets), r, full) }
	col := headerColumn(&c, "customer_id")
	readChunk(&c, retention.ReadMRR(c.records(), c.File), func(line int, cells []string, x retention.Record, err error) {
		if err == nil {
			emit(MRRRecord{File: c.File, Line: line, Rec: x})
			return
		}
		dead(deadLetter(ctx, "Retention", c.File, line, "", err))
		// The error clips the ID to 64 bytes: the cell gives it whole.
		if col >= 0 && col < len(cells) && cs.CheckID(cells[col]) == nil {
			emit(MRRRecord{File: c.File, Line: line, Rec: retention.Record{Customer: strings.Clone(cells[col])}, Bad: true})
		}
	})
}

// headerColumn returns the position of the column name in the chunk's header,
// or -1.
func headerColumn(c *Chunk, name string) int {
	rd := csvx.NewReader(strings.NewReader(c.Header), csvx.Options{}, func(_ int, _, _ string, err error) error { return err })
	head, err := rd.Header(cs.ErrMissing)
	if err != nil {
		return -1
	}
	return slices.Index(head, name)
}

// bounds is what the groups need to know of the whole book: the months of its
// records with their numbers of records, and their currencies, as
// retention.ReadBook counts them (the records read, bad customers' included).
// Its zero value, no record, is the identity of mergeBounds, as a combine's
// fresh accumulator must be.
type bounds struct {
	Months     []monthCount  // ascending; years 1 to 9999 only
	Currencies []cs.Currency // sorted
}

type monthCount struct {
	Month int32 // retention.Month
	N     int64
}

// Coders are plain functions, one per type: the workers find a registered
// function by its name, and every instantiation of a generic function has the
// same name ("encJSON[...]"), so generic coders would decode one type as another.
func init() {
	beam.RegisterCoder(reflect.TypeFor[bounds](), encBounds, decBounds)
	beam.RegisterCoder(reflect.TypeFor[retAcc](), encRetAcc, decRetAcc)
}

func encBounds(b bounds) ([]byte, error) { return json.Marshal(b) }

func decBounds(p []byte) (bounds, error) {
	var b bounds
	err := json.Unmarshal(p, &b)
	return b, err
}

func encRetAcc(a retAcc) ([]byte, error) { return json.Marshal(a) }

func decRetAcc(p []byte) (retAcc, error) {
	var a retAcc
	err := json.Unmarshal(p, &a)
	return a, err
}

// validMonth reports whether a book may hold m at all: years 1 to 9999.
func validMonth(m retention.Month) bool {
	return m >= retention.NewMonth(1, 1) && m <= retention.NewMonth(9999, 12)
}

func recordBounds(_ int, batch MRRBatch) bounds {
	var months []monthCount
	var curs []cs.Currency
	for _, r := range batch.Recs {
		if r.Bad {
			continue
		}
		if c := r.Rec.MRR.Currency(); c != "" && !slices.Contains(curs, c) {
			curs = append(curs, c)
		}
		if m := r.Rec.Month; validMonth(m) {
			months = append(months, monthCount{int32(m), 1})
		}
	}
	slices.SortFunc(months, func(a, b monthCount) int { return cmp.Compare(a.Month, b.Month) })
	slices.Sort(curs)
	return bounds{Months: addMonths(nil, months), Currencies: curs}
}

// everyGroupFn sends the whole book's bounds to every customer group.
type everyGroupFn struct {
	Buckets int `json:"buckets"`
}

func (f *everyGroupFn) ProcessElement(b bounds, emit func(int, bounds)) {
	n := f.Buckets
	if n <= 0 {
		n = DefaultBuckets
	}
	for k := range n {
		emit(k, b)
	}
}

func mergeBounds(a, b bounds) bounds {
	curs := append(slices.Clone(a.Currencies), b.Currencies...)
	slices.Sort(curs)
	return bounds{Months: addMonths(slices.Clone(a.Months), b.Months), Currencies: slices.Compact(curs)}
}

// addMonths merges the ascending counts b into the ascending counts a (whose
// months may repeat in b, not in a), adding the counts of equal months.
func addMonths(a, b []monthCount) []monthCount {
	out := make([]monthCount, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var x monthCount
		if j == len(b) || i < len(a) && a[i].Month <= b[j].Month {
			x, i = a[i], i+1
		} else {
			x, j = b[j], j+1
		}
		if k := len(out) - 1; k >= 0 && out[k].Month == x.Month {
			out[k].N += x.N
		} else {
			out = append(out, x)
		}
	}
	return out
}

// maxGap is retention's largest distance in months between a record and the
// book's main body of months (see body).
const maxGap = 24

// body returns the months the whole book covers when its range is not fixed,
// by retention.NewBook's rule: the range of the records' months, unless they
// span more than 24 months, in which case the largest run of records (by
// number) whose successive months are at most 24 apart, the earliest such run
// on a tie; the records outside it are bad records. ok is false when there is
// no month.
func (b bounds) body() (lo, hi retention.Month, ok bool) {
	if len(b.Months) == 0 {
		return 0, 0, false
	}
	lo, hi = retention.Month(b.Months[0].Month), retention.Month(b.Months[len(b.Months)-1].Month)
	if int(hi-lo) <= maxGap {
		return lo, hi, true
	}
	best := int64(-1)
	var n int64
	start, prev := 0, 0
	for k, mc := range b.Months {
		if k > 0 && int(mc.Month-b.Months[prev].Month) > maxGap {
			if n > best {
				best, lo, hi = n, retention.Month(b.Months[start].Month), retention.Month(b.Months[prev].Month)
			}
			start, n = k, 0
		}
		n += mc.N
		prev = k
	}
	if n > best {
		lo, hi = retention.Month(b.Months[start].Month), retention.Month(b.Months[prev].Month)
	}
	return lo, hi, true
}

// retAcc is a partial report: the sum of some customers' monthly Periods and
// cohorts.
//
// Its zero value, no customer, is the identity of mergeRetention; First is an
// int32 month so that the zero value encodes.
type retAcc struct {
	First     int32              `json:"first"`
	Currency  cs.Currency        `json:"currency"`
	Periods   []retention.Period `json:"periods"`
	Cohorts   []retention.Cohort `json:"cohorts"` // by Start
	Customers int                `json:"customers"`
	Err       string             `json:"err,omitempty"`
}

// retentionFn builds the book of one group of customers over the whole book's
// range.
type retentionFn struct {
	Book string `json:"book"`

	opt retention.Options
	c   counters
}

func (f *retentionFn) Setup() error {
	f.c = newCounters("Retention")
	return json.Unmarshal([]byte(f.Book), &f.opt)
}

func (f *retentionFn) ProcessElement(ctx context.Context, _ int, it func(*MRRBatch) bool, bs func(*bounds) bool,
	emit func(retAcc), dead func(DeadLetter)) error {
	var b bounds
	if !bs(&b) {
		return errors.New("csbeam: Retention: a group without the book's bounds")
	}
	var all []MRRRecord
	var batch MRRBatch
	bad := map[string]bool{}
	for it(&batch) {
		for _, r := range batch.Recs {
			if r.Bad {
				bad[r.Rec.Customer] = true // its bad lines are dead letters already
				continue
			}
			all = append(all, r)
		}
	}
	f.c.in.Inc(ctx, int64(len(all)))
	opt, err := f.options(b)
	if err != nil || opt.First == 0 {
		return err // no record in the whole book: no report
	}
	// The runner delivers a group in no particular order: sort by file and line, so
	// record indexes, and so the errors NewBook reports, do not depend on it.
	slices.SortFunc(all, func(x, y MRRRecord) int { return cmp.Or(strings.Compare(x.File, y.File), x.Line-y.Line) })
	for _, r := range all {
		if err := f.monthErr(r.Rec.Month, opt, b); err != nil {
			fe := &cs.FieldError{File: r.File, Line: r.Line, Record: errs.Clip(r.Rec.Customer), Field: "month", Value: r.Rec.Month.String(), Err: err}
			dead(deadLetter(ctx, "Retention", r.File, r.Line, r.Rec.Customer, fmt.Errorf("retention: %w", fe)))
			bad[r.Rec.Customer] = true
		}
	}
	recs := slices.DeleteFunc(all, func(r MRRRecord) bool { return bad[r.Rec.Customer] })
	if len(recs) == 0 {
		return nil
	}
	book, err := retention.NewBook(records(recs), opt)
	if err != nil {
		return err // a fault of the whole input, as the library reports it
	}
	for _, e := range bookErrors(book, recs, opt) {
		var fe *cs.FieldError
		file, line := "", 0
		if errors.As(e, &fe) {
			file, line = fe.File, fe.Line
		}
		dead(deadLetter(ctx, "Retention", file, line, "", e))
	}
	first, last := book.Months()
	acc := retAcc{First: int32(first), Currency: book.Currency(), Customers: book.Len(), Cohorts: book.Cohorts()}
	acc.Periods = make([]retention.Period, 0, int(last-first))
	for m := first; m < last; m++ {
		p, err := book.Period(m, m+1)
		if err != nil {
			return err
		}
		acc.Periods = append(acc.Periods, p)
	}
	f.c.out.Inc(ctx, int64(acc.Customers))
	emit(acc)
	return nil
}

// options returns the options of every group's book: the caller's, with the
// whole book's reporting currency (a group's own book would otherwise take the
// group's single currency) and, unless the caller fixed one, the whole book's
// range of months. First is 0 when the book has no month.
func (f *retentionFn) options(b bounds) (retention.Options, error) {
	opt := f.opt
	if opt.Currency == "" {
		if len(b.Currencies) > 1 {
			return opt, fmt.Errorf("retention: records in %s with no reporting currency: %w", joinCurrencies(b.Currencies), cs.ErrCurrencyMismatch)
		}
		if len(b.Currencies) == 1 {
			opt.Currency = b.Currencies[0]
		}
	}
	if opt.First == 0 && opt.Last == 0 {
		opt.First, opt.Last, _ = b.body()
	}
	return opt, nil
}

// monthErr is retention.ReadBook's error for a record in month m that no book
// may hold (years outside 1 to 9999) or, when the caller fixed no range, that
// is far from the book's main body of months; the months outside a range the
// caller fixed are refused by NewBook itself.
func (f *retentionFn) monthErr(m retention.Month, opt retention.Options, b bounds) error {
	switch {
	case !validMonth(m):
		return fmt.Errorf("%w: want years 0001 to 9999", retention.ErrMonth)
	case f.opt.First != 0 || f.opt.Last != 0 || m >= opt.First && m <= opt.Last:
		return nil
	}
	d := int(opt.First - m)
	if m > opt.Last {
		d = int(m - opt.Last)
	}
	return fmt.Errorf("%w: %d months from the book's other months (%s to %s)", retention.ErrMonth, d, opt.First, opt.Last)
}

func records(recs []MRRRecord) []retention.Record {
	in := make([]retention.Record, len(recs))
	for i := range recs {
		in[i] = recs[i].Rec
	}
	return in
}

// bookErrors returns an error per bad record of book, which NewBook built from
// recs, located by the record's file and line. Book.Err keeps the first
// errs.MaxProblems of them and counts the rest; when there are more, the bad
// customers' records are built again, in halves, until every part's errors are
// all kept. Customers are independent in a book of fixed range, so a part's
// errors are those the whole group found.
func bookErrors(book *retention.Book, recs []MRRRecord, opt retention.Options) []error {
	kept := locateBookErrors(book.Err(), recs)
	if len(kept) >= book.Bad() {
		return kept
	}
	good := book.Customers()
	var badRecs []MRRRecord
	for _, r := range recs {
		if _, ok := slices.BinarySearch(good, r.Rec.Customer); !ok {
			badRecs = append(badRecs, r)
		}
	}
	return partErrors(badRecs, opt)
}

func partErrors(recs []MRRRecord, opt retention.Options) []error {
	book, err := retention.NewBook(records(recs), opt)
	if err != nil {
		return []error{err}
	}
	kept := locateBookErrors(book.Err(), recs)
	if len(kept) >= book.Bad() {
		return kept
	}
	// Halves by customer, then, for one customer, by month, then by subscription:
	// the copies of a subscription's month stay together.
	for _, key := range []func(MRRRecord) string{
		func(r MRRRecord) string { return r.Rec.Customer },
		func(r MRRRecord) string { return fmt.Sprintf("%08d", int64(r.Rec.Month)) },
		func(r MRRRecord) string { return r.Rec.Subscription },
	} {
		keys := make([]string, len(recs))
		for i, r := range recs {
			keys[i] = key(r)
		}
		slices.Sort(keys)
		keys = slices.Compact(keys)
		if len(keys) < 2 {
			continue
		}
		mid := keys[len(keys)/2]
		var lo, hi []MRRRecord
		for _, r := range recs {
			if key(r) < mid {
				lo = append(lo, r)
			} else {
				hi = append(hi, r)
			}
		}
		return append(partErrors(lo, opt), partErrors(hi, opt)...)
	}
	// More than errs.MaxProblems copies of one subscription's month: NewBook
	// refuses every copy after the first, as here.
	out := make([]error, 0, len(recs)-1)
	for _, r := range recs[1:] {
		out = append(out, fmt.Errorf("retention: %w", &cs.FieldError{File: r.File, Line: r.Line, Record: errs.Clip(r.Rec.Customer),
			Field: "subscription_id", Value: errs.Clip(r.Rec.Subscription), Err: fmt.Errorf("%w in %s", cs.ErrDuplicate, r.Rec.Month)}))
	}
	return out
}

// locateBookErrors returns the errors of Book.Err one by one, each naming the
// file and line of its record: NewBook names a record by its index in the slice
// it was given ("[3].month"), which is recs's.
func locateBookErrors(err error, recs []MRRRecord) []error {
	var out []error
	walkFieldErrors(err, func(fe *cs.FieldError) {
		if rest, ok := strings.CutPrefix(fe.Field, "["); ok {
			if i, field, ok := strings.Cut(rest, "]."); ok {
				if k, err := strconv.Atoi(i); err == nil && k >= 0 && k < len(recs) {
					fe.File, fe.Line, fe.Field = recs[k].File, recs[k].Line, field
				}
			}
		}
		out = append(out, fmt.Errorf("retention: %w", fe))
	})
	return out
}

func joinCurrencies(cs []cs.Currency) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// mergeRetention adds two partial reports with retention.Period.Add and
// retention.AddCohorts: every amount exactly, every count as an integer.
func mergeRetention(a, b retAcc) retAcc {
	switch {
	case a.Err != "":
		return a
	case b.Err != "":
		return b
	case a.Customers == 0 && a.Periods == nil && a.Cohorts == nil:
		return b
	case b.Customers == 0 && b.Periods == nil && b.Cohorts == nil:
		return a
	}
	if a.First != b.First || len(a.Periods) != len(b.Periods) {
		return retAcc{Err: fmt.Sprintf("csbeam: partial reports over different months (%s+%d, %s+%d)",
			retention.Month(a.First), len(a.Periods), retention.Month(b.First), len(b.Periods))}
	}
	out := retAcc{First: a.First, Currency: a.Currency, Customers: a.Customers + b.Customers}
	out.Periods = make([]retention.Period, len(a.Periods))
	var err error
	for i := range a.Periods {
		if out.Periods[i], err = a.Periods[i].Add(b.Periods[i]); err != nil {
			return retAcc{Err: err.Error()}
		}
	}
	if out.Cohorts, err = retention.AddCohorts(a.Cohorts, b.Cohorts); err != nil {
		return retAcc{Err: err.Error()}
	}
	return out
}

func finishRetention(a retAcc) (RetentionReport, error) {
	if a.Err != "" {
		return RetentionReport{}, errors.New(a.Err)
	}
	first := retention.Month(a.First)
	return RetentionReport{Currency: a.Currency, First: first, Last: first.Add(len(a.Periods)),
		Periods: a.Periods, Cohorts: a.Cohorts, Customers: a.Customers}, nil
}
