package csbeam

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
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

// Retention reads mrr.csv files (customer_id,subscription_id,month,mrr,currency; the
// layout of retention.ReadMRR), groups the records by customer (customers in
// DefaultBuckets groups), builds each group's retention.Book over the whole book's
// month range and adds the groups' monthly Periods and cohorts up into one
// RetentionReport.
//
// Exact: each group's book is retention.NewBook on its customers' records with the
// whole book's month range fixed (Options.First and Options.Last, found in a first
// pass over the records unless you set them), so New and Reactivation and the
// cohort of the first month are classified as in the whole book; the groups'
// Periods and cohorts are then added with retention.Period.Add and
// retention.AddCohorts, which the library documents as exact in any order. The
// report equals that of one retention.Book over all the records: amounts compare
// Equal, counts are equal.
//
// As in the library, a bad line (a malformed month, amount or currency, a wrong
// number of fields) or a bad record (negative MRR, a repeated
// customer/subscription/month) is a DeadLetter and leaves its customer out of the
// report entirely. Faults of the whole input fail the pipeline with the library's
// error: two currencies without a reporting currency, a currency without a rate for
// some month (retention.ErrNoRate), records spanning more than 200 years.
func Retention(s beam.Scope, files []string, opt RetentionOptions) (RetentionOutput, error) {
	s = s.Scope("Retention")
	book, err := json.Marshal(optionsWireOf(opt.Book))
	if err != nil {
		return RetentionOutput{}, fmt.Errorf("csbeam: Retention: %w", err)
	}
	chunks, dead0 := Chunks(s, "Retention", files, ReadOptions{Format: CSV, ChunkBytes: opt.ChunkBytes})
	recs, dead1 := beam.ParDo2(s, &decodeMRRFn{Buckets: opt.Buckets}, chunks)
	bounds := beam.Combine(s, mergeBounds, beam.ParDo(s, recordBounds, recs))
	parts, dead2 := beam.ParDo2(s, &retentionFn{Book: string(book)}, beam.GroupByKey(s, recs), beam.SideInput{Input: bounds})
	report := beam.ParDo(s, finishRetention, beam.Combine(s, mergeRetention, parts))
	return RetentionOutput{Report: report, Dead: beam.Flatten(s, dead0, dead1, dead2)}, nil
}

// decodeMRRFn reads a chunk of mrr.csv as retention.ReadMRR does and keys each
// record by its customer's group. A line that cannot be read is a DeadLetter; when
// it names its customer, a marker record with Bad set follows it to the group,
// which leaves that customer out, as ReadMRR does.
type decodeMRRFn struct {
	Buckets int `json:"buckets"`
	b       batches[MRRRecord]
}

func (f *decodeMRRFn) FinishBundle(emit func(int, MRRBatch), _ func(DeadLetter)) {
	f.b.flush(func(k int, s []MRRRecord) { emit(k, MRRBatch{s}) })
}

func (f *decodeMRRFn) ProcessElement(ctx context.Context, c Chunk, emitBatch func(int, MRRBatch), dead func(DeadLetter)) {
	emit := func(k int, r MRRRecord) {
		f.b.add(k, r, func(k int, s []MRRRecord) { emitBatch(k, MRRBatch{s}) })
	}
	cr := csv.NewReader(c.records())
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		dead(deadLetter(ctx, "Retention", c.File, 1, "", fmt.Errorf("retention: mrr: header: %w", err)))
		return
	}
	col, err := mrrHeader(head)
	if err != nil {
		dead(deadLetter(ctx, "Retention", c.File, 1, "", err))
		return
	}
	bad := func(line int, id string, err error) {
		e := &retention.RecordError{Line: line, Customer: id, Err: err}
		dead(deadLetter(ctx, "Retention", c.File, line, id, e))
		if id != "" {
			emit(bucketOf(id, f.Buckets), MRRRecord{File: c.File, Line: line, Rec: retention.Record{Customer: id}, Bad: true})
		}
	}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad(c.lineOf(pe.Line), "", pe.Err)
			continue
		}
		if err != nil {
			dead(deadLetter(ctx, "Retention", c.File, 0, "", err))
			return
		}
		l, _ := cr.FieldPos(0)
		line := c.lineOf(l)
		if len(row) != len(head) {
			var id string
			if col[0] < len(row) {
				id = strings.Clone(row[col[0]])
			}
			bad(line, id, fmt.Errorf("%d fields, want %d: %w", len(row), len(head), cs.ErrMissing))
			continue
		}
		rec, err := parseMRRRow(row, col)
		if err != nil {
			bad(line, rec.Customer, err)
			continue
		}
		emit(bucketOf(rec.Customer, f.Buckets), MRRRecord{File: c.File, Line: line, Rec: rec})
	}
}

