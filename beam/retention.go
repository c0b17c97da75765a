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
// layout of retention.ReadMRR), groups the records by customer, builds each
// customer's retention.Book over the whole book's month range and adds the
// customers' monthly Periods and cohorts up into one RetentionReport.
//
// Exact: a Period and a cohort table are sums over customers of each customer's
// movements, amounts and counts, and every amount is an exact decimal, so adding
// the per-customer parts in any order gives the book's numbers exactly (amounts
// compare Equal, counts are equal). Each customer's book is retention.NewBook on its
// own records padded with zero-MRR records at the book's first and last month,
// which fixes its month range to the book's, so New and Reactivation and the
// cohort of the first month are classified as in the whole book.
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
	recs, dead1 := beam.ParDo2(s, decodeMRR, chunks)
	bounds := beam.Combine(s, mergeBounds, beam.ParDo(s, recordBounds, recs))
	parts, dead2 := beam.ParDo2(s, &retentionFn{Book: string(book)}, beam.GroupByKey(s, recs), beam.SideInput{Input: bounds})
	report := beam.ParDo(s, finishRetention, beam.Combine(s, mergeRetention, parts))
	return RetentionOutput{Report: report, Dead: beam.Flatten(s, dead0, dead1, dead2)}, nil
}

// padSubscription names the zero-MRR records that fix a customer's book to the
// whole book's month range. It starts with a NUL byte, which no CSV export
// produces, so it cannot collide with a real subscription.
const padSubscription = "\x00csbeam-range"

