package retention

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// Record is one row of MRR: a subscription's monthly recurring revenue in a month, as
// in mrr.csv (customer_id,subscription_id,month,mrr,currency). A customer's MRR for a
// month is the sum of its records for that month; a month with no record is 0.
type Record struct {
	Customer     string   // customer_id, not empty
	Subscription string   // subscription_id; a customer's records in a month are summed
	Month        Month    // the month the MRR is for
	MRR          cs.Money // ≥ 0, in a known currency
}

// Rate is a caller-supplied exchange rate: Rate units of the book's reporting
// currency per unit of From, valid for the whole of Month (for example the month's
// average or closing rate; the caller chooses and the book never guesses one). A
// Rate with the zero Month is a standing rate: it applies to every month of the
// book that has no rate of its own for From, so a constant rate is one Rate.
type Rate struct {
	From  cs.Currency     // the currency converted
	Month Month           // the month the rate is for; zero for a standing rate
	Rate  decimal.Decimal // reporting-currency units per unit of From, > 0
}

// Options configures NewBook. The zero Options is a single-currency book: every
// record must be in one currency, which becomes the reporting currency.
type Options struct {
	// Currency is the reporting currency. Empty means the single currency of the
	// records; a book with records in two currencies and no Currency is an error.
	Currency cs.Currency
	// Rates convert every other currency of the records into Currency. A currency
	// that occurs in the records needs a rate for every month of the book's range.
	Rates []Rate
	// First and Last fix the book's range of months, both included. Zero (both)
	// means the range of the records. With a fixed range a record outside it is a
	// bad record (ErrMonth) and its customer is left out, a book may hold no
	// customer at all, and books built from disjoint sets of customers with the
	// same Options report periods and cohorts that add up exactly (Period.Add,
	// AddCohorts) to those of the book of all of them. Setting only one of them,
	// First after Last, a month outside years 1 to 9999 or a range longer than
	// MaxMonths is an error wrapping ErrOption.
	First, Last Month
}

// MaxMonths is the longest range of months a book may span: 50 years.
const MaxMonths = 600

// fixedRange checks the range set in opt and reports whether there is one.
func (opt Options) fixedRange() (bool, error) {
	if opt.First == 0 && opt.Last == 0 {
		return false, nil
	}
	lo, hi := NewMonth(1, 1), NewMonth(9999, 12)
	if opt.First < lo || opt.First > hi || opt.Last < lo || opt.Last > hi || opt.Last < opt.First || int(opt.Last-opt.First) >= MaxMonths {
		return false, fmt.Errorf("retention: options: months %s to %s: want First ≤ Last within years 1 to 9999 and at most %d months: %w",
			opt.First, opt.Last, MaxMonths, ErrOption)
	}
	return true, nil
}

// srcPos locates a record read from a file: its 1-based line and 0-based data row.
type srcPos struct{ line, row int }

// RecordError reports a bad record by its index in the input (and, from ReadMRR,
// its line). The customer it belongs to is left out of the book entirely, since a
// customer with a record missing would be misclassified.
type RecordError struct {
	Index    int    // 0-based index in the records passed to NewBook; from ReadMRR, the data row
	Line     int    // 1-based CSV line, 0 when the record did not come from a file
	Customer string // the record's customer ID (may be empty if that is the fault)
	Err      error  // the cause, wrapping a sentinel
}