// mrrColumns are the columns of mrr.csv.
var mrrColumns = []string{"customer_id", "subscription_id", "month", "mrr", "currency"}

// mrrHeader maps mrr.csv's columns to their positions, with retention.ReadMRR's
// errors.
func mrrHeader(head []string) ([]int, error) {
	col := []int{-1, -1, -1, -1, -1}
	for i, h := range head {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		k := slices.Index(mrrColumns, h)
		if k < 0 {
			return nil, fmt.Errorf("retention: mrr line 1: column %q: %w", h, cs.ErrUnknownField)
		}
		if col[k] >= 0 {
			return nil, fmt.Errorf("retention: mrr line 1: column %q: %w", h, cs.ErrDuplicate)
		}
		col[k] = i
	}
	for k, i := range col {
		if i < 0 {
			return nil, fmt.Errorf("retention: mrr line 1: column %q: %w", mrrColumns[k], cs.ErrMissing)
		}
	}
	return col, nil
}

// parseMRRRow parses one row with the library's parsers and ReadMRR's messages.
func parseMRRRow(row []string, col []int) (retention.Record, error) {
	rec := retention.Record{Customer: strings.Clone(row[col[0]]), Subscription: strings.Clone(row[col[1]])}
	m, err := retention.ParseMonth(row[col[2]])
	if err != nil {
		return rec, fmt.Errorf("month %q: %w", row[col[2]], retention.ErrMonth)
	}
	rec.Month = m
	amt, err := cs.ParseDecimal(row[col[3]])
	if err != nil {
		return rec, fmt.Errorf("mrr %q: %w", row[col[3]], err)
	}
	cur, err := cs.ParseCurrency(row[col[4]])
	if err != nil {
		return rec, fmt.Errorf("currency %q: %w", row[col[4]], cs.ErrUnknownCurrency)
	}
	rec.MRR, _ = cs.NewMoney(amt, cur)
	return rec, nil
}