// decodeMRR reads a chunk of mrr.csv as retention.ReadMRR does and keys each record
// by its customer. A line that cannot be read is a DeadLetter; when it names its
// customer, a marker record with Bad set follows it to the customer's group, which
// leaves that customer out, as ReadMRR does.
func decodeMRR(ctx context.Context, c Chunk, emit func(string, MRRRecord), dead func(DeadLetter)) {
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
			emit(id, MRRRecord{File: c.File, Line: line, Rec: retention.Record{Customer: id}, Bad: true})
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
		emit(rec.Customer, MRRRecord{File: c.File, Line: line, Rec: rec})
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

func recordBounds(_ string, r MRRRecord) bounds {
	m := r.Rec.Month
	if r.Bad || m < retention.NewMonth(1, 1) || m > retention.NewMonth(9999, 12) {
		return bounds{}
	}
	b := bounds{Set: true, Lo: int32(m), Hi: int32(m)}
	if c := r.Rec.MRR.Currency(); c != "" {
		b.Currencies = []cs.Currency{c}
	}
	return b
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

// retentionFn builds one customer's book over the whole book's range.
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

// optionsWire is retention.Options as JSON with months as numbers: a standing
// rate has the zero Month, whose text ("0000-01") retention.Month does not read
// back.
type optionsWire struct {
	Currency cs.Currency `json:"currency"`
	Rates    []rateWire  `json:"rates"`
}

type rateWire struct {
	From  cs.Currency     `json:"from"`
	Month int32           `json:"month"`
	Rate  decimal.Decimal `json:"rate"`
}

func optionsWireOf(o retention.Options) optionsWire {
	w := optionsWire{Currency: o.Currency}
	for _, r := range o.Rates {
		w.Rates = append(w.Rates, rateWire{From: r.From, Month: int32(r.Month), Rate: r.Rate})
	}
	return w
}

func (w optionsWire) options() retention.Options {
	o := retention.Options{Currency: w.Currency}
	for _, r := range w.Rates {
		o.Rates = append(o.Rates, retention.Rate{From: r.From, Month: retention.Month(r.Month), Rate: r.Rate})
	}
	return o
}

func (f *retentionFn) ProcessElement(ctx context.Context, id string, it func(*MRRRecord) bool, b bounds,
	emit func(retAcc), dead func(DeadLetter)) error {
	var recs []MRRRecord
	var r MRRRecord
	bad := false
	for it(&r) {
		bad = bad || r.Bad
		recs = append(recs, r)
	}
	f.c.in.Inc(ctx, int64(len(recs)))
	if bad || !b.Set {
		return nil // the customer's bad lines are dead letters already
	}
	cur := f.opt.Currency
	if cur == "" {
		if len(b.Currencies) > 1 {
			return fmt.Errorf("retention: records in %s with no reporting currency: %w", joinCurrencies(b.Currencies), cs.ErrCurrencyMismatch)
		}
		if len(b.Currencies) == 1 {
			cur = b.Currencies[0]
		}
	}
	// The runner delivers a group in no particular order: sort by file and line, so
	// record indexes, and so the errors NewBook reports, do not depend on it.
	slices.SortFunc(recs, func(x, y MRRRecord) int {
		if c := strings.Compare(x.File, y.File); c != 0 {
			return c
		}
		return x.Line - y.Line
	})
	in := make([]retention.Record, 0, len(recs)+2)
	for i := range recs {
		in = append(in, recs[i].Rec)
	}
	zero, err := cs.MoneyFromMinor(0, cur)
	if err != nil {
		return fmt.Errorf("retention: reporting currency %q: %w", string(cur), cs.ErrUnknownCurrency)
	}
	in = append(in, retention.Record{Customer: id, Subscription: padSubscription, Month: retention.Month(b.Lo), MRR: zero})
	if b.Hi != b.Lo {
		in = append(in, retention.Record{Customer: id, Subscription: padSubscription, Month: retention.Month(b.Hi), MRR: zero})
	}
	book, err := retention.NewBook(in, f.opt)
	if err != nil {
		return err // a fault of the whole input, as the library reports it
	}
	if errs := book.Errors(); len(errs) > 0 {
		for _, e := range errs {
			var re *retention.RecordError
			file, line := "", 0
			if errors.As(e, &re) && re.Index < len(recs) {
				file, line = recs[re.Index].File, recs[re.Index].Line
				re.Line = line // the message then names the line, as ReadMRR's do
			}
			dead(deadLetter(ctx, "Retention", file, line, id, e))
		}
		return nil
	}
	first, last := book.Months()
	acc := retAcc{First: int32(first), Currency: book.Currency(), Customers: 1, Cohorts: book.Cohorts()}
	acc.Periods = make([]retention.Period, 0, int(last-first))
	for m := first; m < last; m++ {
		p, err := book.Period(m, m+1)
		if err != nil {
			return err
		}
		acc.Periods = append(acc.Periods, p)
	}
	f.c.out.Inc(ctx, 1)
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

// mergeRetention adds two partial reports: every amount exactly (cs.Money.Add),
// every count as an integer.
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
	var err error
	out.Periods = make([]retention.Period, len(a.Periods))
	for i := range a.Periods {
		if out.Periods[i], err = addPeriods(a.Periods[i], b.Periods[i]); err != nil {
			return retAcc{Err: err.Error()}
		}
	}
	if out.Cohorts, err = addCohorts(a.Cohorts, b.Cohorts); err != nil {
		return retAcc{Err: err.Error()}
	}
	return out
}

// addPeriods returns the Period of the union of two disjoint sets of customers over
// the same months: the sum of every amount and count.
func addPeriods(a, b retention.Period) (retention.Period, error) {
	if a.From != b.From || a.To != b.To {
		return retention.Period{}, fmt.Errorf("csbeam: add periods %s–%s and %s–%s", a.From, a.To, b.From, b.To)
	}
	s := moneyAdder{}
	p := retention.Period{From: a.From, To: a.To}
	p.StartMRR = s.add(a.StartMRR, b.StartMRR)
	p.EndMRR = s.add(a.EndMRR, b.EndMRR)
	p.New = s.add(a.New, b.New)
	p.Expansion = s.add(a.Expansion, b.Expansion)
	p.Contraction = s.add(a.Contraction, b.Contraction)
	p.Churn = s.add(a.Churn, b.Churn)
	p.Reactivation = s.add(a.Reactivation, b.Reactivation)
	p.FX = s.add(a.FX, b.FX)
	p.BaseMRR = s.add(a.BaseMRR, b.BaseMRR)
	p.RetainedMRR = s.add(a.RetainedMRR, b.RetainedMRR)
	p.KeptMRR = s.add(a.KeptMRR, b.KeptMRR)
	p.StartCustomers = a.StartCustomers + b.StartCustomers
	p.EndCustomers = a.EndCustomers + b.EndCustomers
	p.LostCustomers = a.LostCustomers + b.LostCustomers
	p.NewCustomers = a.NewCustomers + b.NewCustomers
	p.ReactivatedCustomers = a.ReactivatedCustomers + b.ReactivatedCustomers
	p.JoinedAndLeft = a.JoinedAndLeft + b.JoinedAndLeft
	return p, s.err
}

// addCohorts merges two cohort tables by start month, adding customers, active
// counts and amounts.
func addCohorts(a, b []retention.Cohort) ([]retention.Cohort, error) {
	s := moneyAdder{}
	out := make([]retention.Cohort, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i].Start < b[j].Start:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].Start < a[i].Start:
			out = append(out, b[j])
			j++
		default:
			x, y := a[i], b[j]
			if len(x.Ages) != len(y.Ages) {
				return nil, fmt.Errorf("csbeam: cohort %s: %d and %d ages", x.Start, len(x.Ages), len(y.Ages))
			}
			c := retention.Cohort{Start: x.Start, Customers: x.Customers + y.Customers, Ages: make([]retention.CohortAge, len(x.Ages))}
			for k := range x.Ages {
				c.Ages[k] = retention.CohortAge{Age: x.Ages[k].Age, Month: x.Ages[k].Month, Active: x.Ages[k].Active + y.Ages[k].Active,
					MRR: s.add(x.Ages[k].MRR, y.Ages[k].MRR), Base: s.add(x.Ages[k].Base, y.Ages[k].Base)}
			}
			out = append(out, c)
			i++
			j++
		}
	}
	return out, s.err
}

// moneyAdder adds amounts exactly and keeps the first error (a currency mismatch,
// which one reporting currency rules out).
type moneyAdder struct{ err error }

func (s *moneyAdder) add(a, b cs.Money) cs.Money {
	m, err := a.Add(b)
	if err != nil && s.err == nil {
		s.err = err
	}
	return m
}

func finishRetention(a retAcc) (RetentionReport, error) {
	if a.Err != "" {
		return RetentionReport{}, errors.New(a.Err)
	}
	first := retention.Month(a.First)
	return RetentionReport{Currency: a.Currency, First: first, Last: first.Add(len(a.Periods)),
		Periods: a.Periods, Cohorts: a.Cohorts, Customers: a.Customers}, nil
}