// Error formats the location and the cause.
func (e *RecordError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("retention: mrr line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("retention: records[%d]: %v", e.Index, e.Err)
}

// Unwrap returns the cause.
func (e *RecordError) Unwrap() error { return e.Err }

// Book is a set of customers' monthly MRR over a contiguous range of months, in one
// reporting currency, ready for movements, retention metrics and cohort tables. It
// is built once by NewBook and immutable afterwards: safe for concurrent use.
//
// Amounts are kept exactly. When every amount is a whole number of minor units of
// the reporting currency, fits an int64 and needs no conversion, the book keeps a
// flat int64 matrix and sums in minor units with overflow checks; otherwise (or on
// overflow) it works in exact decimals. Both give identical results.
type Book struct {
	ids      []string
	first    Month
	n        int // months in the book
	currency cs.Currency
	digits   int32   // the book currency's minor digits
	firstPay []int32 // per customer: index of the first month with MRR > 0, or -1

	fast []int64  // len(ids)*n minor units, or nil in exact mode
	zero cs.Money // 0 in the reporting currency, as MoneyFromMinor gives it

	// exact mode: one line per (customer, currency) in native amounts.
	lines    []line
	custLine []int32             // customer c owns lines custLine[c]:custLine[c+1]
	native   []decimal.Decimal   // len(lines)*n
	rates    [][]decimal.Decimal // per line currency index: rate per month
	curIdx   map[cs.Currency]int

	errs []error
}

type line struct {
	cust int32
	cur  int // index into rates
}

// NewBook builds a book from MRR records in any order. A bad record (an empty
// customer ID, a negative or zero-currency amount, a month outside years 1 to 9999,
// a duplicate customer/subscription/month) is reported in Errors and its customer
// left out; the other customers are still processed. The error return is for faults
// of the whole input: no usable record, two currencies with no reporting currency,
// a currency of the records with no rate for some month (ErrNoRate), a non-positive
// rate.
func NewBook(recs []Record, opt Options) (*Book, error) {
	return newBookWith(recs, nil, nil, opt)
}

// newBookWith builds a book from records read at lines (nil when not from a file)
// and the errors of lines that could not be read at all, whose customers are left out.
func newBookWith(recs []Record, pos []srcPos, pre []*RecordError, opt Options) (*Book, error) {
	fixed, err := opt.fixedRange()
	if err != nil {
		return nil, err
	}
	b := &Book{currency: opt.Currency}
	bad := map[string]bool{}
	for _, e := range pre {
		b.errs = append(b.errs, e)
		if e.Customer != "" {
			bad[e.Customer] = true
		}
	}
	report := func(i int, err error) {
		e := &RecordError{Index: i, Customer: recs[i].Customer, Err: err}
		if pos != nil {
			e.Index, e.Line = pos[i].row, pos[i].line
		}
		b.errs = append(b.errs, e)
		bad[recs[i].Customer] = true
	}
	// Currencies and rates.
	curs := map[cs.Currency]bool{}
	for i := range recs {
		c := recs[i].MRR.Currency()
		if c == "" {
			continue
		}
		curs[c] = true
	}
	if b.currency == "" {
		if len(curs) > 1 {
			return nil, fmt.Errorf("retention: records in %s with no reporting currency: %w", joinCurrencies(sortedCurrencies(curs)), cs.ErrCurrencyMismatch)
		}
		for c := range curs {
			b.currency = c
		}
	}
	if b.currency != "" && !b.currency.Known() {
		return nil, fmt.Errorf("retention: reporting currency %q: %w", string(b.currency), cs.ErrUnknownCurrency)
	}
	// Customers and the month range.
	// Size the ID map by the runs of equal IDs, an upper bound on the customers
	// that is tight when a customer's rows come together.
	runs := 0
	for i := range recs {
		if i == 0 || recs[i].Customer != recs[i-1].Customer {
			runs++
		}
	}
	idx := make(map[string]int32, min(runs, 1<<20))
	cust := make([]int32, len(recs))
	lo, hi := Month(1<<31-1), Month(-1)
	for i := range recs {
		r := &recs[i]
		// A month no book can hold must not widen the range (below) into an error
		// for the whole input.
		badMonth := r.Month < NewMonth(1, 1) || r.Month > NewMonth(9999, 12)
		outside := fixed && !badMonth && (r.Month < opt.First || r.Month > opt.Last)
		switch {
		case r.Customer == "":
			report(i, fmt.Errorf("customer_id: %w", cs.ErrMissing))
			cust[i] = -1
			continue
		case r.MRR.Currency() == "":
			report(i, fmt.Errorf("customer %q: currency: %w", r.Customer, cs.ErrMissing))
		case r.MRR.IsNegative():
			report(i, fmt.Errorf("customer %q: mrr %s: %w", r.Customer, r.MRR, cs.ErrNegative))
		case badMonth:
			report(i, fmt.Errorf("customer %q: month %d: %w", r.Customer, int32(r.Month), ErrMonth))
		case outside:
			report(i, fmt.Errorf("customer %q: month %s outside the book's months %s to %s: %w", r.Customer, r.Month, opt.First, opt.Last, ErrMonth))
		}
		// Files usually hold a customer's rows together: skip the map lookup then.
		if i > 0 && cust[i-1] >= 0 && r.Customer == recs[i-1].Customer {
			cust[i] = cust[i-1]
		} else {
			c, ok := idx[r.Customer]
			if !ok {
				c = int32(len(idx))
				idx[r.Customer] = c
			}
			cust[i] = c
		}
		if badMonth || fixed {
			continue
		}
		if r.Month < lo {
			lo = r.Month
		}
		if r.Month > hi {
			hi = r.Month
		}
	}
	// The range comes from every record with a possible month, bad ones too, so
	// that a bad record never shifts the other customers' months.
	if fixed {
		lo, hi = opt.First, opt.Last
	}
	if hi < lo {
		if len(b.errs) > 0 {
			return nil, fmt.Errorf("retention: no usable record: %w", errors.Join(b.errs...))
		}
		return nil, fmt.Errorf("retention: no records: %w", cs.ErrMissing)
	}
	if int(hi-lo) >= MaxMonths {
		return nil, fmt.Errorf("retention: records span %s to %s: %w", lo, hi, ErrPeriod)
	}
	b.first, b.n = lo, int(hi-lo)+1
	// Rates: every foreign currency needs a positive rate for every month.
	b.curIdx = map[cs.Currency]int{b.currency: 0}
	b.rates = [][]decimal.Decimal{nil}
	one := decimal.NewFromInt(1)
	for _, c := range sortedCurrencies(curs) {
		if c == b.currency {
			continue
		}
		b.curIdx[c] = len(b.rates)
		b.rates = append(b.rates, make([]decimal.Decimal, b.n))
	}
	b.rates[0] = make([]decimal.Decimal, b.n)
	for m := range b.rates[0] {
		b.rates[0][m] = one
	}
	seen := make([][]bool, len(b.rates))
	for i := range seen {
		seen[i] = make([]bool, b.n)
	}
	standing := make([]decimal.Decimal, len(b.rates)) // the Month-zero rate of each currency
	for i, rt := range opt.Rates {
		ci, ok := b.curIdx[rt.From]
		if !ok || rt.Month != 0 && (rt.Month < b.first || int(rt.Month-b.first) >= b.n) {
			continue // a rate the book does not need
		}
		if ci == 0 || rt.Rate.Sign() <= 0 {
			return nil, fmt.Errorf("retention: rates[%d]: %s %s at %s: %w", i, rt.From, rt.Month, rt.Rate, cs.ErrInvalidRate)
		}
		if rt.Month == 0 {
			if !standing[ci].IsZero() {
				return nil, fmt.Errorf("retention: rates[%d]: %s for every month: %w", i, rt.From, cs.ErrDuplicate)
			}
			standing[ci] = rt.Rate
			continue
		}
		m := int(rt.Month - b.first)
		if seen[ci][m] {
			return nil, fmt.Errorf("retention: rates[%d]: %s %s: %w", i, rt.From, rt.Month, cs.ErrDuplicate)
		}
		seen[ci][m] = true
		b.rates[ci][m] = rt.Rate
	}
	for _, c := range sortedCurrencies(curs) {
		ci := b.curIdx[c]
		if ci == 0 {
			continue
		}
		for m := 0; m < b.n; m++ {
			switch {
			case seen[ci][m]:
			case !standing[ci].IsZero():
				b.rates[ci][m] = standing[ci]
			default:
				return nil, fmt.Errorf("retention: %s to %s in %s: %w", c, b.currency, b.first.Add(m), ErrNoRate)
			}
		}
	}
	// Group records by customer (counting sort) to find duplicates.
	nc := len(idx)
	start := make([]int32, nc+1)
	for _, c := range cust {
		if c >= 0 {
			start[c+1]++
		}
	}
	for c := 0; c < nc; c++ {
		start[c+1] += start[c]
	}
	order := make([]int32, start[nc])
	fill := slices.Clone(start[:nc])
	for i, c := range cust {
		if c >= 0 {
			order[fill[c]] = int32(i)
			fill[c]++
		}
	}
	var dups []int32
	for c := 0; c < nc; c++ {
		// One pass finds the duplicates of a customer whose rows come in (month,
		// subscription) order, as files usually hold them; others are sorted first.
		g := order[start[c]:start[c+1]]
		dups = dups[:0]
		sorted := true
		for k := 1; k < len(g); k++ {
			d := cmpRec(&recs[g[k-1]], &recs[g[k]])
			if d > 0 {
				sorted = false
				break
			}
			if d == 0 {
				dups = append(dups, g[k])
			}
		}
		if !sorted {
			slices.SortStableFunc(g, func(x, y int32) int { return cmpRec(&recs[x], &recs[y]) })
			dups = dups[:0]
			for k := 1; k < len(g); k++ {
				if cmpRec(&recs[g[k-1]], &recs[g[k]]) == 0 {
					dups = append(dups, g[k])
				}
			}
		}
		for _, i := range dups {
			r := &recs[i]
			report(int(i), fmt.Errorf("customer %q: subscription %q in %s: %w", r.Customer, r.Subscription, r.Month, cs.ErrDuplicate))
		}
	}
	// Good customers, sorted by ID.
	ids := make([]string, 0, nc)
	for id := range idx {
		if !bad[id] {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	b.ids = ids
	remap := make([]int32, nc)
	for i := range remap {
		remap[i] = -1
	}
	for k, id := range ids {
		remap[idx[id]] = int32(k)
	}
	b.digits = int32(b.currency.Digits())
	b.zero, _ = cs.MoneyFromMinor(0, b.currency)
	slices.SortStableFunc(b.errs, func(x, y error) int {
		ex, ey := x.(*RecordError), y.(*RecordError)
		if ex.Line != ey.Line {
			return ex.Line - ey.Line
		}
		return ex.Index - ey.Index
	})
	if !b.buildFast(recs, cust, remap) {
		b.buildExact(recs, cust, remap)
	}
	b.firstPay = make([]int32, len(ids))
	for c := range ids {
		b.firstPay[c] = -1
		for m := 0; m < b.n; m++ {
			if b.positive(c, m) {
				b.firstPay[c] = int32(m)
				break
			}
		}
	}
	return b, nil
}

func cmpRec(x, y *Record) int {
	if x.Month != y.Month {
		if x.Month < y.Month {
			return -1
		}
		return 1
	}
	return strings.Compare(x.Subscription, y.Subscription)
}

func sortedCurrencies(m map[cs.Currency]bool) []cs.Currency {
	out := make([]cs.Currency, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

func (b *Book) buildFast(recs []Record, cust, remap []int32) bool {
	if len(b.rates) > 1 {
		return false
	}
	cells := make([]int64, len(b.ids)*b.n)
	for i := range recs {
		c := cust[i]
		if c < 0 || remap[c] < 0 {
			continue
		}
		v, ok := recs[i].MRR.Minor()
		if !ok {
			return false
		}
		k := int(remap[c])*b.n + int(recs[i].Month-b.first)
		s := cells[k] + v
		if s < cells[k] {
			return false
		}
		cells[k] = s
	}
	b.fast = cells
	return true
}

func (b *Book) buildExact(recs []Record, cust, remap []int32) {
	// Lines: (customer, currency) pairs present in the records, in (customer,
	// currency index) order.
	type key struct {
		c   int32
		cur int
	}
	present := map[key]bool{}
	for i := range recs {
		c := cust[i]
		if c < 0 || remap[c] < 0 {
			continue
		}
		present[key{remap[c], b.curIdx[recs[i].MRR.Currency()]}] = true
	}
	keys := make([]key, 0, len(present))
	for k := range present {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y key) int {
		if x.c != y.c {
			return int(x.c - y.c)
		}
		return x.cur - y.cur
	})
	pos := make(map[key]int, len(keys))
	b.lines = make([]line, len(keys))
	b.custLine = make([]int32, len(b.ids)+1)
	for i, k := range keys {
		pos[k] = i
		b.lines[i] = line{cust: k.c, cur: k.cur}
		b.custLine[k.c+1]++
	}
	for c := 0; c < len(b.ids); c++ {
		b.custLine[c+1] += b.custLine[c]
	}
	b.native = make([]decimal.Decimal, len(keys)*b.n)
	for i := range recs {
		c := cust[i]
		if c < 0 || remap[c] < 0 {
			continue
		}
		l := pos[key{remap[c], b.curIdx[recs[i].MRR.Currency()]}]
		k := l*b.n + int(recs[i].Month-b.first)
		b.native[k] = b.native[k].Add(recs[i].MRR.Amount())
	}
}

// positive reports whether customer c paid in month m.
func (b *Book) positive(c, m int) bool {
	if b.fast != nil {
		return b.fast[c*b.n+m] > 0
	}
	for l := b.custLine[c]; l < b.custLine[c+1]; l++ {
		if b.native[int(l)*b.n+m].Sign() > 0 {
			return true
		}
	}
	return false
}

// Errors returns one error per bad record (a *RecordError), in input order.
func (b *Book) Errors() []error { return slices.Clone(b.errs) }

// Currency returns the reporting currency.
func (b *Book) Currency() cs.Currency { return b.currency }

// Months returns the first and last month of the book.
func (b *Book) Months() (first, last Month) { return b.first, b.first.Add(b.n - 1) }

// Customers returns the IDs of the customers in the book, sorted.
func (b *Book) Customers() []string { return slices.Clone(b.ids) }

// Exact reports whether the book works in exact decimals rather than int64 minor
// units (several currencies, fractions of a minor unit, or amounts beyond int64).
// Results are the same either way; only speed differs.
func (b *Book) Exact() bool { return b.fast == nil }

// MRR returns customer id's MRR in month m in the reporting currency, converted at
// m's rates, and false if the customer or the month is not in the book.
func (b *Book) MRR(id string, m Month) (cs.Money, bool) {
	c, ok := slices.BinarySearch(b.ids, id)
	if !ok || m < b.first || int(m-b.first) >= b.n {
		return cs.Money{}, false
	}
	mi := int(m - b.first)
	if b.fast != nil {
		return b.fastOps().money(b.fast[c*b.n+mi]), true
	}
	e := b.exactOps()
	return e.money(e.at(c, mi, mi)), true
}

func joinCurrencies(cs []cs.Currency) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