// bounds is the month range and the currencies of every record read, bad
// customers' too, as retention.NewBook takes them.
// Its zero value, no record, is the identity of mergeBounds, as a combine's
// fresh accumulator must be. Months are int32 so that every value, the empty ones
// included, encodes.
type bounds struct {
	Set        bool          // a record was seen
	Lo, Hi     int32         // months (retention.Month)
	Currencies []cs.Currency // sorted
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

func recordBounds(_ int, batch MRRBatch) bounds {
	var out bounds
	for _, r := range batch.Recs {
		m := r.Rec.Month
		if r.Bad || m < retention.NewMonth(1, 1) || m > retention.NewMonth(9999, 12) {
			continue
		}
		b := bounds{Set: true, Lo: int32(m), Hi: int32(m)}
		if c := r.Rec.MRR.Currency(); c != "" {
			b.Currencies = []cs.Currency{c}
		}
		out = mergeBounds(out, b)
	}
	return out
}

func mergeBounds(a, b bounds) bounds {
	if !a.Set {
		return b
	}
	if !b.Set {
		return a
	}
	out := bounds{Set: true, Lo: min(a.Lo, b.Lo), Hi: max(a.Hi, b.Hi), Currencies: append(slices.Clone(a.Currencies), b.Currencies...)}
	slices.Sort(out.Currencies)
	out.Currencies = slices.Compact(out.Currencies)
	return out
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
	var w optionsWire
	if err := json.Unmarshal([]byte(f.Book), &w); err != nil {
		return err
	}
	f.opt = w.options()
	return nil
}

func (f *retentionFn) ProcessElement(ctx context.Context, _ int, it func(*MRRBatch) bool, b bounds,
	emit func(retAcc), dead func(DeadLetter)) error {
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
	if !b.Set {
		return nil
	}
	// The runner delivers a group in no particular order: sort by file and line, so
	// record indexes, and so the errors NewBook reports, do not depend on it.
	recs := all[:0]
	for _, r := range all {
		if !bad[r.Rec.Customer] {
			recs = append(recs, r)
		}
	}
	if len(recs) == 0 {
		return nil
	}
	slices.SortFunc(recs, func(x, y MRRRecord) int {
		if c := strings.Compare(x.File, y.File); c != 0 {
			return c
		}
		return x.Line - y.Line
	})
	// The reporting currency is the book's: a group's own book would otherwise take
	// the group's single currency.
	opt := f.opt
	if opt.Currency == "" {
		if len(b.Currencies) > 1 {
			return fmt.Errorf("retention: records in %s with no reporting currency: %w", joinCurrencies(b.Currencies), cs.ErrCurrencyMismatch)
		}
		if len(b.Currencies) == 1 {
			opt.Currency = b.Currencies[0]
		}
	}
	if opt.First == 0 && opt.Last == 0 { // the whole book's range, unless the caller fixed one
		opt.First, opt.Last = retention.Month(b.Lo), retention.Month(b.Hi)
	}
	in := make([]retention.Record, len(recs))
	for i := range recs {
		in[i] = recs[i].Rec
	}
	book, err := retention.NewBook(in, opt)
	if err != nil {
		return err // a fault of the whole input, as the library reports it
	}
	for _, e := range book.Errors() {
		var re *retention.RecordError
		file, line, id := "", 0, ""
		if errors.As(e, &re) && re.Index < len(recs) {
			file, line, id = recs[re.Index].File, recs[re.Index].Line, re.Customer
			re.Line = line // the message then names the line, as ReadMRR's do
		}
		dead(deadLetter(ctx, "Retention", file, line, id, e))
	}
	first, last := book.Months()
	acc := retAcc{First: int32(first), Currency: book.Currency(), Customers: len(book.Customers()), Cohorts: book.Cohorts()}
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

// optionsWire is retention.Options as JSON with months as numbers: a standing
// rate has the zero Month, whose text ("0000-01") retention.Month does not read
// back.
type optionsWire struct {
	Currency    cs.Currency `json:"currency"`
	Rates       []rateWire  `json:"rates"`
	First, Last int32
}

type rateWire struct {
	From  cs.Currency     `json:"from"`
	Month int32           `json:"month"`
	Rate  decimal.Decimal `json:"rate"`
}

func optionsWireOf(o retention.Options) optionsWire {
	w := optionsWire{Currency: o.Currency, First: int32(o.First), Last: int32(o.Last)}
	for _, r := range o.Rates {
		w.Rates = append(w.Rates, rateWire{From: r.From, Month: int32(r.Month), Rate: r.Rate})
	}
	return w
}

func (w optionsWire) options() retention.Options {
	o := retention.Options{Currency: w.Currency, First: retention.Month(w.First), Last: retention.Month(w.Last)}
	for _, r := range w.Rates {
		o.Rates = append(o.Rates, retention.Rate{From: r.From, Month: retention.Month(r.Month), Rate: r.Rate})
	}
	return o
}
